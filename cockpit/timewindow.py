"""Time windows: what "today", "this week", "the last 30 days" mean.

A window is a half-open interval [start, end) of aware datetimes plus ``now``,
the instant the figures are computed at (open petitions older than 5 days at
``now`` count as late). Calendar boundaries are local midnights in
Asia/Shanghai. See docs/metrics.md, "Time windows".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")

PRESET_LABELS = {
    "today": "今日",
    "week": "本周",
    "month": "本月",
    "last30": "近30天",
    "year": "本年",
    "all": "全部",
    "custom": "自定义",
}
# "全部" (all time) starts here: before any digital petition system, and late
# enough for every database's timestamp type (MariaDB's TIMESTAMP starts in
# 1970 UTC). Trends over it begin at the first period that holds data.
ALL_TIME_FIRST = date(1980, 1, 1)
# A custom window may span a century: a term of office (5 years) or a city's
# whole history (an import of ten years and more) must be askable. Longer
# than that is a typing mistake (a year 0206 for 2026).
MAX_CUSTOM_DAYS = 100 * 366


class WindowError(ValueError):
    """A window asked for in a URL or a setting that makes no sense."""


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    now: datetime
    preset: str = "custom"

    def __post_init__(self):
        for name in ("start", "end", "now"):
            if getattr(self, name).tzinfo is None:
                raise WindowError(f"window {name} must be timezone-aware")
        if self.end <= self.start:
            raise WindowError("window end must be after its start")

    @property
    def label(self) -> str:
        if self.preset != "custom":
            return PRESET_LABELS[self.preset]
        first = self.start.astimezone(TZ).date()
        last = (self.end.astimezone(TZ) - timedelta(microseconds=1)).date()
        return f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}"

    @property
    def today_start(self) -> datetime:
        """Local midnight of ``now``'s day."""
        return local_midnight(self.now.astimezone(TZ).date())

    def query_args(self) -> dict[str, str]:
        """URL query parameters that reproduce this window."""
        if self.preset != "custom":
            return {"window": self.preset}
        last = (self.end.astimezone(TZ) - timedelta(microseconds=1)).date()
        return {"from": self.start.astimezone(TZ).date().isoformat(), "to": last.isoformat()}


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=TZ)


def preset_window(preset: str, now: datetime | None = None) -> Window:
    """The window named ``preset`` ending at ``now`` (default: the current time)."""
    now = (now or datetime.now(UTC)).astimezone(TZ)
    today = now.date()
    if preset == "today":
        start = local_midnight(today)
    elif preset == "week":
        start = local_midnight(today - timedelta(days=today.weekday()))
    elif preset == "month":
        start = local_midnight(today.replace(day=1))
    elif preset == "last30":
        start = local_midnight(today - timedelta(days=29))
    elif preset == "year":
        start = local_midnight(today.replace(month=1, day=1))
    elif preset == "all":
        start = local_midnight(ALL_TIME_FIRST)
    else:
        raise WindowError(f"unknown window {preset!r}; use one of {', '.join(PRESET_LABELS)}")
    # The end is "now", but never equal to the start (a request at 00:00:00).
    end = max(now, start + timedelta(seconds=1))
    return Window(start.astimezone(UTC), end.astimezone(UTC), now.astimezone(UTC), preset)


def custom_window(first: date, last: date, now: datetime | None = None) -> Window:
    """The local days ``first`` to ``last``, both included."""
    if last < first:
        raise WindowError("结束日期早于开始日期")
    if (last - first).days >= MAX_CUSTOM_DAYS:
        raise WindowError(f"时间范围不能超过 {MAX_CUSTOM_DAYS // 366} 年")
    now = now or datetime.now(UTC)
    start = local_midnight(first)
    end = local_midnight(last + timedelta(days=1))
    return Window(start.astimezone(UTC), end.astimezone(UTC), now.astimezone(UTC), "custom")


def window_from_args(args: dict[str, str], default: str = "last30", now: datetime | None = None) -> Window:
    """Parse ``?window=month`` or ``?from=2026-10-01&to=2026-10-31``.

    Raises WindowError with a message fit to show the user.
    """
    first, last = args.get("from"), args.get("to")
    if first or last:
        if not (first and last):
            raise WindowError("自定义时间范围需要同时给出开始和结束日期")
        try:
            first_day, last_day = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            raise WindowError("日期格式应为 YYYY-MM-DD") from None
        return custom_window(first_day, last_day, now)
    preset = args.get("window") or default
    if preset not in PRESET_LABELS or preset == "custom":
        raise WindowError(f"未知的时间范围: {preset}")
    return preset_window(preset, now)


def to_local(ts: datetime | None) -> datetime | None:
    return None if ts is None else ts.astimezone(TZ)


def format_local(ts: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if ts is None else ts.astimezone(TZ).strftime(fmt)
