"""The index's connection lifecycle: opening (patiently, while another run switches a
new index to WAL), checking a file that was touched since an ipcorpus run closed it,
rebuilding a corrupt or outdated index (never a file that is not ours), one write
transaction at a time, and a stamp on close."""
from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
import sys
import time
import weakref

from ipcorpus.errors import IpcorpusError

SCHEMA_VERSION = 10
_DATA_TABLES = ("files", "analyses", "linekeys", "results", "learned", "pieces")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, hash TEXT,
    status TEXT NOT NULL, error TEXT, version TEXT);
CREATE TABLE IF NOT EXISTS analyses (
    hash TEXT, version TEXT, blob BLOB NOT NULL, stance BLOB, rsig TEXT, rstance BLOB, stats TEXT,
    fp TEXT, keys TEXT, digest BLOB, rdigest BLOB, PRIMARY KEY (hash, version));
CREATE TABLE IF NOT EXISTS learned (hash TEXT PRIMARY KEY, keys TEXT);
CREATE TABLE IF NOT EXISTS pieces (family TEXT, bucket INTEGER, data BLOB, PRIMARY KEY (family, bucket));
CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, family TEXT, used INTEGER, data BLOB, pieces INTEGER);
CREATE TABLE IF NOT EXISTS linekeys (
    key TEXT, version TEXT, hash TEXT, fp TEXT, PRIMARY KEY (key, version, hash)) WITHOUT ROWID;
"""


_STAMP = "-ok"


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


class Connection:
    """An open index: the SQLite connection `db` and its lifecycle. The tables are
    read and written by Store (store.py) and its parts."""
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
