"""The SQLite index: where it lives, its schema, corruption, and path round trips."""
import os
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ipcorpus.errors import IpcorpusError
from ipcorpus.index import (
    SCHEMA_VERSION,
    Store,
    connection as store_connection,
    default_db_path,
    location as store_location,
    pack,
    unpack,
    user_cache_dir,
)
from ipcorpus.models import Analysis, ArticleStance, Meta


def _analysis(n=3):
    return Analysis("utf-8", "simplified", 10, [], ["x"] * n, ["x"] * n, [0] * n, [["keep", ""]] * n, Meta(),
                    keys=["小米", "雷军"], fp="abc")


def _stance():
    return ArticleStance("matrix", -0.5, 0.9, 0.0, 1.0)


def _record(path, h="h1", **kw):
    r = {"path": path, "size": 10, "mtime_ns": 123, "hash": h, "status": "ok",
         "analysis": _analysis(), "stance": _stance()}
    r.update(kw)
    return r


# -- where the index lives ------------------------------------------------------

def test_default_index_inside_the_corpus_folder(tmp_path):
    path, note = default_db_path([str(tmp_path)])
    assert path == os.path.join(str(tmp_path), ".ipcorpus", "index.sqlite")
    assert note is None
    assert (tmp_path / ".ipcorpus").is_dir()


def test_default_index_beside_a_file_given(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("x")
    path, _ = default_db_path([str(f)])
    assert path == os.path.join(str(tmp_path), ".ipcorpus", "index.sqlite")


def test_env_overrides_the_index_path(tmp_path, monkeypatch):
    monkeypatch.setenv("IPCORPUS_DB", str(tmp_path / "elsewhere.sqlite"))
    assert default_db_path([str(tmp_path / "corpus")]) == (str(tmp_path / "elsewhere.sqlite"), None)


def test_read_only_folder_falls_back_to_user_cache(tmp_path):
    corpus = tmp_path / "ro"
    corpus.mkdir()
    corpus.chmod(0o555)
    try:
        if os.access(corpus, os.W_OK):
            pytest.skip("running as a user chmod cannot stop (root)")
        path, note = default_db_path([str(corpus)])
    finally:
        corpus.chmod(0o755)
    assert path.startswith(user_cache_dir() + os.sep)
    assert note and "read-only" in note
    assert not (corpus / ".ipcorpus").exists()


def test_fallback_path_is_per_folder_and_stable(tmp_path, monkeypatch):
    # Whatever the user, an unwritable folder sends the index to the cache.
    monkeypatch.setattr(store_location, "_writable_dir", lambda folder: False)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a1, note = default_db_path([str(tmp_path / "a")])
    a2, _ = default_db_path([str(tmp_path / "a")])
    b, _ = default_db_path([str(tmp_path / "b")])
    assert a1 == a2 != b
    assert os.path.dirname(a1) == user_cache_dir()
    assert user_cache_dir().startswith(os.environ["XDG_CACHE_HOME"])
    assert "read-only" in note


# -- schema ---------------------------------------------------------------------

def test_wal_and_schema_version(tmp_path):
    s = Store(str(tmp_path / "i.sqlite"))
    s.close()
    db = sqlite3.connect(str(tmp_path / "i.sqlite"))
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT value FROM info WHERE key='schema'").fetchone()[0] == str(SCHEMA_VERSION)


def test_opening_waits_for_a_run_that_holds_a_new_index(tmp_path):
    # Two runs creating one index at once race to switch it to WAL; SQLite answers
    # the loser with "locked" at once, without the busy handler, so opening retries.
    import threading
    path = tmp_path / "i.sqlite"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT)")
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(0.5, lambda: (holder.execute("COMMIT"), holder.close())).start()
    s = Store(str(path))
    assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    s.close()


def test_opening_gives_up_on_a_lock_that_stays(tmp_path, monkeypatch):
    path = tmp_path / "i.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT)")
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(Store, "BUSY_WAIT", 0.3)
    with pytest.raises(IpcorpusError, match="is busy"):
        Store(str(path))
    holder.execute("COMMIT")
    holder.close()


def test_older_schema_is_rebuilt(tmp_path):
    p = str(tmp_path / "i.sqlite")
    db = sqlite3.connect(p)
    db.executescript("""
        CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT);
        INSERT INTO info VALUES ('schema', '1');
        CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER);
        INSERT INTO files VALUES ('/old', 1);
        CREATE TABLE analyses (hash TEXT, blob BLOB);
    """)
    db.commit()
    db.close()
    s = Store(p)
    assert s.file_rows() == {}
    s.save("v", [_record("/new")])                  # the new layout is in place
    assert set(s.file_rows()) == {"/new"}
    assert s.has_analysis("h1", "v")


@pytest.mark.parametrize("value", ["garbage", None])
def test_unreadable_schema_marker_is_rebuilt(tmp_path, value):
    p = str(tmp_path / "i.sqlite")
    db = sqlite3.connect(p)
    db.execute("CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT)")
    if value is not None:
        db.execute("INSERT INTO info VALUES ('schema', ?)", (value,))
    db.execute("CREATE TABLE files (path TEXT PRIMARY KEY)")
    db.commit()
    db.close()
    s = Store(p)
    s.save("v", [_record("/a")])
    assert list(s.file_rows()) == ["/a"]


def test_reopening_keeps_the_data(tmp_path):
    p = str(tmp_path / "i.sqlite")
    s = Store(p)
    s.save("v", [_record("/a")])
    s.close()
    s = Store(p)
    assert list(s.file_rows()) == ["/a"]
    assert s.has_analysis("h1", "v") and not s.has_analysis("h1", "other")


@pytest.mark.parametrize("content", [
    b"this is not a database at all" * 100,
    bytes(range(256)) * 64,
    b"SQLite format 3\x00" + b"\xff" * 4000,
])
def test_corrupt_index_rebuilt_with_a_warning(tmp_path, capsys, content):
    p = tmp_path / "i.sqlite"
    p.write_bytes(content)
    s = Store(str(p))
    assert "corrupt" in capsys.readouterr().err
    s.save("v", [_record("/a")])
    assert list(s.file_rows()) == ["/a"]


def test_integrity_checked_only_when_touched_since_the_last_close(tmp_path, monkeypatch):
    statements = []
    real = sqlite3.connect

    def traced(*a, **kw):
        con = real(*a, **kw)
        con.set_trace_callback(statements.append)
        return con

    monkeypatch.setattr(store_connection.sqlite3, "connect", traced)
    p = tmp_path / "i.sqlite"
    s = Store(str(p))                         # new: checked
    s.save("v", [_record("/a")])
    s.close()
    assert any("quick_check" in q for q in statements)
    statements.clear()
    Store(str(p)).close()                     # closed cleanly since: not checked
    assert not any("quick_check" in q for q in statements)
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1))      # touched by something else
    statements.clear()
    Store(str(p)).close()
    assert any("quick_check" in q for q in statements)
    (tmp_path / "i.sqlite-ok").unlink()       # a run that never closed (killed)
    statements.clear()
    Store(str(p)).close()
    assert any("quick_check" in q for q in statements)


def test_damaged_pages_rebuilt(tmp_path, capsys):
    p = tmp_path / "i.sqlite"
    s = Store(str(p))
    s.save("v", [_record(f"/f{i}", h=f"h{i}") for i in range(200)])
    s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    data = bytearray(p.read_bytes())
    assert len(data) > 8192
    data[4096:8192] = b"\xa5" * 4096                  # smash the second page
    p.write_bytes(bytes(data))
    s = Store(str(p))
    assert "corrupt" in capsys.readouterr().err
    s.save("v", [_record("/a")])
    assert "/a" in s.file_rows()


# -- rows -----------------------------------------------------------------------

def test_save_and_read_back(tmp_path):
    s = Store(str(tmp_path / "i.sqlite"))
    s.save("v", [_record("/a"), {"path": "/b", "size": 1, "mtime_ns": 2, "hash": None,
                                 "status": "failed", "error": "binary file"}])
    rows = s.file_rows()
    assert rows["/a"][:4] == (10, 123, "h1", "ok")
    assert (rows["/b"].status, rows["/b"].error) == ("failed", "binary file")
    assert rows["/a"].version == "v"
    a, stance = s.analysis("h1", "v")
    assert a == _analysis() and stance == _stance()
    assert s.stats("h1", "v")["kept"] == 3
    assert s.analysis("nope", "v") == (None, None)


def test_undecodable_file_names_round_trip(tmp_path):
    weird = os.fsdecode(os.fsencode(str(tmp_path)) + b"/bad\xff\xfename.txt")
    plain = str(tmp_path / "好 名字.txt")
    s = Store(str(tmp_path / "i.sqlite"))
    s.save("v", [_record(weird), _record(plain)])
    assert set(s.file_rows()) == {weird, plain}
    # Neither exists on disk: both are pruned, by their stored form.
    assert s.prune(set(), [str(tmp_path)]) == 2
    assert s.file_rows() == {}


def test_prune_only_forgets_missing_files_under_walked_folders(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "here.txt").write_text("x")
    s = Store(str(tmp_path / "i.sqlite"))
    here, gone = str(tmp_path / "c" / "here.txt"), str(tmp_path / "c" / "gone.txt")
    outside = str(tmp_path / "other" / "gone.txt")
    s.save("v", [_record(here), _record(gone), _record(outside)])
    assert s.prune({here}, [str(tmp_path / "c")]) == 1
    assert set(s.file_rows()) == {here, outside}


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-10**9, 10**9) | st.text(max_size=20),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
    max_leaves=20)


# Generating nested JSON is slow on a loaded machine (two test workers on two cores):
# that is the strategy's cost, not the packer's, so the speed health check is off.
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_json)
def test_pack_round_trip(obj):
    assert unpack(pack(obj)) == obj
