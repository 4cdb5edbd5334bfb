"""The SQLite index: which files were seen, and the analysis of each content hash.

Incremental by design: a file whose size and mtime are unchanged is not read; one
whose content hash is unchanged is not re-analysed; analyses are keyed by content
hash plus analyser version, so an upgrade re-analyses. WAL mode and short
transactions let two runs share one index."""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable

from ipcorpus.errors import IpcorpusError
from ipcorpus.index.codec import pack_analysis, pack_stance, path_key, path_of, unpack_analysis, unpack_stance
from ipcorpus.index.learned import Learned
from ipcorpus.index.outputs import Outputs
from ipcorpus.models import Analysis, ArticleStance, FileRow


class Store(Learned, Outputs):
    """The index of one corpus: files and their analyses and stances here; learned
    furniture (learned.py), kept outputs (outputs.py) and the connection
    (connection.py) in the parts it is made of."""

    # files -----------------------------------------------------------------
    def file_rows(self) -> dict[str, FileRow]:
        """path -> the file's row (models.FileRow)."""
        return {path_of(r[0]): FileRow(*r[1:]) for r in
                self.db.execute("SELECT path, size, mtime_ns, hash, status, error, version FROM files")}

    def has_analysis(self, h: str, version: str) -> bool:
        return self.db.execute("SELECT 1 FROM analyses WHERE hash=? AND version=?", (h, version)).fetchone() is not None

    def save(self, version: str, records: Iterable[dict]):
        """Write a batch of results in one transaction: analysis first, then the file
        row that points at it, so an interrupted run never leaves a file marked as
        analysed without its analysis. An ok record carries its analysis packed
        (pack_analysis) or as "analysis" (an Analysis), and may carry its "stance"
        (an ArticleStance)."""
        try:
            with self._writing():
                keys = []
                for r in records:
                    p = pack_analysis(r["analysis"]) if r.get("analysis") is not None else r
                    if p.get("blob") is not None:
                        self.db.execute("INSERT OR REPLACE INTO analyses "
                                        "(hash, version, blob, stance, stats, fp, keys) VALUES (?,?,?,?,?,?,?)",
                                        (r["hash"], version, p["blob"],
                                         pack_stance(r["stance"]) if r.get("stance") is not None else None,
                                         p["stats"], p["fp"], "\n".join(p["keys"])))
                        keys += [(k, version, r["hash"], p["fp"]) for k in p["keys"]]
                    self.db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?)",
                                    (path_key(r["path"]), r.get("size"), r.get("mtime_ns"), r.get("hash"),
                                     r["status"], r.get("error"), version))
                # One table ordered by key, for corpus/furniture.py's lookups by key, filled in key
                # order; a document analysed again has the same keys (a pure function).
                keys.sort()
                self.db.executemany("INSERT OR IGNORE INTO linekeys VALUES (?,?,?,?)", keys)
        except sqlite3.OperationalError as e:
            raise IpcorpusError(f"cannot write index {self.path}: {e}") from None

    def prune(self, keep_paths: set[str], under: list[str], exists: Callable[[str], bool] = os.path.exists) -> int:
        """Forget files under the walked folders (local or URL) that are gone, as
        `exists` says (read.source.exists: asks a URL's filesystem)."""
        gone = []
        heads = tuple({u.rstrip(sep) + sep for u in under for sep in {os.sep, "/"}})
        for (key,) in self.db.execute("SELECT path FROM files").fetchall():
            p = path_of(key)
            if p not in keep_paths and (p in under or p.startswith(heads)):
                if not exists(p):
                    gone.append(key)
        if gone:
            try:
                with self._writing():
                    self.db.executemany("DELETE FROM files WHERE path=?", [(k,) for k in gone])
            except sqlite3.OperationalError as e:      # a full disk, a busy index: as in save
                raise IpcorpusError(f"cannot write index {self.path}: {e}") from None
        return len(gone)

    def forget_unused(self) -> int:
        """Drop the analyses no file points at any more (content that changed, files
        that went, an older analyser or other settings) with their line keys, so
        an index does not grow with every upgrade. A cache write."""
        used = set(self.db.execute("SELECT hash, version FROM files WHERE status='ok'"))
        stale = [hv for hv in self.db.execute("SELECT hash, version FROM analyses") if hv not in used]
        if not stale:
            return 0
        try:
            with self._writing():
                self.db.executemany("DELETE FROM analyses WHERE hash=? AND version=?", stale)
                self.db.execute("CREATE TEMP TABLE IF NOT EXISTS gone (hash TEXT, version TEXT)")
                self.db.execute("DELETE FROM gone")
                self.db.executemany("INSERT INTO gone VALUES (?,?)", stale)
                self.db.execute("DELETE FROM linekeys WHERE (hash, version) IN (SELECT hash, version FROM gone)")
        except sqlite3.OperationalError:
            return 0
        return len(stale)

    def stats(self, h: str, version: str) -> dict | None:
        row = self.db.execute("SELECT stats FROM analyses WHERE hash=? AND version=?", (h, version)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def analysis(self, h: str, version: str) -> tuple[Analysis | None, ArticleStance | None]:
        """The analysis of a document and its plain stance (None when not kept)."""
        row = self.db.execute("SELECT blob, stance FROM analyses WHERE hash=? AND version=?", (h, version)).fetchone()
        if row is None:
            return None, None
        return unpack_analysis(row[0]), (unpack_stance(row[1]) if row[1] is not None else None)

    def stance(self, h: str, version: str, sig: str = "") -> ArticleStance | None:
        """The stance record of a document; with a recurring-furniture signature, the
        one computed for that signature (None when it must be recomputed)."""
        row = self.db.execute("SELECT stance, rsig, rstance FROM analyses WHERE hash=? AND version=?",
                              (h, version)).fetchone()
        if row is None:
            return None
        if not sig:
            return unpack_stance(row[0]) if row[0] is not None else None
        if row[1] == sig and row[2] is not None:
            return unpack_stance(row[2])
        return None

    def blob(self, h: str, version: str) -> bytes | None:
        """The packed analysis (see unpack_analysis)."""
        row = self.db.execute("SELECT blob FROM analyses WHERE hash=? AND version=?", (h, version)).fetchone()
        return row[0] if row else None

    def digest(self, h: str, version: str, sig: str = "") -> bytes | None:
        """The packed digest (models.ArticleDigest) kept with the stance of that
        signature (Store.stance), or None."""
        row = self.db.execute("SELECT digest, rsig, rdigest FROM analyses WHERE hash=? AND version=?",
                              (h, version)).fetchone()
        if row is None:
            return None
        if not sig:
            return row[0]
        return row[2] if row[1] == sig else None

    def stance_states(self, version: str) -> dict[str, tuple[bool, str | None]]:
        """hash -> (are its plain stance and digest stored, the signature of its stored
        stance and digest with learned furniture dropped), in one query."""
        return {h: (bool(has), rsig) for h, has, rsig in self.db.execute(
            "SELECT hash, stance IS NOT NULL AND digest IS NOT NULL, "
            "CASE WHEN rstance IS NULL OR rdigest IS NULL THEN NULL ELSE rsig END "
            "FROM analyses WHERE version=?", (version,))}

    def set_stances(self, version: str, rows: list[tuple[str, str, bytes, bytes]]) -> bool:
        """Keep packed stances with their digests: (hash, "", stance, digest) are the
        plain ones, (hash, signature, stance, digest) those with that document's
        learned furniture dropped. A cache write: a read-only or busy index only
        costs time later (False)."""
        if not rows:
            return True
        try:
            with self._writing():
                self.db.executemany("UPDATE analyses SET stance=?, digest=? WHERE hash=? AND version=?",
                                    [(st, dg, h, version) for h, sig, st, dg in rows if not sig])
                self.db.executemany("UPDATE analyses SET rsig=?, rstance=?, rdigest=? WHERE hash=? AND version=?",
                                    [(sig, st, dg, h, version) for h, sig, st, dg in rows if sig])
            return True
        except sqlite3.OperationalError:
            return False

    def ok_hashes(self, version: str) -> set[str]:
        """Content hashes of the indexed files analysed by this analyser version."""
        return {h for (h,) in self.db.execute(
            "SELECT DISTINCT f.hash FROM files f JOIN analyses a ON a.hash = f.hash AND a.version = ? "
            "WHERE f.status = 'ok'", (version,))}

    def analysed(self, version: str) -> set[str]:
        """Content hashes that have an analysis by this analyser version."""
        return {h for (h,) in self.db.execute("SELECT hash FROM analyses WHERE version=?", (version,))}
