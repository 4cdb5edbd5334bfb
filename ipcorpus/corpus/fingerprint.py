"""The analyser's fingerprint: a digest of the code and data that decide results."""
from __future__ import annotations

import hashlib
from pathlib import Path

_FINGERPRINTS: dict = {}
# Top-level modules whose code decides results (noise/ and stance/ count whole).
_ANALYSIS_MODULES = {"__init__.py", "source.py", "normalize.py", "document.py", "sentences.py",
                     "models.py", "nlp.py", "required.py", "linear.py", "linear_tables.py", "memo.py",
                     "remote.py", "html_source.py"}
# Packages that decide no result: the brief's renderers, and the index that stores
# results (its layout has its own SCHEMA_VERSION). Left out like the top-level
# command modules.
_NOT_DECIDING_PACKAGES = {"report", "index", "commands", "check"}


def code_fingerprint(everything: bool = False) -> str:
    """A digest of the analyser's source and data files, so that any change to them
    (an upgrade, a lexicon edit) re-analyses instead of serving stale results.
    Rendering and command code is left out: changing how results are printed must
    not throw the index away. With `everything`, the whole package: what decides
    a command's printed output (results.py)."""
    if everything not in _FINGERPRINTS:
        root = Path(__file__).resolve().parent.parent
        h = hashlib.blake2b(digest_size=8)
        for p in sorted(list(root.rglob("*.py")) + list(root.rglob("*.toml"))):
            rel = p.relative_to(root)
            presenting = (len(rel.parts) == 1 and rel.name not in _ANALYSIS_MODULES) or \
                rel.parts[0] in _NOT_DECIDING_PACKAGES
            if "__pycache__" in p.parts or (presenting and not everything):
                continue
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
        _FINGERPRINTS[everything] = h.hexdigest()
    return _FINGERPRINTS[everything]
