"""Where a corpus's index and settings live: `.ipcorpus/index.sqlite` in the corpus
folder, found by walking up from a path as git finds `.git`, or one index per corpus
root in the user cache when the corpus is read-only."""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator

from ipcorpus.errors import IpcorpusError
from ipcorpus.index.user_cache import user_cache_dir
from ipcorpus.read.remote import is_url

CONFIG_NAME = "ipcorpus.toml"     # a corpus's settings (config.py); its folder is the corpus root


def default_db_path(paths: list[str], create: bool = True) -> tuple[str, str | None]:
    """`.ipcorpus/index.sqlite` in the corpus folder (the first folder given, or the
    folder of the first file, or the folder above them that holds the corpus's
    ipcorpus.toml); the user cache when that is read-only. Returns the path and a
    note for stderr when it fell back. Without `create`, only says where (`ipcorpus
    config`): no folder is made."""
    env = os.environ.get("IPCORPUS_DB")
    if env:
        return env, None
    first = paths[0] if paths else "."
    if is_url(first):
        # An fsspec URL (remote.py): the index of that corpus lives in the user cache.
        return _fallback(first), None
    root = first if os.path.isdir(first) else (os.path.dirname(first) or ".")
    # An index in a parent folder is the corpus's index (as git finds .git), so
    # `ipcorpus show corpus/sub/a.txt:3` uses corpus/.ipcorpus.
    found = _index_above(root)
    if found:
        return found, None
    # ipcorpus.toml marks the corpus root: `ingest corpus/sub` indexes into
    # corpus/.ipcorpus, which `ingest corpus` then uses.
    config = nearest_file(root, CONFIG_NAME)
    if config:
        root = os.path.dirname(config) or "."
    folder = os.path.join(root, ".ipcorpus")
    if _writable_dir(folder) if create else \
            os.access(folder if os.path.isdir(folder) else os.path.dirname(os.path.abspath(folder)), os.W_OK):
        return os.path.join(folder, "index.sqlite"), None
    # One fallback per corpus root, found as a local index is: the nearest one made
    # for this folder or a folder above it, so a subfolder shares its corpus's.
    alt = next((p for p in map(_fallback, folders_up(root)) if os.path.isfile(p)), None) or _fallback(root)
    return alt, f"{root} is read-only; using the index at {alt}"


def check_db_folder(path: str):
    """An index named with --db (or IPCORPUS_DB) goes in a folder that exists:
    ipcorpus makes no folder it was not asked for (a typo would leave one behind,
    even at the filesystem root)."""
    parent = os.path.dirname(path) or "."
    if not os.path.lexists(parent):
        raise IpcorpusError(f"--db {path}: no such folder {parent} (ipcorpus does not create it)")


def _fallback(folder: str) -> str:
    """The index in the user cache for a read-only corpus folder."""
    key = folder if is_url(folder) else os.path.abspath(folder)
    tag = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    return os.path.join(user_cache_dir(), f"index-{tag}.sqlite")


def folders_up(folder: str) -> Iterator[str]:
    """The folder (absolute) and those above it, up to the top of a git work tree,
    the home folder or the filesystem root, whichever comes first: where the index
    and the settings of a corpus are looked for. The walk never climbs into the
    temporary folder from one inside it: unrelated programs share it, and an index
    made there by `ipcorpus clean /tmp/a.txt` is not the index of every folder under
    /tmp."""
    here = os.path.abspath(folder)
    home = os.path.abspath(os.path.expanduser("~"))
    temp = os.path.abspath(tempfile.gettempdir())
    while True:
        yield here
        parent = os.path.dirname(here)
        if parent == here or here == home or parent == temp or os.path.exists(os.path.join(here, ".git")):
            return
        here = parent


def nearest_file(folder: str, name: str) -> str | None:
    """The nearest file `name` in folder or above it (folders_up); relative when the
    folder is."""
    for here in folders_up(folder):
        cand = os.path.join(here, name)
        if os.path.isfile(cand):
            return cand if os.path.isabs(folder) else os.path.relpath(cand)
    return None


def _index_above(folder: str) -> str | None:
    """The nearest .ipcorpus/index.sqlite in folder or above it, not looking past the
    top of a git work tree or the home folder."""
    for here in folders_up(folder):
        cand = os.path.join(here, ".ipcorpus", "index.sqlite")
        if os.path.isfile(cand):
            if os.path.abspath(folder) == here:
                return os.path.join(folder, ".ipcorpus", "index.sqlite")   # keep it relative
            return cand
    return None


def _writable_dir(folder: str) -> bool:
    made = not os.path.isdir(folder)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    if made:
        _ignore_itself(folder)
    return os.access(folder, os.W_OK)


def _ignore_itself(folder: str):
    """A new index folder tells git (and tools that read .gitignore) to skip it, as
    ruff's and pytest's caches do; only when it is made, so a user may remove it."""
    try:
        with open(os.path.join(folder, ".gitignore"), "x", encoding="ascii") as fh:
            fh.write("# Created by ipcorpus automatically.\n*\n")
    except OSError:
        pass        # made by another run at the same moment, or not writable: the index works without
