"""Printed results kept in the index (results.py): an unchanged corpus is answered
with exactly what a fresh rendering prints, and anything that decides the output
makes a new rendering."""
import io
import shutil

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE

from ipcorpus import results
from ipcorpus.cli import app
from ipcorpus.commands import stance_output
from ipcorpus.output import Out
from ipcorpus.pipeline import Options, run


@pytest.fixture
def corpus_dir(tmp_path):
    dest = tmp_path / "c"
    shutil.copytree(SAMPLE, dest, ignore=shutil.ignore_patterns(".ipcorpus"))
    return dest


@pytest.fixture
def renders(monkeypatch):
    """Count the renderings that were not served from the index."""
    calls = []
    real = results.render

    def counting(corpus, out, command, options, write):
        def w(o):
            calls.append(command)
            write(o)
        return real(corpus, out, command, options, w)

    monkeypatch.setattr(results, "render", counting)
    return calls


def _stance(c, *args):
    res = CliRunner().invoke(app, ["stance", str(c), "--db", str(c / "i.sqlite"), *args])
    assert res.exit_code == 0, res.output
    return res.stdout


def _fresh(c, fmt, **kw):
    corpus = run([str(c)], Options(no_cache=True, jobs=1))
    buf = io.StringIO()
    stance_output(corpus, Out(fmt, "never", stream=buf), **kw)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["jsonl", "json", "tsv", "csv", "markdown"])
def test_kept_output_is_the_fresh_output(corpus_dir, renders, fmt):
    first = _stance(corpus_dir, "--format", fmt)
    again = _stance(corpus_dir, "--format", fmt)
    assert renders == ["stance"]
    assert first == again == _fresh(corpus_dir, fmt)


def test_options_and_formats_are_kept_apart(corpus_dir, renders):
    outs = {}
    for args in (("--format", "jsonl"), ("--format", "json"), ("--format", "jsonl", "--evidence", "2"),
                 ("--format", "jsonl", "--label", "matrix"), ("--format", "tsv", "--by", "entity")):
        outs[args] = _stance(corpus_dir, *args)
    assert len(renders) == 5 and len(set(outs.values())) == 5
    for args, text in outs.items():
        assert _stance(corpus_dir, *args) == text
    assert len(renders) == 5


def test_a_changed_file_is_rendered_again(corpus_dir, renders):
    before = _stance(corpus_dir, "--format", "jsonl")
    art = corpus_dir / "netease" / "xiaomi_ip_firewall.txt"
    art.write_text(art.read_text(encoding="utf-8").replace("雷军", "董明珠"), encoding="utf-8")
    after = _stance(corpus_dir, "--format", "jsonl")
    assert renders == ["stance", "stance"]
    assert after != before and "董明珠" in after
    assert after == _fresh(corpus_dir, "jsonl")
    art.rename(art.with_name("renamed.txt"))           # the same content under another name
    renamed = _stance(corpus_dir, "--format", "jsonl")
    assert len(renders) == 3 and "renamed.txt" in renamed and renamed == _fresh(corpus_dir, "jsonl")


def test_new_furniture_changes_the_key(corpus_dir):
    # The same files and hashes, but other learned furniture: another result.
    corpus = run([str(corpus_dir)], Options(db=str(corpus_dir / "i.sqlite"), jobs=1))
    key = results.result_key(corpus, "stance", {}, "jsonl")
    some = next(f for f in corpus.docs())
    corpus.affected = dict(corpus.affected, **{some.hash: "other"})
    assert results.result_key(corpus, "stance", {}, "jsonl") != key


def test_terminal_tables_are_never_kept(corpus_dir):
    corpus = run([str(corpus_dir)], Options(db=str(corpus_dir / "i.sqlite"), jobs=1))
    out = Out("table", "never", stream=io.StringIO())
    results.render(corpus, out, "stance", {}, lambda o: stance_output(corpus, o))
    assert corpus.store.db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 0


def test_only_a_few_results_are_kept(corpus_dir):
    for n in range(8):
        _stance(corpus_dir, "--format", "jsonl", "--evidence", str(n))
    from ipcorpus.store import RESULTS_KEPT, Store
    s = Store(str(corpus_dir / "i.sqlite"))
    assert s.db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == RESULTS_KEPT
    s.close()
