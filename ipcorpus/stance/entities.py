"""The entities (companies and their people) a sentence names, for the per-entity
figures: one trie scan, Latin and numeric aliases only as words of their own."""
from __future__ import annotations

from ipcorpus.stance.lexicon import Lexicon
from ipcorpus.stance.scan import ascii_upper


def entities_in(text: str, lex: Lexicon) -> dict[str, int]:
    """The entities a sentence names, and how often; remembered as score_unit is."""
    lex.entity_memo.on = lex.memo_on
    return dict(lex.entity_memo.recall(text, len(text), _entities_in, text, lex))


def _entities_in(text: str, lex: Lexicon) -> dict[str, int]:
    out: dict[str, int] = {}
    if lex.entity_regex is None:
        return out
    # Upper-cased but with its spaces: they separate Latin words (OPPO A5).
    c = ascii_upper(text)
    for m in lex.entity_regex.finditer(c):
        name = lex.entity_of.get(m.group())
        if name and _alias_stands_alone(c, m.start(), m.end(), lex):
            out[name] = out.get(name, 0) + 1
    return out


def _alias_stands_alone(c: str, start: int, end: int, lex: Lexicon) -> bool:
    """A Latin or numeric alias (360, OPPO, Tesla) is the company only as a word of
    its own: not inside a longer run of letters and digits (an id, 349-360), and a
    number not followed by a unit or measure word (360个, 360度)."""
    alias = c[start:end]
    if not alias.isascii():
        return True
    before = c[start - 1] if start else ""
    after = c[end] if end < len(c) else ""
    if (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum()):
        return False
    if alias.isdigit():
        if before in "-~～—–/.:：" and start >= 2 and c[start - 2].isdigit():
            return False
        if after and any(c.startswith(u, end) for u in lex.numeric_units):
            return False
    return True
