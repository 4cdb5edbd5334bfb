"""The SQLite index: which files were seen, and the analysis of each content hash.

Incremental by design: a file whose size and mtime are unchanged is not read; one
whose content hash is unchanged is not re-analysed; analyses are keyed by content
hash plus analyser version, so an upgrade re-analyses. WAL mode and short
transactions let two runs share one index."""
from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import sqlite3
import sys
import time
import weakref
import zlib
from collections.abc import Iterable, Iterator

from ipcorpus.errors import IpcorpusError
from ipcorpus.models import Analysis, ArticleStance, FileRow
from ipcorpus.remote import is_url

SCHEMA_VERSION = 9
CONFIG_NAME = "ipcorpus.toml"     # a corpus's settings (config.py); its folder is the corpus root
_DATA_TABLES = ("files", "analyses", "linekeys", "results", "learned", "pieces")
RESULTS_KEPT = 8                  # printed outputs kept (results.py)
RESULT_MAX = 64 << 20             # ... each at most this many bytes, compressed
_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, hash TEXT,
    status TEXT NOT NULL, error TEXT, version TEXT);
CREATE TABLE IF NOT EXISTS analyses (
    hash TEXT, version TEXT, blob BLOB NOT NULL, stance BLOB, rsig TEXT, rstance BLOB, stats TEXT,
    fp TEXT, keys TEXT, PRIMARY KEY (hash, version));
CREATE TABLE IF NOT EXISTS learned (hash TEXT PRIMARY KEY, keys TEXT);
CREATE TABLE IF NOT EXISTS pieces (family TEXT, bucket INTEGER, data BLOB, PRIMARY KEY (family, bucket));
CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, family TEXT, used INTEGER, data BLOB, pieces INTEGER);
CREATE TABLE IF NOT EXISTS linekeys (
    key TEXT, version TEXT, hash TEXT, fp TEXT, PRIMARY KEY (key, version, hash)) WITHOUT ROWID;
"""


def path_key(path: str):
    """A path as stored: its text, or its bytes when the name is not valid UTF-8
    (os.walk hands such names over with lone surrogates, which SQLite refuses)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path)


def path_of(key) -> str:
    return os.fsdecode(key) if isinstance(key, bytes) else key


def pack(obj) -> bytes:
    return zlib.compress(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 3)


def unpack(blob: bytes):
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def pack_analysis(analysis: Analysis) -> dict:
    """What the index keeps of an analysis, ready to write (made by the worker that
    analysed it, so the run's main process only inserts rows)."""
    return {"blob": pack(analysis.to_dict()), "stats": json.dumps(stats_of(analysis)),
            "keys": analysis.keys, "fp": analysis.fp}


def unpack_analysis(blob: bytes) -> Analysis:
    return Analysis.from_dict(unpack(blob))


def pack_stance(stance: ArticleStance) -> bytes:
    return pack(stance.to_dict())


def unpack_stance(blob: bytes) -> ArticleStance:
    return ArticleStance.from_dict(unpack(blob))


def stats_of(analysis: Analysis) -> dict:
    """The few numbers a summary needs, kept apart so it need not unpack analyses."""
    acts = [v[0] for v in analysis.verdicts]
    return {"encoding": analysis.encoding, "script": analysis.script, "lines": len(acts),
            "kept": len(analysis.kept()), "dropped": acts.count("drop"), "blank": acts.count("blank"),
            "damaged": len(analysis.damaged())}


def user_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "ipcorpus")


def default_db_path(paths: list[str], create: bool = True) -> tuple[str, str | None]:
    """`.ipcorpus/index.sqlite` in the corpus folder (the first folder given, or the
    folder of the first file, or the folder above them that holds the corpus's
    ipcorpus.toml); the user cache when that is read-only. Returns the path and a
    note for stderr when it fell back. Without `create`, only says where (`ipcorpus
    config`): no folder is made."""
    env = os.environ.get("IPCORPUS_DB")
    if env:
        return env, None
    first = paths[0] if paths else "."
    if is_url(first):
        # An fsspec URL (remote.py): the index of that corpus lives in the user cache.
        return _fallback(first), None
    root = first if os.path.isdir(first) else (os.path.dirname(first) or ".")
    # An index in a parent folder is the corpus's index (as git finds .git), so
    # `ipcorpus show corpus/sub/a.txt:3` uses corpus/.ipcorpus.
    found = _index_above(root)
    if found:
        return found, None
    # ipcorpus.toml marks the corpus root: `ingest corpus/sub` indexes into
    # corpus/.ipcorpus, which `ingest corpus` then uses.
    config = nearest_file(root, CONFIG_NAME)
    if config:
        root = os.path.dirname(config) or "."
    folder = os.path.join(root, ".ipcorpus")
    if _writable_dir(folder) if create else \
            os.access(folder if os.path.isdir(folder) else os.path.dirname(os.path.abspath(folder)), os.W_OK):
        return os.path.join(folder, "index.sqlite"), None
    # One fallback per corpus root, found as a local index is: the nearest one made
    # for this folder or a folder above it, so a subfolder shares its corpus's.
    alt = next((p for p in map(_fallback, folders_up(root)) if os.path.isfile(p)), None) or _fallback(root)
    return alt, f"{root} is read-only; using the index at {alt}"


def check_db_folder(path: str):
    """An index named with --db (or IPCORPUS_DB) goes in a folder that exists:
    ipcorpus makes no folder it was not asked for (a typo would leave one behind,
    even at the filesystem root)."""
    parent = os.path.dirname(path) or "."
    if not os.path.lexists(parent):
        raise IpcorpusError(f"--db {path}: no such folder {parent} (ipcorpus does not create it)")


def _fallback(folder: str) -> str:
    """The index in the user cache for a read-only corpus folder."""
    key = folder if is_url(folder) else os.path.abspath(folder)
    tag = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    return os.path.join(user_cache_dir(), f"index-{tag}.sqlite")


def folders_up(folder: str) -> Iterator[str]:
    """The folder (absolute) and those above it, up to the top of a git work tree,
    the home folder or the filesystem root, whichever comes first: where the index
    and the settings of a corpus are looked for."""
    here = os.path.abspath(folder)
    home = os.path.abspath(os.path.expanduser("~"))
    while True:
        yield here
        parent = os.path.dirname(here)
        if parent == here or here == home or os.path.exists(os.path.join(here, ".git")):
            return
        here = parent


def nearest_file(folder: str, name: str) -> str | None:
    """The nearest file `name` in folder or above it (folders_up); relative when the
    folder is."""
    for here in folders_up(folder):
        cand = os.path.join(here, name)
        if os.path.isfile(cand):
            return cand if os.path.isabs(folder) else os.path.relpath(cand)
    return None


def _index_above(folder: str) -> str | None:
    """The nearest .ipcorpus/index.sqlite in folder or above it, not looking past the
    top of a git work tree or the home folder."""
    for here in folders_up(folder):
        cand = os.path.join(here, ".ipcorpus", "index.sqlite")
        if os.path.isfile(cand):
            if os.path.abspath(folder) == here:
                return os.path.join(folder, ".ipcorpus", "index.sqlite")   # keep it relative
            return cand
    return None


def _replaceable(path: str) -> bool:
    """Whether a file that SQLite cannot open as a database may be deleted and
    rebuilt as the index: an empty or damaged SQLite file, or a file named as an
    index (in `.ipcorpus/`, or ending in .sqlite, .sqlite3 or .db); never, say, an
    article given to --db by mistake."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    name = os.path.basename(path).lower()
    return (not head or head == b"SQLite format 3\x00" or name.endswith((".sqlite", ".sqlite3", ".db"))
            or os.path.basename(os.path.dirname(os.path.abspath(path))) == ".ipcorpus")


_STAMP = "-ok"


def _stamp(path: str) -> str:
    """Size and time of the index and its WAL file."""
    parts = []
    for suffix in ("", "-wal"):
        try:
            st = os.stat(path + suffix)
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append("-")
    return " ".join(parts)


def _read_stamp(path: str) -> str | None:
    try:
        with open(path + _STAMP, encoding="ascii") as fh:
            return fh.read()
    except (OSError, ValueError):
        return None


def _close_and_stamp(db: sqlite3.Connection, path: str):
    try:
        db.close()
    except sqlite3.Error:
        return
    try:
        with open(path + _STAMP, "w", encoding="ascii") as fh:
            fh.write(_stamp(path))
    except OSError:
        pass        # a read-only folder: the next run checks the index again


def _busy(e: Exception) -> bool:
    return "locked" in str(e) or "busy" in str(e)


def _writable_dir(folder: str) -> bool:
    made = not os.path.isdir(folder)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    if made:
        _ignore_itself(folder)
    return os.access(folder, os.W_OK)


def _ignore_itself(folder: str):
    """A new index folder tells git (and tools that read .gitignore) to skip it, as
    ruff's and pytest's caches do; only when it is made, so a user may remove it."""
    try:
        with open(os.path.join(folder, ".gitignore"), "x", encoding="ascii") as fh:
            fh.write("# Created by ipcorpus automatically.\n*\n")
    except OSError:
        pass        # made by another run at the same moment, or not writable: the index works without


class Store:
    # How long a run waits for another run holding the index, in seconds.
    BUSY_WAIT = 60.0

    def __init__(self, path: str):
        self.path = path
        parent = os.path.dirname(path) or "."
        try:
            os.makedirs(parent, exist_ok=True)
        except OSError as e:
            raise IpcorpusError(f"cannot create index folder {parent}: {e.strerror}") from None
        self.db = self._open()
        # Closed and stamped when the run ends (or the store is dropped), so the
        # next run knows whether anything touched the index since (see _prepare).
        self._finish = weakref.finalize(self, _close_and_stamp, self.db, self.path)

    def _open(self) -> sqlite3.Connection:
        try:
            db = self._connect_patiently()
        except sqlite3.DatabaseError as e:
            if _busy(e):
                raise IpcorpusError(f"index {self.path} is busy: {e}") from None
            if not _replaceable(self.path):
                # `--db article.txt` by mistake: never delete a file that is not ours.
                raise IpcorpusError(f"{self.path} is not an SQLite database; not replacing it "
                                    f"(remove it or choose another --db)") from None
            print(f"ipcorpus: warning: index {self.path} is corrupt ({e}); rebuilding it", file=sys.stderr)
            for suffix in ("", "-wal", "-shm", _STAMP):
                try:
                    os.remove(self.path + suffix)
                except FileNotFoundError:
                    pass
                except OSError as err:
                    raise IpcorpusError(f"cannot remove corrupt index {self.path}: {err.strerror}") from None
            db = self._connect()
        return db

    def _connect_patiently(self) -> sqlite3.Connection:
        """Two runs that open a new index at once race to switch it to WAL, and
        SQLite answers that switch with "locked" at once instead of calling the
        busy handler; so opening is retried here, as long as the busy timeout."""
        deadline = time.monotonic() + self.BUSY_WAIT
        pause = 0.01
        while True:
            try:
                return self._connect()
            except sqlite3.OperationalError as e:
                if not _busy(e) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)

    def _connect(self) -> sqlite3.Connection:
        # quick_check reads every page (70 ms for a 2,000-article index), so it runs
        # only when the files changed since an ipcorpus run last closed them (a
        # crash, a copy, a damaged disk); looked at before connecting, which makes
        # a WAL file.
        touched = _read_stamp(self.path) != _stamp(self.path)
        try:
            db = sqlite3.connect(self.path, timeout=self.BUSY_WAIT, isolation_level=None)
        except sqlite3.OperationalError as e:
            raise IpcorpusError(f"cannot use index {self.path}: {e}") from None
        try:
            return self._prepare(db, touched)
        except BaseException:
            db.close()      # a retry must not leave this connection holding a lock
            raise

    def _prepare(self, db: sqlite3.Connection, touched: bool) -> sqlite3.Connection:
        try:
            db.execute(f"PRAGMA busy_timeout={int(self.BUSY_WAIT * 1000)}")
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and "info" not in tables:
                # Every ipcorpus index has `info` (its first table): this database
                # belongs to something else, whose tables the rebuild below would
                # drop (and even WAL mode rewrites its header), so nothing is written.
                raise IpcorpusError(f"{self.path} is an SQLite database but not an ipcorpus index; "
                                    f"not touching it (choose another --db)")
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if touched:
                row = db.execute("PRAGMA quick_check").fetchone()
                if row and row[0] != "ok":
                    raise sqlite3.DatabaseError(row[0])
            db.executescript(_SCHEMA)
            if self._schema(db) != str(SCHEMA_VERSION):
                # Another layout (or none recorded): rebuild the tables, since
                # CREATE TABLE IF NOT EXISTS would keep an old table's columns.
                db.execute("BEGIN IMMEDIATE")
                if self._schema(db) != str(SCHEMA_VERSION):      # not done meanwhile
                    for t in _DATA_TABLES:
                        db.execute(f"DROP TABLE IF EXISTS {t}")
                    for stmt in _SCHEMA.split(";"):
                        if stmt.strip():
                            db.execute(stmt)
                    db.execute("INSERT OR REPLACE INTO info VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                db.execute("COMMIT")
            return db
        except sqlite3.OperationalError as e:
            msg = str(e)
            if "readonly" in msg or "unable to open" in msg or "disk" in msg:
                raise IpcorpusError(f"cannot use index {self.path}: {msg}") from None
            raise

    @staticmethod
    def _schema(db) -> str | None:
        got = db.execute("SELECT value FROM info WHERE key='schema'").fetchone()
        return str(got[0]) if got else None

    def close(self):
        self._finish()

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
                # One table ordered by key, for learn.py's lookups by key, filled in key
                # order; a document analysed again has the same keys (a pure function).
                keys.sort()
                self.db.executemany("INSERT OR IGNORE INTO linekeys VALUES (?,?,?,?)", keys)
        except sqlite3.OperationalError as e:
            raise IpcorpusError(f"cannot write index {self.path}: {e}") from None

    def prune(self, keep_paths: set[str], under: list[str]) -> int:
        """Forget files under the walked folders that are gone."""
        gone = []
        for (key,) in self.db.execute("SELECT path FROM files").fetchall():
            p = path_of(key)
            if p not in keep_paths and any(p == u or p.startswith(u.rstrip(os.sep) + os.sep) for u in under):
                if not os.path.exists(p):
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

    def stance_states(self, version: str) -> dict[str, tuple[bool, str | None]]:
        """hash -> (is its plain stance stored, the signature of its stored stance with
        learned furniture dropped), in one query."""
        return {h: (bool(has), rsig) for h, has, rsig in self.db.execute(
            "SELECT hash, stance IS NOT NULL, CASE WHEN rstance IS NULL THEN NULL ELSE rsig END "
            "FROM analyses WHERE version=?", (version,))}

    def set_stances(self, version: str, rows: list[tuple[str, str, bytes]]) -> bool:
        """Keep packed stances: (hash, "", stance) is the plain one, (hash, signature,
        stance) the one with that document's learned furniture dropped. A cache
        write: a read-only or busy index only costs time later (False)."""
        if not rows:
            return True
        try:
            with self._writing():
                self.db.executemany("UPDATE analyses SET stance=? WHERE hash=? AND version=?",
                                    [(st, h, version) for h, sig, st in rows if not sig])
                self.db.executemany("UPDATE analyses SET rsig=?, rstance=? WHERE hash=? AND version=?",
                                    [(sig, st, h, version) for h, sig, st in rows if sig])
            return True
        except sqlite3.OperationalError:
            return False

    def result(self, key: str):
        """A command's printed output kept under `key` (results.py): its text, or its
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
        """bucket -> {id: piece} kept for a family of outputs (results.py)."""
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

    # The learned furniture depends only on the analyser version and the set of
    # documents; the last result is kept so an unchanged corpus need not recount.
    @staticmethod
    def _learned_key(version: str, hashes: Iterable[str]) -> str:
        h = hashlib.blake2b(version.encode(), digest_size=16)
        for x in sorted(set(hashes)):
            h.update(x.encode())
        return h.hexdigest()

    def ok_hashes(self, version: str) -> set[str]:
        """Content hashes of the indexed files analysed by this analyser version."""
        return {h for (h,) in self.db.execute(
            "SELECT DISTINCT f.hash FROM files f JOIN analyses a ON a.hash = f.hash AND a.version = ? "
            "WHERE f.status = 'ok'", (version,))}

    def analysed(self, version: str) -> set[str]:
        """Content hashes that have an analysis by this analyser version."""
        return {h for (h,) in self.db.execute("SELECT hash FROM analyses WHERE version=?", (version,))}

    # Learned furniture (learn.py): the `learned` info row names it (its key, analyser
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
        document's learned keys), for learn.py to bring up to date."""
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

    @contextlib.contextmanager
    def _writing(self):
        """One write transaction, taken at once (BEGIN IMMEDIATE: a busy index waits
        here, not half-way); committed, or rolled back when the body raises."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise

    @contextlib.contextmanager
    def _snapshot(self):
        """Reads that must see one state of the index, whatever other runs write."""
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            try:
                self.db.execute("COMMIT")
            except sqlite3.Error:
                pass

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

    def settled(self) -> str | None:
        """The learned-furniture key under which every document's stance was last
        stored (pipeline._settle), so an unchanged corpus need not look again."""
        got = self._info("settled")
        return got if isinstance(got, str) else None

    def set_settled(self, key: str | None):
        self._set_info("settled", key)

    def _info(self, name: str):
        """A cached value kept in `info` (marshal): fast to read and write for
        the thousands of entries learned furniture has, and written by this Python
        version only (another one reads None and computes it again)."""
        row = self.db.execute("SELECT value FROM info WHERE key=?", (name,)).fetchone()
        try:
            got = marshal.loads(row[0]) if row and isinstance(row[0], bytes) else None
        except (ValueError, EOFError, TypeError):
            return None
        return got[1] if isinstance(got, tuple) and len(got) == 2 and got[0] == sys.version else None

    def _set_info(self, name: str, value):
        try:
            self.db.execute("INSERT OR REPLACE INTO info VALUES (?, ?)",
                            (name, marshal.dumps((sys.version, value))))
        except (sqlite3.OperationalError, ValueError):
            pass  # a cache write, as in set_stances

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
