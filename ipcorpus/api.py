"""The library: what the commands compute, for Python callers. `ipcorpus` exports
`analyse_text`, `Corpus`, `Article` and `ArticleLine` from here; the CLI opens its
corpora through `Corpus.open` and prints what these records hold.

One article, no index:

>>> from ipcorpus import analyse_text
>>> text = open("sample_corpus/36kr/tesla_musk_x_account.txt", encoding="utf-8").read()
>>> a = analyse_text(text, path="a.txt")
>>> a.stance.label, a.stance.evidence[0].cite(a.path)
('founder-ip', 'a.txt:65')
>>> a.lines[64].action, a.lines[64].text[:13]
('keep', '但对于想用有限预算打开局面')
>>> [(ln.number, ln.rule) for ln in a.dropped()][:2]
[(1, 'breadcrumb'), (5, 'meta:dateline')]

A corpus, indexed as `ipcorpus ingest` indexes it (`scheduler="tcp://…"` analyses on a
Dask cluster; `no_cache=True` writes no index):

>>> from ipcorpus import Corpus
>>> corpus = Corpus.open("sample_corpus", no_cache=True)
>>> len(corpus)
20
>>> rec = next(corpus.stances(evidence=1))
>>> rec["path"], rec["label"], rec["evidence"][0]["citation"]
('sample_corpus/36kr/tesla_musk_x_account.txt', 'founder-ip', 'sample_corpus/36kr/tesla_musk_x_account.txt:65')
>>> doc = next(corpus.documents())
>>> doc.path == rec["path"] and doc.stance.label == rec["label"]
True
>>> figures = corpus.report(keywords=0)["corpus"]
>>> figures["documents"], figures["articles"]      # a repost is one article
(20, 19)
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ipcorpus.models import Analysis, ArticleStance


@dataclass(frozen=True)
class ArticleLine:
    number: int          # 1-based, as an editor counts
    text: str            # normalized (simplified script, width folded)
    action: str          # keep | drop | blank
    rule: str            # the rule that dropped it ("" unless dropped)


@dataclass
class Article:
    """One analysed article: its lines with their verdicts, its stance (label, score,
    evidence cited by line) and the metadata cleaning found."""
    path: str
    analysis: Analysis
    stance: ArticleStance

    @property
    def lines(self) -> list[ArticleLine]:
        return [ArticleLine(i + 1, t, v[0], v[1] if v[0] == "drop" else "")
                for i, (t, v) in enumerate(zip(self.analysis.text, self.analysis.verdicts, strict=True))]

    def kept(self) -> list[ArticleLine]:
        return [ln for ln in self.lines if ln.action == "keep"]

    def dropped(self) -> list[ArticleLine]:
        return [ln for ln in self.lines if ln.action == "drop"]

    def record(self, evidence: int = 10) -> dict:
        """The article as `ipcorpus stance --format json` prints it."""
        from ipcorpus.commands.stance_tables import stance_dict
        return stance_dict(self.path, self.stance, evidence)


def analyse_text(text: str, path: str = "<text>", keep_rules: Sequence[str] = (), drop_rules: Sequence[str] = (),
                 lexicons: Sequence[str] = ()) -> Article:
    """Clean and score one article given as text; `path` is what its citations name.
    Recurring furniture is a corpus's: a lone text has none (open a Corpus for it)."""
    from ipcorpus.corpus.analysis import analyse_bytes
    from ipcorpus.corpus.pipeline import Options
    from ipcorpus.corpus.workers import worker_rules
    opts = Options(keep_rules=tuple(keep_rules), drop_rules=tuple(drop_rules), lexicons=tuple(lexicons))
    analysis, stance = analyse_bytes(path, text.encode("utf-8"), worker_rules(opts), opts.lexicons)
    assert stance is not None
    return Article(path, analysis, stance)


def make_options(paths: list[str], db: str | None = None, no_cache: bool = False, jobs: int = 0,
                 glob=None, config: str | None = None, keep_rules=None, drop_rules=None, lexicons=None,
                 scheduler: str | None = None):
    """A run's pipeline.Options: the settings of the paths' ipcorpus.toml (or `config`),
    overridden by the arguments given (the command line's options)."""
    from ipcorpus.config import resolve
    from ipcorpus.corpus.pipeline import Options
    s = resolve(paths, config, glob, keep_rules, drop_rules, lexicons)
    opts = Options(db=db, no_cache=no_cache, jobs=jobs, patterns=s.patterns, keep_rules=s.keep_rules,
                   drop_rules=s.drop_rules, user_rules=s.user_rules, lexicons=s.lexicons, scheduler=scheduler or None)
    if s.max_size is not None:
        opts.max_bytes = s.max_size
    if s.time_limit is not None:
        opts.time_limit = s.time_limit
    return opts


class Corpus:
    """An indexed corpus (pipeline.run): its documents, their stance records, the
    report's figures. `run` is the pipeline's corpus the commands render."""

    def __init__(self, paths: list[str], run):
        self.paths = paths
        self.run = run

    @classmethod
    def open(cls, paths: str | Sequence[str], *, db: str | None = None, no_cache: bool = False,
             scheduler: str | None = None, jobs: int = 0, config: str | None = None, options=None,
             progress: Callable | None = None, stream=None) -> Corpus:
        """Index the files and folders (local paths or fsspec URLs) incrementally, as
        every command does, with the settings of their ipcorpus.toml (or `config`);
        `options` (pipeline.Options) replaces all of that, as the CLI passes it;
        `stream` (pipeline.Stream) is told as each stance becomes final."""
        from ipcorpus.corpus.pipeline import run
        paths = [paths] if isinstance(paths, str) else list(paths)
        if options is None:
            options = make_options(paths, db, no_cache, jobs, config=config, scheduler=scheduler)
        return cls(paths, run(paths, options, progress, stream))

    def __len__(self) -> int:
        return len(self.run.docs())

    def failed(self) -> list[tuple[str, str]]:
        """(path, why) of each file that could not be analysed."""
        return [(f.path, f.error or "") for f in self.run.failed()]

    def documents(self) -> Iterator[Article]:
        """Each analysed article, learned furniture dropped, in path order."""
        for f in self.run.docs():
            yield Article(f.path, self.run.analysis(f), self.run.stance(f))

    def stances(self, evidence: int = 10) -> Iterator[dict]:
        """Each article's stance record, as `ipcorpus stance --format json` prints it."""
        from ipcorpus.commands.stance_tables import stance_record
        for f in self.run.docs():
            yield stance_record(self.run, f, evidence)

    def report(self, top: int = 5, keywords: int = 10) -> dict:
        """Every figure of `ipcorpus report` (report.compute)."""
        from ipcorpus.report import compute
        return compute(self.run, self.paths, top=top, keywords=keywords)
