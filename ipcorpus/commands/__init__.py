"""The command line and what each command prints: the typer app (cli.py), the
tables of each command, the output formats (output.py) and output files (outfile.py)."""
