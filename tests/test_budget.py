"""The whole-file budget (budget.py): a file whose analysis runs past the time limit
is reported as failed with the reason, and the run goes on with the other files."""
import subprocess
import sys
import time

import pytest

from ipcorpus import budget
from ipcorpus.budget import Overtime, time_limit
from ipcorpus.corpus import pipeline, workers

PY = sys.executable
ARTICLE = "标题{}\n\n这是一段正文，讲的是创始人IP与账号矩阵，第{}篇。\n"


def _corpus(folder, names):
    folder.mkdir(exist_ok=True)
    for i, name in enumerate(names):
        (folder / name).write_text(ARTICLE.format(i, i), encoding="utf-8")
    return folder


@pytest.fixture
def slow_analysis(monkeypatch):
    """The analysis of any file named slow*.txt takes 30 s unless interrupted."""
    real = workers.analyse_bytes

    def analyse(path, data, *args, **kw):
        if "slow" in path:
            time.sleep(30)
        return real(path, data, *args, **kw)
    monkeypatch.setattr(workers, "analyse_bytes", analyse)
    return real


def test_the_limit_interrupts_a_busy_body():
    t = time.monotonic()
    with pytest.raises(Overtime):
        with time_limit(0.1):
            while True:
                pass
    assert time.monotonic() - t < 5


def test_no_limit_and_a_finished_body_leave_no_alarm():
    for limit in (None, 0, 5.0):
        with time_limit(limit):
            x = sum(range(1000))
    assert x == 499500
    time.sleep(0.05)                                   # an alarm left armed would fire here


def test_the_budget_grows_with_the_file():
    assert budget.for_size(60, 1_000) == 60 and budget.for_size(60, 10_000_000) == 600
    assert budget.for_size(0, 10_000_000) == 0 and budget.for_size(None, 1) == 0
    assert budget.reason(600) == "analysis took longer than 600 s"
    assert budget.reason(0.5) == "analysis took longer than 0.5 s"


def test_a_file_past_its_budget_fails_and_the_run_goes_on(tmp_path, slow_analysis):
    folder = _corpus(tmp_path / "c", ["a.txt", "slow.txt", "z.txt"])
    t = time.monotonic()
    corpus = pipeline.run([str(folder)], pipeline.Options(no_cache=True, jobs=1, time_limit=0.5))
    assert time.monotonic() - t < 20
    failed = {f.path.rsplit("/", 1)[-1]: f.error for f in corpus.failed()}
    assert failed == {"slow.txt": "analysis took longer than 0.5 s"}
    assert sorted(f.path.rsplit("/", 1)[-1] for f in corpus.docs()) == ["a.txt", "z.txt"]


def test_a_file_past_its_budget_is_tried_again_next_run(tmp_path, slow_analysis, monkeypatch):
    folder = _corpus(tmp_path / "c", ["a.txt", "slow.txt"])
    opts = pipeline.Options(db=str(tmp_path / "index.sqlite"), jobs=1, time_limit=0.5)
    first = pipeline.run([str(folder)], opts)
    assert [f.error for f in first.failed()] == [budget.reason(0.5)]
    # Running out of time is no fault of the bytes: the next run analyses the file again.
    monkeypatch.setattr(workers, "analyse_bytes", slow_analysis)
    second = pipeline.run([str(folder)], pipeline.Options(db=opts.db, jobs=1, time_limit=60))
    assert not second.failed()


def _cli(*args, cwd):
    return subprocess.run([PY, "-m", "ipcorpus", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_the_cli_warns_for_each_file_past_the_limit_of_ipcorpus_toml(tmp_path):
    folder = _corpus(tmp_path / "c", ["a.txt", "b.txt"])
    (folder / "ipcorpus.toml").write_text("[corpus]\ntime_limit = 0.000001\n", encoding="utf-8")
    p = _cli("ingest", "c", "--no-cache", cwd=tmp_path)
    warnings = [ln for ln in p.stderr.splitlines() if ln.startswith("ipcorpus: warning: ")]
    assert sorted(warnings) == [f"ipcorpus: warning: c/{n}: analysis took longer than 1e-06 s"
                                for n in ("a.txt", "b.txt")]
    assert "Traceback" not in p.stderr


def test_the_default_limit_leaves_a_normal_run_alone(tmp_path):
    folder = _corpus(tmp_path / "c", ["a.txt", "b.txt"])
    assert pipeline.Options().time_limit == budget.DEFAULT_SECONDS == 60
    p = _cli("ingest", "c", "--no-cache", cwd=tmp_path)
    assert p.returncode == 0 and "warning" not in p.stderr, p.stderr
    assert folder.exists()


@pytest.mark.parametrize("value", ['"soon"', "-1", "true"])
def test_a_bad_time_limit_is_one_error_line(tmp_path, value):
    folder = _corpus(tmp_path / "c", ["a.txt"])
    (folder / "ipcorpus.toml").write_text(f"[corpus]\ntime_limit = {value}\n", encoding="utf-8")
    p = _cli("clean", "c/a.txt", "--no-cache", cwd=tmp_path)
    assert p.returncode == 2
    assert p.stderr.splitlines() == [p.stderr.strip()] and p.stderr.startswith("ipcorpus: error: c/ipcorpus.toml")
    assert "time_limit must be a number of seconds" in p.stderr
