"""Verdicts a line gets from where it stands, once the line rules have run: the
article's core (first to last kept prose); after an end marker, the tail; a run of
calls to action at the end; a short label under an image; copies of the title, the
lede or a block printed twice; a short uncertain line between dropped ones. Each
marks `rule[i]` (None: kept so far) for clean() in lines.py."""
from __future__ import annotations

from ipcorpus.clean.rules import RuleSet
from ipcorpus.clean.text import SENT_PUNCT, is_prose

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
_CAPTION_MARKS = ("▲", "△", "↑", "👆", "☝", "⬆")
_IMAGE_AGENCIES = ("视觉中国", "东方IC", "图虫", "IC photo", "Getty", "Unsplash", "unsplash", "Pexels", "pexels",
                   "新华社发")


def core(plain, rule, blank):
    """First and last index of prose that survived the rules: the article core."""
    prose = [i for i in range(len(plain)) if not blank[i] and rule[i] is None and is_prose(plain[i])]
    if not prose:
        return len(plain), -1
    return prose[0], prose[-1]


def tail(plain, rule, blank):
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


def cta_block(plain, rule, blank, rules: RuleSet):
    """A run of lines at the end of the article dense in calls to action (write in,
    we are hiring, a course, add my WeChat, like/在看/share, scan this code): the
    lines of the run the line rules left are dropped as `cta-block`. The run is read
    from the end up; it stops at a line of the article (prose without a contact sign
    and another, or a line without any sign that is not a short label)."""
    through = {r.name for r in rules.active() if r.cta}     # the rules whose lines the run reads through
    idx = [i for i in range(len(plain)) if not blank[i]]
    run, signed = [], 0
    for i in reversed(idx):
        s = plain[i]
        if rule[i] is not None:
            if rule[i] in through or rule[i] in ("smooth", "tail", "ad-card"):
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


def caption_labels(plain, texts, rule, blank):
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


def repeats(plain, rule, blank, title_i):
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


def smooth(plain, texts, rule, blank, title_i):
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
