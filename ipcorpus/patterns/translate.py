"""A pattern parsed by Python's own parser and written out in RE2's syntax with
Python's meaning made explicit (see the package's docstring), and the plan that
says which engine runs it: RE2, Python's `re` for a bounded pattern RE2 cannot
express, or neither (UnsafePattern)."""
from __future__ import annotations

import re
import re._constants as _c
import re._parser as _p

from ipcorpus.patterns.charsets import NoRE2, charset, esc, iscased, spell
from ipcorpus.patterns.screens import MAX_PATHS, REPEATS, count_paths, first_chars_of, needed_strings, rank

MAX_REPEAT = 1000              # RE2's largest repeat count
RELAX_OVER = 20                # counted repeats of one character above this get a relaxed twin (_Writer)


class UnsafePattern(ValueError):
    """A pattern neither engine can run in linear time (the message says why)."""


_SPELLED: dict = {}         # single-character matcher -> its RE2 class


class _Writer:
    """Writes a parsed Python pattern in RE2 syntax; records the Python number of
    each capturing group in the order RE2 will number them."""

    def __init__(self, dollar: str, relax: bool = False):
        self.dollar = dollar              # how `$` (not MULTILINE) is spelled
        self.relax = relax
        self.limit = _c.MAXREPEAT         # the relaxed spelling is exact on texts no longer than this
        self.groups: list[int] = []
        self.uses_dollar = False

    def seq(self, items, flags: int) -> str:
        return "".join(self.item(op, av, flags) for op, av in items)

    def item(self, op, av, flags: int) -> str:
        if op is _c.LITERAL and not (flags & re.IGNORECASE and iscased(av)) and not 0xD800 <= av <= 0xDFFF:
            return esc(av)
        if op in (_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY):
            key = (op, repr(av), flags & (re.IGNORECASE | re.ASCII | re.DOTALL))
            got = _SPELLED.get(key)
            if got is None:
                got = _SPELLED[key] = spell(charset(op, av, flags))
            return got
        if op is _c.SUBPATTERN:
            group, add, delete, sub = av
            if group:
                self.groups.append(group)         # RE2 numbers groups by where they open
            inner = self.seq(sub, (flags | add) & ~delete)
            return ("(" if group else "(?:") + inner + ")"
        if op is _c.BRANCH:
            return "(?:" + "|".join(self.seq(b, flags) for b in av[1]) + ")"
        if op in REPEATS:
            return self.repeat(op, av, flags)
        if op is _c.AT:
            return self.anchor(av, flags)
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            raise NoRE2("a lookaround other than lookaheads right after the leading ^")
        if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
            raise NoRE2("a backreference")
        raise NoRE2(f"{str(op).lower()}")

    def anchor(self, av, flags: int) -> str:
        if av in (_c.AT_BEGINNING, _c.AT_BEGINNING_LINE):
            return "(?m:^)" if flags & re.MULTILINE or av is _c.AT_BEGINNING_LINE else r"\A"
        if av is _c.AT_BEGINNING_STRING:
            return r"\A"
        if av in (_c.AT_END, _c.AT_END_LINE):
            if flags & re.MULTILINE or av is _c.AT_END_LINE:
                return "(?m:$)"
            self.uses_dollar = True
            return self.dollar
        if av is _c.AT_END_STRING:
            return r"\z"
        raise NoRE2("a word boundary (\\b or \\B: RE2's are ASCII-only)")

    def repeat(self, op, av, flags: int) -> str:
        lo, hi, sub = av
        lazy = "?" if op is _c.MIN_REPEAT else ""
        body = self.seq(sub, flags)
        x = "(?:" + body + ")"
        unbounded = hi == _c.MAXREPEAT
        single = len(sub) == 1 and sub[0][0] in (_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY)
        if self.relax and single and not unbounded and hi > RELAX_OVER:
            # `x{0,2000}` costs RE2 thousands of states to compile; `x*` matches the
            # same on a text of at most 2000 characters and more on a longer one.
            self.limit = min(self.limit, hi)
            hi, unbounded = _c.MAXREPEAT, True
        if lo <= MAX_REPEAT and (unbounded or hi <= MAX_REPEAT):
            if unbounded:
                q = "*" if lo == 0 else "+" if lo == 1 else f"{{{lo},}}"
            else:
                q = f"{{{lo}}}" if lo == hi else "?" if (lo, hi) == (0, 1) else f"{{{lo},{hi}}}"
            return x + q + lazy
        # Past RE2's count: a run of smaller repeats, one after another. For one
        # character with no group this tries the same counts in the same order.
        if not single:
            raise NoRE2(f"a repeat count above {MAX_REPEAT} on more than one character")
        out = []
        need = lo
        while need > 0:
            k = min(need, MAX_REPEAT)
            out.append(f"{x}{{{k}}}")
            need -= k
        if unbounded:
            out.append(x + "*" + lazy)
        else:
            more = hi - lo
            while more > 0:
                k = min(more, MAX_REPEAT)
                out.append(f"{x}{{0,{k}}}{lazy}")
                more -= k
        return "".join(out)


def _screen(items, looks, head: int, flags: int) -> tuple:
    """(the characters a match can begin with, for a pattern anchored at the start;
    strings one of which every match holds), each None when unknown (screens.py)."""
    anchored = bool(items) and (items[0] == (_c.AT, _c.AT_BEGINNING_STRING) or
                                (items[0] == (_c.AT, _c.AT_BEGINNING) and not flags & re.MULTILINE))
    first = None
    if anchored:
        chars, empty = first_chars_of(items[1 + len(looks):], flags)
        if chars is not None and not empty:
            first = "".join(sorted(chars))
    needs = None
    candidates = [needed_strings(items[head:], flags)]
    candidates += [needed_strings(av[1], flags) for op, av in looks if op is _c.ASSERT]
    for cand in candidates:
        if cand and len(cand) <= 64 and (needs is None or rank(cand) > rank(needs)):
            needs = cand
    return (first, tuple(sorted(needs)) if needs else None)


def make_plan(pattern: str, flags: int):
    """How to run `pattern`: ("re2", parts, groups, uses_dollar, limit) or
    ("re", paths), or raise UnsafePattern. `parts` are (kind, spelling, relaxed
    spelling, Python group numbers), kind "main", "yes" (a lookahead that must
    match at the start) or "no" (one that must not); spellings hold "\\0" where
    `$` goes (Pattern._nl). The relaxed spellings are exact on texts of at most
    `limit` characters and match a superset on longer ones."""
    parsed = _p.parse(pattern, flags)
    flags = flags | parsed.state.flags
    items = list(parsed)
    try:
        head, looks = 0, []
        if items and items[0] == (_c.AT, _c.AT_BEGINNING_STRING) or \
                (items and items[0] == (_c.AT, _c.AT_BEGINNING) and not flags & re.MULTILINE):
            head = 1
            while head < len(items) and items[head][0] in (_c.ASSERT, _c.ASSERT_NOT) \
                    and items[head][1][0] == 1:
                looks.append(items[head])
                head += 1
        if not looks:
            head = 0
        parts = []
        dollar, limit = False, _c.MAXREPEAT
        for kind, body in [("yes" if op is _c.ASSERT else "no", av[1]) for op, av in looks] + [("main", items[head:])]:
            w = _Writer("\0")        # "\0" is never in a spelling (charsets.esc)
            exact = w.seq(body, flags)
            r = _Writer("\0", relax=True)
            relaxed = r.seq(body, flags)
            limit = min(limit, r.limit)
            parts.append((kind, exact, relaxed, w.groups))
            dollar |= w.uses_dollar
        screen = _screen(items, looks, head, flags)
        flags = int(flags | (0 if flags & re.ASCII else re.UNICODE))
        return ("re2", parts, parsed.state.groups - 1, dollar, int(limit), dict(parsed.state.groupdict), flags, screen)
    except NoRE2 as e:
        why = str(e)
    paths = count_paths(items)
    if paths is None:
        raise UnsafePattern(f"it needs Python's backtracking engine for {why}, and with an unbounded repeat "
                            "(*, + or {n,}) that engine can take time exponential in the line: bound the repeat "
                            "(e.g. {0,50}) or do without it")
    if paths > MAX_PATHS:
        raise UnsafePattern(f"it needs Python's backtracking engine for {why}, and has {paths:,} ways to try "
                            f"at each position (at most {MAX_PATHS:,}): narrow its repeats")
    return ("re", paths)
