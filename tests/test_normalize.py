"""Per-line normalization: one normalized line per original line, script, glosses,
width folding and damage counting."""
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from conftest import REAL, ROOT, SAMPLE, ranges

from ipcorpus.read import normalize
from ipcorpus.read.document import document_from_bytes, load_document
from ipcorpus.read.normalize import count_damage, fold, normalize_lines


def _texts(lines):
    out, _ = normalize_lines(lines)
    return [ln.text for ln in out]


def _one(line):
    return _texts([line])[0]


# -- properties -----------------------------------------------------------------

# Anything a decoder can hand over: controls, lone surrogates, RTL marks, CJK, ASCII.
_any_char = st.one_of(
    st.characters(),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.sampled_from(list("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                         "\u200b\ufeff\u3000\u00a0\ufffd?？()（）網易頁\x00\x07\x1b\x7f")),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
)
_any_line = st.text(_any_char, max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(_any_line, max_size=25))
def test_one_normalized_line_per_original_and_never_raises(lines):
    out, script = normalize_lines(lines)
    assert len(out) == len(lines)
    assert [ln.number for ln in out] == list(range(1, len(lines) + 1))
    assert [ln.original for ln in out] == lines
    assert script in ("simplified", "traditional", "traditional-with-pinyin", "mixed", "none")
    for ln in out:
        assert ln.damage >= 0
        assert ln.text == ln.text.strip()


@settings(max_examples=200, deadline=None)
@given(st.lists(_any_line, min_size=1, max_size=10))
def test_normalizing_twice_changes_nothing_more(lines):
    once = _texts(lines)
    assert _texts(once) == once


# -- script ---------------------------------------------------------------------

def test_simplified_text_never_loads_opencc():
    code = (
        "import sys\n"
        "from ipcorpus.read import normalize\n"
        "lines, script = normalize.normalize_lines(['小米需要一道防火墙，别让雷军一个人扛住整个品牌。',"
        " '创始人个人IP与账号矩阵 (KOL) 2025年'])\n"
        "assert script == 'simplified', script\n"
        "assert normalize._converter is None\n"
        "assert 'opencc' not in sys.modules\n"
        "print('ok')\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=str(ROOT), capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"


def test_traditional_lines_converted_only_where_traditional():
    out, script = normalize_lines(["創始人個人IP與賬號矩陣", "小米的账号矩阵", "ASCII only"])
    assert [ln.text for ln in out] == ["创始人个人IP与账号矩阵", "小米的账号矩阵", "ASCII only"]
    assert script == "traditional"


def _opencc(text):
    from opencc import OpenCC
    return OpenCC("t2s").convert(text)


def test_fast_conversion_is_opencc_on_the_traditional_samples(sample_gold):
    lines = [ln.original for name, g in sorted(sample_gold.items()) if g["script"].startswith("traditional")
             for ln in load_document(str(SAMPLE / name)).lines]
    assert len(lines) > 20
    for line in lines:
        assert normalize.to_simplified(line) == _opencc(line), line


_, _PHRASES = normalize._t2s_fast()
_PHRASE_KEYS = _PHRASES.pattern.replace("\\", "").split("|")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(sorted(normalize.script_sets()[0])), st.sampled_from(_PHRASE_KEYS),
                          st.sampled_from(list("乾於著麼，。 、（）-!?雷軍小米AB12")), st.characters()),
                max_size=30))
def test_fast_conversion_is_opencc_on_any_text(parts):
    # Phrases side by side and overlapping, multi-valued characters (乾 -> 干),
    # separators and anything else: the same text as opencc gives.
    text = "".join(parts)
    assert normalize.to_simplified(text) == _opencc(text)


def test_characters_shared_by_both_scripts_are_not_converted():
    # 著, 乾 and 於 are also everyday simplified characters.
    line = "他著有一本书，乾坤未定，於是开始"
    assert _one(line) == line


def test_sample_scripts_match_gold(sample_gold):
    for name, g in sample_gold.items():
        assert load_document(str(SAMPLE / name)).script == g["script"], name


def test_empty_or_latin_document_has_no_script():
    assert normalize_lines([])[1] == "none"
    assert normalize_lines(["hello", "", "2025"])[1] == "none"


# -- pinyin glosses -------------------------------------------------------------

def test_pinyin_glosses_removed():
    assert _one("網(wǎng)易首頁(yè)") == "网易首页"
    assert _one("网(wǎng)易首页(yè)") == "网易首页"
    assert _one("網（wǎng）易") == "网易"


@pytest.mark.parametrize("line", [
    "关键意见领袖(KOL)的作用", "截至(2025)年", "补充说明（注）", "(KOL)", "小米(Xiaomi)",
    "咖啡馆(café)", "雷军(Lei Jun)说", "价格(元)", "比例(a)", "矩阵(AI)",
])
def test_real_parentheses_kept(line):
    assert _one(line) == line


def test_toneless_glosses_only_in_a_glossed_document():
    glossed = ["網(wǎng)易首頁(yè)新(xīn)聞(wén)", "創(chuàng)始(shi)人"]
    assert _texts(glossed)[1] == "创始人"
    # Without tone-marked glosses around, `(shi)` could be anything: it stays.
    assert _one("创始(shi)人") == "创始(shi)人"


def test_glossed_sample_is_clean():
    doc = load_document(str(SAMPLE / "netease/xiaomi_renqiheyi_fanti.txt"))
    assert doc.script == "traditional-with-pinyin"
    for ln in doc.lines:
        assert "(ǎ" not in ln.text
        for tone in "āáǎàōóǒòēéěèīíǐìūúǔù":
            assert tone not in ln.text, (ln.number, ln.text)


# -- folding --------------------------------------------------------------------

def test_fullwidth_letters_digits_and_spaces_folded():
    assert fold("ＫＯＬ　２０２５\u00a0年") == "KOL 2025 年"
    assert fold("ａｂｃ\u202f１") == "abc 1"


def test_zero_width_and_direction_marks_removed():
    assert fold("小\u200b米\u200d账\u2060号\ufeff\u200e矩\u200f阵\u202e") == "小米账号矩阵"


def test_chinese_punctuation_kept():
    line = "他说：“账号矩阵，才是出路！”（注）《品牌》、？；…—"
    assert fold(line) == line


def test_spaces_collapsed_and_stripped():
    assert fold("  \t小米   雷军\t\t说  ") == "小米 雷军 说"


# -- damage ---------------------------------------------------------------------

@pytest.mark.parametrize("text,n", [
    ("品?价值", 1),
    ("吗?怎么", 0),
    ("这样做对吗?怎么办", 0),
    ("小\ufffd米", 1),
    ("\ufffd\ufffd", 2),
    ("品??价值", 2),
    ("What? Yes", 0),
    ("品牌价值", 0),
    ("是否有效?我们认为", 0),
])
def test_count_damage(text, n):
    assert count_damage(text) == n


def test_damage_recorded_per_line():
    out, _ = normalize_lines(["品?价值", "正常的一行", "吗?怎么", "小\ufffd米"])
    assert [ln.damage for ln in out] == [1, 0, 0, 1]


def test_sample_damaged_lines_match_gold(sample_gold):
    for name, g in sample_gold.items():
        doc = load_document(str(SAMPLE / name))
        assert [ln.number for ln in doc.lines if ln.damage] == g["damaged_lines"], name


def test_document_counts_damaged_lines():
    doc = document_from_bytes("x.txt", "第一行品?价值\n第二行\n第三行小\ufffd米\n".encode("utf-8"))
    assert doc.damaged_lines == 2


def test_real_pages_encoding_script_and_damage(real_gold):
    for name, g in real_gold.items():
        doc = load_document(str(REAL / name))
        if g.get("encoding"):
            assert doc.encoding.replace("-sig", "") == g["encoding"], name
        if g.get("script"):
            assert doc.script == g["script"], name
        if "damaged_lines" in g:
            assert [ln.number for ln in doc.lines if ln.damage] == g["damaged_lines"], name
        # Every line the gold cites exists, numbered as an editor numbers it.
        assert [ln.number for ln in doc.lines] == list(range(1, len(doc.lines) + 1))
        cited = ranges(g.get("body", [])) | ranges(g.get("noise", [])) | ranges(g.get("meta", []))
        assert not cited or max(cited) <= len(doc.lines), name
