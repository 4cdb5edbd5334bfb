"""What a pattern's parse says before any text is searched.

RE2 costs a microsecond a call from Python, Python's re a third of that, and most
searches of a line miss. Two necessary conditions, checked first, settle most
misses: the characters a pattern anchored at the start can begin with (`first_chars_of`),
and strings one of which every match contains (`needed_strings`). `count_paths` counts the ways
through a bounded pattern a backtracking engine may try from one start: what lets
Python's `re` run a pattern RE2 cannot express."""
from __future__ import annotations

import re
import re._constants as _c

from ipcorpus.patterns.charsets import charset, iscased

MAX_PATHS = 100_000            # ways through a bounded pattern the `re` fallback may try per start
MAX_FIRST = 512
REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT)


def first_chars_of(items, flags: int):
    """(characters a match of this sequence can begin with, or None if too many
    to list; whether it can match the empty string)."""
    out: set = set()
    for op, av in items:
        chars, empty = _first_item(op, av, flags)
        if chars is None:
            return None, False
        out |= chars
        if len(out) > MAX_FIRST:
            return None, False
        if not empty:
            return out, False
    return out, True


def _first_item(op, av, flags: int):
    if op in (_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY):
        ranges = charset(op, av, flags)
        if sum(hi - lo + 1 for lo, hi in ranges) > MAX_FIRST:
            return None, False
        return {chr(c) for lo, hi in ranges for c in range(lo, hi + 1)}, False
    if op is _c.SUBPATTERN:
        return first_chars_of(av[3], (flags | av[1]) & ~av[2])
    if op is _c.BRANCH:
        out, empty = set(), False
        for b in av[1]:
            chars, e = first_chars_of(b, flags)
            if chars is None:
                return None, False
            out |= chars
            empty |= e
        return out, empty
    if op in REPEATS:
        lo, hi, sub = av
        chars, empty = first_chars_of(sub, flags)
        return chars, empty or lo == 0
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return set(), True              # zero-width: the next item begins the match
    return None, False


def needed_strings(items, flags: int) -> set | None:
    """Strings one of which every match of this sequence contains, or None."""
    best = None
    run: list = []

    def consider(cand):
        nonlocal best
        if cand and len(cand) <= 64 and (best is None or rank(cand) > rank(best)):
            best = cand
    for op, av in items:
        if op is _c.LITERAL and not (flags & re.IGNORECASE and iscased(av)):
            run.append(chr(av))
            continue
        if run:
            consider({"".join(run)})
            run = []
        consider(_needs_item(op, av, flags))
    if run:
        consider({"".join(run)})
    return best


def rank(cand) -> tuple:
    return min(map(len, cand)), -len(cand)


def _needs_item(op, av, flags: int) -> set | None:
    if op is _c.SUBPATTERN:
        return needed_strings(av[3], (flags | av[1]) & ~av[2])
    if op is _c.BRANCH:
        out: set = set()
        for b in av[1]:
            got = needed_strings(b, flags)
            if not got:
                return None
            out |= got
        return out
    if op in REPEATS and av[0] >= 1:
        return needed_strings(av[2], flags)
    return None


def count_paths(items) -> int | None:
    """How many ways through a sequence a backtracking engine may try from one
    start position, or None if a repeat is unbounded (then there is no such bound)."""
    total = 1
    for op, av in items:
        n = _paths_item(op, av)
        if n is None:
            return None
        total = min(total * n, MAX_PATHS * 10)
    return total


def _paths_repeat(lo: int, hi: int, sub) -> int | None:
    if hi == _c.MAXREPEAT:
        return None
    one = count_paths(sub)
    if one is None:
        return None
    total, power = 0, 1
    for k in range(hi + 1):
        if k >= lo:
            total = min(total + power, MAX_PATHS * 10)
            if total >= MAX_PATHS * 10:
                break
        power = min(power * one, MAX_PATHS * 10)
    return max(total, 1)


def _paths_item(op, av) -> int | None:
    if op in REPEATS or op is _c.POSSESSIVE_REPEAT:
        return _paths_repeat(*av)
    if op is _c.SUBPATTERN:
        return count_paths(av[3])
    if op is _c.BRANCH:
        total = 0
        for b in av[1]:
            n = count_paths(b)
            if n is None:
                return None
            total += n
        return total
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return count_paths(av[1])
    if op is _c.ATOMIC_GROUP:
        return count_paths(av)
    if op is _c.GROUPREF_EXISTS:
        total = 0
        for b in av[1:]:
            if b is not None:
                n = count_paths(b)
                if n is None:
                    return None
                total += n
        return max(total, 1)
    return 1            # one character, an anchor or a backreference (bounded: its group is)
