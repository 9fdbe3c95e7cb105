"""Layout of the wall screen, drawn complete in one answer (the panels by
cockpit.pages.screen.render); callbacks redraw them when the data changes
and the rotation moves on."""

from __future__ import annotations

from dash import dcc, html

from cockpit.components.messages import not_found
from cockpit.components.refresh import refresh_indicator
from cockpit.components.urls import SCREEN
from cockpit.context import current, viewer
from cockpit.ids import ScreenIds
from cockpit.pages.common import (
    connect,
    drawn,
    first_value,
    freshness_and_version,
    viewer_path,
)
from cockpit.pages.screen.panels import PANELS, SLOT_CLASSES, SLOT_IDS, SLOT_TITLE_IDS, scope_chip
from cockpit.pages.screen.render import render_screen
from cockpit.timewindow import PRESET_LABELS
from queries.regions import child_regions, get_region
from queries.scope import OutOfScopeError

GRAPH_CONFIG = {"displayModeBar": False, "displaylogo": False, "scrollZoom": False}


def panel(title, body, title_id: str, extra_class: str = "", chip: str = "") -> html.Section:
    """A titled panel; ``chip`` says what its figures count (近30天, 当前)."""
    heading = html.Div(
        [html.H2(title, id=title_id, className="panel-title"), html.Span(chip, className="panel-chip")],
        className="panel-head",
    )
    return html.Section(
        [heading, html.Div(body, className="panel-body")], className=f"panel {extra_class}".strip()
    )


def graph(graph_id: str, figure=None) -> dcc.Graph:
    """A chart filling its panel (the panel's size comes from screen.css)."""
    return dcc.Graph(
        id=graph_id, figure=figure, config=GRAPH_CONFIG, style={"height": "100%"}, responsive=True
    )


# A viewer granted several regions (an inspector of two villages) sees them
# in turn, this many seconds each unless COCKPIT_SCREEN_ROTATE_SECONDS says.
SEVERAL_REGIONS_SECONDS = 30


def layout(region: str | list | None = None, **_query) -> html.Div:
    """The screen for the viewer's home region, rotating through its children
    when COCKPIT_SCREEN_ROTATE_SECONDS > 0, or through the viewer's regions
    when there are several; ``?region=<code>`` pins it to one region."""
    settings = current().settings
    granted = viewer().regions
    home = viewer().home
    pinned_code = first_value(region)
    several = len(granted) > 1 and not pinned_code
    with connect() as conn:
        root = get_region(conn, current().root_code)
        try:
            pinned = viewer_path(conn, pinned_code) if pinned_code else []
        except OutOfScopeError:
            pinned = []
        rotate = several or (settings.screen_rotate_seconds > 0 and not pinned_code)
        towns = child_regions(conn, home) if rotate and not several else None
        fresh, version = freshness_and_version(conn)
    if pinned_code and not pinned:
        return html.Div(
            [
                refresh_indicator(fresh),
                not_found("地区", f"地区代码 {pinned_code} 不在您的管辖范围内。", SCREEN, "返回大屏"),
            ],
            className="screen-viewport screen-message",
        )
    focus = pinned[-1].code if pinned else home
    focus_name, kpis, region_map, map_title, *slot_parts, newest, today = drawn(
        render_screen, "render_screen"
    )(version, focus)
    rotation = list(granted) if several else [focus] + ([] if towns is None else list(towns["code"]))
    seconds = settings.screen_rotate_seconds or SEVERAL_REGIONS_SECONDS
    root_name = root.name if root else ""
    window_label = PRESET_LABELS[settings.screen_window]
    header = html.Header(
        [
            html.Div(
                [
                    html.Div(focus_name, id=ScreenIds.FOCUS_NAME, className="screen-focus"),
                    html.Div(id=ScreenIds.ROTATION_STATUS, className="screen-rotation"),
                ],
                className="screen-header-left",
            ),
            html.H1(f"{root_name} 小微权力监督驾驶舱", className="screen-title"),
            html.Div(
                [html.Div(id=ScreenIds.CLOCK, className="screen-clock"), refresh_indicator(fresh)],
                className="screen-header-right",
            ),
        ],
        className="screen-header",
    )
    slots = [
        panel(
            title,
            html.Div(body, id=body_id, className="slot-body"),
            title_id,
            f"{css} panel-{key}",
            scope_chip(PANELS[key], window_label),
        )
        for key, body_id, title_id, css, title, body in zip(
            settings.screen_panels,
            SLOT_IDS,
            SLOT_TITLE_IDS,
            SLOT_CLASSES,
            slot_parts[::2],
            slot_parts[1::2],
            strict=True,
        )
    ]
    grid = html.Div(
        [
            html.Div(slots[:2], className="screen-col"),
            html.Div(
                panel(
                    map_title,
                    graph(ScreenIds.MAP, region_map),
                    ScreenIds.MAP_TITLE,
                    "panel-map",
                    window_label,
                ),
                className="screen-col screen-col-centre",
            ),
            html.Div(slots[2:], className="screen-col"),
        ],
        className="screen-grid",
    )
    news = html.Div(
        [
            html.Div(today, id=ScreenIds.TODAY, className="screen-today"),
            html.Div(newest, id=ScreenIds.TICKER, className="screen-ticker"),
        ],
        className="screen-news",
    )
    return html.Div(
        html.Div(
            [
                header,
                html.Div(kpis, id=ScreenIds.KPIS, className="screen-kpis"),
                grid,
                news,
                dcc.Interval(id=ScreenIds.CLOCK_TICK, interval=1000),
                dcc.Interval(
                    id=ScreenIds.ROTATE,
                    interval=seconds * 1000,
                    disabled=not rotate,
                ),
                dcc.Store(id=ScreenIds.ROTATION, data=rotation),
                dcc.Store(id=ScreenIds.FOCUS, data=focus),
            ],
            id=ScreenIds.CANVAS,
            className="screen-canvas",
        ),
        className="screen-viewport",
    )
