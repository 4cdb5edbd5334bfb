"""The corpus brief (`ipcorpus report`): the figures, computed once from the index as
one plain dict (figures.py), then laid out by one small renderer per format:
terminal.py (rich panels), markdown.py, long_form.py (TSV/CSV), html_brief.py (one
self-contained page), and JSON as the dict itself. common.py holds what they share."""
from __future__ import annotations

import json

from ipcorpus.commands.output import Out
from ipcorpus.report.figures import STOP_WORDS, compute, stance_sentence
from ipcorpus.report.html_brief import write_html

__all__ = ["STOP_WORDS", "compute", "render", "stance_sentence", "write_html"]


def render(report: dict, out: Out):
    """Write the brief to `out` in its format."""
    fmt = out.fmt
    if fmt in ("json", "jsonl"):
        if fmt == "jsonl":
            out.write(json.dumps(report, ensure_ascii=False) + "\n")
        else:
            out.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "markdown":
        from ipcorpus.report.markdown import markdown
        out.write(markdown(report))
    elif fmt in ("tsv", "csv"):
        from ipcorpus.report.long_form import long_form
        out.write(long_form(report, fmt))
    else:
        from ipcorpus.report.terminal import terminal
        terminal(report, out)
