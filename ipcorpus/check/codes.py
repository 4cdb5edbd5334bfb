"""The check's codes, its findings and the settings that select them (--select,
--ignore, --fail-on, --require-stance, --max-size)."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ipcorpus.commands.output import safe_path
from ipcorpus.errors import IpcorpusError

SEVERITIES = ("error", "warning", "info")          # most severe first


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    severity: str           # default severity
    summary: str
    default: bool = True    # False: reported only when --select names it (I301: or --require-stance)


CODES = {c.code: c for c in (
    Code("E101", "unreadable", "error", "binary or undecodable file: no text can be read from it"),
    Code("E102", "empty", "error", "empty file, or only blank lines"),
    Code("E103", "all-noise", "error", "no article left after cleaning: every line is page furniture"),
    Code("E104", "too-large", "error", "file larger than the size limit (--max-size)"),
    Code("W201", "lost-characters", "warning", "kept line with characters lost in conversion (`?` or U+FFFD)"),
    Code("W202", "pinyin-gloss", "warning", "kept line with a pinyin gloss left after a character: 網(wǎng)"),
    Code("W203", "url-line", "warning", "kept line that is only a URL"),
    Code("W204", "disclaimer-line", "warning", "kept line that reads like a disclaimer or copyright notice"),
    Code("W205", "spam-line", "warning", "kept line of injected adult or gambling keywords"),
    Code("W206", "repost", "warning", "duplicate or repost of another article of the corpus"),
    Code("I301", "no-stance", "info", "stance undetermined: label neutral with no evidence", default=False),
)}


# -- findings -------------------------------------------------------------------
@dataclass
class Finding:
    path: str                          # as shown
    line: int
    column: int                        # 1-based, in Unicode code points of the original line
    code: str
    message: str
    severity: str
    related: tuple | None = None    # (path, line) of the other article (W206)
    key: str = ""                      # what identifies it in a baseline: the flagged line's text
    locate: str = ""                   # which pattern finds the column in the original line

    @property
    def name(self) -> str:
        return CODES[self.code].name

    @property
    def fingerprint(self) -> str:
        return hashlib.blake2b(f"{self.code}\0{self.key}".encode("utf-8", "surrogateescape"),
                               digest_size=8).hexdigest()

    def sort_key(self):
        return (self.path, self.line, self.column, self.code)

    def record(self) -> dict:
        rel = {"path": safe_path(self.related[0]), "line": self.related[1]} if self.related else None
        return {"path": safe_path(self.path), "line": self.line, "column": self.column, "code": self.code,
                "name": self.name, "severity": self.severity, "message": self.message, "related": rel,
                "fingerprint": self.fingerprint}


@dataclass
class Settings:
    fail_on: str = "error"
    select: tuple = ()
    ignore: tuple = ()
    require_stance: bool = False
    max_size: int = 0                  # 0: the analyser's limit

    def __post_init__(self):
        if self.fail_on not in SEVERITIES:
            raise IpcorpusError(f"unknown --fail-on '{self.fail_on}' (choose from {', '.join(SEVERITIES)})")
        self.select = _codes(self.select, "--select")
        self.ignore = _codes(self.ignore, "--ignore")

    def enabled(self, code: str) -> bool:
        if any(code.startswith(p) for p in self.ignore):
            return False
        if not CODES[code].default:       # opt-in: named exactly, or I301 by --require-stance
            return code in self.select or (code == "I301" and self.require_stance)
        return not self.select or any(code.startswith(p) for p in self.select)

    def severity(self, code: str) -> str:
        if code == "I301" and self.require_stance:
            return "error"
        return CODES[code].severity

    def fails(self, f: Finding) -> bool:
        return SEVERITIES.index(f.severity) <= SEVERITIES.index(self.fail_on)


def _codes(values, option: str) -> tuple:
    out = []
    for v in values or ():
        for part in str(v).split(","):
            p = part.strip().upper()
            if not p:
                continue
            if not any(c.startswith(p) for c in CODES):
                raise IpcorpusError(f"{option}: unknown code '{part.strip()}' (codes: {', '.join(CODES)})")
            out.append(p)
    return tuple(out)


def parse_size(text: str | None) -> int:
    """`2000000`, `500K`, `2M`, `1G` (powers of 1024) -> bytes; None -> 0."""
    if text is None:
        return 0
    m = re.fullmatch(r"\s*(\d+)\s*([kmg]?)i?b?\s*", str(text), re.I)
    if not m or int(m.group(1)) == 0:
        raise IpcorpusError(f"--max-size: '{text}' is not a size (bytes, or a number with K, M or G)")
    return int(m.group(1)) * 1024 ** " kmg".index(m.group(2).lower() or " ")
