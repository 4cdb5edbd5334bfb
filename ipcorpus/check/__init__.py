"""`ipcorpus check`: the CI gate over articles. codes.py holds the codes, findings
and settings; decisions.py what is found in an article and between articles;
formats.py one writer per output format; baseline.py the accepted findings; run.py
what is read and the command. The names below are what the CLI and tests use."""
from __future__ import annotations

from ipcorpus.check.codes import CODES, SEVERITIES, Code, Finding, Settings, parse_size
from ipcorpus.check.formats import FORMATS, github_line, sarif
from ipcorpus.check.run import changed_files, check, command, summary

__all__ = ["CODES", "FORMATS", "SEVERITIES", "Code", "Finding", "Settings", "changed_files", "check", "command",
           "github_line", "parse_size", "sarif", "summary"]
