"""Document stance: score every sentence, then add them up into a label, a score in
[-1, 1], a confidence, per-entity scores and ranked, spread-out evidence."""
from __future__ import annotations

from ipcorpus.models import Evidence, Stance
from ipcorpus.sentences import Unit
from ipcorpus.stance.lexicon import Lexicon
from ipcorpus.stance.score import entities_in, score_unit

MIN_EVIDENCE = 0.35     # below this total weight an article takes no position
MIXED_RATIO = 0.75      # the weaker side has at least this share of the stronger
STRONG_UNIT = 0.6       # an article (more than five sentences) needs one argument this strong
BOTH_RATIO = 0.35       # ... or this share when the author frames it as both (一起用, 不是二选一)      # the weaker side has at least this share of the stronger
KEEP_EVIDENCE = 20


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
    founder = matrix = 0.0
    scored = []
    ents: dict[str, dict] = {}
    results = []
    for u, pos in zip(units, _positions(units)):
        found = entities_in(u.text, lex)
        for name, n in found.items():
            e = ents.setdefault(name, {"mentions": 0, "founder": 0.0, "matrix": 0.0})
            e["mentions"] += n
        results.append((u, found, score_unit(u.text, lex, pos)))
    # A sentence that opens with a turn (然而，… / 但…) takes weight from the one before.
    turn = lex.factor("contrast_before")
    for k in range(1, len(results)):
        prev = results[k - 1][2]
        if prev and _opens_with_turn(results[k][0].text, lex) and "contrast" not in prev.rules:
            prev.founder *= turn
            prev.matrix *= turn
            prev.rules.append("before-turn")
    # Topic continuity: a targetless evaluation continues the last topic within two
    # sentences (当然老板直播有风险。否则，就会被反噬。).
    carry = lex.factor("carry")
    last_side, last_k = 0, -10
    for k, (u, found, s) in enumerate(results):
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
    # Breadth over repetition: one line adds at most line_cap to a side.
    cap = lex.factor("line_cap")
    per_line: dict = {}
    for u, found, s in results:
        if s is None:
            continue
        used = per_line.setdefault(u.line, [0.0, 0.0])
        f_room, m_room = max(0.0, cap - used[0]), max(0.0, cap - used[1])
        s.founder, s.matrix = min(s.founder, f_room), min(s.matrix, m_room)
        used[0] += s.founder
        used[1] += s.matrix
    for u, found, s in results:
        if s is None or (s.founder == 0 and s.matrix == 0):
            continue
        founder += s.founder
        matrix += s.matrix
        for name in found:
            ents[name]["founder"] += s.founder
            ents[name]["matrix"] += s.matrix
        side = ("mixed" if abs(s.founder - s.matrix) < 1e-9 else
                "founder-ip" if s.founder > s.matrix else "matrix")
        weight = max(s.founder, s.matrix)
        scored.append(Evidence(u.line, u.end_line, side, round(weight, 3), s.rules, u.text))
    total = founder + matrix
    score = (founder - matrix) / (total + 1.0) if total else 0.0
    strongest = max((e.weight for e in scored), default=0.0)
    if total < MIN_EVIDENCE or (len(units) > 5 and strongest < STRONG_UNIT and total < 2 * STRONG_UNIT):
        label = "neutral"
        confidence = 1.0 - total / MIN_EVIDENCE * 0.5
    elif min(founder, matrix) >= (BOTH_RATIO if _framed_as_both(scored) else MIXED_RATIO) * max(founder, matrix):
        label = "mixed"
        confidence = min(1.0, total / 6) * min(founder, matrix) / max(founder, matrix)
    else:
        label = "founder-ip" if founder > matrix else "matrix"
        confidence = min(1.0, total / 6) * abs(founder - matrix) / total
    for e in ents.values():
        t = e["founder"] + e["matrix"]
        e["score"] = round((e["founder"] - e["matrix"]) / (t + 1.0), 3) if t else 0.0
        e["founder"] = round(e["founder"], 3)
        e["matrix"] = round(e["matrix"], 3)
    ents = dict(sorted(ents.items(), key=lambda kv: (-kv[1]["mentions"], kv[0])))
    return Stance(label, round(score, 3), round(confidence, 3), round(founder, 3), round(matrix, 3),
                  ents, rank(scored))


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
