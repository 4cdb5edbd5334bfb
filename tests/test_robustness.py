"""Robustness: tests that try to break ipcorpus. Hostile text, kill -9 in the middle of
an ingest, a full disk, a read-only index location, two runs at once, files that
change or vanish, names that are not UTF-8, very deep and very wide folders, and a
fuzzer over every command's options. ipcorpus must keep working, never corrupt its
index, never lose a line, and fail with one `ipcorpus: error:` line and exit 2.

Timings are never asserted tightly: linearity is a ratio of CPU times between sizes
N and 4N inside one test with a wide margin (t(4N) < 8 t(N) + 1 s), and the largest
inputs only have a guard of minutes. Tests marked `slow` still run in `make test`.
The properties of single files and citations are in test_properties.py."""
import contextlib
import errno
import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import SAMPLE

from ipcorpus import pipeline
from ipcorpus.analysis import analyse_bytes
from ipcorpus.index import unpack
from ipcorpus.noise.rules import make_ruleset
from ipcorpus.pipeline import Options, run
from ipcorpus.source import DEFAULT_PATTERNS, decode, iter_paths, split_lines

PY = sys.executable
ERROR = re.compile(r"^ipcorpus: error: \S")
ARTICLE = ("小米需要一道防火墙，别让雷军一个人扛住整个品牌。\n"
           "高管、工程师和销售的账号矩阵能分散风险，这才是更稳妥的做法。\n")
SAMPLE_FILES = sorted(p for p in SAMPLE.rglob("*") if p.is_file() and p.suffix in (".txt", ".md")
                      and not any(part.startswith(".") for part in p.relative_to(SAMPLE).parts))
LINUX = sys.platform.startswith("linux")


# -- helpers ------------------------------------------------------------------------------
def ipc(*args, cwd=None, timeout=600):
    """The real program in a subprocess (bytes out, so any path can be printed)."""
    return subprocess.run([PY, "-m", "ipcorpus", *map(str, args)], cwd=cwd, capture_output=True,
                          timeout=timeout)


def err_lines(proc) -> list[str]:
    return proc.stderr.decode("utf-8", "replace").split("\n")[:-1]


def assert_one_error(proc, *words):
    """Exit 2 and exactly one stderr line, `ipcorpus: error: …`, holding the words."""
    lines = err_lines(proc)
    assert proc.returncode == 2, (proc.returncode, lines)
    assert len(lines) == 1 and ERROR.match(lines[0]), lines
    for w in words:
        assert w in lines[0], (w, lines[0])


def make_variants(root: Path, copies: int) -> int:
    """Every sample article under `copies` names, each with a small edit (an added
    line), in its own encoding. Returns the number of files."""
    n = 0
    for src in SAMPLE_FILES:
        dec = decode(src.read_bytes())
        enc = "utf-16" if dec.encoding.startswith("utf-16") else dec.encoding
        folder = root / src.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        for k in range(copies):
            text = dec.text + f"\n（第{k}版，编辑于第{k % 7}天）\n"
            try:
                data = text.encode(enc)
            except UnicodeEncodeError:
                data = text.encode("utf-8")
            (folder / f"{src.stem}_{k:02d}{src.suffix}").write_bytes(data)
            n += 1
    return n


def index_state(db) -> dict:
    """What an index holds, read with a read-only connection: integrity, file rows by
    status, ok rows whose analysis is missing (must never happen), and whether every
    analysis unpacks with one verdict per line it claims."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60)
    try:
        con.execute("PRAGMA busy_timeout=60000")
        integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
        status = dict(con.execute("SELECT status, COUNT(*) FROM files GROUP BY status").fetchall())
        orphans = con.execute(
            "SELECT path FROM files f WHERE status='ok' AND NOT EXISTS "
            "(SELECT 1 FROM analyses a WHERE a.hash=f.hash AND a.version=f.version)").fetchall()
        broken = []
        for h, blob, stats in con.execute("SELECT hash, blob, stats FROM analyses"):
            a = unpack(blob)
            if len(a["verdicts"]) != json.loads(stats)["lines"] or len(a["text"]) != len(a["verdicts"]):
                broken.append(h)
    finally:
        con.close()
    return {"integrity": integrity, "ok": status.get("ok", 0), "failed": status.get("failed", 0),
            "orphans": orphans, "broken": broken}


def assert_consistent(db) -> dict:
    st = index_state(db)
    assert st["integrity"] == ["ok"], st["integrity"]
    assert st["orphans"] == [], f"files marked analysed without their analysis: {st['orphans'][:5]}"
    assert st["broken"] == [], "half-written analyses"
    return st


def ok_rows(db) -> int:
    """Rows marked ok so far, 0 while the index is not there yet (polling a writer)."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT COUNT(*) FROM files WHERE status='ok'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def wait_for_rows(db, proc, timeout=300) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        n = ok_rows(db)
        if n:
            return n
        time.sleep(0.02)
    return 0


def tree_digest(root: Path) -> dict:
    return {str(p.relative_to(root)): hashlib.blake2b(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".ipcorpus" not in p.parts}


@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    """A tiny filesystem of its own (root only), to fill up or make read-only."""
    if not LINUX or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root on Linux")
    path.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                       capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield path
    finally:
        if subprocess.run(["umount", str(path)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)


# == 2. hostile text ========================================================================
@pytest.fixture(scope="module")
def rules():
    """The default rules, with jieba and the lexicon loaded before anything is timed."""
    r = make_ruleset(None)
    analyse_bytes("warm.txt", "预热：雷军的个人IP。不是个人IP而是账号矩阵。\n".encode(), r)
    return r


def _cpu(fn):
    t = time.process_time()
    out = fn()
    return time.process_time() - t, out


def _one_line(unit: str):
    """A title, then one line of `unit` repeated to n characters."""
    return lambda n: ("标题\n" + (unit * (n // len(unit) + 1))[:n] + "\n").encode("utf-8")


def _short_lines(n: int) -> bytes:
    kinds = ["第{}行", "分享至", "0", "雷军的个人IP。", "相关推荐", "矩阵{}", "（{}）", "|", "網(wǎng)頁(yè)"]
    return "".join(kinds[i % len(kinds)].format(i) + "\n" for i in range(n)).encode("utf-8")


def _mixed_encodings(n: int) -> bytes:
    encs = ["utf-8", "gb18030", "big5"]
    line = "創始人個人IP與賬號矩陣之間，品牌應該如何選擇。"
    return b"\n".join(line.encode(encs[i % 3]) for i in range(n)) + b"\n"


def _controls_marks_surrogates(n: int) -> bytes:
    # RTL and bidi marks, zero-width characters, a rare control character and UTF-8
    # encoded lone surrogates (invalid UTF-8), among Chinese prose, on one line.
    unit = ("\u202e雷军\u200f的个人\u2066IP\u2069，" + "\u200b账号矩阵\u200d。").encode("utf-8")
    chunk = unit * 20 + b"\x07" + b"\xed\xa0\x80"
    return "标题\n".encode() + (chunk * (n // len(chunk) + 1))[:n] + b"\n"


HOSTILE = {
    # name: (make bytes of size n, n)
    "100k-open-parens": (_one_line("("), 25_000),
    "100k-fullwidth-parens": (_one_line("（"), 25_000),
    "100k-pipes": (_one_line("|"), 25_000),
    "pinyin-glosses": (_one_line("網(wǎng)頁(yè)"), 25_000),
    "numbered-glosses": (_one_line("網(wang3)"), 25_000),
    "cut-glosses": (_one_line("網(wǎng"), 25_000),
    "glosses-without-cjk": (_one_line("(wǎng)"), 25_000),
    "lost-characters": (_one_line("雷?"), 25_000),
    "markdown-images": (_one_line("![]("), 10_000),
    "html-comments": (_one_line("<!--"), 25_000),
    "target-dense-prose": (_one_line("小米的账号矩阵，雷军的个人IP。"), 25_000),
    "one-endless-clause-list": (_one_line("雷军的个人IP，"), 25_000),
    "turns-and-negations": (_one_line("但不是个人IP，"), 25_000),
    "controls-rtl-surrogates": (_controls_marks_surrogates, 25_000),
    "short-lines": (_short_lines, 5_000),
    "mixed-encodings-by-line": (_mixed_encodings, 2_000),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_takes_linear_time_and_gets_a_verdict(name, rules):
    make, n = HOSTILE[name]
    small, big = make(n), make(4 * n)
    t1, (a1, _) = _cpu(lambda: analyse_bytes("x.txt", small, rules))
    t4, (a4, s4) = _cpu(lambda: analyse_bytes("x.txt", big, rules))
    assert t4 < 8 * t1 + 1.0, f"{name}: {t1:.2f}s for n={n}, {t4:.2f}s for 4n: not linear"
    for data, a in ((small, a1), (big, a4)):
        lines = len(split_lines(decode(data).text))
        assert len(a.verdicts) == lines                      # one verdict per line, none lost
        assert all(v in ("keep", "drop", "blank") for v, _ in a.verdicts)
    assert s4.label in ("founder-ip", "matrix", "mixed", "neutral") and -1 <= s4.score <= 1


@pytest.mark.parametrize("unit,n", [("从个人IP转向账号矩阵", 5000), ("个人IP远超账号矩阵，", 4000),
                                    ("雷军亲自出面，他", 5000), ("不是个人IP而是账号矩阵", 4000)])
def test_run_on_sentences_with_many_targets_are_linear(unit, n, rules):
    make = _one_line(unit)
    t1, _ = _cpu(lambda: analyse_bytes("x.txt", make(n), rules))
    t4, _ = _cpu(lambda: analyse_bytes("x.txt", make(4 * n), rules))
    # Linear is 4x; quadratic would be 16x (tens of seconds at these sizes). The
    # additive second absorbs a loaded machine's noise on small timings.
    assert t4 < 8 * t1 + 1.0, f"{t1:.3f}s for n={n}, {t4:.3f}s for 4n"


@pytest.mark.slow
def test_ten_megabyte_line_and_a_million_lines(tmp_path):
    """The real sizes, through the cheapest honest path (`clean --no-cache`, one
    process each, both at once): they finish, and every line has its verdict."""
    one = tmp_path / "one-line.txt"
    unit = "小米的账号矩阵，雷军的个人IP。"
    one.write_text(unit * (10 * 1024 * 1024 // len(unit.encode("utf-8")) + 1), encoding="utf-8")
    many = tmp_path / "million.txt"
    many.write_bytes(_short_lines(1_000_000))
    assert one.stat().st_size >= 10 * 1024 * 1024
    procs = {}
    for p in (one, many):
        out = open(tmp_path / (p.stem + ".tsv"), "wb")
        procs[p] = (subprocess.Popen([PY, "-m", "ipcorpus", "clean", str(p), "--no-cache", "--format", "tsv"],
                                     stdout=out, stderr=subprocess.PIPE), out, time.monotonic())
    took = {}
    for p, (proc, out, t0) in procs.items():
        err = proc.communicate(timeout=600)[1]          # a guard of minutes, not a timing
        out.close()
        took[p.name] = time.monotonic() - t0
        assert proc.returncode == 0, err.decode("utf-8", "replace")[-2000:]
        assert b"Traceback" not in err
    # The single line: one row, kept, its text whole.
    with open(tmp_path / "one-line.tsv", encoding="utf-8") as fh:
        rows = fh.read().split("\n")[:-1]
    assert len(rows) == 2
    cite, action, rule, text = rows[1].split("\t")
    assert cite == f"{one}:1" and action == "keep" and len(text) == len(one.read_text(encoding="utf-8"))
    # A million lines: a row for each, in order, each with a verdict.
    n = 0
    with open(tmp_path / "million.tsv", encoding="utf-8") as fh:
        assert fh.readline().startswith("citation\taction")
        for n, row in enumerate(fh, 1):
            cite, action, rule, _ = row.split("\t", 3)
            assert cite == f"{many}:{n}" and action in ("keep", "drop") and bool(rule) == (action == "drop")
    assert n == 1_000_000
    print("seconds:", took)


# == 3. interruptions ==========================================================================
@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A corpus of 400 articles (several seconds of ingest with --jobs 1) and the
    stance JSON of one fresh run over it: what every interrupted or concurrent run
    must end up printing."""
    base = tmp_path_factory.mktemp("big")
    corpus = base / "corpus"
    total = make_variants(corpus, 20)
    ref = ipc("stance", corpus, "--db", base / "reference.sqlite", "--format", "json", "--evidence", "3")
    assert ref.returncode == 0, ref.stderr
    assert len(json.loads(ref.stdout)) == total
    return corpus, total, ref.stdout


def _stance(corpus, db):
    p = ipc("stance", corpus, "--db", db, "--format", "json", "--evidence", "3")
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.mark.slow
def test_kill_9_in_the_middle_of_ingest(big, tmp_path):
    corpus, total, reference = big
    db = tmp_path / "killed.sqlite"
    proc = subprocess.Popen([PY, "-m", "ipcorpus", "ingest", str(corpus), "--db", str(db), "--jobs", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for_rows(db, proc), "no rows appeared"
        assert proc.poll() is None, "ingest ended before it could be killed: make the corpus bigger"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    before = assert_consistent(db)
    assert 0 < before["ok"] < total and before["failed"] == 0
    # A normal run completes the rest, and re-analyses nothing that was saved.
    rerun = ipc("ingest", corpus, "--db", db, "--format", "json")
    assert rerun.returncode == 0, rerun.stderr
    s = json.loads(rerun.stdout)
    assert s["files"] == total and s["new"] + s["unchanged"] == total
    assert s["unchanged"] == before["ok"] and s["changed"] == s["failed"] == 0
    assert assert_consistent(db)["ok"] == total
    assert _stance(corpus, db) == reference


def _children(pid: int) -> list[int]:
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"     # a zombie is dead
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_kill_9_of_a_parallel_ingest_ends_its_workers(big, tmp_path):
    """Killed workers' parent: the workers end too, instead of waiting on the task
    queue forever (orphans holding jieba's memory after every cron timeout)."""
    corpus, total, _ = big
    db = tmp_path / "killed.sqlite"
    proc = subprocess.Popen([PY, "-m", "ipcorpus", "ingest", str(corpus), "--db", str(db), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for_rows(db, proc), "no rows appeared"
        workers = _children(proc.pid)
        assert proc.poll() is None, "ingest ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    assert workers, "no worker processes to watch"
    deadline = time.monotonic() + 30
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "workers outlived the killed run"
    assert 0 < assert_consistent(db)["ok"] < total


def test_full_disk_is_one_error_and_the_index_survives(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    originals = []
    for src in SAMPLE_FILES[:3]:
        shutil.copyfile(src, corpus / src.name)
        originals.append(corpus / src.name)
    with tmpfs(tmp_path / "disk", "1m") as disk:
        db = disk / "index.sqlite"
        assert ipc("ingest", corpus, "--db", db).returncode == 0
        before = {r["path"]: r["label"] for r in
                  json.loads(ipc("stance", *originals, "--db", db, "--format", "json").stdout)}
        # Fill the disk, then free a little: room to open the index (SQLite's shared
        # memory file), none for what is asked next.
        with open(disk / "filler", "wb", buffering=0) as fh:
            with pytest.raises(OSError) as full:
                while True:
                    fh.write(b"\0" * 4096)
            assert full.value.errno == errno.ENOSPC
            fh.truncate(max(0, fh.tell() - 96 * 1024))
        make_variants(corpus / "more", 3)
        p = ipc("ingest", corpus, "--db", db)
        assert_one_error(p, "cannot write index", "full")
        st = assert_consistent(db)
        assert st["ok"] >= len(originals)
        # Forgetting a deleted file needs a write too: the same clear error.
        os.remove(originals[-1])
        assert_one_error(ipc("ingest", corpus, "--db", db), "cannot write index", "full")
        # What the index holds still serves.
        got = ipc("stance", *originals[:-1], "--db", db, "--format", "json")
        assert got.returncode == 0, got.stderr
        assert {r["path"]: r["label"] for r in json.loads(got.stdout)} == \
               {k: v for k, v in before.items() if k != str(originals[-1])}
        # With room again, a normal run completes and loses nothing.
        os.remove(disk / "filler")
        shutil.rmtree(corpus / "more")
        p = ipc("ingest", corpus, "--db", db, "--format", "json")
        assert p.returncode == 0, p.stderr
        s = json.loads(p.stdout)
        assert s["files"] == len(originals) - 1 and s["failed"] == 0
        assert_consistent(db)


def test_read_only_index_location_is_one_error(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for src in SAMPLE_FILES[:2]:
        shutil.copyfile(src, corpus / src.name)
    with tmpfs(tmp_path / "ro", "4m") as ro:
        db = ro / "index.sqlite"
        assert ipc("ingest", corpus, "--db", db).returncode == 0
        r = subprocess.run(["mount", "-o", "remount,ro", str(ro)], capture_output=True, text=True)
        if r.returncode:
            pytest.skip(f"cannot remount read-only: {r.stderr.strip()}")
        held = tree_digest(ro)
        (corpus / "new.txt").write_text(ARTICLE, encoding="utf-8")
        for cmd in ("ingest", "stance", "clean"):
            assert_one_error(ipc(cmd, corpus, "--db", db), "index", str(db))
        assert_one_error(ipc("ingest", corpus, "--db", ro / "other.sqlite"), "index")
        assert tree_digest(ro) == held
        subprocess.run(["mount", "-o", "remount,rw", str(ro)], check=True)
        assert_consistent(db)
        p = ipc("ingest", corpus, "--db", db, "--format", "json")
        assert p.returncode == 0 and json.loads(p.stdout)["new"] == 1


@pytest.mark.parametrize("where", ["under-a-file", "a-folder", "an-article", "another-apps-database"])
def test_unusable_db_path_is_one_error_and_touches_nothing(tmp_path, where):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE, encoding="utf-8")
    target = tmp_path / "target"
    if where == "under-a-file":
        target.write_text("a regular file", encoding="utf-8")
        db, words = target / "index.sqlite", ("cannot create index folder",)
    elif where == "a-folder":
        target.mkdir()
        db, words = target, ("cannot use index",)
    elif where == "an-article":
        target = corpus / "a.txt"                  # --db pointed at an article by mistake
        db, words = target, ("not an SQLite database",)
    else:
        con = sqlite3.connect(target)
        con.execute("CREATE TABLE files (name TEXT)")
        con.execute("INSERT INTO files VALUES ('precious')")
        con.commit()
        con.close()
        db, words = target, ("not an ipcorpus index",)
    held = target.read_bytes() if target.is_file() else None
    tree = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    for cmd in ("ingest", "stance"):
        assert_one_error(ipc(cmd, corpus, "--db", db), *words)
    if held is not None:
        assert target.read_bytes() == held, "a file that is not an index was modified"
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == tree, "files were created"


# == 4. concurrency =============================================================================
@pytest.mark.slow
def test_two_ingests_at_once(big, tmp_path):
    corpus, total, reference = big
    db = tmp_path / "shared.sqlite"
    procs = [subprocess.Popen([PY, "-m", "ipcorpus", "ingest", str(corpus), "--db", str(db), "--jobs", "1",
                               "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0 and err == b"", err
        s = json.loads(out)
        assert s["files"] == total and s["failed"] == 0 and s["new"] + s["unchanged"] == total
    assert assert_consistent(db)["ok"] == total
    again = json.loads(ipc("ingest", corpus, "--db", db, "--format", "json").stdout)
    assert again["unchanged"] == total
    assert _stance(corpus, db) == reference


@pytest.mark.slow
def test_stance_reads_while_ingest_writes(big, tmp_path):
    corpus, total, reference = big
    db = tmp_path / "busy.sqlite"
    ingest = subprocess.Popen([PY, "-m", "ipcorpus", "ingest", str(corpus), "--db", str(db), "--jobs", "1",
                               "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert wait_for_rows(db, ingest), "no rows appeared"
        midway = ingest.poll() is None
        got = _stance(corpus, db)                     # reads (and indexes) while ingest writes
        out, err = ingest.communicate(timeout=600)
    finally:
        if ingest.poll() is None:
            ingest.kill()
    assert midway, "ingest ended before stance started: make the corpus bigger"
    assert ingest.returncode == 0 and err == b"", err
    s = json.loads(out)
    assert s["files"] == total and s["failed"] == 0
    assert got == reference
    assert assert_consistent(db)["ok"] == total
    assert _stance(corpus, db) == reference


# == 5. filesystem oddities ======================================================================
@pytest.mark.parametrize("when", ["before-read", "after-read"])
def test_file_changed_between_listing_and_reading(tmp_path, monkeypatch, when):
    """A crawler rewrites a file while ingest runs: whatever was read is what is
    recorded, and the next run notices the file is not what was analysed."""
    root = tmp_path / "c"
    root.mkdir()
    f = root / "live.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    (root / "other.txt").write_text(ARTICLE.replace("小米", "格力"), encoding="utf-8")
    extra = "补充：员工账号矩阵已经覆盖三百个门店，创始人只在发布会露面。\n"
    real = pipeline.read_bytes

    def rewrite(path, *a):
        if path.endswith("live.txt") and when == "before-read":
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(extra)
        data = real(path, *a)
        if path.endswith("live.txt") and when == "after-read":
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(extra)
        return data

    monkeypatch.setattr(pipeline, "read_bytes", rewrite)
    first = run([str(root)], Options(jobs=1))
    monkeypatch.undo()
    assert all(x.ok for x in first.files)
    second = run([str(root)], Options(jobs=1))
    live = next(x for x in second.files if x.path.endswith("live.txt"))
    assert live.status == ("unchanged" if when == "before-read" else "changed")
    assert len(second.analysis(live).verdicts) == 3          # the file as it is now
    assert {x.status for x in run([str(root)], Options(jobs=1)).files} == {"unchanged"}


@pytest.mark.parametrize("into", ["a-folder", "a-fifo"])
def test_file_replaced_between_listing_and_reading(tmp_path, monkeypatch, into):
    root = tmp_path / "c"
    root.mkdir()
    (root / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "swap.txt").write_text(ARTICLE, encoding="utf-8")
    real = pipeline.iter_paths

    def listing_then_swap(*a, **kw):
        paths = list(real(*a, **kw))
        os.remove(root / "swap.txt")
        if into == "a-folder":
            (root / "swap.txt").mkdir()
        else:
            os.mkfifo(root / "swap.txt")
        return iter(paths)

    monkeypatch.setattr(pipeline, "iter_paths", listing_then_swap)
    c = run([str(root)], Options(jobs=1))
    got = {os.path.basename(x.path): x for x in c.files}
    assert got["good.txt"].ok
    assert got["swap.txt"].status == "failed" and got["swap.txt"].error


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_and_devices_are_refused_not_waited_for(tmp_path):
    """A named pipe called *.txt in a folder (opening it would wait for a writer
    forever) and /dev/zero named on the command line (reading it never ends)."""
    root = tmp_path / "c"
    root.mkdir()
    (root / "good.txt").write_text(ARTICLE, encoding="utf-8")
    os.mkfifo(root / "pipe.txt")
    p = ipc("ingest", root, "--db", tmp_path / "i.sqlite", "--format", "json", timeout=120)
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    assert s["new"] == 1 and s["failed"] == 1 and "not a regular file" in s["failures"][0]["error"]
    assert err_lines(p) == [f"ipcorpus: warning: {root / 'pipe.txt'}: not a regular file"]
    if os.path.exists("/dev/zero"):
        assert_one_error(ipc("clean", "/dev/zero", "--no-cache", timeout=120), "not a regular file")


def test_names_that_are_not_utf8_through_the_cli(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    raw = os.path.join(os.fsencode(str(root)), b"caf\xe9-\xff.txt")        # Latin-1 name, stray byte
    try:
        with open(raw, "wb") as fh:
            fh.write(("标题：账号矩阵与个人IP\n\n" + ARTICLE).encode("utf-8"))
    except OSError:
        pytest.skip("the filesystem refuses names that are not UTF-8")
    db = tmp_path / "i.sqlite"
    p = ipc("stance", root, "--db", db, "--format", "json", "--evidence", "3")
    assert p.returncode == 0 and p.stderr == b"", p.stderr
    rec = json.loads(p.stdout)[0]
    assert rec["path"] == f"{root}/caf\\xe9-\\xff.txt"                 # printable, and says which bytes
    assert rec["evidence"]
    for e in rec["evidence"]:
        s = ipc("show", e["citation"], "--db", db)
        assert s.returncode == 0, s.stderr
        assert all(ln.startswith(">") and "[drop:" not in ln for ln in s.stdout.decode("utf-8").split("\n")[:-1])
    again = json.loads(ipc("ingest", root, "--db", db, "--format", "json").stdout)
    assert again["unchanged"] == 1


def _deep(root: Path, depth: int, every: int) -> list[str]:
    """Folders nested `depth` deep (made relative to an open folder, so no path is
    ever too long for the call), with an article every `every` levels."""
    files = []
    os.mkdir(root)
    fd = os.open(root, os.O_RDONLY)
    path = str(root)
    try:
        for i in range(depth):
            if i % every == 0 or i == depth - 1:
                f = os.open(f"a{i}.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
                os.write(f, ARTICLE.encode("utf-8"))
                os.close(f)
                files.append(os.path.join(path, f"a{i}.txt"))
            os.mkdir("d", dir_fd=fd)
            nfd = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nfd
            path = os.path.join(path, "d")
    finally:
        os.close(fd)
    return files


def _remove_deep(root: Path):
    """shutil.rmtree recurses too: take the tree apart from the bottom, by hand."""
    chain = [str(root)]
    while os.path.isdir(os.path.join(chain[-1], "d")):
        chain.append(os.path.join(chain[-1], "d"))
    for d in reversed(chain):
        for name in os.listdir(d):
            if name != "d":
                os.remove(os.path.join(d, name))
        os.rmdir(d)


def test_very_deep_folders(tmp_path):
    """1,200 levels: more than Python's recursion limit (os.walk recursed and the
    whole run ended with an internal RecursionError)."""
    root = tmp_path / "deep"
    files = _deep(root, 1200, 300)
    try:
        assert list(iter_paths([str(root)])) == files
        c = run([str(root)], Options(jobs=1, db=str(tmp_path / "i.sqlite")))
        assert [f.path for f in c.files] == files and all(f.ok for f in c.files)
        assert run([str(root)], Options(jobs=1, db=str(tmp_path / "i.sqlite"))).pruned == 0
    finally:
        _remove_deep(root)


def _walk_reference(paths, patterns=DEFAULT_PATTERNS):
    """iter_paths as it was, on os.walk: the order the iterative walk must keep."""
    import fnmatch
    for given in paths:
        for root, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(root, d)))
            for name in sorted(files):
                if not name.startswith(".") and any(fnmatch.fnmatch(name, p) for p in patterns):
                    yield os.path.join(root, name)


@pytest.mark.parametrize("seed", range(3))
def test_walk_order_is_os_walk_order(tmp_path, seed):
    rnd = random.Random(seed)
    root = tmp_path / "t"
    dirs = [root]
    root.mkdir()
    for i in range(120):
        parent = rnd.choice(dirs)
        kind = rnd.random()
        name = rnd.choice(["a", "B", "z", "中", ".h", "_", "a b", "-x"]) + str(i)
        if kind < 0.3:
            d = parent / name
            d.mkdir()
            dirs.append(d)
        elif kind < 0.35 and len(dirs) > 2:
            os.symlink(rnd.choice(dirs), parent / (name + "-link"))
        else:
            (parent / (name + rnd.choice([".txt", ".md", ".html", ""]))).write_text("x", encoding="utf-8")
    assert list(iter_paths([str(root)])) == list(_walk_reference([str(root)]))


@pytest.mark.slow
def test_a_folder_with_20000_files(tmp_path):
    root = tmp_path / "wide"
    root.mkdir()
    for i in range(20_000):
        text = f"第{i}篇：雷军的个人IP与小米的账号矩阵。\n员工账号矩阵能分散风险，这是第{i}个理由。\n"
        (root / f"a{i:05d}.txt").write_text(text, encoding="utf-8")
    names = list(iter_paths([str(root)]))
    assert names == sorted(names) and len(names) == 20_000
    db = tmp_path / "i.sqlite"
    p = ipc("ingest", root, "--db", db, "--format", "json")
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    assert s["files"] == s["new"] == 20_000 and s["failed"] == 0 and s["lines"] == 40_000
    again = json.loads(ipc("ingest", root, "--db", db, "--format", "json").stdout)
    assert again["unchanged"] == 20_000
    assert assert_consistent(db)["ok"] == 20_000


# == 6. fuzzing the command line ==================================================================
@pytest.fixture(scope="module")
def fuzz_ws(tmp_path_factory):
    """A workspace with good, bad and oddly named inputs for the fuzzer."""
    ws = tmp_path_factory.mktemp("fuzz")
    c = ws / "c"
    c.mkdir()
    for src in SAMPLE_FILES[:2]:
        shutil.copyfile(src, c / src.name)
    (c / "a.txt").write_text("标题：员工账号矩阵\n\n" + ARTICLE, encoding="utf-8")
    (ws / "-dash.txt").write_text(ARTICLE, encoding="utf-8")
    (ws / "with space.txt").write_text(ARTICLE, encoding="utf-8")
    (ws / "中文 文件.txt").write_text(ARTICLE, encoding="utf-8")
    (ws / "empty.txt").write_bytes(b"")
    (ws / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (ws / "dir.txt").mkdir()
    try:
        with open(os.path.join(os.fsencode(str(ws)), b"bad-\xff.txt"), "wb") as fh:
            fh.write(ARTICLE.encode("utf-8"))
    except OSError:
        pass
    if hasattr(os, "mkfifo"):
        os.mkfifo(ws / "fifo.txt")
    (ws / "config.toml").write_text('[clean]\nkeep_rules = ["share"]\n', encoding="utf-8")
    (ws / "bad.toml").write_text("not = [toml\n", encoding="utf-8")
    (ws / "lexicon.toml").write_text('[matrix]\n"员工大使" = 1.0\n', encoding="utf-8")
    (ws / "badlex.toml").write_text('[matrix]\n"员工大使" = "heavy"\n', encoding="utf-8")
    return ws


_GOOD_PATHS = ["c", "c/a.txt", "c/", ".", "with space.txt", "中文 文件.txt", os.fsdecode(b"bad-\xff.txt")]
_ODD_PATHS = ["missing.txt", "-dash.txt", "empty.txt", "binary.txt", "dir.txt", "fifo.txt", "", "nodir/x.txt"]
# (never "/" or "..": a folder walk would index whatever lies there)
_VALUES = {       # option: (usual values, odd or invalid ones)
    "--format": (["json", "jsonl", "tsv", "csv", "table", "markdown"], ["text", "github", "sarif", "xml", ""]),
    "--color": (["auto", "always", "never"], ["pink"]),
    "--db": (["idx.sqlite", "sub/idx.sqlite", ""], ["c/a.txt", "c", "empty.txt/x.sqlite", "config.toml"]),
    "--jobs": (["0", "1", "2", "64"], ["-1", "x"]),
    "--glob": (["*.txt", "*.md", "*"], ["", "["]),
    "--config": (["config.toml"], ["bad.toml", "missing.toml", "c"]),
    "--keep-rule": (["share", "recurring", "breadcrumb"], ["nope", ""]),
    "--drop-rule": (["english-line", "edge-short"], ["share", "nope"]),
    "--lexicon": (["lexicon.toml"], ["badlex.toml", "missing.toml", "c"]),
    "--evidence": (["0", "1", "3", "99999999999999999999"], ["-1", "x"]),
    "--by": (["entity"], ["source", ""]),
    "--label": (["matrix", "founder-ip", "neutral", "mixed"], ["x"]),
    "--html": (["out.html", "-"], ["nodir/x.html", "c"]),
    "--top": (["1", "5"], ["0", "-2", "x"]),
    "--keywords": (["0", "2"], ["-1"]),
    "--fail-on": (["error", "warning", "info"], ["x"]),
    "--select": (["E", "W20", "W206", "E101,W"], ["ZZZ", ""]),
    "--ignore": (["W", "I301"], ["nope"]),
    "--changed-since": (["HEAD"], ["no-such-ref"]),
    "--baseline": (["baseline.json"], ["missing.json", "c/a.txt"]),
    "--write-baseline": (["baseline.json"], ["c", "nodir/b.json"]),
    "--max-size": (["100", "2M", "1G", "0"], ["x", "-1"]),
    "-C": (["0", "2", "99999"], ["-1", "x"]),
}
_FLAGS = {"--no-cache", "--original", "--explain", "--exit-zero", "--require-stance", "--normalized", "--help"}
_SHARED = ["--format", "--color", "--db", "--no-cache", "--jobs", "--glob", "--config", "--keep-rule", "--drop-rule"]
_OPTIONS = {
    "ingest": _SHARED + ["--lexicon"],
    "clean": _SHARED + ["--original", "--explain"],
    "stance": _SHARED + ["--lexicon", "--evidence", "--by", "--label"],
    "report": _SHARED + ["--lexicon", "--html", "--top", "--keywords"],
    "check": _SHARED + ["--lexicon", "--fail-on", "--exit-zero", "--select", "--ignore", "--require-stance",
                        "--changed-since", "--baseline", "--write-baseline", "--max-size"],
    "show": ["-C", "--normalized", "--db", "--no-cache", "--config", "--keep-rule", "--drop-rule", "--color"],
    "rules": ["--format", "--color", "--config"],
}
_LINES = ["1", "3", "1-4", "0", "5-2", "99999", "x", "", "2-99999999999999999999"]


def _fuzz_cases(n: int, seed: int) -> list[list[str]]:
    rnd = random.Random(seed)
    cases = []
    commands = sorted(_OPTIONS)
    for i in range(n):
        cmd = commands[i % len(commands)] if i < 2 * len(commands) else rnd.choice(commands)
        args = []
        for opt in rnd.sample(_OPTIONS[cmd], rnd.randint(0, min(4, len(_OPTIONS[cmd])))):
            if opt in _FLAGS:
                args.append(opt)
            else:
                usual, odd = _VALUES[opt]
                args += [opt, rnd.choice(usual if rnd.random() < 0.75 else odd)]
        if rnd.random() < 0.08:
            args.append(rnd.choice(["--nope", "-z", "--format=", "--jobs=3", "--", "---"]))
        def path():
            return rnd.choice(_GOOD_PATHS if rnd.random() < 0.6 else _ODD_PATHS)
        if cmd == "show":
            pos = [path() + ":" + rnd.choice(_LINES)] if rnd.random() < 0.95 else []
        elif cmd == "rules":
            pos = [path()] if rnd.random() < 0.1 else []
        else:
            pos = [path() for _ in range(rnd.choice([0, 1, 1, 1, 1, 2, 2]))]
        if pos and pos[0].startswith("-") and rnd.random() < 0.5:
            pos = ["--"] + pos
        cases.append([cmd] + args + pos if rnd.random() < 0.7 else [cmd] + pos + args)
    return cases


@pytest.mark.slow
def test_fuzz_the_command_line(fuzz_ws):
    """60 random command lines (valid and invalid options and values, missing, odd,
    dash-led, Chinese, non-UTF-8 paths, a FIFO): never a traceback or an internal
    error; exit 0, 1 (check's findings, or stance, clean and check finding no file at
    all, with its one `ipcorpus: no files matched:` line) or 2; exit 2 ends with exactly one
    `ipcorpus: error:` line, after at most warnings and notes; and no input file is
    ever modified."""
    held = tree_digest(fuzz_ws / "c")
    env = dict(os.environ, NO_COLOR="1")
    env.pop("IPCORPUS_DB", None)

    def one(args):
        p = subprocess.run([PY, "-m", "ipcorpus", *args], cwd=fuzz_ws, capture_output=True, timeout=300, env=env)
        return args, p

    problems = []
    with ThreadPoolExecutor(max_workers=2) as ex:
        for args, p in ex.map(one, _fuzz_cases(60, seed=20251123)):
            err = p.stderr.decode("utf-8", "replace")
            lines = err.split("\n")[:-1] if err.endswith("\n") else err.split("\n")
            why = None
            if "Traceback" in err or "internal error" in err:
                why = "traceback or internal error"
            elif "\\udc" in err:
                why = "a path printed with surrogate escapes, not as \\xNN"
            elif p.returncode not in (0, 1, 2) or (p.returncode == 1 and args[0] != "check" and not (
                    args[0] in ("stance", "clean") and lines == [ln for ln in lines if ln.startswith(
                        ("ipcorpus: warning:", "ipcorpus: note:"))] + [lines[-1]]
                    and lines[-1].startswith("ipcorpus: no files matched:"))):
                why = f"exit {p.returncode}"
            elif p.returncode == 2:
                errors = [ln for ln in lines if ln.startswith("ipcorpus: error:")]
                if not lines or not ERROR.match(lines[-1]) or len(errors) != 1:
                    why = "exit 2 without exactly one final error line"
                elif any(not ln.startswith(("ipcorpus: warning:", "ipcorpus: note:", "ipcorpus check:"))
                         for ln in lines[:-1]):
                    why = "other stderr lines before the error"
            elif any(ln.startswith("ipcorpus: error:") for ln in lines):
                why = f"an error line with exit {p.returncode}"
            if why:
                problems.append(f"{why}: ipcorpus {' '.join(map(repr, args))} -> {p.returncode}\n{err[-1500:]}")
    assert not problems, "\n\n".join(problems)
    assert tree_digest(fuzz_ws / "c") == held, "an input file was modified"


# A value each option must refuse, whichever command takes it.
_REFUSED = {
    "--format": ["xml"], "--color": ["pink"], "--db": ["c/a.txt", "c", "empty.txt/x.sqlite"], "--jobs": ["-1", "x"],
    "--config": ["bad.toml", "missing.toml", "c"], "--keep-rule": ["nope", ""], "--drop-rule": ["nope"],
    "--lexicon": ["badlex.toml", "missing.toml", "c"], "--evidence": ["-1", "x"], "--by": ["source"],
    "--label": ["x"], "--html": ["nodir/x.html", "c"], "--top": ["0", "x"], "--keywords": ["-1"],
    "--fail-on": ["x"], "--select": ["ZZZ"], "--ignore": ["nope"], "--changed-since": ["no-such-ref"],
    "--baseline": ["missing.json", "c/a.txt"], "--write-baseline": ["nodir/b.json", "c"], "--max-size": ["x", "-1"],
    "-C": ["-1", "x"],
}


def _refused_cases():
    for cmd, opts in sorted(_OPTIONS.items()):
        for opt in opts:
            for bad in _REFUSED.get(opt, ()):
                # check reads an index only where one exists, and never makes one for a
                # few files: an --db that is no file is ignored there, by design.
                if not (cmd == "check" and opt == "--db" and bad != "c/a.txt"):
                    yield cmd, opt, bad


@pytest.mark.parametrize("cmd,opt,bad", list(_refused_cases()))
def test_every_refused_value_is_one_error_line(fuzz_ws, monkeypatch, cmd, opt, bad):
    from typer.testing import CliRunner

    from ipcorpus.cli import app
    monkeypatch.chdir(fuzz_ws)
    held = tree_digest(fuzz_ws / "c")
    pos = {"show": ["c/a.txt:3"], "rules": []}.get(cmd, ["c/a.txt"])
    cache = ["--no-cache"] if opt != "--db" and cmd != "rules" else []
    res = CliRunner().invoke(app, [cmd, *pos, opt, bad, *cache])
    lines = res.stderr.split("\n")[:-1]
    assert res.exit_code == 2, (res.exit_code, res.stderr, res.exception)
    assert len(lines) == 1 and ERROR.match(lines[0]), lines
    assert "internal error" not in lines[0]
    assert tree_digest(fuzz_ws / "c") == held
