"""The output layer: golden files for every machine format, and the promises a script
relies on (real Chinese in JSON, stable keys, clean TSV cells, tables only when asked)."""
import csv
import io
import json
import re

import pytest

import update_golden as ug
from conftest import SAMPLE

from ipcorpus.commands.output import Out, _cell, markdown_table

ANSI = re.compile(r"\x1b\[")
STANCE_KEYS = ["path", "title", "source", "published", "label", "score", "confidence", "founder", "matrix",
               "entities", "evidence"]
EVIDENCE_KEYS = ["line", "end_line", "side", "weight", "rules", "text"]
CLEAN_KEYS = ["path", "encoding", "script", "title", "source", "author", "published", "lines"]


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """The fixed four-article copy the goldens are made from, as the working directory."""
    ug.make_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args):
    res = ug.invoke(list(args))
    assert res.exit_code == 0, f"ipcorpus {' '.join(args)} exited {res.exit_code}: {res.stderr}{res.exception or ''}"
    return res.stdout


def in_order(keys, wanted):
    """The wanted keys all appear in `keys`, in this relative order."""
    pos = [keys.index(k) for k in wanted if k in keys]
    return len(pos) == len(wanted) and pos == sorted(pos)


# -- golden files -------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ug.CASES))
def test_golden(name, corpus):
    path = ug.GOLDEN / name
    assert path.exists(), f"tests/golden/{name} is missing.\n{ug.HINT}"
    want = path.read_text(encoding="utf-8")
    got = ug.render(name)
    assert got == want, f"output of `ipcorpus {' '.join(ug.CASES[name])}` differs from tests/golden/{name}:\n" \
                        f"{ug.diff(want, got, name)}\n{ug.HINT}"


def test_goldens_cover_every_format():
    names = set(ug.CASES)
    for fmt in ("tsv", "csv", "json", "jsonl", "markdown"):
        assert f"stance.{fmt}" in names
    assert {"clean.json", "ingest.json"} <= names
    on_disk = {p.name for p in ug.GOLDEN.iterdir() if p.is_file()}
    assert on_disk == names, f"golden files and cases differ: {sorted(on_disk ^ names)}.\n{ug.HINT}"


def test_goldens_paths_are_relative_and_stable():
    for name in ug.CASES:
        text = (ug.GOLDEN / name).read_text(encoding="utf-8")
        assert "/tmp" not in text and str(ug.ROOT) not in text, name
        assert "\\u" not in text, f"{name}: escaped characters"
    rows = (ug.GOLDEN / "stance.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert [r.split("\t")[0] for r in rows] == [f"{ug.CORPUS}/{f}" for f in ug.FILES]


def test_index_does_not_change_results(corpus):
    """Cold index, warm index and no index all print the golden stance JSON."""
    want = (ug.GOLDEN / "stance.json").read_text(encoding="utf-8")
    ingest = json.loads(invoke("ingest", ug.CORPUS, "--format", "json"))
    assert ingest["new"] == len(ug.FILES)
    assert (corpus / ingest["index"]).is_file()
    for run in ("warm", "again"):
        got = invoke("stance", ug.CORPUS, "--format", "json")
        assert got == want, f"{run} index:\n{ug.diff(want, got, 'stance.json')}\n{ug.HINT}"


# -- JSON ---------------------------------------------------------------------------
def test_stance_json_real_chinese_and_key_order(corpus):
    text = invoke("stance", ug.CORPUS, "--no-cache", "--format", "json")
    assert "\\u" not in text
    assert "特斯拉" in text and "董明珠" in text
    recs = json.loads(text)
    assert len(recs) == len(ug.FILES)
    for r in recs:
        assert in_order(list(r), STANCE_KEYS), list(r)
        for e in r["evidence"]:
            assert in_order(list(e), EVIDENCE_KEYS), list(e)
    # Stable: a second run prints the same bytes.
    assert invoke("stance", ug.CORPUS, "--no-cache", "--format", "json") == text


def test_clean_json_key_order(corpus):
    text = invoke("clean", ug.CORPUS, "--no-cache", "--format", "json")
    assert "\\u" not in text
    for r in json.loads(text):
        assert in_order(list(r), CLEAN_KEYS), list(r)
        for ln in r["lines"]:
            assert list(ln) in (["line", "action", "text"], ["line", "action", "rule"]), ln


def test_jsonl_is_the_json_array_one_per_line(corpus):
    arr = json.loads(invoke("stance", ug.CORPUS, "--no-cache", "--format", "json"))
    lines = invoke("stance", ug.CORPUS, "--no-cache", "--format", "jsonl").splitlines()
    assert len(lines) == len(arr)
    assert [json.loads(ln) for ln in lines] == arr
    assert all("\\u" not in ln for ln in lines)


# -- TSV / CSV / markdown -------------------------------------------------------------
def test_csv_matches_tsv(corpus):
    tsv = [r.split("\t") for r in invoke("stance", ug.CORPUS, "--no-cache", "--format", "tsv").splitlines()]
    rows = list(csv.reader(io.StringIO(invoke("stance", ug.CORPUS, "--no-cache", "--format", "csv"))))
    assert rows == tsv


def test_piped_output_is_tsv_with_header(corpus):
    """CliRunner's stdout is not a terminal: the default is TSV, never a table."""
    out = invoke("stance", ug.CORPUS, "--no-cache")
    lines = out.splitlines()
    assert lines[0].split("\t") == ["path", "title", "source", "published", "label", "score", "founder", "matrix",
                                    "citation"]
    assert len(lines) == 1 + len(ug.FILES)
    assert not re.search(r"[│┃━─┏]", out) and not ANSI.search(out)


def _awkward_article(tmp_path):
    """An article whose title and body carry tabs, a carriage return and a pipe."""
    d = tmp_path / "awk"
    d.mkdir()
    body = [
        "雷军\t个人IP|还是员工矩阵",
        "",
        "很多人认为，创始人个人IP是品牌最便宜的传播渠道，雷军亲自发声\t往往比广告更有效。",
        "",
        "但是我们认为，企业应该建立员工账号矩阵，让高管和工程师一起发声，分散对创始人的依赖。\r",
        "",
        "所以，矩阵化发声才是更稳妥的长期选择，老板不必天天出镜，团队也能讲好品牌故事。",
    ]
    (d / "a.txt").write_text("\n".join(body) + "\n", encoding="utf-8")
    return "awk"


@pytest.mark.parametrize("extra", [[], ["--evidence", "5"], ["--by", "entity"]])
def test_tsv_cells_never_hold_tabs_or_newlines(tmp_path, monkeypatch, extra):
    monkeypatch.chdir(tmp_path)
    folder = _awkward_article(tmp_path)
    out = invoke("stance", folder, "--no-cache", "--format", "tsv", *extra)
    lines = out.split("\n")
    assert lines[-1] == "" and len(lines) >= 3, out
    width = lines[0].count("\t")
    for ln in lines[1:-1]:
        assert ln.count("\t") == width, repr(ln)
        assert "\r" not in ln


def test_tsv_title_with_tab_keeps_its_words(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = _awkward_article(tmp_path)
    out = invoke("stance", folder, "--no-cache", "--format", "tsv")
    row = out.splitlines()[1].split("\t")
    assert "雷军" in row[1] and "员工矩阵" in row[1]


def test_cell_and_markdown_escaping():
    assert _cell("a\tb\nc\r\nd") == "a b c  d"
    assert _cell(None) == "" and _cell(0.5) == "0.5" and _cell(1.0) == "1.0"
    md = markdown_table(["a", "b"], [["x|y", "p\tq\nr"]])
    assert md == "| a | b |\n|---|---|\n| x\\|y | p q r |\n"


# -- tables only when asked -------------------------------------------------------------
class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_auto_format_follows_the_terminal():
    assert Out("auto", stream=_Tty()).fmt == "table"
    assert Out("auto", stream=io.StringIO()).fmt == "tsv"
    assert Out("json", stream=_Tty()).fmt == "json"


def test_table_format_renders_a_rich_table(corpus):
    out = invoke("stance", ug.CORPUS, "--no-cache", "--format", "table", "--color", "never")
    assert re.search(r"[│┃━─]", out), out
    assert "founder-ip" in out and "\t" not in out
    assert not ANSI.search(out)


def test_table_color_always_has_escapes_and_never_has_none(corpus):
    always = invoke("stance", ug.CORPUS, "--no-cache", "--format", "table", "--color", "always")
    assert ANSI.search(always)
    never = invoke("stance", ug.CORPUS, "--no-cache", "--format", "table", "--color", "never")
    assert not ANSI.search(never)


def test_tty_table_honours_color_never():
    s = _Tty()
    out = Out("auto", "never", stream=s)
    out.rows(["a", "score"], [["小米", 0.5]], title="t")
    assert "小米" in s.getvalue() and not ANSI.search(s.getvalue())


def test_sample_is_where_the_goldens_come_from():
    for rel in ug.FILES:
        assert (SAMPLE / rel).is_file(), rel


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_terminal_tables_never_cut_labels_or_scores(width, monkeypatch):
    """On any terminal width every label and score is printed whole (no `mixe`,
    no `-0.10`); a long citation folds onto a second line, and the title column is
    the one that gives way."""
    from ipcorpus.commands.output import Out
    monkeypatch.setenv("COLUMNS", str(width))
    out = Out("table", "never")
    rows = [["sample_corpus/aggregator/xiaomi_shuanglun_qudong_a_very_long_name.txt:5", "founder-ip", -0.602,
             "雷军个人IP和小米员工矩阵，应该一起用，一个很长的标题一个很长的标题"],
            ["b.txt:1", "mixed", 0.1, "短标题"]]
    buf = io.StringIO()
    out.console.file = buf
    out.table(["article", "label", "score", "title"], rows, title="stance")
    text = buf.getvalue()
    assert max(len(line) for line in text.splitlines()) <= width
    for cell in ("founder-ip", "-0.602", "mixed", "0.1"):
        assert re.search(rf"[│ ]{re.escape(cell)}[ │]", text), (width, cell, text)
    folded = "".join(line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│"))
    assert "sample_corpus/aggregator/xiaomi_shuanglun_qudong_a_very_long_name.txt:5" in folded
