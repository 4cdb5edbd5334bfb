"""Text helpers shared by cleaning, metadata and sentence splitting."""
from __future__ import annotations

import html
import re

# Inner lengths are bounded so that a hostile line (`![](![](…`) costs linear time.
_IMG = re.compile(r"!\[[^\]\n]{0,300}\]\([^)\n]{0,2000}\)")
_MDLINK = re.compile(r"\[([^\]\n]{0,300})\]\([^)\s]{0,2000}(?:\s+\"[^\"]{0,300}\")?\)")
_TAG = re.compile(r"<[^>]{0,400}>")
_EMPH = re.compile(r"\*\*|__|~~|`")
# One character (or a bullet and its space) a step: no run can be split two ways
# between the repeats, as `(?:[#>|+\s]+|[*-]\s+)+` allowed.
_LEAD = re.compile(r"^(?:[#>|+\s]|[*-]\s)+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
SENT_PUNCT = "。！？!?；;…"
CLAUSE_PUNCT = "，,：:、"


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
    s = _EMPH.sub("", s)
    s = _LEAD.sub("", s)
    return s.strip()


def cjk_count(s: str) -> int:
    return len(_CJK.findall(s))


def is_prose(s: str, min_len: int = 30) -> bool:
    """A sentence-like line of the article: long enough, mostly Chinese, punctuated."""
    if len(s) < min_len:
        return False
    c = cjk_count(s)
    if c < min_len * 0.5 or c < 0.4 * len(s):
        return False
    return any(p in s for p in SENT_PUNCT + "，,")

