"""Where a run's time goes (``--timings``) and a progress line for long runs.

The progress line (rich's progress display: stage, done/total, rate, time left) is
drawn on stderr only when stderr is a terminal, the ``CI`` environment variable is
unset and ``--quiet`` is not given: nothing reaches a pipe, a log file or a CI job.
It is redrawn at most ten times a second and erased when done.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["STAGES", "Progress", "Timings"]

STAGES = ("read", "parse", "link", "render", "format", "write")
"""The stages ``--timings`` reports, in order (``cache`` and ``other`` follow when non-zero)."""


class Timings:
    """Seconds per stage, summed over every time a stage is entered."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        begin = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - begin)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def table(self) -> str:
        """One ``stage  seconds`` line per stage, then the total since this object was made."""
        total = time.perf_counter() - self.start
        rows = dict(self.seconds)
        rows["other"] = max(0.0, total - sum(rows.values()))
        lines = [f"  {name:<7}{seconds:8.3f} s" for name, seconds in rows.items() if name in STAGES or seconds >= 0.0005]
        return "docgen: timings\n" + "\n".join(lines) + f"\n  {'total':<7}{total:8.3f} s\n"


def _wanted(stream: TextIO) -> bool:
    if os.environ.get("CI"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """``docgen: parse ━━━━━━╸━━━ 1234/10698 412/s 0:00:03 left`` on one terminal line, drawn by
    rich; silent off a terminal (nothing reaches a pipe, a log file or a CI job)."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _wanted(self.stream) if enabled is None else enabled
        self._bar: Any = None
        self._task: Any = None

    def task(self, label: str, total: int) -> None:
        """Start counting ``total`` steps of ``label`` (0: not known beforehand)."""
        if not self.enabled:
            return
        if self._bar is None:
            self._bar = _rich_progress(self.stream)
            self._bar.start()
        if self._task is not None:
            self._bar.remove_task(self._task)
        self._task = self._bar.add_task(label, total=total or None)

    def advance(self, steps: int = 1) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, steps)

    def clear(self) -> None:
        """Erase the line (before anything else is printed)."""
        if self._bar is not None:
            self._bar.stop()  # transient: the line is erased
            self._bar = None
            self._task = None


def _rich_progress(stream: TextIO) -> Any:
    """A transient rich progress display on ``stream``: stage, bar, done/total, rate, time left."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress as RichProgress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        """Steps per second (rich's own speed column counts bytes)."""

        def render(self, task: Task) -> Text:
            return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="progress.data.speed")

    console = Console(file=stream, force_terminal=True, stderr=stream is sys.stderr)
    return RichProgress(
        TextColumn("docgen: {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        Rate(),
        TimeRemainingColumn(),
        TextColumn("left"),
        console=console,
        transient=True,
        refresh_per_second=10,
    )
