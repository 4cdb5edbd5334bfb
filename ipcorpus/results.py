"""Printed results served from the index: a command's machine-readable output on a
corpus where nothing changed is kept, keyed by everything that decides it, and
written back as it was instead of being decoded and rendered again.

The key covers the command and its options, the output format, the whole
package's code, the analyser settings, every file (path, content hash, failure)
in walk order and the learned furniture each document holds. Terminal tables are
never kept: their layout depends on the terminal."""
from __future__ import annotations

import hashlib
import io
import json
from typing import Callable

from ipcorpus.output import Out


def result_key(corpus, command: str, options: dict, fmt: str) -> str:
    from ipcorpus.pipeline import code_fingerprint
    h = hashlib.blake2b(digest_size=16)
    head = [command, options, fmt, code_fingerprint(everything=True), corpus.version]
    h.update(json.dumps(head, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    for f in corpus.files:
        h.update(json.dumps([f.path, f.ok, f.hash, f.error, corpus.affected.get(f.hash, "")],
                            ensure_ascii=False).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def render(corpus, out: Out, command: str, options: dict, write: Callable[[Out], None]):
    """Run `write(out)`, or print what it printed last time on the same input."""
    if corpus.store is None or out.fmt == "table":
        write(out)
        return
    key = result_key(corpus, command, options, out.fmt)
    kept = corpus.store.result(key)
    if kept is not None:
        out.write(kept)
        return
    real, buf = out.stream, io.StringIO()
    out.stream = buf
    try:
        write(out)
    finally:
        out.stream = real
    text = buf.getvalue()
    out.write(text)
    corpus.store.set_result(key, text)
