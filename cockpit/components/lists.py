"""Lists shared by pages: newest red warnings, event trails, the rolling box."""

from __future__ import annotations

import pandas as pd
from dash import html

from cockpit.components.format import fmt_amount, fmt_time
from cockpit.components.markup import HtmlBlock, Markup, join, link, tag
from cockpit.components.urls import warning_href

EMPTY = "暂无数据"


def marquee(items: list[Markup], min_items: int) -> HtmlBlock:
    """Items in a box; with ``min_items`` or more they scroll upward in a
    loop (the list is doubled so the CSS animation wraps seamlessly)."""
    if len(items) < min_items:
        return HtmlBlock(tag("div", tag("div", items, class_="marquee-track"), class_="marquee"))
    seconds = max(12, 3 * len(items))
    track = tag("div", items + items, class_="marquee-track rolling", style=f"animation-duration: {seconds}s")
    return HtmlBlock(tag("div", track, class_="marquee"))


def red_warning_items(df: pd.DataFrame, links: bool = True) -> list[Markup]:
    """One row per red warning: when, where, what, how much."""
    items = []
    for row in df.itertuples(index=False):
        place = " · ".join(str(p) for p in (row.town_name, row.village_name) if isinstance(p, str) and p)
        title = link(warning_href(row.id), row.title) if links else row.title
        amount = fmt_amount(row.amount) if pd.notna(row.amount) else ""
        # A wall screen's titles are the category itself (no warning's own words): not twice.
        category = "" if str(row.title).startswith(str(row.category)) else row.category
        items.append(
            tag(
                "div",
                tag(
                    "div",
                    tag("span", fmt_time(row.raised_at, "%m-%d %H:%M"), class_="red-time"),
                    tag("span", place, class_="red-place"),
                    class_="red-meta",
                ),
                tag("div", title, class_="red-title"),
                tag(
                    "div",
                    tag("span", category, class_="red-category"),
                    tag("span", amount, class_="red-amount"),
                    class_="red-extra",
                ),
                class_="red-item",
            )
        )
    return items


def red_warning_list(df: pd.DataFrame, *, rolling: bool = False, links: bool = True) -> html.Div | HtmlBlock:
    if df.empty:
        return html.Div("当前没有红色预警", className="list-empty")
    items = red_warning_items(df, links=links)
    return marquee(items, min_items=5) if rolling else HtmlBlock(join(items), className="red-list")


def timeline(events: list[dict]) -> html.Ol:
    """An event trail, oldest first: each event has at, title, detail, tone."""
    if not events:
        return html.Div("暂无记录", className="list-empty")
    return html.Ol(
        [
            html.Li(
                [
                    html.Div(fmt_time(e["at"], "%Y-%m-%d %H:%M"), className="timeline-time"),
                    html.Div(e["title"], className="timeline-title"),
                    html.Div(e.get("detail") or "", className="timeline-detail"),
                ],
                className=f"timeline-item tone-{e.get('tone', 'neutral')}",
            )
            for e in events
        ],
        className="timeline",
    )
