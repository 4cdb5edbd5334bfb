"""The command line and what each command prints: the typer app (app.py; cli.py is
the console script), the commands (article_cli.py, corpus_cli.py), what each prints
(ingest_clean.py, stance_tables.py, rules_show.py), the output formats (output.py)
and the files a command writes (outfile.py)."""
