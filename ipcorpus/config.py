"""ipcorpus.toml: per-corpus settings a user can keep beside the articles.

It is found the way the index is: the nearest ipcorpus.toml at or above each path
named (not looking past the top of a git work tree or the home folder), and the
folder that holds it is the corpus root, where the index is made."""
from __future__ import annotations

import os

from ipcorpus.errors import IpcorpusError
from ipcorpus.store import CONFIG_NAME, nearest_file


def nearest_config(folder: str) -> str | None:
    """The nearest ipcorpus.toml at or above a folder; relative when the folder is."""
    return nearest_file(folder, CONFIG_NAME)


def find_config(paths: list[str], explicit: str | None) -> str | None:
    if explicit:
        if not os.path.isfile(explicit):
            raise IpcorpusError(f"{explicit}: no such config file")
        return explicit
    found: dict[str, str] = {}
    seen: set[str] = set()
    for p in paths or ["."]:
        start = p if os.path.isdir(p) else os.path.dirname(p) or "."
        if start in seen:
            continue
        seen.add(start)
        cand = nearest_config(start)
        if cand:
            found.setdefault(os.path.realpath(cand), cand)
    if len(found) > 1:
        raise IpcorpusError(f"the paths belong to corpora with different settings ({', '.join(found.values())}); "
                            f"name them in separate runs, or choose the settings with --config")
    return next(iter(found.values()), None)


def load_config(path: str | None) -> dict:
    if not path:
        return {}
    import tomllib
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        raise IpcorpusError(f"{path}: invalid TOML: {e}") from None
    except OSError as e:
        raise IpcorpusError(f"{path}: {e.strerror}") from None
    base = os.path.dirname(os.path.abspath(path))
    stance = data.get("stance", {})
    lex = stance.get("lexicon", [])
    if isinstance(lex, str):
        lex = [lex]
    stance["lexicon"] = [x if os.path.isabs(x) else os.path.join(base, x) for x in lex]
    data["stance"] = stance
    return data
