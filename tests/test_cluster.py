"""--scheduler: the same analysis on a Dask cluster (corpus/cluster.py), against a
LocalCluster of 2 worker processes started for this module: byte-identical output to
a local run, a worker killed mid-run, an unreachable scheduler, Ctrl-C, memory://
input read by the workers. Needs the `dask` extra, which `make test` installs."""
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT

distributed = pytest.importorskip("distributed")
# The helpers below run on the scheduler and the workers, which cannot import this file.
pytest.importorskip("cloudpickle").register_pickle_by_value(sys.modules[__name__])

# The generated corpus: 2,000 articles keep `make test` within its budget on 2 cores;
# IPCORPUS_TEST_ARTICLES=20000 runs the same tests bigger.
ARTICLES = int(os.environ.get("IPCORPUS_TEST_ARTICLES", "2000"))

_CLUSTER = """
import sys, time
from distributed import LocalCluster
if __name__ == "__main__":
    c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                     worker_dashboard_address=None)
    print(c.scheduler_address, flush=True)
    sys.stdin.read()          # until the test closes stdin
    c.close()
"""


@pytest.fixture(scope="module")
def address():
    p = subprocess.Popen([sys.executable, "-c", _CLUSTER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    addr = p.stdout.readline().strip()
    assert addr.startswith("tcp://"), addr
    yield addr
    p.stdin.close()
    try:
        p.wait(30)
    except subprocess.TimeoutExpired:
        p.kill()


@pytest.fixture(scope="module")
def client(address):
    c = distributed.Client(address, set_as_default=False)
    yield c
    c.close()


def ipcorpus(*args, env=None, **kw):
    """The installed program in a subprocess, IPCORPUS_SCHEDULER only as `env` sets it."""
    e = {k: v for k, v in os.environ.items() if k != "IPCORPUS_SCHEDULER"}
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "ipcorpus", *args], cwd=ROOT, capture_output=True, env=e,
                          timeout=600, **kw)


def _bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A folder of ARTICLES generated articles (bench/run.py: edits, reposts, the
    portal furniture left in)."""
    folder = tmp_path_factory.mktemp("gen") / "corpus"
    bench = _bench()
    bench.write_corpus(folder, bench.generate(ARTICLES, seed=7)[0])
    return folder


@pytest.fixture(scope="module")
def generated_local(generated):
    """The local run's `stance --format json` of the generated corpus."""
    local = ipcorpus("stance", str(generated), "--format", "json", "--db", str(generated.parent / "local.sqlite"))
    assert local.returncode == 0, local.stderr
    return local.stdout


def test_sample_corpus_identical_and_the_index_serves_later_runs(address, tmp_path):
    a, b = str(tmp_path / "a.sqlite"), str(tmp_path / "b.sqlite")
    local = ipcorpus("stance", "sample_corpus", "--format", "json", "--db", a, "-e", "3")
    dask = ipcorpus("stance", "sample_corpus", "--format", "json", "--db", b, "-e", "3", "--scheduler", address)
    assert local.returncode == dask.returncode == 0, dask.stderr
    assert dask.stdout == local.stdout and len(json.loads(local.stdout)) == 20
    # The index the cluster run left serves report, check, ingest and show with no
    # cluster at all (a scheduler that cannot be reached is never asked).
    gone = {"IPCORPUS_SCHEDULER": "tcp://127.0.0.1:9", "IPCORPUS_SCHEDULER_TIMEOUT": "1"}
    for args in (["report", "sample_corpus", "--format", "json", "--keywords", "3"],
                 ["check", "sample_corpus", "--format", "json"],
                 ["ingest", "sample_corpus", "--format", "json"]):
        ref = ipcorpus(*args, "--db", a)
        warm = ipcorpus(*args, "--db", b, env=gone)
        assert warm.returncode == ref.returncode, (args, warm.stderr)
        assert warm.stdout.replace(b"b.sqlite", b"a.sqlite") == ref.stdout, args
    assert json.loads(warm.stdout)["unchanged"] == 20
    shown = ipcorpus("show", "sample_corpus/36kr/tesla_musk_x_account.txt:65", "--db", b, env=gone)
    assert shown.returncode == 0 and "创始人亲自发声" in shown.stdout.decode()


def test_scheduler_from_the_environment(address, tmp_path):
    local = ipcorpus("stance", "sample_corpus", "--format", "tsv", "--no-cache")
    dask = ipcorpus("stance", "sample_corpus", "--format", "tsv", "--no-cache", env={"IPCORPUS_SCHEDULER": address})
    assert dask.returncode == 0 and dask.stdout == local.stdout


def _worker_pids(client) -> dict:
    return client.run(os.getpid)


@pytest.mark.slow
def test_generated_corpus_identical_with_a_worker_killed_mid_run(address, client, generated, generated_local):
    """The cluster's `stance --format json` is the local run's byte for byte, though a
    worker is killed while it analyses: its tasks run again, no article is lost or doubled."""
    folder, local = generated, generated_local
    before = _worker_pids(client)
    p = subprocess.Popen([sys.executable, "-m", "ipcorpus", "stance", str(folder), "--format", "json", "--no-cache",
                          "--scheduler", address], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killed = None
    deadline = time.time() + 300
    while killed is None and time.time() < deadline and p.poll() is None:
        # Kill a worker while it analyses, once earlier analyses have come back (the
        # client keeps 8 tasks queued: a task numbered 12 means 4 were taken).
        busy, last = client.run_on_scheduler(_analysis_state)
        if busy and last >= 12:
            killed = busy[0]
            os.kill(before[killed], signal.SIGKILL)
        time.sleep(0.02)
    out, err = p.communicate(timeout=600)
    assert killed is not None, "the run ended before a worker could be killed"
    assert p.returncode == 0, err
    assert out == local                       # every article once, the same labels
    assert len(json.loads(out)) == ARTICLES
    client.wait_for_workers(2, timeout=60)    # the nanny started another
    assert set(_worker_pids(client).values()) != set(before.values())


def test_generated_corpus_brief_identical(address, generated, generated_local, tmp_path):
    """`report` on the cluster is the local one byte for byte: the workers make each
    article's digest with its stance (corpus/digest.py) and the client reduces them:
    2,000 articles' reposts banded from their sketches (keywords: see the next test)."""
    local = ipcorpus("report", str(generated), "--format", "json", "--keywords", "0",
                     "--db", str(generated.parent / "local.sqlite"))
    dask = ipcorpus("report", str(generated), "--format", "json", "--keywords", "0",
                    "--db", str(tmp_path / "d.sqlite"), "--scheduler", address)
    assert local.returncode == dask.returncode == 0, dask.stderr
    assert dask.stdout == local.stdout
    assert json.loads(dask.stdout)["reposts"]["groups"] > 10


def test_sample_corpus_brief_of_a_report_run_on_the_cluster(address, tmp_path):
    """`report --scheduler` on a fresh index (the workers score and digest every
    article, the client reduces and counts the keywords) prints the brief a local
    report prints over a local stance run's index."""
    a = str(tmp_path / "a.sqlite")
    assert ipcorpus("stance", "sample_corpus", "--format", "json", "--db", a).returncode == 0
    local = ipcorpus("report", "sample_corpus", "--format", "json", "--db", a)
    dask = ipcorpus("report", "sample_corpus", "--format", "json", "--db", str(tmp_path / "b.sqlite"),
                    "--scheduler", address)
    assert local.returncode == dask.returncode == 0, dask.stderr
    assert dask.stdout == local.stdout
    assert json.loads(dask.stdout)["voices"]["founder-ip"]["keywords"]


def _analysis_state(dask_scheduler=None):
    """(workers running an analysis task, the highest analysis task number queued)."""
    keys = [str(k) for k in dask_scheduler.tasks if "-analyse_job-" in str(k)]
    busy = sorted({ts.processing_on.address for k, ts in dask_scheduler.tasks.items()
                   if "-analyse_job-" in str(k) and ts.processing_on is not None})
    return busy, max((int(k.rsplit("-", 1)[1]) for k in keys), default=-1)


def test_unreachable_scheduler_is_one_error(tmp_path):
    for args, env in ((["--scheduler", "tcp://127.0.0.1:9"], {}),
                      ([], {"IPCORPUS_SCHEDULER": "tcp://127.0.0.1:9"}),
                      (["--scheduler", "no-such-scheme://x"], {})):
        p = ipcorpus("stance", "sample_corpus", "--no-cache", *args, env={"IPCORPUS_SCHEDULER_TIMEOUT": "1", **env})
        err = p.stderr.decode()
        assert p.returncode == 2, err
        assert err.count("\n") == 1 and err.startswith("ipcorpus: error: cannot reach the Dask scheduler at "), err
        assert p.stdout == b""


@pytest.mark.slow
def test_ctrl_c_cancels_the_cluster_tasks(address, client, generated):
    folder = generated
    deadline = time.time() + 30
    while time.time() < deadline and client.run_on_scheduler(_ours):
        time.sleep(0.1)                     # an earlier test's run, still being released
    p = subprocess.Popen([sys.executable, "-m", "ipcorpus", "stance", str(folder), "--format", "json", "--no-cache",
                          "--scheduler", address], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and not client.run_on_scheduler(_ours):
        time.sleep(0.05)
    assert client.run_on_scheduler(_ours), "no task reached the scheduler"
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert b"Traceback" not in err
    deadline = time.time() + 30
    while time.time() < deadline and client.run_on_scheduler(_ours):
        time.sleep(0.1)
    assert client.run_on_scheduler(_ours) == 0       # nothing left queued or running


def _ours(dask_scheduler=None) -> int:
    return sum(1 for k in dask_scheduler.tasks if str(k).startswith("ipcorpus-"))


def _write_memory(files: dict):
    import fsspec
    fs = fsspec.filesystem("memory")
    for name, data in files.items():
        fs.pipe(name, data)


def test_memory_urls_are_read_by_the_workers(client, address, tmp_path, capsys):
    from ipcorpus import Corpus
    files = {}
    for p in sorted((ROOT / "sample_corpus").rglob("*")):
        if p.suffix in (".txt", ".md") and p.is_file():
            files[f"/mcorpus/{p.relative_to(ROOT / 'sample_corpus').as_posix()}"] = p.read_bytes()
    _write_memory(files)             # for listing and stat here
    client.run(_write_memory, files)  # and for the workers, which read the bytes
    dask = Corpus.open("memory://mcorpus", scheduler=address, db=str(tmp_path / "m.sqlite"))
    local = Corpus.open("sample_corpus", no_cache=True)
    got, want = list(dask.stances()), list(local.stances())
    assert len(got) == len(want) == 20 and dask.failed() == []
    for g, w in zip(got, want, strict=True):
        assert g["path"] == "memory://mcorpus/" + w["path"].removeprefix("sample_corpus/")
        assert g["label"] == w["label"] and g["score"] == w["score"]
        assert [e["citation"].removeprefix("memory://mcorpus/") for e in g["evidence"]] == \
            [e["citation"].removeprefix("sample_corpus/") for e in w["evidence"]]
    # Warm: nothing is read again, and no cluster is needed.
    again = Corpus.open("memory://mcorpus", scheduler="tcp://127.0.0.1:9", db=str(tmp_path / "m.sqlite"))
    assert [f.status for f in again.run.files] == ["unchanged"] * 20
    assert list(again.stances()) == got
    # check reads URLs as it reads files (here, in this process), and cites the URL.
    import ipcorpus.check as chk
    from ipcorpus.api import make_options
    from ipcorpus.commands.output import Out
    capsys.readouterr()
    opts = make_options(["memory://mcorpus"], db=str(tmp_path / "m.sqlite"))
    assert chk.command(["memory://mcorpus"], opts, Out("text"), "text", chk.Settings(), exit_zero=True) == 0
    findings = capsys.readouterr().out.splitlines()
    assert findings and all(f.startswith("memory://mcorpus/") for f in findings)


def _streamed(tmp_path, **open_kw):
    """`stance --format jsonl`'s records as the run prints them (output_cache.Streamed),
    with how many were printed and flushed and how many articles were still unscored each time an
    article was scored; and the same output rendered after the run, unstreamed."""
    import io

    from ipcorpus import Corpus
    from ipcorpus.commands.output import Out
    from ipcorpus.commands.stance_tables import stance_output, stance_pieces
    from ipcorpus.index.output_cache import Streamed
    class Pipe(io.StringIO):
        flushed = 0           # lines a reader at the other end would have seen

        def flush(self):
            self.flushed = self.getvalue().count("\n")

    buf = Pipe()
    seen = []

    class Watched(Streamed):
        def ready(self, pending):
            super().ready(pending)
            seen.append((buf.flushed, len(pending)))

    stream = Watched(Out("jsonl", stream=buf), "stance", {"evidence": 2},
                     lambda c: stance_pieces(c, "jsonl", 2, (), c.docs()))
    corpus = Corpus.open("sample_corpus", db=str(tmp_path / "s.sqlite"), stream=stream, **open_kw).run
    assert stream.finish()
    whole = io.StringIO()
    stance_output(corpus, Out("jsonl", stream=whole), evidence=2)
    return buf.getvalue(), seen, whole.getvalue()


@pytest.mark.parametrize("where", ["scheduler", "local pool"])
def test_records_print_as_they_are_scored(where, address, tmp_path, monkeypatch):
    """Ordered streaming: the first records are printed while articles are still to be
    scored, and what is printed is byte for byte the output rendered after the run."""
    if where == "scheduler":
        kw = {"scheduler": address}
    else:
        from ipcorpus.corpus import workers
        monkeypatch.setattr(workers, "PARALLEL_MIN", 2)    # the 20 articles go to the process pool
        kw = {"jobs": 2}
    printed, seen, whole = _streamed(tmp_path, **kw)
    assert printed == whole and printed.count("\n") == 20
    assert seen[-1] == (20, 0)
    assert any(lines > 0 and left > 0 for lines, left in seen), seen
    # A warm run prints the kept output (nothing left to score) the same.
    again, seen, _ = _streamed(tmp_path, **kw)
    assert again == printed and seen == [(20, 0)]


def test_url_corpus_check_cites_urls_and_gone_files_leave_the_index(tmp_path, capsys):
    """An indexed URL corpus: check compares each article with the others of the index,
    not with itself under a mangled name (memory:/…); a file gone from the URL folder
    is pruned from the index as a local one is; --changed-since refuses URLs, which git
    cannot speak for, in one line (exit 2) instead of leaving them out."""
    import ipcorpus.check as chk
    from ipcorpus import Corpus
    from ipcorpus.api import make_options
    from ipcorpus.commands.output import Out
    from ipcorpus.index import Store
    names = ["netease/xiaomi_ip_firewall.txt", "sohu/xiaomi_ip_firewall_repost.txt", "36kr/tesla_musk_x_account.txt",
             "blog/chenou_wo_wei_ziji_daiyan.txt"]
    _write_memory({f"/gone/{n}": (ROOT / "sample_corpus" / n).read_bytes() for n in names})
    db = str(tmp_path / "u.sqlite")
    Corpus.open("memory://gone", db=db)
    capsys.readouterr()
    opts = make_options(["memory://gone"], db=db)
    assert chk.command(["memory://gone"], opts, Out("text"), "text", chk.Settings(), exit_zero=True) == 0
    w206 = [f for f in capsys.readouterr().out.splitlines() if " W206 " in f]
    assert w206 == ["memory://gone/sohu/xiaomi_ip_firewall_repost.txt:12:1: W206 repost of "
                    "memory://gone/netease/xiaomi_ip_firewall.txt:11 (95% of the kept text is the same)"]
    import fsspec
    fsspec.filesystem("memory").rm("/gone/blog/chenou_wo_wei_ziji_daiyan.txt")
    again = Corpus.open("memory://gone", db=db)
    assert again.run.pruned == 1
    assert sorted(Store(db).file_rows()) == sorted(f"memory://gone/{n}" for n in names[:3])
    p = ipcorpus("check", "memory://gone", "--changed-since", "HEAD", "--no-cache")
    err = p.stderr.decode()
    assert p.returncode == 2 and p.stdout == b"", err
    assert err.count("\n") == 1 and err.startswith("ipcorpus: error: --changed-since asks git what changed, and "
                                                   "memory://gone is a URL"), err
