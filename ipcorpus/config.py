"""ipcorpus.toml: per-corpus settings a user can keep beside the articles."""
from __future__ import annotations

import os

from ipcorpus.errors import IpcorpusError

CONFIG_NAME = "ipcorpus.toml"


def find_config(paths: list[str], explicit: str | None) -> str | None:
    if explicit:
        if not os.path.isfile(explicit):
            raise IpcorpusError(f"{explicit}: no such config file")
        return explicit
    for p in paths[:1]:
        root = p if os.path.isdir(p) else os.path.dirname(p) or "."
        cand = os.path.join(root, CONFIG_NAME)
        if os.path.isfile(cand):
            return cand
    return None


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
