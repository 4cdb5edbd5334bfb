"""Reading a saved web page: its bytes decoded as a browser would, parsed, and its
text laid out as blocks, each cited to the source line where its text starts.

This is the reading stage for `.html` and `.htm` files (document.py calls it); it
hands on the same typed records as reading a text file (models.Document of
models.Line), so cleaning, stance, check and report run on them unchanged. What
only the markup knows rides along on each line as a models.Block: the rule that
drops it (script, style, comments, hidden elements…), the furniture container it
sits in (nav, header, footer, aside, form), the share of its text inside links and
whether it belongs to a list of links. Cleaning reads them (clean/lines.py).

The parser is lxml's (libxml2's HTML parser): it recovers from broken markup as
browsers do (unclosed and stray tags), runs in C, and gives each element the line
its start tag is on. Its two limits are met here: an element nested deeper than
libxml2 allows ends the parse, so such a page is parsed again with the too-deep
tags taken out (_flatten); libxml2 counts lines in 16 bits, so past line 65535 a
block's line is found by its text (html_blocks.py)."""
from __future__ import annotations

import codecs
import json
import re

from ipcorpus.errors import InputError
from ipcorpus.models import Meta
from ipcorpus.read.html_blocks import MAX_LINE, SPACE, Page, lay_out, place_late_lines
from ipcorpus.read.source import Decoded, decode

HTML_SUFFIXES = (".html", ".htm")
_MAX_DEPTH = 200         # nesting kept when a page is parsed again after libxml2's depth limit
_LDJSON_MAX = 1 << 20    # a JSON-LD block larger than this is not read for metadata
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_ARTICLE_TYPES = frozenset(("NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "AnalysisNewsArticle",
                            "OpinionNewsArticle", "ReportageNewsArticle", "WebPage"))

# <meta charset=…> and <meta http-equiv="Content-Type" content="…; charset=…">: the
# label after `charset=`, looked for in the page's head as the browser's prescan does
# (further than its 1024 bytes: Chinese portals put long titles and scripts first).
_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]{1,40})""", re.I)
# WHATWG's encoding labels for what Chinese pages declare: GB2312 and GBK pages are
# decoded as GB18030 (their superset), Big5 as Big5-HKSCS, UTF-16 labels as UTF-8.
_LABELS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb_2312-80": "gb18030",
           "chinese": "gb18030", "csgb2312": "gb18030", "iso-ir-58": "gb18030", "gb18030": "gb18030",
           "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "x-x-big5": "big5hkscs", "cn-big5": "big5hkscs",
           "csbig5": "big5hkscs", "utf-8": "utf-8", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
           "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8", "iso-8859-1": "cp1252", "latin1": "cp1252",
           "us-ascii": "cp1252", "ascii": "cp1252"}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def is_html(path: str) -> bool:
    return path.lower().endswith(HTML_SUFFIXES)


def declared_charset(data: bytes) -> str | None:
    """The Python codec of the charset the page's head declares, if any is known."""
    head = data[:16384]
    body = head.lower().find(b"<body")
    if body >= 0:
        head = head[:body]
    m = _CHARSET.search(head)
    if not m:
        return None
    label = m.group(1).decode("ascii").lower().strip(".:")
    if label in _LABELS:
        return _LABELS[label]
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_page(data: bytes) -> tuple[Decoded, str | None]:
    """Bytes as a browser decodes them: a BOM first, then the declared charset, then
    (nothing declared, or bytes the declared charset cannot read, which browsers
    would show broken) the detection that reads text files (source.decode). The
    second value is a warning, when the declaration was wrong."""
    if data.startswith(_BOMS):
        return decode(data), None
    enc = declared_charset(data)
    if enc is not None:
        try:
            return Decoded(data.decode(enc), enc, 0), None
        except UnicodeDecodeError:
            dec = decode(data)
            return dec, f"the page declares {enc} but does not decode as it; read as {dec.encoding}"
    return decode(data), None


def _parse(text: str):
    from lxml import etree

    def once(source: str):
        parser = etree.HTMLParser(encoding="utf-8", remove_comments=False, remove_pis=True, no_network=True,
                                  huge_tree=True)
        root = etree.fromstring(source.encode("utf-8", "surrogatepass"), parser)
        deep = any("Excessive depth" in e.message for e in parser.error_log)
        return root, deep

    root, deep = once(text)
    if deep:
        root, _ = once(_flatten(text))
    return root, deep


def _flatten(text: str) -> str:
    """The page with the tags nested deeper than _MAX_DEPTH taken out (their line
    breaks kept, so every line keeps its number): what libxml2 can parse whole of a
    page whose nesting it refuses. Tags are found by scanning for `<` and the next
    `>` once each, in time linear in the page."""
    out: list[str] = []
    depth = 0
    pos = 0
    n = len(text)
    while pos < n:
        lt = text.find("<", pos)
        if lt < 0:
            break
        gt = text.find(">", lt)
        if gt < 0:
            break                                   # no later tag can close either
        tag = text[lt + 1:gt]
        closing = tag.startswith("/")
        name = tag[1:] if closing else tag
        name = name.split(None, 1)[0].rstrip("/").lower() if name.strip() else ""
        if not name or not (name[0].isalpha()) or name in _VOID or tag.endswith("/"):
            pos = gt + 1
            continue
        if closing:
            drop = depth > _MAX_DEPTH
            depth = max(0, depth - 1)
        else:
            depth += 1
            drop = depth > _MAX_DEPTH
        if drop:
            out.append(text[pos:lt])
            out.append("\n" * tag.count("\n"))
        else:
            out.append(text[pos:gt + 1])
        pos = gt + 1
    out.append(text[pos:])
    return "".join(out)


def read_page(text: str) -> Page:
    """The blocks and metadata of a decoded page."""
    from lxml import etree
    body = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    try:
        root, deep = _parse(body)
    except (etree.ParserError, ValueError) as e:
        raise InputError(f"not a readable HTML page ({e})") from None
    if root is None:
        raise InputError("empty file (no HTML content)")
    page = lay_out(root, body.count("\n") + 1)
    if deep:
        page.warnings.append(f"elements nested deeper than the parser allows: tags below depth {_MAX_DEPTH} "
                             "were set aside to read the page whole")
    _link_lists(page)
    _main_containers(page)
    page.meta = _meta(root)
    total = body.count("\n") + 1
    if total > MAX_LINE:
        place_late_lines(page, body)
    # libxml2 gives a comment the line where it ends, and a comment or element left
    # open at the end of the file ends past its last line break: no citation may name
    # a line the file does not have (a final line break ends the last line).
    last = max(1, total - 1 if body.endswith("\n") else total)
    page.lines = [min(n, last) for n in page.lines]
    # Blocks come in source order, so none starts on a line before the block before it:
    # text that follows a nested block inside its parent (<td>a<td>b</td> c) is given
    # the parent's start line by libxml2, which comes before the nested block's.
    floor = 1
    for k, n in enumerate(page.lines):
        floor = page.lines[k] = max(n, floor)
    return page


def _link_lists(page: Page) -> None:
    """Blocks in a list of links: three or more sibling blocks (children of one
    block element) mostly made of links, and at least 40% of their siblings (the
    rest are the items' dates and sources)."""
    groups: dict[int, list[int]] = {}
    for k, b in enumerate(page.blocks):
        if not b.drop and b.parent:
            groups.setdefault(b.parent, []).append(k)
    for ks in groups.values():
        linky = [k for k in ks if page.blocks[k].link_share >= 0.5]
        if len(linky) >= 3 and len(linky) >= 0.4 * len(ks):
            for k in linky:
                page.blocks[k].link_list = True


def _main_containers(page: Page) -> None:
    """A furniture container that holds half the page's paragraphs is the page
    itself (a whole page in one <form>, a <body class="discuss_tab">): its blocks
    are not furniture by it."""
    long_chars: dict[int, int] = {}
    total = 0
    for b, t in zip(page.blocks, page.texts, strict=True):
        if not b.drop and len(t) >= 30:
            total += len(t)
            long_chars[b.container] = long_chars.get(b.container, 0) + len(t)
    main = {c for c, n in long_chars.items() if c and n >= 0.5 * total}
    for b in page.blocks:
        if b.container in main:
            b.furniture = ""


def _meta(root) -> Meta:
    """title, published, author and source from the markup: JSON-LD NewsArticle
    first, then og:title and article:published_time, then <title>."""
    meta = Meta()
    props: dict[str, str] = {}
    for m in root.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").lower().strip()
        value = (m.get("content") or "").strip()
        if key and value and key not in props:
            props[key] = value
    ld = _json_ld(root)
    title_el = next(root.iter("title"), None)
    page_title = SPACE.sub(" ", "".join(title_el.itertext())).strip() if title_el is not None else ""
    meta.title = ld.get("headline") or props.get("og:title") or page_title or None
    meta.published = ld.get("datePublished") or props.get("article:published_time") or props.get("pubdate") \
        or props.get("publishdate") or None
    meta.author = ld.get("author") or props.get("article:author") or props.get("author") or None
    meta.source = ld.get("publisher") or None
    return meta


def _name(v) -> str | None:
    if isinstance(v, str):
        return v.strip() or None
    if isinstance(v, dict):
        return _name(v.get("name"))
    if isinstance(v, list):
        names = [n for n in (_name(x) for x in v) if n]
        return "、".join(names) or None
    return None


def _json_ld(root) -> dict:
    """headline, datePublished, author and publisher of the page's first JSON-LD
    article (NewsArticle and its kin, also inside an @graph)."""
    for s in root.iter("script"):
        if (s.get("type") or "").lower() != "application/ld+json" or not s.text or len(s.text) > _LDJSON_MAX:
            continue
        try:
            data = json.loads(s.text)
        except (ValueError, RecursionError):
            continue
        todo = data if isinstance(data, list) else [data]
        todo = todo + [g for d in todo if isinstance(d, dict) for g in (d.get("@graph") or [])]
        for d in todo:
            if not isinstance(d, dict):
                continue
            kinds = d.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if not any(k in _ARTICLE_TYPES for k in kinds if isinstance(k, str)):
                continue
            out = {"headline": _name(d.get("headline")), "datePublished": _name(d.get("datePublished")),
                   "author": _name(d.get("author")), "publisher": _name(d.get("publisher"))}
            return {k: v for k, v in out.items() if v}
    return {}
