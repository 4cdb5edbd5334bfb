"""Regular expressions that take time linear in the text they search.

Python's `re` backtracks: a pattern with nested or ambiguous quantifiers, such as
`^(\\s*(<[^>]*>)\\s*)+$`, can take exponential time on a line that nearly matches
(one line of SVG path data held an ingest for good). Every pattern that runs on
article text (the rule packs, a user's `[[clean.rule]]`, the stance lexicons) is
compiled here instead, into one of two engines:

- RE2 (the `google-re2` package), an automaton engine whose search time is linear
  in the text for every pattern it accepts. The pattern is parsed with Python's own
  parser and written out again in RE2's syntax with Python's meaning made explicit:
  `\\d`, `\\s`, `\\w` and case-insensitive letters become the exact character sets
  Python's `re` matches (worked out from `re` itself, for this Python's Unicode),
  `^`/`$`/`.` their Python sense, group numbers and names kept. A pattern that opens
  with lookaheads after `^` (`^(?=.*A)(?!.*B)REST`) becomes a conjunction of RE2
  patterns, each anchored at the start: still linear, same match and groups.
- Python's `re`, only for a pattern RE2 cannot express (another lookaround, a
  backreference, `\\b`, possessive or atomic groups) and only when every repeat in
  it is bounded: then a search tries each start position with at most a fixed
  number of paths of bounded length (counted here, at most MAX_PATHS), which is
  linear in the text too.

Anything else is refused with UnsafePattern, which says why. Python's `re` stays
the reference: patterns are read by its parser (a bad one gets re's own error),
and the tests compare both engines' matches on real and generated lines.

RE2 costs about a microsecond a call from Python, three times what `re` costs on a
short line, and most searches miss; cheap necessary conditions settle most misses
first (the characters a pattern anchored at the start can begin with, strings one
of which every match holds), and counted repeats such as `[^)]{0,2000}`, slow for
RE2 to compile, get a relaxed twin `[^)]*` that is exact on a line no longer than
the count and is only ever trusted to say "no match" on a longer one.

Two differences are left, neither met by the patterns ipcorpus ships (the tests
compare both engines on them): for a text that holds a line break before a final
one, `$` (without MULTILINE) matches only at the very end (lines never hold one; a
text whose only line break is its last is matched exactly); and a group inside a
repeat whose body can match the empty string, `(\\s*.*)+`, may capture otherwise
(RE2 takes no empty last round), though the match is the same."""
from __future__ import annotations

import importlib
import re
import re._constants as _c
import re._parser as _p
from collections.abc import Iterator
from typing import Union

VERSION = 5                    # of the translation: part of its cache key
MAX_PATHS = 100_000            # ways through a bounded pattern the `re` fallback may try per start
MAX_REPEAT = 1000              # RE2's largest repeat count
RELAX_OVER = 20                # counted repeats of one character above this get a relaxed twin (_Writer)
_TOP = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)
_CATEGORY_SRC = {
    _c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_SPACE: r"\s", _c.CATEGORY_NOT_SPACE: r"\S",
    _c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W",
}
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT)


class UnsafePattern(ValueError):
    """A pattern neither engine can run in linear time (the message says why)."""


class _NoRE2(Exception):
    """This construct has no RE2 spelling."""


# -- character sets ------------------------------------------------------------
# A set of code points is a sorted list of disjoint, non-adjacent (lo, hi) ranges.

def _norm(ranges) -> list:
    out: list = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _complement(ranges) -> list:
    out, nxt = [], 0
    for lo, hi in ranges:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= _TOP:
        out.append((nxt, _TOP))
    return out


def _minus(a, b) -> list:
    return _complement(_norm(_complement(a) + list(b)))


def _runs(text: str) -> list:
    """The ranges of the characters in `text` (sorted, each once)."""
    out: list = []
    for cp in sorted(set(map(ord, text))):
        if out and cp == out[-1][1] + 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


_TABLES: dict = {}


def _every_char() -> str:
    s = _TABLES.get("all")
    if s is None:
        s = _TABLES["all"] = "".join(map(chr, range(_TOP + 1)))
    return s


def _measure() -> dict:
    """What Python's `re` matches with \\d, \\s, \\w (Unicode; ASCII is fixed) and
    which characters have case (for IGNORECASE), measured with `re` itself, as
    ranges: {"\\d": ((lo, hi), ...), ..., "cased": (...)}."""
    _sre = importlib.import_module("_sre")
    _EXTRA_CASES = importlib.import_module("re._casefix")._EXTRA_CASES
    every = _every_char()
    got = {}
    for src in (r"\d", r"\s", r"\w"):
        got[src] = tuple((m.start(), m.end() - 1) for m in re.finditer(src + "+", every))
    cased = {cp for cp in range(_TOP + 1) if _sre.unicode_iscased(cp)}
    for k, v in _EXTRA_CASES.items():
        cased.add(k)
        cased.update(v)
    got["cased"] = tuple(_runs("".join(map(chr, sorted(cased)))))
    return got


def _tables() -> dict:
    """_measure() for this Python's Unicode: shipped for the Unicode version of
    linear_tables.py, else measured once and kept in the user cache."""
    got = _TABLES.get("cat")
    if got is None:
        import unicodedata

        from ipcorpus import linear_tables
        if linear_tables.UNICODE == unicodedata.unidata_version:
            got = linear_tables.tables()
        else:
            from ipcorpus.index import user_cache as diskcache
            cache = diskcache.table("linear")
            key = ("tables", VERSION, unicodedata.unidata_version)
            got = cache.get(key)
            if got is None:
                got = cache[key] = _measure()
                diskcache.save("linear")
        _TABLES["cat"] = got
    return got


_ASCII = {r"\d": ((48, 57),), r"\s": ((9, 13), (32, 32)), r"\w": ((48, 57), (65, 90), (95, 95), (97, 122))}


def _category(cat, flags: int) -> list:
    src = _CATEGORY_SRC[cat]
    base = list(_ASCII[src.lower()] if flags & re.ASCII else _tables()[src.lower()])
    return _complement(base) if src.isupper() else base


def _py_char(cp: int) -> str:
    return f"\\U{cp:08x}"


def _single_src(op, av) -> str:
    """Python source of one single-character matcher (for measuring it under IGNORECASE)."""
    if op is _c.LITERAL:
        return _py_char(av)
    if op is _c.NOT_LITERAL:
        return f"[^{_py_char(av)}]"
    parts: list[str] = []
    for o, v in av:
        if o is _c.NEGATE:
            parts.insert(0, "^")
        elif o is _c.LITERAL:
            parts.append(_py_char(v))
        elif o is _c.RANGE:
            parts.append(f"{_py_char(v[0])}-{_py_char(v[1])}")
        elif o is _c.CATEGORY:
            parts.append(_CATEGORY_SRC[v])
        else:
            raise _NoRE2(f"class item {o}")
    return "[" + "".join(parts) + "]"


def _cased_text() -> str:
    got = _TABLES.get("cased")
    if got is None:
        got = _TABLES["cased"] = "".join(chr(c) for lo, hi in _tables()["cased"] for c in range(lo, hi + 1))
    return got


def _charset(op, av, flags: int) -> list:
    """The exact set of characters one single-character matcher of Python's parse
    matches under `flags`."""
    if op is _c.ANY:
        return [(0, _TOP)] if flags & re.DOTALL else _complement([(10, 10)])
    if op is _c.LITERAL:
        got = [(av, av)]
    elif op is _c.NOT_LITERAL:
        got = _complement([(av, av)])
    else:
        negate, items = False, []
        for o, v in av:
            if o is _c.NEGATE:
                negate = True
            elif o is _c.LITERAL:
                items.append((v, v))
            elif o is _c.RANGE:
                items.append((v[0], v[1]))
            elif o is _c.CATEGORY:
                items.extend(_category(v, flags))
            else:
                raise _NoRE2(f"class item {o}")
        got = _norm(items)
        if negate:
            got = _complement(got)
    if flags & re.IGNORECASE:
        # Case folding only ever relates characters that have case: the others match
        # as without IGNORECASE, and those with case are measured with `re` itself.
        rx = re.compile(_single_src(op, av), flags & (re.IGNORECASE | re.ASCII))
        got = _norm(_minus(got, _tables()["cased"]) + _runs("".join(rx.findall(_cased_text()))))
    return got


def _esc(cp: int) -> str:
    ch = chr(cp)
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{cp:x}}}"


def _class(ranges) -> str:
    """RE2 spelling of a set (RE2 has no surrogates: they are left out)."""
    s = _minus(ranges, [_SURROGATES])
    if len(s) == 1 and s[0][0] == s[0][1]:
        return _esc(s[0][0])
    neg = _minus(_complement(s), [_SURROGATES])

    def body(rs):
        return "".join(_esc(lo) if lo == hi else f"{_esc(lo)}-{_esc(hi)}" for lo, hi in rs)
    if not s:
        return r"[^\x00-\x{10ffff}]"
    if not neg:
        return r"[\x00-\x{10ffff}]"
    if len(neg) < len(s):
        return "[^" + body(neg) + "]"
    return "[" + body(s) + "]"


# -- RE2 spelling --------------------------------------------------------------

_SPELLED: dict = {}         # single-character matcher -> its RE2 class


def _iscased(cp: int) -> bool:
    return bool(importlib.import_module("_sre").unicode_iscased(cp)) or chr(cp) in _cased_text()


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
        if op is _c.LITERAL and not (flags & re.IGNORECASE and _iscased(av)) and not 0xD800 <= av <= 0xDFFF:
            return _esc(av)
        if op in (_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY):
            key = (op, repr(av), flags & (re.IGNORECASE | re.ASCII | re.DOTALL))
            got = _SPELLED.get(key)
            if got is None:
                got = _SPELLED[key] = _class(_charset(op, av, flags))
            return got
        if op is _c.SUBPATTERN:
            group, add, delete, sub = av
            if group:
                self.groups.append(group)         # RE2 numbers groups by where they open
            inner = self.seq(sub, (flags | add) & ~delete)
            return ("(" if group else "(?:") + inner + ")"
        if op is _c.BRANCH:
            return "(?:" + "|".join(self.seq(b, flags) for b in av[1]) + ")"
        if op in _REPEATS:
            return self.repeat(op, av, flags)
        if op is _c.AT:
            return self.anchor(av, flags)
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            raise _NoRE2("a lookaround other than lookaheads right after the leading ^")
        if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
            raise _NoRE2("a backreference")
        raise _NoRE2(f"{str(op).lower()}")

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
        raise _NoRE2("a word boundary (\\b or \\B: RE2's are ASCII-only)")

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
            raise _NoRE2(f"a repeat count above {MAX_REPEAT} on more than one character")
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


def _plan(pattern: str, flags: int):
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
            w = _Writer("\0")        # "\0" is never in a spelling (_esc)
            exact = w.seq(body, flags)
            r = _Writer("\0", relax=True)
            relaxed = r.seq(body, flags)
            limit = min(limit, r.limit)
            parts.append((kind, exact, relaxed, w.groups))
            dollar |= w.uses_dollar
        anchored = bool(items) and (items[0] == (_c.AT, _c.AT_BEGINNING_STRING) or
                                    (items[0] == (_c.AT, _c.AT_BEGINNING) and not flags & re.MULTILINE))
        first = None
        if anchored:
            chars, empty = _first(items[1 + len(looks):], flags)
            if chars is not None and not empty:
                first = "".join(sorted(chars))
        needs = None
        for cand in [_needs(items[head:], flags)] + [_needs(av[1], flags) for op, av in looks if op is _c.ASSERT]:
            if cand and len(cand) <= 64 and (needs is None or _rank(cand) > _rank(needs)):
                needs = cand
        screen = (first, tuple(sorted(needs)) if needs else None)
        flags = int(flags | (0 if flags & re.ASCII else re.UNICODE))
        return ("re2", parts, parsed.state.groups - 1, dollar, int(limit), dict(parsed.state.groupdict), flags, screen)
    except _NoRE2 as e:
        why = str(e)
    paths = _paths(items)
    if paths is None:
        raise UnsafePattern(f"it needs Python's backtracking engine for {why}, and with an unbounded repeat "
                            "(*, + or {n,}) that engine can take time exponential in the line: bound the repeat "
                            "(e.g. {0,50}) or do without it")
    if paths > MAX_PATHS:
        raise UnsafePattern(f"it needs Python's backtracking engine for {why}, and has {paths:,} ways to try "
                            f"at each position (at most {MAX_PATHS:,}): narrow its repeats")
    return ("re", paths)


# -- screens -------------------------------------------------------------------
# RE2 costs a microsecond a call from Python, Python's re a third of that, and most
# searches of a line miss. Two necessary conditions, checked first, settle most
# misses: the characters a pattern anchored at the start can begin with, and
# strings one of which every match contains.

MAX_FIRST = 512


def _first(items, flags: int):
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
        ranges = _charset(op, av, flags)
        if sum(hi - lo + 1 for lo, hi in ranges) > MAX_FIRST:
            return None, False
        return {chr(c) for lo, hi in ranges for c in range(lo, hi + 1)}, False
    if op is _c.SUBPATTERN:
        return _first(av[3], (flags | av[1]) & ~av[2])
    if op is _c.BRANCH:
        out, empty = set(), False
        for b in av[1]:
            chars, e = _first(b, flags)
            if chars is None:
                return None, False
            out |= chars
            empty |= e
        return out, empty
    if op in _REPEATS:
        lo, hi, sub = av
        chars, empty = _first(sub, flags)
        return chars, empty or lo == 0
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return set(), True              # zero-width: the next item begins the match
    return None, False


def _needs(items, flags: int) -> set | None:
    """Strings one of which every match of this sequence contains, or None."""
    best = None
    run: list = []

    def consider(cand):
        nonlocal best
        if cand and len(cand) <= 64 and (best is None or _rank(cand) > _rank(best)):
            best = cand
    for op, av in items:
        if op is _c.LITERAL and not (flags & re.IGNORECASE and _iscased(av)):
            run.append(chr(av))
            continue
        if run:
            consider({"".join(run)})
            run = []
        consider(_needs_item(op, av, flags))
    if run:
        consider({"".join(run)})
    return best


def _rank(cand) -> tuple:
    return min(map(len, cand)), -len(cand)


def _needs_item(op, av, flags: int) -> set | None:
    if op is _c.SUBPATTERN:
        return _needs(av[3], (flags | av[1]) & ~av[2])
    if op is _c.BRANCH:
        out: set = set()
        for b in av[1]:
            got = _needs(b, flags)
            if not got:
                return None
            out |= got
        return out
    if op in _REPEATS and av[0] >= 1:
        return _needs(av[2], flags)
    return None


def _paths(items) -> int | None:
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
    one = _paths(sub)
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
    if op in _REPEATS or op is _c.POSSESSIVE_REPEAT:
        return _paths_repeat(*av)
    if op is _c.SUBPATTERN:
        return _paths(av[3])
    if op is _c.BRANCH:
        total = 0
        for b in av[1]:
            n = _paths(b)
            if n is None:
                return None
            total += n
        return total
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return _paths(av[1])
    if op is _c.ATOMIC_GROUP:
        return _paths(av)
    if op is _c.GROUPREF_EXISTS:
        total = 0
        for b in av[1:]:
            if b is not None:
                n = _paths(b)
                if n is None:
                    return None
                total += n
        return max(total, 1)
    return 1            # one character, an anchor or a backreference (bounded: its group is)


# -- compiled patterns ---------------------------------------------------------

_RE2_MODULE = None


_UNANCHORED = None


def _re2():
    global _RE2_MODULE, _UNANCHORED
    if _RE2_MODULE is None:
        try:
            mod = importlib.import_module("re2._re2")
        except ImportError:  # pragma: no cover - an install without its dependency
            from ipcorpus.errors import IpcorpusError
            raise IpcorpusError("the google-re2 package is missing: reinstall ipcorpus "
                                "(pip install google-re2)") from None
        _RE2_MODULE = mod
        _UNANCHORED = mod.RE2.Anchor.UNANCHORED
    return _RE2_MODULE


def _options(capture: bool):
    mod = _re2()
    o = mod.RE2.Options()
    o.log_errors = False
    o.never_capture = not capture
    o.max_mem = 32 << 20
    return o


_ENC: list = [None, b"", False]   # the last text searched, its UTF-8 bytes, lone surrogates replaced?
_LONE = re.compile("[\ud800-\udfff]")


def _encode(text: str) -> bytes:
    if text is _ENC[0]:
        return _ENC[1]
    replaced = False
    try:
        b = text.encode("utf-8")
    except UnicodeEncodeError:
        # RE2 reads UTF-8, which has no lone surrogates: each reads as U+FFFD (one
        # character for one, so positions stay). Decoded files never hold them.
        b, replaced = _LONE.sub("\ufffd", text).encode("utf-8"), True
    _ENC[0], _ENC[1], _ENC[2] = text, b, replaced
    return b


class _Part:
    """One RE2 pattern of a Pattern, compiled in each variant on first use: with
    or without capturing groups, exact or relaxed, `$` as \\z or as (?m:$)."""
    __slots__ = ("kind", "exact", "relaxed", "gids", "_rx")

    def __init__(self, kind, exact, relaxed, gids):
        self.kind, self.exact, self.relaxed, self.gids = kind, exact, relaxed, tuple(gids)
        self._rx: list = [None] * 8

    def rx(self, capture: bool, nl: bool, relaxed: bool):
        key = capture * 4 + nl * 2 + relaxed
        got = self._rx[key]
        if got is None:
            spell = (self.relaxed if relaxed else self.exact).replace("\0", "(?m:$)" if nl else r"\z")
            got = _re2().RE2(spell.encode("utf-8"), _options(capture))
            if not got.ok():
                raise UnsafePattern(f"RE2 cannot compile it: {got.error()}")
            self._rx[key] = got
        return got


class _Offsets:
    """A text's UTF-8 bytes, and character offsets of byte offsets (increasing
    offsets are worked out from the last one, so a pass over the text is linear)."""

    def __init__(self, text: str, pos: int):
        self.b = _encode(text)
        self.ascii = len(self.b) == len(text)
        self.bpos = pos if self.ascii else _re2().CharLenToBytes(self.b, 0, pos)
        self._last = (self.bpos, pos)

    def char(self, off: int) -> int:
        if off < 0 or self.ascii:
            return off
        last_b, last_c = self._last
        if off >= last_b:
            c = last_c + _re2().BytesToCharLen(self.b, last_b, off)
        else:
            c = _re2().BytesToCharLen(self.b, 0, off)
        self._last = (off, c)
        return c


class Match:
    """What re.Match offers that ipcorpus uses: group(s), groupdict, span/start/end."""

    __slots__ = ("re", "string", "_spans")

    def __init__(self, rx: Pattern, string: str, spans: list):
        self.re, self.string, self._spans = rx, string, spans

    def _index(self, g) -> int:
        if isinstance(g, str):
            try:
                return self.re.groupindex[g]
            except KeyError:
                raise IndexError("no such group") from None
        if not 0 <= g < len(self._spans):
            raise IndexError("no such group")
        return g

    def span(self, g=0) -> tuple:
        return self._spans[self._index(g)]

    def start(self, g=0) -> int:
        return self.span(g)[0]

    def end(self, g=0) -> int:
        return self.span(g)[1]

    def group(self, *gs):
        if not gs:
            gs = (0,)
        out = []
        for g in gs:
            a, b = self.span(g)
            out.append(None if a < 0 else self.string[a:b])
        return out[0] if len(out) == 1 else tuple(out)

    def __getitem__(self, g):
        return self.group(g)

    def groups(self, default=None) -> tuple:
        return tuple(default if a < 0 else self.string[a:b] for a, b in self._spans[1:])

    def groupdict(self, default=None) -> dict:
        return {name: (default if self._spans[i][0] < 0 else self.string[slice(*self._spans[i])])
                for name, i in self.re.groupindex.items()}

    @property
    def lastindex(self):
        best = None
        for i, (a, b) in enumerate(self._spans[1:], 1):
            if a >= 0 and (best is None or b >= self._spans[best][1]):
                best = i
        return best

    def __bool__(self):
        return True

    def __repr__(self):
        return f"<ipcorpus.linear.Match span={self.span()} match={self.group()!r}>"


class Pattern:
    """A pattern run by RE2 (see the module's docstring); the API of re.Pattern
    that ipcorpus uses: search, match, fullmatch, finditer, findall."""

    engine = "re2"

    def __init__(self, pattern: str, flags: int, parts, groups: int, groupindex: dict, dollar: bool, limit: int,
                 screen: tuple):
        self.pattern, self.flags, self.groups = pattern, flags, groups
        self.groupindex = groupindex
        self._parts = [_Part(*p) for p in parts]
        self._main = self._parts[-1]
        self._looks = self._parts[:-1]
        self._dollar = dollar
        self._limit = limit
        self._quick = self._main.rx(False, False, True)
        first, needs = screen
        self._first = frozenset(first) if first is not None else None
        self._need = self._needs = None
        if needs:
            if len(needs) == 1:
                self._need = needs[0]
            else:
                # A bounded alternation of strings: Python's re runs it in linear time.
                self._needs = re.compile("|".join(map(re.escape, sorted(needs, key=len, reverse=True))))

    def _screened(self, text: str) -> bool:
        """False when the text cannot hold a match (see _first and _needs)."""
        if self._first is not None and (not text or text[0] not in self._first):
            return False
        if self._need is not None:
            return self._need in text
        if self._needs is not None:
            return self._needs.search(text) is not None
        return True

    def __repr__(self):
        return f"ipcorpus.linear.compile({self.pattern!r})"

    def __reduce__(self):
        return (compile, (self.pattern, self.flags))

    def _nl(self, text: str) -> bool:
        # `$` before a final line break, as in Python, when it is the only one.
        return self._dollar and text.endswith("\n") and "\n" not in text[:-1]

    def _looks_hold(self, b: bytes, nl: bool, short: bool) -> bool:
        """Do the leading lookaheads hold at the start of the text?"""
        start = _re2().RE2.Anchor.ANCHOR_START
        for p in self._looks:
            want = p.kind == "yes"
            if want and p.rx(False, nl, True).Match(start, b, 0, len(b))[0][0] < 0:
                return False
            if (not want or not short) and (p.rx(False, nl, short).Match(start, b, 0, len(b))[0][0] >= 0) != want:
                return False
        return True

    def _groups(self, spans, at: _Offsets, capture: bool, nl: bool, short: bool) -> list:
        """Python's group spans (in characters) of one match."""
        out = [(-1, -1)] * (self.groups + 1)
        offs = sorted({o for sp in spans for o in sp if o >= 0})
        conv = {o: at.char(o) for o in offs}
        out[0] = (conv[spans[0][0]], conv[spans[0][1]])
        if not capture:
            return out
        for j, g in enumerate(self._main.gids, 1):
            a, e = spans[j]
            if a >= 0:
                out[g] = (conv[a], conv[e])
        for p in self._looks:
            if p.kind == "yes" and p.gids:
                ls = p.rx(True, nl, short).Match(_re2().RE2.Anchor.ANCHOR_START, at.b, 0, len(at.b))
                for j, g in enumerate(p.gids, 1):
                    if ls[j][0] >= 0:
                        out[g] = (at.char(ls[j][0]), at.char(ls[j][1]))
        return out

    def _run(self, text: str, pos: int, anchor, capture: bool) -> Iterator[Match]:
        at = _Offsets(text, pos)
        b, n, bpos = at.b, len(at.b), at.bpos
        nl = self._nl(text)
        # Relaxed programs are exact on a text this short; on a longer one they
        # match a superset, so a miss is still a miss and only a hit is checked.
        short = len(text) <= self._limit
        if self._looks:
            if pos != 0 or not self._looks_hold(b, nl, short):
                return
            anchor = _re2().RE2.Anchor.ANCHOR_START if anchor == _UNANCHORED else anchor
        main = self._main
        if not short and main.rx(False, nl, True).Match(anchor, b, bpos, n)[0][0] < 0:
            return
        test = main.rx(False, nl, short)
        while bpos <= n:
            spans = test.Match(anchor, b, bpos, n)
            if spans[0][0] < 0:
                return
            if capture:
                spans = main.rx(True, nl, short).Match(anchor, b, bpos, n)
            yield Match(self, text, self._groups(spans, at, capture, nl, short))
            if anchor != _UNANCHORED or self._looks:
                return
            a, e = spans[0]
            if a == e:
                # An empty match: step one character on (Python would first look
                # for a longer match here; no pattern of ipcorpus matches empty).
                if e >= n:
                    return
                e += 1 if at.ascii else _re2().CharLenToBytes(b, e, 1)
            bpos = e

    def search(self, text: str, pos: int = 0) -> Match | None:
        if pos:
            return next(self._run(text, pos, _UNANCHORED, self.groups > 0), None)
        # Most searches miss: the screens, or a call of each relaxed program, settle those.
        if not self._screened(text):
            return None
        b = _ENC[1] if text is _ENC[0] else _encode(text)
        n = len(b)
        if self._looks or (self._dollar and text.endswith("\n")):
            nl = self._nl(text)
            anchor = _re2().RE2.Anchor.ANCHOR_START if self._looks else _UNANCHORED
            for p in self._looks:
                if (p.rx(False, nl, True).Match(anchor, b, 0, n)[0][0] >= 0) != (p.kind == "yes") and \
                        (p.kind == "yes" or len(text) <= self._limit):
                    return None
            if self._main.rx(False, nl, True).Match(anchor, b, 0, n)[0][0] < 0:
                return None
        elif self._quick.Match(_UNANCHORED, b, 0, n)[0][0] < 0:
            return None
        return next(self._run(text, 0, _UNANCHORED, self.groups > 0), None)

    def match(self, text: str, pos: int = 0) -> Match | None:
        if not pos and not self._screened(text):
            return None
        return next(self._run(text, pos, _re2().RE2.Anchor.ANCHOR_START, self.groups > 0), None)

    def fullmatch(self, text: str, pos: int = 0) -> Match | None:
        if not pos and not self._screened(text):
            return None
        return next(self._run(text, pos, _re2().RE2.Anchor.ANCHOR_BOTH, self.groups > 0), None)

    def _strings(self, text: str) -> list:
        """findall() of a pattern with no groups: the matched bytes decoded, with no
        Match built (the rule packs' `detect` counts portal signs this way)."""
        if not self._screened(text):
            return []
        b = _ENC[1] if text is _ENC[0] else _encode(text)
        if _ENC[2]:                              # lone surrogates were replaced: decode would not give them back
            return [m.group() for m in self.finditer(text)]
        n, bpos, out = len(b), 0, []
        test = self._main.rx(False, False, len(text) <= self._limit)
        while bpos <= n:
            a, e = test.Match(_UNANCHORED, b, bpos, n)[0]
            if a < 0:
                break
            out.append(b[a:e].decode("utf-8"))
            if a == e:
                if e >= n:
                    break
                e += _re2().CharLenToBytes(b, e, 1)
            bpos = e
        return out

    def finditer(self, text: str, pos: int = 0) -> Iterator[Match]:
        if not pos:
            # As in search: most texts hold no match, settled before a generator is made.
            if not self._screened(text):
                return iter(())
            if not self._looks and not (self._dollar and text.endswith("\n")):
                b = _ENC[1] if text is _ENC[0] else _encode(text)
                if self._quick.Match(_UNANCHORED, b, 0, len(b))[0][0] < 0:
                    return iter(())
        return self._run(text, pos, _re2().RE2.Anchor.UNANCHORED, self.groups > 0)

    def findall(self, text: str, pos: int = 0) -> list:
        if self.groups == 0 and not pos and not self._looks and not (self._dollar and text.endswith("\n")):
            return self._strings(text)
        if self.groups == 0:
            return [m.group() for m in self.finditer(text, pos)]
        if self.groups == 1:
            return [m.groups("")[0] for m in self.finditer(text, pos)]
        return [m.groups("") for m in self.finditer(text, pos)]


_PLANS: dict = {}


def prepare(patterns, flags: int = 0):
    """Work out the engines of many patterns at once (see _plan), remembered in
    the user cache and written back once: translating the ~180 shipped patterns
    costs a process tens of milliseconds, as much as analysing a file."""
    from ipcorpus.index import user_cache as diskcache
    cache = diskcache.table("linear")
    flags = int(flags)                      # a plain int: the cache is marshalled
    missing = False
    for pattern in patterns:
        key = (VERSION, pattern, flags)
        if key in _PLANS:
            continue
        got = cache.get(key)
        if got is None:
            try:
                got = _plan(pattern, flags)
            except UnsafePattern as e:
                got = ("unsafe", str(e))
            except (re.error, TypeError, ValueError, OverflowError, RecursionError):
                continue            # compile() reports it with re's own message
            cache[key] = got
            missing = True
        _PLANS[key] = got
    if missing:
        diskcache.save("linear")


def plan(pattern: str, flags: int = 0):
    """The engine for a pattern (see _plan); None if Python cannot parse it."""
    flags = int(flags)
    key = (VERSION, pattern, flags)
    if key not in _PLANS:
        prepare([pattern], flags)
    return _PLANS.get(key)


AnyPattern = Union[Pattern, "re.Pattern[str]"]
AnyMatch = Union[Match, "re.Match[str]"]


_COMPILED: dict = {}


def compile(pattern: str, flags: int = 0) -> AnyPattern:
    """`pattern` compiled for linear-time search: a Pattern (RE2), or a re.Pattern
    when only Python's engine can run it and it is bounded. Raises re.error for a
    pattern Python cannot parse, UnsafePattern for one neither engine may run."""
    got = _COMPILED.get((pattern, flags))
    if got is None:
        got = _COMPILED[pattern, flags] = _compile(pattern, flags)
    return got


def _compile(pattern: str, flags: int) -> AnyPattern:
    how = plan(pattern, flags)
    if how is None or how[0] == "re":
        return re.compile(pattern, flags)      # raises re's own error for a bad pattern
    if how[0] == "unsafe":
        raise UnsafePattern(how[1])
    _, parts, groups, dollar, limit, groupindex, all_flags, screen = how
    rx = Pattern(pattern, all_flags, parts, groups, groupindex, dollar, limit, screen)
    # The programs a short line runs, compiled now: a pattern RE2 refuses fails here.
    for part in rx._parts:
        part.rx(False, False, True)
    return rx


def first_chars(pattern: str, flags: int = 0) -> str | None:
    """For a pattern anchored at the start that RE2 runs, the characters a match
    can begin with (a text whose first character is not one cannot match), when
    they are few; else None."""
    how = plan(pattern, flags)
    return how[-1][0] if how is not None and how[0] == "re2" else None


def engine(rx) -> str:
    """"re2" or "re": which engine runs a compiled pattern."""
    return "re2" if isinstance(rx, Pattern) else "re"


def check(pattern: str, flags: int = 0) -> str | None:
    """Why `pattern` cannot be run in linear time, or None if it can."""
    try:
        compile(pattern, flags)
    except UnsafePattern as e:
        return str(e)
    return None


def write_tables(path: str):
    """Write linear_tables.py for this Python's Unicode (`python -m ipcorpus.linear`)."""
    import unicodedata
    got = _measure()

    def enc(ranges):
        return ",".join(f"{lo:x}" if lo == hi else f"{lo:x}-{hi:x}" for lo, hi in ranges)
    lines = ['"""Generated by `python -m ipcorpus.linear` (linear.write_tables): the characters',
             "Python's re matches with its digit, space and word classes, and those that have",
             'case, for one Unicode version, as hexadecimal ranges (tests/test_linear.py checks)."""',
             "", f"UNICODE = {unicodedata.unidata_version!r}", "", "_RANGES = {"]
    for name, ranges in got.items():
        text = enc(ranges)
        chunks = [text[i:i + 96] for i in range(0, len(text), 96)] or [""]
        lines.append(f"    {name!r}: (")
        lines.extend(f"        {c!r}" for c in chunks)
        lines.append("    ),")
    lines += ["}", "", "", "def tables() -> dict:",
              "    out = {}",
              "    for name, text in _RANGES.items():",
              "        rs = []",
              "        for item in filter(None, text.split(\",\")):",
              "            lo, _, hi = item.partition(\"-\")",
              "            rs.append((int(lo, 16), int(hi or lo, 16)))",
              "        out[name] = tuple(rs)",
              "    return out", ""]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))


if __name__ == "__main__":
    import os
    write_tables(os.path.join(os.path.dirname(os.path.abspath(__file__)), "linear_tables.py"))
