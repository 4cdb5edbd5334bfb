"""The phenomena of a scored sentence, one function each: shifts (从X转向Y) and
comparisons (X替代不了Y), both sides at once (缺一不可), and each clause's evaluation
of its targets (negation, lent words, verbs that put a side forward or back). Each
returns contributions (side sign, weight, table, term, rules, clause) that
score.py weighs with the sentence's markers."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from ipcorpus.stance.sentence import Sentence
from ipcorpus.stance.targets import SIGNAL, Hit, target_of

_COMPARATIVE_MORE = re.compile(r"更|还要|要更")


class Signal(NamedTuple):
    """An evaluation word or verb, lent to the clause of the target it speaks of."""
    value: float            # signed weight, flipped by each negation before it in its clause
    term: str
    flips: int              # how many negations flipped it
    verb: bool              # a verb that puts a side forward or back, not an evaluation word
    own: bool               # in the target's own clause (else lent by a targetless one)
    hit: Hit


def shifts_and_comparisons(s: Sentence) -> list:
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


def _around(s: Sentence, h: Hit, weak: set) -> tuple[int, list, list]:
    """The free targets before and after a shift or comparison word. It relates nearby
    phrases: three clauses either way (which also keeps a hostile run-on sentence
    linear)."""
    k0 = s.clause(h.start)
    window, chars = int(s.f("shift_window_clauses")), int(s.f("shift_window_chars"))
    lo = max(s.bounds[max(0, k0 - window)], h.start - chars)
    hi = min(s.bounds[min(s.nclauses, k0 + window + 1)], h.end + chars)
    near = s.targets[bisect_left(s.tstarts, lo):bisect_left(s.tstarts, hi)]
    before = [(x, t) for x, t in near if x.end <= h.start and id(x) not in s.handled]
    after = [(x, t) for x, t in near if x.start >= h.end and id(x) not in s.handled]
    if h.term in weak:
        # 与其学马斯克，不如…: a name alone is no side in a loose shift.
        before = [(x, t) for x, t in before if t[2] != "person"]
        after = [(x, t) for x, t in after if t[2] != "person"]
    return lo, before, after


def _shift_sides(s: Sentence, h: Hit, lo: int, before: list, after: list, sources: tuple[list, list],
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


def _comparison(s: Sentence, h: Hit, before: list, after: list, after_clause: list[float]) -> tuple[int, list, list]:
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


def both_sides(s: Sentence) -> list:
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


def _clause_owners(s: Sentence, tclauses: set[int]) -> dict[int, int | None]:
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


def _signals(s: Sentence, owner: dict[int, int | None]) -> dict[int, list[Signal]]:
    """Every evaluation word and verb, lent to the clause of the target it speaks of,
    flipped by each negation before it in its clause."""
    signals: dict[int, list[Signal]] = {}
    for h in s.hits:
        found_sig = next((sg for cat, sg in SIGNAL.items() if cat in h.cats), None)
        if found_sig is None or target_of(h):
            continue
        sig = found_sig
        own_k = s.clause(h.start)
        target_k = owner.get(own_k)
        if target_k is None:
            continue
        w = max(h.cats[cat] for cat in SIGNAL if cat in h.cats)
        if "verb_forms" in h.cats and any(0 <= x.start - h.end <= 2 for x, _ in s.targets):
            sig, w = 1, h.cats["verb_forms"]
        flips = s.flips_before(h.start)
        verb = "forward" in h.cats or "backward" in h.cats or "verb_forms" in h.cats
        signals.setdefault(target_k, []).append(
            Signal(sig * w * (-1) ** flips, h.term, flips, verb, own_k == target_k, h))
    return signals


def clause_polarities(s: Sentence) -> list:
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


def _polarity(s: Sentence, sigs: list[Signal], ts: list) -> tuple[float, list[str]] | None:
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
