"""The document decision: does the author argue the question at all, and which side.

Per phenomenon of the stance issue, cases we wrote (at least three each, with traps
on both sides): a person's IP is not a company's; talking about a founder is not
arguing; matrix has other senses; quotes are not the author; one sentence does not
flip an article; against the founder is not automatically matrix. Then the
cross-validated figure on ../shared/stance_dev, pinned (skipped when absent)."""
import json
import subprocess
import sys

import pytest

from conftest import ROOT

from ipcorpus.sentences import units
from ipcorpus.stance.aggregate import ARGUED, explain, stance_of
from ipcorpus.stance.lexicon import get_lexicon
from ipcorpus.stance.question import FOUNDER, MATRIX, question_side, quoted
from ipcorpus.stance.scan import compact

STANCE_DEV = ROOT.parent / "shared" / "stance_dev"
BASELINE = ROOT / "tests" / "data" / "stance_baseline.json"


def side(text: str, title: str = "") -> int:
    lex = get_lexicon()
    return question_side(compact(text), lex.q, compact(title))


def is_quoted(text: str) -> bool:
    return quoted(compact(text), get_lexicon().q)


def article(title: str, *paragraphs: str):
    """An article as the pipeline sees it: the title on line 1, a paragraph per line."""
    lines = [(1, title, title)] + [(i + 2, p, p) for i, p in enumerate(paragraphs)]
    return stance_of(units(lines, title_line=1), get_lexicon())


# Prose about something else: what most of a real folder is.
FILLER = [
    "这家公司成立于二〇一五年，总部设在杭州，早期主要做跨境电商的仓储服务。",
    "过去三年，它的营收每年增长三成左右，利润率也在慢慢改善。",
    "去年下半年，公司在华南新建了两座仓库，配送时效缩短了一天。",
    "行业里的竞争并不轻松，几家头部平台都在压低价格。",
    "供应链的稳定性是它能活下来的关键，这一点业内几乎没有争议。",
    "今年一季度，原材料价格上涨，成本端的压力明显加大。",
    "公司在东南亚的业务开始起量，印尼和越南的订单占比接近两成。",
    "财务总监在季度会上说，现金流足够支撑接下来两年的扩张。",
    "新的仓储系统上线以后，拣货错误率下降了一半。",
    "物流成本仍然是利润表上最大的一项支出。",
    "一些投资人担心，海外市场的政策变化会带来不确定性。",
    "对消费者来说，更快的配送和更低的价格才是最直接的感受。",
]


# 1. A person's IP is not a company's -------------------------------------------
@pytest.mark.parametrize("text", [
    "普通人也能打造个人IP，靠副业实现财务自由。",
    "这位美妆博主的个人IP做得很成功，粉丝已经破百万。",
    "想在相亲市场脱颖而出，先要经营好自己的人设。",
    "知识付费课程教你三个月做出个人IP，学员大多是宝妈和大学生。",
])
def test_a_persons_own_ip_is_off_the_question(text):
    assert side(text) == 0


@pytest.mark.parametrize("text,want", [
    ("老板亲自出镜做个人IP，是小品牌最便宜的获客方式。", FOUNDER),
    ("公司和创始人的个人IP绑定过深，创始人一旦出事，品牌就会受牵连。", FOUNDER),
    ("企业家IP是这几年最被低估的品牌资产。", FOUNDER),
    ("让销售每人打造自己的个人IP，客户信任的是一个个具体的人。", MATRIX),
])
def test_a_leaders_or_staffs_ip_is_on_it(text, want):
    assert side(text) & want


def test_a_staff_members_ip_counts_for_the_matrix_side():
    """个人IP is the side of its owner: a salesperson's is one of many voices."""
    s = explain(units([(1, t, t) for t in ["让销售每人打造自己的个人IP，这样做非常有效。"]]), get_lexicon(),
                model=ARGUED)[0]
    assert s.label == "matrix", s
    assert any(r.startswith("staff:") for e in s.evidence for r in e.rules)


# 2. Matrix has other senses ------------------------------------------------------
@pytest.mark.parametrize("text", [
    "我们在抖音、小红书和视频号都开了官方账号矩阵，流量翻了一倍。",
    "这套SEO账号矩阵每天能带来上万次搜索流量。",
    "公司推行去中心化管理，团队放权以后，体系更灵活了。",
    "格力正在去电器化，向新能源和芯片转型。",
    "理财博主的收益矩阵里，基金和债券各占一半。",
])
def test_matrix_in_other_senses_is_off_the_question(text):
    assert side(text) == 0


@pytest.mark.parametrize("text,title,want", [
    ("与其让创始人一个人扛，不如让高管和工程师都开账号发声。", "", FOUNDER | MATRIX),
    ("员工账号矩阵让品牌不再依赖一个人。", "", MATRIX),
    ("小米正在去雷军化，让更多高管站到台前。", "", MATRIX),
    ("微念必须去李子柒化，孵化更多的网红。", "李子柒与微念的那点事", MATRIX),
])
def test_many_voices_of_one_organisation_are_on_it(text, title, want):
    assert side(text, title) & want == want


# 3. Quotes are not the author ----------------------------------------------------
@pytest.mark.parametrize("text", [
    "雷军表示，小米会继续让工程师走到台前。",
    "业内人士认为，创始人IP是一把双刃剑。",
    "——某新消费品牌创始人",
    "他说：“老板就是公司最好的代言人。”",
])
def test_someone_elses_words_are_quoted(text):
    assert is_quoted(text)


@pytest.mark.parametrize("text", [
    "我认为，创始人IP是品牌最好的护城河。",
    "换句话说，老板就是品牌最好的代言人。",
    "对小米来说，雷军的个人IP就是最核心的传播渠道。",
    "或者说，必然要孵化出更多的网红。",
])
def test_the_authors_own_words_are_not(text):
    assert not is_quoted(text)


def test_an_article_of_quotes_only_takes_no_side():
    s = article("几位企业家谈品牌传播",
                *FILLER[:6],
                "某家电品牌创始人表示，老板亲自直播是最划算的营销。",
                "一位汽车品牌总裁认为，创始人IP能带来别人买不到的流量。",
                "另一位CEO称，企业家站到台前，用户才会真正信任品牌。",
                *FILLER[6:])
    assert s.label == "neutral" and s.reason == "quoted-only", s


# 4. Talking about a founder is not arguing ---------------------------------------
def test_a_news_report_about_a_founder_takes_no_side():
    s = article("雷军出席新车发布会",
                "昨天下午，小米汽车在北京举行发布会，雷军介绍了新车的续航和价格。",
                "发布会持续了两个小时，现场来了上千名车主和媒体记者。",
                "新车起售价二十万元，首批车辆将在下个月交付。",
                "雷军在会后接受采访时说，工厂的产能正在逐步爬坡。",
                *FILLER)
    assert s.label == "neutral", s


def test_a_profile_of_a_boss_livestreaming_takes_no_side():
    s = article("董明珠的一场直播",
                "六月的一个晚上，董明珠在抖音开了一场直播，卖了三个小时的空调和风扇。",
                "直播间的在线人数最高超过十万，评论区有人问她什么时候退休。",
                "她笑着回答，还要再干几年。",
                *FILLER)
    assert s.label == "neutral", s


ARGUED_FOUNDER = [
    "创始人就该是品牌的第一代言人。",
    "对预算有限的公司来说，老板亲自出镜、亲自直播，是最划算的品牌投入。",
    "用户信任的是一个具体的人，而不是一个冷冰冰的官方账号。",
    "所以，创始人IP应该成为品牌战略的核心，而不是公关部门的点缀。",
    "老板站到台前，品牌才有温度，用户也才愿意为它说话。",
    "企业家IP的好处在于，它能把产品理念讲得最真诚、最可信。",
    "与其每年花几千万投放广告，不如让创始人每周认真讲一次自己的产品。",
    "创始人亲自发声，几乎是小公司打开局面最有效的办法。",
]


def test_an_article_that_draws_the_lesson_takes_the_founder_side():
    """The trap on the other side: the same subject, argued."""
    s = article("老板亲自上阵：创始人IP才是小品牌的护城河", *ARGUED_FOUNDER[:4], *FILLER[:4], *ARGUED_FOUNDER[4:])
    assert s.label == "founder-ip" and s.topic == "on" and s.reason is None, s


# 5. One sentence does not flip an article ----------------------------------------
def test_one_risk_sentence_in_an_article_about_something_else_takes_no_side():
    s = article("跨境仓储的下一个五年", *FILLER[:6],
                "当然，把品牌绑在老板一个人身上，风险也不小。", *FILLER[6:])
    assert s.label == "neutral", s


def test_one_bullet_of_a_trends_list_takes_no_side():
    s = article("二〇二五年的十个消费趋势", *FILLER[:5],
                "趋势七：更多企业会让员工开账号，做组织化发声。", *FILLER[5:])
    assert s.label == "neutral", s


ARGUED_MATRIX = [
    "品牌不能只靠创始人一个人发声，单点风险太高。",
    "一旦创始人翻车，整个品牌都会被拖下水。",
    "更稳妥的做法，是让高管、工程师和一线销售都开设自己的账号。",
    "员工账号矩阵分散了风险，也覆盖了更多用户。",
    "组织化发声才是大公司长期的选择。",
    "高管账号负责讲战略，工程师账号负责讲技术，销售账号负责讲服务。",
    "品牌要比任何一个人活得更久，这就需要去个人化。",
]


def test_an_article_that_spends_itself_on_the_question_takes_a_side():
    """The trap on the other side: the same words, argued throughout."""
    s = article("别让创始人一个人扛住整个品牌", *ARGUED_MATRIX[:4], *FILLER[:4], *ARGUED_MATRIX[4:])
    assert s.label == "matrix", s


# 6. Against the founder is not automatically matrix -------------------------------
def test_advice_that_depends_on_the_company_is_mixed():
    s = article("创始人IP还是员工矩阵？因企而异",
                "创始人IP和员工账号矩阵孰优孰劣，因企而异。",
                "对初创的小公司来说，老板亲自出镜、亲自直播是最划算的选择，创始人IP就是最好的品牌。",
                "用户信任一个具体的人，老板站到台前，小品牌才会被看见。",
                *FILLER[:4],
                "对规模更大的公司来说，员工账号矩阵和高管账号更稳妥，组织化发声能分散风险。",
                "大公司不能只靠创始人一个人撑着，单点风险太高。",
                *FILLER[4:8],
                "所以，小公司靠老板的个人IP，大公司靠员工矩阵，二者结合才是长期之道。")
    assert s.label == "mixed", s


def test_mockery_of_founder_worship_is_not_a_matrix_argument():
    """Criticism of fans' worship of a founder, with no word about who should speak
    for the company: neutral, not matrix."""
    s = article("粉丝为什么这么爱雷军",
                "有些粉丝把雷军当成偶像，连他穿什么衣服都要模仿。",
                "这种狂热的崇拜其实不太理性，也让人有点担心。",
                "偶像崇拜从来都不是一件好事，无论对象是明星还是企业家。",
                *FILLER)
    assert s.label == "neutral", s


def test_against_relying_on_the_founder_is_matrix_when_argued():
    """The definitions: arguing against relying on the founder is the matrix side."""
    s = article("品牌不能押在创始人一个人身上", *ARGUED_MATRIX[:2], *FILLER[:4], *ARGUED_MATRIX[2:])
    assert s.label == "matrix", s


# The record says why -------------------------------------------------------------
def test_neutral_says_why_and_the_record_carries_topic_and_reason():
    off = article("跨境仓储的下一个五年", *FILLER)
    assert (off.label, off.topic, off.reason) == ("neutral", "off", "off-topic")
    d = off.to_dict()
    assert d["topic"] == "off" and d["reason"] == "off-topic" and 0 <= d["confidence"] <= 1
    on = article("老板亲自上阵：创始人IP才是小品牌的护城河", *ARGUED_FOUNDER, *FILLER[:4])
    assert on.to_dict()["reason"] is None and on.to_dict()["topic"] == "on"
    # Evidence says whether each sentence counted.
    assert {e.rules[-1] for e in on.evidence} <= {"on-question", "quoted", "off-question"}


# The figure ----------------------------------------------------------------------
@pytest.mark.skipif(not (STANCE_DEV / "gold.json").is_file(), reason="../shared/stance_dev is absent")
def test_cross_validated_figure_holds_its_pinned_baseline():
    """tools/stance_model.py cv: every fold labelled by a model fitted without it.
    The baseline may be raised by a change, never lowered (update it by hand, in
    the commit that earns it)."""
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "stance_model.py"), "cv", "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    base = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert got["files"] == base["files"]
    assert got["credit"] >= base["credit"], (got, base)
    assert got["sided"] >= base["sided"], (got, base)
    # Issue 11's bars, whatever the baseline says: 90% credit, and 80% of the articles
    # where neither reader said neutral get a label a reader gave.
    assert got["credit"] >= 0.9 * got["files"], got
    assert got["sided"] >= 0.8 * got["sided_of"], got
