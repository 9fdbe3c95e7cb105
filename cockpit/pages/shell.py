"""The app shell around every page: the data-version poll and the page container."""

from __future__ import annotations

import dash
from dash import Dash, Input, Output, State, dcc, html, no_update

from cockpit.components.refresh import Freshness, freshness, indicator_children, outage_freshness
from cockpit.context import current
from cockpit.ids import ShellIds
from cockpit.outage import STORE_DOWN, store_down
from cockpit.pages.common import connect, now
from cockpit.pages.params import clicks, text
from queries.refresh import RefreshStatus, refresh_status


def status_now() -> tuple[RefreshStatus | None, Freshness]:
    """The last refresh and what to say about it; while the store cannot be
    reached, no status and the outage banner (cockpit.outage)."""
    ctx = current()
    try:
        with connect() as conn:
            status = refresh_status(conn)
    except STORE_DOWN as error:
        if not store_down(error):
            raise
        ctx.outage.failed(error)
        return None, outage_freshness(ctx.outage.last_ok)
    ctx.outage.ok()
    return status, freshness(status, now(), ctx.settings.stale_after_seconds)


def layout() -> html.Div:
    """Read once per page load: the version and freshness the page starts from."""
    settings = current().settings
    status, fresh = status_now()
    return html.Div(
        [
            dcc.Interval(id=ShellIds.POLL, interval=settings.poll_seconds * 1000),
            dcc.Store(id=ShellIds.DATA_VERSION, data=status.data_version if status else None),
            dcc.Store(id=ShellIds.STATUS_KEY, data=fresh.key),
            dcc.Store(id=ShellIds.STATUS_VIEW),
            dash.page_container,
        ]
    )


def poll_refresh(_n_intervals: int | None, version: str | None, shown_key: str | None) -> tuple:
    """Every poll: publish a new data version only when it changed (pages
    re-query on that), and touch the refresh indicator only when what it says
    changed. While the store cannot be reached the pages keep what they show
    and the indicator says since when."""
    clicks(_n_intervals)
    version, shown_key = text(version, "数据版本"), text(shown_key, "状态")
    status, fresh = status_now()
    latest = status.data_version if status else None
    changed = fresh.key != shown_key
    return (
        latest if status is not None and latest != version else no_update,
        indicator_children(fresh) if changed else no_update,
        fresh.key if changed else no_update,
    )


def register_callbacks(app: Dash) -> None:
    # The poll's outputs are all the shell's, always there: a callback with
    # an output on a page still on its way is an error in the browser.
    app.callback(
        Output(ShellIds.DATA_VERSION, "data"),
        Output(ShellIds.STATUS_VIEW, "data"),
        Output(ShellIds.STATUS_KEY, "data"),
        Input(ShellIds.POLL, "n_intervals"),
        State(ShellIds.DATA_VERSION, "data"),
        State(ShellIds.STATUS_KEY, "data"),
        prevent_initial_call=True,
    )(poll_refresh)
    app.clientside_callback(
        "function (view) { return view; }",
        Output(ShellIds.REFRESH_STATUS, "children"),
        Input(ShellIds.STATUS_VIEW, "data"),
        prevent_initial_call=True,
    )
