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


def _negators(lex: Lexicon, c: str, hits: list[Hit]) -> list[int]:
    """Start offsets of negation words, from jieba tokens; a negation inside a
    lexicon word with its own polarity (不稳定, 不可替代) is not one."""
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


def score_unit(text: str, lex: Lexicon, position: str = "body") -> UnitScore | None:
    """The score of one sentence at a position of its article. A pure function of
    the two (and the lexicon), remembered per process: reposts and lightly edited
    copies of an article share most of their sentences. A copy is handed out, as
    stance_of adjusts the scores it gets. IPCORPUS_MEMO=0 turns the memory off
    (bench/run.py measures both)."""
    if not lex.memo_on:
        return _score_unit(text, lex, position)
    key = (text, position)
    got = lex.memo.get(key, _MISSING)
    if got is _MISSING:
        got = _score_unit(text, lex, position)
        if len(lex.memo) >= MEMO_MAX:
            lex.memo.clear()
        lex.memo[key] = got
    return got.copy() if got is not None else None


def _score_unit(text: str, lex: Lexicon, position: str) -> UnitScore | None:
    c = compact(text)
    hits = _scan(lex, c)
    targets = [(h, _target(h)) for h in hits]
    # A target that speaks (创始人坦言…) is the speaker, not what the sentence is about.
    speech = {h.start for h in hits if "speech" in h.cats}
    targets = [(h, t) for h, t in targets if t and h.end not in speech and h.end + 1 not in speech]
    if not targets:
        return _orphan(hits, lex, c)
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
    set_user_words(lex)
    f = lex.factor
    res = UnitScore()
    negs = _negators(lex, c, hits)
    voice = any(v in c for v in lex.voice)

    seps = [m.start() for m in _CLAUSE_SEP.finditer(c)]
    bounds = [0] + [s + 1 for s in seps] + [len(c) + 1]

    def clause(pos):
        return min(bisect_right(bounds, pos) - 1, len(bounds) - 2)

    def clause_start(pos):
        return bounds[clause(pos)]

    question = c.rstrip("”’」』）)\"'").endswith(("？", "?")) or "吗？" in c or "吗?" in c
    rhetorical = any("rhetorical" in h.cats for h in hits) and (question or any(
        h.term in ("何必", "谁说", "凭什么") for h in hits))
    contrast_at = next((h.start for h in hits if "contrast" in h.cats), None)
    reported_at = next((h.start for h in hits if "reported" in h.cats), None)

    nclauses = len(bounds) - 1
    tstarts = [x.start for x, _ in targets]
    # after_clause[k]: the evaluation in clauses k and later (for comparisons).
    per_clause = [0.0] * (nclauses + 1)
    for h2 in hits:
        if not _target(h2):
            for cat, sig in _SIGNAL.items():
                if cat in h2.cats:
                    per_clause[clause(h2.start)] += sig * h2.cats[cat]
    after_clause = per_clause[:]
    for k in range(nclauses - 1, -1, -1):
        after_clause[k] += after_clause[k + 1]
    from_hits = sorted((x for x in hits if "shift_from" in x.cats), key=lambda x: x.end)
    from_ends = [x.end for x in from_hits]
    # Shifts (从X转向Y: X loses, Y gains) and comparisons (X替代不了Y, X远超Y).
    handled = set()
    contributions = []   # (side sign, weight, table, term, rules, clause)
    weak = set(lex.lists.get("weak_shift", []))
    for h in hits:
        kind = ("shift" if "shift" in h.cats else
                "versus" if ("versus" in h.cats or "reverse_versus" in h.cats) else None)
        if kind is None:
            continue
        # A shift or comparison relates nearby phrases: look three clauses either way
        # (which also keeps a hostile run-on sentence linear).
        k0 = clause(h.start)
        lo = max(bounds[max(0, k0 - WINDOW)], h.start - WINDOW_CHARS)
        hi = min(bounds[min(nclauses, k0 + WINDOW + 1)], h.end + WINDOW_CHARS)
        near = targets[bisect_left(tstarts, lo):bisect_left(tstarts, hi)]
        before = [(x, t) for x, t in near if x.end <= h.start and id(x) not in handled]
        after = [(x, t) for x, t in near if x.start >= h.end and id(x) not in handled]
        if h.term in weak:
            # 与其学马斯克，不如…: a name alone is no side in a loose shift.
            before = [(x, t) for x, t in before if t[2] != "person"]
            after = [(x, t) for x, t in after if t[2] != "person"]
        if kind == "shift":
            p = bisect_right(from_ends, h.start)
            src = [from_hits[p - 1]] if p and from_hits[p - 1].start >= lo else []
            q = bisect_left(negs, h.start)
            if src:
                before = [(x, t) for x, t in before if x.start >= src[-1].start]
            elif h.term == "而是" and q and negs[q - 1] >= lo:
                # 不是X而是Y: only what the negation covers loses, not a subject
                # before it (他没有躲，而是亲自出来).
                before = [(x, t) for x, t in before if x.start >= negs[q - 1]]
                src = [h]
            elif h.term in weak:
                continue
            if not (before and after) and not (src and (before or after)):
                continue
            signs = (-1, 1)
        else:
            if not (before or after):
                continue
            flips = _count_between(negs, clause_start(h.start), h.start)
            if c[h.end:h.end + 2] in ("不了", "不得", "不到", "不过"):
                flips += 1  # 替代不了
            d = (-1) ** flips * (-1 if "reverse_versus" in h.cats else 1)
            if not after and len({t[0] for _, t in before}) > 1:
                # Y是任何X都替代不了的: the target nearest the verb is its subject,
                # the earlier ones its object.
                subject = before[-1]
                before, after = [subject], [xt for xt in before[:-1] if xt[1][0] != subject[1][0]]
            # The comparison says which side is bigger; an evaluation elsewhere in
            # the sentence says whether bigger is good (企业家IP远超产品力，容易头重脚轻).
            k0 = clause(h.start)
            outside = after_clause[k0 + 1] if k0 + 1 < len(after_clause) else 0.0
            if outside < 0:
                d = -d
            signs = (d, -d)
        for group, sign in ((before, signs[0]), (after, signs[1])):
            for x, t in group:
                handled.add(id(x))
                contributions.append((t[0], sign * t[1] * f("shift"), t[2], x.term, [kind], clause(x.start)))

    # Both sides at once (缺一不可, 一主多辅): each side present gains.
    if any("both" in h.cats for h in hits):
        sides = {t[0] for x, t in targets if id(x) not in handled}
        if sides == {1, -1}:
            for side in (1, -1):
                x, t = max(((x, t) for x, t in targets if t[0] == side and id(x) not in handled),
                           key=lambda xt: xt[1][1])
                contributions.append((side, f("shift"), t[2], x.term, ["both"], clause(x.start)))
            handled.update(id(x) for x, _ in targets)

    # Clauses: a target's polarity comes from the evaluation words and verbs in its
    # clause (or in the target-less clauses that follow it), each flipped by every
    # negation that precedes it in its clause.
    owner: dict[int, int | None] = {}
    tclauses = {clause(x.start) for x, _ in targets if id(x) not in handled}
    turn = clause(contrast_at) if contrast_at is not None else None

    def same_side(j, k):
        return turn is None or (j < turn) == (k < turn)

    comparative: dict[int, Hit] = {}
    for h in hits:
        if "comparative" in h.cats:
            comparative.setdefault(clause(h.start), h)
    ordered = sorted(tclauses)
    by_clause: dict[int, list] = {}
    for x, t in targets:
        by_clause.setdefault(clause(x.start), []).append((x, t))
    for k in range(nclauses):
        # A clause without a target lends its words to the nearest one that has one,
        # the preceding clause first (将命运系于一人之身，风险极高), never across a turn.
        p = bisect_right(ordered, k)
        prev = ordered[p - 1] if p and same_side(ordered[p - 1], k) else None
        nxt = ordered[p] if p < len(ordered) and same_side(ordered[p], k) else None
        owner[k] = prev if prev is not None else nxt
    signals: dict[int, list[Signal]] = {}
    for h in hits:
        found_sig = next((s for cat, s in _SIGNAL.items() if cat in h.cats), None)
        if found_sig is None or _target(h):
            continue
        sig = found_sig
        own_k = clause(h.start)
        target_k = owner.get(own_k)
        if target_k is None:
            continue
        w = max(h.cats[cat] for cat in _SIGNAL if cat in h.cats)
        if "verb_forms" in h.cats and any(0 <= x.start - h.end <= 2 for x, _ in targets):
            sig, w = 1, h.cats["verb_forms"]
        cs = clause_start(h.start)
        flips = _count_between(negs, cs, h.start)
        verb = "forward" in h.cats or "backward" in h.cats or "verb_forms" in h.cats
        signals.setdefault(target_k, []).append(
            Signal(sig * w * (-1) ** flips, h.term, flips, verb, own_k == target_k, h))

    for k in sorted(tclauses):
        ts = [(x, t) for x, t in by_clause.get(k, []) if id(x) not in handled]
        sigs = signals.get(k, [])
        # A verb right next to a target (雷军逐渐淡出, 淡化雷军) decides it; otherwise
        # the clause's own words; words lent by a targetless clause only failing those.
        direct = [sg for sg in sigs if sg.verb and sg.own and any(
            0 <= sg.hit.start - x.end <= 4 or
            (0 <= x.start - sg.hit.end <= 4 and "intransitive" not in sg.hit.cats) for x, _ in ts)]
        own = [sg for sg in sigs if sg.own]
        if direct:
            sigs = direct + [sg for sg in own if not sg.verb]
        elif own:
            sigs = own
        if ts and all(t[2] == "person" for _, t in ts):
            # A person is a target only as the brand's voice: praise or blame of the
            # person (真诚的雷军) is sentiment, not stance; verbs that put them
            # forward or back are.
            if not voice:
                sigs = [sg for sg in sigs if sg.verb]
        rules = []
        if sigs:
            pol = sum(sg.value for sg in sigs)
            pol = max(-1.5, min(1.5, pol))
            rules += [("+" if sg.value > 0 else "-") + sg.term for sg in sigs]
            if any(sg.flips for sg in sigs):
                rules.append("negation")
        else:
            if all(t[2] == "person" for _, t in ts):
                continue
            x0 = ts[0][0]
            flips = _count_between(negs, clause_start(x0.start), x0.start)
            pol = (-1) ** flips * f("mention")
            rules.append("mention")
            if flips:
                rules.append("negation")
        if pol == 0:
            continue
        cstart, cend = bounds[k], bounds[k + 1]
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
            if comp and x.start > comp.start and _COMPARATIVE_MORE.search(c[comp.end:cend]):
                sp = -sp
                r.append("comparative")
            contributions.append((side, sp * t[1], t[2], x.term, r, k))

    if not contributions:
        return None
    if any("both" in h.cats for h in hits):
        res.rules.append("both")
    # Which clauses hold which markers, computed once (a sentence may have thousands).
    marked: dict[str, set] = {"concession": set(), "advocacy": set(), "hedges": set()}
    for h in hits:
        for cat in marked:
            if cat in h.cats:
                marked[cat].add(clause(h.start))
    emphasis = any("emphasis" in h.cats for h in hits)
    caishi = "才是" in c     # X才是…: the whole sentence argues
    for side, w, table, term, rules, k in contributions:
        cstart = bounds[k]
        mult = 1.0
        tags = []
        if contrast_at is not None:
            if cstart > contrast_at or (cstart <= contrast_at < bounds[k + 1]):
                mult *= f("contrast_after")
                tags.append("contrast")
            else:
                mult *= f("contrast_before")
                tags.append("before-contrast")
        if k in marked["concession"] and "contrast" not in tags:
            mult *= f("concession")
            tags.append("concession")
        both = "both" in rules
        if not both and (k in marked["advocacy"] or caishi):
            mult *= f("advocacy")
            tags.append("advocacy")
        if not both and k in marked["hedges"]:
            mult *= f("hedge")
            tags.append("hedge")
        if emphasis:
            mult *= f("emphasis")
            tags.append("emphasis")
        if reported_at is not None and (contrast_at is None or cstart <= contrast_at):
            mult *= f("reported")
            tags.append("reported")
        sign = side
        if rhetorical:
            sign = -sign
            tags.append("rhetorical")
        elif question:
            mult *= f("question")
            tags.append("question")
        if position != "body":
            mult *= f(position)
            tags.append("position:" + position)
        value = sign * w * mult
        if value > 0:
            res.founder += value
        else:
            res.matrix += -value
        res.rules.extend([f"{table}:{term}"] + rules + tags)
    res.rules = list(dict.fromkeys(res.rules))
    res.topic = max(targets, key=lambda xt: xt[1][1])[1][0]
    if qw is not None:
        res.question = question_side(c, qw)
        res.quoted = quoted(c, qw)
    return res


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
