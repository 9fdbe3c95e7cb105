"""Callbacks of the region pages: redraw the panels when the data changes,
drill down, change the window."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlencode

from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from cockpit.components.export import EXPORT, download_pack, while_building
from cockpit.ids import ExportIds, PageIds, RegionIds, ShellIds, VillageIds, WindowIds
from cockpit.pages.common import WINDOW_KEYS, drawn
from cockpit.pages.params import region_params, text
from cockpit.pages.region.category import with_category
from cockpit.pages.region.render import render_region, render_village
from cockpit.timewindow import PRESET_LABELS, WindowError, custom_window

__all__ = ["register_callbacks", "render_region", "render_village"]


def _with_window(pathname: str | None, search: str | None, window_args: dict[str, str]) -> str:
    """The page's URL with a new window; other query keys (the category) kept."""
    kept = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k not in WINDOW_KEYS]
    return f"{pathname or '/'}?{urlencode([*window_args.items(), *kept])}"


def navigate_preset(preset: str | None, pathname: str | None, search: str | None = None):
    """Choosing a preset window reloads the page's URL with ?window=…"""
    preset = text(preset, "时间范围", 40)
    if not preset or preset == "custom" or preset not in PRESET_LABELS:
        return no_update
    return _with_window(pathname, search, {"window": preset})


def navigate_range(start: str | None, end: str | None, pathname: str | None, search: str | None = None):
    """Picking both dates reloads the page's URL with ?from=…&to=…"""
    start, end = text(start, "开始日期", 40), text(end, "结束日期", 40)
    if not (start and end):
        return no_update
    try:
        window = custom_window(_date(start), _date(end))
    except (WindowError, ValueError, OverflowError):
        return no_update
    return _with_window(pathname, search, window.query_args())


def navigate_category(category: str | None, params: dict | None, pathname: str | None, search: str | None):
    """Choosing a warning category (or clearing it: 全部) reloads the page's
    URL with ?category=…, so the choice survives a reload, a link and back."""
    category = text(category, "预警类别")
    params = region_params(params) if params else None
    if not params or (category or None) == params.get("category"):
        return no_update
    return with_category(pathname, search, category or None)


def _date(value: str) -> date:
    return date.fromisoformat(value[:10])


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(RegionIds.KPIS, "children"),
        Output(RegionIds.MAP, "figure"),
        Output(RegionIds.CATEGORIES, "figure"),
        Output(RegionIds.TREND, "figure"),
        Output(RegionIds.HANDLING, "figure"),
        Output(RegionIds.RANKING, "children"),
        Output(RegionIds.RED_LIST, "children"),
        Output(RegionIds.WARNING_CATEGORIES, "children"),
        Input(ShellIds.DATA_VERSION, "data"),
        Input(RegionIds.PARAMS, "data"),
        # The layout drew the panels; this runs again when the data changes.
        prevent_initial_call=True,
    )(drawn(render_region, "render_region"))
    app.callback(
        Output(VillageIds.KPIS, "children"),
        Output(VillageIds.PETITION_TREND, "figure"),
        Output(VillageIds.WARNING_TREND, "figure"),
        Output(VillageIds.PETITIONS, "children"),
        Output(VillageIds.WARNINGS, "children"),
        Input(ShellIds.DATA_VERSION, "data"),
        Input(VillageIds.PARAMS, "data"),
        prevent_initial_call=True,
    )(drawn(render_village, "render_village"))
    navigation = Output(PageIds.NAV, "href", allow_duplicate=True)
    # A click on a region opens it, in the browser: the map's traces carry
    # their links (figures.region_map), so no round trip asks for the URL.
    app.clientside_callback(
        ClientsideFunction(namespace="cockpit", function_name="mapDrill"),
        navigation,
        Input(RegionIds.MAP, "clickData"),
        State(RegionIds.MAP, "figure"),
        prevent_initial_call=True,
    )
    app.callback(
        navigation,
        Input(WindowIds.PRESET, "value"),
        State(PageIds.NAV, "pathname"),
        State(PageIds.NAV, "search"),
        prevent_initial_call=True,
    )(navigate_preset)
    app.callback(
        navigation,
        Input(WindowIds.RANGE, "start_date"),
        Input(WindowIds.RANGE, "end_date"),
        State(PageIds.NAV, "pathname"),
        State(PageIds.NAV, "search"),
        prevent_initial_call=True,
    )(navigate_range)
    app.callback(
        navigation,
        Input(RegionIds.CATEGORY, "value"),
        State(RegionIds.PARAMS, "data"),
        State(PageIds.NAV, "pathname"),
        State(PageIds.NAV, "search"),
        prevent_initial_call=True,
    )(navigate_category)
    app.callback(
        Output(ExportIds.DOWNLOAD, "data"),
        Output(ExportIds.STATUS, "children"),
        Input(ExportIds.BUTTON, "n_clicks"),
        State(ExportIds.WEEK, "value"),
        State(ExportIds.REGION, "data"),
        running=while_building(ExportIds.BUTTON, EXPORT),
        prevent_initial_call=True,
    )(download_pack)
