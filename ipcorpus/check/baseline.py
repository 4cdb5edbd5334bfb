"""A baseline file: the findings accepted once (--write-baseline), so that a check
reports only new ones (--baseline). Entries are keyed by path, code and the flagged
line's text, not by line number, so they survive edits above them."""
from __future__ import annotations

import json
import os
from collections import Counter

from ipcorpus.atomic import write_atomic
from ipcorpus.check.codes import Finding
from ipcorpus.errors import IpcorpusError


def _baseline_key(base_dir: str, path: str, code: str, fingerprint: str):
    return (os.path.normpath(os.path.join(base_dir, path)), code, fingerprint)


def write_baseline(path: str, findings: list[Finding]):
    """Record the findings, paths relative to the baseline file's folder."""
    base = os.path.dirname(os.path.abspath(path))
    recs = [{"path": os.path.relpath(os.path.abspath(f.path), base).replace(os.sep, "/"), "code": f.code,
             "fingerprint": f.fingerprint, "line": f.line, "message": f.message} for f in findings]
    data = {"tool": "ipcorpus", "format": 1, "findings": recs}
    try:
        # surrogateescape: a file name that is not UTF-8 round-trips as its bytes
        write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n", errors="surrogateescape")
    except OSError as e:
        raise IpcorpusError(f"{path}: cannot write baseline: {e.strerror}") from None


def load_baseline(path: str) -> Counter:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            data = json.load(fh)
        recs = data["findings"]
        base = os.path.dirname(os.path.abspath(path))
        return Counter(_baseline_key(base, r["path"], r["code"], r["fingerprint"]) for r in recs)
    except FileNotFoundError:
        raise IpcorpusError(f"{path}: no such baseline file (create one with --write-baseline)") from None
    except OSError as e:
        raise IpcorpusError(f"{path}: {e.strerror}") from None
    except (ValueError, KeyError, TypeError) as e:
        raise IpcorpusError(f"{path}: not an ipcorpus baseline ({e})") from None


def apply_baseline(findings: list[Finding], known: Counter) -> tuple[list[Finding], int]:
    """The findings the baseline does not hold (each baseline entry accepts one)."""
    left, accepted = [], 0
    known = Counter(known)
    for f in findings:
        k = _baseline_key(os.getcwd(), f.path, f.code, f.fingerprint)
        if known[k] > 0:
            known[k] -= 1
            accepted += 1
        else:
            left.append(f)
    return left, accepted
