"""The corpus run: where the index goes, incremental updates, pruning, versions,
corruption, and identical results in one process or many."""
import ast
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import SAMPLE

from ipcorpus.corpus import fingerprint, pipeline, take, workers
from ipcorpus.corpus.pipeline import Options, run
from ipcorpus.index import user_cache_dir

SMALL = ["netease/xiaomi_ip_firewall.txt", "sina/tesla_byd_liangzhong_biaoda.txt",
         "blog/chenou_wo_wei_ziji_daiyan.txt", "wechat/kos_yuangong_zhanghao.txt"]


def _sample_files():
    return sorted(p for p in SAMPLE.rglob("*") if p.is_file() and ".ipcorpus" not in p.parts)


def make_corpus(root, names=SMALL):
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        dst = root / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLE / name, dst)
    return root


@pytest.fixture
def spy(monkeypatch):
    """Count the documents analysed (in-process runs only)."""
    calls = []
    real = workers.analyse_bytes

    def counting(path, data, *args, **kwargs):
        calls.append(path)
        return real(path, data, *args, **kwargs)

    monkeypatch.setattr(workers, "analyse_bytes", counting)
    return calls


def _status(corpus):
    return {os.path.basename(f.path): f.status for f in corpus.files}


def _bump_mtime(path):
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


# -- where the index goes -------------------------------------------------------

def test_index_inside_the_corpus_folder(tmp_path):
    c = make_corpus(tmp_path / "c")
    corpus = run([str(c)], Options(jobs=1))
    assert (c / ".ipcorpus" / "index.sqlite").is_file()
    assert corpus.store.path == str(c / ".ipcorpus" / "index.sqlite")
    assert corpus.notes == []
    # The index folder is hidden: it is never read as articles.
    assert not any(".ipcorpus" in f.path for f in corpus.files)


def test_db_option_and_env_override(tmp_path, monkeypatch):
    c = make_corpus(tmp_path / "c", SMALL[:1])
    run([str(c)], Options(jobs=1, db=str(tmp_path / "opt.sqlite")))
    assert (tmp_path / "opt.sqlite").is_file()
    monkeypatch.setenv("IPCORPUS_DB", str(tmp_path / "env.sqlite"))
    run([str(c)], Options(jobs=1))
    assert (tmp_path / "env.sqlite").is_file()
    assert not (c / ".ipcorpus").exists()
    # --db wins over the environment.
    run([str(c)], Options(jobs=1, db=str(tmp_path / "opt2.sqlite")))
    assert (tmp_path / "opt2.sqlite").is_file()


def test_read_only_corpus_uses_the_user_cache(tmp_path):
    c = make_corpus(tmp_path / "c", SMALL[:2])
    c.chmod(0o555)
    try:
        if os.access(c, os.W_OK):
            pytest.skip("chmod cannot make a folder read-only for this user (root)")
        corpus = run([str(c)], Options(jobs=1))
        again = run([str(c)], Options(jobs=1))
    finally:
        c.chmod(0o755)
    assert not (c / ".ipcorpus").exists()
    assert corpus.store.path.startswith(user_cache_dir())
    assert os.path.isfile(corpus.store.path)
    assert any("read-only" in n for n in corpus.notes)
    assert set(_status(again).values()) == {"unchanged"}


def test_no_cache_writes_no_index(tmp_path):
    c = make_corpus(tmp_path / "c", SMALL[:2])
    cache_before = set(os.listdir(user_cache_dir())) if os.path.isdir(user_cache_dir()) else set()
    corpus = run([str(c)], Options(jobs=1, no_cache=True))
    assert corpus.store is None
    assert [f.status for f in corpus.files] == ["new", "new"]
    assert all(corpus.analysis(f).verdicts and corpus.stance(f).label for f in corpus.files)
    assert not (c / ".ipcorpus").exists()
    assert not list(tmp_path.rglob("*.sqlite*"))
    after = set(os.listdir(user_cache_dir())) if os.path.isdir(user_cache_dir()) else set()
    assert not any(n.startswith("index-") for n in after - cache_before)


def test_wal_mode(tmp_path):
    c = make_corpus(tmp_path / "c", SMALL[:1])
    corpus = run([str(c)], Options(jobs=1))
    assert corpus.store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_corrupt_index_rebuilt_with_warning(tmp_path, capsys):
    c = make_corpus(tmp_path / "c", SMALL[:2])
    (c / ".ipcorpus").mkdir()
    (c / ".ipcorpus" / "index.sqlite").write_bytes(os.urandom(8192))
    corpus = run([str(c)], Options(jobs=1))
    err = capsys.readouterr().err
    assert "corrupt" in err and "rebuilding" in err
    assert [f.status for f in corpus.files] == ["new", "new"]
    assert set(_status(run([str(c)], Options(jobs=1))).values()) == {"unchanged"}


# -- incremental ----------------------------------------------------------------

def test_second_run_is_all_unchanged_without_analysis(tmp_path, spy):
    c = make_corpus(tmp_path / "c")
    first = run([str(c)], Options(jobs=1))
    assert set(_status(first).values()) == {"new"}
    assert len(spy) == len(SMALL)
    spy.clear()
    second = run([str(c)], Options(jobs=1))
    assert set(_status(second).values()) == {"unchanged"}
    assert spy == []
    # The cached results are the same as the fresh ones.
    for a, b in zip(first.files, second.files, strict=True):
        assert a.hash == b.hash
        assert second.analysis(b).verdicts == first.analysis(a).verdicts
        assert second.stance(b) == first.stance(a)


def test_unchanged_files_are_not_even_read(tmp_path, monkeypatch):
    c = make_corpus(tmp_path / "c")
    run([str(c)], Options(jobs=1))
    reads = []
    real = take.read_bytes
    monkeypatch.setattr(take, "read_bytes", lambda p, *a: reads.append(p) or real(p, *a))
    run([str(c)], Options(jobs=1))
    assert reads == []


def test_touched_file_is_rehashed_not_reanalysed(tmp_path, spy, monkeypatch):
    c = make_corpus(tmp_path / "c")
    run([str(c)], Options(jobs=1))
    target = c / SMALL[0]
    _bump_mtime(target)
    reads = []
    real = take.read_bytes
    monkeypatch.setattr(take, "read_bytes", lambda p, *a: reads.append(p) or real(p, *a))
    spy.clear()
    corpus = run([str(c)], Options(jobs=1))
    assert set(_status(corpus).values()) == {"unchanged"}
    assert spy == []
    assert reads == [str(target)]
    # The new mtime is recorded: the next run does not read it again.
    reads.clear()
    run([str(c)], Options(jobs=1))
    assert reads == []


def test_changed_content_is_reanalysed(tmp_path, spy):
    c = make_corpus(tmp_path / "c")
    first = run([str(c)], Options(jobs=1))
    target = c / SMALL[0]
    old = next(f for f in first.files if f.path == str(target))
    old_lines = len(first.analysis(old).text)
    with open(target, "ab") as fh:
        fh.write("\n小米还要继续做账号矩阵，高管和工程师一起发声。\n".encode())
    _bump_mtime(target)
    spy.clear()
    corpus = run([str(c)], Options(jobs=1))
    st = _status(corpus)
    assert st.pop(target.name) == "changed"
    assert set(st.values()) == {"unchanged"}
    assert spy == [str(target)]
    new = next(f for f in corpus.files if f.path == str(target))
    assert new.hash != old.hash
    assert len(corpus.analysis(new).text) > old_lines


def test_deleted_files_are_pruned(tmp_path):
    c = make_corpus(tmp_path / "c")
    first = run([str(c)], Options(jobs=1))
    gone = c / SMALL[1]
    gone.unlink()
    corpus = run([str(c)], Options(jobs=1))
    assert corpus.pruned == 1
    assert str(gone) not in [f.path for f in corpus.files]
    rows = corpus.store.file_rows()
    assert os.path.abspath(gone) not in rows
    assert len(rows) == len(first.files) - 1


def test_explicit_files_outside_a_walk_are_not_pruned(tmp_path):
    c = make_corpus(tmp_path / "c", SMALL[:2])
    db = str(tmp_path / "i.sqlite")
    run([str(c)], Options(jobs=1, db=db))
    corpus = run([str(c / SMALL[0])], Options(jobs=1, db=db))
    assert corpus.pruned == 0
    assert len(corpus.store.file_rows()) == 2


def test_new_analyser_version_reanalyses(tmp_path, spy, monkeypatch):
    c = make_corpus(tmp_path / "c")
    run([str(c)], Options(jobs=1))
    monkeypatch.setattr(pipeline, "ANALYSER_VERSION", "test-upgrade")
    spy.clear()
    corpus = run([str(c)], Options(jobs=1))
    assert corpus.version.startswith("test-upgrade")
    assert set(_status(corpus).values()) == {"changed"}
    assert len(spy) == len(SMALL)
    spy.clear()
    assert set(_status(run([str(c)], Options(jobs=1))).values()) == {"unchanged"}
    assert spy == []


def test_changed_rules_change_the_version(tmp_path, spy):
    c = make_corpus(tmp_path / "c", SMALL[:2])
    run([str(c)], Options(jobs=1))
    spy.clear()
    opts = Options(jobs=1, drop_rules=("breadcrumb",))
    assert opts.version() != Options().version()
    corpus = run([str(c)], opts)
    assert set(_status(corpus).values()) == {"changed"}
    assert len(spy) == 2


def test_content_failure_is_remembered_until_the_analyser_changes(tmp_path, spy, monkeypatch):
    c = make_corpus(tmp_path / "c", SMALL[:1])
    (c / "blob.txt").write_bytes(b"\x00\x01\x02\x03\xff" * 100)
    first = run([str(c)], Options(jobs=1))
    assert _status(first)["blob.txt"] == "failed"
    spy.clear()
    again = run([str(c)], Options(jobs=1))
    blob = next(f for f in again.files if f.path.endswith("blob.txt"))
    assert blob.status == "failed" and "binary" in blob.error
    assert spy == []
    monkeypatch.setattr(pipeline, "ANALYSER_VERSION", "test-upgrade")
    spy.clear()
    run([str(c)], Options(jobs=1))
    assert str(c / "blob.txt") in spy


def test_read_failure_is_tried_again(tmp_path, monkeypatch):
    # A file unreadable once (permissions since fixed, a size limit since raised)
    # must be read on the next run even though its size and mtime are the same.
    c = make_corpus(tmp_path / "c", SMALL[:1])
    first = run([str(c)], Options(jobs=1, max_bytes=100))
    assert first.files[0].status == "failed" and "too large" in first.files[0].error
    second = run([str(c)], Options(jobs=1))
    assert second.files[0].status == "new" or second.files[0].status == "changed"
    assert second.files[0].ok


# -- parallel -------------------------------------------------------------------

def test_one_process_and_many_give_identical_results(tmp_path, monkeypatch):
    files = _sample_files()
    n = workers.PARALLEL_MIN + 4
    c = tmp_path / "c"
    for i in range(n):
        src = files[i % len(files)]
        dst = c / f"batch{i % 3}" / f"{i:03d} {src.stem}{src.suffix}"
        dst.parent.mkdir(parents=True, exist_ok=True)
        data = src.read_bytes()
        if i >= len(files):         # a repost with an extra final line: a different hash
            data += b"\n" if not data.startswith(b"\xff\xfe") else "\n".encode("utf-16-le")
        dst.write_bytes(data)
    pools = []

    class Pool(workers.ProcessPoolExecutor):
        def __init__(self, *a, **kw):
            pools.append(kw.get("max_workers"))
            super().__init__(*a, **kw)

    monkeypatch.setattr(workers, "ProcessPoolExecutor", Pool)
    one = run([str(c)], Options(jobs=1, db=str(tmp_path / "one.sqlite")))
    assert pools == []
    many = run([str(c)], Options(jobs=2, db=str(tmp_path / "many.sqlite")))
    assert pools == [2]
    assert len(one.files) == len(many.files) == n
    assert [(f.path, f.status, f.hash, f.error) for f in one.files] == \
           [(f.path, f.status, f.hash, f.error) for f in many.files]
    assert one.recurring == many.recurring
    assert one.affected == many.affected
    for a, b in zip(one.docs(), many.docs(), strict=True):
        assert one.analysis(a) == many.analysis(b), a.path
        assert one.stance(a) == many.stance(b), a.path
    # And the indexes they wrote hold the same rows.
    q = "SELECT hash, version, blob, stance, stats FROM analyses ORDER BY hash"
    r1 = sqlite3.connect(str(tmp_path / "one.sqlite")).execute(q).fetchall()
    r2 = sqlite3.connect(str(tmp_path / "many.sqlite")).execute(q).fetchall()
    assert r1 == r2


def test_run_order_is_the_walk_order(tmp_path):
    c = make_corpus(tmp_path / "c")
    corpus = run([str(c)], Options(jobs=1, no_cache=True))
    from ipcorpus.read.source import iter_paths
    assert [f.path for f in corpus.files] == list(iter_paths([str(c)]))


# -- scoring: once per document, after learning ------------------------------------

@pytest.fixture
def scored(monkeypatch):
    """Count the documents scored (in-process runs only)."""
    calls = []
    real = workers.scored

    def counting(analysis, *args, **kwargs):
        calls.append(len(analysis.text))
        return real(analysis, *args, **kwargs)

    # Scored (stance and digest) by the workers' pass (_settle), or by Corpus.stance or
    # Corpus.digest when that pass could not.
    monkeypatch.setattr(workers, "scored", counting)
    monkeypatch.setattr(pipeline, "scored", counting)
    return calls


_ARTICLES = [
    "小米的经验说明，创始人亲自出镜是品牌最便宜的广告，雷军的个人IP让用户记住了产品。",
    "企业不能把所有声量押在老板一个人身上，高管、工程师和员工账号组成的矩阵更稳。",
    "格力的董明珠亲自直播带货，创始人站在台前，消费者因为信任她而信任品牌。",
    "去雷军化并不是否定创始人，而是让更多员工账号和品牌账号一起发声，形成组织化发声。",
]


def _recurring_corpus(root):
    """Articles that share a short line before their text: learned furniture."""
    root.mkdir(parents=True, exist_ok=True)
    for i, body in enumerate(_ARTICLES):
        text = f"品牌观察第{i + 1}期\n\n品牌故事第三季\n\n{body}\n\n{body[::-1]}。\n"
        (root / f"a{i}.txt").write_text(text, encoding="utf-8")
    return root


def test_each_document_scored_once_after_learning(tmp_path, scored):
    c = _recurring_corpus(tmp_path / "c")
    corpus = run([str(c)], Options(jobs=1))
    assert corpus.affected, "the shared line was not learned as furniture"
    assert len(scored) == len({f.hash for f in corpus.docs()})
    # The stances read back are those scored with the furniture dropped.
    for f in corpus.docs():
        a = corpus.analysis(f)
        kept = {e.line for e in corpus.stance(f).evidence}
        assert all(a.is_kept(ln - 1) for ln in kept)
    scored.clear()
    again = run([str(c)], Options(jobs=1))
    assert [again.stance(f) for f in again.docs()] == [corpus.stance(f) for f in corpus.docs()]
    assert scored == [], "an unchanged corpus was scored again"


def test_stances_missing_from_the_index_are_scored_again(tmp_path, scored):
    # A run killed between analysing and scoring leaves analyses without stances.
    c = _recurring_corpus(tmp_path / "c")
    first = run([str(c)], Options(jobs=1))
    want = [first.stance(f) for f in first.docs()]
    first.store.db.execute("UPDATE analyses SET stance=NULL, rsig=NULL, rstance=NULL")
    first.store.db.execute("DELETE FROM info WHERE key='settled'")
    scored.clear()
    again = run([str(c)], Options(jobs=1))
    assert set(_status(again).values()) == {"unchanged"}
    assert len(scored) == len({f.hash for f in again.docs()})
    assert [again.stance(f) for f in again.docs()] == want
    # Lost behind the marker's back: scored when asked for, and kept.
    again.store.db.execute("UPDATE analyses SET stance=NULL, rsig=NULL, rstance=NULL")
    scored.clear()
    third = run([str(c)], Options(jobs=1))
    assert scored == []
    assert [third.stance(f) for f in third.docs()] == want
    assert len(scored) == len({f.hash for f in third.docs()})
    scored.clear()
    fourth = run([str(c)], Options(jobs=1))
    assert [fourth.stance(f) for f in fourth.docs()] == want and scored == []


def test_without_the_scoring_pass_stances_come_on_demand(tmp_path, scored):
    c = _recurring_corpus(tmp_path / "c")
    lazy = run([str(c)], Options(jobs=1, stances=False, no_cache=True))
    assert scored == []
    eager = run([str(c)], Options(jobs=1, no_cache=True))
    assert [lazy.stance(f) for f in lazy.docs()] == [eager.stance(f) for f in eager.docs()]


def test_analyses_no_file_points_at_are_forgotten(tmp_path):
    c = make_corpus(tmp_path / "c")
    db = str(tmp_path / "i.sqlite")
    first = run([str(c)], Options(jobs=1, db=db))
    con = first.store.db
    count = lambda q: con.execute(q).fetchone()[0]  # noqa: E731
    assert count("SELECT COUNT(*) FROM analyses") == len(SMALL)
    keys_before = count("SELECT COUNT(*) FROM linekeys")
    # A file changes and another goes: their old analyses and line keys go too.
    changed = c / SMALL[0]
    changed.write_bytes(changed.read_bytes() + "\n补充一句。\n".encode())
    old_hash = next(f.hash for f in first.files if f.path.endswith(SMALL[0]))
    (c / SMALL[1]).unlink()
    again = run([str(c)], Options(jobs=1, db=db))
    con = again.store.db
    assert count("SELECT COUNT(*) FROM analyses") == len(SMALL) - 1
    assert con.execute("SELECT COUNT(*) FROM analyses WHERE hash=?", (old_hash,)).fetchone()[0] == 0
    assert con.execute("SELECT COUNT(*) FROM linekeys WHERE hash=?", (old_hash,)).fetchone()[0] == 0
    assert 0 < count("SELECT COUNT(*) FROM linekeys") <= keys_before
    # Other settings make another analyser version: the old one is forgotten.
    third = run([str(c)], Options(jobs=1, db=db, keep_rules=("image",)))
    con = third.store.db
    assert {v for (v,) in con.execute("SELECT DISTINCT version FROM analyses")} == {third.version}
    assert {v for (v,) in con.execute("SELECT DISTINCT version FROM linekeys")} == {third.version}


PACKAGE = Path(fingerprint.__file__).resolve().parent.parent

# What the index keeps is computed by corpus/analysis.py (each document's analysis and
# stance) and corpus/furniture.py (the recurring furniture); every module they import,
# at any depth and wherever the import stands, decides it, except those of the packages
# fingerprint.NOT_DECIDING_PACKAGES names (the user cache in index/ is keyed by whole inputs).


def _module_file(name: str) -> Path | None:
    p = PACKAGE.joinpath(*name.split(".")[1:])
    if (p / "__init__.py").is_file():
        return p / "__init__.py"
    return p.with_suffix(".py") if p.with_suffix(".py").is_file() else None


def _imported(path: Path) -> set[str]:
    """The ipcorpus modules a file imports (packages on the way included), outside
    `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for stmt in node.body for n in ast.walk(stmt)}
    names = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            if node.module:
                names.add(node.module)
                names |= {f"{node.module}.{a.name}" for a in node.names
                          if _module_file(f"{node.module}.{a.name}") is not None}
    out = set()
    for name in names:
        parts = name.split(".")
        if parts[0] == "ipcorpus":
            out |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return out


def imported_files() -> set[Path]:
    """The files of corpus/analysis.py, corpus/furniture.py and every ipcorpus module they import."""
    seen: set[str] = set()
    todo = ["ipcorpus.corpus.analysis", "ipcorpus.corpus.furniture"]
    while todo:
        name = todo.pop()
        f = _module_file(name)
        if name in seen or f is None:
            continue
        seen.add(name)
        todo += _imported(f)
    return {f for f in map(_module_file, seen) if f is not None}


def test_the_code_that_decides_results_is_fingerprinted(monkeypatch):
    # An edit to any module the analysis or the learning imports must make a new
    # analyser version, or an index would serve stale results.
    imported = imported_files()
    needed = {f for f in imported if fingerprint.decides(f.relative_to(PACKAGE))}
    assert {PACKAGE / m for m in ("corpus/analysis.py", "corpus/furniture.py", "patterns/prefilter.py", "nlp.py",
                                  "clean/rules.py", "stance/score.py")} <= needed
    # The user cache is imported, and left out by the package rule.
    assert PACKAGE / "index/user_cache.py" in imported - needed
    read = []
    real = Path.read_bytes

    def spy(self):
        read.append(self.resolve())
        return real(self)
    monkeypatch.setattr(fingerprint, "_FINGERPRINTS", {})
    monkeypatch.setattr(Path, "read_bytes", spy)
    fingerprint.code_fingerprint()
    missing = sorted(f.relative_to(PACKAGE).as_posix() for f in needed - set(read))
    assert not missing, f"decide cached results but are not fingerprinted: {missing}"
    # How results are stored or printed decides no analysis.
    presenting = [f for f in read if f.relative_to(PACKAGE).parts[0] in fingerprint.NOT_DECIDING_PACKAGES]
    assert not presenting, presenting
    assert fingerprint.code_fingerprint() != fingerprint.code_fingerprint(everything=True)


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory):
    """A copy of the package's source and data, to edit."""
    root = tmp_path_factory.mktemp("fp") / "ipcorpus"
    shutil.copytree(PACKAGE, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.mark.parametrize("rel, deciding", [
    ("corpus/analysis.py", True), ("corpus/furniture.py", True), ("stance/score.py", True),
    ("stance/lexicons/targets.toml", True), ("noise/rules.py", True), ("noise/packs/aggregator.toml", True),
    ("normalize.py", True), ("models.py", True),
    # a stage package added later counts without being listed
    ("read/new_stage.py", True),
    ("report/terminal.py", False), ("index/store.py", False), ("index/user_cache.py", False),
    ("commands/cli.py", False), ("commands/output.py", False), ("check/run.py", False), ("check/new_format.py", False),
])
def test_an_edit_changes_the_fingerprint_only_in_a_deciding_package(package_copy, rel, deciding):
    before, whole = fingerprint.digest(package_copy), fingerprint.digest(package_copy, everything=True)
    f = package_copy / rel
    old = f.read_bytes() if f.exists() else None
    f.parent.mkdir(exist_ok=True)
    f.write_bytes((old or b"") + b"\n# an edit\n")
    try:
        assert (fingerprint.digest(package_copy) != before) == deciding
        assert fingerprint.digest(package_copy, everything=True) != whole
    finally:
        if old is None:
            f.unlink()
        else:
            f.write_bytes(old)
    assert fingerprint.digest(package_copy) == before

