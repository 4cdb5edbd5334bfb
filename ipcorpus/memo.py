"""Per-process memory of pure functions of a line or a sentence.

A corpus repeats itself: portal furniture (share bars, disclaimers, bylines) recurs
in every article of a portal, and reposts and lightly edited copies share most of
their lines and sentences. A function whose result depends only on its arguments
may remember its results in a Memory: bounded by the characters of the texts it
keeps (a corpus of long distinct lines must not grow it without end), and a text
longer than LONGEST is worked out every time. IPCORPUS_MEMO=0 turns every such
memory off (and the stance scores' memory in stance/score.py), with the same
results: bench/run.py measures both."""
from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar


def enabled() -> bool:
    """IPCORPUS_MEMO=0 turns the memories off; read when a memory is made."""
    return os.environ.get("IPCORPUS_MEMO", "1") != "0"


ON = enabled()
LONGEST = 2_000          # characters: a longer text is not remembered
BUDGET = 2_000_000       # characters of text one Memory keeps before it starts again

F = TypeVar("F", bound=Callable)
_UNKNOWN = object()


class Memory:
    """Results by key, for texts of a known length; emptied past BUDGET characters."""

    __slots__ = ("table", "chars", "on")

    def __init__(self, on: bool | None = None):
        self.table: dict = {}
        self.chars = 0
        self.on = ON if on is None else on

    def recall(self, key, length: int, work: Callable, *args) -> Any:
        """work(*args), remembered under `key` (whose text is `length` long)."""
        if not self.on or length > LONGEST:
            return work(*args)
        got = self.table.get(key, _UNKNOWN)
        if got is _UNKNOWN:
            got = work(*args)
            self.chars += length
            if self.chars > BUDGET:
                self.table.clear()
                self.chars = length
            self.table[key] = got
        return got


def remembered(fn: F) -> F:
    """`fn`, a function of a text (and other hashable arguments), with a Memory."""
    if not ON:
        return fn
    memory = Memory()
    recall = memory.recall

    @functools.wraps(fn)
    def wrapper(text: str, *args):
        return recall((text, *args) if args else text, len(text), fn, text, *args)
    return wrapper  # type: ignore[return-value]
