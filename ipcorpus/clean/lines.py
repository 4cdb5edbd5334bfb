"""Cleaning: a verdict for every original line (keep, or drop with a rule), and the
metadata found on the way. Nothing is edited; precision comes first: a line is
kept unless a named rule or detector says it is furniture.

clean() runs the passes in order: structural blocks (blocks.py), the line rules
(rules.py), the edge rules outside the article's core, then the verdicts from
where a line stands (runs.py), and the metadata (meta.py)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ipcorpus.clean import meta as meta_mod
from ipcorpus.clean.blocks import from_markup, related_list, text_blocks
from ipcorpus.clean.rules import RuleSet, default_ruleset, value_of
from ipcorpus.clean.runs import caption_labels, core, cta_block, repeats, smooth, tail
from ipcorpus.clean.text import bare, is_sentence
from ipcorpus.models import Document, Meta, Verdict


@dataclass
class Cleaned:
    doc: Document
    verdicts: list[Verdict]
    plain: list[str]                 # bare text of every line (empty for blank lines)
    meta: Meta = field(default_factory=Meta)
    outlet: str | None = None

    @property
    def counts(self) -> dict:
        c = {"keep": 0, "drop": 0, "blank": 0}
        for v in self.verdicts:
            c[v.action] += 1
        return c


def clean(doc: Document, rules: RuleSet | None = None) -> Cleaned:
    rules = rules or default_ruleset()
    texts = [ln.text for ln in doc.lines]
    plain = [bare(t) for t in texts]
    n = len(texts)
    rule: list[str | None] = [None] * n          # None = keep (so far)
    values: dict[int, str] = {}                      # meta values by index
    blank = [not t.strip() for t in texts]

    _structure(doc, texts, plain, rule, blank, rules, values)
    related_list(plain, rule, blank, rules)
    for i in range(n):
        if blank[i] or rule[i]:
            continue
        r, m = rules.first_match(plain[i], texts[i])
        if r is not None and r.on == "text" and r.family == "markup" and is_sentence(plain[i]):
            # A sentence glued to an image or a URL: the markup is dropped from the
            # line's text (bare), the sentence kept.
            r = None
        if r is not None:
            rule[i] = r.name
            if r.name.startswith("meta:") and (v := value_of(m, plain[i], texts[i], r.on)):
                values[i] = v.strip()
    first, last = core(plain, rule, blank)
    for i in range(n):
        if blank[i] or rule[i] or first <= i <= last:
            continue
        edge = rules.first_edge(plain[i], texts[i])
        if edge is not None:
            rule[i] = edge.name
    if rules.on("tail"):
        tail(plain, rule, blank)
    if rules.on("cta-block"):
        cta_block(plain, rule, blank, rules)
    if rules.on("caption-label"):
        caption_labels(plain, texts, rule, blank)
    title_i = _title(doc, plain, texts, rule, blank, values)
    if rules.on("repeat"):
        repeats(plain, rule, blank, title_i)
    if rules.on("smooth"):
        smooth(plain, texts, rule, blank, title_i)
    verdicts = [Verdict(i + 1, "blank") if blank[i] else
                Verdict(i + 1, "drop", r) if r else Verdict(i + 1, "keep")
                for i, r in enumerate(rule)]
    outlet = _outlet(texts, rules)
    meta = meta_mod.extract(plain, rule, values, title_i, outlet)
    return Cleaned(doc, verdicts, plain, meta_mod.with_markup(meta, doc.markup, title_i is not None), outlet)


def _structure(doc: Document, texts, plain, rule, blank, rules: RuleSet, values) -> None:
    """Structural blocks no single-line rule sees: a web page's from its markup (its
    parser read the markup, so the detectors of markup left in text, style and
    comment blocks, front matter, templates, have nothing to find), a text file's
    from its lines."""
    if doc.markup is not None:
        from_markup(doc, plain, rule, blank, rules)
    else:
        text_blocks(texts, rule, blank, rules, values)


def _title(doc: Document, plain, texts, rule, blank, values) -> int | None:
    """Index of the title line: the block a web page's markup names, else found in the text."""
    if doc.markup is not None and doc.markup.title:
        return meta_mod.markup_title(plain, rule, blank, doc.markup.title)
    return meta_mod.find_title(plain, texts, rule, blank, values)


def _outlet(texts, rules: RuleSet):
    """The portal whose signs appear most often at the page's edges."""
    edges = "\n".join(texts[:40] + texts[-80:])
    best, hits = None, 0
    for p in rules.packs:
        if p.detect and p.outlet:
            h = sum(len(rx.findall(edges)) for rx in p.detect)
            if h > hits:
                best, hits = p.outlet, h
    return best
