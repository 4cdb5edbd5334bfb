"""What a run says besides its results (issue 13, items 10 and 11): -q/--quiet and
-v/--verbose on the root and every command, warnings about the same bad files
summarised after the first run, one colour setting (--color on the root and every
command, NO_COLOR honoured by tables and the progress bar), and a progress bar that
reaches its end only when the run does."""
from __future__ import annotations

import io
import re
import shutil

import pytest
from typer.testing import CliRunner

from conftest import DATA, SAMPLE

from ipcorpus.commands import output
from ipcorpus.commands.cli import app
from ipcorpus.commands.output import Out, configure
from ipcorpus.corpus import pipeline, workers
from ipcorpus.progress import Progress

COLOUR = re.compile(r"\x1b\[[0-9;]*m")      # SGR: colour and bold, not cursor movement
COMMANDS = ("ingest", "clean", "stance", "rules", "show", "report", "check", "config")


def run(*args, code=0, env=None):
    res = CliRunner(env={"NO_COLOR": None, "IPCORPUS_DB": None, **(env or {})}).invoke(app, [str(a) for a in args])
    assert res.exit_code == code, (args, res.exit_code, res.stdout, res.stderr, res.exception)
    return res


@pytest.fixture
def bad(tmp_path, monkeypatch):
    """tests/data/bad as ./articles: two files that cannot be analysed (binary, empty)."""
    shutil.copytree(DATA / "bad", tmp_path / "articles")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "articles"


@pytest.fixture(autouse=True)
def _defaults():
    configure(reset=True)
    yield
    configure(reset=True)


class _Tty(io.StringIO):
    def isatty(self):
        return True


# -- item 10: -q and -v ----------------------------------------------------------------
@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_takes_quiet_verbose_and_color(name):
    text = run(name, "--help", env={"COLUMNS": "200"}).stdout
    for opt in ("-q, --quiet ", "-v, --verbose ", "--color WHEN "):
        assert opt in text, (name, opt)


def test_the_root_takes_them_too():
    text = run("--help", env={"COLUMNS": "200"}).stdout
    for opt in ("-q, --quiet ", "-v, --verbose ", "--color WHEN "):
        assert opt in text, opt


def warnings(res) -> list[str]:
    return [ln for ln in res.stderr.splitlines() if ln.startswith("ipcorpus: warning:")]


def test_failures_are_listed_the_first_time_then_summarised(bad):
    first = warnings(run("ingest", "articles"))
    assert first == ["ipcorpus: warning: articles/binary.txt: binary file (NUL bytes)",
                     "ipcorpus: warning: articles/empty.txt: empty file"]
    again = warnings(run("ingest", "articles"))
    assert again == ["ipcorpus: warning: 2 files could not be analysed, as in earlier runs; "
                     "`ipcorpus ingest -v` lists them"]
    # The index knows them whatever the command; the summary names the command run.
    assert warnings(run("stance", "articles")) == [again[0].replace("ingest -v", "stance -v")]
    assert warnings(run("ingest", "articles", "-v")) == first
    assert warnings(run("-v", "ingest", "articles")) == first


def test_a_new_failure_is_listed_beside_the_summary_of_the_old(bad):
    run("ingest", "articles")
    (bad / "zz_binary.md").write_bytes(b"\x00\x01\x02\x03" * 10)
    assert warnings(run("ingest", "articles")) == [
        "ipcorpus: warning: articles/zz_binary.md: binary file (NUL bytes)",
        "ipcorpus: warning: 2 files could not be analysed, as in earlier runs; `ipcorpus ingest -v` lists them"]


def test_a_file_that_failed_differently_before_is_listed_again(bad):
    run("ingest", "articles")
    (bad / "empty.txt").write_bytes(b"\x00\x01\x02\x03" * 10)
    assert "ipcorpus: warning: articles/empty.txt: binary file (NUL bytes)" in warnings(run("ingest", "articles"))


def test_without_an_index_every_run_is_a_first_run(bad):
    run("ingest", "articles", "--no-cache")
    assert len(warnings(run("ingest", "articles", "--no-cache"))) == 2


def test_a_file_that_cannot_even_be_looked_at_is_summarised_too(bad):
    (bad / "dangling.txt").symlink_to(bad / "nowhere.txt")
    assert "ipcorpus: warning: articles/dangling.txt: no such file or directory" in warnings(run("ingest", "articles"))
    assert warnings(run("ingest", "articles"))[-1].startswith("ipcorpus: warning: 3 files could not be analysed")


@pytest.mark.parametrize("where", ["root", "command"])
def test_quiet_silences_warnings_and_notes_not_results(bad, where):
    args = ["-q", "ingest", "articles"] if where == "root" else ["ingest", "articles", "--quiet"]
    res = run(*args)
    assert res.stderr == ""
    assert res.stdout.startswith("metric\tvalue\n")
    res = run("-q", "stance", "articles")
    assert res.stderr == "" and "articles/clean.txt" in res.stdout


def test_quiet_keeps_errors_and_the_reason_for_exit_1(bad, tmp_path):
    res = run("stance", "articles/empty.txt", "-q", code=2)
    assert res.stderr == "ipcorpus: error: articles/empty.txt: empty file\n"
    (tmp_path / "none").mkdir()
    res = run("stance", "none", "-q", code=1)
    assert res.stderr.startswith("ipcorpus: no files matched")


def test_quiet_check_prints_findings_and_no_summary(bad):
    loud = run("check", "articles", code=1)
    assert "ipcorpus check:" in loud.stderr
    quiet = run("check", "articles", "-q", code=1)
    assert quiet.stdout == loud.stdout and quiet.stderr == ""


def test_quiet_silences_the_progress_bar(monkeypatch):
    configure(quiet=True)
    assert not Progress(_Tty()).enabled
    configure(reset=True)
    assert Progress(_Tty()).enabled


# -- item 11: colour -------------------------------------------------------------------
def test_root_color_applies_to_the_command_and_the_command_may_override_it(tmp_path):
    corpus = shutil.copytree(SAMPLE / "36kr", tmp_path / "c")
    assert COLOUR.search(run("--color", "always", "stance", corpus, "--no-cache", "-f", "table").stdout)
    assert not COLOUR.search(run("--color", "always", "stance", corpus, "--no-cache", "-f", "table",
                                 "--color", "never").stdout)
    assert not COLOUR.search(run("--color", "never", "stance", corpus, "--no-cache", "-f", "table").stdout)


def test_check_takes_color(bad):
    run("check", "articles/clean.txt", "--color", "never")
    run("check", "articles/clean.txt", "--color", "pink", code=2)
    run("--color", "pink", "rules", code=2)


def test_no_color_means_no_escapes_in_a_terminal_table(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    s = _Tty()
    Out("auto", stream=s).rows(["a", "score"], [["小米", 0.5]], title="t")
    assert "小米" in s.getvalue() and not COLOUR.search(s.getvalue())
    s = _Tty()
    Out("auto", "always", stream=s).rows(["a", "score"], [["小米", 0.5]], title="t")
    assert COLOUR.search(s.getvalue()), "--color always overrides NO_COLOR"


def _bar_output(monkeypatch) -> str:
    monkeypatch.setattr(Progress, "SHOW_AFTER", 0)
    err = _Tty()
    with Progress(err) as bar:
        bar.update("total", 40)
        for _ in range(40):
            bar.update(1)
    return err.getvalue()


def test_the_progress_bar_is_coloured_on_a_terminal(monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    assert COLOUR.search(_bar_output(monkeypatch))


@pytest.mark.parametrize("how", ["NO_COLOR", "--color never"])
def test_the_progress_bar_honours_no_color_and_color_never(monkeypatch, how):
    monkeypatch.setenv("TERM", "xterm-256color")
    if how == "NO_COLOR":
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        configure(color="never")
    text = _bar_output(monkeypatch)
    assert "%" in text and not COLOUR.search(text), repr(text[:300])


def test_the_progress_bar_reaches_its_end_only_when_the_run_does(tmp_path, monkeypatch):
    """Scoring comes after every file is analysed: the bar must not stand at 100% while
    it runs (it did: one unit per file, none for learning and scoring)."""
    corpus = shutil.copytree(SAMPLE, tmp_path / "c", ignore=shutil.ignore_patterns(".ipcorpus"))
    seen = {"total": 0, "done": 0}
    during = []

    def progress(n, total=None):
        if n == "total":
            seen["total"] = total
        else:
            seen["done"] += n

    real = workers.stance_job

    def scoring(job):
        during.append((seen["done"], seen["total"]))
        return real(job)

    monkeypatch.setattr(workers, "stance_job", scoring)
    pipeline.run([str(corpus)], pipeline.Options(no_cache=True, jobs=1), progress)
    assert during, "nothing was scored"
    assert all(done < total for done, total in during), during
    assert seen["done"] == seen["total"]
    # An unchanged corpus run again (nothing to score) ends at its total too.
    seen.update(total=0, done=0)
    pipeline.run([str(corpus)], pipeline.Options(db=str(tmp_path / "i.sqlite"), jobs=1), progress)
    seen.update(total=0, done=0)
    pipeline.run([str(corpus)], pipeline.Options(db=str(tmp_path / "i.sqlite"), jobs=1), progress)
    assert seen["done"] == seen["total"] > 0


def test_one_invocation_leaves_no_setting_for_the_next(bad):
    run("-q", "--color", "never", "ingest", "articles")
    assert output.DISPLAY == output.Display()
