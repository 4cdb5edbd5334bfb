"""`ipcorpus report` (the corpus brief) and `show` on the citations it prints.

Every figure of `report --format json` on a copy of sample_corpus is checked against
tests/data/sample_gold.json (labels over unique articles, the repost pair counted
once, sources, months, entities, health), the evidence citations resolve with `show`
to kept lines of the article body, and the Markdown, terminal, TSV and HTML renderings
carry the same figures. The HTML brief is rendered in headless Chromium (installed
with apt-get when missing and possible, else those tests are skipped), and an article
carrying <script>, <img onerror=…> and javascript: links shows them as text only.

Sources are compared with the gold: the account a page credits (under its
dateline, or in 本文来自公众号“X”), else its portal."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SAMPLE, parse_show, ranges

from ipcorpus.commands.cli import app

LABELS = ("founder-ip", "matrix", "mixed", "neutral")
CORPUS = "sample_corpus"
ENV = {"NO_COLOR": None, "IPCORPUS_DB": None, "COLUMNS": "100"}
ANSI = re.compile(r"\x1b\[")
WORD = re.compile(r"[\W_]+")



# -- helpers -------------------------------------------------------------------------
def invoke(*args, code=0, env=None):
    res = CliRunner(env={**ENV, **(env or {})}).invoke(app, list(args))
    assert res.exit_code == code, \
        f"ipcorpus {' '.join(args)}: exit {res.exit_code}, wanted {code}\n{res.stderr}\n{res.exception!r}"
    return res


def copy_sample(dest: Path) -> Path:
    shutil.copytree(SAMPLE, dest / CORPUS, ignore=shutil.ignore_patterns(".ipcorpus"))
    return dest



def compact(text: str) -> str:
    return WORD.sub("", text or "")


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """A copy of sample_corpus; tests run with it as the working directory, so the
    paths in the output read `sample_corpus/…` as in the README."""
    return copy_sample(tmp_path_factory.mktemp("report"))


@pytest.fixture
def cwd(work, monkeypatch):
    monkeypatch.chdir(work)
    return work


@pytest.fixture(scope="module")
def brief(work, tmp_path_factory):
    """`report --format json` and `stance --format json` on the copy, run once."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
        mp.chdir(work)
        rep = json.loads(invoke("report", CORPUS, "--format", "json").stdout)
        st = json.loads(invoke("stance", CORPUS, "--format", "json").stdout)
    return rep, {r["path"]: r for r in st}


@pytest.fixture(scope="module")
def gold():
    data = json.loads((ROOT / "tests" / "data" / "sample_gold.json").read_text(encoding="utf-8"))["files"]
    return {f"{CORPUS}/{k}": v for k, v in data.items()}


def unique(gold: dict) -> dict:
    """The gold's articles with each repost folded into its earlier copy."""
    return {p: g for p, g in gold.items() if not g["repost_of"]}


# -- figures against the gold ------------------------------------------------------------
def test_stance_counts_and_shares_over_unique_articles(brief, gold):
    rep, _ = brief
    uniq = unique(gold)
    want = Counter(g["stance"][0] for g in uniq.values())
    n = len(uniq)
    assert n == 19
    assert rep["corpus"] == {"paths": [CORPUS], "files": 20, "documents": 20, "articles": n, "copies_folded": 1,
                             "first_published": rep["corpus"]["first_published"],
                             "last_published": rep["corpus"]["last_published"]}
    assert rep["stance"]["articles"] == n
    argued = n - want["neutral"]
    assert rep["stance"]["argued"] == argued
    # The sides' shares are of the articles that argue; neutral has no such share.
    for lb in LABELS:
        assert rep["stance"]["labels"][lb] == {
            "count": want[lb], "share": round(want[lb] / n, 4),
            "share_of_argued": round(want[lb] / argued, 4) if lb != "neutral" else None}, lb
    assert abs(sum(v["share"] for v in rep["stance"]["labels"].values()) - 1) < 1e-3
    assert abs(sum(v["share_of_argued"] or 0 for v in rep["stance"]["labels"].values()) - 1) < 1e-3
    # Every neutral sample article is off the question, and says why.
    assert rep["stance"]["off_question"] == want["neutral"]
    assert rep["stance"]["neutral_reasons"] == {"off-topic": want["neutral"]}
    # One row per unique article, with the gold label.
    arts = {a["path"]: a for a in rep["articles"]}
    assert set(arts) == set(uniq)
    for p, g in uniq.items():
        assert arts[p]["label"] == g["stance"][0], p


def test_reposts_grouped_as_the_gold_says(brief, gold):
    rep, _ = brief
    want = {}
    for p, g in gold.items():
        if g["repost_of"]:
            orig = f"{CORPUS}/{g['repost_of']}"
            want.setdefault(orig, [orig]).append(p)
    got = {g["article"]: [c["path"] for c in g["copies"]] for g in rep["reposts"]["list"]}
    assert got == want == {f"{CORPUS}/netease/xiaomi_ip_firewall.txt": [
        f"{CORPUS}/netease/xiaomi_ip_firewall.txt", f"{CORPUS}/sohu/xiaomi_ip_firewall_repost.txt"]}
    assert rep["reposts"]["groups"] == 1 and rep["reposts"]["documents"] == 2
    (group,) = rep["reposts"]["list"]
    assert group["labels_agree"] and group["label"] == "matrix"
    assert group["title"] == gold[group["article"]]["title"]
    first, copy = group["copies"]
    assert first["similarity"] == 1.0 and 0.8 <= copy["similarity"] < 1.0
    assert first["portal"] == "网易号" and copy["portal"] == "搜狐号"
    arts = {a["path"]: a for a in rep["articles"]}
    assert arts[group["article"]]["copies"] == [copy["path"]]
    # The copy adds nowhere but in the portal breakdown, which counts every copy.
    assert sum(x["articles"] for x in rep["by_source"]) == 19
    assert sum(x["documents"] for x in rep["by_portal"]) == 20
    assert {x["portal"]: x["documents"] for x in rep["by_portal"]}["搜狐号"] == 1


def test_by_source_adds_up_to_what_stance_prints(brief, gold):
    rep, stance = brief
    uniq = unique(gold)
    want: dict = {}
    for p in uniq:
        src = stance[p]["source"]
        a = want.setdefault(src, {"source": src, "articles": 0, "argued": 0, "labels": dict.fromkeys(LABELS, 0)})
        a["articles"] += 1
        a["argued"] += gold[p]["stance"][0] != "neutral"
        a["labels"][gold[p]["stance"][0]] += 1
    assert sorted(rep["by_source"], key=lambda x: str(x["source"])) == \
        sorted(want.values(), key=lambda x: str(x["source"]))
    counts = [x["articles"] for x in rep["by_source"]]
    assert counts == sorted(counts, reverse=True)
    for x in rep["by_source"] + rep["by_portal"]:
        assert sum(x["labels"].values()) == x.get("articles", x.get("documents"))


def test_by_source_matches_the_gold(brief, gold):
    rep, _ = brief
    want = Counter(g["source"] for g in unique(gold).values())
    assert {x["source"]: x["articles"] for x in rep["by_source"]} == dict(want)


def test_by_month_agrees_with_gold_dates(brief, gold):
    rep, _ = brief
    uniq = unique(gold)
    arts = {a["path"]: a for a in rep["articles"]}
    months: dict = {}
    undated = []
    for p, a in arts.items():
        if a["published"]:
            # Every date the report uses is the gold's date.
            assert a["published"][:10] == uniq[p]["published"][:10], p
            m = months.setdefault(a["published"][:7], {"month": a["published"][:7], "articles": 0,
                                                       "labels": dict.fromkeys(LABELS, 0)})
            m["articles"] += 1
            m["labels"][uniq[p]["stance"][0]] += 1
        else:
            undated.append(p)
    bm = rep["by_month"]
    assert bm["months"] == [months[k] for k in sorted(months)]
    assert sorted(bm["undated"]["paths"]) == sorted(undated)
    assert bm["undated"]["articles"] == len(undated)
    assert bm["undated"]["labels"] == {lb: sum(1 for p in undated if uniq[p]["stance"][0] == lb) for lb in LABELS}
    assert sum(m["articles"] for m in bm["months"]) + bm["undated"]["articles"] == 19
    # The gold's one undated article (a recipe page) is undated here too.
    assert f"{CORPUS}/netease/hongshaorou_simpread.txt" in bm["undated"]["paths"]
    # The repost group is dated by its earliest copy.
    assert arts[f"{CORPUS}/netease/xiaomi_ip_firewall.txt"]["published"].startswith("2025-03-12")
    dated = sorted(a["published"] for a in arts.values() if a["published"])
    assert (rep["corpus"]["first_published"], rep["corpus"]["last_published"]) == (dated[0], dated[-1])


def test_by_month_matches_the_gold(brief, gold):
    rep, _ = brief
    uniq = unique(gold)
    want = Counter(g["published"][:7] for g in uniq.values() if g["published"])
    assert {m["month"]: m["articles"] for m in rep["by_month"]["months"]} == dict(want)
    assert rep["by_month"]["undated"]["articles"] == sum(1 for g in uniq.values() if not g["published"]) == 1


def test_entities_present(brief, gold):
    from ipcorpus.stance.lexicon import get_lexicon
    rep, stance = brief
    lex = get_lexicon()
    canon = {a: name for name, aliases in lex.entities.items() for a in aliases} | {n: n for n in lex.entities}
    want = Counter()
    for g in unique(gold).values():
        want.update({canon[e] for e in g["entities"]})
    got = {e["entity"]: e for e in rep["by_entity"]}
    for name, n in want.items():
        assert name in got, name
        assert got[name]["articles"] >= n, name
    # Counted over unique articles from what `stance` found in each.
    recount = Counter()
    for p in unique(gold):
        recount.update(stance[p]["entities"].keys())
    assert {k: v["articles"] for k, v in got.items()} == dict(recount)
    for e in rep["by_entity"]:
        assert sum(e["labels"].values()) == e["articles"]
        assert -1 <= e["score"] <= 1
    xiaomi = got["小米"]
    assert xiaomi["articles"] == 5          # the repost pair names 小米 once
    keys = [(-e["articles"], -e["mentions"], e["entity"]) for e in rep["by_entity"]]
    assert keys == sorted(keys)


def test_health(brief, gold):
    rep, _ = brief
    h = rep["health"]
    assert (h["files"], h["analysed"]) == (20, 20)
    assert h["failed"] == {"count": 0, "files": []}
    assert h["all_noise"] == {"count": 0, "files": []}
    want = {p: g["damaged_lines"] for p, g in gold.items() if g["damaged_lines"]}
    assert {d["path"]: d["lines"] for d in h["damaged"]["files"]} == want
    assert h["damaged"]["count"] == len(want) == 1
    assert h["damaged"]["lines"] == sum(len(v) for v in want.values())
    assert h["encodings"] == dict(sorted(Counter(g["encoding"] for g in gold.values()).items()))
    assert h["scripts"] == dict(sorted(Counter(g["script"] for g in gold.values()).items()))


def test_voices_cite_kept_body_lines_that_show_resolves(brief, gold, cwd):
    rep, _ = brief
    arts = {a["path"]: a for a in rep["articles"]}
    for side in ("founder-ip", "matrix"):
        v = rep["voices"][side]
        assert v["articles"] == sum(1 for a in arts.values() if a["label"] == side)
        ev = v["evidence"]
        assert 1 <= len(ev) <= 5
        assert [e["weight"] for e in ev] == sorted((e["weight"] for e in ev), reverse=True)
        assert len({e["path"] for e in ev}) == len(ev), "one clause per article"
        for e in ev:
            g = gold[e["path"]]
            assert e["path"] in arts, "evidence comes from the article standing for a repost group"
            assert e["citation"] == f"{e['path']}:{e['line']}" + \
                (f"-{e['end_line']}" if e["end_line"] != e["line"] else "")
            assert e["title"] == g["title"]
            assert e["label"] == g["stance"][0]
            # The cited lines are article body in the gold …
            assert set(range(e["line"], e["end_line"] + 1)) <= ranges(g["body"]), e["citation"]
            # … and `show` resolves them to kept lines holding the clause.
            rows = parse_show(invoke("show", e["citation"], "--no-cache").stdout)
            assert [n for mark, n, _, _ in rows if mark == ">"] == list(range(e["line"], e["end_line"] + 1))
            assert all(rule is None for _, _, _, rule in rows), e["citation"]
            norm = parse_show(invoke("show", e["citation"], "--normalized", "--no-cache").stdout)
            assert compact(e["text"]) in compact("".join(t for _, _, t, _ in norm)), e["citation"]


def test_keywords_per_side(brief):
    from ipcorpus.report import STOP_WORDS
    rep, _ = brief
    words = {}
    for side in ("founder-ip", "matrix"):
        kw = rep["voices"][side]["keywords"]
        assert len(kw) == 10
        ws = [k["weight"] for k in kw]
        assert ws == sorted(ws, reverse=True) and ws[-1] > 0
        words[side] = [k["word"] for k in kw]
        for w in words[side]:
            assert len(w) >= 2 and w not in STOP_WORDS and not w.isdigit(), w
    assert not set(words["founder-ip"]) & set(words["matrix"])
    # Voices, not filler: the people and the account forms each side argues about.
    assert {"雷军", "马斯克", "周鸿祎"} & set(words["founder-ip"])
    assert {"工程师", "主播", "账号", "账号矩阵", "售后"} & set(words["matrix"])


# -- other corpora -------------------------------------------------------------------
def test_health_counts_failed_all_noise_and_damaged(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    (corpus / "x").mkdir(parents=True)
    for rel in ("netease/xiaomi_renqiheyi_fanti.txt", "36kr/tesla_musk_x_account.txt"):
        shutil.copyfile(SAMPLE / rel, corpus / "x" / Path(rel).name)
    (corpus / "x" / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00\xff" * 20)
    (corpus / "x" / "furniture.txt").write_text("搜狐首页 > 科技 > 正文\n\n分享至\n\n![](https://x.invalid/a.png)\n\n"
                                               "责任编辑：张三\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    rep = json.loads(invoke("report", "c", "--format", "json", "--no-cache").stdout)
    h = rep["health"]
    assert (h["files"], h["analysed"]) == (4, 3)
    assert h["failed"]["count"] == 1 and h["failed"]["files"][0]["path"] == "c/x/binary.txt"
    assert h["failed"]["files"][0]["error"]
    assert h["all_noise"] == {"count": 1, "files": ["c/x/furniture.txt"]}
    assert h["damaged"]["count"] == 1 and h["damaged"]["files"][0] == {"path": "c/x/xiaomi_renqiheyi_fanti.txt",
                                                                      "lines": [49]}
    # All noise is no article: the figures rest on the two real ones.
    assert rep["corpus"]["articles"] == rep["stance"]["articles"] == 2
    assert rep["stance"]["labels"]["founder-ip"] == {"count": 2, "share": 1.0, "share_of_argued": 1.0}
    md = invoke("report", "c", "--format", "markdown", "--no-cache").stdout
    assert "c/x/binary.txt" in md and "c/x/furniture.txt" in md


def test_empty_folder(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    rep = json.loads(invoke("report", "empty", "--format", "json", "--no-cache").stdout)
    empty = {lb: {"count": 0, "share": 0.0, "share_of_argued": None if lb == "neutral" else 0.0} for lb in LABELS}
    assert rep["stance"] == {"articles": 0, "argued": 0, "off_question": 0, "neutral_reasons": {}, "labels": empty}
    assert rep["reposts"]["list"] == [] and rep["by_month"]["months"] == []
    for fmt in ("table", "markdown", "tsv"):
        invoke("report", "empty", "--format", fmt, "--no-cache")
    invoke("report", "empty", "--html", "b.html", "--no-cache")
    assert "no articles" in (tmp_path / "b.html").read_text(encoding="utf-8")


def test_reposts_near_duplicates_only():
    from ipcorpus.corpus.reposts import THRESHOLD, find_groups, similarity
    base = ("过去几年，小米最有效的广告位不是电梯屏，也不是综艺冠名，而是雷军本人的微博和抖音。"
            "一场年度演讲、一句我们是认真的，就能让新品的讨论量翻上几倍。这种效率几乎没有哪家公司的市场部能复制。"
            "但流量有两面。当品牌的信任全部押在一个人身上，个人IP的任何波动都会被直接放大成品牌危机。")
    other = "格力的下一道题：弱化对董明珠个人形象的依赖，把日常沟通交给工程师、销售和售后组成的账号矩阵。" * 3
    texts = [base,
             # reworded, with furniture
             "【转载】 " + base.replace("但流量有两面。", "但是，流量总有两面。") + "\n(完)",
             other,
             base[:60],                                                    # an excerpt: not a copy
             base.replace("，", " ").replace("。", "\n"),                    # punctuation and spacing differ
             "短文本", "短文本"]                                               # too short to judge
    found = find_groups(texts)
    assert found.groups == [[0, 1, 4]]
    assert similarity(texts, 0, 4) == 1.0
    assert THRESHOLD <= similarity(texts, 0, 1) < 1.0
    assert similarity(texts, 0, 3) < THRESHOLD


def test_reposts_scale_without_pairwise_comparison():
    """5,000 documents: 10 planted copy groups are found, and only a handful of
    candidate pairs are compared exactly (LSH banding, not n²/2 = 12.5 million)."""
    import random

    from ipcorpus.corpus.reposts import find_groups
    rnd = random.Random(7)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    texts = ["".join(rnd.choices(alphabet, k=300)) for _ in range(5000)]
    planted = []
    for k in range(10):
        a, b = 37 * k + 3, 4000 + 53 * k
        t = list(texts[a])
        t[150:153] = list("改一句")          # a reworded phrase, as portals do
        texts[b] = "".join(t)
        planted.append([a, b])
    found = find_groups(texts)
    assert found.groups == sorted(planted)
    assert found.candidates < 100


# -- renderings ------------------------------------------------------------------------
GLYPHS = {"founder-ip": "█", "matrix": "▓", "mixed": "▒", "neutral": "░"}


def check_month_bars(rep, out):
    """Each month's text bar has the glyphs of exactly its labels and its total."""
    bm = rep["by_month"]
    rows = bm["months"]
    assert rows
    for m in rows:
        found = re.search(rf"{m['month']}\s+([█▓▒░]+)\s+{m['articles']}\b", out)
        assert found, m["month"]
        assert set(found.group(1)) == {GLYPHS[lb] for lb in LABELS if m["labels"][lb]}, m["month"]
    # Undated articles are said beside the chart, never drawn as a bar on its scale.
    assert not re.search(r"undated\s+[█▓▒░]", out)
    if bm["undated"]["articles"]:
        assert re.search(rf"undated: {bm['undated']['articles']} articles? \(", out)


def test_undated_articles_do_not_flatten_the_month_chart():
    """Ten undated articles and one dated: the dated month still fills the bar."""
    from ipcorpus.report.common import BAR, text_month_chart, undated_line
    zero = dict.fromkeys(LABELS, 0)
    by_month = {"months": [{"month": "2025-01", "articles": 1, "labels": {**zero, "matrix": 1}},
                           {"month": "2025-03", "articles": 2, "labels": {**zero, "founder-ip": 2}}],
                "undated": {"articles": 10, "labels": {**zero, "neutral": 10}, "paths": []}}
    rows = text_month_chart(by_month)
    assert [r[0] for r in rows] == ["2025-01", "2025-02", "2025-03"]
    assert sum(c for _, c in rows[2][1]) == BAR            # the busiest month is the scale
    assert sum(c for _, c in rows[0][1]) == BAR // 2
    assert undated_line(by_month) == "undated: 10 articles (neutral 10), not on the chart's scale"


def test_jsonl_is_the_json_on_one_line(brief, cwd):
    rep, _ = brief
    out = invoke("report", CORPUS, "--format", "jsonl").stdout
    assert out.count("\n") == 1
    assert json.loads(out) == rep


def test_index_and_no_cache_give_the_same_figures(brief, cwd):
    rep, _ = brief
    assert (cwd / CORPUS / ".ipcorpus" / "index.sqlite").exists()
    assert json.loads(invoke("report", CORPUS, "--format", "json", "--no-cache").stdout) == rep
    assert json.loads(invoke("report", CORPUS, "--format", "json").stdout) == rep


def test_top_and_keywords_options(cwd):
    rep = json.loads(invoke("report", CORPUS, "--format", "json", "--top", "2", "--keywords", "3").stdout)
    for side in ("founder-ip", "matrix"):
        assert len(rep["voices"][side]["evidence"]) == 2 and len(rep["voices"][side]["keywords"]) == 3
    rep = json.loads(invoke("report", CORPUS, "--format", "json", "--keywords", "0").stdout)
    assert rep["voices"]["matrix"]["keywords"] == []
    invoke("report", CORPUS, "--top", "0", code=2)


def test_markdown_brief(brief, cwd):
    rep, _ = brief
    out = invoke("report", CORPUS, "--format", "markdown").stdout
    assert out.startswith(f"# Corpus brief: `{CORPUS}`\n")
    for head in ("## Stance", "## Stance by month", "## Reposts", "## By source", "## By portal (every copy)",
                 "## By entity", "## Voices for founder-IP", "## Voices for matrix", "## Health"):
        assert f"\n{head}\n" in out, head
    st = rep["stance"]["labels"]
    for lb in LABELS:
        of_argued = "" if lb == "neutral" else f"{st[lb]['share_of_argued'] * 100:.1f}%"
        assert re.search(rf"^\| {lb} \| {st[lb]['count']} \| {st[lb]['share'] * 100:.1f}% \| {of_argued} \| [█▓▒░]*\|?",
                         out, re.M), lb
    assert "15 of 19 articles argue the question; 4 are off it and 0 on it without taking a side." in out
    assert f"`{CORPUS}/sohu/xiaomi_ip_firewall_repost.txt`" in out
    for side in ("founder-ip", "matrix"):
        for e in rep["voices"][side]["evidence"]:
            assert f"`{e['citation']}`" in out
    check_month_bars(rep, out)
    assert "```text" in out and "undated" in out
    # Every table row has as many cells as its header.
    for block in re.findall(r"(?:^\|.*\|\n)+", out, re.M):
        rows = block.splitlines()
        n = len(re.findall(r"(?<!\\)\|", rows[0]))
        assert all(len(re.findall(r"(?<!\\)\|", r)) == n for r in rows), block


def test_terminal_brief(brief, cwd):
    rep, _ = brief
    out = invoke("report", CORPUS, "--format", "table", "--color", "never").stdout
    assert not ANSI.search(out)
    for s in (f"ipcorpus brief: {CORPUS}", "Stance over 19 articles", "Stance by month of publication", "Reposts",
              "By source", "By portal", "By entity", "Voices for founder-IP", "Voices for matrix", "keywords:",
              "Health", "damaged script"):
        assert s in out, s
    assert re.search(r"founder-ip\s+6\s+31\.6%\s+40\.0%\s+█+", out)
    assert re.search(r"15 of 19 articles argue the question;\s+4 are off it", out)
    check_month_bars(rep, out)
    assert rep["voices"]["matrix"]["evidence"][0]["citation"] in out
    assert f"{CORPUS}/sohu/xiaomi_ip_firewall_repost.txt" in out
    coloured = invoke("report", CORPUS, "--format", "table", "--color", "always").stdout
    assert ANSI.search(coloured)


def test_tsv_and_csv_long_form(brief, cwd):
    rep, _ = brief
    out = invoke("report", CORPUS).stdout             # not a terminal: TSV
    lines = out.splitlines()
    assert lines[0] == "section\tkey\tmetric\tvalue"
    rows = [ln.split("\t") for ln in lines[1:]]
    assert all(len(r) == 4 for r in rows)
    fig = {(s, k, m): v for s, k, m, v in rows}
    for lb in LABELS:
        assert fig[("stance", lb, "count")] == str(rep["stance"]["labels"][lb]["count"])
    assert fig[("stance", "", "argued")] == "15" and fig[("stance", "", "off_question")] == "4"
    assert fig[("stance", "matrix", "share_of_argued")] == str(rep["stance"]["labels"]["matrix"]["share_of_argued"])
    assert fig[("corpus", "", "articles")] == "19"
    assert fig[("month", "undated", "articles")] == str(rep["by_month"]["undated"]["articles"])
    assert ("repost", f"{CORPUS}/netease/xiaomi_ip_firewall.txt", f"{CORPUS}/sohu/xiaomi_ip_firewall_repost.txt") \
        in fig
    assert fig[("health", "damaged", "count")] == "1"
    csv_rows = list(csv.reader(io.StringIO(invoke("report", CORPUS, "--format", "csv").stdout)))
    assert csv_rows[0] == ["section", "key", "metric", "value"] and len(csv_rows) == len(lines)


def test_html_brief_is_self_contained(brief, cwd):
    rep, _ = brief
    res = invoke("report", CORPUS, "--html", "brief.html")
    assert res.stdout == ""
    assert "wrote brief.html" in res.stderr
    page = (cwd / "brief.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "default-src 'none'; style-src 'unsafe-inline'; img-src data:" in page
    assert 'name="viewport"' in page
    for bad in ("<script", "<link", "<iframe", "<object", "<embed", "<img", "src=", "href=", "url(", "@import",
                "http:", "https:", "//"):
        assert bad not in page.lower(), bad
    for needle in ('id="chart-stance"', 'id="chart-months"', 'id="chart-entities"', 'class="stance"',
                   'class="months"', 'class="reposts wide"', 'class="by_entity wide"', 'class="health"',
                   'class="articles wide"'):
        assert needle in page, needle
    for e in rep["voices"]["founder-ip"]["evidence"] + rep["voices"]["matrix"]["evidence"]:
        assert e["citation"] in page
    # --html - writes the page to stdout; with an explicit --format, both.
    assert invoke("report", CORPUS, "--html", "-").stdout == page
    both = invoke("report", CORPUS, "--html", "b2.html", "--format", "json")
    assert json.loads(both.stdout) == rep and (cwd / "b2.html").read_text(encoding="utf-8") == page


def test_html_to_a_folder_is_a_usage_error(cwd):
    res = invoke("report", CORPUS, "--html", CORPUS, code=2)
    assert res.stderr.startswith("ipcorpus: error: ") and res.stderr.count("\n") == 1


def test_unknown_format_is_a_usage_error(cwd):
    res = invoke("report", CORPUS, "--format", "yaml", code=2)
    assert "unknown format" in res.stderr


@pytest.mark.parametrize("fmt", ["table", "markdown", "tsv"])
def test_closed_pipe_ends_quietly(fmt, work, tmp_path):
    """`ipcorpus report DIR | head -1`: exit 0, nothing on stderr."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "COLUMNS": "100"}
    env.pop("IPCORPUS_DB", None)
    proc = subprocess.Popen([sys.executable, "-m", "ipcorpus", "report", CORPUS, "--format", fmt, "--color", "always",
                             "--keywords", "0"], cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) == 0, err
    assert first and err == ""


def test_terminal_brief_hands_a_closed_pipe_to_the_cli(brief):
    """rich would exit 1 on a closed pipe; the brief raises BrokenPipeError, which
    the CLI turns into a quiet exit 0 (the output here is too small to fill a real
    pipe, so the pipe closes under a fake stream)."""
    from ipcorpus.commands.output import Out
    from ipcorpus.report.terminal import terminal
    rep, _ = brief

    class Closing(io.StringIO):
        def write(self, s):
            if self.tell() > 200:
                raise BrokenPipeError
            return super().write(s)

        def isatty(self):
            return True

    with pytest.raises(BrokenPipeError):
        terminal(rep, Out("table", "always", stream=Closing(), err=io.StringIO()))


# -- article text is inert ----------------------------------------------------------------
PAYLOAD = "<script>document.body.setAttribute('data-pwned','1')</script>"
XSS_ARTICLE = f"""---
title: "创始人IP还是账号矩阵{PAYLOAD}"
source: "<img src=x onerror=alert(1)>"
---

# 创始人IP还是账号矩阵

&lt;script&gt;alert(1)&lt;/script&gt;小米应该建立员工账号矩阵，不应该只靠雷军一个人。&lt;img src=x onerror=alert(1)&gt;

更多内容见[x](javascript:alert(1))，我们认为账号矩阵才是更稳妥的选择，创始人IP风险太大。javascript:alert(1)

雷军个人IP的风险越来越明显，公司必须从创始人IP转向组织化发声。
"""
XSS_NAME = "a<img src=x onerror=alert(9)>.md"
RAW_TAG = re.compile(r"<\s*(script|img|iframe|object|embed|a|link|svg\s+onload)\b[^>]*?(on\w+=|src=|href=|>)", re.I)


@pytest.fixture
def xss(tmp_path, monkeypatch):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / XSS_NAME).write_text(XSS_ARTICLE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    rep = json.loads(invoke("report", "x", "--format", "json", "--no-cache").stdout)
    invoke("report", "x", "--html", "brief.html", "--no-cache")
    return tmp_path, rep, (tmp_path / "brief.html").read_text(encoding="utf-8")


def test_html_escapes_article_text(xss):
    _, rep, page = xss
    raw = json.dumps(rep, ensure_ascii=False)
    # The payloads did reach the figures (title, source, evidence, path) …
    for p in (PAYLOAD, "<img src=x onerror=alert(1)>", "javascript:alert(1)", "<img src=x onerror=alert(9)>"):
        assert p in raw, p
    # … and the page shows them only as text.
    assert "<script" not in page.lower()
    assert not RAW_TAG.search(page.replace('<svg class="chart"', "")), RAW_TAG.search(page)
    assert "href" not in page and "javascript:alert(1)" in page
    assert "&lt;script&gt;document.body.setAttribute(&#x27;data-pwned&#x27;,&#x27;1&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "a&lt;img src=x onerror=alert(9)&gt;.md" in page


def test_markdown_escapes_article_text(xss, monkeypatch):
    tmp, _, _ = xss
    out = invoke("report", "x", "--format", "markdown", "--no-cache").stdout
    assert "`x/a<img src=x onerror=alert(9)>.md" in out       # a path in a code span shows verbatim
    prose = re.sub(r"`[^`\n]*`", "", out)
    assert not re.search(r"(?<!\\)<", prose), "every < outside code spans is escaped"
    assert not re.search(r"(?<!\\)\]\(", prose), "no live link"
    assert r"\<script\>" in out and r"\<img src=x onerror=alert(1)\>" in out


# -- show ---------------------------------------------------------------------------------
def test_show_marks_what_clean_drops_across_the_corpus(brief, gold, cwd):
    """For every sample file, `show` of the whole file marks exactly the lines that
    `clean` on the corpus drops, with the same rule (learned furniture apart, see
    the xfail below), and prints the original text."""
    recs = json.loads(invoke("clean", CORPUS, "--format", "json").stdout)
    for r in recs:
        n = max(x["line"] for x in r["lines"])
        rows = parse_show(invoke("show", f"{r['path']}:1-{n}", "--no-cache").stdout)
        dropped = {x["line"]: x["rule"] for x in r["lines"] if x["action"] == "drop" and x["rule"] != "recurring"}
        got = {k: rule for _, k, _, rule in rows if rule}
        assert got == dropped, r["path"]
        assert all(mark == ">" for mark, _, _, _ in rows)
        enc = gold[r["path"]]["encoding"]
        original = (cwd / r["path"]).read_bytes().decode(enc).replace("\ufeff", "").splitlines()
        assert [t.rstrip() for _, _, t, _ in rows[:len(original)]] == [t.rstrip() for t in original[:len(rows)]]


def test_show_marks_learned_furniture(tmp_path, monkeypatch):
    """A footer no rule knows, repeated under four different articles, is learned by
    the corpus run; `show` on one file, even from a subfolder, finds the corpus's
    index above it and marks the line with the rule `recurring`."""
    monkeypatch.chdir(tmp_path)
    bodies = [
        "企业应该打造创始人IP，老板亲自出镜是最快建立信任的方式。",
        "品牌需要搭建员工账号矩阵，风险分散，覆盖更多用户。",
        "雷军亲自发声依然是小米最有效的传播方式，这一点没有变。",
        "工程师账号把技术讲明白，组织化发声让品牌更稳健。",
    ]
    for k, body in enumerate(bodies):
        folder = tmp_path / "corpus" / f"sub{k}"
        folder.mkdir(parents=True)
        (folder / "a.txt").write_text(f"标题{k}号文章\n\n{body}\n\n{body[:-1]}，所以值得长期坚持。\n\n"
                                      "本站编辑部出品\n", encoding="utf-8")
    recs = json.loads(invoke("clean", "corpus", "--format", "json").stdout)
    learned = [(r["path"], x["line"]) for r in recs for x in r["lines"] if x.get("rule") == "recurring"]
    assert sorted(learned) == [(f"corpus/sub{k}/a.txt", 7) for k in range(4)]
    rows = parse_show(invoke("show", "corpus/sub2/a.txt:7").stdout)
    assert rows[0][3] == "recurring"
    assert not (tmp_path / "corpus" / "sub2" / ".ipcorpus").exists()    # no stray index in the subfolder


def test_show_context_and_normalized_on_a_pinyin_page(cwd):
    path = f"{CORPUS}/netease/xiaomi_renqiheyi_fanti.txt"
    rows = parse_show(invoke("show", f"{path}:49", "-C", "2", "--no-cache").stdout)
    assert [n for _, n, _, _ in rows] == [47, 48, 49, 50, 51]
    assert [n for m, n, _, _ in rows if m == ">"] == [49]
    orig = dict((n, t) for _, n, t, _ in rows)
    norm = dict((n, t) for _, n, t, _ in parse_show(invoke("show", f"{path}:49", "-C", "2", "--normalized",
                                                            "--no-cache").stdout))
    assert re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", orig[47])     # pinyin glosses in the original
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", norm[47])
    assert "?" in orig[49]                                                  # the damaged line, as it stands


def test_show_a_path_with_spaces(cwd):
    rows = parse_show(invoke("show", f"{CORPUS}/wechat/董明珠 直播 复盘.txt:1-3", "--no-cache").stdout)
    assert [n for _, n, _, _ in rows] == [1, 2, 3]
    assert rows[0][2].startswith("# 董明珠直播复盘")


# -- Chromium --------------------------------------------------------------------------------
def find_chromium():
    for name in ("chromium", "chromium-browser"):
        for path in (shutil.which(name), f"/usr/bin/{name}"):
            if path and os.path.exists(path) and os.access(path, os.X_OK):
                return path
    return None


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium; installed with apt-get when missing and we are root."""
    path = find_chromium()
    why = "not installed"
    if path is None and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=300, check=False)
            p = subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "chromium"], env=env,
                               capture_output=True, timeout=900, check=False)
            why = f"apt-get install chromium failed: {p.stderr.decode(errors='replace').strip()[-300:]}"
        except (OSError, subprocess.TimeoutExpired) as e:
            why = f"apt-get install chromium did not finish: {e}"
        path = find_chromium()
    elif path is None:
        why = "not installed, and installing it needs root and apt-get"
    if path is None:
        pytest.skip(f"headless Chromium is unavailable ({why}); the HTML brief was not rendered in a browser")
    return path


def chromium_args(chromium, profile):
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", f"--user-data-dir={profile}"]


def dump_dom(chromium, page: Path, tmp_path: Path) -> str:
    p = subprocess.run(chromium_args(chromium, str(tmp_path / "profile")) + ["--dump-dom", page.as_uri()],
                       capture_output=True, timeout=120, text=True)
    assert p.returncode == 0 and "<html" in p.stdout, p.stderr[-2000:]
    return p.stdout


@pytest.mark.slow
def test_html_brief_renders_in_chromium(chromium, brief, cwd, tmp_path):
    rep, _ = brief
    invoke("report", CORPUS, "--html", "brief.html")
    dom = dump_dom(chromium, cwd / "brief.html", tmp_path)
    for chart in ("chart-stance", "chart-months", "chart-entities"):
        m = re.search(rf'<svg[^>]*id="{chart}".*?</svg>', dom, re.S)
        assert m, chart
        assert m.group(0).count("<rect") >= 3, chart
    for table in ("stance", "months", "reposts wide", "by_source wide", "by_portal wide", "by_entity wide",
                  "health", "articles wide"):
        assert re.search(rf'<table class="{table}">.*?<tbody><tr>', dom, re.S), table
    for h in ("Stance", "Stance by month of publication", "Reposts", "Breakdowns", "Voices", "Health", "Articles"):
        assert f"<h2>{h}</h2>" in dom
    assert rep["voices"]["matrix"]["evidence"][0]["text"] in dom
    assert "<script" not in dom


@pytest.mark.slow
def test_article_scripts_do_not_run_in_chromium(chromium, xss, tmp_path):
    base, _, _ = xss
    dom = dump_dom(chromium, base / "brief.html", tmp_path)
    assert "<script" not in dom.lower()
    assert "<img" not in dom.lower()
    assert not re.search(r"<body[^>]*data-pwned", dom)
    assert "document.body.setAttribute" in dom            # shown as text


@pytest.mark.slow
def test_docs_screenshot_script(chromium, tmp_path):
    out = tmp_path / "report.png"
    p = subprocess.run([sys.executable, str(ROOT / "docs" / "make_screenshot.py"), "--out", str(out),
                        "--height", "600"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


# -- the brief is kept in the index (issue 13, item 18) ---------------------------------------
def test_an_unchanged_corpus_reuses_the_brief(tmp_path, monkeypatch):
    """`report` on an unchanged corpus reads its figures from the index, as `stance` reads
    its output, in every format; a changed file or other options compute them again."""
    import ipcorpus.report as report_mod
    copy_sample(tmp_path)
    monkeypatch.chdir(tmp_path)
    calls = []
    real = report_mod.compute

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(report_mod, "compute", counting)
    fresh = {fmt: invoke("report", CORPUS, "--format", fmt, "--no-cache").stdout for fmt in ("json", "tsv")}
    calls.clear()
    assert invoke("report", CORPUS, "--format", "json").stdout == fresh["json"]
    assert len(calls) == 1
    assert invoke("report", CORPUS, "--format", "json").stdout == fresh["json"]
    assert invoke("report", CORPUS, "--format", "tsv").stdout == fresh["tsv"]
    page = tmp_path / "brief.html"
    invoke("report", CORPUS, "--html", str(page))
    assert len(calls) == 1, "the figures were computed again"
    invoke("report", CORPUS, "--format", "json", "--top", "2")
    assert len(calls) == 2
    art = tmp_path / CORPUS / "36kr" / "tesla_musk_x_account.txt"
    art.write_bytes(art.read_bytes().replace("特斯拉".encode(), "比亚迪".encode(), 1))
    changed = invoke("report", CORPUS, "--format", "json").stdout
    assert len(calls) == 3
    assert changed == invoke("report", CORPUS, "--format", "json", "--no-cache").stdout
