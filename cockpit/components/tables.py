"""Tables of a village's petitions and warnings, each row linking to its
detail page; one HtmlBlock each (cockpit.components.markup)."""

from __future__ import annotations

import pandas as pd
from dash import html

from cockpit.components.format import fmt_amount, fmt_duration, fmt_time
from cockpit.components.markup import HtmlBlock, Markup, link, tag
from cockpit.components.urls import petition_href, warning_href

# The newest rows a table shows (the note says how many there are): what an
# inspector reads on a page; the rest is for the search and export to come.
MAX_ROWS = 100


def _table(head: list[str], rows: list[Markup], total: int) -> html.Div:
    note = f"共 {total} 条，显示最新 {MAX_ROWS} 条" if total > MAX_ROWS else f"共 {total} 条"
    table = tag(
        "table",
        tag("thead", tag("tr", [tag("th", h) for h in head])),
        tag("tbody", rows),
        class_="table table-sm table-hover align-middle cockpit-table",
    )
    return html.Div(
        [HtmlBlock(table, className="table-responsive table-scroll"), html.Div(note, className="table-note")]
    )


def _within_badge(within, overdue: bool) -> Markup:
    if overdue:
        return tag("span", "超期", class_="badge text-bg-danger")
    if within is None or (isinstance(within, float) and pd.isna(within)):
        return tag("span", "办理中", class_="badge text-bg-secondary")
    if within:
        return tag("span", "5日内", class_="badge text-bg-success")
    return tag("span", "超过5日", class_="badge text-bg-warning")


def petitions_table(df: pd.DataFrame) -> html.Div:
    """queries.petitions.village_petitions as a table (one HtmlBlock)."""
    if df.empty:
        return html.Div("该时间范围内没有诉求", className="list-empty")
    rows = [
        tag(
            "tr",
            tag("td", link(petition_href(r.id), r.external_id)),
            tag("td", fmt_time(r.received_at)),
            tag("td", r.category),
            tag("td", r.channel_label),
            tag("td", r.complexity_label),
            tag("td", r.status_label),
            tag("td", r.handling_level_label),
            tag("td", fmt_duration(r.handling_hours) if pd.notna(r.handling_hours) else "—"),
            tag("td", _within_badge(r.within_5d, bool(r.overdue))),
            class_="row-overdue" if r.overdue else None,
        )
        for r in df.head(MAX_ROWS).itertuples(index=False)
    ]
    head = ["编号", "受理时间", "类别", "渠道", "复杂程度", "状态", "办理层级", "办理时长", "时限"]
    return _table(head, rows, len(df))


def colour_badge(colour: str, label: str) -> html.Span:
    """A status in its colour, for a page (a table's rows use colour_badge_markup)."""
    return html.Span(label, className=f"badge badge-{colour}")


def colour_badge_markup(colour: str, label: str) -> Markup:
    return tag("span", label, class_=f"badge badge-{colour}")


def warnings_table(df: pd.DataFrame) -> html.Div:
    """queries.warnings.village_warnings as a table (one HtmlBlock)."""
    if df.empty:
        return html.Div("该时间范围内没有预警", className="list-empty")
    rows = [
        tag(
            "tr",
            tag("td", link(warning_href(r.id), r.title)),
            tag("td", fmt_time(r.raised_at)),
            tag("td", r.category),
            tag("td", r.severity_label),
            tag("td", colour_badge_markup(r.colour, r.status_label)),
            tag("td", r.owner_name),
            tag("td", fmt_time(r.due_at)),
            tag("td", fmt_amount(r.amount) if pd.notna(r.amount) else "—"),
            class_="row-overdue" if r.overdue else None,
        )
        for r in df.head(MAX_ROWS).itertuples(index=False)
    ]
    head = ["预警", "预警时间", "类别", "等级", "状态", "责任主体", "处置期限", "涉及金额"]
    return _table(head, rows, len(df))
