"""How records are stored in the index: paths (text, or bytes for names that are not
UTF-8), and analyses, stances and digests as compressed JSON."""
from __future__ import annotations

import json
import os
import zlib

from ipcorpus.models import Analysis, ArticleDigest, ArticleStance


def path_key(path: str):
    """A path as stored: its text, or its bytes when the name is not valid UTF-8
    (os.walk hands such names over with lone surrogates, which SQLite refuses)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path)


def path_of(key) -> str:
    return os.fsdecode(key) if isinstance(key, bytes) else key


def pack(obj) -> bytes:
    return zlib.compress(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 3)


def unpack(blob: bytes):
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def pack_analysis(analysis: Analysis) -> dict:
    """What the index keeps of an analysis, ready to write (made by the worker that
    analysed it, so the run's main process only inserts rows)."""
    return {"blob": pack(analysis.to_dict()), "stats": json.dumps(stats_of(analysis)),
            "keys": analysis.keys, "fp": analysis.fp}


def unpack_analysis(blob: bytes) -> Analysis:
    return Analysis.from_dict(unpack(blob))


def pack_stance(stance: ArticleStance) -> bytes:
    return pack(stance.to_dict())


def unpack_stance(blob: bytes) -> ArticleStance:
    return ArticleStance.from_dict(unpack(blob))


def pack_digest(digest: ArticleDigest) -> bytes:
    return pack(digest.to_dict())


def unpack_digest(blob: bytes) -> ArticleDigest:
    return ArticleDigest.from_dict(unpack(blob))


def stats_of(analysis: Analysis) -> dict:
    """The few numbers a summary needs, kept apart so it need not unpack analyses."""
    acts = [v[0] for v in analysis.verdicts]
    return {"encoding": analysis.encoding, "script": analysis.script, "lines": len(acts),
            "kept": len(analysis.kept()), "dropped": acts.count("drop"), "blank": acts.count("blank"),
            "damaged": len(analysis.damaged())}
