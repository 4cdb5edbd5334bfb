"""Metadata from the lines around the article: title, source, author, published."""
from __future__ import annotations

import re
from datetime import datetime

from ipcorpus import patterns as linear
from ipcorpus.clean.text import cjk_count, is_prose
from ipcorpus.models import Meta

_DATE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?"
                   r"(?:\s*[T ]?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def iso_date(value: str) -> str | None:
    """`2025-05-13`, `2025年5月13日 10:20`, `Sun, 26 Dec 2021 00:56:39 GMT` -> ISO 8601."""
    m = _DATE.search(value)
    try:
        if m:
            y, mo, d, h, mi, s = m.groups()
            if h is None:
                return datetime(int(y), int(mo), int(d)).date().isoformat()
            return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0)).isoformat()
        from email.utils import parsedate_to_datetime  # RSS dates only; email costs 4 ms to import
        dt = parsedate_to_datetime(value.strip())
        return dt.replace(tzinfo=None).isoformat()
    except (ValueError, TypeError, IndexError):
        return None


def find_title(plain, texts, rule, blank, values) -> int | None:
    """Index of the title line: a front-matter title points to its first copy in the
    text if there is one; else the first heading or short unpunctuated line before the
    first prose paragraph."""
    fm = next((i for i, r in enumerate(rule) if r == "meta:title"), None)
    if fm is not None:
        want = values.get(fm, "")
        for i, s in enumerate(plain):
            if i != fm and not blank[i] and rule[i] is None and s == want:
                return i
        return fm
    for i, s in enumerate(plain):
        if blank[i] or rule[i] is not None:
            continue
        if texts[i].startswith("#") and cjk_count(s) >= 2:
            return i
        if 4 <= len(s) <= 60 and cjk_count(s) >= 3 and not s.endswith(("。", "：", ":", "，", ",")):
            return i
        if is_prose(s):
            return None
    return None


# The page's structure may take the title for furniture (an <h1> in a <header>); its
# metadata says otherwise.
_TITLE_RULES = (None, "html-furniture", "html-nav")


def markup_title(plain, rule, blank, title: str) -> int | None:
    """Index of the block that is the title a web page's markup names (JSON-LD
    headline, og:title, <title>): the first block that reads as it, else the first
    that begins it (a <title> is often `headline - portal`); None when no block does.
    The structure rules' verdict on it is taken back: it is the title."""
    want = _SPACE.sub("", title)
    candidates = [i for i, s in enumerate(plain) if not blank[i] and rule[i] in _TITLE_RULES and s]
    found = next((i for i in candidates if _SPACE.sub("", plain[i]) == want), None)
    if found is None:
        found = next((i for i in candidates if len(_SPACE.sub("", plain[i])) >= 6
                      and want.startswith(_SPACE.sub("", plain[i]))), None)
    if found is not None:
        rule[found] = None
    return found


def with_markup(meta: Meta, markup: Meta | None, title_found: bool) -> Meta:
    """A web page's metadata: its markup's first (JSON-LD, og: and article: tags,
    <title>), the text's where the markup says nothing; a text file's as it is."""
    if markup is None:
        return meta
    return Meta(title=meta.title if title_found and meta.title else (markup.title or meta.title),
                source=markup.source or meta.source, author=markup.author or meta.author,
                published=(iso_date(markup.published) if markup.published else None) or meta.published,
                original_title=meta.original_title, title_line=meta.title_line)


_SPACE = re.compile(r"\s+")
_LABELLED = re.compile(r"(作者|文|撰文|来源|分类|发布于|发表于|编辑)\s*[:：/｜|]\s*([^\s|｜·，,]{1,20})")
_DATE_TEXT = re.compile(r"\d{4}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}\s*日?(\s*\d{1,2}:\d{2}(:\d{2})?)?")
# An account or outlet name standing alone: short, no sentence punctuation, no digits.
_ACCOUNT = re.compile(r"[\u4e00-\u9fffA-Za-z·]{2,16}")
_FROM_ACCOUNT = re.compile(r"(?:来自|转载自|来源于)(?:微信)?公众号\s*[“\"「『]([^”\"」』]{2,20})[”\"」』]")
# Searched with RE2 (patterns/): Python's re tries it from every comma to the end
# of the line, which is quadratic on a line of thousands of short fields.
_KEYWORD_TAIL = r"(,\s*[^,，\s]{1,8}){2,}$"
_MASTHEAD_SEP = r"\s+[－—|｜·]\s+"


def _cut(pattern: str, text: str, keep_after: bool = True) -> str:
    """`text` without the first match of `pattern` (and what follows it, unless
    keep_after), searched in linear time."""
    m = linear.compile(pattern).search(text)
    if m is None:
        return text
    return text[:m.start()] + (text[m.end():] if keep_after else "")


def dateline_fields(line: str) -> dict:
    """author and account of a dateline: labelled fields first; otherwise a bare
    2-3 character name is a person, a longer one an account or outlet."""
    out: dict[str, str] = {}
    for label, value in _LABELLED.findall(line):
        if label in ("作者", "文", "撰文"):
            out.setdefault("author", value)
        elif label == "来源":
            out.setdefault("source", value)
    rest = _LABELLED.sub(" ", _DATE_TEXT.sub(" ", line))
    for tok in re.split(r"[\s·|｜/]+", rest):
        tok = tok.strip("：:")
        if not tok or tok in ("原创", "首发", "转载") or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9_]{2,16}", tok):
            continue
        if re.fullmatch(r"[\u4e00-\u9fff]{2,3}", tok) and "author" not in out:
            out["author"] = tok
        elif "source" not in out and len(tok) >= 4:
            out["source"] = tok
    return out


def extract(plain, rule, values, title_i, outlet) -> Meta:
    """The article's metadata: the title line's, the fields the meta:* rules marked,
    and what datelines, notices and mastheads let one guess where none says it."""
    meta = Meta()
    if title_i is not None:
        meta.title = values.get(title_i) or plain[title_i]
        # Clippers append the page's keywords: `标题, 关键词, 关键词`.
        meta.title = _cut(_KEYWORD_TAIL, meta.title).strip() or meta.title
        meta.title_line = title_i + 1
    guessed: dict = {}
    _marked_fields(meta, guessed, plain, rule, values)
    _guessed_fields(guessed, plain, rule, title_i)
    meta.author = meta.author or guessed.get("author")
    meta.source = (meta.source or guessed.get("notice") or guessed.get("account") or guessed.get("source")
                   or guessed.get("masthead") or outlet)
    return meta


def _marked_fields(meta: Meta, guessed: dict, plain, rule, values) -> None:
    """The fields of the lines the meta:* rules marked, the first of each kind; a
    dateline's author and account go to `guessed`."""
    # The article's core, from its first to its last kept sentence: a 来源：X line
    # inside it credits an image, not the article (the header and footer zones do).
    prose = [i for i, r in enumerate(rule) if not r and plain[i] and is_prose(plain[i])]
    core = range(prose[0] + 1, prose[-1]) if prose else range(0)
    for i, r in enumerate(rule):
        if not r or not r.startswith("meta:"):
            continue
        v = values.get(i)
        if r == "meta:author" and v and not meta.author:
            meta.author = v
        elif r == "meta:date" and not meta.published:
            meta.published = iso_date(v or plain[i])
        elif r == "meta:original-title" and v and not meta.original_title:
            meta.original_title = v
        elif r == "meta:source" and v and not meta.source and not v.startswith("[") and i not in core:
            meta.source = v
        elif r == "meta:dateline":
            if not meta.published:
                meta.published = iso_date(plain[i])
            for k, val in dateline_fields(plain[i]).items():
                guessed.setdefault(k, val)


def _guessed_fields(guessed: dict, plain, rule, title_i) -> None:
    """Where no field says it: the account under a date, the account a repost notice
    names, a byline inside a notice, a masthead's site name (the first of each)."""
    for i, r in enumerate(rule):
        if r in ("meta:date", "meta:dateline") and "account" not in guessed:
            # Portals print the account right under the date (2025-03-12 09:41 / 品牌进化论).
            j = next((j for j in range(i + 1, min(len(plain), i + 4)) if plain[j]), None)
            if j is not None and j != title_i and _ACCOUNT.fullmatch(plain[j]):
                guessed["account"] = plain[j]
        m = _FROM_ACCOUNT.search(plain[i]) if r else None
        if m and "notice" not in guessed:
            guessed["notice"] = m.group(1)
        # A byline inside a notice (本文来自…，作者：X，…) or a masthead (站名 － 标语).
        if r and not r.startswith("meta:") and "author" not in guessed:
            m = re.search(r"作者\s*[:：]\s*([^\s，,。）)]{2,12})", plain[i])
            if m:
                guessed["author"] = m.group(1)
        if r == "masthead" and "masthead" not in guessed:
            guessed["masthead"] = _cut(_MASTHEAD_SEP, plain[i], keep_after=False)
