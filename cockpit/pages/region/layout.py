"""/ and /region/<code>: analytics for a region, or the village page.

The layout does the cheap checks (is the window valid, is the region under
the root), then draws every panel (cockpit.pages.region.render) in the same
answer: a drill is one round trip, and the page it leaves stays on screen
(dimmed) until the new one is complete. The panels' callbacks run again
only when the data changes.
"""

from __future__ import annotations

from dash import dcc, html

from cockpit.components.breadcrumb import breadcrumb
from cockpit.components.export import export_status
from cockpit.components.messages import forbidden, message_card, not_found
from cockpit.components.navbar import page_frame
from cockpit.components.urls import region_href
from cockpit.components.window_selector import window_selector
from cockpit.context import viewer
from cockpit.ids import RegionIds
from cockpit.pages.common import (
    connect,
    drawn,
    freshness_and_version,
    scope_for,
    viewer_path,
    window_args,
    window_of,
)
from cockpit.pages.params import BadRequestError, window_params
from cockpit.pages.region import village
from cockpit.pages.region.category import category_arg, category_choices, category_selector, link_args
from cockpit.pages.region.parts import card, graph, region_header, with_export
from cockpit.pages.region.render import MAP_HEIGHT, render_region, render_village
from queries.regions import child_regions, get_region
from queries.scope import OutOfScopeError


def home_layout(**query) -> html.Div:
    """ "/": the viewer's home region (the root for a city leader)."""
    query.pop("code", None)  # "/?code=…" is still the home region
    return layout(code=None, **query)


def layout(code: str | None = None, **query) -> html.Div:
    home = viewer().home
    code = code or home
    with connect() as conn:
        fresh, version = freshness_and_version(conn)
        if not isinstance(code, str):  # "?code=a&code=b" overrides the path's code
            return page_frame("analysis", fresh, not_found("地区"))
        try:
            args = window_params(window_args(query))
            window = window_of(args)
        except BadRequestError as error:
            return page_frame(
                "analysis",
                fresh,
                message_card("时间范围有误", error.message, region_href(code, home), "使用默认时间范围"),
            )
        if not get_region(conn, code):
            return page_frame("analysis", fresh, not_found("地区", f"地区代码 {code} 不存在。"))
        try:
            scope = scope_for(conn, code)
            path = viewer_path(conn, code)
        except OutOfScopeError as error:
            return page_frame("analysis", fresh, forbidden(error.message))
        region = path[-1]
        args = window.query_args()
        category = category_arg(query)
        if not region.has_children:
            crumbs = breadcrumb(path, home, args)
            village.log_village_view(region.code)
            params = {"code": region.code, "window": args}
            panels = drawn(render_village, "render_village")(version, params)
            return page_frame("analysis", fresh, *village.layout(region, crumbs, window, panels))
        crumbs = breadcrumb(path, home, link_args(args, category))
        children = child_regions(conn, region.code)
        choices = category_choices(conn, scope, category)
    child_level = str(children["level_label"].iloc[0]) if len(children) else "下级地区"
    params = {"code": region.code, "window": args} | ({"category": category} if category else {})
    coloured_by = f"「{category}」未处置预警" if category else "5日办结率"
    panels = drawn(render_region, "render_region")(version, params)
    kpis, region_map, categories, trend, handling, ranking, red, warning_categories = panels
    selectors = html.Div(
        [category_selector(choices, category), window_selector(window)], className="region-selectors"
    )
    return page_frame(
        "analysis",
        fresh,
        region_header(crumbs, region.name, region.level_label, with_export(region.code, selectors)),
        export_status(),
        dcc.Store(id=RegionIds.PARAMS, data=params),
        html.Div(kpis, id=RegionIds.KPIS, className="kpi-row"),
        html.Div(
            [
                card(
                    f"各{child_level}{coloured_by}（点击地图进入）",
                    graph(RegionIds.MAP, MAP_HEIGHT, is_map=True, figure=region_map),
                    "span-7",
                ),
                card("高频问题 TOP10", graph(RegionIds.CATEGORIES, MAP_HEIGHT, figure=categories), "span-5"),
                card("5日办结率趋势", graph(RegionIds.TREND, 300, figure=trend), "span-7"),
                card("办理时长分布", graph(RegionIds.HANDLING, 300, figure=handling), "span-5"),
                card(
                    f"{child_level}排名 · {'按' + coloured_by if category else '5日办结率'}（点击行进入）",
                    html.Div(ranking, id=RegionIds.RANKING),
                    "span-8",
                ),
                html.Div(
                    [
                        card(
                            "预警类别（点击按类别着色）",
                            html.Div(warning_categories, id=RegionIds.WARNING_CATEGORIES),
                        ),
                        card("最新红色预警", html.Div(red, id=RegionIds.RED_LIST)),
                    ],
                    className="card-stack span-4",
                ),
            ],
            className="card-grid",
        ),
    )
