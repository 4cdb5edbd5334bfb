"""Issue 12: the families of article lines cleaning lost and of furniture it kept.
Each family has a case written here in the shape real pages have, and a trap: an
article sentence that looks like the furniture and must stay kept."""
from test_clean_rules import PROSE, TITLE, doc, spaced, verdicts

from ipcorpus.clean.lines import clean


def at(lines, text):
    return lines.index(text) + 1


# -- article lines lost ---------------------------------------------------------------
GLUED_BEFORE = "mmbiz_png/7jriahnMs10KK/640?wx_fmt=png&from=appmsg)品牌的困境在于，创始人太忙了，没有时间经营账号。"
GLUED_AFTER = "很多人以为矩阵就是多开几个号，其实并非如此。![](https://mmbiz.qpic.cn/mmbiz_jpg/x/640?wx_fmt=jpeg)"


def test_sentence_glued_to_an_image_or_link_is_kept_and_bare_of_markup():
    lines = spaced(TITLE, PROSE[0], GLUED_BEFORE, PROSE[1], GLUED_AFTER, PROSE[2])
    v = verdicts(lines)
    assert v[at(lines, GLUED_BEFORE)] == "keep" and v[at(lines, GLUED_AFTER)] == "keep"
    plain = clean(doc(lines)).plain
    assert plain[at(lines, GLUED_BEFORE) - 1] == "品牌的困境在于，创始人太忙了，没有时间经营账号。"
    assert plain[at(lines, GLUED_AFTER) - 1] == "很多人以为矩阵就是多开几个号，其实并非如此。"


def test_url_fragment_without_a_sentence_is_still_dropped():
    frag = "mmbiz_png/7jriahnMs10KK/640?wx_fmt=png&from=appmsg)"
    labelled = "640?wx_fmt=png&from=appmsg)图片来源网络"
    lines = spaced(TITLE, PROSE[0], frag, PROSE[1], labelled, PROSE[2])
    v = verdicts(lines)
    assert v[at(lines, frag)] == "url-fragment" and v[at(lines, labelled)] == "url-fragment"


def test_heading_of_a_kept_section_survives_smoothing():
    heading = "矩阵的代价"
    lines = spaced(TITLE, PROSE[0], "图：发布会现场", heading, "题图来自视觉中国", PROSE[1], PROSE[2])
    assert verdicts(lines)[at(lines, heading)] == "keep"


def test_short_line_between_furniture_at_the_end_is_still_smoothed():
    lines = spaced(TITLE, PROSE[0], PROSE[1], "分享至", "某某科技", "收藏")
    assert verdicts(lines)[at(lines, "某某科技")] == "smooth"


def test_colon_intro_to_the_articles_own_content_is_kept():
    intro = "他在发布会后写了一封公开信："
    lines = spaced(TITLE, PROSE[0], intro, "[致全体员工的一封信](https://example.com/letter)", PROSE[1], PROSE[2])
    assert verdicts(lines)[at(lines, intro)] == "keep"


def test_colon_intro_to_a_link_list_is_dropped():
    # Trap the other way: reading lists keep being dropped, at the end or mid-article.
    end = spaced(TITLE, PROSE[0], PROSE[1], "你可能还想看：", "[《一》](https://a.example/1)", "[《二》](https://a.example/2)")
    assert verdicts(end)[at(end, "你可能还想看：")] == "link-intro"
    mid = spaced(TITLE, PROSE[0], "昨晚的文章，写在小号里：", "[北京重要的是态度](https://a.example/3)", PROSE[1])
    assert verdicts(mid)[at(mid, "昨晚的文章，写在小号里：")] == "link-intro"


def test_refrain_in_the_conclusion_is_kept():
    refrain = "真诚才是最好的策略。"
    lines = spaced(TITLE, PROSE[0], refrain, PROSE[1], PROSE[2], refrain)
    v = verdicts(lines)
    assert v[1 + 2 * 5] == "keep" and v[at(lines, refrain)] == "keep"


def test_copies_of_the_lede_and_of_duplicated_blocks_are_repeats():
    lede = spaced(TITLE, PROSE[0], PROSE[1], PROSE[2], PROSE[0])
    assert verdicts(lede)[len(lede)] == "repeat"
    block = spaced(TITLE, PROSE[0], PROSE[1], PROSE[2], PROSE[3], PROSE[1], PROSE[2])
    v = verdicts(block)
    assert v[len(block) - 2] == "repeat" and v[len(block)] == "repeat"
    twice = spaced(TITLE, PROSE[0], PROSE[1], PROSE[1], PROSE[2])
    assert verdicts(twice)[7] == "repeat"


def test_title_opening_with_a_column_name_is_the_title():
    for title in ("视觉｜一场品牌视觉系统的重生之路", "专访｜雷军谈创始人IP的边界", "策划|创始人该不该做IP"):
        lines = spaced(title, PROSE[0], PROSE[1])
        c = clean(doc(lines))
        assert c.verdicts[0].action == "keep" and c.meta.title == title, title


def test_column_labels_crediting_names_are_still_credits():
    for credit in ("视觉｜张三 李四", "策划｜王五", "视觉：品牌部", "摄影/赵六"):
        lines = spaced(TITLE, PROSE[0], PROSE[1], credit)
        assert verdicts(lines)[len(lines)] == "meta:editor", credit


# -- noise kept: one folding for every rule ---------------------------------------------
def test_fold_pattern_escapes_what_is_an_operator_in_ascii():
    import re

    from ipcorpus.clean.fold import fold, fold_pattern, unfold
    assert fold_pattern("^（完）$") == r"^\(完\)$"
    assert fold_pattern("[：:｜丨]") == r"[::\|\|]"
    assert fold_pattern(r"\d{1,2}，") == r"\d{1,2},"
    line = "来源 ：  新浪财经（北京）"
    m = re.search(fold_pattern("^来源\\s*：\\s*(?P<value>.+)$"), fold(line))
    assert m and unfold(line, *m.span("value")) == "新浪财经（北京）"


def test_furniture_in_half_width_or_ascii_brackets_matches_the_full_width_pack_entry():
    for line, rule in (("责任编辑:王小明", "meta:editor"), ("(责任编辑: 王五)", "meta:editor"),
                       ("分享至 :", "share"), ("(完)", "end-mark"), ("[全文完]", "end-mark"),
                       ("（完）", "end-mark")):
        lines = spaced(TITLE, PROSE[0], PROSE[1], line)
        assert verdicts(lines)[len(lines)] == rule, line


def test_a_user_rule_written_once_matches_every_spelling(tmp_path):
    from ipcorpus.clean.rules import make_ruleset
    rs = make_ruleset({"rule": [{"name": "my-footer", "family": "custom", "patterns": ["^【本站声明】"]}]})
    for line in ("【本站声明】以上内容来自网友投稿", "[本站声明] 以上内容来自网友投稿",
                 "［本站声明］以上内容来自网友投稿"):
        lines = spaced(TITLE, PROSE[0], PROSE[1], line)
        assert verdicts(lines, rs)[len(lines)] == "my-footer", line
    trap = spaced(TITLE, PROSE[0], "本站声明的事情，其实早就在创始人的一次直播里说过了，只是没人当真。", PROSE[1])
    assert verdicts(trap, rs)[5] == "keep"


def test_bracketed_and_keywordless_disclaimers_are_dropped_and_a_bracketed_sentence_stays():
    for line in ("【免责声明】本文仅代表作者本人观点，与本站无关。", "（文章来源于网络，如有侵权请联系删除）",
                 "(本文不构成任何投资建议)", "【版权归原作者所有，仅供学习交流】"):
        lines = spaced(TITLE, PROSE[0], PROSE[1], line)
        assert verdicts(lines)[len(lines)] != "keep", line
    aside = "（这也是小米一直坚持不授权第三方使用雷军形象的原因，品牌方需要守住创始人IP的边界。）"
    lines = spaced(TITLE, PROSE[0], aside, PROSE[1])
    assert verdicts(lines)[5] == "keep"


# -- clipper and static-site wrappers -------------------------------------------------------
def test_front_matter_clipper_lines_and_html_leftovers():
    lines = ["---", "title: 创始人IP的边界", "date: 2024-05-01 10:00:00", "author: 张三", "tags:", "  - 品牌",
             "cover: /img/a.png", "---", "", "#简悦 #剪藏", ""] + spaced(PROSE[0], PROSE[1]) + [
        "", "<div class=\"share\">", "", "<button class=\"btn\">在App中打开阅读全文</button>", "",
        "<p>相比之下，矩阵账号的成本更低，覆盖面也更广。</p>", "", "<figcaption>雷军在发布会上</figcaption>", "",
        "<li>第一，创始人要亲自讲产品。</li>", "", "</div>", "", "继续阅读 >", "", "本页面由 Cubox 剪藏于 2024-05-01"]
    c = clean(doc(lines))
    v = {x.line: (x.rule if x.action == "drop" else "keep") for x in c.verdicts if x.action != "blank"}
    assert c.meta.title == "创始人IP的边界" and c.meta.author == "张三" and c.meta.published.startswith("2024-05-01")
    assert all(v[n] != "keep" for n in range(1, 9)) and v[10] == "clipper-notice"
    for text in ("<p>相比之下", "<figcaption>", "<li>第一"):
        n = next(k for k, t in enumerate(lines, 1) if t.startswith(text))
        assert v[n] == "keep", text
        assert "<" not in c.plain[n - 1]
    for text, rule in (("<div class", "html-only"), ("<button", "html-widget"), ("继续阅读", "clipper-notice"),
                       ("本页面由", "clipper-notice")):
        n = next(k for k, t in enumerate(lines, 1) if t.startswith(text))
        assert v[n] == rule, text


# -- calls to action at the end, as a block -------------------------------------------------
CTA = ["- END -", "投稿请联系：tougao@example.com", "我们正在招聘品牌运营，简历请发至 hr@example.com",
       "【课程推荐】创始人IP训练营第8期开始报名啦，扫码了解详情", "![](https://a.example/qr.png)",
       "添加我的微信，拉你进读者群", "点赞、在看、转发三连支持一下 ![](https://a.example/like.gif)", "达叔天演论 关注"]


def test_tail_calls_to_action_are_dropped_as_a_block():
    lines = spaced(TITLE, *PROSE, *CTA)
    v = verdicts(lines)
    assert all(v[at(lines, t)] != "keep" for t in CTA), {t: v[at(lines, t)] for t in CTA}
    assert {v[at(lines, t)] for t in CTA[2::3]} <= {"cta-block", "follow-button"}
    assert v[at(lines, CTA[-1])] == "follow-button"
    assert all(v[at(lines, p)] == "keep" for p in PROSE)


def test_the_block_reads_through_the_lines_of_rules_that_say_cta():
    # A rule's `cta = true` (in its pack) lets the block run on above the lines it
    # drops; without it the block stops there and a signed line above stays.
    from ipcorpus.clean.rules import make_ruleset
    tail = ["社群福利：每周直播答疑", "本栏目由某某汽车独家赞助", "添加我的微信，拉你进读者群",
            "点赞、在看、转发三连支持一下"]
    lines = spaced(TITLE, *PROSE, *tail)
    sponsor = {"name": "sponsor-line", "family": "promotion", "patterns": ["^本栏目由.{1,12}独家赞助$"], "max_len": 30}
    got = {cta: [verdicts(lines, make_ruleset({"rule": [sponsor | {"cta": cta}]}))[at(lines, t)] for t in tail]
           for cta in (False, True)}
    assert got[False] == ["keep", "sponsor-line", "cta-block", "cta-block"]
    assert got[True] == ["cta-block", "sponsor-line", "cta-block", "cta-block"]


def test_a_conclusion_that_mentions_wechat_and_live_streams_stays():
    close = ["创始人应该亲自运营微信社群，与用户直接对话，这比任何广告都更有说服力。",
             "雷军曾在直播间里说，他会亲自回复每一条私信，这句话后来成了小米的品牌资产。"]
    lines = spaced(TITLE, *PROSE, *close, "值得关注")
    v = verdicts(lines)
    assert all(v[at(lines, t)] == "keep" for t in close)
    assert v[at(lines, "值得关注")] == "keep"


# -- short label captions -------------------------------------------------------------------
def test_label_captions_under_images_are_dropped_and_sentence_captions_stay():
    sentence = "▲雷军在发布会上说，小米的品牌就是他本人的信誉。"
    lines = spaced(TITLE, PROSE[0], "![](https://a.example/1.png)", "（图源：网络）", PROSE[1],
                   "![](https://a.example/2.png)", "▲雷军", PROSE[2], "![](https://a.example/3.png)", "视觉中国",
                   PROSE[3], "![](https://a.example/4.png)", sentence, PROSE[4],
                   "![](https://a.example/5.png)", "矩阵的代价", PROSE[0] + "再说一次。")
    v = verdicts(lines)
    assert v[at(lines, "（图源：网络）")] == "caption"
    assert v[at(lines, "▲雷军")] == "caption-label" and v[at(lines, "视觉中国")] == "caption-label"
    assert v[at(lines, sentence)] == "keep"
    assert v[at(lines, "矩阵的代价")] == "keep"          # a heading after an image is not a caption


# -- clean --explain --kept ------------------------------------------------------------------
def test_explain_kept_lists_suspect_kept_lines_with_why(tmp_path):
    import json

    from typer.testing import CliRunner

    from ipcorpus.commands.cli import app
    plug = ("如果你也在思考创始人IP和矩阵的问题，想了解更多品牌案例，欢迎关注我们的公众号品牌进化论，"
            "我们每周三都会更新一篇深度长文，和你一起讨论。")
    lines = spaced(TITLE, PROSE[0], "矩阵的代价", PROSE[1], PROSE[2], plug, "品牌观察室")
    (tmp_path / "a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["clean", str(tmp_path / "a.txt"), "--explain", "--kept", "--no-cache"])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert f"a.txt:{at(lines, plug)}: [kept: a rule matches; follow-prompt (longer than 40)]" in out
    assert f"a.txt:{at(lines, '品牌观察室')}: [kept: short, after the last paragraph; no rule matches]" in out
    assert f"a.txt:{at(lines, '矩阵的代价')}: [kept: short; no rule matches]" in out
    for p in PROSE[:3]:
        assert p not in out                      # sentences of the article are not suspects
    res = CliRunner().invoke(app, ["clean", str(tmp_path / "a.txt"), "--explain", "--kept", "--no-cache",
                                   "--format", "json"])
    rows = json.loads(res.stdout)
    assert {r["text"] for r in rows} == {plug, "品牌观察室", "矩阵的代价"}
    assert set(rows[0]) == {"citation", "suspect", "kept_because", "text"}


def test_kept_needs_explain(tmp_path):
    from typer.testing import CliRunner

    from ipcorpus.commands.cli import app
    (tmp_path / "a.txt").write_text("\n".join(spaced(TITLE, *PROSE)) + "\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["clean", str(tmp_path / "a.txt"), "--kept", "--no-cache"])
    assert res.exit_code != 0 and "--explain" in res.output
