"""Who may use the administrator's pages, and how their changes are logged."""

from __future__ import annotations

import functools
from collections.abc import Callable

import flask
from dash import html

from cockpit.auth.audit import record_by
from cockpit.components.messages import message_card
from cockpit.components.navbar import page_frame
from cockpit.context import current, viewer
from cockpit.pages.common import connect, current_freshness
from queries.scope import AccessDeniedError, Viewer

ADMIN_ONLY = "仅系统管理员可访问。"


def require_admin() -> Viewer:
    """The request's viewer if it is an administrator; AccessDeniedError
    otherwise (the first thing every admin layout and callback does)."""
    who = viewer()
    if not who.is_admin:
        raise AccessDeniedError(ADMIN_ONLY)
    return who


def admin_page(layout: Callable[..., html.Div], path: str) -> Callable[..., html.Div]:
    """``layout`` as the page registry calls it. A signed-in user who is not
    an administrator (and typed the URL: the navbar offers it to none)
    gets the refusal on a page of its own, logged as ``denied``, rather
    than the blank page a refused page callback leaves. Anyone else refused
    (nobody signed in, a wall screen) is left to the web layer."""

    @functools.wraps(layout)
    def page(**query) -> html.Div:
        try:
            return layout(**query)
        except AccessDeniedError as error:
            who = flask.g.get("viewer")
            if who is None or not who.records:
                raise
            with current().engine.begin() as conn:
                record_by(conn, who, "denied", path, error.message)
            with connect() as conn:
                fresh = current_freshness(conn)
            return page_frame("", fresh, message_card("无权访问", error.message))

    return page
