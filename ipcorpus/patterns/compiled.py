"""Patterns run by RE2, with the part of re.Pattern's and re.Match's API that
ipcorpus uses. Each RE2 program is compiled on first use in the variant a search
needs (capturing or not, exact or relaxed, `$` as the very end or before a final
line break), and the screens of screens.py settle most misses before RE2 is called."""
from __future__ import annotations

import importlib
import re
from collections.abc import Iterator

from ipcorpus.patterns.translate import UnsafePattern

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
        return f"<ipcorpus.patterns.Match span={self.span()} match={self.group()!r}>"


class Pattern:
    """A pattern run by RE2 (see the package docstring); the API of re.Pattern
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
        """False when the text cannot hold a match (screens.py)."""
        if self._first is not None and (not text or text[0] not in self._first):
            return False
        if self._need is not None:
            return self._need in text
        if self._needs is not None:
            return self._needs.search(text) is not None
        return True

    def __repr__(self):
        return f"ipcorpus.patterns.compile({self.pattern!r})"

    def __reduce__(self):
        # Pickled as the call that makes it again (a worker process compiles its own).
        from ipcorpus import patterns
        return (patterns.compile, (self.pattern, self.flags))

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
