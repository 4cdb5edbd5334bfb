"""Is a sentence on THE question, and is it the author speaking?

The question is whether a company speaks through its founder or through many
voices. A person's IP is on it only when the person leads a company (创始人IP,
老板亲自直播, CEO站台); a matrix only when it is many people of one organisation
(高管账号, 员工IP, 销售的个人IP, 组织化发声, 去雷军化). A creator's own IP, a
side-hustler's 人设 and a matrix of accounts for traffic are off the question.
The words are data (lexicons/question.toml); every scan here is a trie expression
or a fixed-width pattern, linear in the sentence."""
from __future__ import annotations

import re
from bisect import bisect_left

from ipcorpus.stance.lexicon import QuestionWords

FOUNDER, MATRIX = 1, 2
_DE_X = re.compile(r"去([\u4e00-\u9fff]{1,4}?)化")
_SPEECH_NEEDS_MARK = frozenset({"称", "说"})     # one-character verbs: only before ，：“ (雷军说：…)
_MARKS = "，,：:“\""
_CLAUSE_START = re.compile(r"[，,：:；;。！？!?]")


def _spans(rx: re.Pattern | None, c: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(c)] if rx is not None else []


def _near(a: list[tuple[int, int]], b: list[tuple[int, int]], window: int) -> bool:
    """Does a span of `a` stand within `window` characters of a span of `b`? Both
    lists are sorted and non-overlapping (trie matches), so only the two spans of `b`
    around each span of `a` need a look."""
    if not a or not b:
        return False
    starts = [s for s, _ in b]
    for s, e in a:
        k = bisect_left(starts, s)
        for j in (k - 1, k):
            if 0 <= j < len(b):
                bs, be = b[j]
                if max(bs - e, s - be, 0) <= window:
                    return True
    return False


def question_side(c: str, q: QuestionWords, title: str = "") -> int:
    """FOUNDER, MATRIX, both (3) or 0 for a compact sentence (scan.compact); `title`
    is the article's compact title, for 去X化 naming the person the article is about."""
    side = 0
    if q.terms is not None:
        for m in q.terms.finditer(c):
            side |= q.term_side[m.group()]
    if not side & FOUNDER and (_near(_spans(q.leaders, c), _spans(q.persona, c), q.window) or
                               _near(_spans(q.companies, c), _spans(q.person_ip, c), q.window)):
        side |= FOUNDER
    if not side & MATRIX:
        staff = _spans(q.staff, c)
        if staff and _near(staff, _spans(q.staff_voice, c), q.window):
            side |= MATRIX
    if not side & MATRIX and "去" in c:
        for m in _DE_X.finditer(c):
            x = m.group(1)
            if x in q.persons or (len(x) >= 2 and x in title):
                side |= MATRIX
                break
    return side


class Owners:
    """Where the owner words of a sentence stand, found once per sentence. A person-IP
    term takes the side of the owner word just before it (销售打造个人IP, 员工的人设:
    the matrix side); a word after it is no owner (从个人IP转向工程师矩阵)."""

    def __init__(self, c: str, q: QuestionWords):
        self.staff = _spans(q.staff, c)
        self.leaders = _spans(q.leaders, c) if self.staff else []
        self.window = q.window

    def side(self, start: int) -> int:
        """MATRIX when the nearest owner word ending before `start` (within the window)
        is staff, else FOUNDER."""
        staff = _before(self.staff, start)
        if staff is None or start - staff > self.window:
            return FOUNDER
        leader = _before(self.leaders, start)
        return MATRIX if leader is None or leader < staff else FOUNDER


def _before(spans: list[tuple[int, int]], start: int) -> int | None:
    """The end of the last span (sorted, not overlapping) that ends by `start`."""
    k = bisect_left(spans, (start, -1))
    while k > 0 and spans[k - 1][1] > start:
        k -= 1
    return spans[k - 1][1] if k else None


def quoted(c: str, q: QuestionWords) -> bool:
    """Is the sentence someone else's words: an attribution line (——某某), a whole
    quotation, or a third party's speech verb (雷军表示，…; 业内人士认为…)?"""
    if c.startswith(("——", "--", "—")):
        return True
    body = c.rstrip("。！？!?…")
    if body.startswith(("“", "「")) and body.endswith(("”", "」")) and body.count("“") <= 1:
        return True
    if q.quote_verbs is None:
        return False
    bounds = [m.end() for m in _CLAUSE_START.finditer(c)]
    masked = bytearray(len(c) + 1)
    for s, e in _spans(q.not_quotes, c):
        masked[s:e] = b"\x01" * (e - s)
    for m in q.quote_verbs.finditer(c):
        s, e = m.span()
        if masked[s]:
            continue
        if m.group() in _SPEECH_NEEDS_MARK and e < len(c) and c[e] not in _MARKS:
            continue
        k = bisect_left(bounds, s + 1)
        speaker = c[bounds[k - 1] if k else 0:s]
        if not speaker or speaker.endswith("的") or any(r in speaker for r in q.self_refs):
            continue
        return True
    return False
