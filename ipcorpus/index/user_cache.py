"""Small derived data kept in the user cache between runs: parsed TOML of the rule
packs and lexicons, the characters each pattern needs (required.py). Parsing them
costs every process tens of milliseconds, which a run on one new file notices.

Each entry is keyed by its whole input, so a stale entry is never used; the file
also names the Python version (marshal). A missing, damaged or unwritable cache
only costs time."""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile

from ipcorpus.atomic import write_atomic

_TABLES: dict[str, dict] = {}
_DIRTY: set = set()


def table(name: str) -> dict:
    """The cached entries of one kind, read from disk on first use."""
    got = _TABLES.get(name)
    if got is None:
        got = {}
        try:
            with open(_path(name), "rb") as fh:
                data = marshal.loads(fh.read())
            if isinstance(data, tuple) and len(data) == 2 and data[0] == sys.version and isinstance(data[1], dict):
                got = data[1]
        except (OSError, ValueError, EOFError, TypeError):
            pass
        _TABLES[name] = got
    return got


def save(name: str):
    """Write a table back (atomically) after entries were added to it."""
    try:
        write_atomic(_path(name), marshal.dumps((sys.version, _TABLES.get(name, {}))))
    except (OSError, ValueError):
        pass


def parsed_toml(text: str) -> dict:
    """tomllib.loads(text), remembered by the text's digest."""
    import tomllib
    cache = table("toml")
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    got = cache.get(key)
    if got is None:
        got = cache[key] = tomllib.loads(text)
        try:
            marshal.dumps(got)
        except ValueError:          # a value marshal cannot hold (a date): not kept
            del cache[key]
            return got
        save("toml")
    return got


def user_cache_dir() -> str:
    """ipcorpus's folder in the user cache (XDG_CACHE_HOME, else ~/.cache): this
    cache's, and that of the indexes of read-only corpora (index/location.py)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "ipcorpus")


def cache_folder() -> str:
    """ipcorpus's folder in the user cache, or the temporary folder when that
    cannot be written."""
    cache = user_cache_dir()
    try:
        os.makedirs(cache, exist_ok=True)
        if not os.access(cache, os.W_OK):
            raise OSError
    except OSError:
        cache = tempfile.gettempdir()
    return cache


def _path(name: str) -> str:
    return os.path.join(cache_folder(), f"{name}-cache.bin")
