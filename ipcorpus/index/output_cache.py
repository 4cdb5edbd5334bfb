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

from ipcorpus.commands.output import Out, _isatty

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
    printer = _Printer(corpus, out, command, options, pieces, key, kept)
    printer.print(lambda f: True)
    printer.keep()


# Formats whose output is a head, then each document's piece as it stands alone: they
# can be printed piece by piece as the documents become final (Streamed).
STREAMED = ("jsonl", "tsv", "csv")


class _Printer:
    """A per-document output: each piece kept from the last run or rendered now,
    printed in order (at once with `stream`, else assembled at the end); then the
    pieces kept for the next run (keep)."""

    def __init__(self, corpus, out: Out, command: str, options: dict, pieces: Pieces, key: str | None,
                 kept, stream: bool = False):
        self.corpus, self.out, self.key, self.kept = corpus, out, key, kept
        self.docs, self.piece, self.assemble = pieces
        self.stream = stream
        self.parts: list[str] = []
        self.ids: list[str] = []
        self.rendered = 0
        self.family = self.stored = None
        self.have: dict = {}
        if corpus.store is not None:
            self.family = family_key(corpus, command, options, out.fmt)
            self.stored = corpus.store.pieces(self.family)
            for d in self.stored.values():
                self.have.update(d)
        if stream:
            out.write(self.assemble([]))

    def print(self, ready: Callable) -> None:
        """Render the pieces of the next documents while `ready(document)` says each is
        final; with `stream`, print them now."""
        start = len(self.parts)
        while len(self.parts) < len(self.docs) and ready(self.docs[len(self.parts)]):
            f = self.docs[len(self.parts)]
            i = _doc_id(self.corpus, f) if self.family is not None else ""
            if i in self.have:
                part = self.have[i]
            else:
                part = self.piece(f)
                self.rendered += 1
            self.ids.append(i)
            self.parts.append(part)
        if self.stream and len(self.parts) > start:
            self.out.write("".join(self.parts[start:]))
            self.out.stream.flush()       # a reader at the other end of a pipe sees them now
        elif not self.stream and len(self.parts) == len(self.docs):
            self.out.write(self.assemble(self.parts))

    def keep(self) -> None:
        if self.family is None or self.key is None or (self.kept is not None and not self.rendered):
            return                  # no index, or printed as it was kept
        from ipcorpus.index import RESULT_MAX
        if sum(map(len, self.parts)) > RESULT_MAX:
            return                  # too big to keep
        # Pieces are kept in buckets by id, so a few changed documents rewrite a few
        # buckets, not the whole output.
        want: dict[int, dict] = {}
        for i, part in zip(self.ids, self.parts, strict=True):
            want.setdefault(zlib.crc32(i.encode("utf-8", "surrogateescape")) % BUCKETS, {})[i] = part
        stored = self.stored or {}
        changed = {b: d for b, d in want.items() if stored.get(b) != d}
        changed.update({b: {} for b in stored if b not in want})
        self.corpus.store.set_result(self.key, family=self.family, count=len(self.ids), buckets=changed)


class Streamed:
    """A command's per-document output printed while the run scores its documents
    (pipeline.run's `stream`): a document's record is final once the corpus's
    furniture is learned and the document scored, so from the scoring pass on each
    piece is printed as soon as it and every one before it are, in the order and
    bytes `render` prints. `pieces_of(corpus)` gives the pieces (None: this output
    cannot stream; `render` prints it after the run as before)."""

    def __init__(self, out: Out, command: str, options: dict, pieces_of: Callable):
        self.out, self.command, self.options, self.pieces_of = out, command, options, pieces_of
        self.printer: _Printer | None = None
        self.whole = False

    def start(self, corpus) -> list | None:
        """The pipeline's hook once the furniture is learned: the documents in the
        order they will be printed (so they are scored in that order), or None."""
        if not corpus.files or self.out.fmt not in STREAMED or _isatty(self.out.stream):
            # No file: the command says so and prints nothing. A terminal shows the
            # progress bar on the same screen: there the output comes after the run.
            return None
        pieces = self.pieces_of(corpus)
        if pieces is None:
            return None
        key = kept = None
        if corpus.store is not None:
            key = result_key(corpus, self.command, self.options, self.out.fmt)
            kept = corpus.store.result(key)
            if isinstance(kept, str):
                self.out.write(kept)
                self.whole = True
                return pieces[0]
        self.printer = _Printer(corpus, self.out, self.command, self.options, pieces, key, kept, stream=True)
        return pieces[0]

    def ready(self, pending: set) -> None:
        """The pipeline's hook after each document scored: `pending` holds the content
        hashes still to score."""
        if self.printer is not None:
            self.printer.print(lambda f: f.hash not in pending)

    def finish(self) -> bool:
        """After the run: print what is left (documents the scoring pass could not
        score are scored now, Corpus.stance) and keep the pieces. False when nothing
        was streamed, so the command renders as usual."""
        if self.whole:
            return True
        if self.printer is None:
            return False
        self.printer.print(lambda f: True)
        self.printer.keep()
        return True


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
