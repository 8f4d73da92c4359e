"""Where a run's time goes (``--timings``) and a progress line for long runs.

The progress line is drawn on stderr only when stderr is a terminal and the
``CI`` environment variable is unset: nothing reaches a pipe, a log file or a
CI job. It is redrawn at most ten times a second and erased when done.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import TextIO

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
    """``docgen: parse 1234/10698`` on one terminal line; silent off a terminal."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _wanted(self.stream) if enabled is None else enabled
        self._label = ""
        self._total = 0
        self._done = 0
        self._shown = 0.0
        self._width = 0

    def task(self, label: str, total: int) -> None:
        """Start counting ``total`` steps of ``label`` (0: not known beforehand)."""
        self._label, self._total, self._done = label, total, 0
        self._draw(force=True)

    def advance(self, steps: int = 1) -> None:
        self._done += steps
        self._draw(force=bool(self._total) and self._done >= self._total)

    def _draw(self, force: bool) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._shown < 0.1:
            return
        self._shown = now
        text = f"docgen: {self._label} {self._done}" + (f"/{self._total}" if self._total else "")
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def clear(self) -> None:
        """Erase the line (before anything else is printed)."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
