"""Which characters a regular expression cannot match without: a cheap test that
lets a line skip a pattern it cannot match (set(line).isdisjoint(chars) is one C
call where a failing search is a scan of the line).

The set is worked out from the parsed pattern: a literal, a small character class,
a group or branch whose every way needs one of some characters, a repeat taken at
least once, a positive lookahead (its characters must be in the line). Where no such
set can be found (any character, \\w, a case-folded letter), None: the pattern is
always tried."""
from __future__ import annotations

import re

# Python's own regular-expression parser (3.11+, as pyproject.toml requires).
import re._constants as _c
import re._parser as _p

MAX_SET = 300
_REPEATS = tuple(x for x in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) if x is not None)


def required_chars(pattern) -> frozenset | None:
    """Characters one of which every match of `pattern` (a string or compiled
    pattern) needs in the text searched, or None if there is no useful such set."""
    flags, text = (pattern.flags, pattern.pattern) if isinstance(pattern, re.Pattern) else (0, pattern)
    try:
        parsed = _p.parse(text, flags)
    except (re.error, TypeError, ValueError, OverflowError, RecursionError):
        return None
    got = _seq(list(parsed), bool((flags | parsed.state.flags) & re.IGNORECASE))
    return frozenset(got) if got else None


def _seq(items, icase: bool):
    """Every item of a sequence must match, so any one item's set will do: the smallest."""
    best = None
    for op, av in items:
        r = _item(op, av, icase)
        if r is not None and (best is None or len(r) < len(best)):
            best = r
    return best


def _caseless(chars: set, icase: bool):
    # Under IGNORECASE a letter also matches its other cases (and Unicode look-alikes
    # such as the Kelvin sign), so only characters without case are kept.
    if icase and any(ch.lower() != ch or ch.upper() != ch or ch.casefold() != ch for ch in chars):
        return None
    return chars


def _item(op, av, icase: bool):
    if op is _c.LITERAL:
        return _caseless({chr(av)}, icase)
    if op is _c.IN:
        chars = set()
        for o, v in av:
            if o is _c.LITERAL:
                chars.add(chr(v))
            elif o is _c.RANGE and v[1] - v[0] < MAX_SET:
                chars.update(chr(x) for x in range(v[0], v[1] + 1))
            else:
                return None         # a negated class, \w, \d, a wide range
        return _caseless(chars, icase) if len(chars) <= MAX_SET else None
    if op is _c.SUBPATTERN:
        return _seq(list(av[3]), icase or bool(av[1] & re.IGNORECASE))
    if op is _c.BRANCH:
        out: set = set()
        for branch in av[1]:
            r = _seq(list(branch), icase)
            if r is None:
                return None         # one way through needs nothing known
            out |= r
        return out if len(out) <= MAX_SET else None
    if op in _REPEATS:
        return _seq(list(av[2]), icase) if av[0] >= 1 else None
    if op is _c.ASSERT and av[0] == 1:  # a lookahead: what it needs is in the text too
        return _seq(list(av[1]), icase)
    return None


def required_sets(patterns) -> tuple[frozenset | None, ...]:
    """required_chars of each pattern, kept in the user cache between runs
    (diskcache.py): parsing the ~160 shipped patterns costs every process 20 ms,
    a run of one file as much as analysing it."""
    from ipcorpus.index import user_cache as diskcache
    known = diskcache.table("required")
    missing = [p for p in patterns if p not in known]
    for p in missing:
        got = required_chars(p)
        known[p] = tuple(sorted(got)) if got is not None else None
    if missing:
        diskcache.save("required")
    return tuple(frozenset(known[p]) if known[p] is not None else None for p in patterns)
