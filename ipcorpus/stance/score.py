"""Clause scoring: which side a sentence argues for, and why.

A sentence is looked at only if the trie scan finds a target in it (targets.py); only
then is it tokenized with jieba (for negation scope, sentence.py). Each phenomenon is
a function of phenomena.py; here their contributions are weighed with the sentence's
markers and position. Each scored sentence records the rules that fired, so evidence
explains itself."""
from __future__ import annotations

from dataclasses import dataclass, field

from ipcorpus.stance.lexicon import Lexicon
from ipcorpus.stance.phenomena import both_sides, clause_polarities, shifts_and_comparisons
from ipcorpus.stance.question import question_side, quoted
from ipcorpus.stance.scan import compact
from ipcorpus.stance.sentence import Sentence, count_between, negators, set_user_words
from ipcorpus.stance.targets import SIGNAL, Hit, Refer, find_targets, resolve_anaphors, scan_hits


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

def score_unit(text: str, lex: Lexicon, position: str = "body", refer: Refer | None = None) -> UnitScore | None:
    """The score of one sentence at a position of its article. A pure function of
    the two (and the lexicon), remembered per process: reposts and lightly edited
    copies of an article share most of their sentences. A copy is handed out, as
    stance_of adjusts the scores it gets. IPCORPUS_MEMO=0 turns the memory off
    (bench/run.py measures both). `refer`: what 前者 and 后者 stand for (antecedents)."""
    lex.memo.on = lex.memo_on
    got = lex.memo.recall((text, position, refer), len(text), _score_unit, text, lex, position, refer)
    return got.copy() if got is not None and lex.memo.on else got


def _score_unit(text: str, lex: Lexicon, position: str, refer: Refer | None = None) -> UnitScore | None:
    """One phenomenon a step: the sentence's targets, then shifts and comparisons,
    both sides at once, each clause's evaluation, and last the sentence's markers."""
    c = compact(text)
    hits = scan_hits(lex, c)
    targets = find_targets(hits, c, lex)
    if refer is not None:
        targets = resolve_anaphors(hits, targets, c, refer)
    if not targets:
        return _orphan(hits, lex, c)
    set_user_words(lex)
    s = Sentence(c, hits, targets, lex)
    contributions = shifts_and_comparisons(s)
    contributions += both_sides(s)
    contributions += clause_polarities(s)
    if not contributions:
        return None
    res = _weigh(s, contributions, position)
    res.topic = max(targets, key=lambda xt: xt[1][1])[1][0]
    if lex.q is not None:
        res.question = question_side(c, lex.q)
        res.quoted = quoted(c, lex.q)
    return res


def _weigh(s: Sentence, contributions: list, position: str) -> UnitScore:
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


def _markers(s: Sentence, k: int, both: bool, marked: dict, emphasis: bool,
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
    sigs = [(sig, h.cats[cat], h.term) for h in hits for cat, sig in SIGNAL.items()
            if cat in h.cats and cat in ("positive", "negative") and h.term in carry]
    if not sigs:
        return None
    negs = negators(lex, c, hits)
    total = 0.0
    for h in hits:
        for cat, sig in SIGNAL.items():
            if cat in h.cats and cat in ("positive", "negative") and h.term in carry:
                total += sig * h.cats[cat] * (-1) ** count_between(negs, 0, h.start)
    if total == 0:
        return None
    res = UnitScore(orphan=max(-1.5, min(1.5, total)))
    res.rules = [("+" if s > 0 else "-") + t for s, _, t in sigs]
    return res
