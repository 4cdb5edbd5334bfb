"""Reading: walking folders, decoding bytes, splitting numbered lines."""
import itertools
import os
import random

import pytest
from hypothesis import assume, given, settings, strategies as st

from conftest import SAMPLE

from ipcorpus.errors import InputError, IpcorpusError
from ipcorpus.read.document import load_document
from ipcorpus.read.source import decode, iter_paths, read_bytes, split_lines

# A paragraph in traditional script: every character exists in both GB18030 and Big5.
TRAD = ("小米需要一道防火牆：別讓雷軍一個人扛住整個品牌。創始人個人IP與賬號矩陣的關係，"
        "企業家直播帶貨，高管和工程師也要發聲。\n") * 4
SIMP = ("小米需要一道“IP防火墙”：别让雷军一个人扛住整个品牌。创始人个人IP与账号矩阵的关系，"
        "企业家直播带货，高管和工程师也要发声。\n") * 4


def _tree(root, files):
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def _rel(paths, root):
    return [os.path.relpath(p, root).replace(os.sep, "/") for p in paths]


# -- walking --------------------------------------------------------------------

def test_walk_is_recursive_sorted_and_filters_patterns(tmp_path):
    _tree(tmp_path, {"b.txt": "x", "a.md": "x", "c.html": "x", "notes.TXT.bak": "x",
                     "sub/z.txt": "x", "sub/a.txt": "x", "sub/deeper/m.md": "x",
                     "a_dir/k.txt": "x", ".git/config.txt": "x", ".ipcorpus/x.txt": "x",
                     "sub/.hidden/y.txt": "x"})
    got = _rel(iter_paths([str(tmp_path)]), tmp_path)
    assert sorted(got) == sorted(["a.md", "b.txt", "c.html", "sub/a.txt", "sub/z.txt", "sub/deeper/m.md",
                                  "a_dir/k.txt"])
    # Within each folder names come in sorted order; the whole walk is deterministic.
    by_dir = {}
    for g in got:
        by_dir.setdefault(os.path.dirname(g), []).append(g)
    for names in by_dir.values():
        assert names == sorted(names)
    assert got == _rel(iter_paths([str(tmp_path)]), tmp_path)


def test_walk_order_does_not_depend_on_creation_order(tmp_path):
    names = [f"d{i % 3}/f{i:02d}.txt" for i in range(12)]
    a, b = tmp_path / "a", tmp_path / "b"
    _tree(a, {n: "x" for n in names})
    _tree(b, {n: "x" for n in reversed(names)})
    assert _rel(iter_paths([str(a)]), a) == _rel(iter_paths([str(b)]), b)


def test_custom_patterns(tmp_path):
    _tree(tmp_path, {"a.txt": "x", "b.html": "x", "c.md": "x"})
    got = _rel(iter_paths([str(tmp_path)], patterns=("*.html",)), tmp_path)
    assert got == ["b.html"]


def test_explicit_file_taken_whatever_its_extension(tmp_path):
    _tree(tmp_path, {"article.html": "x", ".hidden": "y"})
    html, hidden = str(tmp_path / "article.html"), str(tmp_path / ".hidden")
    assert list(iter_paths([html])) == [html]
    assert list(iter_paths([hidden])) == [hidden]


def test_paths_keep_the_form_given(tmp_path, monkeypatch):
    _tree(tmp_path, {"corpus/x.txt": "x"})
    monkeypatch.chdir(tmp_path)
    assert list(iter_paths(["corpus"])) == [os.path.join("corpus", "x.txt")]


def test_same_file_given_twice_listed_once(tmp_path):
    _tree(tmp_path, {"x.txt": "x"})
    f = str(tmp_path / "x.txt")
    assert list(iter_paths([f, str(tmp_path), f])) == [f]


def test_missing_path_raises(tmp_path):
    with pytest.raises(IpcorpusError, match="no such file"):
        list(iter_paths([str(tmp_path / "nope")]))


def test_symlink_loop_does_not_trap_the_walk(tmp_path):
    _tree(tmp_path, {"a/x.txt": "x", "a/b/y.txt": "y"})
    try:
        os.symlink(tmp_path / "a", tmp_path / "a" / "b" / "back")     # folder loop
        os.symlink(tmp_path / "a" / "self", tmp_path / "a" / "self")  # link to itself
        os.symlink("l2.txt", tmp_path / "a" / "l1.txt")               # file link loop
        os.symlink("l1.txt", tmp_path / "a" / "l2.txt")
    except (OSError, NotImplementedError):
        pytest.skip("symlinks not supported here")
    got = _rel(iter_paths([str(tmp_path)]), tmp_path)
    assert "a/x.txt" in got and "a/b/y.txt" in got
    assert not any("back" in g for g in got)
    assert len(got) == len(set(got)) <= 4
    # A looping file link is listed but can only fail to read, never hang.
    for p in iter_paths([str(tmp_path)]):
        if os.path.basename(p) in ("l1.txt", "l2.txt"):
            with pytest.raises(InputError):
                read_bytes(p)


def test_read_bytes_errors(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"x" * 100)
    with pytest.raises(InputError, match="too large"):
        read_bytes(str(tmp_path / "big.txt"), max_bytes=10)
    with pytest.raises(InputError, match="vanished"):
        read_bytes(str(tmp_path / "gone.txt"))
    with pytest.raises(InputError, match="directory"):
        read_bytes(str(tmp_path))


# -- decoding -------------------------------------------------------------------

def test_sample_encodings_match_gold(sample_gold):
    for name, g in sample_gold.items():
        d = load_document(str(SAMPLE / name))
        assert d.encoding.replace("-sig", "") == g["encoding"], name


def test_sample_utf16_file_reports_utf16():
    assert decode((SAMPLE / "wechat/kos_yuangong_zhanghao.txt").read_bytes()).encoding == "utf-16"


@pytest.mark.parametrize("bom,enc,name", [
    (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32-be"),
])
def test_bom_decides(bom, enc, name):
    d = decode(bom + SIMP.encode(enc))
    assert d.encoding == name
    assert d.text == SIMP and d.lost == 0


def test_strict_utf8():
    d = decode(SIMP.encode("utf-8"))
    assert (d.encoding, d.text, d.lost) == ("utf-8", SIMP, 0)


def test_ascii_only_is_utf8():
    assert decode(b"hello\nworld\n").encoding == "utf-8"


@pytest.mark.parametrize("text", [TRAD, TRAD[:40], "創始人個人IP與賬號矩陣\n"])
def test_gb18030_and_big5_of_the_same_text(text):
    gb, b5 = text.encode("gb18030"), text.encode("big5")
    assert gb != b5
    d = decode(gb)
    assert (d.encoding, d.text, d.lost) == ("gb18030", text, 0)
    d = decode(b5)
    assert (d.encoding, d.text, d.lost) == ("big5", text, 0)


def test_simplified_gb18030():
    d = decode(SIMP.encode("gb18030"))
    assert (d.encoding, d.text) == ("gb18030", SIMP)


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [
    SIMP,                                                         # mostly Chinese
    "# Title 2025\r\nplain ASCII article text, line two\r\n" * 3,    # mostly ASCII
    (SAMPLE / "wechat/kos_yuangong_zhanghao.txt").read_bytes()[2:].decode("utf-16-le"),
])
def test_utf16_without_bom(enc, text):
    d = decode(text.encode(enc))
    assert d.encoding == enc
    assert d.text == text and d.lost == 0


@pytest.mark.parametrize("data", [
    b"\x00\x01\x02\x03\xff\xfe\xfd" * 50,
    b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4,
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200),
    "正文".encode() + b"\x00" + "正文".encode(),
])
def test_binary_raises(data):
    with pytest.raises(InputError):
        decode(data)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("low", [0, 1])      # 1: random bytes without any NUL
def test_random_bytes_raise(seed, low):
    rnd = random.Random(seed)
    data = bytes(rnd.randrange(low, 256) for _ in range(2000 + seed * 500))
    assert data[:2] not in (b"\xff\xfe", b"\xfe\xff") and data[:3] != b"\xef\xbb\xbf"
    with pytest.raises(InputError):
        decode(data)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_decode_never_fails_other_than_input_error(data):
    try:
        d = decode(data)
    except InputError:
        return
    assert isinstance(d.text, str)
    assert d.lost == d.text.count("\ufffd")


def test_undecodable_text_is_best_effort_with_damage():
    # Half GB18030, half Big5, with a stray invalid byte: nothing decodes it cleanly.
    data = SIMP.encode("gb18030") + b"\xff" + TRAD.encode("big5")
    d = decode(data)
    assert d.encoding in ("gb18030", "big5")
    assert d.lost > 0
    doc = _doc(data)
    assert doc.damaged_lines > 0
    assert any("could not be decoded" in w for w in doc.warnings)


def test_utf8_with_one_bad_byte_counts_damage():
    data = SIMP.encode("utf-8")
    data = data[:30] + b"\xff" + data[30:]
    doc = _doc(data)
    assert doc.warnings and doc.damaged_lines >= 1


def _doc(data):
    from ipcorpus.read.document import document_from_bytes
    return document_from_bytes("x.txt", data)


# -- lines ----------------------------------------------------------------------

@pytest.mark.parametrize("text,lines", [
    ("", [""]),
    ("a", ["a"]),
    ("a\n", ["a"]),
    ("a\n\n", ["a", ""]),
    ("\n", [""]),
    ("\n\n", ["", ""]),
    ("a\r\nb\rc\nd", ["a", "b", "c", "d"]),
    ("a\r\rb", ["a", "", "b"]),
    ("a\n\rb", ["a", "", "b"]),
    ("a\r\n\r\nb\r\n", ["a", "", "b"]),
    # only \n, \r\n and \r break a line, as in an editor; other separators stay text
    ("a\u2028b\x0bc\x0cd\x85e", ["a\u2028b\x0bc\x0cd\x85e"]),
])
def test_split_lines_cases(text, lines):
    assert split_lines(text) == lines


_line = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=300)
@given(st.lists(_line, min_size=1, max_size=30), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_split_lines_roundtrip_one_convention(lines, nl, final):
    # Without a final break an empty last line cannot be told from no line.
    assume(final or lines[-1] != "")
    text = nl.join(lines) + (nl if final else "")
    assert split_lines(text) == lines


@settings(max_examples=300)
@given(st.lists(st.tuples(_line, st.sampled_from(["\n", "\r\n", "\r"])), min_size=1, max_size=30))
def test_split_lines_roundtrip_mixed(pairs):
    text = "".join(t + nl for t, nl in pairs)
    # A lone CR followed by an empty line ended by LF reads as one CRLF, as in an editor.
    assume(not any(nl == "\r" and nxt[0] == "" and nxt[1] == "\n"
                   for (_, nl), nxt in itertools.pairwise(pairs)))
    got = split_lines(text)
    assert got == [t for t, _ in pairs]
    assert len(got) == len(pairs)


def test_line_numbers_match_an_editor(tmp_path):
    (tmp_path / "a.txt").write_bytes("第一行\r\n第二行\r\n\r\n第四行\r\n".encode("utf-16"))
    doc = load_document(str(tmp_path / "a.txt"))
    assert [(ln.number, ln.original) for ln in doc.lines] == [
        (1, "第一行"), (2, "第二行"), (3, ""), (4, "第四行")]


def test_a_utf16_bom_before_a_nul_is_not_taken_for_utf32():
    """FF FE 00 00 opens UTF-32 LE, and also UTF-16 LE text whose first character is
    NUL: the UTF-32 reading must decode whole, else it is UTF-16."""
    from ipcorpus.read.source import decode
    data = "\ufeff\x00\n0".encode("utf-16-le")
    got = decode(data)
    assert got.encoding == "utf-16" and got.text == "\x00\n0"
    assert decode("\ufeff雷军".encode("utf-32-le")).encoding == "utf-32-le"
