"""Saved web pages as input (issue 16): decoding as browsers do, blocks cited to
their source lines, markup rules, metadata from the markup, citations that `show`
resolves, and hostile markup. Every page here is one we wrote."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from conftest import ROOT

from ipcorpus.clean.lines import clean
from ipcorpus.corpus.analysis import analyse_bytes
from ipcorpus.read.document import document_from_bytes
from ipcorpus.read.html_page import MAX_LINE, decode_page
from ipcorpus.read.source import decode

# The page README.md's examples run on (tests/data/pages/a.html, saved as GBK): the
# line numbers asserted below are its lines.
PAGE = (ROOT / "tests" / "data" / "pages" / "a.html").read_bytes().decode("gbk")


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "ipcorpus", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def _rows(data: bytes, name: str = "a.html"):
    c = clean(document_from_bytes(name, data))
    return [(ln.number, v.action, v.rule, p) for ln, v, p in zip(c.doc.lines, c.verdicts, c.plain, strict=True)], c


def test_blocks_cited_to_their_source_lines_with_markup_rules():
    rows, c = _rows(PAGE.encode("gbk"))
    got = {(n, action, rule) for n, action, rule, _ in rows}
    assert (8, "drop", "html-nav") in got
    assert (9, "keep", "") in got                                  # the <h1> in a <header>: the title
    assert (10, "drop", "html-comment") in got
    assert (11, "keep", "") in got and (13, "keep", "") in got     # a <p> and the run after its <br>
    assert [r for r in rows if r[0] == 13][1][3] == "矩阵让企业的声音更稳定，也更持久。"
    assert (14, "drop", "html-script") in got and (15, "drop", "html-hidden") in got
    assert {r[2] for r in rows if r[0] == 16} == {"html-link-list"}
    assert (17, "drop", "html-furniture") in got
    assert c.doc.encoding == "gb18030"
    m = c.meta
    assert (m.title, m.author, m.source, m.published) == ("雷军的个人IP与企业矩阵", "张三", "示例日报",
                                                          "2024-03-05T10:20:00")
    assert m.title_line == 2                                      # the index + 1 of the <h1> block


def test_script_with_article_like_text_never_reaches_stance():
    a, st = analyse_bytes("a.html", PAGE.encode("utf-8"))
    assert st is not None
    assert all("创始人IP才是" not in e.text for e in st.evidence)
    assert "创始人IP才是" not in a.kept_text()


def test_folder_takes_html_and_every_citation_resolves_with_show(tmp_path):
    (tmp_path / "a.html").write_bytes(PAGE.encode("gbk"))
    (tmp_path / "b.htm").write_text(PAGE.replace('charset="gbk"', 'charset="utf-8"'), encoding="utf-8")
    (tmp_path / "c.txt").write_text("老板的个人IP有风险，所以企业应该建设账号矩阵。\n", encoding="utf-8")
    p = _cli("stance", str(tmp_path), "--format", "json", "--evidence", "10")
    assert p.returncode == 0, p.stderr
    recs = json.loads(p.stdout)
    assert sorted(r["path"].rsplit("/", 1)[1] for r in recs) == ["a.html", "b.htm", "c.txt"]
    cited = [(e["citation"], e["text"]) for r in recs if r["path"].endswith(("html", "htm"))
             for e in r["evidence"]]
    assert cited
    for citation, text in cited:
        s = _cli("show", citation, "--normalized")
        assert s.returncode == 0, s.stderr
        marked = "".join(ln.split("| ", 1)[1] for ln in s.stdout.splitlines() if ln.startswith(">"))
        assert text.replace(" ", "") in marked.replace(" ", ""), (citation, text, s.stdout)
    c = _cli("clean", str(tmp_path / "a.html"), "--format", "json")
    lines = json.loads(c.stdout)[0]["lines"]
    for ln in [x for x in lines if x["action"] == "keep"]:
        s = _cli("show", f"{tmp_path / 'a.html'}:{ln['line']}", "--normalized")
        assert ln["text"] in s.stdout


def test_page_on_one_line_keeps_its_blocks_apart():
    one = PAGE.replace("\n", " ")
    rows, _ = _rows(one.encode("gbk"))
    assert {n for n, *_ in rows} == {1}
    kept = [p for _, action, _, p in rows if action == "keep"]
    assert len(kept) >= 4                                         # title, two paragraphs, the <br> run
    assert any(r[2] == "html-script" for r in rows) and any(r[2] == "html-link-list" for r in rows)


def test_unclosed_and_stray_tags():
    page = ("<html><body><div><p>第一段没有闭合的段落，它的文字依然是文章的一部分。<p>第二段同样没有闭合，解析器替它闭合。"
            "</span></td><li>孤立的列表项也能读出来，不会出错。<b>粗体没闭合</div></i>尾巴")
    rows, _ = _rows(page.encode("utf-8"))
    texts = [p for *_, p in rows]
    assert texts[0].startswith("第一段") and texts[1].startswith("第二段") and any("孤立的列表项" in t for t in texts)
    assert any(t.endswith("尾巴") for t in texts)


def test_ten_megabytes_of_nested_div_neither_recurse_nor_hang():
    depth = 10 * 1024 * 1024 // 11
    page = "<html><body>" + "<div>" * depth + "<p>深处的一段文字，解析器必须读到它。</p>" + "</div>" * depth \
        + "<p>页面最后的一段文字也在。</p></body></html>"
    t = time.monotonic()
    doc = document_from_bytes("deep.html", page.encode("utf-8"))
    assert time.monotonic() - t < 60
    texts = [ln.text for ln in doc.lines]
    assert "深处的一段文字，解析器必须读到它。" in texts and "页面最后的一段文字也在。" in texts
    assert any("nested deeper" in w for w in doc.warnings)


def test_a_paragraph_of_many_inline_elements_is_read_in_linear_time():
    # 200,000 <b> in one <p>: gathering a block's text once per element would take
    # many minutes (quadratic); read once, it takes about a second.
    page = "<html><body><p>" + "<b>字</b> " * 200_000 + "</p><p>后面一段。</p></body></html>"
    t = time.monotonic()
    doc = document_from_bytes("inline.html", page.encode("utf-8"))
    assert time.monotonic() - t < 60
    assert [len(ln.text) for ln in doc.lines] == [2 * 200_000 - 1, 5]


def test_mixed_encodings_without_a_declaration():
    data = ("<html><body>\n<p>第一段是UTF-8写的文字，读出来要对。</p>\n".encode()
            + "<p>第二段是GB18030写的文字，也要读对。</p>\n".encode("gb18030") + b"</body></html>\n")
    doc = document_from_bytes("m.html", data)
    # The same detection as a text file of these bytes; one of the two lines is read
    # in the wrong encoding, and its damage is counted, not hidden.
    assert doc.encoding == decode(data).encoding
    assert [ln.number for ln in doc.lines] == [2, 3]
    assert "第二段是GB18030写的文字，也要读对。" in [ln.text for ln in doc.lines]


@pytest.mark.parametrize("declared, bom, enc, expect", [
    ("gb2312", b"", "gb18030", "gb18030"),
    ("big5", b"", "big5", "big5hkscs"),
    ("gbk", b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),       # a BOM wins over the declaration
])
def test_decoding_order(declared, bom, enc, expect):
    page = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={declared}"></head>' \
           '<body><p>企業的聲音來自員工賬號矩陣。</p></body></html>'
    dec, warning = decode_page(bom + page.encode(enc))
    assert dec.encoding == expect and "企業" in dec.text and warning is None


def test_a_wrong_declaration_falls_back_to_detection():
    page = '<html><head><meta charset="utf-8"></head><body><p>声明是UTF-8，字节其实是GB18030。</p></body></html>'
    doc = document_from_bytes("w.html", page.encode("gb18030"))
    assert doc.lines[0].text == "声明是UTF-8，字节其实是GB18030。"
    assert any("declares utf-8" in w for w in doc.warnings)


def test_lines_past_libxml2s_count():
    page = "<html><body>\n" + "\n" * (MAX_LINE + 100) \
        + "<p>很靠后的一段文字。</p>\n<p>再后面一段文字。</p>\n</body></html>"
    doc = document_from_bytes("long.html", page.encode("utf-8"))
    assert [(ln.number, ln.text) for ln in doc.lines] == [(MAX_LINE + 102, "很靠后的一段文字。"),
                                                          (MAX_LINE + 103, "再后面一段文字。")]


def test_many_late_blocks_are_placed_in_time_linear_in_the_page():
    """Past line 65535 blocks are found by their text; blocks whose source spells the
    text otherwise (entities, traditional characters normalized) must not make that
    search read the rest of the page once per block."""
    late = "".join(f"<p>&#x7b2c;{k}&#x6bb5;&#x6587;&#x5b57;&#x3002;</p>\n" for k in range(20_000))
    page = "<html><body>\n" + "\n" * MAX_LINE + late + "<p>最后一段在这里。</p>\n</body></html>"
    t = time.process_time()
    doc = document_from_bytes("late.html", page.encode("utf-8"))
    assert time.process_time() - t < 20
    numbers = [ln.number for ln in doc.lines]
    assert numbers == sorted(numbers) and numbers[-1] <= page.count("\n") + 1
    assert doc.lines[-1].text == "最后一段在这里。" and doc.lines[-1].number == page.count("\n")


def test_a_page_of_scripts_only_is_one_clear_error(tmp_path):
    (tmp_path / "s.html").write_text("<html><head><script>var a = 1;</script></head><body></body></html>")
    p = _cli("clean", str(tmp_path / "s.html"))
    assert p.returncode != 0 and "Traceback" not in p.stderr
    assert p.stderr.count("\n") == 1 and "no text outside markup" in p.stderr
