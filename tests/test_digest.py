"""The brief as a reduce over article digests (corpus/digest.py, report/figures.py):
the keyword weights summed from each article's term counts are jieba's extract_tags
over the joined texts, to the last float and the order of ties; `report`'s keywords
match the joined-text computation it replaced, under the keyword budget too; and the
brief loads an article's text again only to confirm a repost candidate."""
from __future__ import annotations

import random
import re

import pytest

from conftest import SAMPLE

from ipcorpus.corpus.analysis import analyse_bytes
from ipcorpus.corpus.digest import add_counts, side_weights, term_counts, tfidf_extractor
from ipcorpus.corpus.pipeline import Corpus, Options, run
from ipcorpus.nlp import ensure
from ipcorpus.report import figures


@pytest.fixture(scope="module")
def kept_texts() -> list[str]:
    """The kept text of every sample article, in path order."""
    out = []
    for p in sorted(SAMPLE.rglob("*.txt")):
        if ".ipcorpus" not in p.parts:
            a, _ = analyse_bytes(str(p), p.read_bytes(), with_stance=False)
            out.append(a.kept_text())
    assert len(out) >= 10
    return out


def extract_tags(texts: list[str]) -> list[tuple[str, float]]:
    """What `report` computed before digests: extract_tags over the texts joined one a line."""
    joined = "\n".join(texts)
    t = tfidf_extractor()
    ensure(joined)
    return t.extract_tags(joined, topK=300, withWeight=True)


def summed(texts: list[str]) -> list[tuple[str, float]]:
    counts: dict[str, int] = {}
    for t in texts:
        add_counts(counts, term_counts(t))
    return side_weights(counts)


# Texts whose joins a careless count would get wrong: a word split across two texts
# (雷 | 军), Latin and digits at the seams, and 400 words used once each with one
# IDF (Latin words jieba keeps whole and its IDF table lacks), whose order at the
# 300th place only the order of first use decides.
SEAMS = ["小米的品牌靠雷", "军的个人IP撑起来", "SU7", "7发布会上的iPhone对比", "  ", ""]
RARE = random.Random(3)
TIES = ["".join(RARE.choices("abcdefghijk", k=6)) + "。" for _ in range(400)]


@pytest.mark.parametrize("pick", ["all", "reversed", "three", "one", "seams", "ties", "ties_reversed", "none"])
def test_weights_from_summed_counts_are_extract_tags_of_the_joined_text(kept_texts, pick):
    texts = {"all": kept_texts, "reversed": kept_texts[::-1], "three": kept_texts[2:5], "one": kept_texts[7:8],
             "seams": SEAMS + kept_texts[:2], "ties": TIES, "ties_reversed": TIES[::-1], "none": []}[pick]
    want = extract_tags(texts)
    assert summed(texts) == want
    if pick.startswith("ties"):
        assert len(want) == 300 and len({x for _, x in want}) < 300     # ties at the cut, decided by order
    if pick in ("all", "seams"):
        assert want


@pytest.mark.parametrize("counted", [True, False], ids=["counted-by-workers", "counted-by-the-brief"])
def test_keywords_in_the_brief_are_those_of_the_joined_side_texts(tmp_path, monkeypatch, counted):
    """`report`'s keywords against the computation it replaced (extract_tags over each
    side's kept texts joined, in article order, up to KEYWORD_CHARS), with the
    default budget and with one so small that it cuts each side after an article or
    two; from the term counts the scoring pass made (a report's run), or counted by
    the brief itself (articles scored by another command)."""
    corpus = run([str(SAMPLE)], Options(db=str(tmp_path / "i.sqlite"), keywords=counted))
    sided = [corpus.digest(f) for f in corpus.docs() if corpus.stance(f).label in ("founder-ip", "matrix")]
    assert sided and all((d.terms is not None) == counted for d in sided)
    docs = {f.path: f for f in corpus.docs()}
    for budget in (figures.KEYWORD_CHARS, 3000, 1):
        monkeypatch.setattr(figures, "KEYWORD_CHARS", budget)
        rep = figures.compute(corpus, keywords=15)
        texts: dict[str, list[str]] = {"founder-ip": [], "matrix": []}
        size = dict.fromkeys(texts, 0)
        for art in rep["articles"]:
            side = art["label"]
            if side in texts and size[side] < budget:
                t = corpus.analysis(docs[art["path"]]).kept_text()
                texts[side].append(t)
                size[side] += len(t)
        assert all(texts.values())
        want = _ranked({side: extract_tags(ts) for side, ts in texts.items()}, 15)
        for side in texts:
            assert rep["voices"][side]["keywords"] == want[side], (budget, side)
            assert rep["voices"][side]["keywords"]


def _ranked(tags: dict, top: int) -> dict:
    """The ranking `report` has always applied to the two sides' extract_tags."""
    not_word = re.compile(r"^[\d\W_]+$|^[A-Za-z]$")
    weights = {side: {w: x for w, x in t if not not_word.match(w)} for side, t in tags.items()}
    out = {}
    for side, ws in weights.items():
        other = [weights[o] for o in weights if o != side]
        ranked = sorted(((x - max((o.get(w, 0.0) for o in other), default=0.0), w) for w, x in ws.items()
                         if x > max((o.get(w, 0.0) for o in other), default=0.0)), key=lambda t: (-t[0], t[1]))
        out[side] = [{"word": w, "weight": round(x, 4)} for x, w in ranked[:top]]
    return out


ARGUED = [
    "小米的经验说明，创始人亲自出镜是品牌最便宜的广告，雷军的个人IP让用户记住了产品。创始人就是品牌的脸面，"
    "发布会上他一个人讲两个小时，观众记住的是雷军，也记住了小米。",
    "企业不能把所有声量押在老板一个人身上，高管、工程师和员工账号组成的矩阵更稳。去雷军化不是否定创始人，"
    "而是让更多员工账号和品牌账号一起发声，形成组织化发声，风险也分散了。",
    "格力的董明珠亲自直播带货，创始人站在台前，消费者因为信任她而信任品牌。老板亲自上阵，是最直接的背书，"
    "也是别的公司很难学来的信任。",
]


def test_the_brief_loads_a_text_only_to_confirm_a_repost(tmp_path, monkeypatch):
    """Every figure comes from the stored stances and digests of a report's run: the
    only analyses the brief loads are those of a repost candidate pair, here one
    article and its copy."""
    folder = tmp_path / "c"
    folder.mkdir()
    rnd = random.Random(5)
    for i, body in enumerate(ARGUED):
        (folder / f"argued{i}.txt").write_text(body + "\n", encoding="utf-8")
    for i in range(4):
        text = "".join(rnd.choices([chr(c) for c in range(0x4E00, 0x4E00 + 3000)], k=200))
        (folder / f"other{i}.txt").write_text(text + "。\n", encoding="utf-8")
    (folder / "copy.txt").write_text("【转载】\n" + ARGUED[0].replace("最便宜的广告", "最便宜的一条广告") + "\n",
                                     encoding="utf-8")
    corpus = run([str(folder)], Options(db=str(tmp_path / "i.sqlite"), keywords=True))
    loaded: list[str] = []
    stored = Corpus.stored_analysis

    def counting(self, f):
        loaded.append(f.path.rsplit("/", 1)[-1])
        return stored(self, f)

    monkeypatch.setattr(Corpus, "stored_analysis", counting)
    rep = figures.compute(corpus, keywords=10)
    assert [[c["path"].rsplit("/", 1)[-1] for c in g["copies"]] for g in rep["reposts"]["list"]] == \
        [["argued0.txt", "copy.txt"]]
    assert rep["voices"]["founder-ip"]["keywords"] and rep["voices"]["matrix"]["keywords"]
    assert sorted(loaded) == ["argued0.txt", "copy.txt"]


@pytest.mark.parametrize("chunk", [1 << 16, 97])
def test_sketch_keeps_each_bins_smallest_value(monkeypatch, chunk):
    """The sorted, chunked scan of reposts.sketch keeps what a bin-by-bin minimum
    keeps: for every filled bin the smallest value of its hashes, however the hashes
    are cut into chunks (97: many chunks, each stopped early)."""
    from ipcorpus.corpus import reposts
    monkeypatch.setattr(reposts, "CHUNK", chunk)
    rnd = random.Random(11)
    for n in (5, 300, 5000):
        hashes = [rnd.getrandbits(32) for _ in range(n)]
        smallest: dict[int, int] = {}
        for h in hashes:
            b, v = h % reposts.BINS, h // reposts.BINS
            smallest[b] = min(v, smallest.get(b, v))
        got = reposts.sketch(iter(hashes))
        assert {b: got[b] for b in smallest} == smallest, n
        # An empty bin borrows from a filled one, tagged above every real value.
        assert all(got[b] >= 1 << 32 for b in range(reposts.BINS) if b not in smallest), n
