"""Fast multi-pattern scanning: a character trie compiled into one regular
expression, so finding hundreds of terms costs one pass in C."""
from __future__ import annotations

import re

from ipcorpus.memo import remembered

_LOWER = re.compile("[a-z]+")


def _upper_run(m: re.Match) -> str:
    return m.group().upper()


def ascii_upper(text: str) -> str:
    """ASCII letters upper-cased, nothing else changed (str.upper also changes ß,
    Greek and full-width letters). A run at a time: str.translate looks up every
    character of a Chinese sentence in a dictionary."""
    return _LOWER.sub(_upper_run, text) if _LOWER.search(text) else text


@remembered
def compact(text: str) -> str:
    """The form terms are matched on: no spaces, ASCII letters upper-cased (same
    length otherwise, so offsets stay meaningful within the compact text)."""
    return ascii_upper(text.replace(" ", "").replace("\t", ""))


def trie_regex(terms) -> re.Pattern | None:
    trie: dict = {}
    for t in terms:
        if not t:
            continue
        node = trie
        for ch in t:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node) -> str:
        end = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items(), key=lambda kv: kv[0]) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    if not trie:
        return None
    return re.compile(emit(trie))
