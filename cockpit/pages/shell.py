"""The app shell around every page: the data-version poll and the page container."""

from __future__ import annotations

import dash
from dash import Dash, Input, Output, State, dcc, html, no_update

from cockpit.components.refresh import freshness, indicator_children
from cockpit.context import current
from cockpit.ids import ShellIds
from cockpit.pages.common import connect, now
from queries.refresh import refresh_status


def layout() -> html.Div:
    """Read once per page load: the version and freshness the page starts from."""
    settings = current().settings
    with connect() as conn:
        status = refresh_status(conn)
    fresh = freshness(status, now(), settings.stale_after_seconds)
    return html.Div(
        [
            dcc.Interval(id=ShellIds.POLL, interval=settings.poll_seconds * 1000),
            dcc.Store(id=ShellIds.DATA_VERSION, data=status.data_version if status else None),
            dcc.Store(id=ShellIds.STATUS_KEY, data=fresh.key),
            dash.page_container,
        ]
    )


def poll_refresh(_n_intervals: int | None, version: str | None, shown_key: str | None) -> tuple:
    """Every poll: publish a new data version only when it changed (pages
    re-query on that), and touch the refresh indicator only when what it says
    changed."""
    with connect() as conn:
        status = refresh_status(conn)
    fresh = freshness(status, now(), current().settings.stale_after_seconds)
    latest = status.data_version if status else None
    changed = fresh.key != shown_key
    return (
        latest if latest != version else no_update,
        indicator_children(fresh) if changed else no_update,
        fresh.key if changed else no_update,
    )


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(ShellIds.DATA_VERSION, "data"),
        Output(ShellIds.REFRESH_STATUS, "children"),
        Output(ShellIds.STATUS_KEY, "data"),
        Input(ShellIds.POLL, "n_intervals"),
        State(ShellIds.DATA_VERSION, "data"),
        State(ShellIds.STATUS_KEY, "data"),
        prevent_initial_call=True,
    )(poll_refresh)
