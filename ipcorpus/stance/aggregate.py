"""Document stance: score every sentence, then add them up into a label, a score in
[-1, 1], a confidence, per-entity scores and ranked, spread-out evidence."""
from __future__ import annotations

from ipcorpus.models import Evidence, Stance, side_score
from ipcorpus.sentences import Unit
from ipcorpus.stance.decide import CLUSTER, POSITIONS_OF_THESIS, Decision, Features, decide
from ipcorpus.stance.entities import entities_in
from ipcorpus.stance.lexicon import Lexicon
from ipcorpus.stance.question import FOUNDER, MATRIX, question_side
from ipcorpus.stance.scan import compact
from ipcorpus.stance.score import score_unit
from ipcorpus.stance.targets import ANAPHORS, refer_to

KEEP_EVIDENCE = 20
# Rules that show a sentence arguing, not describing: advice, a turn, a shift from one
# side to the other, a comparison, both sides weighed.
_ARGUED = frozenset({"advocacy", "contrast", "shift", "versus", "both", "comparative", "rhetorical"})


def _positions(units: list[Unit]) -> list[str]:
    body = [i for i, u in enumerate(units) if u.kind != "title"]
    pos = ["body"] * len(units)
    for i, u in enumerate(units):
        if u.kind == "title":
            pos[i] = "title"
        elif u.kind == "heading":
            pos[i] = "heading"
    for i in body[:3]:
        if pos[i] == "body":
            pos[i] = "lede"
    for i in body[-3:]:
        if pos[i] == "body":
            pos[i] = "conclusion"
    return pos


def stance_of(units: list[Unit], lex: Lexicon) -> Stance:
    return explain(units, lex)[0]


# A model that takes every text as arguing: the label its sentences give it (tests of
# sentence phenomena, and tools/stance_model.py, which needs the side of every article).
ARGUED = {"threshold": 0.0}


def explain(units: list[Unit], lex: Lexicon, model: dict | None = None,
            cite_all: bool = False) -> tuple[Stance, Features, Decision]:
    """The stance with what decided it: the article's features and the decision.
    `model` replaces the lexicon's decision weights (tools/stance_model.py fits them);
    `cite_all` keeps every scored sentence as evidence, off the question too, and
    leaves the evidence unranked, in article order (`stance --explain`)."""
    positions = _positions(units)
    results, ents = _scored(units, positions, lex)
    feats, considered = _features(units, positions, results, lex)
    decision = decide(feats, lex.decision if model is None else model)
    founder, matrix, scored = _weigh(results, considered, ents, decision.argued, cite_all, lex)
    total = founder + matrix
    if not decision.argued or total < lex.factor("min_evidence"):
        label = "neutral"
        if decision.argued:
            decision.reason = "thin"
        confidence = 1.0 - decision.probability
    elif min(founder, matrix) >= lex.factor("both_ratio" if _framed_as_both(scored) else "mixed_ratio") * \
            max(founder, matrix):
        label, confidence = "mixed", decision.probability
    else:
        label, confidence = ("founder-ip" if founder > matrix else "matrix"), decision.probability
    stance = Stance(label, side_score(founder, matrix), round(confidence, 3), round(founder, 3), round(matrix, 3),
                    _entity_scores(ents), scored if cite_all else rank(scored),
                    topic=decision.topic, reason=decision.reason)
    return stance, feats, decision


def _scored(units: list[Unit], positions: list[str], lex: Lexicon) -> tuple[list, dict]:
    """Every sentence scored, in context: (unit, entities found, score or None) each,
    and the entities' mention counts."""
    ents: dict[str, dict] = {}
    results = []
    for k, (u, pos) in enumerate(zip(units, positions, strict=True)):
        found = entities_in(u.text, lex)
        for name, n in found.items():
            e = ents.setdefault(name, {"mentions": 0, "founder": 0.0, "matrix": 0.0})
            e["mentions"] += n
        results.append((u, found, _score_in_context(units, k, pos, lex)))
    # A sentence that opens with a turn (然而，… / 但…) takes weight from the one before.
    turn = lex.factor("contrast_before")
    for k in range(1, len(results)):
        prev = results[k - 1][2]
        if prev and _opens_with_turn(results[k][0].text, lex) and "contrast" not in prev.rules:
            prev.founder *= turn
            prev.matrix *= turn
            prev.rules.append("before-turn")
    _carry(results, lex)
    # Breadth over repetition: one line adds at most line_cap to a side.
    cap = lex.factor("line_cap")
    per_line: dict = {}
    for u, _, s in results:
        if s is None:
            continue
        used = per_line.setdefault(u.line, [0.0, 0.0])
        s.founder = min(s.founder, max(0.0, cap - used[0]))
        s.matrix = min(s.matrix, max(0.0, cap - used[1]))
        used[0] += s.founder
        used[1] += s.matrix
    return results, ents


def _score_in_context(units: list[Unit], k: int, pos: str, lex: Lexicon):
    """A sentence's score; one that says 前者/后者 (the former, the latter) is scored
    with what they stand for in the sentence before, and is on the question where
    that sentence was."""
    text = units[k].text
    if k == 0 or not any(a in text for a in ANAPHORS):
        return score_unit(text, lex, pos)
    before = units[k - 1].text
    refer = refer_to(before, lex)
    s = score_unit(text, lex, pos, refer)
    if s is not None and refer is not None and lex.q is not None:
        s.question |= question_side(compact(before), lex.q)
    return s


def _carry(results: list, lex: Lexicon) -> None:
    """Topic continuity: a targetless evaluation continues the last topic within two
    sentences (当然老板直播有风险。否则，就会被反噬。), and with it whether that topic is
    on the question."""
    carry = lex.factor("carry")
    last_side, last_k = 0, -10
    for k, (_, _, s) in enumerate(results):
        if s is None:
            continue
        if s.topic:
            last_side, last_k = s.topic, k
        elif s.orphan and last_side and k - last_k <= 2:
            value = last_side * s.orphan * carry
            if value > 0:
                s.founder = value
            else:
                s.matrix = -value
            s.rules = ["carry"] + s.rules
            s.question, s.quoted = results[last_k][2].question, results[last_k][2].quoted


def _weigh(results: list, considered: dict, ents: dict, argued: bool, cite_all: bool,
           lex: Lexicon) -> tuple[float, float, list[Evidence]]:
    """The two sides' weights and the evidence. Sentences off the question (a person's
    IP with no company behind it, someone else's words) count at a fraction, as
    context of the ones on it; a neutral article cites only what was on the question."""
    off = lex.factor("off_question")
    founder = matrix = 0.0
    scored = []
    for u, found, s in results:
        if s is None or (s.founder == 0 and s.matrix == 0):
            continue
        on = considered.get(id(s))
        if on is None and not argued and not cite_all:
            continue
        k = 1.0 if on == "on-question" else off
        sf, sm = s.founder * k, s.matrix * k
        founder += sf
        matrix += sm
        if argued:
            # Entity figures count only articles that argue (an entity named in a
            # neutral article gets its mentions, no weight).
            for name in found:
                ents[name]["founder"] += sf
                ents[name]["matrix"] += sm
        side = ("mixed" if abs(sf - sm) < 1e-9 else "founder-ip" if sf > sm else "matrix")
        scored.append(Evidence(u.line, u.end_line, side, round(max(sf, sm), 3), s.rules + [on or "off-question"],
                               u.text))
    return founder, matrix, scored


def _entity_scores(ents: dict) -> dict:
    for e in ents.values():
        e["score"] = side_score(e["founder"], e["matrix"])
        e["founder"] = round(e["founder"], 3)
        e["matrix"] = round(e["matrix"], 3)
    return dict(sorted(ents.items(), key=lambda kv: (-kv[1]["mentions"], kv[0])))


def _features(units: list[Unit], positions: list[str], results: list, lex: Lexicon) -> tuple[Features, dict]:
    """The decision's features, and for each scored sentence on the question whether
    it counts ("on-question") or is someone else's words ("quoted")."""
    f = Features(sentences=sum(1 for u in units if u.kind != "title"))
    title = next((compact(u.text) for u in units if u.kind == "title"), "")
    considered: dict[int, str] = {}
    at: list[int] = []                  # unit index of each sentence on the question
    for k, ((u, _, s), pos) in enumerate(zip(results, positions, strict=True)):
        if s is None:
            continue
        side = s.question
        if not side & MATRIX and title and lex.q is not None and "去" in u.text:
            side |= question_side(compact(u.text), lex.q, title) & MATRIX
        weight = s.founder + s.matrix
        if not side:
            f.off_weight += weight
        elif s.quoted:
            f.quoted += 1
            considered[id(s)] = "quoted"
        else:
            f.on_question += 1
            f.weight += weight
            f.thesis += pos in POSITIONS_OF_THESIS
            f.evaluated += any(r[:1] in "+-" for r in s.rules)
            f.argued += any(r in _ARGUED for r in s.rules)
            at.append(k)
            f.founder_side += bool(side & FOUNDER)
            f.matrix_side += bool(side & MATRIX)
            considered[id(s)] = "on-question"
    lo = 0
    for hi in range(len(at)):
        while at[hi] - at[lo] >= CLUSTER:
            lo += 1
        f.cluster = max(f.cluster, hi - lo + 1)
    return f, considered


def _framed_as_both(evidence: list[Evidence]) -> bool:
    """The author says both sides belong together: in the title, lede or conclusion,
    or in two sentences anywhere."""
    both = [e for e in evidence if "both" in e.rules]
    return len(both) >= 2 or any(r.startswith("position:") for e in both for r in e.rules)


def _opens_with_turn(text: str, lex: Lexicon) -> bool:
    head = text.lstrip("“\"'（(")[:4]
    return any(head.startswith(m) for m in lex.lists.get("contrast", []))


def rank(items: list[Evidence], keep: int = KEEP_EVIDENCE) -> list[Evidence]:
    """Strongest first, but spread over the article: a sentence from a paragraph
    (line) already cited counts half until everything else has been considered."""
    pool = sorted(items, key=lambda e: (-e.weight, e.line))
    near = [False] * len(pool)          # overlaps a sentence already chosen
    left = list(range(len(pool)))
    out: list[Evidence] = []
    while left and len(out) < keep:
        k = max(left, key=lambda i: (pool[i].weight * (0.5 if near[i] else 1.0), -pool[i].line))
        best = pool[k]
        out.append(best)
        left.remove(k)
        for i in left:
            if not near[i] and pool[i].line <= best.end_line and best.line <= pool[i].end_line:
                near[i] = True
    return out
