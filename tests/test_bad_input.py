"""Bad input through a whole corpus run: each bad file is reported, never fatal, and
the other files are analysed."""
import os
import shutil

import pytest

from conftest import SAMPLE

from ipcorpus.corpus import pipeline, take, workers
from ipcorpus.corpus.pipeline import Options, run
from ipcorpus.errors import IpcorpusError

GOOD = "netease/xiaomi_ip_firewall.txt"
ARTICLE = ("小米需要一道防火墙，别让雷军一个人扛住整个品牌。\n"
           "高管、工程师和销售的账号矩阵能分散风险，这才是更稳妥的做法。\n")


def corpus_with(tmp_path, files=None):
    """A corpus holding one good sample article plus the given {name: bytes}."""
    root = tmp_path / "c"
    root.mkdir()
    shutil.copyfile(SAMPLE / GOOD, root / "good.txt")
    for name, data in (files or {}).items():
        (root / name).write_bytes(data)
    return root


def by_name(corpus):
    return {os.path.basename(f.path): f for f in corpus.files}


def assert_good_analysed(corpus):
    good = by_name(corpus)["good.txt"]
    assert good.ok
    assert corpus.stance(good).label in ("founder-ip", "matrix", "mixed", "neutral")
    assert corpus.analysis(good).kept()


def run_both(root, **kw):
    """Run with an index and without: bad input must behave the same either way."""
    with_index = run([str(root)], Options(jobs=1, **kw))
    without = run([str(root)], Options(jobs=1, no_cache=True, **kw))
    assert [(f.path, f.status, f.error) for f in with_index.files] == \
           [(f.path, f.status, f.error) for f in without.files]
    return with_index


@pytest.mark.parametrize("data", [b"", b"\n", b"\r\n\r\n"])
def test_empty_file(tmp_path, data):
    c = run_both(corpus_with(tmp_path, {"empty.txt": data}))
    f = by_name(c)["empty.txt"]
    assert f.status == "failed" and "empty" in f.error
    assert f not in c.docs()
    assert_good_analysed(c)


@pytest.mark.parametrize("data", [
    b"   \n\t\t\n  \r\n",
    "\u3000\u3000\n\u00a0\n\u200b\n".encode("utf-8"),
    "  \n \n".encode("utf-16"),
])
def test_whitespace_only_file(tmp_path, data):
    c = run_both(corpus_with(tmp_path, {"blank.txt": data}))
    f = by_name(c)["blank.txt"]
    assert f.status == "failed" and "empty" in f.error
    assert_good_analysed(c)


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    bytes(range(1, 256)) * 40,          # binary without a single NUL
    os.urandom(3000),
])
def test_binary_file_reported_not_analysed(tmp_path, data):
    c = run_both(corpus_with(tmp_path, {"image.txt": data}))
    f = by_name(c)["image.txt"]
    assert f.status == "failed" and "binary" in f.error
    assert f.packed is None and f.stance is None
    assert not c.store.has_analysis(f.hash, c.version)
    assert f not in c.docs()
    assert_good_analysed(c)


def test_unreadable_file(tmp_path):
    root = corpus_with(tmp_path, {"locked.txt": ARTICLE.encode("utf-8")})
    locked = root / "locked.txt"
    locked.chmod(0o000)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("chmod 000 does not stop this user (root)")
        c = run_both(root)
        f = by_name(c)["locked.txt"]
        assert f.status == "failed" and "permission" in f.error
        assert_good_analysed(c)
        # Once readable again (same size and mtime), it is read on the next run.
        locked.chmod(0o644)
        again = run([str(root)], Options(jobs=1))
        assert by_name(again)["locked.txt"].ok
    finally:
        locked.chmod(0o644)


def test_file_above_the_size_limit(tmp_path):
    c = run_both(corpus_with(tmp_path, {"huge.txt": ARTICLE.encode("utf-8") * 100}), max_bytes=4096)
    f = by_name(c)["huge.txt"]
    assert f.status == "failed" and "too large" in f.error
    assert by_name(c)["good.txt"].status == "failed"       # the sample is above 4 KB too
    c = run([str(tmp_path / "c")], Options(jobs=1))
    assert all(f.ok for f in c.files)


@pytest.mark.slow
def test_fifty_megabyte_file(tmp_path):
    root = corpus_with(tmp_path)
    # Paragraph-sized lines, as in a dump of many articles (~32,000 lines).
    para = (ARTICLE.replace("\n", "") * 5 + "\n").encode("utf-8")
    with open(root / "big.txt", "wb") as fh:
        fh.write(para * (50 * 1024 * 1024 // len(para) + 1))
    assert (root / "big.txt").stat().st_size >= 50 * 1024 * 1024
    c = run([str(root)], Options(jobs=1, no_cache=True))
    f = by_name(c)["big.txt"]
    # Analysed, or cleanly reported; never an exception, and the run goes on.
    if f.ok:
        assert len(c.analysis(f).verdicts) >= 50 * 1024 * 1024 // len(para)
    else:
        assert f.error and not f.error.startswith("internal error")
    assert_good_analysed(c)


def test_long_single_line(tmp_path):
    # ~220 KB of sentences on one line, no newline anywhere. (Sentences, not one
    # endless comma-separated clause list: stance scoring is quadratic in clauses.)
    line = ("小米的账号矩阵，雷军的个人IP。" * 5000).encode("utf-8")
    c = run([str(corpus_with(tmp_path, {"oneline.txt": line}))], Options(jobs=1, no_cache=True))
    f = by_name(c)["oneline.txt"]
    assert f.ok
    assert len(c.analysis(f).verdicts) == 1
    assert_good_analysed(c)


@pytest.mark.parametrize("name", [
    "with some spaces.txt", "董明珠 直播 复盘.txt", "-rf.txt", "--help.md", "-", "a'quote\".txt",
])
def test_awkward_file_names(tmp_path, name):
    if not name.endswith((".txt", ".md")):
        name = name + ".txt"
    c = run_both(corpus_with(tmp_path, {name: ARTICLE.encode("utf-8")}))
    f = by_name(c)[name]
    assert f.ok, f.error
    assert f.path == os.path.join(str(tmp_path / "c"), name)
    assert any(t == "高管、工程师和销售的账号矩阵能分散风险，这才是更稳妥的做法。" for t in c.analysis(f).text)
    assert_good_analysed(c)


def test_name_that_is_not_utf8(tmp_path):
    root = corpus_with(tmp_path)
    raw = os.path.join(os.fsencode(str(root)), b"bad-\xff\xfe-name.txt")
    try:
        with open(raw, "wb") as fh:
            fh.write(ARTICLE.encode("utf-8"))
    except OSError:
        pytest.skip("the filesystem refuses names that are not UTF-8")
    c = run_both(root)
    weird = [f for f in c.files if f.path.endswith("-name.txt")]
    assert len(weird) == 1 and weird[0].ok, weird[0].error
    assert os.fsencode(weird[0].path) == raw
    assert_good_analysed(c)
    # The index remembers it: the next run finds it unchanged.
    again = run([str(root)], Options(jobs=1))
    assert {f.status for f in again.files} == {"unchanged"}
    # And forgets it once it is gone.
    os.remove(raw)
    gone = run([str(root)], Options(jobs=1))
    assert gone.pruned == 1


def test_file_vanishes_after_listing(tmp_path, monkeypatch):
    root = corpus_with(tmp_path, {"ghost.txt": ARTICLE.encode("utf-8")})
    real = pipeline.iter_paths

    def listing_then_delete(*a, **kw):
        paths = list(real(*a, **kw))
        os.remove(root / "ghost.txt")
        return iter(paths)

    monkeypatch.setattr(pipeline, "iter_paths", listing_then_delete)
    c = run([str(root)], Options(jobs=1))
    f = by_name(c)["ghost.txt"]
    assert f.status == "failed" and "no such file" in f.error
    assert_good_analysed(c)


def test_file_vanishes_between_stat_and_read(tmp_path, monkeypatch):
    root = corpus_with(tmp_path, {"ghost.txt": ARTICLE.encode("utf-8")})
    real = take.read_bytes

    def vanish(path, *a):
        if path.endswith("ghost.txt"):
            os.remove(path)
        return real(path, *a)

    monkeypatch.setattr(take, "read_bytes", vanish)
    c = run([str(root)], Options(jobs=1))
    f = by_name(c)["ghost.txt"]
    assert f.status == "failed" and "vanished" in f.error
    assert_good_analysed(c)
    monkeypatch.undo()
    assert run([str(root)], Options(jobs=1)).pruned == 1


def test_dangling_symlink(tmp_path):
    root = corpus_with(tmp_path)
    try:
        os.symlink(root / "nowhere.txt", root / "dangling.txt")
    except (OSError, NotImplementedError):
        pytest.skip("no symlinks here")
    c = run_both(root)
    assert by_name(c)["dangling.txt"].status == "failed"
    assert_good_analysed(c)


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(IpcorpusError):
        run([str(tmp_path / "does-not-exist")], Options(jobs=1))


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_bad_file_never_stops_the_run(tmp_path, monkeypatch, jobs):
    files = {"empty.txt": b"", "blank.txt": b"  \n", "bin.txt": bytes(range(256)) * 4,
             "boom.txt": ARTICLE.encode("utf-8")}
    for i in range(4):
        files[f"ok{i}.txt"] = (ARTICLE + f"第{i}篇。\n").encode("utf-8")
    root = corpus_with(tmp_path, files)
    real = workers.analyse_bytes

    def explode(path, data, *a, **kw):
        if path.endswith("boom.txt"):
            raise RuntimeError("analyser bug")
        return real(path, data, *a, **kw)

    monkeypatch.setattr(workers, "analyse_bytes", explode)
    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)      # jobs=2 goes through the pool
    c = run([str(root)], Options(jobs=jobs))
    got = by_name(c)
    assert {n for n, f in got.items() if not f.ok} == {"empty.txt", "blank.txt", "bin.txt", "boom.txt"}
    assert "RuntimeError" in got["boom.txt"].error
    assert {n for n, f in got.items() if f.ok} == {"good.txt", "ok0.txt", "ok1.txt", "ok2.txt", "ok3.txt"}
    for f in c.docs():
        assert c.stance(f).label
    assert_good_analysed(c)
