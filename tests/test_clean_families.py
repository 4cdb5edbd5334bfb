"""Issue 12: the families of article lines cleaning lost and of furniture it kept.
Each family has a case written here in the shape real pages have, and a trap: an
article sentence that looks like the furniture and must stay kept."""
from test_noise_rules import PROSE, TITLE, doc, spaced, verdicts

from ipcorpus.noise.clean import clean


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
