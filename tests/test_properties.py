"""Properties, on random and adversarial text (hypothesis), of what a corpus run does
to one file, and of the citations the commands print:

- decoding never raises anything but InputError, and never adds, loses or merges a
  line: the decoded text has exactly the line breaks of the bytes;
- reading, normalization and cleaning keep the line count and numbering for every
  newline convention and encoding: every original line gets exactly one verdict, and
  no normalized or cleaned text holds a line break;
- stance evidence spans kept lines only;
- every citation printed by `stance`, `report` and `check` resolves with `show` to
  kept lines of the original file (sample_corpus, and small random corpora).

test_source.py (split_lines round trips, decode of short random bytes),
test_normalize.py (normalize_lines on arbitrary characters) and test_clean_rules.py
(clean() on furniture snippets) test the layers one by one; here the whole analysis
(analyse_bytes, what a worker runs) gets hostile text in every encoding."""
import json
import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, assume, example, given, settings, strategies as st
from typer.testing import CliRunner

from conftest import SAMPLE

from ipcorpus.clean.rules import make_ruleset
from ipcorpus.commands.cli import app
from ipcorpus.corpus.analysis import analyse_bytes
from ipcorpus.errors import InputError
from ipcorpus.models import Analysis, ArticleStance
from ipcorpus.read.document import document_from_bytes
from ipcorpus.read.html_page import decode_page
from ipcorpus.read.source import decode, split_lines

RULES = make_ruleset(None)
SAMPLE_FILES = sorted(p for p in SAMPLE.rglob("*") if p.is_file() and p.suffix in (".txt", ".md")
                      and not any(part.startswith(".") for part in p.relative_to(SAMPLE).parts))
# Real lines of the sample articles (prose with stance targets, and furniture).
SAMPLE_LINES = sorted({ln for p in SAMPLE_FILES for ln in split_lines(decode(p.read_bytes()).text) if ln.strip()})
PROSE = [ln for ln in SAMPLE_LINES if len(ln) > 25 and "。" in ln]

# -- strategies ------------------------------------------------------------------------
_SPECIAL = list(
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"   # direction marks
    "\u200b\ufeff\u3000\u00a0\ufffd"                                       # zero-width, spaces, lost
    "\x00\x01\x07\x0b\x0c\x1b\x1c\x7f\x85\u2028\u2029"                        # controls, other separators
    "?？()（）|｜[]【】<>!！#*-_=~`\\\"'“”，。、；：……"
    "網易頁個們創賬號矩陣ǎàāáü")
_FRAGMENTS = ["網(wǎng)", "號(hào)", "個(gè)人(rén)", "網(wang3)", "(", "|", "![](", "<!--", "-->", "http://x.cn/a?b=1",
              "雷军", "个人IP", "账号矩阵", "从个人IP转向账号矩阵", "不是", "而是", "但", "难道", "吗？", "分享至", "0"]
_char = st.one_of(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.sampled_from(_SPECIAL),
)
_junk_line = st.lists(st.one_of(st.text(_char, max_size=12), st.sampled_from(_FRAGMENTS)), max_size=8).map("".join)
_line = st.one_of(_junk_line, st.sampled_from(SAMPLE_LINES), st.just(""), st.sampled_from(["  ", "\u3000", "\t"]))
_newline = st.sampled_from(["\n", "\r\n", "\r"])
_encoding = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "big5"])


def _encode(text: str, enc: str) -> bytes:
    # big5 cannot hold every character: `?` stands in, as a lossy converter would write.
    return text.encode(enc, errors="replace" if enc == "big5" else "strict")


def _byte_lines(data: bytes, encoding: str) -> int:
    """Lines of the raw bytes as an editor counts them (for ASCII-compatible codecs)."""
    body = data[3:] if encoding == "utf-8-sig" else data
    return len(split_lines(body.decode("latin-1")))


# -- decoding --------------------------------------------------------------------------
_byte_chunk = st.one_of(
    st.binary(max_size=8),
    st.sampled_from([b"\n", b"\r\n", b"\r", b"\n\r", b"\x81", b"\x81\n", b"\xa4\r", b"\xfe\n", b"\x84\x31\n",
                     b"\xed\xa0\x80", b"\xed\xbf\xbf",                  # UTF-8 encoded lone surrogates
                     b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"\x1b[31m", b"\xc0\xaf",
                     "创始人個人IP，账号矩阵。".encode("gb18030"), "創始人個人賬號矩陣。".encode("big5"),
                     "雷军的个人IP。".encode(), "\u202e\u200f右到左".encode("utf-8")]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_byte_chunk, max_size=60))
def test_decoding_never_raises_and_keeps_every_line_break(parts):
    """Mixed encodings, lone surrogates, stray lead bytes before a line break, BOMs
    in the middle: either InputError or a text with exactly the bytes' lines."""
    data = b"".join(parts)
    try:
        d = decode(data)
    except InputError:
        return
    assert isinstance(d.text, str) and d.lost == d.text.count("\ufffd")
    if not d.encoding.startswith(("utf-16", "utf-32")):
        assert len(split_lines(d.text)) == _byte_lines(data, d.encoding), d.encoding
    try:
        doc = document_from_bytes("x.txt", data)
    except InputError:
        return
    assert [ln.number for ln in doc.lines] == list(range(1, len(split_lines(d.text)) + 1))


# -- the whole analysis of one file ----------------------------------------------------------
def _check_analysis(a: Analysis, stance: ArticleStance, n: int):
    assert len(a.verdicts) == n, "one verdict per original line"
    assert len(a.text) == len(a.plain) == len(a.damage) == n
    for i, (action, rule) in enumerate(a.verdicts):
        assert action in ("keep", "drop", "blank")
        assert bool(rule) == (action == "drop")
        # Normalization and cleaning never put a line break into a line.
        assert not re.search(r"[\r\n]", a.text[i]) and not re.search(r"[\r\n]", a.plain[i])
    for e in stance.evidence:
        assert 1 <= e.line <= e.end_line <= n
        assert all(a.is_kept(k - 1) for k in range(e.line, e.end_line + 1)), e
    assert stance.label in ("founder-ip", "matrix", "mixed", "neutral")
    assert -1.0 <= stance.score <= 1.0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_line, min_size=1, max_size=30), _newline, st.booleans(), _encoding)
def test_every_line_one_verdict_in_every_encoding_and_convention(lines, nl, final, enc):
    assume(final or lines[-1] != "")          # without a final break an empty last line is no line
    text = nl.join(lines) + (nl if final else "")
    data = _encode(text, enc)
    try:
        a, stance = analyse_bytes("x.txt", data, RULES)
    except InputError as e:
        # Only a file without text, or one mostly of control characters, is refused.
        assert "empty" in str(e) or "binary" in str(e) or "undecodable" in str(e), e
        return
    _check_analysis(a, stance, len(lines))
    if a.encoding == enc != "big5":
        # Read in the encoding it was written in, every line is the original, unchanged
        # (big5 wrote `?` for what it cannot hold).
        assert [ln.original for ln in document_from_bytes("x.txt", data).lines] == lines


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_line, _newline), min_size=1, max_size=30), _encoding)
def test_every_line_one_verdict_with_mixed_conventions(pairs, enc):
    """One file mixing \\n, \\r\\n and lone \\r, as concatenated scrapes do: the line
    count is the editor's (split_lines), whatever the analysis does to the text."""
    text = "".join(t + nl for t, nl in pairs)
    data = _encode(text, enc)
    try:
        a, stance = analyse_bytes("x.txt", data, RULES)
    except InputError:
        return
    _check_analysis(a, stance, len(split_lines(decode(data).text)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PROSE), st.sampled_from(["utf-8", "gb18030", "big5"])),
                min_size=2, max_size=12), _newline)
# Found by this test: no one encoding reads it, and it was refused as "binary or
# undecodable", every line of it lost; now each line is decoded on its own.
@example(parts=[("*本文仅代表作者个人观点，不构成任何投资或消费建议。", "utf-8"),
                ("*本文仅代表作者个人观点，不构成任何投资或消费建议。", "big5"),
                ("*本文仅代表作者个人观点，不构成任何投资或消费建议。", "big5")], nl="\n")
def test_mixed_encodings_in_one_file(parts, nl):
    """Lines of one file written in different encodings (a careless concatenation):
    read in one encoding with what it cannot read replaced, or line by line where no
    one encoding reads it; never refused, never a line dropped."""
    data = nl.encode("ascii").join(_encode(t, enc) for t, enc in parts)
    a, stance = analyse_bytes("x.txt", data, RULES)
    assert len(a.verdicts) == len(parts) == _byte_lines(data, a.encoding)
    _check_analysis(a, stance, len(parts))


# -- citations resolve with `show` -------------------------------------------------------
SHOW_ROW = re.compile(r"^(?P<mark>[> ])\s*(?P<n>\d+)\|(?: (?P<text>.*?))?(?:  \[drop: (?P<rule>[^\]]+)\])?$")


def _invoke(*args, code=(0,)):
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert res.exit_code in code, f"ipcorpus {' '.join(map(str, args))}: exit {res.exit_code}\n{res.stderr}"
    return res


def _citations(corpus: Path, db: Path) -> list[tuple[str, str]]:
    """(command, citation) for every citation stance, report and check print as JSON."""
    out = []
    for r in json.loads(_invoke("stance", corpus, "--db", db, "--format", "json", "--evidence", "1000").stdout):
        out += [("stance", e["citation"]) for e in r["evidence"]]
    rep = json.loads(_invoke("report", corpus, "--db", db, "--format", "json", "--keywords", "0",
                             "--top", "1000").stdout)
    for side in rep["voices"].values():
        out += [("report", e["citation"]) for e in side["evidence"]]
    for f in json.loads(_invoke("check", corpus, "--db", db, "--format", "json", "--fail-on", "info",
                                code=(0, 1)).stdout):
        if f["code"].startswith("W"):                 # E1xx and I301 are about a whole file (at 1:1)
            out.append(("check", f"{f['path']}:{f['line']}"))
        if f["related"]:
            out.append(("check-related", f"{f['related']['path']}:{f['related']['line']}"))
    return out


def _assert_resolves(citation: str, db: Path, what: str, page: bool = False):
    """`show` marks exactly the cited lines, none dropped; of a web page (`page`), the
    blocks that start on them (several may start on one line, none need start on each),
    at least one of them kept."""
    m = re.match(r"^(.+):(\d+)(?:-(\d+))?$", citation)
    a, b = int(m.group(2)), int(m.group(3) or m.group(2))
    # Split on \n only: str.splitlines would also split a line at \x1e, \x85 or \u2028.
    rows = [SHOW_ROW.match(r) for r in _invoke("show", citation, "--db", db).stdout.split("\n")[:-1]]
    assert all(rows), citation
    numbers = [int(r["n"]) for r in rows]
    if page:
        assert rows and numbers == sorted(numbers) and {a, b} <= set(numbers) <= set(range(a, b + 1)), citation
    else:
        assert numbers == list(range(a, b + 1)), citation
    assert all(r["mark"] == ">" for r in rows)
    dropped = [(int(r["n"]), r["rule"]) for r in rows if r["rule"]]
    if page:            # a line may hold a dropped block (a comment) beside the kept one cited
        assert len(dropped) < len(rows), f"{what} cites {citation}, but show marks only {dropped}, all dropped"
    else:
        assert not dropped, f"{what} cites {citation}, but show marks {dropped} as dropped"


def test_every_citation_of_the_sample_corpus_resolves(tmp_path):
    corpus = tmp_path / "sample_corpus"
    shutil.copytree(SAMPLE, corpus, ignore=shutil.ignore_patterns(".ipcorpus"))
    db = tmp_path / "index.sqlite"
    cites = _citations(corpus, db)
    assert {w for w, _ in cites} >= {"stance", "report", "check"}
    assert len(cites) > 100
    for what, c in cites:
        _assert_resolves(c, db, what)


_doc = st.tuples(
    st.sampled_from(PROSE),                                                   # a title
    st.lists(st.one_of(st.sampled_from(PROSE), st.sampled_from(PROSE), st.sampled_from(SAMPLE_LINES), _junk_line,
                       st.just("")), min_size=3, max_size=25),
    _newline,
)


# No shrinking: each example runs whole commands, and shrinking one took minutes.
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(st.lists(_doc, min_size=3, max_size=5))
def test_every_citation_of_a_random_corpus_resolves(docs):
    base = Path(tempfile.mkdtemp(prefix="ipcorpus-cites-"))
    try:
        corpus = base / "c"
        corpus.mkdir()
        for i, (title, body, nl) in enumerate(docs):
            (corpus / f"doc {i}.txt").write_bytes(nl.join([title, ""] + body).encode("utf-8"))
        db = base / "index.sqlite"
        for what, c in _citations(corpus, db):
            _assert_resolves(c, db, what)
    finally:
        shutil.rmtree(base, ignore_errors=True)


# -- web pages (issue 16) ----------------------------------------------------------------
# Hostile markup: random tags left open or closed where nothing opened them, nesting
# deeper than libxml2 allows, comments and CDATA left open, entities (also bogus), a
# charset declared (sometimes wrongly), pieces of one page in different encodings,
# and scripts holding article prose.
_TAGS = ["p", "div", "span", "b", "a", "li", "ul", "td", "tr", "table", "h1", "pre", "textarea", "nav", "footer",
         "aside", "form", "header", "article", "section", "title", "head", "body", "html", "select", "option",
         "iframe", "svg", "template", "noscript", "style", "script", "br", "blockquote", "figcaption", "math"]
_ATTRS = ["", ' class="nav"', ' class="comment-list"', ' id="sidebar"', ' role="navigation"', " hidden",
          ' style="display: none"', ' href="/a?b=1&c=2"', ' class="article"\n', ' title="雷军>个人IP"', " x=",
          ' type="application/ld+json"']
_tag = st.one_of(
    st.builds(lambda t, a: f"<{t}{a}>", st.sampled_from(_TAGS), st.sampled_from(_ATTRS)),
    st.builds(lambda t: f"</{t}>", st.sampled_from(_TAGS)),
    st.builds(lambda t, k: f"<{t}>" * k, st.sampled_from(["div", "span", "b", "li", "td"]), st.integers(0, 1200)),
    st.sampled_from(["<!--", "-->", "<!-- 广告 -->", "<![CDATA[", "]]>", "<?xml version='1.0'?>", "<", ">", "</",
                     "&amp;", "&lt;&gt;", "&#20013;&#x6587;", "&nbsp;", "&bogus;", "&#xD800;", "&#99999999;",
                     '<meta charset="gbk">', '<meta charset="utf-8">', '<meta charset="big5">',
                     '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "<!DOCTYPE html>"]),
)
_script = st.builds(lambda s: f'<script>var s = "{s}";</script>', st.sampled_from(PROSE))
_piece = st.one_of(_tag, _tag, _script, st.sampled_from(PROSE), _junk_line, _newline)
_page = st.lists(st.tuples(_piece, st.sampled_from(["utf-8", "gb18030", "big5", "utf-8"])), min_size=1, max_size=60)


def _page_bytes(pieces) -> bytes:
    return b"".join(p.encode(enc, errors="replace") for p, enc in pieces)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_page)
def test_hostile_pages_read_with_every_block_cited_to_a_line_of_the_file(pieces):
    """Never an exception but InputError, never a hang; every block cited to a line
    of the file, in document order; stance evidence cites lines where kept blocks
    start."""
    data = _page_bytes(pieces)
    try:
        a, stance = analyse_bytes("p.html", data)
    except InputError:
        return
    source = split_lines(decode_page(data)[0].text.replace("\r\n", "\n").replace("\r", "\n"))
    assert a.numbers and len(a.numbers) == len(a.verdicts) == len(a.text)
    assert a.numbers == sorted(a.numbers) and all(1 <= n <= len(source) for n in a.numbers)
    for e in stance.evidence if stance is not None else []:
        assert any(a.verdicts[i][0] == "keep" for i in a.indexes_at(e.line, e.end_line)), e


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(st.lists(st.tuples(st.sampled_from(PROSE), _page), min_size=3, max_size=4))
def test_every_citation_of_a_random_corpus_of_pages_resolves(pages):
    """stance, report and check on a folder of hostile pages (each with a title and an
    article paragraph): every citation resolves with `show` to blocks that start on the
    cited lines, none of them dropped."""
    base = Path(tempfile.mkdtemp(prefix="ipcorpus-page-cites-"))
    try:
        corpus = base / "c"
        corpus.mkdir()
        for i, (title, pieces) in enumerate(pages):
            head = f"<html><head><title>{title}</title></head><body>\n<h1>{title}</h1>\n".encode()
            (corpus / f"page {i}.html").write_bytes(head + _page_bytes(pieces) + f"\n<p>{PROSE[i]}</p>".encode())
        db = base / "index.sqlite"
        for what, c in _citations(corpus, db):
            _assert_resolves(c, db, what, page=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
