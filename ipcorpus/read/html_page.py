"""Reading a saved web page: its bytes decoded as a browser would, parsed, and its
text laid out as blocks, each cited to the source line where its text starts.

This is the reading stage for `.html` and `.htm` files (document.py calls it); it
hands on the same typed records as reading a text file (models.Document of
models.Line), so cleaning, stance, check and report run on them unchanged. What
only the markup knows rides along on each line as a models.Block: the rule that
drops it (script, style, comments, hidden elements…), the furniture container it
sits in (nav, header, footer, aside, form), the share of its text inside links and
whether it belongs to a list of links. Cleaning reads them (noise/clean.py).

The parser is lxml's (libxml2's HTML parser): it recovers from broken markup as
browsers do (unclosed and stray tags), runs in C, and gives each element the line
its start tag is on. Its two limits are met here: an element nested deeper than
libxml2 allows ends the parse, so such a page is parsed again with the too-deep
tags taken out (_flatten); libxml2 counts lines in 16 bits, so past line 65535 a
block's line is found by its text (_late_lines)."""
from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field

from ipcorpus.errors import InputError
from ipcorpus.models import Block, Meta
from ipcorpus.read.source import Decoded, decode

HTML_SUFFIXES = (".html", ".htm")
EXCERPT = 120            # characters kept of what a markup rule drops (script text, comments)
MAX_LINE = 65535         # the last line number libxml2 records
_MAX_DEPTH = 200         # nesting kept when a page is parsed again after libxml2's depth limit
_LDJSON_MAX = 1 << 20    # a JSON-LD block larger than this is not read for metadata

# Elements whose start and end break the text into blocks (HTML's block-level and
# table elements, list items, and the form controls whose text stands apart).
_BLOCK = frozenset((
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary table "
    "tbody td tfoot th thead tr ul option select textarea button legend iframe frameset frame"
).split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Dropped with everything inside, each under its own rule (noise/rules.py BUILTIN).
_DROPPED = {"script": "html-script", "style": "html-style", "noscript": "html-noscript",
            "template": "html-template", "head": "", "svg": "html-svg", "math": "html-svg"}
_FURNITURE = frozenset(("nav", "header", "footer", "aside", "form"))
_ROLES = {"navigation": "nav", "banner": "header", "contentinfo": "footer", "complementary": "aside",
          "search": "form", "menu": "nav", "menubar": "nav"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_SPACE = re.compile(r"\s+")
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


@dataclass
class Page:
    """A page read: its blocks in document order and the metadata of its markup."""
    lines: list[int]               # the source line each block's text starts on
    texts: list[str]               # each block's text, white space collapsed
    blocks: list[Block]
    meta: Meta
    warnings: list[str] = field(default_factory=list)


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


class _Walk:
    """One pass over the parsed page (lxml's iterwalk, iterative: a page nested
    thousands deep cannot exhaust Python's recursion limit), gathering the text of
    each block."""

    def __init__(self):
        self.page = Page([], [], [], Meta())
        self.parts: list[str] = []        # the text of the block being gathered
        self.started = False              # ... whether any of it is more than white space
        self.linked = 0                   # ... how many of its characters are inside <a>
        self.line: int | None = None      # ... the line its text starts on, when known
        self.newlines = 0                 # line breaks in all text read so far
        self.start_newlines = 0           # ... when the block's text started
        self.pending: list[tuple[int, int]] = []   # (block, newlines at its start) whose line is not yet known
        # open block elements: (furniture container, the element's number, the container's number)
        self.stack: list[tuple[str, int, int]] = []
        self.links = 0                    # open <a> elements
        self.ids = 0
        self.last_line = 1

    def furniture(self) -> str:
        return self.stack[-1][0] if self.stack else ""

    def text(self, s: str | None, line: int | None = None) -> None:
        """Text in document order; `line` is the line it starts on when known (an
        element's own text), None for the text after an element's end."""
        if not s:
            return
        # A flag, not a look at the parts gathered: a block of thousands of inline
        # elements would join them again for each one (quadratic in the block).
        if not self.started:
            lead = len(s) - len(s.lstrip())
            if lead < len(s):
                self.started = True
                self.start_newlines = self.newlines + s.count("\n", 0, lead)
                self.line = None if line is None else line + s.count("\n", 0, lead)
        self.newlines += s.count("\n")
        self.parts.append(s)
        if self.links:
            self.linked += len(s) - s.count(" ") - s.count("\n")

    def flush(self) -> None:
        raw = "".join(self.parts)
        self.parts = []
        self.started = False
        linked, self.linked = self.linked, 0
        text = _SPACE.sub(" ", raw).strip()
        if not text:
            return
        solid = len(raw) - sum(raw.count(c) for c in " \n\t\r\f\u3000\xa0")
        furniture, _, container = self.stack[-1] if self.stack else ("", 0, 0)
        parent = self.stack[-2][1] if len(self.stack) > 1 else 0      # the siblings' common parent
        self.add(self.line, text, Block(furniture=furniture, link_share=round(min(1.0, linked / max(1, solid)), 3),
                                        parent=parent, container=container))

    def add(self, line: int | None, text: str, block: Block) -> None:
        k = len(self.page.texts)
        self.page.texts.append(text)
        self.page.blocks.append(block)
        self.page.lines.append(line or 0)
        if line is None:
            self.pending.append((k, self.start_newlines))

    def seen(self, line: int) -> None:
        """An element starts on `line`: the blocks whose text began before it, on a
        line not known, began that many line breaks before it."""
        self.last_line = max(self.last_line, line)
        for k, at in self.pending:
            self.page.lines[k] = max(1, line - (self.newlines - at))
        self.pending = []

    def dropped(self, el, rule: str) -> None:
        """An element dropped with what it holds: one block, its text cut short."""
        self.flush()
        text = _SPACE.sub(" ", "".join(el.itertext()) if rule != "html-comment" else (el.text or "")).strip()
        self.newlines += sum(t.count("\n") for t in ([el.text or ""] if rule == "html-comment" else el.itertext()))
        if text and rule:
            short = text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"
            self.add(el.sourceline, short, Block(drop=rule, furniture=self.furniture()))


def _hidden(el) -> bool:
    if el.get("hidden") is not None or (el.get("type") or "").lower() == "hidden":
        return True
    style = el.get("style")
    return bool(style) and _HIDDEN_STYLE.search(style.lower()) is not None


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
    w = _Walk()
    if deep:
        w.page.warnings.append(f"elements nested deeper than the parser allows: tags below depth {_MAX_DEPTH} "
                               "were set aside to read the page whole")
    _walk(root, w)
    w.flush()
    # Text after the last element (a tail, text left in an unclosed comment) is placed
    # back from the end of the file, where its line breaks end, not from the last
    # element's start line, which comes before it.
    w.seen(max(w.last_line, body.count("\n") + 1))
    page = w.page
    _link_lists(page)
    _main_containers(page)
    page.meta = _meta(root)
    total = body.count("\n") + 1
    if total > MAX_LINE:
        _late_lines(page, body)
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


def _walk(root, w: _Walk) -> None:
    from lxml import etree
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    skipped = None                            # the dropped element whose end comes next
    for event, el in walker:
        if event in ("comment", "pi"):
            w.seen(el.sourceline or w.last_line)
            if event == "comment":
                w.dropped(el, "html-comment")
            w.text(el.tail)
        elif not isinstance(el.tag, str):      # an entity reference
            if event == "end":
                w.text(el.tail)
        elif event == "start":
            skipped = _start(el, el.tag.lower(), w)
            if skipped is not None:
                walker.skip_subtree()
        else:
            if el is skipped:
                skipped = None
            else:
                _end(el.tag.lower(), w)
            w.text(el.tail)


def _start(el, name: str, w: _Walk):
    """An element's start; the element itself when it is dropped with what it holds."""
    w.seen(el.sourceline or w.last_line)
    rule = _DROPPED.get(name)
    if rule is None and _hidden(el):
        rule = "html-hidden"
    if rule is not None:
        w.dropped(el, rule)
        return el
    if name == "br":
        w.flush()
        return None
    if name in _BLOCK:
        w.flush()
        w.ids += 1
        own = _container(el, name)
        if own:
            w.stack.append((own, w.ids, w.ids))
        else:
            w.stack.append((w.furniture(), w.ids, w.stack[-1][2] if w.stack else 0))
    elif name == "a":
        w.links += 1
    w.text(el.text, el.sourceline)
    return None


def _end(name: str, w: _Walk) -> None:
    if name in _BLOCK:
        w.flush()
        if w.stack:
            w.stack.pop()
    elif name == "a":
        w.links = max(0, w.links - 1)


def _container(el, name: str) -> str:
    """The furniture an element is: nav, header, footer, aside, form by its name or
    its ARIA role, else by a word of its class or id (sidebar, related, comment …);
    `comments` for readers' comments."""
    if name in _FURNITURE:
        return name
    role = _ROLES.get((el.get("role") or "").lower())
    if role:
        return role
    words = set(_WORD.findall(f"{el.get('class') or ''} {el.get('id') or ''}".lower()))
    if words & _COMMENT_WORDS:
        return "comments"
    hint = next((w for w in sorted(words) if w in _FURNITURE_WORDS), None)
    return _FURNITURE_WORDS[hint] if hint else ""


# Words of a class or id that name page furniture (split at anything not a letter or
# digit: `side-bar`, `hot_news` and `relatedList` give side, bar, hot, news, relatedlist).
_WORD = re.compile(r"[a-z0-9]+")
_FURNITURE_WORDS = {w: "nav" for w in ("nav", "navbar", "menu", "breadcrumb", "crumb", "crumbs", "channel")} | {
    w: "aside" for w in ("sidebar", "side", "aside", "related", "relate", "recommend", "recommends", "hot",
                         "hotnews", "rank", "ranking", "share", "tags", "ad", "ads", "advert", "banner")} | {
    w: "footer" for w in ("footer", "foot", "copyright", "bottom")} | {
    w: "header" for w in ("header", "topbar", "masthead", "login")}
_COMMENT_WORDS = frozenset(("comment", "comments", "cmt", "reply", "replies", "discuss", "pinglun"))


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


LATE_WINDOW = 8192       # characters a late block is first looked for past the one before it
_TAG_OR_ENTITY = re.compile(r"<[^<>]*>|&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});?")


def _visible(body: str, start: int) -> tuple[str, list[int]]:
    """The text of body[start:] as a reader sees it (tags out, entities decoded, white
    space collapsed to one space), and for each of its characters the offset in body
    where it stands: blocks are looked for in this, as their texts are."""
    import html as html_lib
    out: list[str] = []
    where: list[int] = []
    pos = start

    def put(text: str, at: int, step: int) -> None:
        for ch in text:
            if ch.isspace():
                if out and out[-1] == " ":
                    continue
                ch = " "
            out.append(ch)
            where.append(at)
            at += step

    for m in _TAG_OR_ENTITY.finditer(body, start):
        put(body[pos:m.start()], pos, 1)
        if m.group().startswith("&"):
            put(html_lib.unescape(m.group()), m.start(), 0)
        pos = m.end()
    put(body[pos:], pos, 1)
    return "".join(out), where


def _late_lines(page: Page, body: str) -> None:
    """Lines past 65535, which libxml2 does not count: each block from there on is
    found by the start of its text in the page's visible text (_visible), searching
    forward from the block before it. Linear in the page: a block is looked for within
    LATE_WINDOW characters first, and the searches to the end (for a block further on)
    may together read the text at most twice; a block not found takes the line of the
    block before it."""
    import bisect
    starts = [0]
    for m in re.finditer("\n", body):
        starts.append(m.end())
    text, where = _visible(body, starts[MAX_LINE - 1])
    if not where:
        return
    cursor, budget = 0, 2 * len(text)
    for k, line in enumerate(page.lines):
        if line < MAX_LINE:
            continue
        at = -1
        for probe in (page.texts[k][:12], page.texts[k][:4]):
            if not probe:
                continue
            at = text.find(probe, cursor, cursor + LATE_WINDOW)
            if at < 0 and budget > 0:
                budget -= len(text) - cursor
                at = text.find(probe, cursor)
            if at >= 0:
                break
        if at >= 0:
            cursor = at
        page.lines[k] = bisect.bisect_right(starts, where[min(cursor, len(where) - 1)])


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
    page_title = _SPACE.sub(" ", "".join(title_el.itertext())).strip() if title_el is not None else ""
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
