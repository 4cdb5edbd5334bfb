"""Printed results served from the index: a command's machine-readable output on a
corpus where nothing changed is kept, keyed by everything that decides it, and
written back as it was instead of being decoded and rendered again.

The key covers the command and its options, the output format, the whole
package's code, the analyser settings, every file (path, content hash, failure)
in walk order and the learned furniture each document holds. An output made of
one piece per document also keeps its pieces, so when a few files change only
their pieces are rendered again. Terminal tables are never kept: their layout
depends on the terminal."""
from __future__ import annotations

import hashlib
import io
import json
import sys
import zlib
from collections.abc import Callable

from ipcorpus.commands.output import Out

BUCKETS = 64          # kept pieces are grouped by a hash of their id
# (documents, piece(document) -> str, assemble(pieces) -> str)
Pieces = tuple[list, Callable, Callable]


def family_key(corpus, command: str, options: dict, fmt: str) -> str:
    """Names the kind of output: the same command, options, format, code and settings."""
    from ipcorpus.corpus.fingerprint import code_fingerprint
    head = [command, options, fmt, code_fingerprint(everything=True), corpus.version, sys.version]
    return hashlib.blake2b(json.dumps(head, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"),
                           digest_size=16).hexdigest()


def _doc_id(corpus, f) -> str:
    # NUL cannot occur in a path: the fields cannot run into each other.
    return f"{f.path}\0{f.hash}\0{corpus.affected.get(f.hash, '')}"


def result_key(corpus, command: str, options: dict, fmt: str) -> str:
    h = hashlib.blake2b(family_key(corpus, command, options, fmt).encode(), digest_size=16)
    affected = corpus.affected
    for f in corpus.files:
        h.update(f"{f.path}\0{f.ok}\0{f.hash}\0{f.error}\0{affected.get(f.hash, '')}\1"
                 .encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def render(corpus, out: Out, command: str, options: dict, write: Callable[[Out], None],
           pieces: Pieces | None = None):
    """Run `write(out)`, or print what it printed last time on the same input.
    `pieces`, when given, renders the same output document by document."""
    if corpus.store is None or out.fmt == "table":
        write(out)
        return
    key = result_key(corpus, command, options, out.fmt)
    kept = corpus.store.result(key)
    if isinstance(kept, str):
        out.write(kept)
        return
    if pieces is None:
        real, buf = out.stream, io.StringIO()
        out.stream = buf
        try:
            write(out)
        finally:
            out.stream = real
        text = buf.getvalue()
        out.write(text)
        corpus.store.set_result(key, text)
        return
    docs, piece, assemble = pieces
    family = family_key(corpus, command, options, out.fmt)
    stored = corpus.store.pieces(family)
    have: dict = {}
    for d in stored.values():
        have.update(d)
    ids = [_doc_id(corpus, f) for f in docs]
    rendered = [i for i in ids if i not in have]
    parts = [have[i] if i in have else piece(f) for f, i in zip(docs, ids, strict=True)]
    out.write(assemble(parts))
    if kept is not None and not rendered:
        return                  # printed as it was kept
    from ipcorpus.index import RESULT_MAX
    if sum(map(len, parts)) > RESULT_MAX:
        return                  # too big to keep
    # Pieces are kept in buckets by id, so a few changed documents rewrite a few
    # buckets, not the whole output.
    want: dict[int, dict] = {}
    for i, part in zip(ids, parts, strict=True):
        want.setdefault(zlib.crc32(i.encode("utf-8", "surrogateescape")) % BUCKETS, {})[i] = part
    changed = {b: d for b, d in want.items() if stored.get(b) != d}
    changed.update({b: {} for b in stored if b not in want})
    corpus.store.set_result(key, family=family, count=len(ids), buckets=changed)


def figures(corpus, command: str, options: dict, compute: Callable[[], dict]) -> dict:
    """`compute()`, or the figures it gave last time on the same input: what a command
    prints in every format (and as HTML) from one plain dict of JSON values, such as
    `report`'s brief (report.compute), is kept once for all formats, under the key
    printed results have (result_key), so an unchanged corpus is not analysed again."""
    if corpus.store is None:
        return compute()
    key = result_key(corpus, command, options, "figures")
    kept = corpus.store.result(key)
    if isinstance(kept, str):
        try:
            data = json.loads(kept)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
    data = compute()
    corpus.store.set_result(key, json.dumps(data, ensure_ascii=False))
    return data
