"""A time budget for the analysis of one file.

Every pattern runs in time linear in its line (patterns/), so no line should hold an
analysis for long; the budget is the backstop for what no test foresaw. A file whose
analysis runs past it is reported as failed with the reason, and the run goes on
with the other files (pipeline.py)."""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_SECONDS = 60.0                    # for each megabyte of the file, and at least that
MEGABYTE = 1_000_000
REASON = "analysis took longer than"      # how the failure reads: `… than 60 s`


class Overtime(BaseException):
    """The analysis ran past its budget. A BaseException, so that no `except
    Exception` inside the analysis swallows it."""


def for_size(seconds: float | None, size: int) -> float:
    """The budget of a file of `size` bytes: `seconds` for each megabyte, at least
    `seconds` (a ten-megabyte file of a million lines is no hang); 0 for none."""
    if not seconds or seconds <= 0:
        return 0.0
    return seconds * max(1.0, size / MEGABYTE)


def reason(seconds: float) -> str:
    return f"{REASON} {seconds:.0f} s" if seconds >= 10 else f"{REASON} {seconds:g} s"


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise Overtime in the body once it has run `seconds` (wall clock). Works in a
    process's main thread, where the analysis runs (in-process or in a pool worker);
    elsewhere, or with no limit (None or 0), the body runs unbounded."""
    if not seconds or seconds <= 0 or not hasattr(signal, "setitimer") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return

    def ring(signum, frame):
        raise Overtime()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def parse_seconds(value, where: str) -> float:
    """A time limit from a setting: a number of seconds, 0 for none."""
    from ipcorpus.errors import IpcorpusError
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != value:
        raise IpcorpusError(f"{where}: time_limit must be a number of seconds (0: no limit), not {value!r}")
    return float(value)
