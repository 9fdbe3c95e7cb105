"""When things happen: office-hour patterns in Asia/Shanghai local time.

All times leave this module as aware UTC datetimes. Asia/Shanghai has been
UTC+8 all year since 1991, so a fixed offset is exact and needs no tz data.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import accumulate

LOCAL = timezone(timedelta(hours=8), "Asia/Shanghai")

# Relative activity per local hour (0-23).
ONLINE_HOURS = (  # WeChat groups, mini-program, QR codes: residents write any time
    0.25, 0.12, 0.06, 0.04, 0.05, 0.12, 0.35, 0.8, 1.4, 1.9, 2.0, 1.7,
    1.1, 1.2, 1.7, 1.9, 1.8, 1.5, 1.2, 1.4, 1.6, 1.3, 0.8, 0.45,
)  # fmt: skip
OFFICE_HOURS = (  # hotline and visits: the duty rota answers at night, but rarely
    0.03, 0.02, 0.01, 0.01, 0.01, 0.02, 0.05, 0.3, 2.2, 3.0, 3.0, 2.0,
    0.5, 0.9, 2.6, 2.9, 2.5, 1.2, 0.25, 0.15, 0.12, 0.1, 0.06, 0.04,
)  # fmt: skip
# Business systems: entries in office hours, and a nightly rule run at 01:00-02:00.
SYSTEM_HOURS = tuple(w + (5.0 if h == 1 else 0.0) for h, w in enumerate(OFFICE_HOURS))

WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 0.95, 0.55, 0.45)  # Monday first
WEEKDAY_WEIGHTS_OFFICE = (1.0, 1.0, 1.0, 1.0, 0.95, 0.2, 0.12)
# Use of the platform grows gently over the history, from 0.88 to this.
GROWTH_START, GROWTH_END = 0.88, 1.08


def local_day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL)


def days_between(start: datetime, end: datetime) -> list[date]:
    """Every local calendar day touching [start, end]."""
    first, last = start.astimezone(LOCAL).date(), end.astimezone(LOCAL).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def season(day: date) -> float:
    """Mild seasonality: busier in early summer (rains, roads) and before the
    Spring Festival (subsidies), quieter during it."""
    doy = day.timetuple().tm_yday
    factor = 1.0 + 0.12 * math.sin(2 * math.pi * (doy - 80) / 365)
    if day.month == 1 and day.day >= 10:
        factor *= 1.15
    if day.month == 2 and day.day <= 15:
        factor *= 0.6
    return factor


def day_weight(day: date, office: bool = False) -> float:
    """How busy a local day is: its weekday pattern times the season."""
    weekday = WEEKDAY_WEIGHTS_OFFICE if office else WEEKDAY_WEIGHTS
    return weekday[day.weekday()] * season(day)


class Clock:
    """Draws local office-pattern times in [start, now], as UTC.

    Day weights combine the weekday pattern, the season and a gentle growth
    in use of the platform over the period; hour weights depend on who acts.
    """

    def __init__(self, start: datetime, now: datetime, office: bool = False):
        self.start, self.now = start, now
        self.days = days_between(start, now)
        span = max(1, len(self.days) - 1)
        growth = GROWTH_END - GROWTH_START
        weights = [
            day_weight(d, office) * (GROWTH_START + growth * i / span) for i, d in enumerate(self.days)
        ]
        self.cumulative = list(accumulate(weights))

    def rate_after(self, per_year: float) -> float:
        """Expected arrivals per day of weight 1 (see ``day_weight``) right
        after ``now``, for something that came ``per_year`` times a year over
        [start, now]: the rate the live demo carries on with."""
        years = (self.now - self.start) / timedelta(days=365)
        return per_year * years * GROWTH_END / self.cumulative[-1]

    def draw(self, rng: random.Random, hours: tuple[float, ...]) -> datetime:
        """A time in [start, now] (resampled until it falls inside)."""
        for _ in range(100):
            day = self.days[bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]
            at = at_local_hour(rng, day, hours)
            if self.start <= at <= self.now:
                return at
        return self.now


def at_local_hour(rng: random.Random, day: date, hours: tuple[float, ...]) -> datetime:
    """A time on local ``day`` with the hour drawn from ``hours`` weights."""
    hour = rng.choices(range(24), weights=hours)[0]
    return (local_day_start(day) + timedelta(hours=hour, seconds=rng.randrange(3600))).astimezone(UTC)


def working_time(at: datetime, latest: datetime) -> datetime:
    """``at`` moved forward into local working hours (08:30-18:00) when that
    keeps it no later than ``latest``; otherwise ``at`` unchanged."""
    local = at.astimezone(LOCAL)
    minutes = local.hour * 60 + local.minute
    if 8 * 60 + 30 <= minutes < 18 * 60:
        return at
    day = local.date() if minutes < 8 * 60 + 30 else local.date() + timedelta(days=1)
    moved = (
        local_day_start(day) + timedelta(hours=8, minutes=30 + (local.second % 60) + minutes % 50)
    ).astimezone(UTC)
    return moved if moved <= latest else at


def split(steps: list, now: datetime) -> tuple[list, list]:
    """Planned ``steps`` (in time order) as (happened by ``now``, still to
    come), their times cut to whole seconds (cutting keeps their order)."""
    cut = next((i for i, s in enumerate(steps) if s.at > now), len(steps))
    whole = [replace(s, at=s.at.replace(microsecond=0)) for s in steps]
    return whole[:cut], whole[cut:]


def hour_slots(start: datetime, end: datetime, hours: tuple[float, ...], office: bool) -> list[tuple]:
    """[start, end) cut at local hour boundaries, as (from, to, weight): the
    weight is the expected number of arrivals in the piece at a rate of one
    per day of weight 1, spread over the day by the ``hours`` profile."""
    slots, total = [], sum(hours)
    at = start
    while at < end:
        local = at.astimezone(LOCAL)
        boundary = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        until = min(end, boundary.astimezone(UTC))
        share = (until - at) / timedelta(hours=1)
        slots.append((at, until, day_weight(local.date(), office) * hours[local.hour] / total * share))
        at = until
    return slots


def hours(value: float) -> timedelta:
    return timedelta(hours=value)
