"""Progress lines and per-table timings for the scale generator."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

Progress = Callable[[str], object]


def to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def quiet(_line: str) -> None:
    pass


class Meter:
    """Rows done of a total: a line with rows/s and the time left, at most
    every ``every`` seconds (and always at the end)."""

    def __init__(self, progress: Progress, label: str, total: int, every: float = 2.0):
        self.progress, self.label, self.total, self.every = progress, label, total, every
        self.started = self.shown = time.perf_counter()
        self.done = 0

    def update(self, done: int, note: str = "") -> None:
        self.done = done
        now = time.perf_counter()
        if now - self.shown < self.every and done < self.total:
            return
        self.shown = now
        elapsed = now - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (self.total - done) / rate if rate > 0 else 0.0
        share = done / self.total if self.total else 1.0
        self.progress(
            f"{self.label:<14} {done:>12,} / {self.total:,} ({share:6.1%})  {rate:>9,.0f} rows/s  "
            f"ETA {_clock(left)}  {note}".rstrip()
        )


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


class Stopwatch:
    """Seconds spent per label (a table, "indexes", "analyze")."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def time(self, label: str) -> _Lap:
        return _Lap(self, label)


class _Lap:
    def __init__(self, watch: Stopwatch, label: str):
        self.watch, self.label = watch, label

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *_exc) -> None:
        elapsed = time.perf_counter() - self.started
        self.watch.seconds[self.label] = self.watch.seconds.get(self.label, 0.0) + elapsed
