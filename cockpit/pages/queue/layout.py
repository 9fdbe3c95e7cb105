"""Layout of the warning queues."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from cockpit.components.messages import forbidden, message_card
from cockpit.components.navbar import page_frame
from cockpit.components.urls import warnings_href
from cockpit.context import current
from cockpit.ids import QueueIds
from cockpit.lifecycle import COLOUR_LABELS, WARNING, WARNING_OWNER_KINDS
from cockpit.pages.common import (
    connect,
    drawn,
    freshness_and_version,
    regions_in_reach,
    scope_for,
)
from cockpit.pages.queue.callbacks import render_queues
from cockpit.pages.queue.filters import QueueFilters
from queries.regions import get_region, region_path
from queries.scope import OutOfScopeError
from queries.warnings import warning_filter_options

COLUMNS = (
    (QueueIds.RED, QueueIds.RED_COUNT, "red"),
    (QueueIds.YELLOW, QueueIds.YELLOW_COUNT, "yellow"),
    (QueueIds.GREEN, QueueIds.GREEN_COUNT, "green"),
)


def _status_label(colour: str) -> str:
    status = next(s for s in WARNING.statuses if s.colour == colour)
    return f"{COLOUR_LABELS[colour]} · {status.label}"


def _region_option(region) -> dict:
    """A picker entry: whole branches (towns, counties) first as "name（全部）",
    then villages as "town · village"; a parent name is shown below the root's
    children so same-named places can be told apart."""
    prefix = f"{region.parent_name} · " if region.distance > 1 and region.parent_name else ""
    suffix = "" if region.is_leaf else "（全部）"
    return {"label": f"{prefix}{region.name}{suffix}", "value": region.code}


def layout(**query) -> html.Div:
    filters = QueueFilters.from_query(query)
    with connect() as conn:
        fresh, version = freshness_and_version(conn)
        if filters.region and not region_path(conn, filters.region, current().root_code):
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
        try:
            scope_for(conn, filters.region)
        except OutOfScopeError as error:
            return page_frame("warnings", fresh, forbidden(error.message, warnings_href(), "查看全部预警"))
        below = regions_in_reach(conn)
        home = scope_for(conn)
        options = warning_filter_options(conn, home)
        home_name = get_region(conn, home.region_code).name
    red, yellow, green, *counts = drawn(render_queues, "render_queues")(version, filters.to_store())
    lists = {"red": red, "yellow": yellow, "green": green}
    shown_counts = dict(zip(("red", "yellow", "green"), counts, strict=True))
    region_options = [_region_option(r) for r in below.itertuples(index=False)]
    filter_bar = html.Div(
        [
            dcc.Dropdown(
                id=QueueIds.REGION,
                options=region_options,
                value=filters.region,
                placeholder=f"{home_name}全部地区（可输入村名搜索）",
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
                    [
                        _status_label(colour),
                        html.Span(shown_counts[colour], id=count_id, className="queue-count"),
                    ],
                    className=f"queue-title queue-title-{colour}",
                ),
                html.Div(lists[colour], id=column_id, className="queue-list"),
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
