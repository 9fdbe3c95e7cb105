"""Every panel of the wall screen for one focus region: drawn by the layout
on first load, and by the callback when the data changes or the rotation
moves on."""

from __future__ import annotations

from cockpit import figures
from cockpit.components.wall import ticker, today_strip, wall_kpis
from cockpit.context import current, viewer
from cockpit.figures.region_map import MAP_METRICS
from cockpit.pages.common import connect, load_kpis, scope_for, trend_freq
from cockpit.pages.params import region_code
from cockpit.pages.region.category import CATEGORY_MAP_METRIC, with_category_counts
from cockpit.pages.screen.leaf import leaf_map
from cockpit.pages.screen.panels import MAP_HEIGHT, MAP_WIDTH, PANELS, THEME, ScreenData
from cockpit.settings import map_metric_category
from cockpit.timewindow import Window, format_local, preset_window
from queries import activity, petitions, warnings
from queries.regions import child_regions, get_region

TICKER_ITEMS = 12


def window_caption(window: Window) -> str:
    """What the window's figures count, for the room: "近30天 · 11-09 起"."""
    if window.preset in ("today", "all"):
        return window.label
    return f"{window.label} · {format_local(window.start, '%m-%d')} 起"


def render_screen(_version: str | None, focus: str | None) -> tuple:
    """Every panel of the screen for the focus region (the root by default):
    the focus's name, the KPIs, the map and its title, each slot's title and
    body (COCKPIT_SCREEN_PANELS), then the ticker and today's figures.

    Runs on first load, when the shell publishes a new data version, and when
    the rotation moves the focus; never on a poll that found nothing new.
    """
    focus = region_code(focus)
    settings = current().settings
    home = viewer().home
    window = preset_window(settings.screen_window)
    with connect() as conn:
        scope = scope_for(conn, focus or home)
        region = get_region(conn, scope.region_code)
        children = child_regions(conn, region.code)
        child_metrics = petitions.child_region_metrics(conn, scope, window)
        category = map_metric_category(settings.screen_map_metric)
        if category:
            by_category = warnings.child_region_category_warnings(conn, scope, window, category)
            map_metrics = with_category_counts(child_metrics, by_category)
        else:
            map_metrics = child_metrics
        kpis = load_kpis(conn, scope, window)
        map_title = f"各{str(children['level_label'].iloc[0]) if len(children) else '下级地区'}"
        if children.empty:  # a village: the map draws it (and the viewer's other villages)
            children, map_metrics, map_title = leaf_map(conn, region, window)
        freq = trend_freq(window, "root" if region.code == current().root_code else "region")
        child_level = str(children["level_label"].iloc[0]) if len(child_metrics) else ""
        data = ScreenData(conn, scope, region, window, window.now, freq, child_metrics, child_level)
        slots = []
        for key in settings.screen_panels:
            panel = PANELS[key]
            slots += [panel.title(data), panel.body(data)]
        newest = activity.newest_activity(conn, scope, TICKER_ITEMS)
        today = activity.today_counts(conn, scope, window.now)
    if category:
        metric, metric_label = CATEGORY_MAP_METRIC, f"「{category}」{MAP_METRICS[CATEGORY_MAP_METRIC].label}"
    else:
        metric = settings.screen_map_metric
        metric_label = MAP_METRICS[metric].label
    return (
        f"{region.name} · 全域" if region.code == current().root_code else region.name,
        wall_kpis(kpis, window_caption(window)),
        figures.region_map(
            children, map_metrics, metric, THEME, width=MAP_WIDTH, height=MAP_HEIGHT, category=category
        ),
        f"{map_title}{metric_label}",
        *slots,
        ticker(newest),
        today_strip(today),
    )
