"""The top navbar of every page but the wall screen, and the frame around a page."""

from __future__ import annotations

from dash import dcc, html

from cockpit.components import urls
from cockpit.components.refresh import Freshness, refresh_indicator
from cockpit.ids import PageIds

NAV_ITEMS = (
    ("screen", "驾驶舱大屏", urls.SCREEN),
    ("analysis", "分析", urls.HOME),
    ("warnings", "预警队列", urls.WARNINGS),
    ("rules", "预警规则", urls.RULES),
    ("weekly", "周报", urls.WEEKLY),
)


def navbar(active: str, fresh: Freshness) -> html.Nav:
    links = [
        dcc.Link(label, href=href, className="nav-link active" if key == active else "nav-link")
        for key, label, href in NAV_ITEMS
    ]
    return html.Nav(
        html.Div(
            [
                dcc.Link("监督驾驶舱", href=urls.HOME, className="navbar-brand"),
                html.Div(links, className="navbar-nav flex-row gap-3 me-auto"),
                refresh_indicator(fresh),
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
