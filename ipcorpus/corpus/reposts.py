"""Reposts: the same article republished on several portals, found as near-duplicates
of the kept (cleaned) text.

Each document becomes the set of its character 5-gram shingles (letters and digits
only, lower case, so portal furniture, punctuation and spacing do not matter).
Two documents are copies when the Jaccard similarity of their shingle sets is at
least 0.8.

Comparing every pair is O(n^2); instead each document gets a one-permutation MinHash
sketch (128 bins, one hash per shingle, sorted a chunk at a time in C, so about
O(length) per document) and the sketch is
cut into 32 bands of 4 bins (LSH banding). Only documents that share a whole band
become candidate pairs: a pair with Jaccard 0.8 shares at least one band with
probability 1 - (1 - 0.8^4)^32 > 0.999999, a pair with Jaccard 0.3 with about 0.23.
Candidates are then checked with the exact Jaccard of their shingle sets, so the
sketch can only miss a pair (almost never), not invent one. Total work is
O(N·L + N·B + C·L) for N documents of length L, B bands and C candidate pairs, with
no all-pairs step; huge buckets (thousands of identical documents) are chained
rather than paired.

The work splits in two: the sketch is per article (text_sketch), made by the worker
that scores it and kept in its digest (corpus/digest.py); the merge (group) needs
every sketch but only the candidate pairs' texts, which it asks for (Shingled).
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

K = 5                      # characters per shingle
BINS = 128                 # one-permutation MinHash bins
BANDS = 32                 # LSH bands
ROWS = BINS // BANDS       # bins per band
THRESHOLD = 0.8            # exact Jaccard at or above which two documents are copies
MIN_CHARS = 30             # shorter texts are never grouped (too little to judge)
CHUNK = 1 << 16            # shingle hashes sorted at a time (bounds a long text's memory)
PAIR_ALL_MAX = 16          # buckets up to this size compare every pair; larger ones chain

_DROP = re.compile(r"[\W_]+", re.UNICODE)
_EMPTY = 1 << 32


def shingle_text(text: str) -> str:
    """The text shingles are cut from: letters and digits only, lower case."""
    return _DROP.sub("", text.lower())


def shingles(text: str, k: int = K) -> frozenset:
    """Character k-grams of an already stripped text (the text itself when shorter)."""
    if not text:
        return frozenset()
    if len(text) <= k:
        return frozenset((text,))
    return frozenset(text[i:i + k] for i in range(len(text) - k + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def shingle_hashes(stripped: str, k: int = K) -> Iterator[int]:
    """The stable 32-bit hash of each k-character shingle of an already stripped text
    (repeats included: they do not change a minimum), made as they are read. The text
    is encoded once as UTF-32, 4 bytes a character, so each shingle is a fixed-width
    slice of it, hashed in C (crc32) and mixed (a multiplicative hash spreads crc32's
    linear bits)."""
    if not stripped:
        return iter(())
    enc = stripped.encode("utf-32-le")
    width = 4 * k
    starts = range(0, max(4, len(enc) - width + 4), 4)
    return ((c * 0x9E3779B1) & 0xFFFFFFFF for c in map(zlib.crc32, (enc[i:i + width] for i in starts)))


def sketch(hashes: Iterable[int], bins: int = BINS) -> tuple:
    """One-permutation MinHash of shingle hashes: a hash's low bits pick its bin, the
    rest is its value, and a bin keeps its smallest value. The hashes come in chunks
    of CHUNK, each sorted (in C): in ascending order a bin's first hash is its
    smallest in the chunk, so a chunk's scan stops once it has met every bin (after
    about bins * ln(bins) hashes, however long the chunk). Empty bins borrow from the
    next filled bin (rotation densification) so that short texts still band."""
    sig = [_EMPTY] * bins
    it = iter(hashes)
    while chunk := sorted(islice(it, CHUNK)):
        met = [False] * bins
        left = bins
        for h in chunk:
            b = h % bins
            if not met[b]:
                met[b] = True
                if h // bins < sig[b]:
                    sig[b] = h // bins
                left -= 1
                if not left:
                    break
    if _EMPTY not in sig or all(v == _EMPTY for v in sig):
        return tuple(sig)
    orig = list(sig)
    for i in range(bins):
        if orig[i] == _EMPTY:
            j = 1
            while orig[(i + j) % bins] == _EMPTY:
                j += 1
            sig[i] = orig[(i + j) % bins] + j * _EMPTY     # borrowed, tagged with the distance
    return tuple(sig)


@dataclass
class Groups:
    """Groups of near-duplicate documents, by index into the input, each sorted;
    `similarity[(i, j)]` holds the exact Jaccard of the pairs verified as copies
    (i < j): a pair already in one group is not compared (Shingled.similarity gives it)."""
    groups: list[list[int]] = field(default_factory=list)
    similarity: dict = field(default_factory=dict)
    candidates: int = 0        # candidate pairs checked exactly (for tests and tuning)


class _Union:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def text_shingles(text: str, k: int = K) -> frozenset:
    """The shingles two texts are compared by exactly (of shingle_text)."""
    return shingles(shingle_text(text or ""), k)


def text_sketch(text: str, k: int = K) -> tuple | None:
    """The sketch a text is grouped by: of its shingles, None when it has fewer than
    MIN_CHARS letters (never grouped). The per-article half of grouping, which the
    worker that scores the article does (corpus/digest.py)."""
    stripped = shingle_text(text or "")
    return sketch(shingle_hashes(stripped, k)) if len(stripped) >= MIN_CHARS else None


class Shingled:
    """The shingle sets of texts by index, made on first use from `text_of(i)` and
    the last few kept: only the candidate pairs' texts are ever needed."""

    def __init__(self, text_of: Callable[[int], str], k: int = K):
        self.text_of, self.k = text_of, k
        self.get = lru_cache(maxsize=256)(self._make)

    def _make(self, i: int) -> frozenset:
        return text_shingles(self.text_of(i), self.k)

    def similarity(self, a: int, b: int) -> float:
        """Exact Jaccard of two texts' shingle sets, rounded as Groups keeps it."""
        return round(jaccard(self.get(a), self.get(b)), 3)


def find_groups(texts: Sequence[str], threshold: float = THRESHOLD, k: int = K) -> Groups:
    """Group near-duplicate texts (kept text of each document). Texts shorter than
    MIN_CHARS letters are left alone."""
    return group([text_sketch(t, k) for t in texts], Shingled(texts.__getitem__, k), threshold)


def group(sketches: Iterable[Sequence[int] | None], shingled: Shingled, threshold: float = THRESHOLD) -> Groups:
    """Group documents by their sketches, in one pass over them (None: never grouped),
    each candidate pair confirmed by the exact Jaccard of its texts' shingles: the
    merge, which needs every sketch but only the candidates' texts."""
    buckets: dict = {}
    n = 0
    for i, sig in enumerate(sketches):
        n = i + 1
        if sig is None:
            continue
        sig = tuple(sig)
        for band in range(BANDS):
            buckets.setdefault((band, sig[band * ROWS:(band + 1) * ROWS]), []).append(i)
    uf = _Union(n)
    out = Groups()
    seen: set = set()
    for members in buckets.values():
        for a, b in _candidate_pairs(members):
            if (a, b) in seen or uf.find(a) == uf.find(b):
                # Compared already, or in one group already (through others): no check
                # could change the groups. Mass-produced copies share bands in every
                # one of the 32, so this spares most of their exact comparisons.
                continue
            seen.add((a, b))
            out.candidates += 1
            j = jaccard(shingled.get(a), shingled.get(b))
            if j >= threshold:
                out.similarity[(a, b)] = round(j, 3)
                uf.union(a, b)
    comps: dict[int, list[int]] = {}
    for i in range(n):
        comps.setdefault(uf.find(i), []).append(i)
    out.groups = sorted((sorted(g) for g in comps.values() if len(g) > 1), key=lambda g: g[0])
    return out


def _candidate_pairs(members: list[int]) -> Iterator[tuple[int, int]]:
    """The pairs (a < b: members come in order) of one bucket to compare exactly:
    every pair of a small bucket."""
    if len(members) <= PAIR_ALL_MAX:
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                yield members[x], members[y]
    else:
        # A huge bucket (mass-produced copies): chain neighbours and the head, O(m).
        for x in range(1, len(members)):
            yield members[0], members[x]
            yield members[x - 1], members[x]


def similarity(texts: Sequence[str], a: int, b: int, k: int = K) -> float:
    """Exact Jaccard of two texts' shingle sets."""
    return Shingled(texts.__getitem__, k).similarity(a, b)
