"""The analyser's fingerprint: a digest of the code and data that decide results, so
that any change to them (an upgrade, a rule or lexicon edit) re-analyses instead of
serving stale results from the index.

The rule is over packages, not a list of files: every file of ipcorpus counts (the
stage packages that read, clean and score articles, the corpus run, the shared
top-level modules, a package added later) except those of the packages that only
store or present results. Changing how results are stored or printed must not throw
the index away; counting a module that decides nothing only costs one re-analysis."""
from __future__ import annotations

import hashlib
from pathlib import Path, PurePath

# The index stores results (its layout has its own SCHEMA_VERSION; its user cache is
# keyed by each entry's whole input); report/, commands/ and check/ print them.
NOT_DECIDING_PACKAGES = frozenset({"report", "index", "commands", "check"})
PACKAGE = Path(__file__).resolve().parent.parent

_FINGERPRINTS: dict = {}


def decides(rel: PurePath) -> bool:
    """Whether the package's file at `rel` (relative to the package) can change an analysis."""
    return rel.parts[0] not in NOT_DECIDING_PACKAGES


def code_fingerprint(everything: bool = False) -> str:
    """The digest of this installation's deciding files (computed once per process).
    With `everything`, of the whole package: what decides a command's printed output
    (index/output_cache.py)."""
    if everything not in _FINGERPRINTS:
        _FINGERPRINTS[everything] = digest(PACKAGE, everything)
    return _FINGERPRINTS[everything]


def digest(root: Path, everything: bool = False) -> str:
    """The digest of the source and data files under the package folder `root`."""
    h = hashlib.blake2b(digest_size=8)
    for p in sorted(list(root.rglob("*.py")) + list(root.rglob("*.toml"))):
        rel = p.relative_to(root)
        if "__pycache__" in rel.parts or not (everything or decides(rel)):
            continue
        h.update(str(rel).encode())
        h.update(p.read_bytes())
    return h.hexdigest()
