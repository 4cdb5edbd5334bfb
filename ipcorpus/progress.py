"""A progress bar on stderr, only when stderr is a terminal, the run is long and
--quiet is not given; coloured as the one colour setting says (output.console)."""
from __future__ import annotations

import time


class Progress:
    SHOW_AFTER = 0.5   # seconds: short runs stay silent

    def __init__(self, err):
        from ipcorpus.commands.output import DISPLAY
        self.err = err
        self.total = 0
        self.done = 0
        self.start = time.monotonic()
        self.bar = None
        self.task = None
        try:
            self.enabled = err.isatty() and not DISPLAY.quiet
        except (AttributeError, ValueError):
            self.enabled = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()

    def update(self, n, total=None):
        """update(k): k more units done; update("total", n): the run has n units in
        all (a run may raise it as it learns of more work, never past what it does)."""
        if n == "total":
            self.total = total
            if self.bar is not None:
                self.bar.update(self.task, total=self.total, completed=self.done)
            return
        self.done += n
        if not self.enabled or self.total < 20:
            return
        if self.bar is None and time.monotonic() - self.start > self.SHOW_AFTER:
            from rich.progress import BarColumn, Progress as RichProgress, TaskProgressColumn, TimeRemainingColumn

            from ipcorpus.commands.output import console
            self.bar = RichProgress("ingest", BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                                    console=console(self.err), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("ingest", total=self.total)
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done)
