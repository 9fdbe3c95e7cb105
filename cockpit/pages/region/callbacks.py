"""Callbacks of the region pages: fill the panels, drill down, change the window."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlencode

from dash import Dash, Input, Output, State, no_update

from cockpit import figures
from cockpit.components.export import EXPORT, download_pack, while_building
from cockpit.components.kpi import kpi_row
from cockpit.components.lists import red_warning_list
from cockpit.components.ranking_table import ranking_table
from cockpit.components.tables import petitions_table, warnings_table
from cockpit.components.urls import region_href
from cockpit.context import current, viewer
from cockpit.ids import ExportIds, PageIds, RegionIds, ShellIds, VillageIds, WindowIds
from cockpit.outage import REUSE_SECONDS, keep_last_good
from cockpit.pages.common import WINDOW_KEYS, connect, load_kpis, scope_for, trend_freq, window_of
from cockpit.pages.params import click_data, region_params, text
from cockpit.pages.region.category import (
    CATEGORY_MAP_METRIC,
    category_table,
    link_args,
    with_category,
    with_category_counts,
)
from cockpit.pages.region.layout import MAP_HEIGHT, MAP_WIDTH
from cockpit.pages.region.village import log_village_view
from cockpit.timewindow import PRESET_LABELS, WindowError, custom_window
from queries import petitions, warnings
from queries.regions import child_regions

THEME = "light"
MAP_METRIC = "share_5d"


def render_region(_version: str | None, params: dict) -> tuple:
    """Every panel of the analytics page; re-runs only when the data changed.
    With a warning category in ``params``, the map and the ranking follow it."""
    params = region_params(params)
    window = window_of(params["window"])
    category = params.get("category")
    root_code = current().root_code
    home = viewer().home
    with connect() as conn:
        scope = scope_for(conn, params["code"])
        freq = trend_freq(window, "root" if scope.region_code == root_code else "region")
        children = child_regions(conn, scope.region_code)
        child_metrics = petitions.child_region_metrics(conn, scope, window)
        if category:
            by_category = warnings.child_region_category_warnings(conn, scope, window, category)
            child_metrics = with_category_counts(child_metrics, by_category)
        categories_of_warnings = warnings.warning_categories(conn, scope, window)
        kpis = load_kpis(conn, scope, window)
        categories = petitions.top_categories(conn, scope, window, limit=10)
        trend = petitions.share_closed_within_5_days_trend(conn, scope, window, freq=freq)
        handling = petitions.handling_time_distribution(conn, scope, window)
        red = warnings.newest_red_warnings(conn, scope, limit=10)
    args = window.query_args()
    region_map = figures.region_map(
        children,
        child_metrics,
        CATEGORY_MAP_METRIC if category else MAP_METRIC,
        THEME,
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        category=category,
    )
    return (
        kpi_row(kpis),
        region_map,
        figures.top_categories_bar(categories, THEME),
        figures.share_trend(trend, THEME, freq=freq),
        figures.handling_distribution_bar(handling, THEME),
        ranking_table(child_metrics, home, link_args(args, category), category),
        red_warning_list(red, links=viewer().records),
        category_table(categories_of_warnings, scope.region_code, home, args, category),
    )


def render_village(_version: str | None, params: dict) -> tuple:
    """KPIs, trends and tables of one village."""
    params = region_params(params)
    window = window_of(params["window"])
    freq = trend_freq(window, "village")
    with connect() as conn:
        scope = scope_for(conn, params["code"])
        if viewer().records:  # the lists below are records: logged like the page
            log_village_view(scope.region_code)
        kpis = load_kpis(conn, scope, window)
        trend = petitions.share_closed_within_5_days_trend(conn, scope, window, freq=freq)
        raised = warnings.warnings_raised_trend(conn, scope, window, freq=freq)
        rows = petitions.village_petitions(conn, scope, window)
        alerts = warnings.village_warnings(conn, scope, window)
    return (
        kpi_row(kpis),
        figures.share_trend(trend, THEME, freq=freq),
        figures.warnings_trend(raised, THEME, freq=freq),
        petitions_table(rows),
        warnings_table(alerts),
    )


def _drill(code: str | None, params: dict | None):
    if not code or not params or code == params.get("code"):
        return no_update
    return region_href(code, viewer().home, link_args(params.get("window") or {}, params.get("category")))


def drill_from_map(click: dict | None, params: dict | None):
    """A click on a polygon opens that region (the URL changes, so back works)."""
    code = click_data(click)
    return _drill(code, region_params(params) if params else None)


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
    )(keep_last_good(render_region, "render_region", ignore=(0,), reuse_seconds=REUSE_SECONDS))
    app.callback(
        Output(VillageIds.KPIS, "children"),
        Output(VillageIds.PETITION_TREND, "figure"),
        Output(VillageIds.WARNING_TREND, "figure"),
        Output(VillageIds.PETITIONS, "children"),
        Output(VillageIds.WARNINGS, "children"),
        Input(ShellIds.DATA_VERSION, "data"),
        Input(VillageIds.PARAMS, "data"),
    )(keep_last_good(render_village, "render_village", ignore=(0,), reuse_seconds=REUSE_SECONDS))
    navigation = Output(PageIds.NAV, "href", allow_duplicate=True)
    app.callback(
        navigation,
        Input(RegionIds.MAP, "clickData"),
        State(RegionIds.PARAMS, "data"),
        prevent_initial_call=True,
    )(drill_from_map)
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
