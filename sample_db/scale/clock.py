"""When rows happen, drawn with numpy: how many on each local day of the
history, and at what time of day, in the sample's patterns
(sample_db.timing: weekday weights, the season, a gentle growth in use,
hourly profiles by who acts).

Times are int64 seconds since the epoch (UTC) throughout the scale
generator; ``NULL_TIME`` (numpy's NaT as an integer) stands for an empty
timestamp.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from sample_db.timing import (
    GROWTH_END,
    GROWTH_START,
    LOCAL,
    WEEKDAY_WEIGHTS,
    WEEKDAY_WEIGHTS_OFFICE,
    local_day_start,
    season,
)

HISTORY_DAYS = 396  # 13 months, as the sample
NULL_TIME = np.iinfo(np.int64).min  # == numpy.datetime64("NaT").astype(int64)
LOCAL_OFFSET = 8 * 3600  # Asia/Shanghai is UTC+8 all year
HOUR, DAY = 3600, 86400


def epoch(at: datetime) -> int:
    return int(at.astimezone(UTC).timestamp())


@dataclass(frozen=True)
class Day:
    start: int  # local midnight, epoch seconds
    count: int  # rows on this day
    label: str  # local date as YYYYMMDD


class History:
    """The local days from ``now`` - 396 days (from its local midnight) to
    ``now``, each with a weight: weekday pattern x season x growth."""

    def __init__(self, now: datetime):
        self.now = epoch(now)
        last = now.astimezone(LOCAL).date()
        self.days = [last - timedelta(days=HISTORY_DAYS - i) for i in range(HISTORY_DAYS + 1)]
        self.start = epoch(local_day_start(self.days[0]))
        self.day_starts = np.array([epoch(local_day_start(d)) for d in self.days], dtype=np.int64)
        span = len(self.days) - 1
        self.growth = np.array(
            [GROWTH_START + (GROWTH_END - GROWTH_START) * i / span for i in range(span + 1)]
        )

    def weights(self, office: bool, hours: np.ndarray) -> np.ndarray:
        """Day weights; the last day only counts the part of its hour
        profile before ``now``."""
        weekday = WEEKDAY_WEIGHTS_OFFICE if office else WEEKDAY_WEIGHTS
        w = np.array([weekday[d.weekday()] * season(d) for d in self.days]) * self.growth
        elapsed = (self.now - int(self.day_starts[-1])) / HOUR
        profile = hours / hours.sum()
        whole = int(elapsed)
        w[-1] *= profile[:whole].sum() + (profile[whole] * (elapsed - whole) if whole < 24 else 0.0)
        return w

    def allot(self, rng: np.random.Generator, total: int, weights: np.ndarray) -> np.ndarray:
        """``total`` rows spread over the days (multinomial on the weights)."""
        return rng.multinomial(total, weights / weights.sum())

    def chunks(self, counts: np.ndarray, size: int) -> Iterator[list[Day]]:
        """Runs of whole consecutive days holding about ``size`` rows each."""
        run: list[Day] = []
        rows = 0
        for day, start, count in zip(self.days, self.day_starts.tolist(), counts.tolist(), strict=True):
            if count:
                run.append(Day(start, count, day.strftime("%Y%m%d")))
                rows += count
            if rows >= size:
                yield run
                run, rows = [], 0
        if run:
            yield run


def times_of_day(
    rng: np.random.Generator, day_starts: np.ndarray, profile: np.ndarray, now: int
) -> np.ndarray:
    """A time on each given local day, the hour drawn from ``profile``
    (24 weights), never after ``now`` (redrawn; the last resort is a
    uniform time between the day's start and ``now``)."""
    cumulative = np.cumsum(profile) / profile.sum()
    n = len(day_starts)
    at = np.empty(n, dtype=np.int64)
    todo = np.arange(n)
    for _ in range(30):
        hours = np.searchsorted(cumulative, rng.random(len(todo)), side="right").clip(0, 23)
        at[todo] = day_starts[todo] + hours * HOUR + rng.integers(0, HOUR, len(todo))
        todo = todo[at[todo] > now]
        if not len(todo):
            return at
    at[todo] = day_starts[todo] + (rng.random(len(todo)) * (now - day_starts[todo])).astype(np.int64)
    return at


def local_text(at: np.ndarray, unit: str) -> np.ndarray:
    """Local (Asia/Shanghai) times as text: unit "m" gives 2026-03-01 09:41,
    "D" 2026-03-01, "iso" 2026-03-01T09:41:00+08:00."""
    local = (at + LOCAL_OFFSET).astype("datetime64[s]")
    if unit == "iso":
        return np.strings.add(np.datetime_as_string(local, unit="s"), "+08:00")
    return replace(np.datetime_as_string(local, unit=unit), "T", " ")


def replace(text: np.ndarray, old: str, new: str) -> np.ndarray:
    """np.strings.replace, which fails on an empty array (numpy 2.4)."""
    return np.strings.replace(text, old, new) if len(text) else text


def zfill(text: np.ndarray, width: int) -> np.ndarray:
    """np.strings.zfill, which fails on an empty array (numpy 2.4)."""
    return np.strings.zfill(text, width) if len(text) else text
