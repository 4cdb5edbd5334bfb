"""atomic.write_atomic, the one way ipcorpus replaces a file it writes: the whole
new content or the old file, never a part, and no temporary file left behind."""
import os

import pytest

from ipcorpus.atomic import write_atomic


def test_writes_text_and_bytes_and_replaces(tmp_path):
    p = tmp_path / "out.json"
    write_atomic(str(p), "雷军\n")
    assert p.read_bytes() == "雷军\n".encode()
    write_atomic(str(p), b"\x00\xff")
    assert p.read_bytes() == b"\x00\xff"
    assert os.listdir(tmp_path) == ["out.json"]


def test_text_errors_as_open_takes_them(tmp_path):
    p = tmp_path / "base.json"
    name = os.fsdecode(b"\xff.txt")                  # a file name that is not UTF-8
    write_atomic(str(p), name, errors="surrogateescape")
    assert p.read_bytes() == b"\xff.txt"


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path):
    p = tmp_path / "brief.html"
    p.write_text("old", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(str(p), "\udcff")                # cannot be encoded strictly
    assert p.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["brief.html"]


def test_a_folder_that_cannot_be_written_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        write_atomic(str(tmp_path / "missing" / "x.txt"), "x")


def test_mode_is_what_open_gives(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(str(tmp_path / "a"), "x")
        (tmp_path / "b").write_text("x")
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "a").st_mode == os.stat(tmp_path / "b").st_mode
