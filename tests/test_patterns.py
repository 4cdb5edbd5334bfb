"""Every pattern that runs on article text takes time linear in the line (patterns/):
the shipped rule packs and lexicons run on RE2 with Python's meaning, a user's
pattern that could backtrack without end is refused up front, and the shapes real
pages carry (SVG path data, data: URIs, minified JS and CSS, query strings, runs of
digits and punctuation) go through every pattern, and the whole analysis, in time
linear in their size."""
import base64
import os
import random
import re
import subprocess
import sys
import time
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import SAMPLE, SHARED

from ipcorpus import patterns as linear
from ipcorpus.check import decisions as check
from ipcorpus.clean import meta, text as text_mod
from ipcorpus.clean.rules import builtin_packs, make_ruleset
from ipcorpus.corpus.analysis import analyse_bytes
from ipcorpus.patterns import charsets, tables as linear_tables
from ipcorpus.read.document import document_from_bytes
from ipcorpus.stance.lexicon import get_lexicon
from ipcorpus.stance.scan import compact

PY = sys.executable
SVG_4K = SHARED / "hostile" / "svg_sprite_4k.txt"
SVG_PATH = ("M32.5 26H29v3.5a1.5 1.5 0 0 1-3 0V26h-3.5a1.5 1.5 0 1 1 0-3H26v-3.469a1.5 1.5 0 1 1 3 0V23h3.5"
            "a1.5 1.5 0 1 1 0 3zm.319-11.407c-.139.684-.716 1.209-1.442 1.209a1.5 1.5 0 0 1-1.5-1.5c0-.083"
            ".035-.154.048-.234l-.014-.002z ")


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _b64(size: int) -> str:
    rnd = random.Random(12)
    return base64.b64encode(bytes(rnd.randrange(256) for _ in range(size * 3 // 4 + 3))).decode()[:size]


# One line of each shape, `size` characters long.
SHAPES = {
    "svg-path-data": lambda n: _fill(SVG_PATH, n),
    "svg-sprite": lambda n: ('<svg class="sprite" display="none">' + _fill(
        '   <symbol id="i" viewBox="0 0 36 36">   <path d="' + SVG_PATH + '"></path>  </symbol>', n))[:n],
    "data-uri-markdown": lambda n: ("![](data:image/png;base64," + _b64(n))[:n],
    "data-uri-img": lambda n: ('<img src="data:image/jpeg;base64,' + _b64(n))[:n],
    "minified-js": lambda n: _fill('var a=function(b,c){return b+c};if(a(1,2)>3){console.log("x",[1,{k:"v"}])}'
                                   'else{a=null};', n),
    "minified-css": lambda n: _fill(".a{color:#fff;margin:0 auto}.b>.c,.d:hover{background:url(x.png)}"
                                    "@media(max-width:1px){.e{top:0}}", n),
    "url-query": lambda n: ("https://example.com/s?" + _fill("q=%E4%B8%AD%E6%96%87&ie=utf-8&rsv_bp=1&", n))[:n],
    "entity-query": lambda n: _fill("&amp;id=1&amp;t=2;&nbsp;", n),
    "digits": lambda n: _fill("1234567890", n),
    "digits-punctuation": lambda n: _fill("1,2.3-4/5:6;7|8·9 0 ", n),
    "dashes-dots": lambda n: _fill("-.—=_~·*• ", n),
    "cjk-punctuation": lambda n: _fill("，。！？；：“”、…—（）《》【】", n),
    "cjk-ellipsis": lambda n: _fill("……——", n),
    "comma-fields": lambda n: _fill(",a", n - 12) + ",abcdefghijk",
    "link-brackets": lambda n: ("[![" + _fill("](", n))[:n],
    "html-tags-and-spaces": lambda n: _fill("<br>   <img src=x>   &nbsp;   ", n - 1) + "x",
    "spaces": lambda n: " " * (n - 1) + "x",
    "pinyin-parentheses": lambda n: _fill("中(zhōng", n),
}


def _svg_4k() -> str:
    if not SVG_4K.exists():
        pytest.skip("../shared/hostile is not present")
    return SVG_4K.read_text(encoding="utf-8").rstrip("\n")


def _rule_patterns():
    return [(p.name, r.name, r.on, pat) for p in builtin_packs() for r in p.rules for pat in r.patterns]


def _lexicon():
    return get_lexicon()


# -- the engine ------------------------------------------------------------------

def test_shipped_unicode_tables_are_what_re_matches():
    if linear_tables.UNICODE != unicodedata.unidata_version:
        pytest.skip(f"tables for Unicode {linear_tables.UNICODE}, this Python has {unicodedata.unidata_version}")
    assert linear_tables.tables() == charsets.measure()


def test_every_shipped_pattern_runs_in_linear_time():
    """All rule and detect patterns run on RE2; the lexicon's one pattern with a
    lookahead RE2 cannot spell runs on re, bounded (a fixed number of ways at each
    position)."""
    for pack, rule, _, pat in _rule_patterns():
        assert linear.engine(linear.compile(pat)) == "re2", (pack, rule, pat)
    for p in builtin_packs():
        for rx in p.detect:
            assert linear.engine(rx) == "re2", (p.name, rx.pattern)
    on_re = []
    for rx, _, _ in _lexicon().compiled_patterns:
        if linear.engine(rx) == "re":
            plan = linear.plan(rx.pattern)
            assert plan[0] == "re" and plan[1] <= linear.MAX_PATHS
            on_re.append(rx.pattern)
    assert len(on_re) <= 1, on_re


@pytest.mark.parametrize("pattern", [
    r"^(a+)+\1$", r"(\w+\s?)+\b", r"(?<=x)(a|aa)+$", r"^(.*)(?=b).*\1", r"(?:(a|b)*)*c(?!d)",
])
def test_patterns_only_backtracking_can_run_are_refused_when_unbounded(pattern):
    with pytest.raises(linear.UnsafePattern, match="exponential"):
        linear.compile(pattern)


@pytest.mark.parametrize("pattern", [
    r"^(\s*(<[^>]*>|&[#\w]+;)\s*)+$", r"(a+)+b", r"(\s*.*)+x", r"\s*\S*\s*y", r"^(?=.*(a|b))(a|b|\d+)+$",
])
def test_nested_quantifiers_are_linear_on_re2(pattern):
    rx = linear.compile(pattern)
    assert linear.engine(rx) == "re2"
    for s in ("<a>  " * 20_000 + "<", "a" * 100_000, " " * 100_000 + "\t"):
        t = time.process_time()          # CPU time: other processes' load does not count
        rx.search(s)
        assert time.process_time() - t < 0.5            # Python's re takes exponential time on these
    for s in ("<a>  <b> &amp; ", "aab", " x\t y", "ab", "  "):
        # The same match; a group in a repeat whose body can match nothing may
        # capture otherwise (RE2 takes no empty last round), as (\s*.*)+ here.
        ours, theirs = rx.search(s), re.search(pattern, s)
        assert (ours and ours.span()) == (theirs and theirs.span())


# -- same matches as Python's re ------------------------------------------------

def _sample_lines():
    out = []
    for path in sorted(SAMPLE.rglob("*.txt")) + sorted(SAMPLE.rglob("*.md")):
        doc = document_from_bytes(str(path), path.read_bytes())
        for ln in doc.lines:
            out.append(ln.text)
            out.append(text_mod.bare(ln.text))
    return [s for s in dict.fromkeys(out) if s]


def _same(pattern: str, subject: str, flags: int = 0):
    ours, theirs = linear.compile(pattern, flags).search(subject), re.compile(pattern, flags).search(subject)
    assert (ours is None) == (theirs is None), (pattern, subject)
    if theirs is not None:
        assert ours.span() == theirs.span(), (pattern, subject)
        assert ours.groups() == theirs.groups(), (pattern, subject)
        assert ours.groupdict() == theirs.groupdict(), (pattern, subject)


def test_rule_patterns_match_as_python_re_does_on_every_sample_line():
    lines = _sample_lines()
    for _, _, _, pat in _rule_patterns():
        for s in lines:
            _same(pat, s)


def test_lexicon_patterns_find_what_python_re_finds_on_every_sample_clause():
    clauses = [compact(c) for s in _sample_lines() for c in re.split(r"[。！？；]", s) if c]
    for rx, _, _ in _lexicon().compiled_patterns:
        py = re.compile(rx.pattern)
        for c in clauses:
            assert [m.span() for m in rx.finditer(c)] == [m.span() for m in py.finditer(c)], (rx.pattern, c)


def test_detect_patterns_count_as_python_re_does():
    edges = "\n".join(_sample_lines())
    for p in builtin_packs():
        for rx in p.detect:
            assert len(rx.findall(edges)) == len(re.findall(rx.pattern, edges, re.M)), rx.pattern


# Characters the shipped patterns are written with, so random lines come near them.
_ALPHABET = sorted(set("".join(pat for *_, pat in _rule_patterns())) - set("\\[](){}|?*+^$.") |
                   set(" \t\u3000\xa0<>&#;/:=-_·|，。！？“”《》0123456789aAzZ中文"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_ALPHABET), max_size=40).map("".join))
def test_rule_patterns_match_as_python_re_does_on_random_lines(s):
    for _, _, _, pat in _rule_patterns():
        _same(pat, s)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAkKıİſs\u212a0١٢ \t\n\u3000\xa0_-中é")), max_size=12),
       st.sampled_from([r"\w+", r"\W+", r"\d+", r"\D", r"\s+\S", r"(?i)k+s", r"(?i)[a-z]+", r"(?i)[^k]+",
                        r"(?a)\w+", r"(?is).+", r"^\s*$", r"a$", r"(?m)^a$", r"[^\w\s]+", r"(?i)İ|ı"]))
def test_unicode_classes_and_case_folding_are_pythons(s, pattern):
    rx, py = linear.compile(pattern), re.compile(pattern)
    got = [m.span() for m in rx.finditer(s)]
    want = [m.span() for m in py.finditer(s) if m.end() > m.start()]
    assert [sp for sp in got if sp[1] > sp[0]] == want
    assert [x for x in rx.findall(s) if x] == [x for x in py.findall(s) if x]
    _same(pattern, s)


# The shipped patterns that were rewritten (no \b, no ambiguous repeats): the same
# lines as before.
_REWRITTEN = [
    (r"^(\s*(<[^>]*>|&[#\w]+;)\s*)+$", r"^\s*((<[^>]*>|&[#\w]+;)\s*)+$"),
    (r"^\s*(<(img|figure|picture|source|br)\b[^>]*>\s*)+$",
     r"^\s*(<(img|figure|picture|source|br)(?:[^\w>][^>]*)?>\s*)+$"),
    (r'^\s*<div[^>]{0,300}class="[^"]{0,200}(img|image|pic)[^"]{0,200}"[^>]{0,300}>.*<img\b[^>]{0,2000}>.*$',
     r'^\s*<div[^>]{0,300}class="[^"]{0,200}(img|image|pic)[^"]{0,200}"[^>]{0,300}>.*<img(?:[^\w>][^>]{0,1999})?>.*$'),
    (r"^\s*</?(div|span|section|article|p|table|tr|td|tbody|ul|ol|li|iframe|script|style|svg|path|g|head|body|html"
     r"|meta|link)\b[^>]*>?\s*$",
     r"^\s*</?(div|span|section|article|p|table|tr|td|tbody|ul|ol|li|iframe|script|style|svg|path|g|head|body|html"
     r"|meta|link)(?:[^\w>][^>]*)?>?\s*$"),
]


def test_rewritten_patterns_are_the_shipped_ones():
    shipped = {pat for *_, pat in _rule_patterns()}
    assert all(new in shipped and old not in shipped for old, new in _REWRITTEN)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["<", ">", "/", "img", "div", "p", "path", "br", "span", " ", "\t", "&", "#", "x1",
                                 ";", "amp", '"', "=", "class", "image", "中", "-", "_"]), max_size=30).map("".join))
def test_rewritten_patterns_match_the_same_lines(s):
    for old, new in _REWRITTEN:
        assert bool(re.search(old, s)) == bool(re.search(new, s)), (old, s)


def test_rewritten_patterns_match_the_same_sample_lines():
    for s in _sample_lines():
        for old, new in _REWRITTEN:
            assert bool(re.search(old, s)) == bool(re.search(new, s)), (old, s)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("#>|+*- \tx中")), max_size=20))
def test_bare_leading_marks_are_stripped_as_before(s):
    before = re.compile(r"^(?:[#>|+\s]+|[*-]\s+)+")
    assert text_mod._LEAD.sub("", s) == before.sub("", s)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("中(（)）zhōngwén1 3 aeiouü")), max_size=70))
def test_check_gloss_with_a_bounded_look_finds_the_same(s):
    unbounded = re.compile(check._GLOSS.pattern.replace("[^)）]{0,60}", "[^)）]*"))
    assert [m.span() for m in check._GLOSS.finditer(s)] == [m.span() for m in unbounded.finditer(s)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(",，a中 \t－|·")), max_size=30))
def test_meta_cuts_as_python_re_did(s):
    assert meta._cut(meta._KEYWORD_TAIL, s) == re.sub(meta._KEYWORD_TAIL, "", s)
    assert meta._cut(meta._MASTHEAD_SEP, s, keep_after=False) == re.split(meta._MASTHEAD_SEP, s)[0]


# -- hostile shapes at 100 KB -----------------------------------------------------

def _all_patterns_on(line: str) -> float:
    """CPU seconds to run every rule, detect and lexicon pattern on one line (CPU, not
    wall: the suite runs on two workers, and another process's load is not ours)."""
    rules = [linear.compile(pat) for *_, pat in _rule_patterns()]
    detect = [rx for p in builtin_packs() for rx in p.detect]
    lexicon = [rx for rx, _, _ in _lexicon().compiled_patterns]
    t = time.process_time()
    for rx in rules:
        rx.search(line)
    for rx in detect:
        rx.findall(line)
    for rx in lexicon:
        list(rx.finditer(line))
    return time.process_time() - t


@pytest.mark.parametrize("name", sorted(SHAPES) + ["svg-sprite-4k"])
def test_every_pattern_is_linear_on_real_world_shapes(name):
    if name == "svg-sprite-4k":
        unit = _svg_4k()
        make = lambda n: _fill(unit, n)  # noqa: E731
    else:
        make = SHAPES[name]
    _all_patterns_on(make(1_000))                      # compiled before anything is timed
    small = _all_patterns_on(make(10_000))
    big = _all_patterns_on(make(100_000))
    assert big < 1.0, f"{name}: {big:.2f}s for every pattern on 100 KB"
    assert big < 20 * small + 0.2, f"{name}: {small:.3f}s at 10 KB, {big:.3f}s at 100 KB: not linear"


@pytest.fixture(scope="module")
def rules():
    r = make_ruleset(None)
    analyse_bytes("warm.txt", "预热：雷军的个人IP。不是个人IP而是账号矩阵。\n".encode(), r)
    return r


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_whole_analysis_is_linear_on_real_world_shapes(name, rules):
    """Every regular expression of the analysis (normalizing, cleaning, metadata,
    sentences, stance), on a file that is only that line and on one where it sits
    between a title and an article sentence."""
    make = SHAPES[name]
    for wrap in (lambda s: s + "\n", lambda s: "某品牌的创始人IP\n\n" + s + "\n\n雷军亲自下场做IP，值得讨论。\n"):
        took = []
        for n in (10_000, 100_000):
            data = wrap(make(n)).encode("utf-8")
            t = time.process_time()
            analyse_bytes("x.txt", data, rules)
            took.append(time.process_time() - t)
        assert took[1] < 10 * took[0] + 2.0, f"{name}: {took[0]:.2f}s at 10 KB, {took[1]:.2f}s at 100 KB"


def _children_cpu() -> float:
    r = os.times()
    return r.children_user + r.children_system


def _clean(path, *args, timeout=60):
    """`ipcorpus clean` in a subprocess, and the CPU seconds it took (user and system:
    the suite runs on two workers, and another process's load is not ours; the
    timeout still ends a run that hangs without computing)."""
    t = _children_cpu()
    p = subprocess.run([PY, "-m", "ipcorpus", "clean", str(path), "--no-cache", *args],
                       capture_output=True, text=True, timeout=timeout)
    return p, _children_cpu() - t


def test_clean_a_100kb_line_of_svg_path_data_in_well_under_a_few_seconds(tmp_path):
    f = tmp_path / "sprite.txt"
    f.write_text('<svg display="none"><path d="' + _fill(SVG_PATH, 100_000) + "\n", encoding="utf-8")
    p, took = _clean(f)
    assert p.returncode == 0, p.stderr
    assert took < 5.0, f"{took:.1f}s"


def test_clean_the_svg_sprite_from_a_real_page(tmp_path):
    unit = _svg_4k()
    for size, name in ((len(unit), "4k.txt"), (19_000, "19k.txt"), (100_000, "100k.txt")):
        f = tmp_path / name
        f.write_text(_fill(unit, size) + "\n", encoding="utf-8")
        p, took = _clean(f, "--explain")
        assert p.returncode == 0, p.stderr
        assert took < 5.0, f"{name}: {took:.1f}s"


# -- a user's patterns ---------------------------------------------------------------

def _corpus(tmp_path, toml: str):
    (tmp_path / "a.txt").write_text("标题\n\n这是一段正文，讲的是创始人IP与账号矩阵。\n", encoding="utf-8")
    (tmp_path / "ipcorpus.toml").write_text(toml, encoding="utf-8")
    return tmp_path / "a.txt"


def test_a_user_pattern_that_could_backtrack_without_end_is_one_error_line(tmp_path):
    f = _corpus(tmp_path, "[[clean.rule]]\nname = \"my-footer\"\npatterns = ['^(\\w+\\s?)+\\b本站$']\n")
    p, _ = _clean(f)
    assert p.returncode == 2
    assert p.stdout == ""
    lines = p.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ipcorpus: error: ")
    assert "ipcorpus.toml: rule my-footer: pattern '^(\\w+\\s?)+\\b本站$' refused" in lines[0]
    assert "Traceback" not in p.stderr


def test_a_user_pattern_with_nested_repeats_runs_on_re2_in_linear_time(tmp_path):
    f = _corpus(tmp_path, "[[clean.rule]]\nname = \"tags\"\non = \"text\"\n"
                          "patterns = ['^(\\s*(<[^>]*>|&[#\\w]+;)\\s*)+$']\n")
    f.write_text("<b>  <i>  &amp;\n" + _fill("<br>   <img src=x>   ", 100_000) + "<\n"
                 "这是一段正文，讲的是创始人IP与账号矩阵。\n", encoding="utf-8")
    p, took = _clean(f, "--explain")
    assert p.returncode == 0, p.stderr
    assert ":1: [tags]" in p.stdout
    assert took < 5.0


def test_a_lexicon_pattern_that_could_backtrack_without_end_is_refused(tmp_path):
    from ipcorpus.errors import IpcorpusError
    from ipcorpus.stance.lexicon import load_lexicon
    lex = tmp_path / "lex.toml"
    lex.write_text("[founder_patterns]\n'(创始人\\s?)+(?=IP)' = 1.0\n", encoding="utf-8")
    with pytest.raises(IpcorpusError, match="lexicon pattern .* refused"):
        load_lexicon((str(lex),))


def test_plans_are_kept_in_the_user_cache():
    import marshal
    for *_, pat in _rule_patterns():
        marshal.dumps(linear.plan(pat))
    for p in builtin_packs():
        for rx in p.detect:
            marshal.dumps(linear.plan(rx.pattern, re.M))
    for rx, _, _ in _lexicon().compiled_patterns:
        marshal.dumps(linear.plan(rx.pattern))
