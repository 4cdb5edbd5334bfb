"""Where the index lives: one fallback index per corpus root for a read-only corpus,
no folder made for an --db that names a missing one, and a `.ipcorpus/` folder that
git ignores."""
import os
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from conftest import parse_show

from ipcorpus.clean.examples import PROSE, TITLE
from ipcorpus.commands.cli import app
from ipcorpus.index import Store, default_db_path, location as store_location, user_cache_dir

FOOTER = "品牌观察室出品"


def write_articles(root, where=("x", "y", "y")):
    """Three different articles, each ending in the same short footer: furniture the
    corpus run learns (`recurring`), in the subfolders `where`."""
    paths = []
    for k, (sub, num) in enumerate(zip(where, "一二三", strict=True)):
        prose = PROSE[k:] + PROSE[:k]
        body = [f"{TITLE}（第{num}篇）", ""]
        for p in prose:
            body += [p + f"这是第{num}篇的补充。", ""]
        folder = root / sub
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"a{k}.txt"
        path.write_text("\n".join(body + [FOOTER]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def invoke(*args, code=0):
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert res.exit_code == code, (res.exit_code, res.stdout, res.stderr, res.exception)
    return res


# -- item 6: one fallback index per corpus root --------------------------------------
@pytest.fixture
def read_only(monkeypatch):
    """Whatever the user (root included), no folder is writable for the index."""
    monkeypatch.setattr(store_location, "_writable_dir", lambda folder: False)


def test_a_subfolder_of_a_read_only_corpus_uses_the_corpus_fallback(tmp_path, read_only):
    ro = tmp_path / "ro"
    (ro / "sub" / "deeper").mkdir(parents=True)
    (ro / "sub" / "a.txt").write_text("x", encoding="utf-8")
    first, note = default_db_path([str(ro)])
    assert os.path.dirname(first) == user_cache_dir() and "read-only" in note
    Store(first).close()
    for p in (ro / "sub", ro / "sub" / "deeper", ro / "sub" / "a.txt"):
        assert default_db_path([str(p)])[0] == first, p
    # A folder beside it is another corpus.
    (tmp_path / "other").mkdir()
    assert default_db_path([str(tmp_path / "other")])[0] != first


def test_show_agrees_with_clean_on_a_read_only_corpus(tmp_path, monkeypatch, read_only):
    ro = tmp_path / "ro"
    a0 = write_articles(ro)[0]
    n = a0.read_text(encoding="utf-8").splitlines().index(FOOTER) + 1
    monkeypatch.chdir(tmp_path)
    res = invoke("clean", "ro", "--explain")
    assert f"ro/x/a0.txt:{n}: [recurring] {FOOTER}" in res.stdout.splitlines()
    assert "read-only" in res.stderr
    shown = parse_show(invoke("show", f"ro/x/a0.txt:{n}").stdout)
    assert shown == [(">", n, FOOTER, "recurring")]
    assert not any(p.name == ".ipcorpus" for p in tmp_path.rglob("*"))


# -- item 8: --db in a missing folder is refused --------------------------------------
@pytest.mark.parametrize("cmd", ["ingest", "stance", "clean", "report", "check", "show"])
def test_db_in_a_missing_folder_is_one_error_and_makes_no_folder(tmp_path, monkeypatch, cmd):
    write_articles(tmp_path / "c")
    monkeypatch.chdir(tmp_path)
    target = ["c/x/a0.txt:1"] if cmd == "show" else ["c"]
    at_root = f"/ipcorpus-test-no-such-folder-{os.getpid()}"
    try:
        for folder in ("nodir", "nodir/deeper", at_root):
            db = f"{folder}/index.sqlite"
            for how in ("option", "environment"):
                args, env = ([cmd, *target, "--db", db], None) if how == "option" else \
                    ([cmd, *target], {"IPCORPUS_DB": db})
                res = CliRunner().invoke(app, args, env=env)
                lines = res.stderr.splitlines()
                assert res.exit_code == 2, (how, db, res.exit_code, res.stderr)
                assert len(lines) == 1 and lines[0].startswith("ipcorpus: error: ") and folder in lines[0], lines
                assert "internal error" not in lines[0]
                assert not os.path.exists(folder.split("/")[0] if not folder.startswith("/") else folder)
    finally:
        if os.path.isdir(at_root):           # made by an ipcorpus that creates it
            shutil.rmtree(at_root)
    assert not (tmp_path / "c" / ".ipcorpus").exists()


def test_db_in_a_folder_that_exists_is_made(tmp_path, monkeypatch):
    write_articles(tmp_path / "c")
    (tmp_path / "idx").mkdir()
    monkeypatch.chdir(tmp_path)
    invoke("ingest", "c", "--db", "idx/index.sqlite")
    invoke("ingest", "c", "--db", "top.sqlite")
    assert (tmp_path / "idx" / "index.sqlite").is_file() and (tmp_path / "top.sqlite").is_file()


# -- item 16: the index folder ignores itself -----------------------------------------
def test_the_index_folder_ignores_itself(tmp_path, monkeypatch):
    c = tmp_path / "c"
    write_articles(c)
    monkeypatch.chdir(tmp_path)
    invoke("ingest", "c")
    ignore = c / ".ipcorpus" / ".gitignore"
    assert "*" in ignore.read_text(encoding="utf-8").splitlines()
    if shutil.which("git"):
        monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
        subprocess.run(["git", "init", "-q"], cwd=c, check=True)
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=c, check=True,
                                capture_output=True, text=True).stdout
        assert "x/a0.txt" in status and ".ipcorpus" not in status, status
    # Written when the folder is made, not after: a user who removed it keeps it so.
    ignore.unlink()
    invoke("ingest", "c")
    assert not ignore.exists()
    # An index named with --db makes no .gitignore beside it.
    (tmp_path / "idx").mkdir()
    invoke("ingest", "c", "--db", "idx/index.sqlite")
    assert sorted(p.name for p in (tmp_path / "idx").iterdir() if p.name.startswith(".")) == []


def test_an_index_in_the_temporary_folder_is_not_every_corpus_below_it(tmp_path, monkeypatch):
    """`ipcorpus clean /tmp/a.txt` makes /tmp/.ipcorpus for that file; a corpus in a
    folder under /tmp (every test's tmp_path among them) keeps an index of its own."""
    import tempfile
    temp = tmp_path / "tmp"
    (temp / ".ipcorpus").mkdir(parents=True)
    (temp / ".ipcorpus" / "index.sqlite").write_bytes(b"")
    corpus = temp / "job" / "corpus"
    corpus.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    path, note = default_db_path([str(corpus)])
    assert path == os.path.join(str(corpus), ".ipcorpus", "index.sqlite") and note is None
    # The temporary folder itself still finds its own index (a file named directly in it).
    loose = temp / "a.txt"
    loose.write_text(TITLE + "\n\n" + PROSE[0] + "\n", encoding="utf-8")
    assert default_db_path([str(loose)])[0] == os.path.join(str(temp), ".ipcorpus", "index.sqlite")
