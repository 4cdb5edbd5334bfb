"""The console script `ipcorpus`: the app of app.py with every command registered, in
the order `--help` lists them. Importing this loads typer and the command modules
only: each command imports what it runs when it runs (`--help` stays fast and never
loads Dask, jieba or the index)."""
from __future__ import annotations

# Importing them registers their commands on app; --help lists them in this order
# (ingest, clean, stance, rules, show, then report, check, config).
from ipcorpus.commands import article_cli, corpus_cli  # noqa: F401
from ipcorpus.commands.app import app

__all__ = ["app", "main"]


def main():
    app(prog_name="ipcorpus")
