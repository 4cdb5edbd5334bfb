"""Cleaning: a verdict for every original line (keep, or drop with a rule), and the
metadata found on the way. Nothing is edited; precision comes first: a line is
kept unless a named rule or detector says it is furniture."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ipcorpus.clean import meta as meta_mod
from ipcorpus.clean.rules import RuleSet, default_ruleset, value_of
from ipcorpus.clean.text import SENT_PUNCT, bare, is_prose, is_sentence
from ipcorpus.models import Document, Meta, Verdict

_TIMESTAMP = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(\s+\d{1,2}:\d{2}(:\d{2})?)?$|^\d+\s*(分钟|小时|天)前$")
_END_MARKERS = {"platform-disclaimer", "disclaimer-en", "original-publish", "repost-notice",
                "related-header", "related-list", "sohu-statement", "wechat-end-mark", "end-mark"}
# Calls to action at the end of an article (cta-block): signs that a line asks the
# reader to do something (write in, sign up, add an account, scan), and the weaker
# signs of like/share prompts. A line of the article's own argument that mentions
# such a thing holds one sign, rarely a contact sign and another.
_CTA_CONTACT = ("@", "邮箱", "微信号", "二维码", "扫码", "扫描", "长按", "报名", "添加", "加我", "后台回复", "简历",
                "投稿", "招聘", "进群", "入群", "加入我们", "VX", "vx", "+V", "加V", "私信我", "联系我们", "咨询电话")
_CTA_SIGNS = _CTA_CONTACT + ("读者群", "社群", "训练营", "优惠", "领取", "联系", "咨询", "课程", "直播间", "点击", "戳",
                             "星球", "付费", "限时", "名额", "欢迎")
_CTA_WEAK = ("关注", "点赞", "在看", "转发", "分享", "收藏", "三连", "支持", "星标", "留言")
_CTA_FAMILIES = ("promotion", "widgets", "media", "statements", "lists", "credits")
_CAPTION_MARKS = ("▲", "△", "↑", "👆", "☝", "⬆")
_IMAGE_AGENCIES = ("视觉中国", "东方IC", "图虫", "IC photo", "Getty", "Unsplash", "unsplash", "Pexels", "pexels",
                   "新华社发")


@dataclass
class Cleaned:
    doc: Document
    verdicts: list[Verdict]
    plain: list[str]                 # bare text of every line (empty for blank lines)
    meta: Meta = field(default_factory=Meta)
    outlet: str | None = None

    @property
    def counts(self) -> dict:
        c = {"keep": 0, "drop": 0, "blank": 0}
        for v in self.verdicts:
            c[v.action] += 1
        return c


def clean(doc: Document, rules: RuleSet | None = None) -> Cleaned:
    rules = rules or default_ruleset()
    texts = [ln.text for ln in doc.lines]
    plain = [bare(t) for t in texts]
    n = len(texts)
    rule: list[str | None] = [None] * n          # None = keep (so far)
    values: dict[int, str] = {}                      # meta values by index
    blank = [not t.strip() for t in texts]

    _structure(doc, texts, plain, rule, blank, rules, values)
    _related_list(plain, rule, blank, rules)
    for i in range(n):
        if blank[i] or rule[i]:
            continue
        r, m = rules.first_match(plain[i], texts[i])
        if r is not None and r.on == "text" and r.family == "markup" and is_sentence(plain[i]):
            # A sentence glued to an image or a URL: the markup is dropped from the
            # line's text (bare), the sentence kept.
            r = None
        if r is not None:
            rule[i] = r.name
            if r.name.startswith("meta:") and (v := value_of(m, plain[i], texts[i], r.on)):
                values[i] = v.strip()
    first, last = _core(plain, rule, blank)
    for i in range(n):
        if blank[i] or rule[i] or first <= i <= last:
            continue
        edge = rules.first_edge(plain[i], texts[i])
        if edge is not None:
            rule[i] = edge.name
    if rules.on("tail"):
        _tail(plain, rule, blank)
    if rules.on("cta-block"):
        _cta_block(plain, rule, blank, rules)
    if rules.on("caption-label"):
        _caption_labels(plain, texts, rule, blank)
    title_i = _title(doc, plain, texts, rule, blank, values)
    if rules.on("repeat"):
        _repeats(plain, rule, blank, title_i)
    if rules.on("smooth"):
        _smooth(plain, texts, rule, blank, title_i)
    verdicts = [Verdict(i + 1, "blank") if blank[i] else
                Verdict(i + 1, "drop", r) if r else Verdict(i + 1, "keep")
                for i, r in enumerate(rule)]
    outlet = _outlet(texts, rules)
    meta = meta_mod.extract(plain, rule, values, title_i, outlet)
    return Cleaned(doc, verdicts, plain, meta_mod.with_markup(meta, doc.markup, title_i is not None), outlet)


def _structure(doc: Document, texts, plain, rule, blank, rules: RuleSet, values) -> None:
    """Structural blocks no single-line rule sees: a web page's from its markup (its
    parser read the markup, so the detectors of markup left in text, style and
    comment blocks, front matter, templates, have nothing to find), a text file's
    from its lines."""
    if doc.markup is not None:
        _markup(doc, plain, rule, blank, rules)
    else:
        _blocks(texts, rule, blank, rules, values)


def _title(doc: Document, plain, texts, rule, blank, values) -> int | None:
    """Index of the title line: the block a web page's markup names, else found in the text."""
    if doc.markup is not None and doc.markup.title:
        return meta_mod.markup_title(plain, rule, blank, doc.markup.title)
    return meta_mod.find_title(plain, texts, rule, blank, values)


# A block of a web page counts as a list of links, or as navigation, when at least
# this share of its text is inside links (models.Block.link_share).
LINK_SHARE = 0.5


def _markup(doc: Document, plain, rule, blank, rules: RuleSet):
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


def _outlet(texts, rules: RuleSet):
    """The portal whose signs appear most often at the page's edges."""
    edges = "\n".join(texts[:40] + texts[-80:])
    best, hits = None, 0
    for p in rules.packs:
        if p.detect and p.outlet:
            h = sum(len(rx.findall(edges)) for rx in p.detect)
            if h > hits:
                best, hits = p.outlet, h
    return best


# _blocks' line tests, compiled once (re's own cache costs a lookup a call).
_FM_LINE = re.compile(r"^([\w-]+\s*:|-\s|\s)")
_FM_FIELD = re.compile(r"^(title|author|date|published|source)\s*:\s*(.*)$", re.I)
_TEMPLATE_END = re.compile(r"^\{%\s*end")
_TEMPLATE_TAG = re.compile(r"^\{%\s*(\w+)")
_BLOCK_TAG = re.compile(r"^\s*<(style|script|svg)\b")
_CARD_LINK = re.compile(r"\]\([^)]{0,2000}\)\]\(")
_TEMPLATE_META = re.compile(r"^\**(Author|Published|Original|Date)\**\s*:")


def _mark(rule, i, name):
    if rule[i] is None:
        rule[i] = name


# Complexity 21 (limit 15): debt that issue 15 step 3 splits.
def _blocks(texts, rule, blank, rules: RuleSet, values):  # noqa: C901
    """Structural blocks no single-line rule sees."""
    n = len(texts)
    # Front matter: `---` on the first line, key: value lines, `---`.
    first = next((i for i in range(n) if not blank[i]), None)
    if first is not None and texts[first] == "---" and rules.on("front-matter"):
        end = next((j for j in range(first + 1, min(n, first + 80)) if texts[j] == "---"), None)
        if end is not None:
            body = [texts[j] for j in range(first + 1, end) if not blank[j]]
            if body and all(_FM_LINE.match(t) for t in body):
                for j in range(first, end + 1):
                    if blank[j]:
                        continue
                    m = _FM_FIELD.match(texts[j])
                    if m and m.group(2).strip():
                        rule[j] = "meta:" + {"published": "date"}.get(m.group(1).lower(), m.group(1).lower())
                        values[j] = m.group(2).strip().strip("'\"")
                    else:
                        rule[j] = "front-matter"
    i = 0
    while i < n:
        t = texts[i]
        end = None
        name = None
        if t.startswith("{%") and not _TEMPLATE_END.match(t) and rules.on("template-block"):
            m = _TEMPLATE_TAG.match(t)
            if m:
                tag = m.group(1)
                end = next((j for j in range(i + 1, min(n, i + 60)) if re.match(r"^\{%\s*end" + tag, texts[j])), None)
                name = "template-block"
        elif "<" in t and (block := _BLOCK_TAG.match(low := t.lower())) and rules.on("style-block"):
            tag = block.group(1)
            if f"</{tag}>" not in low:
                end = next((j for j in range(i + 1, min(n, i + 400)) if f"</{tag}>" in texts[j].lower()), None)
                name = "style-block"
        elif t.lstrip().startswith("<!--") and "-->" not in t and rules.on("comment-block"):
            end = next((j for j in range(i + 1, min(n, i + 200)) if "-->" in texts[j]), None)
            name = "comment-block"
        elif t.startswith("[![") and not _CARD_LINK.search(t) and rules.on("ad-card"):
            # An image link whose closing `](url)` comes a few lines later: a card.
            end = next((j for j in range(i + 1, min(n, i + 16)) if texts[j].startswith("](")), None)
            name = "ad-card"
        if end is not None:
            for j in range(i, end + 1):
                if not blank[j]:
                    if name == "template-block" and j not in (i, end):
                        # Metadata fields inside the block keep their meta verdict.
                        continue
                    _mark(rule, j, name)
            if name == "template-block":
                # Lines inside that no meta rule claims are dropped after line rules run.
                for j in range(i + 1, end):
                    if not blank[j] and not _TEMPLATE_META.match(texts[j].replace("**", "")):
                        _mark(rule, j, name)
            i = end + 1
        else:
            i += 1


def _related_list(plain, rule, blank, rules: RuleSet):
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
                    _mark(rule, idx[q], "related-list")
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


def _core(plain, rule, blank):
    """First and last index of prose that survived the rules: the article core."""
    prose = [i for i in range(len(plain)) if not blank[i] and rule[i] is None and is_prose(plain[i])]
    if not prose:
        return len(plain), -1
    return prose[0], prose[-1]


def _tail(plain, rule, blank):
    """After the article's end marker, what remains is furniture unless prose follows."""
    n = len(plain)
    marker = None
    for i in range(n):
        if rule[i] in _END_MARKERS:
            if not any(rule[j] is None and not blank[j] and is_prose(plain[j], 40) for j in range(i + 1, n)):
                marker = i
                break
    if marker is None:
        return
    for j in range(marker + 1, n):
        if not blank[j] and rule[j] is None:
            rule[j] = "tail"


def _cta_signs(s: str) -> list[int]:
    """(contact signs, all call-to-action signs, like/share signs) in a line."""
    return [sum(w in s for w in _CTA_CONTACT), sum(w in s for w in _CTA_SIGNS), sum(w in s for w in _CTA_WEAK)]


def _cta_block(plain, rule, blank, rules: RuleSet):
    """A run of lines at the end of the article dense in calls to action (write in,
    we are hiring, a course, add my WeChat, like/在看/share, scan this code): the
    lines of the run the line rules left are dropped as `cta-block`. The run is read
    from the end up; it stops at a line of the article (prose without a contact sign
    and another, or a line without any sign that is not a short label)."""
    families = {r.name: r.family for r in rules.active()}
    idx = [i for i in range(len(plain)) if not blank[i]]
    run, signed = [], 0
    for i in reversed(idx):
        s = plain[i]
        if rule[i] is not None:
            if families.get(rule[i], "") in _CTA_FAMILIES or rule[i] in ("smooth", "tail", "ad-card"):
                signed += rule[i] not in ("image", "smooth")
                run.append(i)
                continue
            break
        contact, signs, weak = _cta_signs(s)
        if is_prose(s):
            cta = contact >= 1 and signs >= 2
        else:
            cta = signs >= 1 or weak >= 2 or (weak >= 1 and len(s) <= 20)
        if cta:
            signed += 1
            run.append(i)
        elif len(s) <= 12 and not any(c in s for c in SENT_PUNCT + "，,"):
            run.append(i)           # a name or a label inside the block
        else:
            break
    kept = [i for i in run if rule[i] is None]
    if signed < 2 or not any(rule[i] is None and any(_cta_signs(plain[i])) for i in kept):
        return
    # Labels at the top of the run with nothing called for above them stay.
    first_signed = min((i for i in run if rule[i] is not None or any(_cta_signs(plain[i]))), default=None)
    for i in kept:
        if first_signed is not None and i >= first_signed:
            rule[i] = "cta-block"


def _caption_labels(plain, texts, rule, blank):
    """A short label under an image (▲雷军, （图源：网络）, an agency's name, a name
    between two images) is a caption; a caption that is a sentence is article text,
    and so is the text of a <figcaption>."""
    idx = [i for i in range(len(plain)) if not blank[i]]
    for k in range(1, len(idx)):
        i = idx[k]
        s = plain[i]
        if rule[i] is not None or rule[idx[k - 1]] != "image" or not s or len(s) > 24 \
                or any(c in s for c in SENT_PUNCT) or is_prose(s, 12):
            continue
        t = texts[i].strip()
        if t.lower().startswith("<figcaption"):
            continue
        nxt = rule[idx[k + 1]] if k + 1 < len(idx) else None
        if s.startswith(_CAPTION_MARKS) or (s[0] in "（(【[" and s[-1] in "）)】]") or nxt == "image" \
                or any(a in s for a in _IMAGE_AGENCIES):
            rule[i] = "caption-label"


def _repeats(plain, rule, blank, title_i):
    """Copies of the title, of the lede, or of lines that scraping printed twice (a
    line right after itself, or a block of lines repeated in order) are furniture;
    a line the author repeats on purpose (a refrain in the conclusion) is not."""
    idx = [i for i in range(len(plain)) if not blank[i]]
    pos = {i: k for k, i in enumerate(idx)}
    lede = next((i for i in idx if rule[i] is None and i != title_i and is_prose(plain[i])), None)
    seen: dict = {}
    copies: dict = {}
    for i in idx:
        s = plain[i]
        if len(s) < 8:
            continue
        if title_i is not None and i != title_i and s == plain[title_i] and rule[i] in (None, "repeat"):
            rule[i] = "meta:title-repeat"
            continue
        if rule[i] is not None:
            continue
        if s in seen:
            copies[i] = seen[s]
        else:
            seen[s] = i

    def same(k_i, k_j):
        return 0 <= k_i < len(idx) and 0 <= k_j < len(idx) and plain[idx[k_i]] == plain[idx[k_j]]

    for i, j in copies.items():
        ki, kj = pos[i], pos[j]
        if j == lede or ki == kj + 1 or same(ki + 1, kj + 1) or same(ki - 1, kj - 1):
            rule[i] = "repeat"


_LINKY = {"link-only", "bare-url", "link-list-item", "ad-card"}


_INTRO_FURNITURE = ("阅读", "推荐", "往期", "精彩", "相关", "更多", "链接", "传送门", "点击", "合集", "回顾",
                    "文章", "小号", "写过", "写在", "之前")


def _smooth(plain, texts, rule, blank, title_i):
    """A short uncertain line between two dropped lines is dropped too, unless it heads
    a section that is kept; so is a short lead-in ending in a colon whose only content
    is the link list after it."""
    idx = [i for i in range(len(plain)) if not blank[i]]
    for k in range(0, len(idx) - 1):
        i = idx[k]
        if rule[i] is None and i != title_i and len(plain[i]) <= 20 and plain[i].endswith(("：", ":")) \
                and rule[idx[k + 1]] in _LINKY and _intro_of_links(plain, rule, idx, k):
            rule[i] = "link-intro"
    for k in range(1, len(idx) - 1):
        i = idx[k]
        if rule[i] is not None or i == title_i:
            continue
        s = plain[i]
        if len(s) > 10 or any(c in s for c in SENT_PUNCT + "，,：:") or texts[i].startswith("#"):
            continue
        a, b = rule[idx[k - 1]], rule[idx[k + 1]]
        if a and b and a not in ("image", "smooth") and b not in ("image",) and not a.startswith("meta:") \
                and not _heads_kept_section(plain, rule, idx, k):
            rule[i] = "smooth"


def _intro_of_links(plain, rule, idx, k):
    """Is the colon line at idx[k] the lead-in of a link list (furniture), not of the
    article's own content (a letter, a transcript, a quoted passage that follows)?
    Furniture says so (推荐阅读, 往期, 链接…), or nothing of the article follows the links."""
    if any(w in plain[idx[k]] for w in _INTRO_FURNITURE):
        return True
    q = k + 1
    while q < len(idx) and rule[idx[q]] in _LINKY:
        q += 1
    return not any(rule[idx[p]] is None and is_prose(plain[idx[p]]) for p in range(q, min(len(idx), q + 3)))


def _heads_kept_section(plain, rule, idx, k):
    """A heading whose section is kept: the first kept line after it, within a few
    lines, is a paragraph of the article."""
    for p in range(k + 1, min(len(idx), k + 5)):
        if rule[idx[p]] is None:
            return is_prose(plain[idx[p]])
    return False
