"""The records between the stages (ipcorpus/models.py): each round-trips through the
form the index keeps it in, and what is computed from them is computed once."""
from ipcorpus.models import FileRow, side_score
from ipcorpus.store import Store


# -- FileRow ----------------------------------------------------------------------
def test_file_row_round_trips_through_the_index(tmp_path):
    s = Store(str(tmp_path / "index.sqlite"))
    s.save("v1", [{"path": "/ok.txt", "size": 10, "mtime_ns": 123, "hash": None, "status": "ok"},
                  {"path": "/bad.txt", "size": 0, "mtime_ns": 7, "hash": "h2", "status": "failed",
                   "error": "empty file"}])
    rows = s.file_rows()
    s.close()
    assert rows == {"/ok.txt": FileRow(10, 123, None, "ok", None, "v1"),
                    "/bad.txt": FileRow(0, 7, "h2", "failed", "empty file", "v1")}
    bad = rows["/bad.txt"]
    assert (bad.size, bad.mtime_ns, bad.hash, bad.status, bad.error, bad.version) == \
        (0, 7, "h2", "failed", "empty file", "v1")
    assert FileRow(**bad._asdict()) == bad


# -- the score formula ------------------------------------------------------------
def test_side_score():
    assert side_score(0.0, 0.0) == 0.0
    assert side_score(3.0, 0.0) == 0.75
    assert side_score(0.0, 3.0) == -0.75
    assert side_score(1.0, 1.0) == 0.0
    assert side_score(2.0, 1.0) == round(1 / 4, 3)
    assert side_score(1.234567, 0.0) == round(1.234567 / 2.234567, 3)
