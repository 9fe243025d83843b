"""A progress line on a terminal for long commands."""

from __future__ import annotations

import sys
from contextlib import contextmanager


@contextmanager
def progress(label: str, *, enabled: bool = True, unit: str = "rows", total: int | None = None,
             after: float = 0.0):
    """A Rich progress line on a terminal (stderr) for long commands; a no-op when piped.

    Yields a callback `report(done, stage, total=None)` for the service to call now and then. With a
    total (given here or by a report) the line is a bar with the percentage and the time left. It
    appears only once the command has run `after` seconds (a quick run shows nothing)."""
    if not enabled or not sys.stderr.isatty():
        yield lambda done, stage="", total=None: None
        return
    import time

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,} " + unit),
               TimeElapsedColumn()]
    if total is not None or after:
        columns = [TextColumn("{task.description}"), BarColumn(bar_width=24), TaskProgressColumn(),
                   TextColumn("{task.completed:,} of {task.total:,} " + unit), TimeRemainingColumn()]
    bar = Progress(*columns, console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=total)
    began, shown_yet = time.monotonic(), False

    def report(done: int, stage: str = "", total: int | None = None) -> None:
        nonlocal shown_yet
        size = total if total is not None else bar.tasks[0].total
        if size is not None and done > size:  # an estimate passed: the end is near, not exceeded
            size = done
        bar.update(task, completed=done, total=size, description=f"{label}{': ' + stage if stage else ''}")
        if not shown_yet and time.monotonic() - began >= after:
            bar.start()
            shown_yet = True

    try:
        yield report
    finally:
        if shown_yet:
            bar.stop()
