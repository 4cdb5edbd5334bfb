"""What the corpus-level learning keeps in the index: the recurring furniture learned
over a set of documents, the short-line keys of each document, and the key under which
every stance was last settled."""
from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable

from ipcorpus.index.connection import Connection


class Learned(Connection):
    """The `learned` and `linekeys` tables and their entries in `info`."""

    # The learned furniture depends only on the analyser version and the set of
    # documents; the last result is kept so an unchanged corpus need not recount.
    @staticmethod
    def _learned_key(version: str, hashes: Iterable[str]) -> str:
        h = hashlib.blake2b(version.encode(), digest_size=16)
        for x in sorted(set(hashes)):
            h.update(x.encode())
        return h.hexdigest()

    # Learned furniture (corpus/furniture.py): the `learned` info row names it (its key, analyser
    # version, recurring keys, each affected document's signature); the `learned`
    # table lists its documents with their learned keys, updated row by row.
    def learned(self, version: str, hashes: Iterable[str]) -> tuple[str, set, dict] | None:
        """(its key, recurring keys, hash -> signature of its learned keys) saved for
        exactly these documents."""
        key = self._learned_key(version, hashes)
        got = self._info("learned")
        if not isinstance(got, dict) or got.get("key") != key:
            return None
        try:
            return key, set(got["recurring"]), dict(got["affected"])
        except (TypeError, KeyError, ValueError):
            return None

    def learned_keys(self, key: str) -> dict | None:
        """hash -> its learned line keys, saved with the learned furniture `key`."""
        with self._snapshot():
            got = self._info("learned")
            if not isinstance(got, dict) or got.get("key") != key:
                return None
            return {h: ks.split("\n") for h, ks in self.db.execute("SELECT hash, keys FROM learned WHERE keys != ''")}

    def learned_state(self, version: str) -> dict | None:
        """The last learned result in full (its documents, recurring keys and each
        document's learned keys), for corpus/furniture.py to bring up to date."""
        with self._snapshot():
            got = self._info("learned")
            if not isinstance(got, dict) or got.get("version") != version or \
                    not isinstance(got.get("recurring"), list):
                return None
            rows = self.db.execute("SELECT hash, keys FROM learned").fetchall()
        return {"hashes": [h for h, _ in rows], "recurring": got["recurring"],
                "per_doc": {h: ks.split("\n") for h, ks in rows if ks}}

    def set_learned(self, version: str, hashes: Iterable[str], recurring: set, affected: dict,
                    per_doc: dict, changes: tuple[set, set] | None = None) -> str:
        """Save learned furniture; `changes` (documents gone, documents whose learned
        keys are new or changed) updates the last result instead of rewriting it."""
        hashes = sorted(set(hashes))
        key = self._learned_key(version, hashes)
        try:
            with self._writing():
                self._set_info("learned", {"key": key, "version": version, "recurring": sorted(recurring),
                                           "affected": affected})
                if changes is None:
                    self.db.execute("DELETE FROM learned")
                    rows = [(h, "\n".join(per_doc.get(h, ()))) for h in hashes]
                else:
                    gone, changed = changes
                    self.db.executemany("DELETE FROM learned WHERE hash=?", [(h,) for h in gone])
                    rows = [(h, "\n".join(per_doc.get(h, ()))) for h in changed]
                self.db.executemany("INSERT OR REPLACE INTO learned VALUES (?,?)", rows)
        except sqlite3.OperationalError:
            pass  # a cache write: the next run learns again
        return key

    def settled(self) -> str | None:
        """The learned-furniture key under which every document's stance was last
        stored (pipeline._settle), so an unchanged corpus need not look again."""
        got = self._info("settled")
        return got if isinstance(got, str) else None

    def set_settled(self, key: str | None):
        self._set_info("settled", key)

    def doc_keys(self, version: str, hashes: Iterable[str]) -> dict[str, tuple[str, list]]:
        """hash -> (fingerprint, short-line keys) of the given documents."""
        want = set(hashes)
        if len(want) <= 200:
            rows = [r for h in want for r in self.db.execute(
                "SELECT hash, fp, keys FROM analyses WHERE hash=? AND version=?", (h, version))]
        else:
            rows = [r for r in self.db.execute("SELECT hash, fp, keys FROM analyses WHERE version=?", (version,))
                    if r[0] in want]
        return {h: (fp or "", keys.split("\n") if keys else []) for h, fp, keys in rows}

    def keys_of(self, version: str, keys: Iterable[str], hashes: Iterable[str]) -> dict[str, list[str]]:
        """For each given document, which of the given keys it holds."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS rk (key TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM rk")
        self.db.executemany("INSERT OR IGNORE INTO rk VALUES (?)", [(k,) for k in keys])
        want = set(hashes)
        out: dict[str, list[str]] = {}
        for h, k in self.db.execute(
                "SELECT DISTINCT hash, key FROM linekeys JOIN rk USING (key) WHERE version=? ORDER BY hash, key",
                (version,)):
            if h in want:
                out.setdefault(h, []).append(k)
        return out

    def key_counts(self, version: str, hashes: Iterable[str], keys: set, enough: int) -> dict[str, int]:
        """In how many distinct articles (fingerprints) each of the given short-line
        keys occurs over the given documents, counted up to `enough` (furniture
        lines occur in thousands of articles; learning only asks whether enough)."""
        want, out = (hashes if isinstance(hashes, (set, frozenset)) else set(hashes)), {}
        for k in keys:
            fps: set = set()
            for h, fp in self.db.execute("SELECT hash, fp FROM linekeys WHERE key=? AND version=?", (k, version)):
                if h in want:
                    fps.add(fp)
                    if len(fps) >= enough:
                        break
            out[k] = len(fps)
        return out
