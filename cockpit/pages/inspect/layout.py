"""/inspect and /inspect/<code>: the inspector's analytics of a region
(督查分析), one section at a time.

The layout does the cheap checks (the window, the region, the viewer's
scope, the section) and lays out the section picker and an empty body plus
a params store; the section's callback fills the body. The section and the
window live in the URL, so a link, a reload and "back" show the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping

from dash import dcc, html

from cockpit.components.breadcrumb import breadcrumb
from cockpit.components.messages import forbidden, message_card, not_found
from cockpit.components.navbar import page_frame
from cockpit.components.urls import inspect_href
from cockpit.components.window_selector import window_selector
from cockpit.context import viewer
from cockpit.ids import InspectIds
from cockpit.pages.common import (
    connect,
    drawn,
    first_value,
    freshness_and_version,
    viewer_path,
    window_args,
    window_of,
)
from cockpit.pages.inspect.callbacks import render_section
from cockpit.pages.inspect.sections import DEFAULT_SECTION, SECTIONS
from cockpit.pages.params import BadRequestError, window_params
from cockpit.pages.region.parts import region_header
from queries.regions import get_region
from queries.scope import AccessDeniedError

ACTIVE = "inspect"


def home_layout(**query) -> html.Div:
    """/inspect: the viewer's home region."""
    query.pop("code", None)
    return layout(code=None, **query)


def section_tabs(code: str, home: str, args: Mapping[str, str], chosen: str) -> html.Nav:
    """One link per section (the window kept); the chosen one highlighted.
    Every section exists at every level: at a village, the breakdowns by
    region below become the village itself."""
    links = [
        dcc.Link(
            section.label,
            href=inspect_href(code, home, {**args, "section": key}),
            className="nav-link active" if key == chosen else "nav-link",
        )
        for key, section in SECTIONS.items()
    ]
    return html.Nav(links, id=InspectIds.TABS, className="nav nav-tabs inspect-tabs")


def layout(code: str | None = None, **query) -> html.Div:
    home = viewer().home
    code = code or home
    with connect() as conn:
        fresh, version = freshness_and_version(conn)
        if not isinstance(code, str):  # "?code=a&code=b"
            return page_frame(ACTIVE, fresh, not_found("地区"))
        chosen = first_value(query.get("section")) or DEFAULT_SECTION
        if chosen not in SECTIONS:
            return page_frame(
                ACTIVE,
                fresh,
                not_found(
                    "分析内容",
                    f"没有名为 {chosen[:40]} 的分析内容。",
                    inspect_href(code, home),
                    "返回督查分析",
                ),
            )
        try:
            args = window_params(window_args(query))
            window = window_of(args)
        except BadRequestError as error:
            return page_frame(
                ACTIVE,
                fresh,
                message_card("时间范围有误", error.message, inspect_href(code, home), "使用默认时间范围"),
            )
        if not get_region(conn, code):
            return page_frame(ACTIVE, fresh, not_found("地区", f"地区代码 {code} 不存在。"))
        try:
            path = viewer_path(conn, code)
            if not viewer().records:
                raise AccessDeniedError("督查分析列出具体诉求和预警，大屏不可访问。")
        except AccessDeniedError as error:
            return page_frame(ACTIVE, fresh, forbidden(error.message))
    region = path[-1]
    args = window.query_args()
    section = SECTIONS[chosen]
    params = {"code": region.code, "window": args, "section": chosen}
    crumbs = breadcrumb(path, home, {**args, "section": chosen}, href=inspect_href)
    selector = (
        window_selector(window)
        if section.windowed
        else html.Div("统计时点：当前（不受时间范围影响）", className="selector-label inspect-at-now")
    )
    return page_frame(
        ACTIVE,
        fresh,
        region_header(crumbs, f"{region.name} · 督查分析", region.level_label, selector),
        section_tabs(region.code, home, args, chosen),
        html.P(section.note, className="text-muted small inspect-note"),
        dcc.Store(id=InspectIds.PARAMS, data=params),
        # Drawn in this answer: a tab switch is one round trip, and the page
        # it leaves stays (dimmed) until the new one is complete.
        html.Div(
            drawn(render_section, "render_inspect")(version, params),
            id=InspectIds.BODY,
            className="card-grid",
        ),
    )
