"""The region pages' panels, read and built for one region and window: the
layouts draw them on first load, the callbacks again when the data changes."""

from __future__ import annotations

from cockpit import figures
from cockpit.components.kpi import kpi_row
from cockpit.components.lists import red_warning_list
from cockpit.components.ranking_table import ranking_table
from cockpit.components.tables import petitions_table, warnings_table
from cockpit.components.urls import region_href
from cockpit.context import current, viewer
from cockpit.pages.common import connect, load_kpis, scope_for, trend_freq, window_of
from cockpit.pages.params import region_params
from cockpit.pages.region.category import CATEGORY_MAP_METRIC, category_table, link_args, with_category_counts
from cockpit.pages.region.village import log_village_view
from queries import petitions, warnings
from queries.regions import child_regions

MAP_WIDTH, MAP_HEIGHT = 720, 440
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
    link_query = link_args(args, category)
    region_map = figures.region_map(
        children,
        child_metrics,
        CATEGORY_MAP_METRIC if category else MAP_METRIC,
        THEME,
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        category=category,
        links={code: region_href(code, home, link_query) for code in children["code"]},
    )
    return (
        kpi_row(kpis),
        region_map,
        figures.top_categories_bar(categories, THEME),
        figures.share_trend(trend, THEME, freq=freq),
        figures.handling_distribution_bar(handling, THEME),
        ranking_table(child_metrics, home, link_query, category),
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
