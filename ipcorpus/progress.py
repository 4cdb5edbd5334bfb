"""A progress bar on stderr, only when stderr is a terminal and the run is long."""
from __future__ import annotations

import time


class Progress:
    SHOW_AFTER = 0.5   # seconds: short runs stay silent

    def __init__(self, err):
        self.err = err
        self.total = 0
        self.done = 0
        self.start = time.monotonic()
        self.bar = None
        self.task = None
        try:
            self.enabled = err.isatty()
        except (AttributeError, ValueError):
            self.enabled = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()

    def update(self, n, total=None):
        if n == "total":
            self.total = total
            return
        self.done += n
        if not self.enabled or self.total < 20:
            return
        if self.bar is None and time.monotonic() - self.start > self.SHOW_AFTER:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TimeRemainingColumn
            self.bar = RichProgress("ingest", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                    console=Console(file=self.err), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("ingest", total=self.total)
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done)
