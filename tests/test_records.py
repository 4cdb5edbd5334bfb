"""The records between the stages (ipcorpus/models.py): each round-trips through the
form the index keeps it in, and what is computed from them is computed once."""
import json
from dataclasses import fields

import pytest

from conftest import SAMPLE

from ipcorpus.clean.lines import clean
from ipcorpus.corpus.analysis import analyse_bytes, article_units, drop_recurring
from ipcorpus.corpus.digest import digest_of
from ipcorpus.index import (
    Store,
    pack_analysis,
    pack_digest,
    pack_stance,
    unpack,
    unpack_analysis,
    unpack_digest,
    unpack_stance,
)
from ipcorpus.models import Analysis, ArticleDigest, ArticleStance, Evidence, FileRow, Meta, side_score
from ipcorpus.read.document import document_from_bytes


# -- FileRow ----------------------------------------------------------------------
def test_file_row_round_trips_through_the_index(tmp_path):
    s = Store(str(tmp_path / "index.sqlite"))
    s.save("v1", [{"path": "/ok.txt", "size": 10, "mtime_ns": 123, "hash": None, "status": "ok"},
                  {"path": "/bad.txt", "size": 0, "mtime_ns": 7, "hash": "h2", "status": "failed",
                   "error": "empty file"}])
    rows = s.file_rows()
    s.close()
    assert rows == {"/ok.txt": FileRow(10, 123, None, "ok", None, "v1"),
                    "/bad.txt": FileRow(0, 7, "h2", "failed", "empty file", "v1")}
    bad = rows["/bad.txt"]
    assert (bad.size, bad.mtime_ns, bad.hash, bad.status, bad.error, bad.version) == \
        (0, 7, "h2", "failed", "empty file", "v1")
    assert FileRow(**bad._asdict()) == bad


# -- the score formula ------------------------------------------------------------
def test_side_score():
    assert side_score(0.0, 0.0) == 0.0
    assert side_score(3.0, 0.0) == 0.75
    assert side_score(0.0, 3.0) == -0.75
    assert side_score(1.0, 1.0) == 0.0
    assert side_score(2.0, 1.0) == round(1 / 4, 3)
    assert side_score(1.234567, 0.0) == round(1.234567 / 2.234567, 3)


# -- Analysis and ArticleStance ---------------------------------------------------
ANALYSIS_KEYS = ["encoding", "script", "size", "warnings", "text", "plain", "damage", "verdicts", "meta", "outlet",
                 "keys", "candidates", "fp", "numbers"]  # numbers: a web page's source lines (issue 16)
STANCE_KEYS = ["label", "score", "confidence", "topic", "reason", "founder", "matrix", "entities", "evidence",
               "title", "source", "published"]


@pytest.fixture(scope="module")
def analysed():
    """(path, Analysis, ArticleStance) of every sample article."""
    out = []
    for p in sorted(SAMPLE.rglob("*.txt")):
        if ".ipcorpus" not in p.parts:
            a, st = analyse_bytes(str(p), p.read_bytes())
            out.append((p, a, st))
    assert len(out) >= 10
    return out


def test_analysis_round_trips_through_the_index_form(analysed):
    for p, a, _ in analysed:
        d = a.to_dict()
        # The stored form: the keys and their order of the analysis dict it replaced.
        assert list(d) == ANALYSIS_KEYS and list(d["meta"]) == [f.name for f in fields(Meta)], p
        assert Analysis.from_dict(d) == a, p
        assert Analysis.from_dict(json.loads(json.dumps(d, ensure_ascii=False))) == a, p
        assert unpack_analysis(pack_analysis(a)["blob"]) == a, p
        assert unpack(pack_analysis(a)["blob"]) == json.loads(json.dumps(d)), p


def test_stance_round_trips_through_the_index_form(analysed):
    assert any(st.evidence and st.entities for _, _, st in analysed)
    for p, a, st in analysed:
        d = st.to_dict()
        assert list(d) == STANCE_KEYS, p
        assert (st.title, st.source, st.published) == (a.meta.title, a.meta.source, a.meta.published), p
        assert ArticleStance.from_dict(d) == st, p
        assert ArticleStance.from_dict(json.loads(json.dumps(d, ensure_ascii=False))) == st, p
        assert unpack_stance(pack_stance(st)) == st, p
        for e in st.evidence:
            assert Evidence.from_dict(e.to_dict()) == e


def test_digest_round_trips_through_the_index_form(analysed):
    """Every sample article's digest (corpus/digest.py) as the index keeps it, with a
    sketch for every article long enough to compare."""
    for p, a, _ in analysed:
        d = digest_of(a)
        assert list(d.to_dict()) == [f.name for f in fields(ArticleDigest)], p
        assert ArticleDigest.from_dict(json.loads(json.dumps(d.to_dict(), ensure_ascii=False))) == d, p
        assert unpack_digest(pack_digest(d)) == d, p
        assert (d.kept_lines, d.damaged) == (len(a.kept()), a.damaged()), p
        assert (d.outlet, d.script, d.encoding) == (a.outlet, a.script, a.encoding), p
        assert d.sketch is not None and len(d.sketch) == 128, p


def test_the_kept_lines_are_those_cleaning_kept(analysed):
    for p, a, st in analysed:
        kept = [i for i, (action, _) in enumerate(a.verdicts) if action == "keep"]
        assert a.kept() == kept and kept, p
        assert [i for i in range(len(a.verdicts)) if a.is_kept(i)] == kept, p
        cleaned = clean(document_from_bytes(str(p), p.read_bytes()))
        assert kept == [v.line - 1 for v in cleaned.verdicts if v.action == "keep"], p
        assert a.kept_text() == "\n".join(a.plain[i] for i in kept), p
        # Stance reads the kept lines only; so does every evidence it cites.
        assert {u.line - 1 for u in article_units(a)} <= set(kept), p
        assert all(a.is_kept(e.line - 1) for e in st.evidence), p
        assert a.damaged() == [i + 1 for i, n in enumerate(a.damage) if n], p


def test_learned_furniture_leaves_the_kept_lines():
    a = Analysis("utf-8", "simplified", 0, [], ["a", "b", "c"], ["a", "b", "c"], [0, 0, 0],
                 [["keep", ""], ["keep", ""], ["drop", "nav"]], Meta(), candidates=[("bb", 2), ("cc", 3)])
    assert not drop_recurring(a, {"cc"})                  # line 3 was dropped already
    assert drop_recurring(a, {"bb"})
    assert a.kept() == [0] and a.verdicts[1] == ["drop", "recurring"] and a.kept_text() == "a"
