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
(RE2 takes no empty last round), though the match is the same.

Here: the API (compile, prepare, plan, check, engine, first_chars); translate.py
writes a pattern in RE2's syntax and plans its engine; charsets.py holds the
character sets (tables.py, generated, ships them for one Unicode version);
screens.py reads a parse for what a match needs; compiled.py is the RE2-backed
Pattern and Match; prefilter.py gives the characters a line needs for a pattern to
be tried at all."""
from __future__ import annotations

import re
from typing import Union

from ipcorpus.patterns.charsets import VERSION
from ipcorpus.patterns.compiled import Match, Pattern
from ipcorpus.patterns.screens import MAX_PATHS
from ipcorpus.patterns.translate import UnsafePattern, make_plan

__all__ = ["MAX_PATHS", "VERSION", "AnyMatch", "AnyPattern", "Match", "Pattern", "UnsafePattern", "check", "compile",
           "engine", "first_chars", "plan", "prepare"]


_PLANS: dict = {}


def prepare(patterns, flags: int = 0):
    """Work out the engines of many patterns at once (see translate.make_plan), remembered in
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
                got = make_plan(pattern, flags)
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
    """The engine for a pattern (see translate.make_plan); None if Python cannot parse it."""
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
