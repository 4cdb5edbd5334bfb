"""The brief as a reduce over article digests (corpus/digest.py, report/figures.py):
each article's sketch is made where it is scored and kept in the index, the brief
loads an article's text again only to confirm a repost candidate or to count a
side's keywords within their budget, and the sketch keeps each bin's minimum."""
from __future__ import annotations

import random

import pytest

from ipcorpus.corpus.pipeline import Corpus, Options, run
from ipcorpus.report import figures

ARGUED = [
    "小米的经验说明，创始人亲自出镜是品牌最便宜的广告，雷军的个人IP让用户记住了产品。创始人就是品牌的脸面，"
    "发布会上他一个人讲两个小时，观众记住的是雷军，也记住了小米。",
    "企业不能把所有声量押在老板一个人身上，高管、工程师和员工账号组成的矩阵更稳。去雷军化不是否定创始人，"
    "而是让更多员工账号和品牌账号一起发声，形成组织化发声，风险也分散了。",
    "格力的董明珠亲自直播带货，创始人站在台前，消费者因为信任她而信任品牌。老板亲自上阵，是最直接的背书，"
    "也是别的公司很难学来的信任。",
]


def test_the_brief_loads_a_text_only_to_confirm_a_repost(tmp_path, monkeypatch):
    """Every figure comes from the stored stances and digests: the only analyses the
    brief loads are those of a repost candidate pair (here one article and its copy)
    and, for the keywords, a side's articles up to the budget (here one a side)."""
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
    corpus = run([str(folder)], Options(db=str(tmp_path / "i.sqlite")))
    loaded: list[str] = []
    stored = Corpus.stored_analysis

    def counting(self, f):
        loaded.append(f.path.rsplit("/", 1)[-1])
        return stored(self, f)

    monkeypatch.setattr(Corpus, "stored_analysis", counting)
    rep = figures.compute(corpus, keywords=0)
    assert [[c["path"].rsplit("/", 1)[-1] for c in g["copies"]] for g in rep["reposts"]["list"]] == \
        [["argued0.txt", "copy.txt"]]
    assert sorted(loaded) == ["argued0.txt", "copy.txt"]
    labels = {a["path"].rsplit("/", 1)[-1]: a["label"] for a in rep["articles"]}
    assert [labels["argued0.txt"], labels["argued1.txt"]] == ["founder-ip", "matrix"]
    loaded.clear()
    monkeypatch.setattr(figures, "KEYWORD_CHARS", 1)
    rep = figures.compute(corpus, keywords=10)
    assert rep["voices"]["founder-ip"]["keywords"] and rep["voices"]["matrix"]["keywords"]
    # the pair again, then the first article of each side: the budget stops there
    assert sorted(loaded) == ["argued0.txt", "argued0.txt", "argued1.txt", "copy.txt"]


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
