"""The corpus brief: every figure `ipcorpus report` shows, as one plain dict.

Counting rules (the README repeats them for readers of the figures):
- An *article* is a document with kept text after cleaning. Copies of one article
  republished on several portals (near-duplicates, see reposts.py) count once: the
  group's earliest dated copy stands for it (its label, source, date and evidence).
- Failed files and documents that were all noise are no articles; they are counted
  in `health` only.
- `by_portal` counts documents (every copy on the portal that carried it); every other
  figure counts articles.
The renderers (the other modules of this package) only lay these figures out."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from ipcorpus.commands.output import safe_path
from ipcorpus.commands.stance_tables import LABELS, stance_record
from ipcorpus.corpus.reposts import Shingled, group
from ipcorpus.models import ArticleDigest, side_score

SIDES = ("founder-ip", "matrix")

_MONTH = re.compile(r"^(\d{4})-(\d{2})")
# Words that carry no position: function words, pronouns, connectives, generic verbs
# and the filler of business prose. Domain terms (个人IP, 账号矩阵, 去雷军化 …) are
# jieba user words and stay whole.
STOP_WORDS = frozenset("""
的 了 是 在 和 与 及 或 也 都 就 而 又 还 并 着 过 把 被 让 给 对 从 向 到 为 以 于 由 比 跟 同 等
一个 一种 一些 一次 一样 一直 一定 一起 一切 一下 一方面 这个 那个 这些 那些 这种 那种 这样 那样 这里 那里
这是 那是 这次 这位 那位 这家 那家 其中 其实 其他 其它 他们 她们 它们 我们 你们 自己 大家 人们 别人 有人
什么 怎么 怎样 为什么 如何 哪些 多少 因为 所以 但是 不过 然而 可是 虽然 而且 并且 如果 即使 就是 还是 或者
以及 对于 关于 通过 根据 按照 随着 由于 为了 而是 不是 只是 也是 都是 就是 正是 还有 没有 不会 不能 不要
可以 可能 能够 应该 需要 必须 已经 曾经 正在 开始 成为 作为 进行 认为 觉得 表示 提到 指出 看到 知道 出现
今天 现在 目前 当时 之后 之前 以后 以前 后来 最后 同时 这时 时候 方面 问题 情况 东西 地方 事情 部分 一点
非常 特别 比较 十分 更加 越来 越多 很多 更多 许多 不少 所有 每个 任何 各种 只有 只要 甚至 尤其 几乎 往往
本文 文章 作者 记者 编辑 来源 图片 视频 点击 关注 阅读 原标题 首页 正文 评论 分享
""".split())
_NOT_WORD = re.compile(r"^[\d\W_]+$|^[A-Za-z]$")


def compute(corpus, paths: list | None = None, top: int = 5, keywords: int = 10) -> dict:
    """Every figure of the brief, from a Corpus (pipeline.run): a reduce over each
    document's stance and digest (corpus/digest.py), as the index keeps them. An
    article's text is loaded again only to confirm a repost candidate."""
    docs = corpus.docs()
    recs: list[dict] = []

    def sketches():
        # One pass: each document's record is made as its sketch goes to the banding,
        # so no sketch is held once banded.
        for k, f in enumerate(docs):
            d = corpus.digest(f)
            recs.append(_record(corpus, f, d, k))
            yield d.sketch

    def kept_text(i: int) -> str:
        return corpus.analysis(docs[i]).kept_text()

    # Articles: documents with kept text, copies folded into their earliest dated copy.
    shingled = Shingled(kept_text)
    found = group(sketches(), shingled)
    live = [i for i, r in enumerate(recs) if r["kept_lines"]]
    copies_of: dict[int, list[int]] = {}
    rep_of: dict[int, int] = {}
    for members in found.groups:
        rep = min(members, key=lambda i: (recs[i]["published"] is None, recs[i]["published"] or "", recs[i]["path"]))
        copies_of[rep] = [rep] + sorted((m for m in members if m != rep), key=lambda i: recs[i]["path"])
        for m in members:
            rep_of[m] = rep
    articles = [i for i in live if rep_of.get(i, i) == i]
    arts = [recs[i] for i in articles]

    groups = []
    for rep, members in sorted(copies_of.items(), key=lambda kv: recs[kv[0]]["path"]):
        copies = []
        for m in members:
            r = recs[m]
            j = 1.0 if m == rep else found.similarity.get((min(rep, m), max(rep, m)))
            if j is None:
                j = shingled.similarity(rep, m)
            copies.append({"path": r["path"], "portal": r["portal"], "source": r["source"],
                           "published": r["published"], "label": r["label"], "similarity": j})
        groups.append({"article": recs[rep]["path"], "title": recs[rep]["title"], "label": recs[rep]["label"],
                       "copies": copies, "labels_agree": len({c["label"] for c in copies}) == 1})

    n = len(arts)
    dated = sorted(r["published"] for r in arts if r["published"])
    report = {
        "corpus": {
            "paths": [safe_path(p) for p in (paths or [])],
            "files": len(corpus.files),
            "documents": len(docs),
            "articles": n,
            "copies_folded": sum(len(m) - 1 for m in copies_of.values()),
            "first_published": dated[0] if dated else None,
            "last_published": dated[-1] if dated else None,
        },
        "stance": _labels_with_shares(arts),
        "reposts": {"groups": len(groups), "documents": sum(len(g["copies"]) for g in groups), "list": groups},
        "by_source": _breakdown(arts, "source"),
        "by_portal": _breakdown([recs[i] for i in live], "portal", count_key="documents"),
        "by_month": _by_month(arts),
        "by_entity": _by_entity(arts),
        "voices": _voices(arts, top, keywords, lambda r: kept_text(r["doc"]), corpus.options.lexicons),
        "health": _health(corpus, recs),
        "articles": [{"path": r["path"], "title": r["title"], "source": r["source"], "portal": r["portal"],
                      "published": r["published"], "label": r["label"], "score": r["score"],
                      "copies": [recs[m]["path"] for m in copies_of.get(i, [i])[1:]]}
                     for i, r in zip(articles, arts, strict=True)],
    }
    return report


def _record(corpus, f, d: ArticleDigest, k: int) -> dict:
    """What the figures read of document number k: its stance record and digest."""
    s = stance_record(corpus, f, evidence=10 ** 6)
    published = s.get("published")
    return {"doc": k, "path": s["path"], "title": s["title"], "source": s["source"], "portal": d.outlet,
            "published": published, "month": _month(published), "label": s["label"], "score": s["score"],
            "topic": s.get("topic"), "reason": s.get("reason"),
            "founder": s["founder"], "matrix": s["matrix"], "entities": s["entities"], "evidence": s["evidence"],
            "kept_lines": d.kept_lines, "damaged": d.damaged,
            "script": d.script, "encoding": d.encoding}


def _month(published: str | None) -> str | None:
    m = _MONTH.match(published or "")
    return f"{m.group(1)}-{m.group(2)}" if m else None


def _zero() -> dict:
    return {lb: 0 for lb in LABELS}


def _labels_with_shares(arts: list[dict]) -> dict:
    """Label counts with two shares: of all articles, and, for the three sides, of the
    articles that argue the question at all (most of a real folder does not: a brief
    that gave the sides' shares of everything would understate them, and one that
    left the neutral articles out would hide how few argue)."""
    c = Counter(r["label"] for r in arts)
    n = len(arts)
    argued = n - c["neutral"]
    reasons = Counter(r.get("reason") or "thin" for r in arts if r["label"] == "neutral")
    return {"articles": n, "argued": argued,
            "off_question": sum(1 for r in arts if r["label"] == "neutral" and r.get("topic") != "on"),
            "neutral_reasons": dict(sorted(reasons.items())),
            "labels": {lb: {"count": c[lb], "share": round(c[lb] / n, 4) if n else 0.0,
                            "share_of_argued": None if lb == "neutral" else round(c[lb] / argued, 4) if argued else 0.0}
                       for lb in LABELS}}


def stance_sentence(st: dict) -> str:
    """The brief's first statement about stance, the same in every format."""
    n, a = st["articles"], st["argued"]
    on_no_side = n - a - st["off_question"]
    return (f"{a} of {n} article{'' if n == 1 else 's'} argue the question; "
            f"{st['off_question']} {'is' if st['off_question'] == 1 else 'are'} off it and "
            f"{on_no_side} on it without taking a side. Shares of the sides are of the {a} that argue; "
            f"reposts counted once.")


def _breakdown(rows: list[dict], key: str, count_key: str = "articles") -> list[dict]:
    agg: dict = {}
    for r in rows:
        a = agg.setdefault(r[key], {key: r[key], count_key: 0, "argued": 0, "labels": _zero()})
        a[count_key] += 1
        a["argued"] += r["label"] != "neutral"
        a["labels"][r["label"]] += 1
    return sorted(agg.values(), key=lambda a: (-a[count_key], a[key] is None, a[key] or ""))


def _by_month(arts: list[dict]) -> dict:
    months: dict = {}
    undated: dict = {"articles": 0, "labels": _zero(), "paths": []}
    for r in arts:
        if r["month"] is None:
            undated["articles"] += 1
            undated["labels"][r["label"]] += 1
            undated["paths"].append(r["path"])
            continue
        m = months.setdefault(r["month"], {"month": r["month"], "articles": 0, "labels": _zero()})
        m["articles"] += 1
        m["labels"][r["label"]] += 1
    return {"months": [months[k] for k in sorted(months)], "undated": undated}


def _by_entity(arts: list[dict]) -> list[dict]:
    """Per company (with its people and aliases), over articles: how many name it,
    mentions, and the article labels where it carries stance (else neutral); the
    score is models.side_score of its stance weights, as in `ipcorpus stance --by entity`."""
    agg: dict = {}
    for r in arts:
        for name, e in r["entities"].items():
            a = agg.setdefault(name, {"entity": name, "articles": 0, "mentions": 0, "labels": _zero(),
                                      "founder": 0.0, "matrix": 0.0})
            a["articles"] += 1
            a["mentions"] += e["mentions"]
            a["founder"] += e["founder"]
            a["matrix"] += e["matrix"]
            a["labels"][r["label"] if (e["founder"] or e["matrix"]) else "neutral"] += 1
    out = []
    for a in sorted(agg.values(), key=lambda a: (-a["articles"], -a["mentions"], a["entity"])):
        a["score"] = side_score(a["founder"], a["matrix"])
        a["founder"] = round(a["founder"], 3)
        a["matrix"] = round(a["matrix"], 3)
        out.append({k: a[k] for k in ("entity", "articles", "mentions", "labels", "score", "founder", "matrix")})
    return out


def _voices(arts: list[dict], top: int, keywords: int, text_of: Callable[[dict], str],
            lexicons: tuple = ()) -> dict:
    """Per side: the strongest clause of each article that argues for it, ranked by
    weight (one per article, so one loud article cannot fill the list), and the
    side's keywords, from the kept texts of its articles (`text_of` loads one: only
    as many as the budget takes are loaded)."""
    out = {}
    for side in SIDES:
        best = []
        for r in arts:
            e = next((e for e in r["evidence"] if e["side"] == side), None)
            if e is not None:
                best.append({"citation": e["citation"], "path": r["path"], "line": e["line"],
                             "end_line": e["end_line"], "title": r["title"], "label": r["label"],
                             "weight": e["weight"], "rules": e["rules"], "text": e["text"]})
        best.sort(key=lambda x: (-x["weight"], x["citation"]))
        out[side] = {"articles": sum(1 for r in arts if r["label"] == side), "evidence": best[:top], "keywords": []}
    if keywords:
        texts = {side: _capped(text_of(r) for r in arts if r["label"] == side) for side in SIDES}
        kw = side_keywords(texts, keywords, lexicons)
        for side in SIDES:
            out[side]["keywords"] = kw.get(side, [])
    return out


KEYWORD_CHARS = 2_000_000     # per side: beyond this the keywords are stable and jieba only costs time


def _capped(texts: Iterable[str]) -> str:
    """The texts joined one a line, up to KEYWORD_CHARS (the one that crosses it whole);
    a text past the budget is never asked for."""
    out, n = [], 0
    for t in texts:
        if n >= KEYWORD_CHARS:
            break
        out.append(t)
        n += len(t)
    return "\n".join(out)


def side_keywords(texts: dict, top: int = 10, lexicons: tuple = ()) -> dict:
    """Top keywords per side: jieba's TF-IDF (extract_tags) over each side's kept
    text, stop words removed, domain terms kept whole; a word ranks by how much more
    it weighs on this side than on the other, so both lists are not led by the words
    every article uses (品牌, 创始人)."""
    texts = {k: v for k, v in texts.items() if v.strip()}
    if not texts:
        return {}
    from ipcorpus.nlp import ensure, tokenizer
    from ipcorpus.stance.lexicon import get_lexicon
    from ipcorpus.stance.sentence import set_user_words, user_words
    set_user_words(get_lexicon(tuple(lexicons)))
    jieba = tokenizer(user_words())
    tfidf = _tfidf(jieba)
    weights = {}
    for side, text in texts.items():
        ensure(text)
        tags = tfidf.extract_tags(text, topK=300, withWeight=True)
        weights[side] = {w: x for w, x in tags if not _NOT_WORD.match(w)}
    out = {}
    for side, ws in weights.items():
        others = [weights[o] for o in weights if o != side]
        ranked = []
        for w, x in ws.items():
            other = max((o.get(w, 0.0) for o in others), default=0.0)
            if x > other:
                ranked.append((x - other, w))
        ranked.sort(key=lambda t: (-t[0], t[1]))
        out[side] = [{"word": w, "weight": round(x, 4)} for x, w in ranked[:top]]
    return out


_TFIDF = None


def _tfidf(jieba):
    """jieba's TF-IDF extractor with its IDF table (loaded once, lazily) and our stop words."""
    global _TFIDF
    if _TFIDF is None:
        import jieba.analyse as analyse
        t = analyse.TFIDF()
        t.tokenizer = t.postokenizer = jieba.dt
        t.stop_words = set(t.stop_words) | STOP_WORDS
        _TFIDF = t
    return _TFIDF


def _health(corpus, recs: list[dict]) -> dict:
    failed = [{"path": safe_path(f.path), "error": f.error} for f in corpus.failed()]
    noise = [r["path"] for r in recs if not r["kept_lines"]]
    damaged = [{"path": r["path"], "lines": r["damaged"]} for r in recs if r["damaged"]]
    return {
        "files": len(corpus.files),
        "analysed": len(recs),
        "failed": {"count": len(failed), "files": failed},
        "all_noise": {"count": len(noise), "files": noise},
        "damaged": {"count": len(damaged), "lines": sum(len(d["lines"]) for d in damaged), "files": damaged},
        "scripts": dict(sorted(Counter(r["script"] for r in recs).items())),
        "encodings": dict(sorted(Counter(r["encoding"] for r in recs).items())),
    }
