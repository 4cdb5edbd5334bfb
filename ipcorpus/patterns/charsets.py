"""Character sets as Python's `re` means them, and their RE2 spelling.

A set of code points is a sorted list of disjoint, non-adjacent (lo, hi) ranges.
What `\\d`, `\\s`, `\\w` and case-insensitive letters match is measured with `re`
itself for this Python's Unicode (tables.py ships it for one Unicode version; another
is measured once and kept in the user cache), so a pattern means in RE2 what it means
in Python."""
from __future__ import annotations

import importlib
import re
import re._constants as _c

VERSION = 5                    # of the translation: part of its cache keys
TOP = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)
_CATEGORY_SRC = {
    _c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_SPACE: r"\s", _c.CATEGORY_NOT_SPACE: r"\S",
    _c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W",
}


class NoRE2(Exception):
    """This construct has no RE2 spelling."""


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
    if nxt <= TOP:
        out.append((nxt, TOP))
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
        s = _TABLES["all"] = "".join(map(chr, range(TOP + 1)))
    return s


def measure() -> dict:
    """What Python's `re` matches with \\d, \\s, \\w (Unicode; ASCII is fixed) and
    which characters have case (for IGNORECASE), measured with `re` itself, as
    ranges: {"\\d": ((lo, hi), ...), ..., "cased": (...)}."""
    _sre = importlib.import_module("_sre")
    _EXTRA_CASES = importlib.import_module("re._casefix")._EXTRA_CASES
    every = _every_char()
    got = {}
    for src in (r"\d", r"\s", r"\w"):
        got[src] = tuple((m.start(), m.end() - 1) for m in re.finditer(src + "+", every))
    cased = {cp for cp in range(TOP + 1) if _sre.unicode_iscased(cp)}
    for k, v in _EXTRA_CASES.items():
        cased.add(k)
        cased.update(v)
    got["cased"] = tuple(_runs("".join(map(chr, sorted(cased)))))
    return got


def _tables() -> dict:
    """measure() for this Python's Unicode: shipped for the Unicode version of
    tables.py, else measured once and kept in the user cache."""
    got = _TABLES.get("cat")
    if got is None:
        import unicodedata

        from ipcorpus.patterns import tables as shipped
        if shipped.UNICODE == unicodedata.unidata_version:
            got = shipped.tables()
        else:
            from ipcorpus.index import user_cache as diskcache
            cache = diskcache.table("linear")
            key = ("tables", VERSION, unicodedata.unidata_version)
            got = cache.get(key)
            if got is None:
                got = cache[key] = measure()
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
            raise NoRE2(f"class item {o}")
    return "[" + "".join(parts) + "]"


def _cased_text() -> str:
    got = _TABLES.get("cased")
    if got is None:
        got = _TABLES["cased"] = "".join(chr(c) for lo, hi in _tables()["cased"] for c in range(lo, hi + 1))
    return got


def charset(op, av, flags: int) -> list:
    """The exact set of characters one single-character matcher of Python's parse
    matches under `flags`."""
    if op is _c.ANY:
        return [(0, TOP)] if flags & re.DOTALL else _complement([(10, 10)])
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
                raise NoRE2(f"class item {o}")
        got = _norm(items)
        if negate:
            got = _complement(got)
    if flags & re.IGNORECASE:
        # Case folding only ever relates characters that have case: the others match
        # as without IGNORECASE, and those with case are measured with `re` itself.
        rx = re.compile(_single_src(op, av), flags & (re.IGNORECASE | re.ASCII))
        got = _norm(_minus(got, _tables()["cased"]) + _runs("".join(rx.findall(_cased_text()))))
    return got


def esc(cp: int) -> str:
    ch = chr(cp)
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{cp:x}}}"


def spell(ranges) -> str:
    """RE2 spelling of a set (RE2 has no surrogates: they are left out)."""
    s = _minus(ranges, [_SURROGATES])
    if len(s) == 1 and s[0][0] == s[0][1]:
        return esc(s[0][0])
    neg = _minus(_complement(s), [_SURROGATES])

    def body(rs):
        return "".join(esc(lo) if lo == hi else f"{esc(lo)}-{esc(hi)}" for lo, hi in rs)
    if not s:
        return r"[^\x00-\x{10ffff}]"
    if not neg:
        return r"[\x00-\x{10ffff}]"
    if len(neg) < len(s):
        return "[^" + body(neg) + "]"
    return "[" + body(s) + "]"



def iscased(cp: int) -> bool:
    return bool(importlib.import_module("_sre").unicode_iscased(cp)) or chr(cp) in _cased_text()


def write_tables(path: str):
    """Write tables.py for this Python's Unicode (`python -m ipcorpus.patterns.charsets`)."""
    import unicodedata
    got = measure()

    def enc(ranges):
        return ",".join(f"{lo:x}" if lo == hi else f"{lo:x}-{hi:x}" for lo, hi in ranges)
    lines = ['"""Generated by `python -m ipcorpus.patterns.charsets` (charsets.write_tables): the characters',
             "Python's re matches with its digit, space and word classes, and those that have",
             'case, for one Unicode version, as hexadecimal ranges (tests/test_patterns.py checks)."""',
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
    write_tables(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tables.py"))
