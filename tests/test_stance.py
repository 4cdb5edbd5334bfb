"""Stance: labelled sentences per phenomenon, the labelled sample corpus, and the
real pages from ../shared (skipped when absent). Floors, not exact scores: the
figures in the closing notes come from these same checks."""
import json
import subprocess
import sys

import pytest

from conftest import DATA, REAL, ROOT, SAMPLE, ranges

from ipcorpus.clean.lines import clean
from ipcorpus.read.document import load_document
from ipcorpus.sentences import units
from ipcorpus.stance.aggregate import ARGUED, explain, stance_of
from ipcorpus.stance.lexicon import get_lexicon

CASES = json.loads((DATA / "stance_cases.json").read_text(encoding="utf-8"))


def label_of(text, lex=None):
    """The side a sentence argues, taken as an article that argues (the document
    decision, whether an article argues at all, is tested in test_stance_decision.py)."""
    return explain(units([(1, text, text)]), lex or get_lexicon(), model=ARGUED)[0]


def doc_stance(path):
    d = load_document(str(path))
    c = clean(d)
    kept = [(v.line, c.plain[v.line - 1], d.lines[v.line - 1].text) for v in c.verdicts if v.action == "keep"]
    return c, stance_of(units(kept, c.meta.title_line), get_lexicon())


def test_labelled_cases_floor():
    wrong = [(c["id"], c["label"], label_of(c["text"]).label) for c in CASES]
    wrong = [w for w in wrong if w[1] != w[2]]
    # 86/90 when this floor was set; the misses are listed in the closing note.
    assert len(CASES) - len(wrong) >= 85, wrong


@pytest.mark.parametrize("phenomenon", sorted({c["phenomenon"] for c in CASES}))
def test_each_phenomenon(phenomenon):
    cases = [c for c in CASES if c["phenomenon"] == phenomenon]
    right = sum(label_of(c["text"]).label == c["label"] for c in cases)
    assert right / len(cases) >= 0.6, (phenomenon, right, len(cases))


@pytest.mark.parametrize("case", [c for c in CASES if c["phenomenon"] == "trap"], ids=lambda c: c["id"])
def test_traps_are_neutral(case):
    """A news report naming 雷军, praise of a person, off-topic text: no stance."""
    assert label_of(case["text"]).label == "neutral"


@pytest.mark.parametrize("text,label", [
    ("品牌传播不应该只靠创始人一个人，高管和员工也要站到台前。", "matrix"),          # negation
    ("虽然账号矩阵能分担压力，但真正让用户记住品牌的还是创始人本人。", "founder-ip"),  # contrast
    ("小米正在从雷军一个人发声转向高管和工程师的账号矩阵。", "matrix"),              # shift
    ("难道品牌只能靠老板一个人撑着吗？", "matrix"),                                  # rhetorical
    ("搭建员工账号矩阵可以风险分散，覆盖更多用户。", "matrix"),                      # 风险分散 is pro-matrix
    ("把品牌绑在创始人个人IP上，风险极高。", "matrix"),                              # risk near founder IP
    ("华为发布了新的产品矩阵，覆盖高中低端价位。", "neutral"),                        # 矩阵 unrelated
    ("雷军今天出席了发布会，介绍了新车的续航。", "neutral"),                          # news, no position
])
def test_phenomena_examples(text, label):
    assert label_of(text).label == label


def test_reported_view_is_weaker_than_the_author():
    own = label_of("创始人IP是品牌最好的护城河。")
    reported = label_of("有人认为创始人IP是品牌最好的护城河。")
    assert own.founder > reported.founder > 0


def test_position_title_weighs_more():
    body = stance_of(units([(1, "开头一句话。", "开头一句话。"),
                            (2, "企业应该打造创始人IP。", "企业应该打造创始人IP。")]),
                     get_lexicon())
    title = stance_of(units([(2, "企业应该打造创始人IP", "企业应该打造创始人IP"), (3, "开头一句话。", "开头一句话。")],
                            title_line=2), get_lexicon())
    assert title.founder > body.founder


def test_evidence_explains_itself():
    s = label_of("小米应该淡化雷军个人色彩，让工程师的账号走向前台。")
    assert s.label == "matrix"
    rules = {r for e in s.evidence for r in e.rules}
    assert any(r.startswith("founder:") for r in rules)
    assert "-淡化" in rules


def test_sample_corpus_labels(sample_gold):
    wrong = []
    for name, g in sample_gold.items():
        _, s = doc_stance(SAMPLE / name)
        if s.label not in g["stance"]:
            wrong.append((name, g["stance"], s.label))
    assert not wrong


def test_sample_evidence_on_kept_lines_and_entities(sample_gold):
    for name, g in sample_gold.items():
        c, s = doc_stance(SAMPLE / name)
        kept = {v.line for v in c.verdicts if v.action == "keep"}
        for e in s.evidence:
            assert set(range(e.line, e.end_line + 1)) <= kept, (name, e.line)
        if g["stance"] != ["neutral"] and g.get("entities"):
            assert set(g["entities"]) & set(s.entities), (name, g["entities"], list(s.entities))


def test_real_pages_bars(real_gold):
    """The bars of the stance issue on ../shared/real_pages."""
    right = 0.0
    key = cited = on_noise = 0
    for name, g in real_gold.items():
        c, s = doc_stance(REAL / name)
        right += 1 if s.label in g["stance"] else 0.5 if s.label in g["partial"] else 0
        ev = set()
        for e in s.evidence[:10]:
            ev.update(range(e.line, e.end_line + 1))
        on_noise += len(ev & ranges(g["noise"]))
        key += len(g["key"])
        cited += len(set(g["key"]) & ev)
    assert right == len(real_gold)
    assert on_noise == 0
    assert cited / key >= 0.70, (cited, key)


def test_jieba_only_when_a_target_and_a_negation_are_found():
    """jieba decides negation scope; a sentence with no target, or with no negation
    character at all, never pays for it."""
    code = (
        "import sys\n"
        "from ipcorpus.sentences import units\n"
        "from ipcorpus.stance.aggregate import ARGUED, explain\nfrom ipcorpus.stance.lexicon import get_lexicon\n"
        "def run(t):\n"
        "    s = explain(units([(1, t, t)]), get_lexicon(), model=ARGUED)[0]\n"
        "    print(s.label, 'jieba' in sys.modules)\n"
        "run('今天天气不好，我们没去公园散步。')\n"
        "run('企业应该打造创始人IP。')\n"
        "run('企业不应该只靠创始人IP。')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["neutral", "False", "founder-ip", "False", "matrix", "True"]
    assert "Building prefix dict" not in out.stderr   # jieba's log is silenced


def test_user_lexicon_extends(tmp_path):
    from ipcorpus.stance.lexicon import load_lexicon
    lex_file = tmp_path / "mine.toml"
    lex_file.write_text('[matrix]\n"员工大使" = 1.0\n', encoding="utf-8")
    text = "品牌应该培养更多员工大使。"
    assert label_of(text).label == "neutral"
    assert label_of(text, load_lexicon((str(lex_file),))).label == "matrix"


def test_remembered_sentence_scores_are_fresh_copies(monkeypatch):
    # score_unit remembers each sentence's score; what it hands out must equal a fresh
    # computation however often asked, and a caller's changes must not leak back.
    from ipcorpus.stance import score as score_mod
    lex = get_lexicon()
    text = "与其花钱请明星，不如让创始人亲自出来讲产品，雷军就是最好的例子。"
    first = score_mod.score_unit(text, lex, "body")
    first.founder += 100
    first.rules.append("changed by the caller")
    again = score_mod.score_unit(text, lex, "body")
    fresh = score_mod._score_unit(text, lex, "body")
    assert again == fresh and again is not first
    assert score_mod.score_unit(text, lex, "title") == score_mod._score_unit(text, lex, "title")


def test_memory_off_gives_the_same_stances(monkeypatch):
    lex = get_lexicon()
    with_memo = [label_of(c["text"]) for c in CASES]
    monkeypatch.setattr(lex, "memo_on", False)
    assert [label_of(c["text"]) for c in CASES] == with_memo


@pytest.mark.parametrize("text,want", [
    ("周鸿祎和360的故事", {"360": 2}),
    ("编号349-360的条目", {}),               # inside a range of numbers
    ("他一口气看了360个视频", {}),            # a quantity
    ("360度全景相机", {}),                    # a measure
    ("订单号A360B9已发货", {}),               # inside an id
    ("360公司发布了新产品", {"360": 1}),
    ("OPPO A5手机", {"OPPO": 1}),
    ("OPPOA5X", {}),
])
def test_short_latin_and_numeric_aliases_need_boundaries(text, want):
    from ipcorpus.stance.entities import entities_in
    assert entities_in(text, get_lexicon()) == want


# 前者 / 后者 (the former, the latter) stand for the first and the last target of the
# sentence before: what is said of them is said of those.
@pytest.mark.parametrize("text,label", [
    # founder first, the brand's system last: the former is blamed, the latter praised
    ("围绕创始人个人形成的流量，与组织化发声的逻辑完全不同。前者冲动而脆弱，后者则稳固可靠。", "matrix"),
    # the same two, praised the other way round
    ("创始人亲自发声和员工账号矩阵是两种做法。前者更能赢得用户信任，后者则难以形成记忆点。", "founder-ip"),
    # the matrix first, the founder last: the order decides which is which
    ("员工账号矩阵和老板IP各有长短。前者声音分散、难以形成记忆，后者却最能赢得信任。", "founder-ip"),
])
def test_the_former_and_the_latter_take_their_antecedents_side(text, label):
    assert label_of(text).label == label


@pytest.mark.parametrize("text", [
    # nothing before them on the question: 前者/后者 stand for no side
    ("今年的新品有两款：手机和手表。前者冲动而脆弱，后者则稳固可靠。"),
    # the first sentence of an article has nothing to refer back to
    ("前者冲动而脆弱，后者则稳固可靠。"),
    # the word inside a longer one is no anaphor (前者 only as a word of its own)
    ("天气很好，适合出门。"),
])
def test_the_former_with_nothing_on_the_question_before_takes_no_side(text):
    assert label_of(text).label == "neutral"


@pytest.mark.parametrize("text,label", [
    # one-character negations in a list negate their own item only: 不稳定 stays negative
    ("把品牌押在创始人IP上是冲动的、不理智的、不稳定的。", "matrix"),
    ("老板IP是真诚的、不做作的、可信的。", "founder-ip"),
    # a negation of the whole list (不是 … 、 …) still reaches every item
    ("老板IP并不是冲动的、不稳定的，而是最可信的。", "founder-ip"),
])
def test_a_negation_in_a_list_reaches_its_own_item(text, label):
    assert label_of(text).label == label
