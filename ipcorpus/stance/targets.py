"""A sentence's targets: the lexicon words that name a side (a founder, a person, many
voices), whose IP a person-IP term is, 他/她 after a named person, and 前者/后者 (the
former, the latter) standing for the sentence before. Found by one trie scan and the
gapped patterns, linear in the sentence."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import NamedTuple

from ipcorpus.stance.lexicon import Lexicon
from ipcorpus.stance.question import MATRIX, Owners
from ipcorpus.stance.scan import compact

SIDE = {"founder": 1, "person": 1, "matrix": -1, "weak_matrix": -1}
SIGNAL = {"positive": 1, "negative": -1, "forward": 1, "backward": -1}
_PRONOUN = re.compile(r"[他她](?![们人])")


@dataclass
class Hit:
    start: int
    end: int
    term: str
    cats: dict          # category -> weight

    def has(self, cat):
        return cat in self.cats


def scan_hits(lex: Lexicon, c: str) -> list[Hit]:
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


def target_of(h: Hit):
    """(side sign, weight, table) if the hit is a target, else None."""
    if "neutral" in h.cats or "not_markers" in h.cats:
        return None
    best = None
    for table, sign in SIDE.items():
        if table in h.cats and h.cats[table] > 0 and (best is None or h.cats[table] > best[1]):
            best = (sign, h.cats[table], table)
    return best


def find_targets(hits: list[Hit], c: str, lex: Lexicon) -> list:
    """The sentence's targets as (hit, (side sign, weight, table)), in order. A target
    that speaks is the speaker; a person's IP is its owner's; 他/她 after a named
    person is that person (added to `hits` too)."""
    targets = [(h, target_of(h)) for h in hits]
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
        _add_unnamed(hits, targets, c, ((m.span(), (1, lex.founder_weight, "person"))
                                        for m in _PRONOUN.finditer(c, persons[0].end)))
    return targets


def _add_unnamed(hits: list[Hit], targets: list, c: str, found) -> None:
    """Targets that no lexicon word names (他/她 after a person, 前者/后者): each
    ((start, end), (side sign, weight, table)) of `found` that no lexicon hit covers
    becomes a hit and a target; both lists stay in order."""
    covered = bytearray(len(c) + 1)
    for h in hits:
        covered[h.start:h.end] = b"\x01" * (h.end - h.start)
    for (start, end), t in found:
        if not covered[start]:
            h = Hit(start, end, c[start:end], {t[2]: t[1]})
            hits.append(h)
            targets.append((h, t))
    hits.sort(key=lambda h: h.start)
    targets.sort(key=lambda xt: xt[0].start)


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
_ANAPHOR = re.compile("|".join(ANAPHORS))


def refer_to(text: str, lex: Lexicon) -> Refer | None:
    """The antecedents a following 前者/后者 takes from this sentence: its first target
    and its last one when that is of the other side. None when it has no target."""
    c = compact(text)
    targets = find_targets(scan_hits(lex, c), c, lex)
    if not targets:
        return None
    first, last = targets[0][1], targets[-1][1]
    if last[0] == first[0]:
        return Refer(first[0], first[1], 0, 0.0)
    return Refer(first[0], first[1], last[0], last[1])


def resolve_anaphors(hits: list[Hit], targets: list, c: str, refer: Refer) -> list:
    """前者 and 后者 as targets of the sides they stand for, where no lexicon word
    covers them (added to `hits` too)."""
    stands_for = {ANAPHORS[0]: (refer.former, refer.former_weight), ANAPHORS[1]: (refer.latter, refer.latter_weight)}
    found = []
    for m in _ANAPHOR.finditer(c):
        side, weight = stands_for[m.group()]
        if side:
            found.append((m.span(), (side, weight, "founder" if side > 0 else "matrix")))
    _add_unnamed(hits, targets, c, found)
    return targets
