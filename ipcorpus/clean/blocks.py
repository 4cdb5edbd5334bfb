"""Structural blocks no single-line rule sees: what a web page's markup says of its
blocks; in a text file, front matter, template, style and comment blocks and ad
cards; in either, related-news lists (headline, source, timestamp, repeated).
Each marks `rule[i]` (None: kept so far) for clean() in lines.py."""
from __future__ import annotations

import re

from ipcorpus.clean.rules import RuleSet
from ipcorpus.clean.text import SENT_PUNCT, is_prose, is_sentence
from ipcorpus.models import Document

_TIMESTAMP = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(\s+\d{1,2}:\d{2}(:\d{2})?)?$|^\d+\s*(分钟|小时|天)前$")

# A block of a web page counts as a list of links, or as navigation, when at least
# this share of its text is inside links (models.Block.link_share).
LINK_SHARE = 0.5


def from_markup(doc: Document, plain, rule, blank, rules: RuleSet):
    """What a web page's markup says of its blocks (models.Block, read/html_page.py):
    scripts, styles, comments and hidden elements are dropped by their own rules; a
    block in a list of links (related news, channel lists) and a block made mostly
    of links that is not a sentence (navigation) are furniture, and so is a block
    that is not prose inside nav, header, footer, aside or form (by name, ARIA role,
    or a word of a class or id: sidebar, related, footer …). Prose in those
    containers is kept: some portals put the article in odd ones; readers' comments
    (a class or id naming them) are dropped, prose or not."""
    for i, ln in enumerate(doc.lines):
        b = ln.block
        if b is None or blank[i]:
            continue
        if b.drop:
            name = b.drop
        elif b.link_list and b.link_share >= LINK_SHARE:
            name = "html-link-list"
        elif b.link_share >= LINK_SHARE and not is_sentence(plain[i]):
            name = "html-nav"
        elif b.furniture == "comments":
            name = "html-comments"
        elif b.furniture and not is_prose(plain[i]):
            name = "html-furniture"
        else:
            continue
        if rules.on(name):
            rule[i] = name


# _blocks' line tests, compiled once (re's own cache costs a lookup a call).
_FM_LINE = re.compile(r"^([\w-]+\s*:|-\s|\s)")
_FM_FIELD = re.compile(r"^(title|author|date|published|source)\s*:\s*(.*)$", re.I)
_TEMPLATE_END = re.compile(r"^\{%\s*end")
_TEMPLATE_TAG = re.compile(r"^\{%\s*(\w+)")
_BLOCK_TAG = re.compile(r"^\s*<(style|script|svg)\b")
_CARD_LINK = re.compile(r"\]\([^)]{0,2000}\)\]\(")
_TEMPLATE_META = re.compile(r"^\**(Author|Published|Original|Date)\**\s*:")


def mark(rule, i, name):
    if rule[i] is None:
        rule[i] = name


def text_blocks(texts, rule, blank, rules: RuleSet, values):
    """Structural blocks of a text file: front matter at the top, then template,
    style and comment blocks and ad cards wherever they open."""
    _front_matter(texts, rule, blank, rules, values)
    n = len(texts)
    i = 0
    while i < n:
        name, end = _block_at(texts, i, rules)
        if end is None:
            i += 1
            continue
        _mark_block(texts, rule, blank, name, i, end)
        i = end + 1


def _front_matter(texts, rule, blank, rules: RuleSet, values) -> None:
    """`---` on the first line, key: value lines, `---`: its title, author, date and
    source lines are metadata, the others front matter."""
    n = len(texts)
    first = next((i for i in range(n) if not blank[i]), None)
    if first is None or texts[first] != "---" or not rules.on("front-matter"):
        return
    end = next((j for j in range(first + 1, min(n, first + 80)) if texts[j] == "---"), None)
    if end is None:
        return
    body = [texts[j] for j in range(first + 1, end) if not blank[j]]
    if not body or not all(_FM_LINE.match(t) for t in body):
        return
    for j in range(first, end + 1):
        if blank[j]:
            continue
        m = _FM_FIELD.match(texts[j])
        if m and m.group(2).strip():
            rule[j] = "meta:" + {"published": "date"}.get(m.group(1).lower(), m.group(1).lower())
            values[j] = m.group(2).strip().strip("'\"")
        else:
            rule[j] = "front-matter"


def _block_at(texts, i: int, rules: RuleSet) -> tuple[str | None, int | None]:
    """(the rule, the index of its last line) of a block opening on line i, or
    (…, None) when none does."""
    t, n = texts[i], len(texts)
    if t.startswith("{%") and not _TEMPLATE_END.match(t) and rules.on("template-block"):
        m = _TEMPLATE_TAG.match(t)
        if not m:
            return None, None
        tag = m.group(1)
        return "template-block", next((j for j in range(i + 1, min(n, i + 60))
                                       if re.match(r"^\{%\s*end" + tag, texts[j])), None)
    if "<" in t and (block := _BLOCK_TAG.match(low := t.lower())) and rules.on("style-block"):
        tag = block.group(1)
        if f"</{tag}>" in low:
            return None, None
        return "style-block", next((j for j in range(i + 1, min(n, i + 400)) if f"</{tag}>" in texts[j].lower()), None)
    if t.lstrip().startswith("<!--") and "-->" not in t and rules.on("comment-block"):
        return "comment-block", next((j for j in range(i + 1, min(n, i + 200)) if "-->" in texts[j]), None)
    if t.startswith("[![") and not _CARD_LINK.search(t) and rules.on("ad-card"):
        # An image link whose closing `](url)` comes a few lines later: a card.
        return "ad-card", next((j for j in range(i + 1, min(n, i + 16)) if texts[j].startswith("](")), None)
    return None, None


def _mark_block(texts, rule, blank, name, i: int, end: int) -> None:
    for j in range(i, end + 1):
        if not blank[j]:
            if name == "template-block" and j not in (i, end):
                # Metadata fields inside the block keep their meta verdict.
                continue
            mark(rule, j, name)
    if name == "template-block":
        # Lines inside that no meta rule claims are dropped after line rules run.
        for j in range(i + 1, end):
            if not blank[j] and not _TEMPLATE_META.match(texts[j].replace("**", "")):
                mark(rule, j, name)


def related_list(plain, rule, blank, rules: RuleSet):
    """Related/hot-news lists: [headline, headline again?, source, timestamp] repeated."""
    if not rules.on("related-list"):
        return
    idx = [i for i in range(len(plain)) if not blank[i]]
    k = 0
    while k < len(idx):
        items = []
        j = k
        while j < len(idx):
            item = _list_item(plain, idx, j)
            if not item:
                break
            items.append(item)
            j = item[-1] + 1
        if len(items) >= 2:
            for item in items:
                for q in item:
                    mark(rule, idx[q], "related-list")
            k = j
        else:
            k += 1


def _list_item(plain, idx, j):
    """Positions (in idx) of one list item starting at j, or None."""
    n = len(idx)
    h = plain[idx[j]]
    if len(h) < 5 or _TIMESTAMP.match(h):
        return None
    p = j + 1
    if p < n and plain[idx[p]] == h:
        p += 1
    if p < n and len(plain[idx[p]]) <= 16 and not _TIMESTAMP.match(plain[idx[p]]) \
            and not any(c in plain[idx[p]] for c in SENT_PUNCT):
        p += 1
    if p < n and _TIMESTAMP.match(plain[idx[p]]):
        return list(range(j, p + 1))
    return None
