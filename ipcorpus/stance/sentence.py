"""A sentence being scored, with what every phenomenon reads found once: clause
bounds, negations (jieba tokens, only where a negation character is), where a turn or
reported speech starts."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ipcorpus.nlp import ensure, tokenizer
from ipcorpus.stance.lexicon import Lexicon
from ipcorpus.stance.targets import SIGNAL, Hit, target_of

_CLAUSE_SEP = re.compile(r"[，,：:；;]")
_SEGMENT = re.compile(r"[^，,：:；;。！？!?、\s“”‘’「」（）()《》—…]+")
_ENUMERATION = re.compile(r"、")


def negators(lex: Lexicon, c: str, hits: list[Hit], affixes: list[int] | None = None) -> list[int]:
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
        if any(k in h.cats for k in LEXICAL):
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

LEXICAL = ("positive", "negative", "forward", "backward", "founder", "matrix", "weak_matrix", "person")


def count_between(sorted_positions: list[int], lo: int, hi: int) -> int:
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


class Sentence:
    """A sentence being scored, with what every step reads found once: its hits and
    targets, clause bounds, negations, where a turn or reported speech starts, and
    which targets a shift or a both-sides marker has already taken (`handled`)."""

    def __init__(self, c: str, hits: list[Hit], targets: list, lex: Lexicon):
        self.c, self.hits, self.targets, self.lex = c, hits, targets, lex
        self.f = lex.factor
        self.affixes: list[int] = []
        self.negs = negators(lex, c, hits, self.affixes)
        self.enumerations = [m.start() for m in _ENUMERATION.finditer(c)] if self.affixes else []
        seps = [m.start() for m in _CLAUSE_SEP.finditer(c)]
        self.bounds = [0] + [s + 1 for s in seps] + [len(c) + 1]
        self.nclauses = len(self.bounds) - 1
        self.tstarts = [x.start for x, _ in targets]
        self.contrast_at = next((h.start for h in hits if "contrast" in h.cats), None)
        self.reported_at = next((h.start for h in hits if "reported" in h.cats), None)
        self.question = c.rstrip("”’」』）)\"'").endswith(("？", "?")) or "吗？" in c or "吗?" in c
        self.rhetorical = any("rhetorical" in h.cats for h in hits) and (self.question or any(
            h.term in lex.rhetorical_statement for h in hits))
        self.handled: set[int] = set()

    def clause(self, pos: int) -> int:
        return min(bisect_right(self.bounds, pos) - 1, len(self.bounds) - 2)

    def clause_start(self, pos: int) -> int:
        return self.bounds[self.clause(pos)]

    def flips_before(self, pos: int) -> int:
        """Negations between the start of pos's clause and pos."""
        start = self.clause_start(pos)
        flips = count_between(self.negs, start, pos)
        if self.enumerations:
            # A one-character negation before the last 、 negated an earlier item of a list.
            k = bisect_left(self.enumerations, pos)
            if k and self.enumerations[k - 1] > start:
                flips -= count_between(self.affixes, start, self.enumerations[k - 1])
        return flips

    def free(self, targets: list) -> list:
        return [(x, t) for x, t in targets if id(x) not in self.handled]

    def evaluation_after(self) -> list[float]:
        """after[k]: the evaluation in clauses k and later (for comparisons)."""
        per_clause = [0.0] * (self.nclauses + 1)
        for h2 in self.hits:
            if not target_of(h2):
                for cat, sig in SIGNAL.items():
                    if cat in h2.cats:
                        per_clause[self.clause(h2.start)] += sig * h2.cats[cat]
        after = per_clause[:]
        for k in range(self.nclauses - 1, -1, -1):
            after[k] += after[k + 1]
        return after
