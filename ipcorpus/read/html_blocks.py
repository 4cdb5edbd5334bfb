"""A parsed web page's text laid out as blocks, each placed on the source line where
its text starts (html_page.py parses the page and calls `lay_out`).

One iterative pass over lxml's tree (_Walk) gathers the text of each block with
what the markup says of it (models.Block: the rule that drops it, its furniture
container, its share of link text). libxml2 gives each element the line its start
tag is on; text whose line it does not give is placed by counting line breaks back
from the next element, and past line 65535, which libxml2 does not count, a block
is found by its text (place_late_lines)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ipcorpus.models import Block, Meta

EXCERPT = 120            # characters kept of what a markup rule drops (script text, comments)
MAX_LINE = 65535         # the last line number libxml2 records

# Elements whose start and end break the text into blocks (HTML's block-level and
# table elements, list items, and the form controls whose text stands apart).
_BLOCK = frozenset((
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary table "
    "tbody td tfoot th thead tr ul option select textarea button legend iframe frameset frame"
).split())
# Dropped with everything inside, each under its own rule (clean/rules.py BUILTIN).
_DROPPED = {"script": "html-script", "style": "html-style", "noscript": "html-noscript",
            "template": "html-template", "head": "", "svg": "html-svg", "math": "html-svg"}
_FURNITURE = frozenset(("nav", "header", "footer", "aside", "form"))
_ROLES = {"navigation": "nav", "banner": "header", "contentinfo": "footer", "complementary": "aside",
          "search": "form", "menu": "nav", "menubar": "nav"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
SPACE = re.compile(r"\s+")


@dataclass
class Page:
    """A page read: its blocks in document order and the metadata of its markup."""
    lines: list[int]               # the source line each block's text starts on
    texts: list[str]               # each block's text, white space collapsed
    blocks: list[Block]
    meta: Meta
    warnings: list[str] = field(default_factory=list)


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
        text = SPACE.sub(" ", raw).strip()
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
        text = SPACE.sub(" ", "".join(el.itertext()) if rule != "html-comment" else (el.text or "")).strip()
        self.newlines += sum(t.count("\n") for t in ([el.text or ""] if rule == "html-comment" else el.itertext()))
        if text and rule:
            short = text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"
            self.add(el.sourceline, short, Block(drop=rule, furniture=self.furniture()))


def _hidden(el) -> bool:
    if el.get("hidden") is not None or (el.get("type") or "").lower() == "hidden":
        return True
    style = el.get("style")
    return bool(style) and _HIDDEN_STYLE.search(style.lower()) is not None


def lay_out(root, end_line: int) -> Page:
    """The page's blocks in document order, each with the line its text starts on
    (`end_line`: the file's last line, where text after the last element ends)."""
    w = _Walk()
    _walk(root, w)
    w.flush()
    # Text after the last element (a tail, text left in an unclosed comment) is placed
    # back from the end of the file, where its line breaks end, not from the last
    # element's start line, which comes before it.
    w.seen(max(w.last_line, end_line))
    return w.page


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


def place_late_lines(page: Page, body: str) -> None:
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
