"""ISO weeks (Monday to Sunday, local time in Asia/Shanghai) as packs name them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from cockpit.timewindow import TZ, Window, custom_window

_CODE = re.compile(r"^(\d{4})-W(\d{2})$")


class WeekError(ValueError):
    """A week asked for in a URL or a form that is not an ISO week."""


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __post_init__(self):
        try:
            date.fromisocalendar(self.year, self.week, 1)
        except ValueError:
            raise WeekError(f"{self.year} 年没有第 {self.week} 周") from None

    @classmethod
    def parse(cls, code: str) -> IsoWeek:
        """``2026-W46`` (the ISO 8601 week notation)."""
        match = _CODE.match(code.strip()) if isinstance(code, str) else None
        if not match:
            raise WeekError(f"周的写法应为 2026-W46，而不是 {code!r}")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def last_full(cls, now: datetime | None = None) -> IsoWeek:
        """The last week that has ended by ``now`` (local time): on a Monday,
        the week that ended at midnight."""
        today = (now or datetime.now(UTC)).astimezone(TZ).date()
        return cls.of(today - timedelta(days=7))

    @property
    def code(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def label(self) -> str:
        """2026年第46周（11月9日—11月15日）"""
        first, last = self.monday, self.sunday
        return f"{self.year}年第{self.week}周（{first.month}月{first.day}日—{last.month}月{last.day}日）"

    @property
    def dates(self) -> str:
        return f"{self.monday:%Y-%m-%d} 至 {self.sunday:%Y-%m-%d}"

    def shifted(self, weeks: int) -> IsoWeek:
        return IsoWeek.of(self.monday + timedelta(weeks=weeks))

    @property
    def previous(self) -> IsoWeek:
        return self.shifted(-1)

    def window(self, now: datetime) -> Window:
        """Monday 00:00 to the next Monday 00:00, local; figures computed at ``now``."""
        return custom_window(self.monday, self.sunday, now)

    def window_of_weeks(self, weeks: int, now: datetime) -> Window:
        """The ``weeks`` weeks ending with this one, for trends."""
        return custom_window(self.shifted(1 - weeks).monday, self.sunday, now)

    def has_ended(self, now: datetime) -> bool:
        return now.astimezone(TZ).date() > self.sunday


def recent_weeks(now: datetime, count: int = 26) -> list[IsoWeek]:
    """The week in progress and the ``count - 1`` before it, newest first."""
    this = IsoWeek.of(now.astimezone(TZ).date())
    return [this.shifted(-i) for i in range(count)]
