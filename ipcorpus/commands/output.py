"""Every renderer: table (rich, terminals only), tsv, csv, json, jsonl, markdown.

Machine formats never pass through rich: no wrapping, no colour, real Chinese
characters in JSON, stable keys and a deterministic row order."""
from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("table", "tsv", "csv", "json", "jsonl", "markdown")
COLORS = ("auto", "always", "never")


@dataclass
class Display:
    """How much a run says beyond its results, and in what colour: one setting for the
    whole process, from the root's and the command's --color, -q and -v (commands/app.py)."""
    color: str = "auto"
    quiet: bool = False
    verbose: int = 0


DISPLAY = Display()


def configure(color: str | None = None, quiet: bool = False, verbose: int = 0, reset: bool = False):
    """Set the process's Display: `reset` starts from the defaults (the root command),
    else a command's own options add to what the root said."""
    global DISPLAY
    if color is not None and color not in COLORS:
        from ipcorpus.errors import IpcorpusError
        raise IpcorpusError(f"unknown --color '{color}' (choose from {', '.join(COLORS)})")
    base = Display() if reset else DISPLAY
    DISPLAY = Display(color or base.color, quiet or base.quiet, base.verbose + verbose)


def console(stream, color: str | None = None, **kwargs) -> Console:
    """A rich Console on `stream` that follows the colour setting: `always` forces
    colour (over NO_COLOR, as a command-line option should), `never` and `auto` with
    NO_COLOR set mean no ANSI escapes at all (rich's own no_color still bolds)."""
    from rich.console import Console
    color = color or DISPLAY.color
    plain = color == "never" or (color == "auto" and os.environ.get("NO_COLOR", "") != "")
    extra: dict[str, Any] = {"color_system": None} if plain else {}
    return Console(file=stream, force_terminal=True if color == "always" else None, no_color=plain,
                   **extra, **kwargs)


class Out:
    """Where a command writes: stdout for results, stderr for everything else."""

    def __init__(self, fmt: str = "auto", color: str | None = None, stream=None, err=None):
        if color is not None and color not in COLORS:
            from ipcorpus.errors import IpcorpusError
            raise IpcorpusError(f"unknown --color '{color}' (choose from {', '.join(COLORS)})")
        self.stream = stream or sys.stdout
        self.err = err or sys.stderr
        tty = _isatty(self.stream)
        self.fmt = ("table" if tty else "tsv") if fmt in ("auto", None) else fmt
        self.color = color or DISPLAY.color
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            self._console = console(self.stream, self.color, highlight=False, soft_wrap=False)
        return self._console

    def write(self, text: str):
        self.stream.write(text)

    def note(self, text: str, always: bool = False):
        """A human note on stderr (summaries, warnings), silenced by --quiet unless
        `always` (the reason for a failing exit code)."""
        if DISPLAY.quiet and not always:
            return
        print(text, file=self.err)

    # -- tabular -----------------------------------------------------------
    def rows(self, columns: list[str], rows: list[list[Any]], title: str | None = None,
             nowrap: Iterable[str] = (), records: list[dict] | None = None):
        """Write rows in the chosen format. `records` (same order) is what JSON gets,
        when it should carry more than the columns."""
        fmt = self.fmt
        if fmt in ("json", "jsonl"):
            objs = records if records is not None else [dict(zip(columns, r, strict=True)) for r in rows]
            self.json(objs)
        elif fmt in ("tsv", "csv"):
            self.write(delimited(columns, rows, fmt))
        elif fmt == "markdown":
            self.write(markdown_table(columns, rows))
        else:
            self.table(columns, rows, title, nowrap)

    def table(self, columns, rows, title=None, nowrap=()):
        from rich.cells import cell_len
        from rich.markup import escape
        from rich.table import Table
        cells = [[_plain(v) for v in r] for r in rows]
        # Numbers and labels are never cut: each such column is as wide as its widest
        # value. Paths and citations stay on one line where the terminal allows, else
        # fold onto more (still whole); prose columns take what is left, and are the
        # first to go when the rest would not fit.
        widest = [max([cell_len(c)] + [cell_len(r[k]) for r in cells]) for k, c in enumerate(columns)]
        whole = [widest[k] if c in _NUMERIC or c in _WHOLE else None for k, c in enumerate(columns)]
        frame = 3 * len(columns) + 1
        rest = sum(widest[k] for k, c in enumerate(columns) if c not in _PROSE)
        keep = list(range(len(columns)))
        if any(c in _PROSE for c in columns) and \
                rest + frame + 8 * sum(c in _PROSE for c in columns) > self.console.width:
            keep = [k for k, c in enumerate(columns) if c not in _PROSE]
            frame = 3 * len(keep) + 1
        if rest + frame <= self.console.width:
            whole = [w if w is not None or columns[k] in _PROSE else widest[k] for k, w in enumerate(whole)]
        t = Table(title=title, show_lines=False, header_style="bold", expand=False)
        for k in keep:
            c = columns[k]
            t.add_column(c, overflow="fold", no_wrap=whole[k] is not None,
                         justify="right" if c in _NUMERIC else "left", ratio=1 if c in _PROSE else None,
                         min_width=whole[k] if whole[k] is not None else 8 if c in _PROSE else None)
        for r in cells:
            t.add_row(*[escape(r[k]) for k in keep])
        self.console.print(t)

    def json(self, objs):
        if self.fmt == "jsonl":
            for o in (objs if isinstance(objs, list) else [objs]):
                self.write(json.dumps(o, ensure_ascii=False, sort_keys=False) + "\n")
        else:
            self.write(json.dumps(objs, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


_NUMERIC = {"score", "founder", "matrix", "weight", "confidence", "lines", "kept", "dropped", "articles", "count",
            "share", "value", "mentions", "line", "rank", "founder-ip", "mixed", "neutral", "founder_weight",
            "matrix_weight"}
_WHOLE = {"label", "side", "published", "action", "default", "counts"}   # short values, never cut
_PROSE = {"title", "text", "description", "rules", "source"}


def nothing_matched(paths, patterns) -> str:
    """The note for a run that found no file to read (rg's convention: exit 1)."""
    globs = ", ".join(patterns) if patterns and any(patterns) else "(an empty --glob)"
    where = " ".join(safe_path(p) for p in paths) or "."
    return f"ipcorpus: no files matched: nothing under {where} matches {globs} (change with --glob)"


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _plain(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3f}".rstrip("0").rstrip(".") if v != int(v) else f"{v:.1f}"
    if isinstance(v, (list, tuple)):
        return ",".join(_plain(x) for x in v)
    return str(v)


def _cell(v) -> str:
    """A TSV cell: tabs and line breaks would break the row, so they become spaces."""
    return _plain(v).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def delimited(columns, rows, fmt: str = "tsv") -> str:
    """TSV (a header row, cells with tabs and line breaks turned to spaces) or CSV."""
    return table_head(columns, fmt) + table_body(rows, fmt)


def markdown_table(columns, rows) -> str:
    return table_head(columns, "markdown") + table_body(rows, "markdown")


def table_head(columns, fmt: str) -> str:
    """The header of a tsv, csv or markdown table; table_body gives its rows, so a
    table can be written in pieces (index/output_cache.py)."""
    if fmt == "markdown":
        return "| " + " | ".join(columns) + " |\n" + "|" + "|".join("---" for _ in columns) + "|\n"
    return table_body([columns], fmt)


def table_body(rows, fmt: str) -> str:
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        for r in rows:
            w.writerow([_plain(v) for v in r])
        return buf.getvalue()
    if fmt == "markdown":
        return "".join("| " + " | ".join(_cell(v).replace("|", "\\|") for v in r) + " |\n" for r in rows)
    return "".join("\t".join(_cell(v) for v in r) + "\n" for r in rows)


def safe_path(p: str) -> str:
    """A path as text that can always be printed (undecodable bytes shown as \\xNN)."""
    try:
        p.encode("utf-8")
        return p
    except UnicodeEncodeError:
        return p.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
