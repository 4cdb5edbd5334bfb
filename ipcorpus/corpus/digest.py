"""An article's digest (models.ArticleDigest): what the corpus figures of `ipcorpus
report` read of it, made where the article is scored (a process of the local pool,
or a Dask worker) from the same analysis with the same learned furniture dropped.
The brief is then a reduce over these small records on the client: it loads an
article's text again only to confirm a repost candidate, or to count a side's
keywords within their budget (report/figures.py).

The keywords stay the brief's own step, on purpose: jieba cuts a whole article more
slowly than ipcorpus scores it, and the brief cuts at most KEYWORD_CHARS a side
however large the corpus, a fixed cost; counting every side-taking article where it
is scored would cost every run, and a report's run more in all than the budget."""
from __future__ import annotations

from ipcorpus.corpus.reposts import text_sketch
from ipcorpus.models import Analysis, ArticleDigest


def digest_of(analysis: Analysis) -> ArticleDigest:
    """The digest of an analysis (its learned furniture already dropped)."""
    sketch = text_sketch(analysis.kept_text())
    return ArticleDigest(len(analysis.kept()), analysis.damaged(), analysis.outlet, analysis.script,
                         analysis.encoding, list(sketch) if sketch is not None else None)
