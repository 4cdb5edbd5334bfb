"""Printed results kept in the index (index/output_cache.py): an unchanged corpus is answered
with exactly what a fresh rendering prints, and anything that decides the output
makes a new rendering."""
import io
import shutil

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE

from ipcorpus.commands.cli import app
from ipcorpus.commands.output import Out
from ipcorpus.commands.stance_tables import stance_output
from ipcorpus.corpus.pipeline import Options, run
from ipcorpus.index import output_cache as results


@pytest.fixture
def corpus_dir(tmp_path):
    dest = tmp_path / "c"
    shutil.copytree(SAMPLE, dest, ignore=shutil.ignore_patterns(".ipcorpus"))
    return dest


@pytest.fixture
def renders(monkeypatch):
    """Count the renderings that were not served from the index whole: the command
    once per rendering, and each document piece rendered, whether the output is
    printed after the run (render) or while it runs (Streamed)."""
    calls = []
    real = results.render

    def counting(corpus, out, command, options, write, pieces=None):
        def w(o):
            calls.append(command)
            write(o)
        return real(corpus, out, command, options, w, pieces)

    class Counted(results._Printer):
        def __init__(self, corpus, out, command, *args, **kw):
            super().__init__(corpus, out, command, *args, **kw)
            piece, first = self.piece, []

            def counted(f):
                if not first:
                    first.append(1)
                    calls.append(command)
                calls.pieces.append(f.path)
                return piece(f)
            self.piece = counted

    class Calls(list):
        pieces: list

    calls = Calls()
    calls.pieces = []
    monkeypatch.setattr(results, "render", counting)
    monkeypatch.setattr(results, "_Printer", Counted)
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
    from ipcorpus.index import RESULTS_KEPT
    variants = [("--format", "jsonl"), ("--format", "tsv", "--by", "entity"), ("--format", "json"),
                ("--format", "jsonl", "--evidence", "2"), ("--format", "jsonl", "--label", "matrix")][:RESULTS_KEPT]
    outs = {}
    for args in variants:
        outs[args] = _stance(corpus_dir, *args)
    assert len(renders) == len(variants) and len(set(outs.values())) == len(variants)
    for args, text in outs.items():
        assert _stance(corpus_dir, *args) == text
    assert len(renders) == len(variants)


def test_a_changed_file_is_rendered_again(corpus_dir, renders):
    before = _stance(corpus_dir, "--format", "jsonl")
    art = corpus_dir / "netease" / "xiaomi_ip_firewall.txt"
    art.write_text(art.read_text(encoding="utf-8").replace("雷军", "董明珠"), encoding="utf-8")
    after = _stance(corpus_dir, "--format", "jsonl")
    assert renders == ["stance", "stance"]
    assert after != before and "董明珠" in after
    assert after == _fresh(corpus_dir, "jsonl")
    # Only the changed document was rendered again, the others came from the index.
    assert len(renders.pieces) == len(_docs(corpus_dir)) + 1 and renders.pieces[-1] == str(art)
    art.rename(art.with_name("renamed.txt"))           # the same content under another name
    renamed = _stance(corpus_dir, "--format", "jsonl")
    assert len(renders) == 3 and "renamed.txt" in renamed and renamed == _fresh(corpus_dir, "jsonl")


def _docs(c):
    return run([str(c)], Options(no_cache=True, jobs=1)).docs()


@pytest.mark.parametrize("fmt,args", [("json", ()), ("tsv", ()), ("csv", ("--evidence", "2")),
                                      ("markdown", ("--label", "matrix")), ("jsonl", ("--evidence", "1"))])
def test_pieces_kept_from_the_last_output_give_the_fresh_output(corpus_dir, renders, fmt, args):
    _stance(corpus_dir, "--format", fmt, *args)
    art = corpus_dir / "sina" / "tesla_byd_liangzhong_biaoda.txt"
    art.write_bytes(art.read_bytes().replace("比亚迪".encode(), "理想汽车".encode()))
    (corpus_dir / "netease" / "xiaomi_ip_firewall.txt").unlink()
    renders.pieces.clear()
    after = _stance(corpus_dir, "--format", fmt, *args)
    assert len(renders.pieces) <= 2          # the changed one, and any whose furniture changed
    assert after == _fresh(corpus_dir, fmt, evidence=int(args[1]) if args[:1] == ("--evidence",) else 0,
                           labels=tuple(args[1:2]) if args[:1] == ("--label",) else ())


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


def test_only_a_few_results_are_kept(corpus_dir, renders):
    """More outputs than RESULTS_KEPT: only the most recently used stay, with their
    pieces; one that was evicted is rendered again, the kept ones are not."""
    from ipcorpus.index import RESULTS_KEPT, Store
    outputs = [("--format", "jsonl", "--evidence", str(n)) for n in range(RESULTS_KEPT + 3)]
    for args in outputs:
        _stance(corpus_dir, *args)
        _stance(corpus_dir, *outputs[0])      # the first output stays in use
    assert len(renders) == len(outputs)
    # Kept: the first (used after every other) and the last RESULTS_KEPT - 1 made.
    kept = [outputs[0]] + outputs[len(outputs) - RESULTS_KEPT + 1:]
    evicted = [a for a in outputs if a not in kept]
    assert len(kept) == RESULTS_KEPT and evicted
    s = Store(str(corpus_dir / "i.sqlite"))
    assert s.db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == RESULTS_KEPT
    # The pieces of outputs no longer kept go with them.
    assert s.db.execute("SELECT COUNT(DISTINCT family) FROM pieces").fetchone()[0] == RESULTS_KEPT
    assert not s.db.execute("SELECT 1 FROM pieces WHERE family NOT IN (SELECT family FROM results)").fetchone()
    s.close()
    renders.clear()
    renders.pieces.clear()
    for args in kept:
        _stance(corpus_dir, *args)
    assert renders == [] and renders.pieces == []
    _stance(corpus_dir, *evicted[0])
    assert renders == ["stance"] and len(renders.pieces) == len(_docs(corpus_dir))
