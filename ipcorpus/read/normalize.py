"""Per-line normalization: one normalized line for each original line, never merged
or split, so every later result maps back to an original line number.

- pinyin glosses that some mirrors insert after converted characters are removed
  (`網(wǎng)易` -> `網易`), real parentheses such as `(KOL)` or `(2025)` are kept;
- traditional characters are converted to simplified (opencc `t2s`), only on lines
  that contain a traditional-only character, so simplified text pays nothing;
- full-width letters and digits, full-width and no-break spaces are folded, zero-width
  and direction marks removed; Chinese punctuation is kept;
- damage is counted: U+FFFD, or a `?` standing between characters where one was lost.
"""
from __future__ import annotations

import importlib.util
import os
import re
from functools import cache, lru_cache

from ipcorpus.models import Line

_TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PY = "a-zü" + _TONES
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A gloss carries at least one tone mark; toneless syllables count only in a
# document already shown to be glossed.
_VOWELS = "aeiouü" + _TONES
# One pinyin syllable with a tone mark, so `(café)` or `(KOL)` are never taken.
_GLOSS = re.compile(rf"(?<=[{_CJK}])[(（](?=[{_PY}]*[{_TONES}])"
                    rf"[bcdfghjklmnpqrstwxyz]{{0,2}}[{_VOWELS}]{{1,3}}(?:ng|n|r)?[)）]")
_GLOSS_TONELESS = re.compile(
    rf"(?<=[{_CJK}])[(（](?:[bcdfghjklmnpqrstwxyz]{{0,2}}[aeiouü][a-z]{{0,3}})[)）]")
_GLOSS_CUT = re.compile(rf"(?<=[{_CJK}])[(（][{_PY}]{{0,6}}$")
_SPACES = re.compile(r"[ \t]{2,}")
_QUESTION_WORDS = re.compile(r"吗|呢|吧|么|嘛|啊|呀|什么|怎么|为什么|为何|如何|哪|谁|多少|几|"
                             r"是否|难道|是不是|能否|可否|可以吗")
_HAS_CJK = re.compile(f"[{_CJK}]")
_HALF_WIDTH_PUNCT = re.compile(rf"(?<=[{_CJK}])[,!;:](?=[{_CJK}])")
_LOST_Q = re.compile(rf"(?<=[{_CJK}])\?+(?=[{_CJK}])|\?{{2,}}")


def _fold_table() -> dict[int, int | str | None]:
    table: dict[int, int | str | None] = {}
    for a, b in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)):
        for o in range(a, b + 1):
            table[o] = o - 0xFEE0
    for o in (0x3000, 0x00A0, 0x202F, 0x205F, *range(0x2002, 0x200B)):
        table[o] = " "
    for o in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x200E, 0x200F, *range(0x202A, 0x202F),
              *range(0x2066, 0x206A)):
        table[o] = None
    return table


_FOLD = _fold_table()
# A line holding none of _FOLD's characters (most lines) is left as it is: one search
# of a character class costs a tenth of str.translate's dictionary look-up per character.
_FOLD_ANY = re.compile("[" + "".join(f"\\U{o:08x}" for o in sorted(_FOLD)) + "]")


def _opencc_file(name: str) -> str:
    """A dictionary file of opencc's, found without importing opencc."""
    spec = importlib.util.find_spec("opencc")
    if not (spec and spec.submodule_search_locations):
        return ""
    return os.path.join(list(spec.submodule_search_locations)[0], "dictionary", name)


@cache
def _opencc_rows(name: str) -> list[tuple[str, str]]:
    """(key, value) rows of an opencc dictionary, parsed as opencc parses them."""
    try:
        with open(_opencc_file(name), encoding="utf-8") as fh:
            rows = (row.strip().split("\t") for row in fh if row.count("\t") == 1)
            return [(k, v) for k, v in rows]
    except OSError:
        return []


@lru_cache(maxsize=1)
def script_sets() -> tuple[frozenset, frozenset]:
    """(traditional-only, simplified-only) characters, read from opencc's own
    dictionary file without importing opencc."""
    trad, simp_vals = set(), set()
    for t, values in _opencc_rows("TSCharacters.txt"):
        s = values.split(" ")[0]
        if len(t) == 1 and s != t:
            trad.add(t)
            simp_vals.add(s)
    # Characters that are also in everyday simplified use are no sign of script.
    trad -= simp_vals | set("著乾瞭夥藉於甚麽么蘋")
    simp = simp_vals - trad
    return frozenset(trad), frozenset(simp)


@lru_cache(maxsize=1)
def _t2s_fast() -> tuple[dict, re.Pattern | None]:
    """opencc's t2s as a character table plus a pattern of its phrases. Where no
    phrase occurs, opencc's conversion is exactly one character at a time (its
    phrase keys hold no separator, so this holds for a whole line too), which
    str.translate does in C; lines with a phrase go to opencc itself."""
    table = {ord(k): v.split(" ")[0] for k, v in _opencc_rows("TSCharacters.txt") if len(k) == 1}
    phrases = sorted((k for k, _ in _opencc_rows("TSPhrases.txt")), key=len, reverse=True)
    return table, (re.compile("|".join(map(re.escape, phrases))) if phrases else None)


_converter = None


def to_simplified(text: str) -> str:
    table, phrases = _t2s_fast()
    if table and (phrases is None or not phrases.search(text)):
        return text.translate(table)
    global _converter
    if _converter is None:
        from opencc import OpenCC  # heavy: loaded only when a traditional phrase is met
        _converter = OpenCC("t2s")
    return _converter.convert(text)


def count_damage(text: str) -> int:
    lost = text.count("\ufffd")
    # A writer who types half-width punctuation between Chinese clauses (`真的?不,`)
    # types a half-width question mark too: a single one is punctuation then.
    half_width = bool(_HALF_WIDTH_PUNCT.search(text))
    for m in _LOST_Q.finditer(text):
        # `吗?怎么` is a question mark between clauses, not a lost character.
        before = text[max(0, m.start() - 12):m.start()]
        if len(m.group()) == 1 and (half_width or _QUESTION_WORDS.search(before)):
            continue
        lost += len(m.group())
    return lost


def fold(text: str) -> str:
    if _FOLD_ANY.search(text):
        text = text.translate(_FOLD)
    if "  " in text or "\t" in text:       # what _SPACES needs
        text = _SPACES.sub(" ", text)
    return text.strip()


def normalize_lines(originals: list[str]) -> tuple[list[Line], str]:
    """Normalize every line; return them with the document's script."""
    trad_set, simp_set = script_sets()
    # _GLOSS needs a bracket: most lines are not searched (nor twice when short).
    bracketed = [t for t in originals if "(" in t or "（" in t]
    glossed = sum(len(_GLOSS.findall(t)) for t in bracketed[:400]) >= 3 or \
        (len(bracketed) > 400 and sum(len(_GLOSS.findall(t)) for t in bracketed) >= 3)
    out: list[Line] = []
    n_trad = 0
    has_cjk = False
    untouched = []        # lines without a traditional character, for the script vote
    for i, orig in enumerate(originals, 1):
        text = fold(orig)
        if "(" in text or "（" in text:
            text = _GLOSS.sub("", text)
            if glossed:
                text = _GLOSS_TONELESS.sub("", text)
                text = _GLOSS_CUT.sub("", text)
        if not trad_set.isdisjoint(text):
            n_trad += sum(1 for ch in text if ch in trad_set)
            text = to_simplified(text)
        else:
            untouched.append(text)
        if not has_cjk and _HAS_CJK.search(text):
            has_cjk = True
        out.append(Line(i, orig, text, count_damage(text) if ("?" in text or "\ufffd" in text) else 0))
    if not has_cjk:
        script = "none"
    elif n_trad and n_trad > sum(sum(1 for ch in t if ch in simp_set) for t in untouched):
        script = "traditional-with-pinyin" if glossed else "traditional"
    else:
        script = "simplified"
    return out, script

