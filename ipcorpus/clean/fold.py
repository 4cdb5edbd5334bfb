"""Punctuation and width folding, in one place for every rule.

The packs were written with the full-width punctuation Chinese pages use (`：`,
`（`, `【`, `｜`); pages and users write the same furniture with half-width forms,
ASCII brackets and extra spaces. Every rule pattern (shipped or a user's) and every
line it is searched in are folded the same way before they meet, so a pack entry is
written once and matches every spelling:

- full-width ASCII forms (U+FF01–FF5E) become ASCII: `：`→`:`, `（）`→`()`, `，`→`,`,
  `！？；`→`!?;`, `｜`→`|`, `０-９`/`Ａ-Ｚ` → `0-9`/`A-Z`;
- `【】〔〕［］` become `[]`/`()`, `丨` (a bar in bylines) becomes `|`;
- the ideographic and non-breaking spaces become a space, and a run of spaces one.

A line's folded form maps back to its own characters (FoldedLine.orig), so a
`(?P<value>…)` group is read from the line as written."""
from __future__ import annotations

_PAIRS = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_PAIRS.pop("\uff5e")               # `～` stays: a range in prose (3～5年)
_PAIRS.update({"【": "[", "】": "]", "〔": "(", "〕": ")", "丨": "|"})
_SPACES = {"\u3000": " ", "\xa0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " "}
_MAP = {**_PAIRS, **_SPACES}       # one character for one: no result is itself a key
_META = set(".^$*+?{}[]\\|()#&~-")
# In a pattern a folded character that is an operator in ASCII is written escaped:
# `（`, a literal, becomes `\(`, never a group.
_PATTERN = {k: ("\\" + v if v in _META else v) for k, v in _PAIRS.items()}
_SIGNS = frozenset(_PAIRS) | frozenset(_SPACES)


def fold_pattern(pattern: str) -> str:
    """A rule pattern written for the folded form of lines: its literal full-width
    characters folded, escaped where the ASCII form is an operator."""
    if _SIGNS.isdisjoint(pattern):
        return pattern
    out, esc = [], False
    for c in pattern:
        if esc:
            out.append(_PATTERN.get(c, c))       # `\（`: a literal already
            if c in _PATTERN and not _PATTERN[c].startswith("\\"):
                out[-2:] = [_PATTERN[c]]          # `\：` -> `:`
            esc = False
        elif c == "\\":
            out.append(c)
            esc = True
        else:
            out.append(_PATTERN.get(c, c))
    return "".join(out)


def fold(s: str) -> str:
    """The folded form of a line: what every rule pattern is searched in."""
    if _SIGNS.isdisjoint(s) and "  " not in s:
        return s
    t = _translate(s)
    if "  " in t:
        t = _collapse(t)
    return t


def _translate(s: str) -> str:
    """Each sign of the line replaced by its folded form: a replace per distinct sign
    the line holds (a line holds a few) costs half of str.translate's look-up of
    every character in a dictionary."""
    for c in _SIGNS.intersection(s):
        s = s.replace(c, _MAP[c])
    return s


def _collapse(t: str) -> str:
    out = []
    prev = ""
    for c in t:
        if c == " " and prev == " ":
            continue
        out.append(c)
        prev = c
    return "".join(out)


def unfold(s: str, start: int, end: int) -> str:
    """The characters of line `s` as written that its folded form's [start, end) holds."""
    if start >= end:
        return ""
    t = _translate(s)
    if "  " not in t:
        return s[start:end]
    keep = [i for i, c in enumerate(t) if not (c == " " and i and t[i - 1] == " ")]
    return s[keep[start]:keep[end - 1] + 1]
