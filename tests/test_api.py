"""The library API (ipcorpus/api.py): its documented examples run, and it gives what
the commands print."""
import doctest
import json

from conftest import ROOT, SAMPLE

import ipcorpus
from ipcorpus import api


def test_documented_examples_run(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = doctest.testmod(api, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 10
    assert result.failed == 0


def test_package_exports_the_library():
    assert ipcorpus.analyse_text is api.analyse_text
    assert ipcorpus.Corpus is api.Corpus
    assert set(ipcorpus.__all__) == {"Article", "ArticleLine", "Corpus", "analyse_text"}


def test_stance_records_are_what_stance_json_prints(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from ipcorpus.commands.cli import app
    monkeypatch.chdir(ROOT)
    res = CliRunner().invoke(app, ["stance", "sample_corpus", "--format", "json", "--evidence", "3", "--no-cache"])
    assert res.exit_code == 0, res.output
    printed = json.loads(res.stdout)
    corpus = api.Corpus.open("sample_corpus", no_cache=True)
    assert list(corpus.stances(evidence=3)) == printed
    assert [a.record(3) for a in corpus.documents()] == printed
    assert corpus.failed() == []


def test_analyse_text_matches_a_one_file_run():
    path = SAMPLE / "netease" / "gree_dongmingzhu_yilai.txt"
    one = api.Corpus.open(str(path), no_cache=True)
    doc = next(one.documents())
    art = api.analyse_text(path.read_text(encoding="utf-8"), path=str(path))
    assert art.stance.label == doc.stance.label == "matrix"
    assert art.record() == doc.record()
    assert [ln.action for ln in art.lines] == [ln.action for ln in doc.lines]


def test_the_default_install_pulls_no_dask():
    """Dask, distributed and fsspec are the `dask` extra only (`pip install .` leaves them out)."""
    import re
    import tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    heavy = re.compile(r"(dask|distributed|fsspec)\b")
    assert not [d for d in project["dependencies"] if heavy.match(d)]
    assert sorted(heavy.match(d)[1] for d in project["optional-dependencies"]["dask"]) == \
        ["dask", "distributed", "fsspec"]


def test_readme_python_examples_run(monkeypatch):
    """The `>>>` examples of README.md's library section."""
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 6
    assert result.failed == 0
