"""One document's analysis: a pure function of its bytes (plus the rule and lexicon
configuration), so results can be cached by content hash and computed in any
process. Corpus-level learning (recurring furniture) is applied afterwards."""
from __future__ import annotations

import hashlib
import re
import zlib
from typing import TYPE_CHECKING

from ipcorpus.clean.text import cjk_count, is_prose
from ipcorpus.memo import remembered
from ipcorpus.models import Analysis, ArticleDigest, ArticleStance, Evidence

if TYPE_CHECKING:
    from ipcorpus.clean.lines import Cleaned

# Cleaning and scoring are imported where they run: a run that finds nothing
# changed (and the worker-less main process) never loads them.

RECUR_MAX_LEN = 40        # only short lines can be learned as furniture
_DIGITS = re.compile(r"\d+")
_NOISE_CHARS = re.compile(r"[\s\W_]+")


def _sentence_like(s: str) -> bool:
    return is_prose(s) or (cjk_count(s) >= 8 and s.rstrip("”’」）)\"'").endswith(("。", "！", "？", "!", "?", "…")))


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@remembered
def line_key(plain: str) -> str:
    """CCNet-style key: normalized, digits folded, punctuation and spaces removed."""
    return _NOISE_CHARS.sub("", _DIGITS.sub("0", plain.lower()))


def analyse_cleaned(c: Cleaned, lexicon_files: tuple = (),
                    with_stance: bool = True) -> tuple[Analysis, ArticleStance | None]:
    """(analysis, stance record) of a cleaned document; the stance record is None
    without `with_stance` (scoring may load jieba, which a caller may not need)."""
    doc = c.doc
    a = Analysis(doc.encoding, doc.script, doc.size, doc.warnings, [ln.text for ln in doc.lines], c.plain,
                 [ln.damage for ln in doc.lines], [[v.action, v.rule] for v in c.verdicts], c.meta, c.outlet,
                 numbers=[ln.number for ln in doc.lines] if doc.markup is not None else [])
    a.keys, a.candidates, a.fp = _learning_keys(a)
    return a, (stance_record(a, lexicon_files) if with_stance else None)


def _learning_keys(a: Analysis) -> tuple[list[str], list[tuple[str, int]], str]:
    """What learning furniture over the corpus reads of a document (Analysis.keys,
    .candidates, .fp)."""
    keys, candidates = [], []
    prose_keys = []
    # The article's span runs from its first to its last kept sentence (short closing
    # sentences included); only lines outside it may be learned as furniture.
    core = [i for i in a.kept() if _sentence_like(a.plain[i])]
    first, last = (core[0], core[-1]) if core else (len(a.text), -1)
    for i, (action, _) in enumerate(a.verdicts):
        p = a.plain[i]
        if action == "blank" or not p:
            continue
        if len(p) <= RECUR_MAX_LEN:
            k = line_key(p)
            if len(k) >= 2:
                keys.append(k)
                if a.is_kept(i) and not (first <= i <= last) and i + 1 != a.meta.title_line \
                        and not a.text[i].startswith("#"):
                    candidates.append((k, i + 1))
        elif a.is_kept(i):
            prose_keys.append(line_key(p))
    # The article's fingerprint: reposts of one article share it, so a line that
    # recurs only among them is not learned as furniture.
    fp = min((format(zlib.crc32(k.encode()), "08x") for k in prose_keys), default=None) or \
        format(zlib.crc32("".join(a.text).encode()), "08x")
    return sorted(set(keys)), candidates, fp


def article_units(analysis: Analysis) -> list:
    """The sentences (sentences.Unit) of an analysis's kept lines: what stance reads."""
    from ipcorpus.sentences import units
    kept = [(i + 1, analysis.plain[i], analysis.text[i]) for i in analysis.kept()]
    return units(kept, analysis.meta.title_line)


def cited(analysis: Analysis, evidence: list[Evidence]) -> None:
    """Evidence found over an analysis's lines (its indexes + 1, as article_units
    numbers them) made to cite the lines of the file (Analysis.line_number): a web
    page's blocks by their source lines. Stance reads blocks as lines, so a page on
    one source line still has its paragraphs apart."""
    if analysis.numbers:
        for e in evidence:
            e.line, e.end_line = analysis.numbers[e.line - 1], analysis.numbers[e.end_line - 1]


def stance_record(analysis: Analysis, lexicon_files: tuple = ()) -> ArticleStance:
    """The article's stance, with its title, source and date."""
    from ipcorpus.stance.aggregate import stance_of
    from ipcorpus.stance.lexicon import get_lexicon
    st = stance_of(article_units(analysis), get_lexicon(tuple(lexicon_files)))
    cited(analysis, st.evidence)
    meta = analysis.meta
    st.title, st.source, st.published = meta.title, meta.source, meta.published
    return st


def scored(analysis: Analysis, lexicon_files: tuple = ()) -> tuple[ArticleStance, ArticleDigest]:
    """The article's stance and its digest for the corpus figures (corpus/digest.py),
    from one analysis (its learned furniture dropped): made together, so the index
    never holds one without the other."""
    from ipcorpus.corpus.digest import digest_of
    return stance_record(analysis, lexicon_files), digest_of(analysis)


def analyse_bytes(path: str, data: bytes, rules=None, lexicon_files: tuple = (),
                  with_stance: bool = True) -> tuple[Analysis, ArticleStance | None]:
    from ipcorpus.clean.lines import clean
    from ipcorpus.read.document import document_from_bytes
    doc = document_from_bytes(path, data)
    return analyse_cleaned(clean(doc, rules), lexicon_files, with_stance)


def drop_recurring(analysis: Analysis, recurring: set) -> bool:
    """Drop the learned furniture lines of one document in place; True if any was kept."""
    changed = False
    for k, line in analysis.candidates:
        if k in recurring and analysis.is_kept(line - 1):
            analysis.verdicts[line - 1] = ["drop", "recurring"]
            changed = True
    return changed

