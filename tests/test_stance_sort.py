"""`stance --sort KEY` (path, label, score, date; ties by path) and `--limit N`
(issue 13, item 18): the same order in every format, the order served from the index
the same as a fresh one."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE

from ipcorpus.commands.cli import app
from ipcorpus.commands.stance_tables import LABELS


def run(*args, code=0):
    res = CliRunner(env={"NO_COLOR": None, "IPCORPUS_DB": None, "COLUMNS": "200"}).invoke(app, [str(a) for a in args])
    assert res.exit_code == code, (args, res.exit_code, res.stdout, res.stderr, res.exception)
    return res


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """sample_corpus with two exact copies added (ties on every key but the path)."""
    root = tmp_path_factory.mktemp("sort") / "c"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".ipcorpus"))
    for name in ("zz_copy.txt", "aa_copy.txt"):
        shutil.copy(SAMPLE / "36kr" / "tesla_musk_x_account.txt", root / name)
    run("ingest", root)
    return root


def records(corpus, *args) -> list[dict]:
    return [json.loads(ln) for ln in run("stance", corpus, "-f", "jsonl", *args).stdout.splitlines()]


def test_default_order_is_unchanged(corpus):
    assert [r["path"] for r in records(corpus)] == [r["path"] for r in records(corpus, "--no-cache")]


def test_sort_by_score_highest_first_ties_by_path(corpus):
    recs = records(corpus, "--sort", "score")
    keys = [(-r["score"], r["path"]) for r in recs]
    assert keys == sorted(keys) and len(recs) == 22
    copies = [r["path"] for r in recs if r["path"].endswith("_copy.txt")]
    assert copies == sorted(copies)


def test_sort_by_label_in_label_order_ties_by_path(corpus):
    recs = records(corpus, "--sort", "label")
    keys = [(LABELS.index(r["label"]), r["path"]) for r in recs]
    assert keys == sorted(keys)


def test_sort_by_date_newest_first_undated_last_ties_by_path(corpus):
    recs = records(corpus, "--sort", "date")
    dated = [r for r in recs if r["published"]]
    assert recs[:len(dated)] == dated, "undated articles come last"
    keys = [r["published"] for r in dated]
    assert keys == sorted(keys, reverse=True)
    for a, b in zip(recs, recs[1:], strict=False):
        if a["published"] == b["published"]:
            assert a["path"] < b["path"]


def test_sort_by_path(corpus):
    paths = [r["path"] for r in records(corpus, "--sort", "path")]
    assert paths == sorted(paths)


def test_limit_after_label_and_sort(corpus):
    full = records(corpus, "--sort", "score", "--label", "matrix")
    assert records(corpus, "--sort", "score", "--label", "matrix", "--limit", "2") == full[:2]
    assert records(corpus, "--limit", "3") == records(corpus)[:3]
    assert run("stance", corpus, "--limit", "0", "-f", "tsv").stdout.count("\n") == 1     # the header only


@pytest.mark.parametrize("fmt", ["tsv", "csv", "json", "markdown"])
def test_every_format_has_the_same_order(corpus, fmt):
    want = [r["path"] for r in records(corpus, "--sort", "score", "--limit", "5")]
    out = run("stance", corpus, "-f", fmt, "--sort", "score", "--limit", "5").stdout
    if fmt == "json":
        got = [r["path"] for r in json.loads(out)]
    elif fmt == "markdown":
        got = [ln.split(" | ")[0].lstrip("| ") for ln in out.splitlines()[2:]]
    else:
        got = [row[0] for row in csv.reader(io.StringIO(out), delimiter="\t" if fmt == "tsv" else ",")][1:]
    assert got == want


def test_terminal_table_and_evidence_follow_the_order(corpus):
    want = [r["path"] for r in records(corpus, "--sort", "score", "--limit", "3")]
    table = run("stance", corpus, "-f", "table", "--color", "never", "--sort", "score", "--limit", "3").stdout
    rows = [ln.split("│")[1].strip().rsplit(":", 1)[0] for ln in table.splitlines() if ln.startswith("│")]
    assert [r for r in rows if r] == want
    ev = run("stance", corpus, "-f", "tsv", "-e", "1", "--sort", "score", "--limit", "3").stdout.splitlines()[1:]
    assert [ln.split("\t")[0].rsplit(":", 1)[0] for ln in ev] == want


def test_explain_follows_sort_and_limit(corpus):
    out = run("stance", corpus, "--explain", "-f", "jsonl", "--sort", "score", "--limit", "2").stdout
    assert [json.loads(ln)["path"] for ln in out.splitlines()] == \
        [r["path"] for r in records(corpus, "--sort", "score", "--limit", "2")]


def test_kept_output_is_the_fresh_output(corpus):
    args = ["-f", "tsv", "--sort", "date", "--limit", "7", "-e", "2"]
    first = run("stance", corpus, *args).stdout
    assert run("stance", corpus, *args).stdout == first == run("stance", corpus, *args, "--no-cache").stdout
    assert run("stance", corpus, "-f", "tsv", "--sort", "score").stdout != \
        run("stance", corpus, "-f", "tsv", "--sort", "label").stdout


def test_bad_sort_and_limit_are_usage_errors(corpus):
    assert run("stance", corpus, "--sort", "title", code=2).stderr == \
        "ipcorpus: error: unknown --sort 'title' (choose from path, label, score, date)\n"
    run("stance", corpus, "--limit", "-1", code=2)
    assert "--by entity" in run("stance", corpus, "--by", "entity", "--limit", "2", code=2).stderr
