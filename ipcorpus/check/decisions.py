"""What the check finds in one article (a line that reads like furniture left in the
text, an article that cleaning emptied) and between articles (reposts, by the rule
`ipcorpus report` groups them by), and where in the original line it is."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ipcorpus.check.codes import Finding, Settings
from ipcorpus.commands.output import safe_path
from ipcorpus.errors import InputError
from ipcorpus.models import Analysis, ArticleStance
from ipcorpus.read.normalize import _CJK, _LOST_Q, _TONES  # the normalizer's own character classes

MIN_ARTICLE = 20          # characters of text an article keeps besides its title (E103)


@dataclass
class Doc:
    """A checked article."""
    path: str                          # as shown
    abspath: str
    hash: str
    analysis: Analysis
    stance: Callable[[], ArticleStance] | None = None  # () -> its stance, when one can be had


# -- one document -----------------------------------------------------------------
# Pinyin after a character or word, with tone marks or tone digits: 網(wǎng), 品牌(pǐn pái),
# 网(wang3). The normalizer removes one-syllable glosses; what it leaves is reported.
_SYLLABLE = rf"[bcdfghjklmnpqrstwxyz]{{0,2}}[aeiouü{_TONES}]{{1,3}}(?:ng|n|r)?[1-5]?"
# The lookahead is bounded (a gloss closes within 53 characters: six syllables of at
# most 8 and the spaces between), so each `(` costs a bounded look, not one to the end
# of the line: the same matches, in linear time.
_GLOSS = re.compile(rf"[{_CJK}][(（](?=[^)）]{{0,60}}[{_TONES}1-5])(?:{_SYLLABLE})(?: ?{_SYLLABLE}){{0,5}}[)）]")
_LOST = re.compile("\ufffd|" + _LOST_Q.pattern)      # where count_damage counts a lost character
_URL = re.compile(r"(?i)(?:https?://|www\.)[^\s<>()\[\]（）\"'“”]+")
_URL_LABEL = re.compile(r"(?i)(链接|网址|地址|原文|原文链接|来源|出处|link|url|source|via)?")
_NONWORD = re.compile(r"[\W_]+")
_DISCLAIMER = re.compile(
    r"免责声明|版权声明|特别声明|郑重声明|(如有|若有|如涉及|如果涉及)侵(权|犯)|侵权.{0,8}(删除|删)|侵删|"
    r"(版权|著作权)(归|属于?).{0,24}所有|保留(所有|一切)权利|"
    r"(本文|文章|以上|文中|该文)(观点|内容)?.{0,12}不代表.{0,16}(观点|立场)|不代表本(平台|站|网|号|刊|报)|"
    r"(观点|内容)仅代表(作者|个人)|仅代表(作者)?个人观点|(以上|本文|文章)(内容|观点)?.{0,6}仅供参考|"
    r"不构成.{0,10}(建议|要约|推荐|依据)|(禁止|严禁|谢绝|不得).{0,6}转载|转载(请|须|需)|信息存储(空间)?服务|"
    r"all rights reserved|disclaimer|for reference only|does not represent the (views|position)",
    re.I)
DISCLAIMER_MAX = 100      # longer lines are the article's own prose
DISCLAIMER_LEAD = 4       # ... and so are lines whose notice starts later than this (很多人以为版权归平台所有)
DISCLAIMER_SHORT = 30     # unless the line is this short: then it is all notice (图片来自网络，侵删)
_SPAM = re.compile(
    r"成人|无码|色情|黄色网站|博彩|娱乐城|百家乐|彩票|棋牌|赌场|赌博|网赌|澳门|真人|老虎机|六合彩|时时彩|"
    r"约炮|裸聊|一区|二区|三区|福利|快三|投注|下注|荷官|(?<![a-z])av(?![a-z])|pk10", re.I)


def _reads_like_disclaimer(plain: str) -> bool:
    """A notice is a line of its own: it opens with the notice (after a mark such as
    注：or【), or the line is short. A sentence that mentions copyright or advice in
    passing (很多人以为版权归平台所有，其实不然) is the article's prose."""
    if len(plain) > DISCLAIMER_MAX:
        return False
    m = _DISCLAIMER.search(plain)
    return m is not None and (m.start() <= DISCLAIMER_LEAD or len(plain) <= DISCLAIMER_SHORT)


def _is_url_line(plain: str) -> bool:
    if not _URL.search(plain):
        return False
    rest = _NONWORD.sub("", _URL.sub("", plain))
    return bool(_URL_LABEL.fullmatch(rest))


def _spam_words(plain: str) -> list[str]:
    words = []
    for m in _SPAM.finditer(plain):
        w = m.group().lower()
        if w not in words:
            words.append(w)
    if len(words) >= 3 and not any(c in plain for c in "。！？!?"):
        return words
    if len(words) >= 2 and plain.count("|") + plain.count("｜") >= 3:
        return words
    return []


def _short(text: str, n: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"


def _body_lines(a: Analysis) -> list[int]:
    """0-based indexes of the kept lines other than the title."""
    title = a.meta.title_line
    return [i for i in a.kept() if i + 1 != title]


def doc_findings(d: Doc, settings: Settings) -> list[Finding]:
    a = d.analysis
    out: list[Finding] = []

    def add(code, line, message, locate="", column=0):
        if settings.enabled(code):
            out.append(Finding(d.path, line, column, code, message, settings.severity(code), locate=locate))

    verdicts, plain = a.verdicts, a.plain
    body = _body_lines(a)
    if sum(len(_NONWORD.sub("", plain[i])) for i in body) < MIN_ARTICLE:
        dropped = Counter(rule for act, rule in verdicts if act == "drop")
        shown = ", ".join(f"{r} {n}" for r, n in sorted(dropped.items(), key=lambda kv: (-kv[1], kv[0]))[:4])
        lines = sum(1 for act, _ in verdicts if act != "blank")
        add("E103", 1, f"no article left after cleaning: {sum(dropped.values())} of {lines} lines dropped as "
                       f"noise" + (f" ({shown}{', …' if len(dropped) > 4 else ''})" if shown else ""), column=1)
        return out
    for i in a.kept():
        p = plain[i]
        n_line = a.line_number(i)
        if a.damage[i]:
            n = a.damage[i]
            add("W201", n_line, f"{n} character{'s' if n > 1 else ''} lost (`?` or U+FFFD where a character was)",
                "lost")
        glosses = [m.group() for m in _GLOSS.finditer(p)]
        if glosses:
            n = len(glosses)
            add("W202", n_line, f"{n} pinyin gloss{'es' if n > 1 else ''} left in the text: {', '.join(glosses[:3])}"
                f"{', …' if n > 3 else ''}", "gloss")
        if _is_url_line(p):
            add("W203", n_line, f"kept line is only a URL: {_short(p, 60)}", "url")
        if _reads_like_disclaimer(p):
            add("W204", n_line, f"kept line reads like a disclaimer: {_short(p)}", "disclaimer")
        spam = _spam_words(p)
        if spam:
            add("W205", n_line, f"kept line looks like injected keyword spam ({', '.join(spam[:4])})", "spam")
    if settings.enabled("I301") and d.stance is not None:
        st = d.stance()
        if st.label == "neutral" and not st.evidence:
            first = a.meta.title_line - 1 if a.meta.title_line else (body[0] if body else None)
            line = a.line_number(first) if first is not None else 1
            add("I301", line, "stance undetermined: no argument for founder-IP or matrix found (label neutral, "
                              "no evidence)", column=1)
    return out


_LOCATE = {"lost": _LOST, "gloss": _GLOSS, "url": _URL}


def place(findings: list[Finding]):
    """Columns and baseline keys of the line findings (column 0), from the original
    lines: a file is read again only when it has some."""
    from ipcorpus.read.source import decode, read_bytes, split_lines
    by_path: dict = {}
    for f in findings:
        if f.column == 0:
            by_path.setdefault(f.path, []).append(f)
    for path, fs in by_path.items():
        try:
            lines = split_lines(decode(read_bytes(path)).text)
        except (InputError, OSError):
            lines = []
        for f in fs:
            orig = lines[f.line - 1] if f.line <= len(lines) else ""
            rx = _LOCATE.get(f.locate)
            m = rx.search(orig) if rx else None
            if m:
                f.column = m.start() + 1 + (1 if f.locate == "gloss" else 0)
            else:
                f.column = len(orig) - len(orig.lstrip()) + 1 if orig.strip() else 1
            f.key = orig.strip()


# -- reposts ----------------------------------------------------------------------
def _grams(a: Analysis) -> frozenset:
    """The kept text's shingles, as `ipcorpus report` groups reposts by them."""
    from ipcorpus.corpus.reposts import text_shingles
    return text_shingles(a.kept_text())


def _lede(a: Analysis) -> int:
    """Line number of the first kept paragraph of prose (else of the first kept line)."""
    from ipcorpus.clean.text import is_prose
    body = _body_lines(a)
    return a.line_number(next((i for i in body if is_prose(a.plain[i])), body[0] if body else 0))


@dataclass
class Sig:
    """What repost detection keeps of an article: its MinHash sketch, and a way to get
    its analysis back for the exact comparison of a candidate pair and, when it is
    named in a finding, the line its text starts on."""
    path: str
    checked: bool
    hash: str
    sketch: tuple
    load: Callable
    lede_line: int | None = None

    @property
    def lede(self) -> int:
        if self.lede_line is None:
            self.lede_line = _lede(self.load())
        return self.lede_line


def signature(path: str, checked: bool, h: str, a: Analysis, load: Callable) -> Sig | None:
    from ipcorpus.corpus.reposts import text_sketch
    got = text_sketch(a.kept_text())
    return Sig(path, checked, h, got, load, _lede(a)) if got is not None else None


def stored_signature(path: str, h: str, sketch: list[int] | None, load: Callable) -> Sig | None:
    """An indexed article's signature from the sketch its digest keeps (corpus/digest.py):
    its analysis is loaded only if a checked article turns out to be its candidate."""
    return Sig(path, False, h, tuple(sketch), load) if sketch is not None else None


def reposts(sigs: list[Sig], settings: Settings) -> list[Finding]:
    """W206 on each checked article that is a near-duplicate of another by the rule
    `ipcorpus report` groups reposts by (reposts.py: Jaccard of the kept text's
    character 5-grams at least 0.8, candidates from LSH bands of a MinHash sketch,
    then compared exactly). Between two checked files it goes on the later path in
    sorted order; against an indexed one, on the checked file. Only the checked
    files' candidates are compared, so one new file costs one query, not all pairs."""
    from ipcorpus.corpus.reposts import BANDS, ROWS, THRESHOLD, jaccard
    buckets: dict = {}
    by_hash: dict = {}
    for k, sg in enumerate(sigs):
        by_hash.setdefault(sg.hash, []).append(k)
        for b in range(BANDS):
            buckets.setdefault((b, sg.sketch[b * ROWS:(b + 1) * ROWS]), []).append(k)
    out = []
    for k, d in enumerate(sigs):
        if not d.checked:
            continue
        cands = set(by_hash[d.hash])
        for b in range(BANDS):
            cands.update(buckets[(b, d.sketch[b * ROWS:(b + 1) * ROWS])])
        mine = None
        best = None
        for o in sorted(cands):
            other = sigs[o]
            if o == k or (other.checked and other.path >= d.path):
                continue
            if other.hash == d.hash:
                sim = 1.0
            else:
                mine = mine if mine is not None else _grams(d.load())
                sim = jaccard(mine, _grams(other.load()))
            if sim >= THRESHOLD and (best is None or (-sim, other.path) < (-best[0], best[1].path)):
                best = (sim, other)
        if best is None:
            continue
        sim, other = best
        where = f"{safe_path(other.path)}:{other.lede}"
        msg = (f"duplicate of {where} (the same file)" if other.hash == d.hash else
               f"repost of {where} ({int(sim * 100)}% of the kept text is the same)")
        out.append(Finding(d.path, d.lede, 0, "W206", msg, settings.severity("W206"), (other.path, other.lede)))
    return out
