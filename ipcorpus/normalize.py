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
from functools import lru_cache

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
_QUESTION_WORDS = re.compile(r"吗|呢|吧|么|嘛|啊|呀|什么|怎么|为什么|为何|如何|哪|谁|多少|几|是否|难道|是不是|能否|可否|可以吗")
_LOST_Q = re.compile(rf"(?<=[{_CJK}])\?+(?=[{_CJK}])|\?{{2,}}")


def _fold_table() -> dict:
    table = {}
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


@lru_cache(maxsize=1)
def script_sets() -> tuple[frozenset, frozenset]:
    """(traditional-only, simplified-only) characters, read from opencc's own
    dictionary file without importing opencc."""
    spec = importlib.util.find_spec("opencc")
    trad, simp_vals = set(), set()
    if spec and spec.submodule_search_locations:
        path = os.path.join(list(spec.submodule_search_locations)[0], "dictionary", "TSCharacters.txt")
        try:
            with open(path, encoding="utf-8") as fh:
                for row in fh:
                    parts = row.rstrip("\n").split("\t")
                    if len(parts) == 2 and len(parts[0]) == 1:
                        t, s = parts[0], parts[1].split(" ")[0]
                        if s != t:
                            trad.add(t)
                            simp_vals.add(s)
        except OSError:
            pass
    # Characters that are also in everyday simplified use are no sign of script.
    trad -= simp_vals | set("著乾瞭夥藉於甚麽么蘋")
    simp = simp_vals - trad
    return frozenset(trad), frozenset(simp)


_converter = None


def to_simplified(text: str) -> str:
    global _converter
    if _converter is None:
        from opencc import OpenCC  # heavy: loaded only when a traditional line is met
        _converter = OpenCC("t2s")
    return _converter.convert(text)


def count_damage(text: str) -> int:
    lost = text.count("\ufffd")
    for m in _LOST_Q.finditer(text):
        # `吗?怎么` is a question mark between clauses, not a lost character.
        before = text[max(0, m.start() - 12):m.start()]
        if len(m.group()) == 1 and _QUESTION_WORDS.search(before):
            continue
        lost += len(m.group())
    return lost


def fold(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_FOLD)).strip()


def normalize_lines(originals: list[str]) -> tuple[list[Line], str]:
    """Normalize every line; return them with the document's script."""
    trad_set, simp_set = script_sets()
    glossed = sum(len(_GLOSS.findall(t)) for t in originals[:400]) >= 3 or \
        sum(len(_GLOSS.findall(t)) for t in originals) >= 3
    out: list[Line] = []
    n_trad = n_simp = n_cjk = 0
    for i, orig in enumerate(originals, 1):
        text = fold(orig)
        if "(" in text or "（" in text:
            text = _GLOSS.sub("", text)
            if glossed:
                text = _GLOSS_TONELESS.sub("", text)
                text = _GLOSS_CUT.sub("", text)
        t = sum(1 for ch in text if ch in trad_set)
        if t:
            n_trad += t
            text = to_simplified(text)
        n_simp += sum(1 for ch in text if ch in simp_set) if not t else 0
        if not n_cjk and re.search(f"[{_CJK}]", text):
            n_cjk = 1
        out.append(Line(i, orig, text, count_damage(text)))
    if not n_cjk:
        script = "none"
    elif n_trad > n_simp:
        script = "traditional-with-pinyin" if glossed else "traditional"
    else:
        script = "simplified"
    return out, script
