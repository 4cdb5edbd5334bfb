"""`-` as a path: one article read from standard input, cited as `<stdin>:N`, so
`curl … | ipcorpus stance -` works (issue 13, item 13). stance, clean, check and report
read it; show reads it for a `<stdin>:N` citation (the article piped in again); ingest
refuses it (it indexes files). Nothing about it ever goes into an index."""
from __future__ import annotations

import io
import json
import shutil

import pytest
from typer.testing import CliRunner

from conftest import DATA, SAMPLE

from ipcorpus.commands.cli import app
from ipcorpus.errors import InputError
from ipcorpus.read.source import read_stdin

ARTICLE = "36kr/tesla_musk_x_account.txt"


def run(*args, input=None, code=0, env=None):
    res = CliRunner(env={"NO_COLOR": None, "IPCORPUS_DB": None, **(env or {})}).invoke(
        app, [str(a) for a in args], input=input)
    assert res.exit_code == code, (args, res.exit_code, res.stdout, res.stderr, res.exception)
    return res


@pytest.fixture
def here(tmp_path, monkeypatch):
    """An empty working folder with one article file beside it (a.txt)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(SAMPLE / ARTICLE, tmp_path / "a.txt")
    return tmp_path


def data() -> bytes:
    return (SAMPLE / ARTICLE).read_bytes()


def _no_index(folder):
    assert not list(folder.rglob(".ipcorpus")), "an index was made"
    assert not list(folder.rglob("*.sqlite"))


@pytest.mark.parametrize("fmt", ["jsonl", "tsv"])
def test_stance_reads_stdin_and_cites_it(here, fmt):
    got = run("stance", "-", "-e", "3", "-f", fmt, input=data()).stdout
    want = run("stance", "a.txt", "-e", "3", "-f", fmt, "--no-cache").stdout
    assert "<stdin>:" in got
    assert got == want.replace("a.txt", "<stdin>")
    _no_index(here)


def test_stance_of_stdin_in_json_names_the_path_stdin(here):
    rec = json.loads(run("stance", "-", "-f", "jsonl", input=data()).stdout)
    assert rec["path"] == "<stdin>" and rec["label"] == "founder-ip"
    assert all(e["citation"].startswith("<stdin>:") for e in rec["evidence"])


@pytest.mark.parametrize("args", [[], ["--original"], ["--explain"], ["-f", "jsonl"], ["--explain", "--kept"]])
def test_clean_reads_stdin(here, args):
    got = run("clean", "-", *args, input=data()).stdout
    want = run("clean", "a.txt", *args, "--no-cache").stdout
    assert got == want.replace("a.txt", "<stdin>") and got.strip()
    _no_index(here)


def test_check_reads_stdin(here):
    got = run("check", "-", "--require-stance", "--select", "E,W,I", input=b"\xef\xbb\xbf" + data())
    assert got.stdout == "" or all(ln.startswith("<stdin>:") for ln in got.stdout.splitlines())
    res = run("check", "-", input=b"\x00\x01\x02\x03" * 8, code=1)
    assert res.stdout.startswith("<stdin>:1:1: E101 not a text file")
    res = run("check", "-", "-f", "json", input=(DATA / "bad" / "kept_furniture.txt").read_bytes(), code=0)
    assert all(f["path"] == "<stdin>" for f in json.loads(res.stdout))
    _no_index(here)


def test_check_reads_stdin_with_the_findings_of_the_file(here):
    src = DATA / "bad" / "damaged.txt"
    shutil.copy(src, here / "d.txt")
    got = run("check", "-", "--exit-zero", input=src.read_bytes()).stdout
    want = run("check", "d.txt", "--exit-zero", "--no-cache").stdout
    assert got and got == want.replace("d.txt", "<stdin>")


def test_report_reads_stdin(here):
    rep = json.loads(run("report", "-", "-f", "json", "--keywords", "0", input=data()).stdout)
    assert rep["corpus"]["articles"] == 1 and rep["stance"]["labels"]["founder-ip"]["count"] == 1
    _no_index(here)


def test_show_reads_the_article_piped_in_again_for_a_stdin_citation(here):
    cite = json.loads(run("stance", "-", "-f", "jsonl", input=data()).stdout)["evidence"][0]["citation"]
    line = cite.split(":")[1]
    got = run("show", cite, "-C", "1", input=data()).stdout
    assert got == run("show", f"a.txt:{line}", "-C", "1", "--no-cache").stdout
    assert run("show", "--", f"-:{line}", input=data()).stdout.startswith(">")
    _no_index(here)


def test_ingest_refuses_stdin(here):
    res = run("ingest", "-", input=data(), code=2)
    assert res.stderr.startswith("ipcorpus: error: ingest indexes files") and res.stdout == ""


def test_stdin_goes_alone(here):
    res = run("stance", "-", "a.txt", input=data(), code=2)
    assert res.stderr == "ipcorpus: error: - (standard input) is one article: give it alone, without other paths\n"


@pytest.mark.parametrize("command", ["stance", "clean"])
def test_empty_or_binary_stdin_is_one_error(here, command):
    res = run(command, "-", input=b"", code=2)
    assert res.stderr.endswith("ipcorpus: error: <stdin>: empty file\n")
    res = run(command, "-", input=b"\x00\x01\x02\x03" * 8, code=2)
    assert "ipcorpus: error: <stdin>: binary file" in res.stderr


def test_stdin_never_makes_an_index_entry_even_with_an_index_named(here):
    """`-` must never become a row of an index: not with --db, not with IPCORPUS_DB,
    not with a corpus index above the working folder."""
    db = here / "idx.sqlite"
    run("stance", "-", "--db", db, input=data())
    run("stance", "-", input=data(), env={"IPCORPUS_DB": str(db)})
    assert not db.exists()
    run("ingest", "a.txt", "--db", db)
    import sqlite3
    before = sqlite3.connect(db).execute("SELECT path FROM files").fetchall()
    run("stance", "-", "--db", db, input=data())
    run("check", "-", "--db", db, "--require-stance", input=data())
    rows = sqlite3.connect(db).execute("SELECT path FROM files").fetchall()
    assert rows == before and not any(p[0].endswith(("-", "<stdin>")) for p in rows)


def test_a_file_named_dash_is_read_as_dot_slash_dash(here):
    shutil.copy(SAMPLE / ARTICLE, here / "-")
    got = run("stance", "./-", "-f", "jsonl", "--no-cache").stdout
    assert json.loads(got)["path"] == "./-"


def test_stdin_too_large_is_refused():
    class In:
        buffer = io.BytesIO(b"x" * 100)

        def isatty(self):
            return False
    import sys
    old = sys.stdin
    sys.stdin = In()   # type: ignore[assignment]
    try:
        with pytest.raises(InputError, match="too large"):
            read_stdin(50)
    finally:
        sys.stdin = old


def test_a_terminal_on_stdin_is_refused_not_waited_on(monkeypatch):
    class Tty:
        buffer = io.BytesIO(b"")

        def isatty(self):
            return True
    monkeypatch.setattr("sys.stdin", Tty())
    with pytest.raises(InputError, match="standard input is a terminal"):
        read_stdin()


def test_help_and_list_files_say_what_dash_is():
    def helps(name):
        return " ".join(run(name, "--help").stdout.split())
    for name in ("stance", "clean", "check", "report"):
        assert "- for one article from standard input, cited as <stdin>:LINE and never indexed" in helps(name)
    assert "not - (standard input): ingest indexes files" in helps("ingest")
    assert "A citation of standard input (<stdin>:LINE, or -:LINE after --)" in helps("show")
