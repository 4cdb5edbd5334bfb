"""Cleaning rules, one by one: every named rule in every pack drops the examples of its
furniture and keeps the lines of argument that merely mention its trigger words
(precision first), both written beside the rule in its pack and run by the code that
runs `ipcorpus rules --test` (clean/examples.py); the block and run detectors of each
DESIGN.md family; user rules, --keep-rule and --drop-rule."""
import json
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from typer.testing import CliRunner

from ipcorpus.clean.examples import (
    KEEP_MIN_CHARS,
    PROSE,
    TITLE,
    RuleSets,
    example_dropped,
    keep_dropped_by,
    page,
    verdict_of,
)
from ipcorpus.clean.lines import clean
from ipcorpus.clean.rules import BUILTIN, builtin_packs, make_ruleset
from ipcorpus.commands.cli import app
from ipcorpus.errors import IpcorpusError
from ipcorpus.read.document import document_from_bytes
from ipcorpus.read.source import split_lines

# A rule that an earlier rule always beats to its examples names it in its pack
# (`shadowed_by`): its examples are dropped by that rule, and by their own once it is held
# off (examples.example_dropped holds it off, and no other rule may need that: a rule
# beaten unseen would be dead).
SHADOWED = {r.name: r.shadowed_by for p in builtin_packs() for r in p.rules if r.shadowed_by}


def all_rules():
    return [(p.name, r) for p in builtin_packs() for r in p.rules]


def doc(lines, path="t.txt"):
    return document_from_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))


def rule_named(name):
    return next(r for _, r in all_rules() if r.name == name)


@lru_cache(maxsize=1)
def rule_sets():
    """The shipped rules with some held off or turned on, each set made once."""
    return RuleSets(make_ruleset())


def verdicts(lines, rules=None):
    """{line: rule or 'keep'} for the non-blank lines."""
    return {v.line: (v.rule if v.action == "drop" else "keep")
            for v in clean(doc(lines), rules).verdicts if v.action != "blank"}


# -- every rule ---------------------------------------------------------------------------
def test_every_rule_has_examples_and_keeps():
    """Each [[rule]] carries its evidence in its pack: `examples` it drops, `keeps` it keeps."""
    names = [r.name for _, r in all_rules()]
    assert len(names) == len(set(names)), "two packs define the same rule name"
    bare = [f"{p}:{r.name}" for p, r in all_rules() if not r.examples or not r.keeps]
    assert not bare, f"rules without examples or keeps in their pack: {bare}"
    assert {r.examples_at for _, r in all_rules()} <= {"top", "middle", "bottom"}


def _example_params():
    return [pytest.param(r, ex, id=f"{r.name}:{i}") for _, r in all_rules() for i, ex in enumerate(r.examples)]


def _keep_params():
    return [pytest.param(r, ex, id=f"{r.name}:{i}") for _, r in all_rules() for i, ex in enumerate(r.keeps)]


@pytest.mark.parametrize("rule,line", _example_params())
def test_rule_drops_its_example(rule, line):
    fired, held = example_dropped(rule, line, rule_sets())
    assert fired, f"{rule.name} kept its example at the {rule.examples_at}: {line}"
    assert held == SHADOWED.get(rule.name, ()), f"{rule.name} fires only with {held} held off"
    # The article itself survives.
    lines, _ = page(line, rule.examples_at)
    kept = [ln for ln, r in verdicts(lines, rule_sets().get(rule, held)).items() if r == "keep"]
    assert len(kept) >= len(PROSE)


@pytest.mark.parametrize("rule,line", _keep_params())
def test_rule_keeps_prose_with_its_trigger_words(rule, line):
    assert len(line) >= KEEP_MIN_CHARS, "a precision case is a real sentence of 40+ characters"
    by = keep_dropped_by(rule, line, rule_sets())
    assert not by, f"a line of argument was dropped by [{by}]: {line}"


@pytest.mark.parametrize("name", sorted(SHADOWED))
def test_shadowed_rule_lines_are_still_dropped(name):
    rule = rule_named(name)
    for line in rule.examples:
        lines, n = page(line, rule.examples_at)
        action, rule = verdict_of(lines, n)
        assert action == "drop" and rule in SHADOWED[name], (line, rule)


def test_edge_rules_fire_only_outside_the_article():
    edge = [r for _, r in all_rules() if r.zone == "edge" and r.default]
    assert edge
    for r in edge:
        for line in r.examples:
            lines, n = page(line, "middle")
            assert verdict_of(lines, n) == ("keep", ""), f"edge rule {r.name} fired inside the article: {line}"


ARGUMENTS = [
    "把所有风险都押在创始人一个人身上，一旦他的言论引发争议，品牌的分享、关注和转发数据都会同时下滑。",
    "有人建议用二维码把直播间的观众引导到员工账号，但这只是流量搬运，真正的信任还要靠长期的内容积累。",
    "下载App、扫码关注、点赞转发，这些动作都可以被数据量化，可创始人IP带来的品牌好感却很难量化。",
    "风险分散才是矩阵的意义：关注高管账号的用户，和关注创始人账号的用户，本来就是两批不同的人。",
    "与其让员工在朋友圈分享老板的演讲视频，不如让每个人用自己的专业视角讲清楚一个具体的产品细节。",
    "转载、评论和收藏的数量说明了热度，却说明不了立场，这正是我们需要逐句分析文章论证的原因。",
    "版权归属问题同样值得注意：员工账号发布的内容，到底属于个人还是属于公司，很多企业并没有想清楚。",
    "上一篇文章发布之后，很多读者在后台问我们，员工账号矩阵到底适不适合只有几十个人的小公司。",
]


@pytest.mark.parametrize("line", ARGUMENTS, ids=[f"arg{i}" for i in range(len(ARGUMENTS))])
def test_argument_mentioning_furniture_words_is_kept(line):
    """Precision first: a sentence of argument is kept whatever words it mentions."""
    assert len(line) >= 40
    for where in ("middle", "bottom"):
        lines, n = page(line, where)
        got = verdict_of(lines, n)
        assert got == ("keep", ""), f"({where}) a line of argument was dropped by [{got[1]}]: {line}"


# -- opt-in rules, --keep-rule, --drop-rule -------------------------------------------------
def test_opt_in_rules_are_off_by_default():
    for name in ("english-line", "edge-short"):
        rule = rule_named(name)
        assert not rule.default
        for line in rule.examples:
            lines, n = page(line, rule.examples_at)
            assert verdict_of(lines, n) == ("keep", ""), name


def test_drop_rule_turns_on_english_line():
    line = "This is a long English line that a translation tool left in the page."
    lines, n = page(line, "middle")
    assert verdict_of(lines, n) == ("keep", "")
    assert verdict_of(lines, n, make_ruleset(drop=["english-line"])) == ("drop", "english-line")


@pytest.mark.parametrize("name", ["share", "qr-code", "related-header", "image", "breadcrumb"])
def test_keep_rule_keeps_what_the_rule_would_drop(name):
    rule = rule_named(name)
    lines, n = page(rule.examples[0], rule.examples_at)
    assert verdict_of(lines, n) == ("drop", name)
    action, rule = verdict_of(lines, n, make_ruleset(keep=[name]))
    assert rule != name
    assert action == "keep" or name == "breadcrumb", (action, rule)


@pytest.mark.parametrize("name", ["related-list", "tail", "repeat", "smooth", "front-matter", "ad-card"])
def test_keep_rule_turns_off_detectors(name):
    assert make_ruleset(keep=[name]).on(name) is False
    assert make_ruleset().on(name) is True


@pytest.mark.parametrize("kw", [{"keep": ["no-such-rule"]}, {"drop": ["no-such-rule"]}])
def test_unknown_rule_name_is_an_error(kw):
    with pytest.raises(IpcorpusError, match="no-such-rule"):
        make_ruleset(**kw)


def test_bad_user_pattern_is_an_error():
    with pytest.raises(IpcorpusError, match="bad pattern"):
        make_ruleset({"rule": [{"name": "mine", "patterns": ["([unclosed"]}]})
    with pytest.raises(IpcorpusError):
        make_ruleset({"rule": [{"name": "mine"}]})


def test_builtin_detectors_are_known_names():
    rs = make_ruleset()
    assert set(BUILTIN) <= rs.names()
    for name in BUILTIN:
        make_ruleset(keep=[name])          # no error


# -- families: block and run detectors ---------------------------------------------------------
def spaced(*lines):
    out = []
    for ln in lines:
        out += [ln, ""]
    return out[:-1]


def test_navigation_and_widgets_around_an_article():
    lines = ["网易首页 > 网易号 > 正文", "", TITLE, "", "2025-03-12 09:41:07", ""] + spaced(*PROSE) + \
            ["", "分享至", "0", "收藏", "", "返回首页"]
    v = verdicts(lines)
    assert v[1] == "breadcrumb" and v[5] == "meta:date"
    tail = {v[n] for n in range(len(lines) - 4, len(lines) + 1) if n in v}
    assert tail == {"share", "share-counter", "back-link"} | (tail & {"smooth"}), tail
    assert all(v[n] == "keep" for n in (3, 7, 9, 11, 13, 15))


def test_statements_chinese_and_english_twins_then_tail():
    lines = [TITLE, ""] + spaced(*PROSE) + [
        "", "特别声明：以上内容为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。",
        "", "Notice: This content (including any images or videos) was uploaded and published by a NetEase Hao user. "
            "NetEase Hao is a self-media platform that only provides information storage space services.",
        "", "热门新闻", "储能赛道的新一轮洗牌，谁能留到最后", "健康", "时尚"]
    v = verdicts(lines)
    n = len(lines)
    assert v[n - 7] == "platform-disclaimer"
    assert v[n - 5] == "disclaimer-en"
    assert [v[k] for k in range(n - 3, n + 1)] == ["tail"] * 4
    assert sum(1 for r in v.values() if r == "keep") == len(PROSE) + 1


def test_tail_does_not_eat_prose_after_a_disclaimer():
    """A disclaimer in the middle (reposts put it first) is no end marker when prose follows."""
    lines = [TITLE, ""] + spaced(*PROSE[:3]) + ["", "特别声明：本平台仅提供信息存储服务。", ""] + spaced(*PROSE[3:]) + \
            ["", "健康"]
    v = verdicts(lines)
    assert [r for r in v.values() if r != "keep"] == ["platform-disclaimer"]


def test_credits_lines():
    lines = [TITLE, "", "作者：林一舟", "来源：品牌进化论", "原标题：雷军为什么总是亲自上阵", ""] + spaced(*PROSE) + \
            ["", "责任编辑：王小明"]
    c = clean(doc(lines))
    v = {x.line: x.rule for x in c.verdicts if x.action == "drop"}
    assert (v[3], v[4], v[5], v[len(lines)]) == ("meta:author", "meta:source", "meta:original-title", "meta:editor")
    assert (c.meta.author, c.meta.source, c.meta.original_title) == ("林一舟", "品牌进化论", "雷军为什么总是亲自上阵")
    assert c.meta.title == TITLE


def test_promotion_ad_card_in_the_middle():
    card = ["[![](https://image.woshipm.com/2023/08/11/ff8cad15.png)", "", "需求评审怎么讲：把想法讲清楚的产品课", "",
            "需求文档写得再漂亮，评审会上讲不清楚也是白搭。课程把需求评审拆成五个环节，逐一练习。", "", "查看详情 >",
            "", "](https://ke.qidianla.com/courses/reqreview)"]
    lines = [TITLE, ""] + spaced(*PROSE[:3]) + [""] + card + [""] + spaced(*PROSE[3:])
    v = verdicts(lines)
    start = 2 + 2 * 3 + 1
    card_lines = [start + i for i, t in enumerate(card) if t]
    assert [v[n] for n in card_lines] == ["ad-card"] * 5
    assert sum(1 for r in v.values() if r == "keep") == len(PROSE) + 1


def test_promotion_masthead_and_follow():
    lines = ["商周札记 － 品牌与创业观察", "", TITLE, ""] + spaced(*PROSE) + ["", "点击关注，获取更多品牌洞察",
                                                                       "商务合作 | 投稿 | 加入我们"]
    v = verdicts(lines)
    assert v[1] == "masthead"
    assert (v[len(lines) - 1], v[len(lines)]) == ("follow-prompt", "business-menu")


RELATED = ["退休以后才明白：存款再多，也比不上这三样东西", "", "退休以后才明白：存款再多，也比不上这三样东西", "",
           "生活百事通", "2025-03-11 21:04:16", "",
           "又一款国产新能源车订单排到年底，车主：等得值", "", "又一款国产新能源车订单排到年底，车主：等得值", "",
           "汽车前哨", "2025-03-12 07:45:09"]


def test_lists_related_news_detector():
    lines = [TITLE, ""] + spaced(*PROSE) + [""] + RELATED
    v = verdicts(lines)
    start = 2 + 2 * len(PROSE) + 1
    got = [v[start + i] for i, t in enumerate(RELATED) if t]
    assert got == ["related-list"] * 8
    c = clean(doc(lines))
    assert c.meta.published is None, "a related item's timestamp is not the article's date"


def test_lists_single_item_is_not_a_list():
    """One headline with a source and a time could be the article's own byline."""
    lines = [TITLE, ""] + spaced(*PROSE) + ["", "退休以后才明白：存款再多，也比不上这三样东西", "生活百事通",
                                            "2025-03-11 21:04:16"]
    v = verdicts(lines)
    assert "related-list" not in v.values()


def test_lists_link_intro_and_link_lists():
    links = ["[小米需要一道IP防火墙](https://www.163.com/dy/article/ABC.html)",
             "[雷军的年度演讲](https://www.163.com/dy/article/DEF.html)"]
    lines = [TITLE, ""] + spaced(*PROSE[:3]) + ["", "更多内容请看："] + links + [""] + spaced(*PROSE[3:])
    v = verdicts(lines)
    n = 2 + 2 * 3 + 1
    assert (v[n], v[n + 1], v[n + 2]) == ("link-intro", "link-only", "link-only")


def test_media_lines():
    lines = [TITLE, ""] + spaced(PROSE[0], "![](https://img.example.com/a.jpg)", "题图来自视觉中国",
                                 "上图：三种模式对比", *PROSE[1:])
    v = verdicts(lines)
    assert (v[5], v[7], v[9]) == ("image", "image-licence", "caption")


def test_markup_front_matter():
    fm = ["---", "title: '创始人IP与账号矩阵'", "author: 林一舟", "date: 2025-03-03 02:15:00", "categories:", " - 科技",
          "---"]
    lines = fm + [""] + spaced(*PROSE)
    c = clean(doc(lines))
    v = {x.line: x.rule for x in c.verdicts if x.action == "drop"}
    assert v == {1: "front-matter", 2: "meta:title", 3: "meta:author", 4: "meta:date", 5: "front-matter",
                 6: "front-matter", 7: "front-matter"}
    assert (c.meta.title, c.meta.author, c.meta.published) == ("创始人IP与账号矩阵", "林一舟", "2025-03-03T02:15:00")


def test_markup_rule_line_is_not_front_matter_in_the_middle():
    lines = [TITLE, ""] + spaced(*PROSE[:2]) + ["", "---", "", "key: value", "", "---", ""] + spaced(*PROSE[2:])
    v = verdicts(lines)
    assert "front-matter" not in v.values()
    assert sum(1 for r in v.values() if r == "keep") >= len(PROSE) + 1


def test_markup_template_block_keeps_its_metadata():
    block = ['{% hint style="info" %}', "**Category:** Marketing", "**Author:** [林间观潮](https://www.woshipm.com/u/1)",
             "**Published:** 2025-04-12", "**Stats:** 1836 views", "{% endhint %}"]
    lines = [TITLE, ""] + block + [""] + spaced(*PROSE)
    c = clean(doc(lines))
    v = {x.line: x.rule for x in c.verdicts if x.action == "drop"}
    assert [v[n] for n in range(3, 9)] == ["template-block", "template-block", "meta:author", "meta:date",
                                          "template-block", "template-block"]
    assert (c.meta.author, c.meta.published) == ("林间观潮", "2025-04-12")


def test_markup_html_comments_css_and_empty_headings():
    junk = ['<div class="x">', "<!-- ad -->", "<!--", "广告位开始", "-->", "<style>",
            ".qr_box{border:1px solid #E6E6E6;}", "</style>", '<svg viewBox="0 0 10 10">', '<path d="M0 0"/>', "</svg>",
            ".a{color:red}", "##", "</section>"]
    lines = [TITLE, ""] + spaced(*PROSE[:2]) + [""] + junk + [""] + spaced(*PROSE[2:])
    v = verdicts(lines)
    start = 2 + 2 * 2 + 1
    got = [v[start + i] for i in range(len(junk))]
    assert got == ["html-only", "html-only", "comment-block", "comment-block", "comment-block", "style-block",
                   "style-block", "style-block", "style-block", "style-block", "style-block", "css", "empty-heading",
                   "html-only"]
    assert sum(1 for r in v.values() if r == "keep") == len(PROSE) + 1


def test_markup_unclosed_style_is_not_a_block():
    """A `<style>` with no end tag must not swallow the article after it."""
    lines = [TITLE, "", "<style>", ""] + spaced(*PROSE)
    v = verdicts(lines)
    assert sum(1 for r in v.values() if r == "keep") == len(PROSE) + 1


def test_injected_keyword_spam_first_line():
    lines = ["澳门博彩|在线娱乐城|真人百家乐|体育投注官网|老虎机注册送彩金", "", TITLE, ""] + spaced(*PROSE)
    c = clean(doc(lines))
    assert c.verdicts[0].rule == "keyword-spam"
    assert c.meta.title == TITLE


def test_aggregator_wrapper():
    lines = ["阅读助手 · 网页存档", "返回 | 查看原网页 | 复制正文 | 导出 Markdown | 朗读全文", "", TITLE,
             "2025-02-10 08:32", "",
             "AI 摘要（自动生成，仅供参考）",
             "The author argues that BYD relies less on its founder and lets engineers explain its technology [3][30].",
             "", TITLE, "发布时间：2025年02月10日 08:32", ""] + spaced(*PROSE)
    c = clean(doc(lines))
    v = {x.line: (x.rule or "keep") for x in c.verdicts if x.action != "blank"}
    assert v[2] == "tool-chrome" and v[7] == "tool-chrome"
    assert v[8] == "machine-summary"
    assert v[4] == "keep" and v[10] == "meta:title-repeat"
    assert v[1] != "keep"
    assert c.meta.title == TITLE and c.meta.published.startswith("2025-02-10")


def test_repeats_lede_printed_twice():
    lines = [TITLE, ""] + spaced(PROSE[0], PROSE[1], PROSE[0], PROSE[2])
    v = verdicts(lines)
    assert v[3] == "keep" and v[7] == "repeat"


def test_short_lines_repeated_are_not_repeats():
    """Short lines (list markers, numbers) legitimately recur."""
    lines = [TITLE, ""] + spaced(PROSE[0], "第一，", PROSE[1], "第一，", PROSE[2])
    v = verdicts(lines)
    assert "repeat" not in v.values()


def test_smoothing_between_dropped_lines():
    lines = [TITLE, ""] + spaced(*PROSE) + ["", "分享至", "微博", "收藏"]
    v = verdicts(lines)
    n = len(lines)
    assert (v[n - 2], v[n - 1], v[n]) == ("share", "smooth", "share")


def test_smoothing_spares_punctuated_and_headings():
    lines = [TITLE, ""] + spaced(*PROSE) + ["", "分享至", "结论：", "## 小结", "收藏"]
    v = verdicts(lines)
    n = len(lines)
    assert v[n - 2] == "keep" and v[n - 1] == "keep"


def test_recurring_furniture_learned_across_the_corpus(tmp_path, monkeypatch):
    """A short line outside the article core in 3+ different articles is furniture."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    for k, num in enumerate("一二三"):
        # Different articles (digits are folded in line keys, so the numbers are words).
        prose = PROSE[k:] + PROSE[:k]
        body = [f"{TITLE}（第{num}篇）", ""] + spaced(*[p + f"这是第{num}篇的补充。" for p in prose]) + \
               ["", "品牌观察室出品"]
        (corpus / f"a{k}.txt").write_text("\n".join(body) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["clean", "c", "--explain", "--no-cache"])
    assert res.exit_code == 0, res.stderr
    hits = [ln for ln in res.stdout.splitlines() if "[recurring] 品牌观察室出品" in ln]
    assert len(hits) == 3, res.stdout
    # With only two articles nothing is learned.
    (corpus / "a2.txt").unlink()
    res = CliRunner().invoke(app, ["clean", "c", "--explain", "--no-cache"])
    assert "[recurring]" not in res.stdout


def test_recurring_spares_headings_of_the_article(tmp_path, monkeypatch):
    """Articles share section headings (结语, 总结): a heading followed by the article's
    short closing sentences is body, not furniture, however many articles use it."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    for k, num in enumerate("一二三"):
        prose = PROSE[k:] + PROSE[:k]
        body = [f"{TITLE}（第{num}篇）", ""] + spaced(*[p + f"这是第{num}篇的补充。" for p in prose]) + \
               ["", "## 结语", "", f"第{num}篇的结论很简单：人设是资产。", "", "品牌观察室出品"]
        (corpus / f"a{k}.txt").write_text("\n".join(body) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["clean", "c", "--explain", "--no-cache"])
    assert res.exit_code == 0, res.stderr
    assert "[recurring] 品牌观察室出品" in res.stdout
    assert "## 结语" not in res.stdout, res.stdout


# -- user rules from ipcorpus.toml ------------------------------------------------------------------
USER_TOML = """
[[clean.rule]]
name = "sponsor-line"
family = "promotion"
description = "our crawler's sponsor footer"
patterns = ['^本栏目由.{1,12}独家赞助$']
max_len = 30
"""


def test_user_rule_beside_the_corpus_drops_its_lines(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    lines = [TITLE, ""] + spaced(*PROSE) + ["", "本栏目由某某汽车独家赞助"]
    (corpus / "a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = CliRunner().invoke(app, ["clean", "c", "--explain", "--no-cache"])
    assert before.exit_code == 0 and "sponsor-line" not in before.stdout
    assert "本栏目由某某汽车独家赞助" in CliRunner().invoke(app, ["clean", "c", "--no-cache"]).stdout
    (corpus / "ipcorpus.toml").write_text(USER_TOML, encoding="utf-8")
    res = CliRunner().invoke(app, ["clean", "c", "--explain", "--no-cache"])
    assert res.exit_code == 0, res.stderr
    assert f"c/a.txt:{len(lines)}: [sponsor-line] 本栏目由某某汽车独家赞助" in res.stdout.splitlines()
    kept = CliRunner().invoke(app, ["clean", "c", "--no-cache"]).stdout
    assert "独家赞助" not in kept and PROSE[0] in kept
    # --keep-rule applies to user rules too.
    res = CliRunner().invoke(app, ["clean", "c", "--no-cache", "--keep-rule", "sponsor-line"])
    assert "本栏目由某某汽车独家赞助" in res.stdout
    # `rules --config` lists it.
    listed = CliRunner().invoke(app, ["rules", "--config", str(corpus / "ipcorpus.toml")]).stdout
    assert any(row.startswith("sponsor-line\tpromotion\tuser\t") for row in listed.splitlines())


# The sponsor rule with its evidence: a footer it drops at the bottom, and a sentence of
# the article about sponsorship that it keeps.
USER_EVIDENCE = USER_TOML + """examples = ['本栏目由某某汽车独家赞助']
examples_at = "bottom"
keeps = ['这家车企宁愿独家赞助一档访谈栏目，也不让创始人亲自出镜，这本身就是一种把信任交给团队的选择。']
"""


def test_rules_test_passes_a_user_rule_whose_evidence_holds(tmp_path, monkeypatch):
    (tmp_path / "ipcorpus.toml").write_text(USER_EVIDENCE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["rules", "--test"])          # the nearest ipcorpus.toml
    assert (res.exit_code, res.stdout) == (0, ""), res.stdout + res.stderr
    shipped = [r for _, r in all_rules()]
    n_ex, n_keep = sum(len(r.examples) for r in shipped) + 1, sum(len(r.keeps) for r in shipped) + 1
    assert res.stderr == (f"ipcorpus rules: {n_ex} examples dropped and {n_keep} keeps kept by {len(shipped) + 1} "
                          f"rules; netease-account-stats fires once counters is held off\n")


def test_rules_test_reports_each_failure_of_a_user_rule(tmp_path):
    # An example its pattern does not match, a pattern so broad it drops its own keep,
    # and a keep that is no sentence.
    bad = """
[[clean.rule]]
name = "sponsor-line"
family = "statements"
patterns = ['独家赞助']
examples = ['本栏目由某某汽车冠名播出']
keeps = ['这家车企宁愿独家赞助一档访谈栏目，也不让创始人亲自出镜，这本身就是一种把信任交给团队的选择。']

[[clean.rule]]
name = "short-keep"
patterns = ['^本栏目完$']
examples = ['本栏目完']
keeps = ['本栏目很好。']
"""
    (tmp_path / "mine.toml").write_text(bad, encoding="utf-8")
    res = CliRunner().invoke(app, ["rules", "--test", "--config", str(tmp_path / "mine.toml")])
    assert res.exit_code == 1, res.stdout + res.stderr
    assert res.stdout.splitlines() == [
        'rule sponsor-line: example "本栏目由某某汽车冠名播出" was kept',
        'rule sponsor-line: keep "这家车企宁愿独家赞助一档访谈栏目，也不让创始人亲自出镜，'
        '这本身就是一种把信任交给团队的选择。" was dropped by sponsor-line',
        'rule short-keep: keep "本栏目很好。" is shorter than 40 characters',
    ]
    assert res.stderr.startswith("ipcorpus rules: 3 of ") and res.stderr.count("\n") == 1


def test_the_readme_settings_example_passes_rules_test(tmp_path):
    """README.md's ipcorpus.toml example shows a rule with its evidence; it holds."""
    from conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    toml = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    assert "examples = [" in toml and "keeps = [" in toml
    (tmp_path / "ipcorpus.toml").write_text(toml, encoding="utf-8")
    res = CliRunner().invoke(app, ["rules", "--test", "--config", str(tmp_path / "ipcorpus.toml")])
    assert (res.exit_code, res.stdout) == (0, ""), res.stdout + res.stderr
    assert f"by {len(all_rules()) + 1} rules" in res.stderr


def test_rules_test_takes_no_format():
    res = CliRunner().invoke(app, ["rules", "--test", "--format", "json"])
    assert res.exit_code == 2 and "--test" in res.stderr


def test_user_rule_with_a_bad_pattern_is_a_usage_error(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("\n".join([TITLE, ""] + spaced(*PROSE)) + "\n", encoding="utf-8")
    (corpus / "ipcorpus.toml").write_text('[[clean.rule]]\nname = "x"\npatterns = ["([bad"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["clean", "c", "--no-cache"])
    assert res.exit_code == 2
    assert res.stderr.startswith("ipcorpus: error: ") and "bad pattern" in res.stderr


def test_drop_rule_english_line_through_the_cli(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    english = "This is a long English line that a translation tool left in the page."
    lines = [TITLE, ""] + spaced(PROSE[0], english, *PROSE[1:])
    (corpus / "a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    plain = json.loads(CliRunner().invoke(app, ["clean", "c", "--no-cache", "--format", "json"]).stdout)[0]
    assert {x["line"]: x["action"] for x in plain["lines"]}[5] == "keep"
    res = CliRunner().invoke(app, ["clean", "c", "--no-cache", "--format", "json", "--drop-rule", "english-line"])
    on = json.loads(res.stdout)[0]
    assert {x["line"]: x.get("rule") for x in on["lines"]}[5] == "english-line"


# -- a verdict for every line ---------------------------------------------------------------------------
_SNIPPETS = st.sampled_from([
    "", " ", "\u3000", "---", "{% hint %}", "{% endhint %}", "<style>", "</style>", "<!--", "-->", "##", "**",
    "分享至", "0", "2025-03-12 09:41:07", "相关推荐", "特别声明：本平台仅提供信息存储服务。", "END", "[![](x.png)",
    "](y)", "title: 标题", "网易首页 > 网易号 > 正文", "作者：林一舟", TITLE, *PROSE,
])
_TEXT = st.text(alphabet=st.sampled_from("创始人个人IP矩阵账号，。！？：|>-*#[]()<>{}%!/ \tabcAB01"), max_size=60)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_SNIPPETS, _TEXT), min_size=1, max_size=40),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_every_line_gets_exactly_one_verdict(parts, newline):
    text = newline.join(parts)
    data = text.encode("utf-8")
    try:
        d = document_from_bytes("p.txt", data)
    except IpcorpusError:
        assert not any(p.strip() for p in parts), "only blank input may be refused"
        return
    n = len(split_lines(text))
    c = clean(d)
    assert [v.line for v in c.verdicts] == list(range(1, n + 1))
    counts = c.counts
    assert counts["keep"] + counts["drop"] + counts["blank"] == n
    for v in c.verdicts:
        assert v.action in ("keep", "drop", "blank")
        assert bool(v.rule) == (v.action == "drop"), v
        assert (v.action == "blank") == (not d.lines[v.line - 1].text.strip()), v
    assert len(c.plain) == n
