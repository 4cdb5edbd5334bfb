"""Corpus-learned furniture: short lines that recur across at least RECUR_MIN
different articles (by fingerprint, so reposts count once) are furniture where they
stand outside an article's core (analysis.py finds those candidate lines).

With an index, learning covers every document it holds, so a command naming one
file sees the furniture its corpus taught. The result is kept; when documents come
and go, only the keys of those documents are counted again."""
from __future__ import annotations

import hashlib

RECUR_MIN = 3             # distinct articles a short line must occur in to be furniture
RECOUNT_SHARE = 0.2       # past this share of documents changed, count everything again


def learn(corpus, fresh: dict | None = None):
    """`fresh`: hash -> (fingerprint, keys) of the documents analysed in this run,
    which need not be read back from the index."""
    docs = corpus.docs()
    store, version = corpus.store, corpus.version
    fresh = fresh or {}
    hashes = [f.hash for f in docs]
    if store is not None:
        hashes = sorted(set(hashes) | store.ok_hashes(version))
    if len(hashes) < RECUR_MIN:
        return
    changes = None
    if store is not None:
        got = store.learned(version, hashes)
        if got is not None:
            corpus.learned_key, corpus.recurring, corpus.affected = got
            return
        updated = _update(store, version, hashes)
        if updated is not None:
            recurring, per_doc, changes = updated
        else:
            missing = [h for h in hashes if h not in fresh]
            recurring, per_doc = _count({**store.doc_keys(version, missing), **fresh}, hashes)
    else:
        recurring, per_doc = _count({f.hash: (f.packed["fp"], f.packed["keys"]) for f in docs}, hashes)
    per_doc = {h: ks for h, ks in per_doc.items() if ks}
    corpus.recurring, corpus._learned_keys = recurring, per_doc
    # The signature names the learned lines a document holds: its stored stance
    # stays valid while that set is the same.
    corpus.affected = {h: hashlib.blake2b("\n".join(ks).encode(), digest_size=8).hexdigest()
                       for h, ks in per_doc.items()}
    if store is not None:
        corpus.learned_key = store.set_learned(version, hashes, recurring, corpus.affected, per_doc, changes)


def _count(docs: dict, hashes: list) -> tuple[set, dict]:
    """Every key counted over every document: docs is hash -> (fingerprint, keys)."""
    fps: dict[str, set] = {}
    for h in hashes:
        fp, keys = docs.get(h, ("", ()))
        for k in keys:
            fps.setdefault(k, set()).add(fp)
    recurring = {k for k, s in fps.items() if len(s) >= RECUR_MIN}
    return recurring, {h: sorted(recurring.intersection(docs[h][1])) for h in hashes if h in docs}


def _update(store, version: str, hashes: list):
    """The last learned result brought up to date: only the keys of documents added
    or gone are counted again (the same result as _count); None when there is no
    last result or too much changed."""
    prev = store.learned_state(version)
    if prev is None:
        return None
    before, recurring, per_doc = set(prev["hashes"]), set(prev["recurring"]), prev["per_doc"]
    now = set(hashes)
    added, gone = now - before, before - now
    if len(added) + len(gone) > RECOUNT_SHARE * len(now):
        return None
    moved = store.doc_keys(version, added | gone)
    if len(moved) < len(added | gone):
        return None         # a document's keys are gone from the index (forgotten): count again
    keys = {k for _, ks in moved.values() for k in ks}
    counts = store.key_counts(version, now, keys, RECUR_MIN)
    fresh = {k for k in keys if counts.get(k, 0) >= RECUR_MIN}
    leaving, entering = (recurring & keys) - fresh, fresh - recurring
    recurring = (recurring - keys) | fresh
    changed = set(added)
    if leaving:
        for h, ks in per_doc.items():
            if h in now and leaving.intersection(ks):
                per_doc[h] = [k for k in ks if k not in leaving]
                changed.add(h)
    per_doc = {h: ks for h, ks in per_doc.items() if h in now}
    for h, ks in store.keys_of(version, entering, hashes).items() if entering else ():
        per_doc[h] = sorted(set(per_doc.get(h, [])) | set(ks))
        changed.add(h)
    for h in added:
        ks = sorted(recurring.intersection(moved.get(h, ("", ()))[1]))
        if ks:
            per_doc[h] = ks
    return recurring, per_doc, (gone, changed)


def relearn(corpus) -> dict:
    """Each affected document's learned keys, when the index no longer holds them
    (a concurrent run learned from another set meanwhile): its candidate lines
    that are recurring furniture."""
    out = {}
    for f in corpus.docs():
        if f.hash in corpus.affected and f.hash not in out:
            a = corpus.stored_analysis(f)
            out[f.hash] = sorted({k for k, _ in a.candidates if k in corpus.recurring})
    return out
