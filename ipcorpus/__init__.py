"""ipcorpus: founder-IP versus matrix stance analysis for scraped Chinese articles.

The library (api.py): `analyse_text(text, path=...)` for one article,
`Corpus.open(path)` for an indexed corpus (documents, stance records, report figures).
"""

__version__ = "0.1.0"

# Bumped whenever cleaning or scoring changes, so cached results are recomputed.
ANALYSER_VERSION = "1"

__all__ = ["Article", "ArticleLine", "Corpus", "analyse_text"]


def __getattr__(name: str):
    # Loaded on first use: `ipcorpus --help` and the workers import this package, not the
    # library (by name, so that the analysis, which imports this package, does not import it).
    if name in __all__:
        import importlib
        return getattr(importlib.import_module("ipcorpus.api"), name)
    raise AttributeError(f"module 'ipcorpus' has no attribute {name!r}")
