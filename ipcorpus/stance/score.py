"""Clause scoring: which side a sentence argues for, and why.

A sentence is looked at only if the trie scan finds a target in it; only then is
it tokenized with jieba (for negation scope). Each scored sentence records the rules
that fired, so evidence explains itself."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import NamedTuple

from ipcorpus.nlp import ensure, tokenizer
from ipcorpus.stance.lexicon import Lexicon
from ipcorpus.stance.question import MATRIX, Owners, question_side, quoted
from ipcorpus.stance.scan import ascii_upper, compact

_SIDE = {"founder": 1, "person": 1, "matrix": -1, "weak_matrix": -1}
_SIGNAL = {"positive": 1, "negative": -1, "forward": 1, "backward": -1}
_CLAUSE_SEP = re.compile(r"[，,：:；;]")
_COMPARATIVE_MORE = re.compile(r"更|还要|要更")
WINDOW = 3     # clauses a shift or comparison reaches either way
WINDOW_CHARS = 80  # ... and characters, for sentences without clause punctuation
_SEGMENT = re.compile(r"[^，,：:；;。！？!?、\s“”‘’「」（）()《》—…]+")
_PRONOUN = re.compile(r"[他她](?![们人])")
_ENUMERATION = re.compile(r"、")


@dataclass
class Hit:
    start: int
    end: int
    term: str
    cats: dict          # category -> weight

    def has(self, cat):
        return cat in self.cats


class Signal(NamedTuple):
    """An evaluation word or verb, lent to the clause of the target it speaks of."""
    value: float            # signed weight, flipped by each negation before it in its clause
    term: str
    flips: int              # how many negations flipped it
    verb: bool              # a verb that puts a side forward or back, not an evaluation word
    own: bool               # in the target's own clause (else lent by a targetless one)
    hit: Hit


class Refer(NamedTuple):
    """What 前者 (the former) and 后者 (the latter) stand for in a sentence: the side
    and weight of the first and of the last target of the sentence before
    (0 where there is none). 前者冲动、不稳定 after a sentence that set 雷军个人 against
    the brand's logic is about the founder, though it names nobody."""
    former: int
    former_weight: float
    latter: int
    latter_weight: float


ANAPHORS = ("前者", "后者")


def refer_to(text: str, lex: Lexicon) -> Refer | None:
    """The antecedents a following 前者/后者 takes from this sentence: its first target
    and its last one when that is of the other side. None when it has no target."""
    c = compact(text)
    targets = _targets(_scan(lex, c), c, lex)
    if not targets:
        return None
    first, last = targets[0][1], targets[-1][1]
    if last[0] == first[0]:
        return Refer(first[0], first[1], 0, 0.0)
    return Refer(first[0], first[1], last[0], last[1])


def _resolve(hits: list[Hit], targets: list, c: str, refer: Refer) -> list:
    """前者 and 后者 as targets of the sides they stand for, where no lexicon word
    covers them (added to `hits` too)."""
    covered = bytearray(len(c) + 1)
    for h in hits:
        covered[h.start:h.end] = b"\x01" * (h.end - h.start)
    for word, side, weight in (("前者", refer.former, refer.former_weight),
                               ("后者", refer.latter, refer.latter_weight)):
        if not side:
            continue
        table = "founder" if side > 0 else "matrix"
        at = c.find(word)
        while at != -1:
            if not covered[at]:
                h = Hit(at, at + len(word), word, {table: weight})
                hits.append(h)
                targets.append((h, (side, weight, table)))
            at = c.find(word, at + len(word))
    hits.sort(key=lambda h: h.start)
    targets.sort(key=lambda xt: xt[0].start)
    return targets


@dataclass
class UnitScore:
    founder: float = 0.0
    matrix: float = 0.0
    rules: list = field(default_factory=list)
    entities: dict = field(default_factory=dict)
    orphan: float = 0.0     # evaluation found with no target: sign and strength
    topic: int = 0          # side of the strongest target (+1 founder, -1 matrix): what a
                            # following targetless sentence is about
    question: int = 0       # question.FOUNDER | question.MATRIX: the sentence is on the question
    quoted: bool = False    # someone else's words (雷军表示，…), not the author's

    def copy(self) -> UnitScore:
        return UnitScore(self.founder, self.matrix, list(self.rules), dict(self.entities), self.orphan, self.topic,
                         self.question, self.quoted)


def _scan(lex: Lexicon, c: str) -> list[Hit]:
    cats_of = lex.cats_of
    found = lex.regex.finditer(c) if lex.regex is not None else ()
    hits = [Hit(m.start(), m.end(), m.group(), cats_of[m.group()]) for m in found]
    # Pattern targets (gapped terms) replace the trie hits they cover when longer.
    # Trie hits do not overlap, so those a span covers are found by bisection.
    starts = [h.start for h in hits]
    extra: list[Hit] = []
    dropped: set[int] = set()
    chars = None
    for (rx, side, w), need in zip(lex.compiled_patterns, lex.pattern_needs, strict=True):
        if need is not None:
            if chars is None:
                chars = set(c)
            if need.isdisjoint(chars):
                continue            # it cannot match without one of these
        for m in rx.finditer(c):
            a, b = m.span()
            i = max(0, bisect_left(starts, a) - 1)
            over = []
            while i < len(hits) and hits[i].start < b:
                if a < hits[i].end:
                    over.append(i)
                i += 1
            if all(hits[j].end - hits[j].start < b - a for j in over) and \
                    not any(x.start < b and a < x.end for x in extra[-4:]):
                dropped.update(over)
                extra.append(Hit(a, b, m.group(), {side: w}))
    hits = [h for j, h in enumerate(hits) if j not in dropped] + extra
    hits.sort(key=lambda h: h.start)
    return hits


def _target(h: Hit):
    """(side sign, weight, table) if the hit is a target, else None."""
    if "neutral" in h.cats or "not_markers" in h.cats:
        return None
    best = None
    for table, sign in _SIDE.items():
        if table in h.cats and h.cats[table] > 0 and (best is None or h.cats[table] > best[1]):
            best = (sign, h.cats[table], table)
    return best


def _negators(lex: Lexicon, c: str, hits: list[Hit], affixes: list[int] | None = None) -> list[int]:
    """Start offsets of negation words, from jieba tokens; a negation inside a
    lexicon word with its own polarity (不稳定, 不可替代) is not one. `affixes`, when
    given, receives the offsets of the one-character ones (不, 没, 未…), which negate
    the word they stand on: in a list (不理智的、不稳定的) their reach ends at the 、."""
    if lex.negation_chars is not None and not any(ch in c for ch in lex.negation_chars):
        return []
    jieba = tokenizer(user_words())
    # span[i] names the lexical word covering character i (-1: none), so "inside a
    # word" is two lookups, not a scan.
    span = [-1] * (len(c) + 1)
    for n, h in enumerate(hits):
        if any(k in h.cats for k in _LEXICAL):
            span[h.start:h.end] = [n] * (h.end - h.start)
    out = []
    # jieba cuts at punctuation anyway, so tokenizing only the stretches between
    # punctuation that hold a negation character gives the same tokens for less.
    for seg in _SEGMENT.finditer(c):
        s = seg.group()
        if lex.negation_chars is not None and not any(ch in s for ch in lex.negation_chars):
            continue
        base = seg.start()
        ensure(s)
        for word, a, b in jieba.tokenize(s, HMM=False):
            a, b = a + base, b + base
            if word in lex.negators and not (span[a] != -1 and span[a] == span[b - 1]):
                out.append(a)
                if affixes is not None and b - a == 1:
                    affixes.append(a)
    return out


_LEXICAL = ("positive", "negative", "forward", "backward", "founder", "matrix", "weak_matrix", "person")


def _count_between(sorted_positions: list[int], lo: int, hi: int) -> int:
    """How many positions p satisfy lo <= p < hi."""
    return bisect_left(sorted_positions, hi) - bisect_left(sorted_positions, lo)


_USER_WORDS: list = []


def user_words():
    return _USER_WORDS


def set_user_words(lex: Lexicon):
    if not _USER_WORDS:
        words: set[str] = set()
        for table in ("founder", "matrix", "weak_matrix", "neutral", "positive", "negative", "forward", "backward"):
            words.update(lex.terms.get(table, {}))
        words.update(lex.founders)
        words.update(a for al in lex.entities.values() for a in al)
        _USER_WORDS.extend(sorted(w for w in words if not re.search(r"[ =+]", w)))


MEMO_MAX = 50_000           # sentences remembered per lexicon and process
_MISSING = object()


def score_unit(text: str, lex: Lexicon, position: str = "body", refer: Refer | None = None) -> UnitScore | None:
    """The score of one sentence at a position of its article. A pure function of
    the two (and the lexicon), remembered per process: reposts and lightly edited
    copies of an article share most of their sentences. A copy is handed out, as
    stance_of adjusts the scores it gets. IPCORPUS_MEMO=0 turns the memory off
    (bench/run.py measures both). `refer`: what 前者 and 后者 stand for (antecedents)."""
    if not lex.memo_on:
        return _score_unit(text, lex, position, refer)
    key = (text, position, refer)
    got = lex.memo.get(key, _MISSING)
    if got is _MISSING:
        got = _score_unit(text, lex, position, refer)
        if len(lex.memo) >= MEMO_MAX:
            lex.memo.clear()
        lex.memo[key] = got
    return got.copy() if got is not None else None


def _score_unit(text: str, lex: Lexicon, position: str, refer: Refer | None = None) -> UnitScore | None:
    """One phenomenon a step: the sentence's targets, then shifts and comparisons,
    both sides at once, each clause's evaluation, and last the sentence's markers."""
    c = compact(text)
    hits = _scan(lex, c)
    targets = _targets(hits, c, lex)
    if refer is not None:
        targets = _resolve(hits, targets, c, refer)
    if not targets:
        return _orphan(hits, lex, c)
    set_user_words(lex)
    s = _Sentence(c, hits, targets, lex)
    contributions = _shifts_and_comparisons(s)
    contributions += _both_sides(s)
    contributions += _clause_polarities(s)
    if not contributions:
        return None
    res = _weigh(s, contributions, position)
    res.topic = max(targets, key=lambda xt: xt[1][1])[1][0]
    if lex.q is not None:
        res.question = question_side(c, lex.q)
        res.quoted = quoted(c, lex.q)
    return res


def _targets(hits: list[Hit], c: str, lex: Lexicon) -> list:
    """The sentence's targets as (hit, (side sign, weight, table)), in order. A target
    that speaks is the speaker; a person's IP is its owner's; 他/她 after a named
    person is that person (added to `hits` too)."""
    targets = [(h, _target(h)) for h in hits]
    # A target that speaks (创始人坦言…) is the speaker, not what the sentence is about.
    speech = {h.start for h in hits if "speech" in h.cats}
    targets = [(h, t) for h, t in targets if t and h.end not in speech and h.end + 1 not in speech]
    if not targets:
        return targets
    qw = lex.q
    if qw is not None and any(t[0] == 1 and h.term in qw.owned for h, t in targets):
        # A person's IP is its owner's: 销售打造个人IP is the matrix side.
        owners = Owners(c, qw)
        targets = [(h, (-1, t[1], "staff") if t[0] == 1 and h.term in qw.owned and
                    owners.side(h.start) == MATRIX else t) for h, t in targets]
    persons = [h for h, t in targets if t[2] == "person"]
    if persons:
        covered = bytearray(len(c) + 1)
        for h in hits:
            covered[h.start:h.end] = b"\x01" * (h.end - h.start)
        for m in _PRONOUN.finditer(c, persons[0].end):
            if not covered[m.start()]:
                ph = Hit(m.start(), m.end(), m.group(), {"person": lex.founder_weight})
                hits.append(ph)
                targets.append((ph, (1, lex.founder_weight, "person")))
        hits.sort(key=lambda h: h.start)
        targets.sort(key=lambda xt: xt[0].start)
    return targets


class _Sentence:
    """A sentence being scored, with what every step reads found once: its hits and
    targets, clause bounds, negations, where a turn or reported speech starts, and
    which targets a shift or a both-sides marker has already taken (`handled`)."""

    def __init__(self, c: str, hits: list[Hit], targets: list, lex: Lexicon):
        self.c, self.hits, self.targets, self.lex = c, hits, targets, lex
        self.f = lex.factor
        self.affixes: list[int] = []
        self.negs = _negators(lex, c, hits, self.affixes)
        self.enumerations = [m.start() for m in _ENUMERATION.finditer(c)] if self.affixes else []
        seps = [m.start() for m in _CLAUSE_SEP.finditer(c)]
        self.bounds = [0] + [s + 1 for s in seps] + [len(c) + 1]
        self.nclauses = len(self.bounds) - 1
        self.tstarts = [x.start for x, _ in targets]
        self.contrast_at = next((h.start for h in hits if "contrast" in h.cats), None)
        self.reported_at = next((h.start for h in hits if "reported" in h.cats), None)
        self.question = c.rstrip("”’」』）)\"'").endswith(("？", "?")) or "吗？" in c or "吗?" in c
        self.rhetorical = any("rhetorical" in h.cats for h in hits) and (self.question or any(
            h.term in ("何必", "谁说", "凭什么") for h in hits))
        self.handled: set[int] = set()

    def clause(self, pos: int) -> int:
        return min(bisect_right(self.bounds, pos) - 1, len(self.bounds) - 2)

    def clause_start(self, pos: int) -> int:
        return self.bounds[self.clause(pos)]

    def flips_before(self, pos: int) -> int:
        """Negations between the start of pos's clause and pos."""
        start = self.clause_start(pos)
        flips = _count_between(self.negs, start, pos)
        if self.enumerations:
            # A one-character negation before the last 、 negated an earlier item of a list.
            k = bisect_left(self.enumerations, pos)
            if k and self.enumerations[k - 1] > start:
                flips -= _count_between(self.affixes, start, self.enumerations[k - 1])
        return flips

    def free(self, targets: list) -> list:
        return [(x, t) for x, t in targets if id(x) not in self.handled]

    def evaluation_after(self) -> list[float]:
        """after[k]: the evaluation in clauses k and later (for comparisons)."""
        per_clause = [0.0] * (self.nclauses + 1)
        for h2 in self.hits:
            if not _target(h2):
                for cat, sig in _SIGNAL.items():
                    if cat in h2.cats:
                        per_clause[self.clause(h2.start)] += sig * h2.cats[cat]
        after = per_clause[:]
        for k in range(self.nclauses - 1, -1, -1):
            after[k] += after[k + 1]
        return after


def _shifts_and_comparisons(s: _Sentence) -> list:
    """Shifts (从X转向Y: X loses, Y gains) and comparisons (X替代不了Y, X远超Y), as
    contributions (side sign, weight, table, term, rules, clause)."""
    after_clause = s.evaluation_after()
    from_hits = sorted((x for x in s.hits if "shift_from" in x.cats), key=lambda x: x.end)
    from_ends = [x.end for x in from_hits]
    weak = set(s.lex.lists.get("weak_shift", []))
    contributions = []
    for h in s.hits:
        kind = ("shift" if "shift" in h.cats else
                "versus" if ("versus" in h.cats or "reverse_versus" in h.cats) else None)
        if kind is None:
            continue
        lo, before, after = _around(s, h, weak)
        if kind == "shift":
            sides = _shift_sides(s, h, lo, before, after, (from_hits, from_ends), weak)
            if sides is None:
                continue
            before, after = sides
            signs = (-1, 1)
        else:
            if not (before or after):
                continue
            d, before, after = _comparison(s, h, before, after, after_clause)
            signs = (d, -d)
        for group, sign in ((before, signs[0]), (after, signs[1])):
            for x, t in group:
                s.handled.add(id(x))
                contributions.append((t[0], sign * t[1] * s.f("shift"), t[2], x.term, [kind], s.clause(x.start)))
    return contributions


def _around(s: _Sentence, h: Hit, weak: set) -> tuple[int, list, list]:
    """The free targets before and after a shift or comparison word. It relates nearby
    phrases: three clauses either way (which also keeps a hostile run-on sentence
    linear)."""
    k0 = s.clause(h.start)
    lo = max(s.bounds[max(0, k0 - WINDOW)], h.start - WINDOW_CHARS)
    hi = min(s.bounds[min(s.nclauses, k0 + WINDOW + 1)], h.end + WINDOW_CHARS)
    near = s.targets[bisect_left(s.tstarts, lo):bisect_left(s.tstarts, hi)]
    before = [(x, t) for x, t in near if x.end <= h.start and id(x) not in s.handled]
    after = [(x, t) for x, t in near if x.start >= h.end and id(x) not in s.handled]
    if h.term in weak:
        # 与其学马斯克，不如…: a name alone is no side in a loose shift.
        before = [(x, t) for x, t in before if t[2] != "person"]
        after = [(x, t) for x, t in after if t[2] != "person"]
    return lo, before, after


def _shift_sides(s: _Sentence, h: Hit, lo: int, before: list, after: list, sources: tuple[list, list],
                 weak: set) -> tuple[list, list] | None:
    """What a shift moves from and to, or None when it relates nothing. `sources`:
    the 从 words (shift_from hits) sorted by end, and their ends."""
    from_hits, from_ends = sources
    p = bisect_right(from_ends, h.start)
    src = [from_hits[p - 1]] if p and from_hits[p - 1].start >= lo else []
    q = bisect_left(s.negs, h.start)
    if src:
        before = [(x, t) for x, t in before if x.start >= src[-1].start]
    elif h.term == "而是" and q and s.negs[q - 1] >= lo:
        # 不是X而是Y: only what the negation covers loses, not a subject
        # before it (他没有躲，而是亲自出来).
        before = [(x, t) for x, t in before if x.start >= s.negs[q - 1]]
        src = [h]
    elif h.term in weak:
        return None
    if not (before and after) and not (src and (before or after)):
        return None
    return before, after


def _comparison(s: _Sentence, h: Hit, before: list, after: list, after_clause: list[float]) -> tuple[int, list, list]:
    """The sign of a comparison for what stands before it, and the two groups."""
    flips = s.flips_before(h.start)
    if s.c[h.end:h.end + 2] in ("不了", "不得", "不到", "不过"):
        flips += 1  # 替代不了
    d = (-1) ** flips * (-1 if "reverse_versus" in h.cats else 1)
    if not after and len({t[0] for _, t in before}) > 1:
        # Y是任何X都替代不了的: the target nearest the verb is its subject,
        # the earlier ones its object.
        subject = before[-1]
        before, after = [subject], [xt for xt in before[:-1] if xt[1][0] != subject[1][0]]
    # The comparison says which side is bigger; an evaluation elsewhere in
    # the sentence says whether bigger is good (企业家IP远超产品力，容易头重脚轻).
    k0 = s.clause(h.start)
    outside = after_clause[k0 + 1] if k0 + 1 < len(after_clause) else 0.0
    if outside < 0:
        d = -d
    return d, before, after


def _both_sides(s: _Sentence) -> list:
    """Both sides at once (缺一不可, 一主多辅): each side present gains."""
    if not any("both" in h.cats for h in s.hits):
        return []
    free = s.free(s.targets)
    if {t[0] for _, t in free} != {1, -1}:
        return []
    contributions = []
    for side in (1, -1):
        x, t = max(((x, t) for x, t in free if t[0] == side), key=lambda xt: xt[1][1])
        contributions.append((side, s.f("shift"), t[2], x.term, ["both"], s.clause(x.start)))
    s.handled.update(id(x) for x, _ in s.targets)
    return contributions


def _clause_owners(s: _Sentence, tclauses: set[int]) -> dict[int, int | None]:
    """A clause without a target lends its words to the nearest one that has one, the
    preceding clause first (将命运系于一人之身，风险极高), never across a turn."""
    turn = s.clause(s.contrast_at) if s.contrast_at is not None else None

    def same_side(j, k):
        return turn is None or (j < turn) == (k < turn)

    ordered = sorted(tclauses)
    owner: dict[int, int | None] = {}
    for k in range(s.nclauses):
        p = bisect_right(ordered, k)
        prev = ordered[p - 1] if p and same_side(ordered[p - 1], k) else None
        nxt = ordered[p] if p < len(ordered) and same_side(ordered[p], k) else None
        owner[k] = prev if prev is not None else nxt
    return owner


def _signals(s: _Sentence, owner: dict[int, int | None]) -> dict[int, list[Signal]]:
    """Every evaluation word and verb, lent to the clause of the target it speaks of,
    flipped by each negation before it in its clause."""
    signals: dict[int, list[Signal]] = {}
    for h in s.hits:
        found_sig = next((sg for cat, sg in _SIGNAL.items() if cat in h.cats), None)
        if found_sig is None or _target(h):
            continue
        sig = found_sig
        own_k = s.clause(h.start)
        target_k = owner.get(own_k)
        if target_k is None:
            continue
        w = max(h.cats[cat] for cat in _SIGNAL if cat in h.cats)
        if "verb_forms" in h.cats and any(0 <= x.start - h.end <= 2 for x, _ in s.targets):
            sig, w = 1, h.cats["verb_forms"]
        flips = s.flips_before(h.start)
        verb = "forward" in h.cats or "backward" in h.cats or "verb_forms" in h.cats
        signals.setdefault(target_k, []).append(
            Signal(sig * w * (-1) ** flips, h.term, flips, verb, own_k == target_k, h))
    return signals


def _clause_polarities(s: _Sentence) -> list:
    """Clauses: a target's polarity comes from the evaluation words and verbs in its
    clause (or in the target-less clauses that follow it), each flipped by every
    negation that precedes it in its clause."""
    tclauses = {s.clause(x.start) for x, _ in s.free(s.targets)}
    signals = _signals(s, _clause_owners(s, tclauses))
    comparative: dict[int, Hit] = {}
    for h in s.hits:
        if "comparative" in h.cats:
            comparative.setdefault(s.clause(h.start), h)
    by_clause: dict[int, list] = {}
    for x, t in s.targets:
        by_clause.setdefault(s.clause(x.start), []).append((x, t))
    voice = any(v in s.c for v in s.lex.voice)
    contributions = []
    for k in sorted(tclauses):
        ts = s.free(by_clause.get(k, []))
        sigs = _chosen_signals(signals.get(k, []), ts, voice)
        polarity = _polarity(s, sigs, ts)
        if polarity is None:
            continue
        pol, rules = polarity
        comp = comparative.get(k)
        for side in (1, -1):
            st = [(x, t) for x, t in ts if t[0] == side]
            if not st:
                continue
            if all(t[2] == "person" for _, t in st) and not sigs:
                continue
            x, t = max(st, key=lambda xt: xt[1][1])
            sp = pol             # the polarity for this side
            r = list(rules)
            if comp and x.start > comp.start and _COMPARATIVE_MORE.search(s.c[comp.end:s.bounds[k + 1]]):
                sp = -sp
                r.append("comparative")
            contributions.append((side, sp * t[1], t[2], x.term, r, k))
    return contributions


def _chosen_signals(sigs: list[Signal], ts: list, voice: bool) -> list[Signal]:
    """A verb right next to a target (雷军逐渐淡出, 淡化雷军) decides it; otherwise the
    clause's own words; words lent by a targetless clause only failing those."""
    direct = [sg for sg in sigs if sg.verb and sg.own and any(
        0 <= sg.hit.start - x.end <= 4 or
        (0 <= x.start - sg.hit.end <= 4 and "intransitive" not in sg.hit.cats) for x, _ in ts)]
    own = [sg for sg in sigs if sg.own]
    if direct:
        sigs = direct + [sg for sg in own if not sg.verb]
    elif own:
        sigs = own
    if ts and all(t[2] == "person" for _, t in ts) and not voice:
        # A person is a target only as the brand's voice: praise or blame of the
        # person (真诚的雷军) is sentiment, not stance; verbs that put them
        # forward or back are.
        sigs = [sg for sg in sigs if sg.verb]
    return sigs


def _polarity(s: _Sentence, sigs: list[Signal], ts: list) -> tuple[float, list[str]] | None:
    """A clause's polarity and the rules that gave it; a bare mention of a target
    counts a little; None when the clause says nothing."""
    rules = []
    if sigs:
        pol = sum(sg.value for sg in sigs)
        pol = max(-1.5, min(1.5, pol))
        rules += [("+" if sg.value > 0 else "-") + sg.term for sg in sigs]
        if any(sg.flips for sg in sigs):
            rules.append("negation")
    else:
        if all(t[2] == "person" for _, t in ts):
            return None
        flips = s.flips_before(ts[0][0].start)
        pol = (-1) ** flips * s.f("mention")
        rules.append("mention")
        if flips:
            rules.append("negation")
    if pol == 0:
        return None
    return pol, rules


def _weigh(s: _Sentence, contributions: list, position: str) -> UnitScore:
    """The sentence's markers multiply each contribution: a turn, a concession,
    advice, a hedge, emphasis, reported speech, a question, the position."""
    res = UnitScore()
    if any("both" in h.cats for h in s.hits):
        res.rules.append("both")
    # Which clauses hold which markers, computed once (a sentence may have thousands).
    marked: dict[str, set] = {"concession": set(), "advocacy": set(), "hedges": set()}
    for h in s.hits:
        for cat in marked:
            if cat in h.cats:
                marked[cat].add(s.clause(h.start))
    emphasis = any("emphasis" in h.cats for h in s.hits)
    caishi = "才是" in s.c     # X才是…: the whole sentence argues
    for side, w, table, term, rules, k in contributions:
        mult, tags = _markers(s, k, "both" in rules, marked, emphasis, caishi)
        sign = side
        if s.rhetorical:
            sign = -sign
            tags.append("rhetorical")
        elif s.question:
            mult *= s.f("question")
            tags.append("question")
        if position != "body":
            mult *= s.f(position)
            tags.append("position:" + position)
        value = sign * w * mult
        if value > 0:
            res.founder += value
        else:
            res.matrix += -value
        res.rules.extend([f"{table}:{term}"] + rules + tags)
    res.rules = list(dict.fromkeys(res.rules))
    return res


def _markers(s: _Sentence, k: int, both: bool, marked: dict, emphasis: bool,
             caishi: bool) -> tuple[float, list[str]]:
    """The multiplier of clause k's markers and their tags."""
    f = s.f
    cstart = s.bounds[k]
    mult = 1.0
    tags = []
    if s.contrast_at is not None:
        if cstart > s.contrast_at or (cstart <= s.contrast_at < s.bounds[k + 1]):
            mult *= f("contrast_after")
            tags.append("contrast")
        else:
            mult *= f("contrast_before")
            tags.append("before-contrast")
    if k in marked["concession"] and "contrast" not in tags:
        mult *= f("concession")
        tags.append("concession")
    if not both and (k in marked["advocacy"] or caishi):
        mult *= f("advocacy")
        tags.append("advocacy")
    if not both and k in marked["hedges"]:
        mult *= f("hedge")
        tags.append("hedge")
    if emphasis:
        mult *= f("emphasis")
        tags.append("emphasis")
    if s.reported_at is not None and (s.contrast_at is None or cstart <= s.contrast_at):
        mult *= f("reported")
        tags.append("reported")
    return mult, tags


def _orphan(hits: list[Hit], lex: Lexicon, c: str) -> UnitScore | None:
    """Evaluation without a target: strong words only (反噬, 双刃剑, 风险), kept for the
    caller to attach to the topic of the sentence before."""
    carry = set(lex.lists.get("carry", []))
    sigs = [(sig, h.cats[cat], h.term) for h in hits for cat, sig in _SIGNAL.items()
            if cat in h.cats and cat in ("positive", "negative") and h.term in carry]
    if not sigs:
        return None
    negs = _negators(lex, c, hits)
    total = 0.0
    for h in hits:
        for cat, sig in _SIGNAL.items():
            if cat in h.cats and cat in ("positive", "negative") and h.term in carry:
                total += sig * h.cats[cat] * (-1) ** _count_between(negs, 0, h.start)
    if total == 0:
        return None
    res = UnitScore(orphan=max(-1.5, min(1.5, total)))
    res.rules = [("+" if s > 0 else "-") + t for s, _, t in sigs]
    return res


def entities_in(text: str, lex: Lexicon) -> dict[str, int]:
    """The entities a sentence names, and how often; remembered as score_unit is."""
    lex.entity_memo.on = lex.memo_on
    return dict(lex.entity_memo.recall(text, len(text), _entities_in, text, lex))


def _entities_in(text: str, lex: Lexicon) -> dict[str, int]:
    out: dict[str, int] = {}
    if lex.entity_regex is None:
        return out
    # Upper-cased but with its spaces: they separate Latin words (OPPO A5).
    c = ascii_upper(text)
    for m in lex.entity_regex.finditer(c):
        name = lex.entity_of.get(m.group())
        if name and _alias_stands_alone(c, m.start(), m.end(), lex):
            out[name] = out.get(name, 0) + 1
    return out


def _alias_stands_alone(c: str, start: int, end: int, lex: Lexicon) -> bool:
    """A Latin or numeric alias (360, OPPO, Tesla) is the company only as a word of
    its own: not inside a longer run of letters and digits (an id, 349-360), and a
    number not followed by a unit or measure word (360个, 360度)."""
    alias = c[start:end]
    if not alias.isascii():
        return True
    before = c[start - 1] if start else ""
    after = c[end] if end < len(c) else ""
    if (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum()):
        return False
    if alias.isdigit():
        if before in "-~～—–/.:：" and start >= 2 and c[start - 2].isdigit():
            return False
        if after and any(c.startswith(u, end) for u in lex.numeric_units):
            return False
    return True
