"""Files ipcorpus writes because a user named them (`report --html FILE`, `check
--write-baseline FILE`): never over an article of the corpus being analysed, nor over
any existing file that ipcorpus did not write (as `--db` never replaces a file that is
not an index), unless `--force`; never over a FIFO or a device at all."""
from __future__ import annotations

import fnmatch
import json
import os

from ipcorpus.commands.output import safe_path
from ipcorpus.errors import IpcorpusError

# The head of every HTML brief: the generator tag (report/html_brief.py, html_page), or, for
# a brief written before the tag, the page's first bytes up to its own policy.
_BRIEF_TAG = b'<meta name="generator" content="ipcorpus '
_BRIEF_HEAD = (b'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
               b'<meta http-equiv="Content-Security-Policy" content="default-src \'none\';')


def is_brief(path: str) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return _BRIEF_TAG in head.split(b"</head>")[0] or head.startswith(_BRIEF_HEAD)


def is_baseline(path: str) -> bool:
    """The JSON check.write_baseline writes: {"tool": "ipcorpus", "findings": [...]}."""
    with open(path, "rb") as fh:
        if fh.read(64).lstrip()[:1] != b"{":
            return False
        fh.seek(0)
        try:
            data = json.loads(fh.read().decode("utf-8", "surrogateescape"))
        except ValueError:
            return False
    return isinstance(data, dict) and data.get("tool") == "ipcorpus" and isinstance(data.get("findings"), list)


KINDS = {"html": ("an HTML brief", is_brief), "baseline": ("a baseline", is_baseline)}


def in_corpus(path: str, paths: list[str], patterns) -> bool:
    """Whether `path` is one of the files a run over `paths` reads: a file named, or
    one a folder walk takes (not under a hidden folder, its name matching a glob)."""
    from ipcorpus.read.source import is_hidden
    real = os.path.realpath(path)
    for given in paths:
        if not os.path.isdir(given):
            try:
                if os.path.samefile(given, path):
                    return True
            except OSError:
                pass
            continue
        rel = os.path.relpath(real, os.path.realpath(given))
        parts = rel.split(os.sep)
        if rel == os.curdir or parts[0] == os.pardir or any(is_hidden(x) for x in parts):
            continue
        if any(fnmatch.fnmatch(parts[-1], p) for p in patterns if p):
            return True
    return False


def check_target(path: str, kind: str, paths: list[str], patterns, force: bool = False):
    """Refuse (IpcorpusError) to write `kind` ("html" or "baseline") to `path` over a
    file that is not ours; a new file, an empty one, a folder (which the writer
    refuses) or `-` pass."""
    if path == "-" and kind == "html":
        return
    if not os.path.lexists(path) or os.path.isdir(path):
        return
    shown = safe_path(path)
    if not os.path.isfile(path):
        raise IpcorpusError(f"{shown}: not a regular file; not writing over it"
                            + (" (--html - writes to stdout)" if kind == "html" else ""))
    if force:
        return
    if in_corpus(path, paths, patterns):
        raise IpcorpusError(f"{shown} is an article of the corpus being analysed; not writing over it "
                            f"(choose another file, or --force)")
    what, ours = KINDS[kind]
    try:
        if os.path.getsize(path) == 0 or ours(path):
            return
    except OSError as e:
        raise IpcorpusError(f"{shown}: {e.strerror}") from None
    raise IpcorpusError(f"{shown} exists and is not {what} that ipcorpus wrote; not writing over it "
                        f"(choose another file, or --force)")
