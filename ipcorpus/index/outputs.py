"""The kept outputs of commands (output_cache.py decides when one can be reused): a few
printed outputs, compressed, and the pieces they are made of, by family and bucket."""
from __future__ import annotations

import marshal
import sqlite3
import time
import zlib

from ipcorpus.index.connection import Connection

RESULTS_KEPT = 8                  # printed outputs kept (output_cache.py)
RESULT_MAX = 64 << 20             # ... each at most this many bytes, compressed


class Outputs(Connection):
    """The `results` and `pieces` tables."""

    def result(self, key: str):
        """A command's printed output kept under `key` (output_cache.py): its text, or its
        number of pieces when it was kept piece by piece (see pieces); None if none."""
        try:
            row = self.db.execute("SELECT data, pieces FROM results WHERE key=?", (key,)).fetchone()
            if row is None:
                return None
            self.db.execute("UPDATE results SET used=? WHERE key=?", (time.time_ns(), key))
            if row[1] is not None:
                return int(row[1])
            return zlib.decompress(row[0]).decode("utf-8")
        except (sqlite3.OperationalError, zlib.error, UnicodeDecodeError, ValueError, EOFError, TypeError):
            return None

    def set_result(self, key: str, text: str | None = None, family: str = "",
                   count: int | None = None, buckets: dict | None = None):
        """Keep a printed output: its text, or its number of pieces with the buckets
        of pieces (bucket -> {id: piece}) that changed; only the RESULTS_KEPT most
        recently used outputs, and the pieces of their families, are kept. A cache
        write: failures only cost time later."""
        data = None
        if count is None:
            assert text is not None, "set_result: text or count"
            data = zlib.compress(text.encode("utf-8"), 1)
        if data is not None and len(data) > RESULT_MAX:
            return
        try:
            with self._writing():
                self.db.execute("INSERT OR REPLACE INTO results VALUES (?,?,?,?,?)",
                                (key, family, time.time_ns(), data, count))
                self.db.execute("DELETE FROM results WHERE key NOT IN "
                                "(SELECT key FROM results ORDER BY used DESC LIMIT ?)", (RESULTS_KEPT,))
                # Compressed: writing 6 MB to the index (and checkpointing it) costs more.
                self.db.executemany("INSERT OR REPLACE INTO pieces VALUES (?,?,?)",
                                    [(family, b, zlib.compress(marshal.dumps(d), 1))
                                     for b, d in (buckets or {}).items()])
                self.db.execute("DELETE FROM pieces WHERE family NOT IN (SELECT family FROM results)")
        except (sqlite3.OperationalError, ValueError):
            pass  # a cache write: failures only cost time later

    def pieces(self, family: str) -> dict[int, dict]:
        """bucket -> {id: piece} kept for a family of outputs (output_cache.py)."""
        out = {}
        try:
            for b, blob in self.db.execute("SELECT bucket, data FROM pieces WHERE family=?", (family,)):
                # marshal: fast for a few thousand strings, and safe here because the
                # family names the Python version (results.family_key).
                d = marshal.loads(zlib.decompress(blob))
                if isinstance(d, dict):
                    out[b] = d
        except (sqlite3.OperationalError, zlib.error, ValueError, EOFError, TypeError):
            return {}
        return out
