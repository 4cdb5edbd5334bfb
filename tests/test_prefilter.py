"""patterns/prefilter.py: a line skips a pattern only when the pattern cannot match it."""
import re

import pytest
from hypothesis import given, settings, strategies as st

from conftest import REAL, SAMPLE

from ipcorpus.clean.rules import default_ruleset
from ipcorpus.patterns.prefilter import required_chars
from ipcorpus.stance.lexicon import get_lexicon


def _patterns():
    out = [p for r in default_ruleset().active() for p in r.patterns]
    out += [rx.pattern for rx, _, _ in get_lexicon(()).compiled_patterns]
    return out


PATTERNS = _patterns()


@pytest.mark.parametrize("pattern,chars", [
    ("特别声明", {"特"}),
    ("(禁止|严禁)转载", {"转"}),                       # the smallest set any match needs
    ("^.{0,20}(禁止|严禁|请勿)x?", {"禁", "严", "请"}),
    ("^(?=.*(广告|推广))", {"广", "推"}),             # a lookahead's needs are in the line
    ("[A-Z]{2}", set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
    ("(?i)下载.{0,8}(app|客户端)", {"下"}),             # case-folded letters are not kept
])
def test_known_sets(pattern, chars):
    assert required_chars(pattern) == frozenset(chars)


@pytest.mark.parametrize("pattern", ["\\d+", ".*", "(?i)app", "a?b*", "[^，。]{2,4}", "(x|\\w)", "(?!广告)"])
def test_no_set_where_nothing_is_needed_or_known(pattern):
    assert required_chars(pattern) is None


def _lines():
    lines = []
    for root in (SAMPLE, REAL):
        if root.is_dir():
            for p in sorted(root.rglob("*.txt")) + sorted(root.rglob("*.md")):
                try:
                    lines += p.read_text(encoding="utf-8").splitlines()
                except UnicodeDecodeError:
                    pass
    return lines


def test_no_line_of_the_samples_or_real_pages_loses_a_match():
    lines = _lines()
    assert len(lines) > 1000
    checked = 0
    for pat in PATTERNS:
        need, rx = required_chars(pat), re.compile(pat)
        if need is None:
            continue
        for line in lines:
            if rx.search(line):
                checked += 1
                assert not need.isdisjoint(line), (pat, line)
    assert checked > 50


_ALPHABET = list("禁止转载广告推广扫码关注下载app，。 ｜|-—0123456789AVav<>#{}:;")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATTERNS),
       st.text(alphabet=st.one_of(st.sampled_from(_ALPHABET), st.characters()), max_size=40))
def test_any_match_holds_a_required_character(pattern, text):
    need = required_chars(pattern)
    m = re.search(pattern, text)
    if need is not None and m is not None:
        assert not need.isdisjoint(text)


def test_sets_kept_between_runs_are_the_computed_ones(tmp_path, monkeypatch):
    from ipcorpus.index import user_cache as diskcache
    from ipcorpus.patterns import prefilter as required
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(diskcache, "_TABLES", {})
    first = required.required_sets(PATTERNS)
    assert first == tuple(required_chars(p) for p in PATTERNS)
    cache = tmp_path / "ipcorpus" / "required-cache.bin"
    assert cache.is_file()
    monkeypatch.setattr(diskcache, "_TABLES", {})             # a new process reads the file
    monkeypatch.setattr(required, "required_chars", lambda p: pytest.fail("computed again"))
    assert required.required_sets(PATTERNS) == first
    cache.write_bytes(b"\x00garbage")                        # damaged: computed again
    monkeypatch.setattr(required, "required_chars", required_chars)
    monkeypatch.setattr(diskcache, "_TABLES", {})
    assert required.required_sets(PATTERNS) == first


def test_parsed_toml_is_tomllib(tmp_path, monkeypatch):
    import tomllib

    from ipcorpus.index import user_cache as diskcache
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(diskcache, "_TABLES", {})
    text = '[pack]\nname = "x"\n[[rule]]\nname = "a"\npatterns = ["^b"]\nmax_len = 3\nw = 1.5\n'
    assert diskcache.parsed_toml(text) == tomllib.loads(text)
    monkeypatch.setattr(diskcache, "_TABLES", {})
    assert diskcache.parsed_toml(text) == tomllib.loads(text)       # read back from disk
    dated = "when = 2025-01-01\n"                                     # marshal cannot keep a date
    assert diskcache.parsed_toml(dated) == tomllib.loads(dated)
