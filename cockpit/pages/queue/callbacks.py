"""Callbacks of the warning queues: the three columns (drawn by the layout,
again when the data changes), and the filters into the URL."""

from __future__ import annotations

import pandas as pd
from dash import Dash, Input, Output, html

from cockpit.components.format import fmt_amount, fmt_duration, fmt_time
from cockpit.components.markup import HtmlBlock, Markup, join, link, tag
from cockpit.components.urls import warning_href, warnings_href
from cockpit.ids import PageIds, QueueIds, ShellIds
from cockpit.lifecycle import WARNING, WARNING_SEVERITIES
from cockpit.pages.common import connect, drawn, now, scope_for
from cockpit.pages.params import flag, queue_params, region_code, text
from cockpit.pages.queue.filters import QueueFilters
from queries.warnings import warning_queue, warning_queue_counts

# Highest priority first, then oldest first (the disposed queue: most recently
# disposed first), a screenful or two per queue: the browser renders every card,
# and the filters narrow the queue down when there are more.
QUEUE_LIMIT = 50
CARDS_SHOWN = 15  # per queue until 显示更多: 150 cards were ~1,800 DOM nodes
STATUS_OF_COLOUR = {s.colour: s.code for s in WARNING.statuses}
COLOURS = ("red", "yellow", "green")


def priority_badge(severity: str, priority: str, label: str) -> Markup:
    """The warning's priority; when residents' petitions raised it above the
    rule's severity, the badge says so on hover."""
    if priority == severity:
        return tag("span", label, class_=f"badge severity-{priority}")
    was = WARNING_SEVERITIES.get(severity, severity)
    return tag(
        "span",
        label,
        class_=f"badge severity-{priority} priority-raised",
        title=f"预警等级{was}，因群众反映提升为{label}",
    )


def linked_badge(count: int) -> Markup:
    """群众反映 N: petitions linked to the warning (queries.links)."""
    return tag(
        "span",
        f"群众反映 {count}",
        class_="badge text-bg-warning queue-linked",
        title="同村有群众诉求涉及同一人员、项目或同类事项，已提升优先级",
    )


def _card(r) -> Markup:
    place = " · ".join(p for p in (r.town_name, r.village_name) if isinstance(p, str) and p)
    badges = [priority_badge(r.severity, r.priority, r.priority_label)]
    if r.linked_petitions > 0:
        badges.append(linked_badge(r.linked_petitions))
    if r.overdue:
        badges.append(tag("span", "超期", class_="badge text-bg-danger"))
    return link(
        warning_href(r.id),
        tag("div", tag("span", r.title, class_="queue-item-title"), badges, class_="queue-item-head"),
        tag("div", f"{place} · {r.category}", class_="queue-item-meta"),
        tag(
            "div",
            tag("span", f"预警于 {fmt_time(r.raised_at, '%m-%d %H:%M')}"),
            tag("span", f"历时 {fmt_duration(r.age_hours)}"),
            tag("span", f"期限 {fmt_time(r.due_at, '%m-%d %H:%M')}"),
            class_="queue-item-times",
        ),
        tag(
            "div",
            tag("span", r.owner_name),
            tag("span", fmt_amount(r.amount) if pd.notna(r.amount) else ""),
            class_="queue-item-owner",
        ),
        class_="queue-item overdue" if r.overdue else "queue-item",
    )


def queue_items(df: pd.DataFrame, limit: int = QUEUE_LIMIT) -> html.Div | HtmlBlock:
    """One card per warning in queue order (at most ``limit``; ``df`` may hold
    one more to tell that the queue goes on): its priority, "群众反映 N" when
    petitions are linked to it, overdue ones marked. One HtmlBlock, the first
    CARDS_SHOWN cards until 显示更多."""
    if df.empty:
        return html.Div("没有符合条件的预警", className="list-empty")
    cards = [_card(r) for r in df.head(limit).itertuples(index=False)]
    note = (
        tag("div", f"仅显示前 {limit} 条，可用上方条件筛选", class_="table-note") if len(df) > limit else None
    )
    if len(cards) <= CARDS_SHOWN + 2:
        return HtmlBlock(join([*cards, note]))
    return HtmlBlock(
        join(cards[:CARDS_SHOWN]),
        expanded=join([*cards, note]),
        expand_label=f"显示更多（共 {len(cards)} 条）",
    )


def render_queues(_version: str | None, params: dict) -> tuple:
    """The red, yellow and green queues under the filters, and each queue's
    full length for its header."""
    filters = QueueFilters(**queue_params(params))
    at = now()
    with connect() as conn:
        scope = scope_for(conn, filters.region)
        frames = [
            warning_queue(
                conn,
                scope,
                at,
                status=STATUS_OF_COLOUR[colour],
                category=filters.category,
                owner_kind=filters.owner,
                overdue_only=filters.overdue,
                limit=QUEUE_LIMIT + 1,
            )
            for colour in COLOURS
        ]
        counts = warning_queue_counts(
            conn,
            scope,
            at,
            category=filters.category,
            owner_kind=filters.owner,
            overdue_only=filters.overdue,
        )
    lists = tuple(queue_items(df) for df in frames)
    headers = tuple(f"{counts[STATUS_OF_COLOUR[colour]]:,} 条" for colour in COLOURS)
    return lists + headers


def navigate_filters(
    region: str | None, category: str | None, owner: str | None, overdue: bool | None
) -> str:
    """Any filter change puts all filters in the URL (shareable, back works)."""
    filters = QueueFilters(
        region=region_code(region),
        category=text(category, "预警类别"),
        owner=text(owner, "责任主体"),
        overdue=flag(overdue),
    )
    return warnings_href(filters.query_args())


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(QueueIds.RED, "children"),
        Output(QueueIds.YELLOW, "children"),
        Output(QueueIds.GREEN, "children"),
        Output(QueueIds.RED_COUNT, "children"),
        Output(QueueIds.YELLOW_COUNT, "children"),
        Output(QueueIds.GREEN_COUNT, "children"),
        Input(ShellIds.DATA_VERSION, "data"),
        Input(QueueIds.PARAMS, "data"),
        # The layout drew the queues; this runs again when the data changes.
        prevent_initial_call=True,
    )(drawn(render_queues, "render_queues"))
    app.callback(
        Output(PageIds.NAV, "href", allow_duplicate=True),
        Input(QueueIds.REGION, "value"),
        Input(QueueIds.CATEGORY, "value"),
        Input(QueueIds.OWNER, "value"),
        Input(QueueIds.OVERDUE, "value"),
        prevent_initial_call=True,
    )(navigate_filters)
