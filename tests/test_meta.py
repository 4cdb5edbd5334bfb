"""Metadata of the sample articles against tests/data/sample_gold.json: title, author,
published (ISO 8601) and source."""
import json
from datetime import datetime
from functools import cache

import pytest

from conftest import DATA, SAMPLE

from ipcorpus.clean.lines import clean
from ipcorpus.clean.meta import iso_date
from ipcorpus.read.document import load_document

GOLD = json.loads((DATA / "sample_gold.json").read_text(encoding="utf-8"))["files"]


@cache
def meta_of(name):
    return clean(load_document(str(SAMPLE / name))).meta


def _with(field):
    return [pytest.param(name, g[field], id=name) for name, g in sorted(GOLD.items()) if g.get(field)]


@pytest.mark.parametrize("name,want", _with("title"))
def test_title(name, want):
    # Gold titles are in simplified script; so is the normalized text meta comes from.
    assert meta_of(name).title == want


@pytest.mark.parametrize("name,want", _with("author"))
def test_author(name, want):
    assert meta_of(name).author == want


@pytest.mark.parametrize("name,want", _with("published"))
def test_published_date(name, want):
    got = meta_of(name).published
    assert got is not None, f"no publish date found (gold {want})"
    assert got[:10] == want[:10]


@pytest.mark.parametrize("name,want", [p for p in _with("published") if len(p.values[1]) > 10])
def test_published_time_when_found(name, want):
    """Where a time of day is found it is the article's, not another item's."""
    got = meta_of(name).published
    assert got is not None
    assert got[:16] == want[:16] if len(got) > 10 else got == want[:10]


@pytest.mark.parametrize("name,want", _with("source"))
def test_source_present(name, want):
    # Lenient: the account or the portal; the exact account is often not on the page.
    got = meta_of(name).source
    assert got and got.strip(), f"no source (gold {want})"


def test_published_is_iso_8601():
    found = {name: meta_of(name).published for name in GOLD if meta_of(name).published}
    assert len(found) >= sum(1 for g in GOLD.values() if g.get("published")) - 2
    for name, got in found.items():
        parsed = datetime.fromisoformat(got)
        assert parsed.isoformat().startswith(got[:10]), name
        assert 2000 <= parsed.year <= 2100, name
        assert len(got) in (10, 19), f"{name}: {got} (a date, or a date-time with seconds)"


@pytest.mark.parametrize("name", sorted(GOLD))
def test_title_is_a_line_of_the_file(name):
    m = meta_of(name)
    assert m.title and m.title_line
    doc = load_document(str(SAMPLE / name))
    line = doc.lines[m.title_line - 1].text
    assert m.title in line or line.split(":", 1)[-1].strip(" '\"") == m.title


@pytest.mark.parametrize("text,want", [
    ("2025-05-13", "2025-05-13"),
    ("2025/5/3", "2025-05-03"),
    ("2025.05.13", "2025-05-13"),
    ("2025年5月13日 10:20", "2025-05-13T10:20:00"),
    ("发布时间：2025年02月10日 08:32", "2025-02-10T08:32:00"),
    ("2025-03-12 09:41:07", "2025-03-12T09:41:07"),
    ("2025-03-12T09:41:07", "2025-03-12T09:41:07"),
    ("Sun, 26 Dec 2021 00:56:39 GMT", "2021-12-26T00:56:39"),
    ("Mon, 3 Mar 2025 02:15:00 +0800", "2025-03-03T02:15:00"),
])
def test_iso_date(text, want):
    assert iso_date(text) == want


@pytest.mark.parametrize("text", ["2025-13-45", "not a date", "", "2025年2月30日"])
def test_iso_date_rejects_impossible_dates(text):
    assert iso_date(text) is None


CAPTIONED = """小米的品牌传播该怎么做

作者：张三
{header}

过去几年，小米最有效的广告位不是电梯屏，而是雷军本人的微博和抖音。

[图片]
来源：视觉中国

一场年度演讲、一句“我们是认真的”，就能让新品的讨论量翻上几倍，这种效率几乎没有哪家公司能复制。

但品牌不能只靠一个人，高管和工程师也应该走到台前。
{footer}
"""


@pytest.mark.parametrize("header,footer,source", [
    ("来源：品牌观察", "", "品牌观察"),          # the header's credit
    ("", "来源：品牌观察", "品牌观察"),          # the footer's
    ("", "", None),                              # only an image credit: no source
])
def test_source_comes_from_the_header_or_footer_never_from_an_image_caption(tmp_path, header, footer, source):
    from ipcorpus.clean.lines import clean
    from ipcorpus.read.document import load_document
    p = tmp_path / "a.txt"
    p.write_text(CAPTIONED.format(header=header, footer=footer), encoding="utf-8")
    assert clean(load_document(str(p))).meta.source == source
