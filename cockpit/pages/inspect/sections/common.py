"""What every section of the inspector analytics is given and builds with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from dash import dcc, html
from sqlalchemy import Connection

from cockpit.components.markup import Markup, link
from cockpit.components.urls import inspect_href, petition_href, region_href, warning_href
from cockpit.pages.region.parts import CHART_CONFIG
from cockpit.timewindow import Window
from queries.regions import Region
from queries.scope import Scope

THEME = "light"


@dataclass(frozen=True)
class Context:
    """One render of a section: the connection (one consistent read), the
    viewer's scope of the page's region, the window and the clock."""

    conn: Connection
    scope: Scope
    window: Window
    now: datetime
    region: Region
    home: str

    @property
    def is_village(self) -> bool:
        return not self.region.has_children

    def inspect_link(self, code: str, name: str, section: str) -> Markup:
        """A region's analytics, same section and window (a report_table cell)."""
        return link(inspect_href(code, self.home, {**self.window.query_args(), "section": section}), name)

    def region_link(self, code: str, name: str) -> Markup:
        """A region's (or village's) main page, same window (a report_table cell)."""
        return link(region_href(code, self.home, self.window.query_args()), name)


@dataclass(frozen=True)
class Section:
    label: str
    note: str  # what the section shows, one line under the tabs
    render: Callable[[Context], list]
    windowed: bool = True  # False: everything is counted at now, the time window does not apply


def card(title: str, body, span: int = 12) -> html.Section:
    return html.Section(
        [html.H2(title, className="card-title-bar"), html.Div(body, className="card-content")],
        className=f"cockpit-card span-{span}",
    )


def chart(figure, height: int = 360) -> html.Div:
    """A chart in a slot of its height (region.parts.graph says why)."""
    graph = dcc.Graph(figure=figure, config=CHART_CONFIG, style={"height": f"{height}px"})
    return html.Div(graph, className="graph-slot", style={"minHeight": f"{height}px"})


def petition_link(row) -> Markup:
    return link(petition_href(row.id), row.external_id)


def warning_link(external_id: str, warning_id: int) -> Markup:
    return link(warning_href(warning_id), external_id)


def kpis(*cards) -> html.Div:
    return html.Div(list(cards), className="kpi-row span-12")
