"""Helpers every page uses: a connection, the freshness of the data, the
time window from a URL, the KPIs (queries.kpis). No SQL here: only calls
into ``queries``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection

from cockpit.components.refresh import Freshness, freshness
from cockpit.context import current
from cockpit.store.engine import consistent
from cockpit.timewindow import Window, window_from_args
from queries.kpis import load_kpis  # noqa: F401 - the pages take it from here
from queries.refresh import refresh_status

WINDOW_KEYS = ("window", "from", "to")
DEFAULT_WINDOW = "last30"


@contextmanager
def connect() -> Iterator[Connection]:
    """A connection for one callback or layout: all its queries read the
    same state (one snapshot, never half of a refresh)."""
    with current().engine.connect() as conn:
        yield consistent(conn)


def now() -> datetime:
    return datetime.now(UTC)


def current_freshness(conn: Connection) -> Freshness:
    return freshness(refresh_status(conn), now(), current().settings.stale_after_seconds)


def first_value(value) -> str | None:
    """A query-string value; Dash gives a list when a key is repeated."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return value if isinstance(value, str) and value else None


def window_args(query: Mapping) -> dict[str, str]:
    """The window's keys from a URL query (or a stored dict), nothing else."""
    return {k: v for k in WINDOW_KEYS if (v := first_value(query.get(k)))}


def window_of(args: Mapping[str, str]) -> Window:
    """The window named by URL args; raises WindowError with a message for users."""
    return window_from_args(dict(args), default=DEFAULT_WINDOW)


# For how many days of window each trend shows days, then weeks (beyond: months),
# by how much falls into one period: a whole city fills a day, a village barely a month.
TREND_PERIODS = {"root": (45, 400), "region": (14, 200), "village": (14, 90)}


def trend_freq(window: Window, scale: str = "root") -> str:
    """Periods fine enough to show a shape, coarse enough to read, for a
    trend of the root region, a region below it, or a single village."""
    days = (window.end - window.start).total_seconds() / 86400
    daily_up_to, weekly_up_to = TREND_PERIODS[scale]
    if days <= daily_up_to:
        return "day"
    if days <= weekly_up_to:
        return "week"
    return "month"
