"""One document's analysis: a pure function of its bytes (plus the rule and lexicon
configuration), so results can be cached by content hash and computed in any
process. Corpus-level learning (recurring furniture) is applied afterwards."""
from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import asdict
from typing import TYPE_CHECKING

from ipcorpus.noise.text import cjk_count, is_prose

if TYPE_CHECKING:
    from ipcorpus.noise.clean import Cleaned

# Cleaning and scoring are imported where they run: a run that finds nothing
# changed (and the worker-less main process) never loads them.

RECUR_MAX_LEN = 40        # only short lines can be learned as furniture
_DIGITS = re.compile(r"\d+")
_NOISE_CHARS = re.compile(r"[\s\W_]+")


def _sentence_like(s: str) -> bool:
    return is_prose(s) or (cjk_count(s) >= 8 and s.rstrip("”’」）)\"'").endswith(("。", "！", "？", "!", "?", "…")))


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def line_key(plain: str) -> str:
    """CCNet-style key: normalized, digits folded, punctuation and spaces removed."""
    return _NOISE_CHARS.sub("", _DIGITS.sub("0", plain.lower()))


def analyse_cleaned(c: Cleaned, lexicon_files: tuple = (), with_stance: bool = True) -> tuple[dict, dict | None]:
    """(analysis record, stance record) of a cleaned document; the stance record is
    None without `with_stance` (scoring may load jieba, which a caller may not need)."""
    doc = c.doc
    texts = [ln.text for ln in doc.lines]
    verdicts = [[v.action, v.rule] for v in c.verdicts]
    keys, candidates = [], []
    prose_keys = []
    kept_idx = [i for i, v in enumerate(c.verdicts) if v.action == "keep"]
    # The article's span runs from its first to its last kept sentence (short closing
    # sentences included); only lines outside it may be learned as furniture.
    core = [i for i in kept_idx if _sentence_like(c.plain[i])]
    first, last = (core[0], core[-1]) if core else (len(texts), -1)
    for i, v in enumerate(c.verdicts):
        p = c.plain[i]
        if v.action == "blank" or not p:
            continue
        if len(p) <= RECUR_MAX_LEN:
            k = line_key(p)
            if len(k) >= 2:
                keys.append(k)
                if v.action == "keep" and not (first <= i <= last) and i + 1 != c.meta.title_line \
                        and not texts[i].startswith("#"):
                    candidates.append([k, i + 1])
        elif v.action == "keep":
            prose_keys.append(line_key(p))
    # The article's fingerprint: reposts of one article share it, so a line that
    # recurs only among them is not learned as furniture.
    fp = min((format(zlib.crc32(k.encode()), "08x") for k in prose_keys), default=None) or \
        format(zlib.crc32("".join(texts).encode()), "08x")
    analysis = {
        "encoding": doc.encoding, "script": doc.script, "size": doc.size, "warnings": doc.warnings,
        "text": texts, "plain": c.plain, "damage": [ln.damage for ln in doc.lines],
        "verdicts": verdicts, "meta": asdict(c.meta), "outlet": c.outlet,
        "keys": sorted(set(keys)), "candidates": candidates, "fp": fp,
    }
    return analysis, (stance_record(analysis, lexicon_files) if with_stance else None)


def article_units(analysis: dict) -> list:
    """The sentences (sentences.Unit) of an analysis's kept lines: what stance reads."""
    from ipcorpus.sentences import units
    kept = [(i + 1, analysis["plain"][i], analysis["text"][i])
            for i, (action, _) in enumerate(analysis["verdicts"]) if action == "keep"]
    return units(kept, analysis["meta"].get("title_line"))


def stance_record(analysis: dict, lexicon_files: tuple = ()) -> dict:
    from ipcorpus.stance.aggregate import stance_of
    from ipcorpus.stance.lexicon import get_lexicon
    meta = analysis["meta"]
    st = stance_of(article_units(analysis), get_lexicon(tuple(lexicon_files)))
    d = st.to_dict()
    d["title"] = meta.get("title")
    d["source"] = meta.get("source")
    d["published"] = meta.get("published")
    return d


def analyse_bytes(path: str, data: bytes, rules=None, lexicon_files: tuple = (),
                  with_stance: bool = True) -> tuple[dict, dict | None]:
    from ipcorpus.document import document_from_bytes
    from ipcorpus.noise.clean import clean
    doc = document_from_bytes(path, data)
    return analyse_cleaned(clean(doc, rules), lexicon_files, with_stance)


def drop_recurring(analysis: dict, recurring: set) -> bool:
    """Drop the learned furniture lines of one document in place; True if any was kept."""
    changed = False
    for k, line in analysis.get("candidates", []):
        if k in recurring and analysis["verdicts"][line - 1][0] == "keep":
            analysis["verdicts"][line - 1] = ["drop", "recurring"]
            changed = True
    return changed

