"""Taking the files of a corpus run: which must be analysed (new or changed), which the
index already holds (unchanged), which fail, as the index and each file's stat and
bytes say; and the index a run opens."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ipcorpus.corpus.analysis import content_hash
from ipcorpus.errors import InputError
from ipcorpus.index import Store, default_db_path
from ipcorpus.models import FileRow
from ipcorpus.read.remote import is_url
from ipcorpus.read.source import STDIN, read_bytes, read_stdin, stat_path

if TYPE_CHECKING:
    from ipcorpus.corpus.pipeline import FileResult, Options


def open_store(paths: list[str], opts: Options) -> tuple[Store | None, list[str]]:
    if opts.no_cache:
        return None, []
    notes = []
    path = opts.db
    if not path:
        path, note = default_db_path(paths)
        if note:
            notes.append(note)
    return Store(path), notes


def _same_stat(row, st) -> bool:
    """The file's size and modification time are those its index row holds (a time
    the filesystem does not report, as some fsspec ones, never is)."""
    return st.st_mtime_ns is not None and (row.size, row.mtime_ns) == (st.st_size, st.st_mtime_ns)


def fail(fr: FileResult, error: str, row: FileRow | None):
    """Mark the file failed; `known` when the index held the same failure for it."""
    fr.status, fr.error = "failed", error
    fr.known = row is not None and row.status == "failed" and row.error == error


def take(fr: FileResult, row: FileRow | None, store: Store | None, version: str, analysed: set,
         max_bytes: int) -> bytes | str | None:
    """The file's bytes when it must be analysed (fr: new or changed), or its URL when
    a worker reads it, else None with fr unchanged or failed, as the index and the
    file say."""
    if fr.abspath == STDIN:
        try:
            piped = read_stdin(max_bytes)
        except InputError as e:
            fail(fr, str(e), None)
            return None
        fr.hash = content_hash(piped)
        return piped
    ap = fr.abspath
    try:
        st = stat_path(ap)
    except OSError as e:
        fail(fr, (e.strerror or str(e)).lower(), row)
        if store:       # remembered, so the next run summarises it (commands.app.warn_failed)
            store.save(version, [{"path": ap, "size": None, "mtime_ns": None, "hash": None,
                                  "status": "failed", "error": fr.error}])
        return None
    if row and _same_stat(row, st) and _settled_by_row(fr, row, version, analysed):
        return None
    # A URL is read by the worker that analyses it; its hash comes back with the analysis.
    data: bytes | str = ap
    if not is_url(ap):
        saved = {"path": ap, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
        try:
            data = read_bytes(ap, max_bytes)
        except InputError as e:
            fail(fr, str(e), row)
            if store:
                store.save(version, [{**saved, "hash": None, "status": "failed", "error": fr.error}])
            return None
        fr.hash = content_hash(data)
        if row and _settled_by_content(fr, row, store, version, analysed, saved):
            return None
    fr.status = "changed" if row else "new"
    fr.stat = st
    return data


def _settled_by_row(fr: FileResult, row: FileRow, version: str, analysed: set) -> bool:
    """A file whose stat its index row holds: unchanged, or failed as before."""
    if row.status == "ok" and row.hash in analysed:
        fr.status, fr.hash = "unchanged", row.hash
        return True
    # A fault of the content (binary, empty) holds while the bytes and the
    # analyser are the same; one of reading (permissions, size limit, a
    # vanished file) has no hash and is tried again.
    if row.status == "failed" and row.error and row.hash and row.version == version:
        fail(fr, row.error, row)
        return True
    return False


def _settled_by_content(fr: FileResult, row: FileRow, store: Store | None, version: str, analysed: set,
                        saved: dict) -> bool:
    """A file touched but with the bytes its index row holds: unchanged, or failed as
    before; its new stat is saved, so the next run does not read it again."""
    if row.hash != fr.hash:
        return False
    if row.status == "ok" and fr.hash in analysed:
        fr.status = "unchanged"
        if store:
            store.save(version, [{**saved, "hash": fr.hash, "status": "ok"}])
        return True
    if row.status == "failed" and row.error and row.version == version:
        fail(fr, row.error, row)
        if store:
            store.save(version, [{**saved, "hash": fr.hash, "status": "failed", "error": fr.error}])
        return True
    return False
