"""The records that flow between the layers: read -> normalize -> clean -> stance."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass
class Line:
    number: int          # 1-based, as an editor counts
    original: str        # the line exactly as decoded (no newline)
    text: str            # normalized: simplified script, glosses removed, width folded, stripped
    damage: int = 0      # characters lost in this line (`?` or U+FFFD standing for a character)


@dataclass
class Document:
    path: str            # as the user gave it (relative stays relative)
    encoding: str
    script: str          # simplified | traditional | traditional-with-pinyin | mixed | none
    lines: list[Line]
    size: int = 0
    warnings: list[str] = field(default_factory=list)

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


@dataclass
class Stance:
    label: str           # founder-ip | matrix | mixed | neutral
    score: float         # [-1, 1], positive leaning founder-IP
    confidence: float    # [0, 1]: how sure the decision is (argued or not, and the side)
    founder: float       # total weight for the founder-IP side
    matrix: float        # total weight for the matrix side
    entities: dict = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    topic: str = "off"   # on | off: is the article about a company's voice through people at all
    reason: str | None = None   # why neutral: off-topic | quoted-only | mentions-only | thin

    def to_dict(self) -> dict:
        # dataclasses.asdict deep-copies field by field, a tenth of scoring time.
        return {"label": self.label, "score": self.score, "confidence": self.confidence,
                "topic": self.topic, "reason": self.reason,
                "founder": self.founder, "matrix": self.matrix,
                "entities": {k: dict(v) for k, v in self.entities.items()},
                "evidence": [{"line": e.line, "end_line": e.end_line, "side": e.side, "weight": e.weight,
                              "rules": list(e.rules), "text": e.text} for e in self.evidence]}


class FileRow(NamedTuple):
    """A file as the index last saw it (the `files` table; store.Store.file_rows,
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
