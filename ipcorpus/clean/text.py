"""Text helpers shared by cleaning, metadata and sentence splitting."""
from __future__ import annotations

import html
import re

from ipcorpus.memo import remembered

# Inner lengths are bounded so that a hostile line (`![](![](…`) costs linear time.
_IMG = re.compile(r"!\[[^\]\n]{0,300}\]\([^)\n]{0,2000}\)")
_MDLINK = re.compile(r"\[([^\]\n]{0,300})\]\([^)\s]{0,2000}(?:\s+\"[^\"]{0,300}\")?\)")
_TAG = re.compile(r"<[^>]{0,400}>")
_EMPH = re.compile(r"\*\*|__|~~|`")
# One character (or a bullet and its space) a step: no run can be split two ways
# between the repeats, as `(?:[#>|+\s]+|[*-]\s+)+` allowed.
_LEAD = re.compile(r"^(?:[#>|+\s]|[*-]\s)+")
# What is not Chinese, removed in one call: counting what is left builds no list of
# one-character strings (findall did, three times slower on a sentence).
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")
# The tail or the whole of a URL glued to a sentence (`640?wx_fmt=png)品牌的…`):
# a run of printable ASCII holding a URL sign. Searched with RE2 (patterns/).
_URLISH = r"[!-~]*(?:://|www\.|wx_fmt=|[?&][A-Za-z_]\w*=)[!-~]*"
SENT_PUNCT = "。！？!?；;…"
CLAUSE_PUNCT = "，,：:、"


@remembered
def bare(text: str) -> str:
    """The words of a normalized line without markdown/HTML dressing."""
    if not text:
        return ""
    s = text
    if "!" in s:
        s = _IMG.sub("", s)
    if "](" in s:
        s = _MDLINK.sub(r"\1", s)
    if "<" in s:
        s = _TAG.sub("", s)
    if "&" in s:
        s = html.unescape(s)
    if "=" in s or "://" in s or "www." in s:
        from ipcorpus import patterns as linear
        cut = "".join(_split_url(s, linear.compile(_URLISH)))
        if cut != s and is_sentence(cut.strip()):
            s = cut             # a sentence glued to a URL: the sentence is the text
    s = _EMPH.sub("", s)
    s = _LEAD.sub("", s)
    return s.strip()


def _split_url(s: str, rx) -> list:
    out, at = [], 0
    for m in rx.finditer(s):
        out.append(s[at:m.start()])
        at = m.end()
    out.append(s[at:])
    return out


def is_sentence(s: str) -> bool:
    """A sentence of the article, however short: mostly Chinese, punctuated as prose
    (a line glued to an image or link is one, once the markup is gone)."""
    return is_prose(s, 12)


def cjk_count(s: str) -> int:
    return len(_NOT_CJK.sub("", s))


@remembered
def is_prose(s: str, min_len: int = 30) -> bool:
    """A sentence-like line of the article: long enough, mostly Chinese, punctuated."""
    if len(s) < min_len:
        return False
    c = cjk_count(s)
    if c < min_len * 0.5 or c < 0.4 * len(s):
        return False
    return any(p in s for p in SENT_PUNCT + "，,")

