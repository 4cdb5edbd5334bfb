"""Sentences with line spans over the kept lines of a cleaned document.

A sentence broken across adjacent lines (hard-wrapped pages) is rejoined and spans
`line-end_line`; headings and list items are units of their own."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ipcorpus.memo import remembered

_TERMINAL = "。！？!?…"
_CLOSERS = "”’」』）)\"'"
_ITEM = re.compile(r"^\s*([-*+•·]\s|\d{1,2}\s*[.)、）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}\s*[、.]"
                   r"|第[一二三四五六七八九十\d]+[，,、])")
_SPLIT = re.compile(rf"[^{_TERMINAL}]*[{_TERMINAL}]+[{_CLOSERS}]*|[^{_TERMINAL}]+$")


@dataclass
class Unit:
    line: int
    end_line: int
    text: str
    kind: str        # title | heading | item | sentence


@remembered
def _kind(raw: str, plain: str) -> str:
    if raw.startswith("#"):
        return "heading"
    if _ITEM.match(plain) or _ITEM.match(raw):
        return "item"
    s = plain.strip()
    if raw.startswith("**") and raw.rstrip().endswith("**") and len(s) <= 40:
        return "heading"
    if len(s) <= 30 and not any(c in s for c in _TERMINAL + "，,"):
        return "heading"
    return "sentence"


def units(kept: list[tuple[int, str, str]], title_line: int | None = None) -> list[Unit]:
    """kept: (line number, plain text, normalized text) of each kept line, in order."""
    out: list[Unit] = []
    i = 0
    while i < len(kept):
        line, plain, raw = kept[i]
        if not plain:
            i += 1
            continue
        kind = "title" if line == title_line else _kind(raw, plain)
        if kind in ("title", "heading"):
            out.append(Unit(line, line, plain, kind))
            i += 1
            continue
        # Gather a paragraph: adjacent kept lines, joined while a line ends mid-sentence.
        parts = [(line, plain)]
        j = i
        while j + 1 < len(kept):
            nline, nplain, nraw = kept[j + 1]
            cur = parts[-1][1]
            if nline != parts[-1][0] + 1 or not nplain or cur[-1] in _TERMINAL + _CLOSERS \
                    or len(cur) < 15 or _kind(nraw, nplain) != "sentence" or nline == title_line:
                break
            parts.append((nline, nplain))
            j += 1
        text = "".join(p for _, p in parts)
        starts = [0]                    # where each part begins in text (none is empty)
        for _, p in parts[:-1]:
            starts.append(starts[-1] + len(p))
        first_kind = kind
        for m in _SPLIT.finditer(text):
            s = m.group().strip()
            if not s:
                continue
            a, b = m.start(), max(m.start(), m.end() - 1)
            out.append(Unit(parts[bisect_right(starts, a) - 1][0], parts[bisect_right(starts, b) - 1][0], s,
                            first_kind if first_kind == "item" else "sentence"))
            first_kind = "sentence"
        i = j + 1
    return out
