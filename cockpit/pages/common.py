"""Helpers every page uses: a connection, the freshness of the data, the
time window from a URL, the KPIs (queries.kpis). No SQL here: only calls
into ``queries``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from cockpit.components.refresh import Freshness, freshness, outage_freshness
from cockpit.context import current, viewer
from cockpit.outage import OUTAGE_MESSAGE, REUSE_SECONDS, StoreUnavailableError, keep_last_good
from cockpit.store.engine import consistent
from cockpit.timewindow import Window, window_from_args
from queries.kpis import load_kpis  # noqa: F401 - the pages take it from here
from queries.refresh import refresh_status
from queries.regions import Region, get_region, region_path, regions_under
from queries.scope import OutOfScopeError, Scope, authorize, grant_root

WINDOW_KEYS = ("window", "from", "to")
DEFAULT_WINDOW = "last30"


@contextmanager
def connect() -> Iterator[Connection]:
    """A connection for one callback or layout: all its queries read the
    same state (one snapshot, never half of a refresh)."""
    with current().engine.connect() as conn:
        yield consistent(conn)


def scope_for(conn: Connection, code: str | None = None) -> Scope:
    """The request's viewer's scope of region ``code`` (default: the viewer's
    home region); raises OutOfScopeError outside the viewer's regions."""
    return authorize(conn, viewer(), code or viewer().home)


def viewer_path(conn: Connection, code: str) -> list[Region]:
    """Regions from the viewer's granted region down to ``code`` (for
    breadcrumbs and pickers); raises OutOfScopeError outside its regions."""
    start = grant_root(conn, viewer(), code)
    path = region_path(conn, code, start) if start else []
    if not path or not region_path(conn, code, current().root_code):
        raise OutOfScopeError(code)
    return path


def regions_in_reach(conn: Connection) -> pd.DataFrame:
    """For pickers: every region below the viewer's home region, then each
    other region granted to it (itself, distance 0) and those below it.
    Columns as queries.regions.regions_under."""
    who = viewer()
    frames = [regions_under(conn, who.home)]
    for code in who.regions[1:]:
        region = get_region(conn, code)
        if region is None:
            continue
        own = {"code": code, "name": region.name, "level": region.level, "parent_name": None}
        frames.append(pd.DataFrame([{**own, "distance": 0, "is_leaf": not region.has_children}]))
        frames.append(regions_under(conn, code))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def keep_page(layout: Callable[..., Any], name: str) -> Callable[..., Any]:
    """A page's layout that, while the store is unreachable, shows what it
    last showed this viewer at the same URL, or says the store is down and
    the page will come back (cockpit.outage)."""
    kept = keep_last_good(layout, f"page:{name}")

    @wraps(layout)
    def page(**query):
        try:
            return kept(**query)
        except StoreUnavailableError as error:
            from cockpit.components.messages import message_card
            from cockpit.components.navbar import page_frame

            fresh = outage_freshness(current().outage.last_ok)
            return page_frame("", fresh, message_card(OUTAGE_MESSAGE, error.message))

    return page


def now() -> datetime:
    return datetime.now(UTC)


def drawn(render: Callable[..., Any], name: str) -> Callable[..., Any]:
    """A page's panels, ``render(data_version, params)``, as its layout (the
    first drawing) and its callback (a redrawing on new data) both call it:
    one viewer asking again for the same params and data version within
    REUSE_SECONDS gets the same answer without reading the store, and while
    the store is down, the last answer (cockpit.outage)."""
    return keep_last_good(render, name, ignore=(0,), reuse_seconds=REUSE_SECONDS)


def freshness_and_version(conn: Connection) -> tuple[Freshness, str | None]:
    """What the page's refresh indicator says, and the data version the
    shell starts it from (ShellIds.DATA_VERSION): one read of the status."""
    status = refresh_status(conn)
    fresh = freshness(status, now(), current().settings.stale_after_seconds)
    return fresh, status.data_version if status else None


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
