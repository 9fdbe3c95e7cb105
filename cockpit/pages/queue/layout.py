"""Layout of the warning queues."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from cockpit.components.messages import message_card
from cockpit.components.navbar import page_frame
from cockpit.components.urls import warnings_href
from cockpit.context import current
from cockpit.ids import QueueIds
from cockpit.lifecycle import COLOUR_LABELS, WARNING, WARNING_OWNER_KINDS
from cockpit.pages.common import connect, current_freshness
from cockpit.pages.queue.filters import QueueFilters
from queries.regions import child_regions, region_path, villages_under
from queries.scope import Scope
from queries.warnings import warning_filter_options

COLUMNS = (
    (QueueIds.RED, QueueIds.RED_COUNT, "red"),
    (QueueIds.YELLOW, QueueIds.YELLOW_COUNT, "yellow"),
    (QueueIds.GREEN, QueueIds.GREEN_COUNT, "green"),
)


def _status_label(colour: str) -> str:
    status = next(s for s in WARNING.statuses if s.colour == colour)
    return f"{COLOUR_LABELS[colour]} · {status.label}"


def layout(**query) -> html.Div:
    ctx = current()
    filters = QueueFilters.from_query(query)
    with connect() as conn:
        fresh = current_freshness(conn)
        if filters.region and not region_path(conn, filters.region, ctx.root_code):
            return page_frame(
                "warnings",
                fresh,
                message_card(
                    "筛选的地区不存在",
                    f"地区代码 {filters.region} 不存在，或不在本驾驶舱的管辖范围内。",
                    warnings_href(),
                    "查看全部预警",
                ),
            )
        towns = child_regions(conn, ctx.root_code)
        villages = villages_under(conn, ctx.root_code)
        options = warning_filter_options(conn, Scope(ctx.root_code))
    region_options = [
        {"label": f"{name}（全部）", "value": code}
        for code, name in zip(towns["code"], towns["name"], strict=True)
    ]
    region_options += [
        {"label": f"{town} · {name}" if town else name, "value": code}
        for code, name, town in zip(villages["code"], villages["name"], villages["parent_name"], strict=True)
        if code not in set(towns["code"])
    ]
    filter_bar = html.Div(
        [
            dcc.Dropdown(
                id=QueueIds.REGION,
                options=region_options,
                value=filters.region,
                placeholder="全部地区（可输入村名搜索）",
                searchable=True,
                clearable=True,
                className="filter-region",
            ),
            dcc.Dropdown(
                id=QueueIds.CATEGORY,
                options=[{"label": c, "value": c} for c in options["categories"]],
                value=filters.category,
                placeholder="全部类别",
                clearable=True,
                className="filter-category",
            ),
            dcc.Dropdown(
                id=QueueIds.OWNER,
                options=[
                    {"label": WARNING_OWNER_KINDS.get(k, k), "value": k} for k in options["owner_kinds"]
                ],
                value=filters.owner,
                placeholder="全部责任主体",
                clearable=True,
                className="filter-owner",
            ),
            dbc.Switch(
                id=QueueIds.OVERDUE, label="只看超期", value=filters.overdue, className="filter-overdue"
            ),
        ],
        className="queue-filters",
    )
    columns = [
        html.Section(
            [
                html.H2(
                    [_status_label(colour), html.Span(id=count_id, className="queue-count")],
                    className=f"queue-title queue-title-{colour}",
                ),
                html.Div(id=column_id, className="queue-list"),
            ],
            className=f"queue-column queue-{colour}",
        )
        for column_id, count_id, colour in COLUMNS
    ]
    return page_frame(
        "warnings",
        fresh,
        html.H1("预警队列", className="page-title"),
        filter_bar,
        dcc.Store(id=QueueIds.PARAMS, data=filters.to_store()),
        html.Div(columns, className="queue-columns"),
    )
