"""Working days and office hours with numpy, for the scale store's business
records: the vectorised counterparts of sample_db.ledger's ``working_day``,
``office_time`` and ``later_office`` and sample_db.anomalies' ``_key``.

Days are local (Asia/Shanghai) day numbers: days since 1970-01-01 local.
Whether a day is a working day comes from the shared calendar
(cockpit.rules.calendar: public holidays and make-up working days), looked
up once per day of the span and kept as arrays.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from cockpit.rules.calendar import is_working_day
from sample_db.scale.clock import DAY, HOUR, LOCAL_OFFSET

EPOCH_DAY = date(1970, 1, 1)
OPEN, CLOSE = 8.5, 17.5  # office hours (local) as the ledger keeps them
MORNING = 11.0  # later_office moves a step into 08:30-11:00 of the next working day


def day_number(day: date) -> int:
    return (day - EPOCH_DAY).days


def local_day(at: np.ndarray) -> np.ndarray:
    """The local day number of epoch seconds."""
    return (at + LOCAL_OFFSET) // DAY


def local_hour(at: np.ndarray) -> np.ndarray:
    """The local hour of the day (a float: 9.5 is 09:30)."""
    return ((at + LOCAL_OFFSET) % DAY) / HOUR


def at_hour(days: np.ndarray, hours) -> np.ndarray:
    """Epoch seconds of ``hours`` (local) on local day numbers ``days``."""
    return days * DAY - LOCAL_OFFSET + np.floor(np.asarray(hours) * HOUR).astype(np.int64)


class Workdays:
    """The working days of the local days [first, last] (a span wide enough
    for every step a record takes), with each day's next and previous
    working day."""

    def __init__(self, first: date, last: date):
        self.first = day_number(first)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        self.working = np.array([is_working_day(d) for d in days])
        n = len(days)
        index = np.arange(n)
        ahead = np.where(self.working, index, n)
        self._next = np.minimum.accumulate(ahead[::-1])[::-1]  # first working day at or after
        behind = np.where(self.working, index, -1)
        self._prev = np.maximum.accumulate(behind)  # last working day at or before

    def _index(self, days: np.ndarray) -> np.ndarray:
        index = np.asarray(days) - self.first
        if len(index) and (index.min() < 0 or index.max() >= len(self.working)):
            raise ValueError("a record's day falls outside the working-day span")
        return index

    def is_working(self, days: np.ndarray) -> np.ndarray:
        return self.working[self._index(days)]

    def next(self, days: np.ndarray) -> np.ndarray:
        """The first working day at or after each day."""
        found = self._next[self._index(days)]
        if len(found) and found.max() >= len(self.working):
            raise ValueError("no working day left in the working-day span")
        return found + self.first

    def prev(self, days: np.ndarray) -> np.ndarray:
        """The last working day at or before each day."""
        found = self._prev[self._index(days)]
        if len(found) and found.min() < 0:
            raise ValueError("no working day before a record's day in the working-day span")
        return found + self.first


def office_time(rng: np.random.Generator, days: np.ndarray, earliest, latest) -> np.ndarray:
    """A time between the local hours ``earliest`` and ``latest`` (scalars or
    arrays) on each day, uniformly, in whole seconds."""
    earliest = np.asarray(earliest, dtype=float)
    span = np.asarray(latest, dtype=float) - earliest
    return at_hour(days, earliest + rng.random(len(days)) * span)


def office_key(
    rng: np.random.Generator, work: Workdays, days: np.ndarray, now: int, earliest=OPEN, latest=17.0
) -> np.ndarray:
    """An office time on each (working) day, not after ``now``: one that
    would be is moved to the last working day before now's day (the
    sample's ``_key``)."""
    at = office_time(rng, days, earliest, latest)
    late = at > now
    if late.any():
        before = work.prev(np.full(int(late.sum()), local_day(np.int64(now)) - 1))
        at[late] = office_time(rng, before, earliest, latest)
    return at


def later_office(rng: np.random.Generator, work: Workdays, after: np.ndarray, low: float, high: float):
    """A time ``low``-``high`` hours after each of ``after``, moved forward
    into office hours of a working day (sample_db.ledger.later_office):
    after 17:30 or on a rest day to 08:30-11:00 of the next working day,
    before 08:30 to 08:30-11:00 of the same day."""
    at = after + (rng.uniform(low, high, len(after)) * HOUR).astype(np.int64)
    day, hour = local_day(at), local_hour(at)
    working = work.is_working(day)
    rest = ~working | (hour >= CLOSE)
    early = working & (hour < OPEN)
    morning = office_time(rng, np.where(rest, work.next(day + 1), day), OPEN, MORNING)
    return np.where(rest | early, morning, at)
