"""Files ipcorpus writes on request (`report --html FILE`, `check --write-baseline
FILE`) never replace an article of the corpus or any other file ipcorpus did not
write, as `--db` already refuses to; `--force` overrides."""
import json
import os
import shutil

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE

from ipcorpus.commands.cli import app

FILES = ("36kr/tesla_musk_x_account.txt", "netease/gree_dongmingzhu_yilai.txt", "blog/chenou_wo_wei_ziji_daiyan.txt")


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    c = tmp_path / "c"
    for rel in FILES:
        (c / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLE / rel, c / rel)
    monkeypatch.chdir(tmp_path)
    return c


def invoke(*args, code=0):
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert res.exit_code == code, (res.exit_code, res.stdout, res.stderr, res.exception)
    return res


def one_error(res, *words):
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ipcorpus: error: "), lines
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert "internal error" not in lines[0]


# The two writers: (command line without the file, option).
WRITERS = {
    "html": (["report", "c", "--keywords", "0", "--no-cache"], "--html"),
    "baseline": (["check", "c", "--no-cache", "--exit-zero"], "--write-baseline"),
}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_an_article_of_the_corpus_is_never_written_over(corpus, kind):
    args, opt = WRITERS[kind]
    article = corpus / FILES[0]
    held = article.read_bytes()
    one_error(invoke(*args, opt, f"c/{FILES[0]}", code=2), f"c/{FILES[0]}", "article", "--force")
    assert article.read_bytes() == held
    # Also when named through another spelling of the path.
    invoke(*args, opt, f"./c/{os.path.dirname(FILES[0])}/../{FILES[0]}", code=2)
    assert article.read_bytes() == held
    # --force writes anyway.
    invoke(*args, opt, f"c/{FILES[0]}", "--force")
    assert article.read_bytes() != held


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_file_ipcorpus_did_not_write_is_never_written_over(corpus, tmp_path, kind):
    args, opt = WRITERS[kind]
    for name, data in (("notes.txt", "my notes\n"), ("other.html", "<!DOCTYPE html><html>mine</html>\n"),
                       ("other.json", json.dumps({"tool": "eslint", "findings": []}))):
        target = tmp_path / name
        target.write_text(data, encoding="utf-8")
        one_error(invoke(*args, opt, name, code=2), name, "not", "--force")
        assert target.read_text(encoding="utf-8") == data
    # What ipcorpus wrote itself it writes again; an empty file holds nothing to lose.
    out = "out." + ("html" if kind == "html" else "json")
    invoke(*args, opt, out)
    first = (tmp_path / out).read_bytes()
    invoke(*args, opt, out)
    assert (tmp_path / out).read_bytes() == first
    (tmp_path / "empty.out").write_bytes(b"")
    invoke(*args, opt, "empty.out")
    assert (tmp_path / "empty.out").stat().st_size > 0
    # --force replaces another file.
    invoke(*args, opt, "notes.txt", "--force")
    assert (tmp_path / "notes.txt").read_bytes() == first


def test_a_brief_is_recognised_by_its_generator_tag(corpus, tmp_path):
    invoke(*WRITERS["html"][0], "--html", "brief.html")
    page = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert '<meta name="generator" content="ipcorpus ' in page.split("</head>")[0]
    # A brief written before the tag existed is recognised by its head, too.
    old = page.replace(page[page.index('<meta name="generator"'):].split(">", 1)[0] + ">", "")
    (tmp_path / "old.html").write_text(old, encoding="utf-8")
    invoke(*WRITERS["html"][0], "--html", "old.html")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_fifo_or_device_is_refused_even_with_force(corpus, tmp_path, kind):
    args, opt = WRITERS[kind]
    os.mkfifo(tmp_path / "fifo.out")
    for force in ([], ["--force"]):
        one_error(invoke(*args, opt, "fifo.out", *force, code=2), "fifo.out", "not a regular file")
        assert (tmp_path / "fifo.out").is_fifo()
