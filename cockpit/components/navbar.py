"""The top navbar of every page but the wall screen, and the frame around a page."""

from __future__ import annotations

from dash import dcc, html

from cockpit.auth import csrf
from cockpit.components import urls
from cockpit.components.refresh import Freshness, refresh_indicator
from cockpit.context import viewer
from cockpit.ids import PageIds
from queries.scope import ROLE_LABELS, Viewer

NAV_ITEMS = (
    ("screen", "驾驶舱大屏", urls.SCREEN),
    ("analysis", "分析", urls.HOME),
    ("inspect", "督查分析", urls.INSPECT),
    ("warnings", "预警队列", urls.WARNINGS),
    ("rules", "预警规则", urls.RULES),
    ("weekly", "周报", urls.WEEKLY),
)
ADMIN_ITEM = ("admin", "管理", urls.ADMIN)  # administrators only


def user_menu(who: Viewer) -> html.Div:
    """Who is signed in, and a button that logs out (a form POST carrying
    the session's CSRF token as the button's value)."""
    return html.Div(
        [
            html.Span(who.label, className="navbar-user-name"),
            html.Span(ROLE_LABELS.get(who.role, who.role), className="navbar-user-role"),
            html.Form(
                html.Button(
                    "退出",
                    type="submit",
                    name=csrf.FIELD,
                    value=csrf.token(),
                    className="btn btn-sm btn-outline-light navbar-logout",
                ),
                action=urls.LOGOUT,
                method="post",
                className="navbar-logout-form",
            ),
        ],
        className="navbar-user",
    )


def navbar(active: str, fresh: Freshness) -> html.Nav:
    who = viewer()
    items = (*NAV_ITEMS, ADMIN_ITEM) if who.is_admin else NAV_ITEMS
    links = [
        dcc.Link(label, href=href, className="nav-link active" if key == active else "nav-link")
        for key, label, href in items
    ]
    return html.Nav(
        html.Div(
            [
                dcc.Link("监督驾驶舱", href=urls.HOME, className="navbar-brand"),
                html.Div(links, className="navbar-nav flex-row gap-3 me-auto"),
                refresh_indicator(fresh),
                user_menu(who),
            ],
            className="container-fluid",
        ),
        className="navbar navbar-expand navbar-dark cockpit-navbar",
    )


def page_frame(active: str, fresh: Freshness, *children) -> html.Div:
    """A page of the inspector: navbar, then the content in a fluid container."""
    return html.Div(
        [
            navbar(active, fresh),
            html.Main(list(children), className="container-fluid page-body"),
            dcc.Location(id=PageIds.NAV, refresh="callback-nav"),
        ],
        className="inspector",
    )
