"""Helpers every page uses: a connection, the freshness of the data, the
time window from a URL, the KPIs. No SQL here: only calls into ``queries``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection

from cockpit.components.kpi import Kpis
from cockpit.components.refresh import Freshness, freshness
from cockpit.context import current
from cockpit.timewindow import Window, window_from_args
from queries import petitions, warnings
from queries.refresh import refresh_status
from queries.scope import Scope

WINDOW_KEYS = ("window", "from", "to")
DEFAULT_WINDOW = "last30"


@contextmanager
def connect() -> Iterator[Connection]:
    with current().engine.connect() as conn:
        yield conn


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


def load_kpis(conn: Connection, scope: Scope, window: Window) -> Kpis:
    received = petitions.count_received(conn, scope, window).iloc[0]
    backlog = petitions.open_backlog(conn, scope, window.now).iloc[0]
    sla = petitions.share_closed_within_5_days(conn, scope, window).iloc[0]
    timing = petitions.handling_time_summary(conn, scope, window).iloc[0]
    counts = warnings.warning_status_counts(conn, scope, window).iloc[0]
    return Kpis(
        received=int(received["received"]),
        received_today=int(received["received_today"]),
        open=int(backlog["open"]),
        overdue=int(backlog["overdue"]),
        share=float(sla["share"]),
        in_progress=int(sla["in_progress"]),
        late=int(sla["late"]),
        closed=int(timing["closed"]),
        median_hours=float(timing["median_hours"]),
        red=int(counts["red"]),
        yellow=int(counts["yellow"]),
        green=int(counts["green"]),
    )
