"""The village page: a region without children."""

from __future__ import annotations

from datetime import timedelta

from dash import dcc, html

from cockpit.auth.audit import log_view_once
from cockpit.components.export import export_status
from cockpit.components.window_selector import window_selector
from cockpit.ids import VillageIds
from cockpit.pages.region.parts import card, graph, region_header, with_export
from cockpit.timewindow import Window
from queries.regions import Region

# A village's page and its callback (which returns the lists of petitions
# and warnings, and may be called by hand) both log the view: once per
# viewer and village in this long.
VIEW_LOGGED_EVERY = timedelta(minutes=30)


def log_village_view(code: str) -> None:
    """``view_village`` by the request's viewer, unless logged within VIEW_LOGGED_EVERY."""
    log_view_once("view_village", code, VIEW_LOGGED_EVERY)


def layout(region: Region, crumbs, window: Window, panels: tuple) -> list:
    """``panels``: cockpit.pages.region.render.render_village's answer."""
    kpis, petition_trend, warning_trend, petitions, warnings = panels
    return [
        region_header(
            crumbs, region.name, region.level_label, with_export(region.code, window_selector(window))
        ),
        export_status(),
        dcc.Store(id=VillageIds.PARAMS, data={"code": region.code, "window": window.query_args()}),
        html.Div(kpis, id=VillageIds.KPIS, className="kpi-row"),
        html.Div(
            [
                card(
                    "诉求受理量与5日办结率",
                    graph(VillageIds.PETITION_TREND, 300, figure=petition_trend),
                    "span-6",
                ),
                card("预警新增与处置", graph(VillageIds.WARNING_TREND, 300, figure=warning_trend), "span-6"),
                card("诉求", html.Div(petitions, id=VillageIds.PETITIONS), "span-12"),
                card("预警", html.Div(warnings, id=VillageIds.WARNINGS), "span-12"),
            ],
            className="card-grid",
        ),
    ]
