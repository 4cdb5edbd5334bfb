"""An article's digest (models.ArticleDigest): what the corpus figures of `ipcorpus
report` read of it, made where the article is scored (a process of the local pool,
or a Dask worker) from the same analysis with the same learned furniture dropped.
The brief is then a reduce over these small records on the client: it loads an
article's text again only to confirm a repost candidate (report/figures.py).

Keywords. `report` ranks each side's keywords by jieba's TF-IDF (extract_tags) over
the kept texts of the side's articles, joined one a line. extract_tags counts the
words of its text (cut by jieba; words under 2 characters and stop words out) and
weighs each count by the word's IDF over the total count. jieba cuts a text in blocks
split at every character outside its word class, the line break among them, so the
counts over texts joined by line breaks are the sums of each text's counts, and a
dict summed in the texts' order keeps the order of first use that breaks
extract_tags's ties. So the keywords come out of the summed counts exactly as out of
the joined text (side_weights; tests/test_digest.py holds the two equal), and only a
side-taking article's words are counted: no figure reads the others'.

Cutting a whole article costs jieba more than scoring it, and only `report` shows
keywords: a run counts them only when it is a report's (Options.keywords). A brief
over articles scored by another command counts the ones it needs itself, up to its
budget (report/figures.py, KEYWORD_CHARS per side)."""
from __future__ import annotations

from operator import itemgetter

from ipcorpus.corpus.reposts import text_sketch
from ipcorpus.models import Analysis, ArticleDigest, ArticleStance

SIDES = ("founder-ip", "matrix")

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

TAGS = 300          # extract_tags(topK=300): the words per side that the ranking compares


def digest_of(analysis: Analysis, stance: ArticleStance, lexicons: tuple = (), keywords: bool = True) -> ArticleDigest:
    """The digest of an analysis (learned furniture already dropped) and its stance;
    the keyword terms only with `keywords` (pipeline.Options.keywords)."""
    text = analysis.kept_text()
    sketch = text_sketch(text)
    return ArticleDigest(len(analysis.kept()), len(text), analysis.damaged(), analysis.outlet, analysis.script,
                         analysis.encoding, list(sketch) if sketch is not None else None,
                         term_counts(text, lexicons) if keywords and stance.label in SIDES else None)


def term_counts(text: str, lexicons: tuple = ()) -> dict[str, int]:
    """The words extract_tags counts in `text`, with their counts, in order of first use."""
    if not text.strip():
        return {}
    from ipcorpus.nlp import ensure
    t = tfidf_extractor(lexicons)
    ensure(text)
    counts: dict[str, int] = {}
    stop = t.stop_words
    for w in t.tokenizer.cut(text):
        if len(w.strip()) < 2 or w.lower() in stop:
            continue
        counts[w] = counts.get(w, 0) + 1
    return counts


def add_counts(into: dict[str, int], counts: dict[str, int]) -> None:
    """Sum `counts` into `into`, a word new to it going last (order of first use)."""
    for w, c in counts.items():
        into[w] = into.get(w, 0) + c


def side_weights(counts: dict[str, int], lexicons: tuple = ()) -> list[tuple[str, float]]:
    """What extract_tags(text, topK=TAGS, withWeight=True) returns for the text whose
    term counts these are: the same arithmetic, in the same order."""
    if not counts:
        return []
    t = tfidf_extractor(lexicons)
    idf, median = t.idf_freq, t.median_idf
    total = float(sum(counts.values()))
    freq = {w: float(c) * (idf.get(w, median) / total) for w, c in counts.items()}
    return sorted(freq.items(), key=itemgetter(1), reverse=True)[:TAGS]


_TFIDF = None


def tfidf_extractor(lexicons: tuple = ()):
    """jieba's TF-IDF extractor (its IDF table loaded once, lazily) on our tokenizer
    (domain terms as user words) with our stop words."""
    global _TFIDF
    if _TFIDF is None:
        from ipcorpus.nlp import tokenizer
        from ipcorpus.stance.lexicon import get_lexicon
        from ipcorpus.stance.sentence import set_user_words, user_words
        set_user_words(get_lexicon(tuple(lexicons)))
        jieba = tokenizer(user_words())
        import jieba.analyse as analyse
        t = analyse.TFIDF()
        t.tokenizer = t.postokenizer = jieba.dt
        t.stop_words = set(t.stop_words) | STOP_WORDS
        _TFIDF = t
    return _TFIDF
