"""The records that flow between the layers: read -> normalize -> clean -> stance,
and those the index keeps (an Analysis, an ArticleStance, a FileRow). A record the
index keeps as JSON has to_dict() and from_dict(), and from_dict(to_dict()) gives
it back equal; the JSON is what the index stores (index/codec.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass
class Block:
    """What the markup says of one block of a web page (read/html_page.py), beside its
    text: cleaning reads it (clean/lines.py)."""
    drop: str = ""           # the markup rule that drops it: html-script, html-comment, html-hidden …
    furniture: str = ""      # the furniture container it sits in: nav | header | footer | aside | form
    link_share: float = 0.0  # the share of its text inside <a>
    link_list: bool = False  # one of three or more sibling blocks made mostly of links
    parent: int = 0          # the block element it is a child of (a number per page), for link_list
    container: int = 0       # the element that makes it furniture (a number per page), 0 for none


@dataclass
class Line:
    number: int          # 1-based, as an editor counts; of a web page's block, the source line its text starts on
    original: str        # the line exactly as decoded (no newline); a web page's block, white space collapsed
    text: str            # normalized: simplified script, glosses removed, width folded, stripped
    damage: int = 0      # characters lost in this line (`?` or U+FFFD standing for a character)
    block: Block | None = None   # a web page's block: what its markup says (None in a text file)


@dataclass
class Document:
    path: str            # as the user gave it (relative stays relative)
    encoding: str
    script: str          # simplified | traditional | traditional-with-pinyin | mixed | none
    lines: list[Line]
    size: int = 0
    warnings: list[str] = field(default_factory=list)
    markup: Meta | None = None   # a web page's metadata from its markup (read/html_page.py), before the text's

    @property
    def damaged_lines(self) -> int:
        return sum(1 for ln in self.lines if ln.damage)


@dataclass
class Verdict:
    line: int
    action: str          # keep | drop | blank
    rule: str = ""       # the rule that dropped it (drop only)


@dataclass
class Meta:
    title: str | None = None
    source: str | None = None
    author: str | None = None
    published: str | None = None
    original_title: str | None = None
    title_line: int | None = None

    def to_dict(self) -> dict:
        return {"title": self.title, "source": self.source, "author": self.author, "published": self.published,
                "original_title": self.original_title, "title_line": self.title_line}

    @classmethod
    def from_dict(cls, d: dict) -> Meta:
        return cls(**d)


@dataclass
class Evidence:
    line: int
    end_line: int
    side: str            # founder-ip | matrix | mixed (one sentence that argues for both)
    weight: float
    rules: list[str]
    text: str

    def cite(self, path: str) -> str:
        return cite(path, self.line, self.end_line)

    def to_dict(self) -> dict:
        return {"line": self.line, "end_line": self.end_line, "side": self.side, "weight": self.weight,
                "rules": list(self.rules), "text": self.text}

    @classmethod
    def from_dict(cls, d: dict) -> Evidence:
        return cls(d["line"], d["end_line"], d["side"], d["weight"], d["rules"], d["text"])


@dataclass
class Stance:
    """An article's stance (stance.aggregate.explain); as the index keeps it and the
    commands print it (analysis.stance_record), with the article's title, source and
    date from its analysis."""
    label: str           # founder-ip | matrix | mixed | neutral
    score: float         # [-1, 1], positive leaning founder-IP (side_score)
    confidence: float    # [0, 1]: how sure the decision is (argued or not, and the side)
    founder: float       # total weight for the founder-IP side
    matrix: float        # total weight for the matrix side
    # entity -> {"mentions": int, "founder": float, "matrix": float, "score": float}
    entities: dict[str, dict] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    topic: str = "off"   # on | off: is the article about a company's voice through people at all
    reason: str | None = None   # why neutral: off-topic | quoted-only | mentions-only | thin
    title: str | None = None    # the article's (Meta), when the stance is an article's record
    source: str | None = None
    published: str | None = None

    def to_dict(self) -> dict:
        # dataclasses.asdict deep-copies field by field, a tenth of scoring time.
        return {"label": self.label, "score": self.score, "confidence": self.confidence,
                "topic": self.topic, "reason": self.reason,
                "founder": self.founder, "matrix": self.matrix,
                "entities": {k: dict(v) for k, v in self.entities.items()},
                "evidence": [e.to_dict() for e in self.evidence],
                "title": self.title, "source": self.source, "published": self.published}

    @classmethod
    def from_dict(cls, d: dict) -> Stance:
        return cls(d["label"], d["score"], d["confidence"], d["founder"], d["matrix"], d["entities"],
                   [Evidence.from_dict(e) for e in d["evidence"]], topic=d["topic"], reason=d["reason"],
                   title=d["title"], source=d["source"], published=d["published"])


# The stance record of an article, as the index keeps it and the commands read it.
ArticleStance = Stance

KEEP = "keep"           # the action of a line cleaning kept (Verdict.action)


@dataclass
class Analysis:
    """One document's analysis (analysis.analyse_cleaned): a pure function of its bytes
    and the settings, kept in the index as the JSON of to_dict(). The lists hold one
    entry per line of the file, line number n at index n - 1."""
    encoding: str
    script: str              # as Document.script
    size: int                # bytes
    warnings: list[str]      # what decoding noticed
    text: list[str]          # each line normalized (Line.text)
    plain: list[str]         # ... and bare, as cleaning and stance read it (empty for a blank line)
    damage: list[int]        # characters lost in each line (Line.damage)
    # [action, rule] of each line (a Verdict without its number): keep | drop | blank and the
    # rule that dropped it. Pairs as JSON has them, so unpacking a file of a million lines
    # makes no million objects; learned furniture is dropped in place (analysis.drop_recurring).
    verdicts: list[list[str]]
    meta: Meta
    outlet: str | None = None            # the portal that published it, when cleaning knows it
    # For learning furniture over the corpus (corpus/furniture.py): the keys (analysis.line_key) of its
    # short lines, sorted; the (key, line number) of each short kept line outside the article's
    # core, which is furniture if the corpus repeats it; the article's fingerprint, which its
    # copies share.
    keys: list[str] = field(default_factory=list)
    candidates: list[tuple[str, int]] = field(default_factory=list)
    fp: str = ""
    # A web page's lines are its blocks: the source line each one starts on (empty for a
    # text file, whose line n is at index n - 1). Citations print these (line_number).
    numbers: list[int] = field(default_factory=list)

    def line_number(self, i: int) -> int:
        """The line the citation of index i names: line i + 1 of a text file, the
        source line of a web page's block i."""
        return self.numbers[i] if self.numbers else i + 1

    def indexes_at(self, first: int, last: int) -> list[int]:
        """The indexes whose cited line is in first..last."""
        if not self.numbers:
            return list(range(max(0, first - 1), min(len(self.verdicts), last)))
        return [i for i, n in enumerate(self.numbers) if first <= n <= last]

    def is_kept(self, i: int) -> bool:
        """Whether line i + 1 is kept: part of the article."""
        return self.verdicts[i][0] == KEEP

    def kept(self) -> list[int]:
        """The indexes (line number - 1) of the kept lines, in order: the article."""
        return [i for i, v in enumerate(self.verdicts) if v[0] == KEEP]

    def kept_text(self) -> str:
        """The kept lines, bare, one a line: the text reposts are compared by."""
        return "\n".join([self.plain[i] for i in self.kept()])

    def damaged(self) -> list[int]:
        """The numbers of the lines that lost characters."""
        return [i + 1 for i, d in enumerate(self.damage) if d]

    def to_dict(self) -> dict:
        """The JSON form the index keeps; it shares this record's lists (not a copy)."""
        return {"encoding": self.encoding, "script": self.script, "size": self.size, "warnings": self.warnings,
                "text": self.text, "plain": self.plain, "damage": self.damage, "verdicts": self.verdicts,
                "meta": self.meta.to_dict(), "outlet": self.outlet, "keys": self.keys,
                "candidates": self.candidates, "fp": self.fp, "numbers": self.numbers}

    @classmethod
    def from_dict(cls, d: dict) -> Analysis:
        """The record of to_dict()'s JSON; it takes over d's lists."""
        return cls(d["encoding"], d["script"], d["size"], d["warnings"], d["text"], d["plain"], d["damage"],
                   d["verdicts"], Meta.from_dict(d["meta"]), d["outlet"], d["keys"],
                   [(k, n) for k, n in d["candidates"]], d["fp"], d.get("numbers", []))


@dataclass
class ArticleDigest:
    """What the corpus figures (`ipcorpus report`) read of one article, made by the
    worker that scores it (corpus/digest.py), from the same analysis with the same
    learned furniture dropped: the brief is then a reduce over these small records,
    and the client loads an article's text only to confirm a repost candidate (or
    to count a side's keywords, within their budget)."""
    kept_lines: int                  # lines kept: 0 means all noise, no article
    damaged: list[int]               # Analysis.damaged()
    outlet: str | None               # Analysis.outlet: the portal
    script: str
    encoding: str
    # The MinHash sketch of the kept text (corpus/reposts.py); None when it is too
    # short to compare.
    sketch: list[int] | None = None

    def to_dict(self) -> dict:
        return {"kept_lines": self.kept_lines, "damaged": self.damaged,
                "outlet": self.outlet, "script": self.script, "encoding": self.encoding,
                "sketch": self.sketch}

    @classmethod
    def from_dict(cls, d: dict) -> ArticleDigest:
        return cls(d["kept_lines"], d["damaged"], d["outlet"], d["script"], d["encoding"], d["sketch"])


class FileRow(NamedTuple):
    """A file as the index last saw it (the `files` table; index.Store.file_rows,
    keyed by path): what pipeline.run compares to decide whether to read it again."""
    size: int | None        # bytes and modification time when it was last looked at
    mtime_ns: int | None
    hash: str | None        # its content hash (None: it could not be read)
    status: str             # ok | failed
    error: str | None       # why it failed
    version: str | None     # the analyser version (pipeline.Options.version) that saw it


def side_score(founder: float, matrix: float) -> float:
    """The score of two side weights, in (-1, 1), positive leaning founder-IP:
    (founder - matrix) / (founder + matrix + 1), rounded to 3 places; 0.0 when both
    are 0. An article's, an entity's in it, an entity's over a corpus."""
    total = founder + matrix
    return round((founder - matrix) / (total + 1.0), 3) if total else 0.0


def cite(path: str, line: int, end_line: int | None = None) -> str:
    """`path:line` or `path:line-end`, the form editors and `ipcorpus show` resolve."""
    if end_line and end_line != line:
        return f"{path}:{line}-{end_line}"
    return f"{path}:{line}"
