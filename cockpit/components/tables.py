"""Tables of a village's petitions and warnings, each row linking to its detail page."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from cockpit.components.format import fmt_amount, fmt_duration, fmt_time
from cockpit.components.urls import petition_href, warning_href

# Dash draws a few hundred components a second on a modest PC: a table of
# more rows than this would keep an inspector waiting (see docs/performance.md).
MAX_ROWS = 100


def _table(head: list[str], rows: list[html.Tr], total: int) -> html.Div:
    note = f"共 {total} 条，显示最新 {MAX_ROWS} 条" if total > MAX_ROWS else f"共 {total} 条"
    return html.Div(
        [
            html.Div(
                html.Table(
                    [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                    className="table table-sm table-hover align-middle cockpit-table",
                ),
                className="table-responsive table-scroll",
            ),
            html.Div(note, className="table-note"),
        ]
    )


def _within_badge(within, overdue: bool) -> html.Span:
    if overdue:
        return html.Span("超期", className="badge text-bg-danger")
    if within is None or (isinstance(within, float) and pd.isna(within)):
        return html.Span("办理中", className="badge text-bg-secondary")
    if within:
        return html.Span("5日内", className="badge text-bg-success")
    return html.Span("超过5日", className="badge text-bg-warning")


def petitions_table(df: pd.DataFrame) -> html.Div:
    """queries.petitions.village_petitions as a table."""
    if df.empty:
        return html.Div("该时间范围内没有诉求", className="list-empty")
    rows = [
        html.Tr(
            [
                html.Td(dcc.Link(r.external_id, href=petition_href(r.id))),
                html.Td(fmt_time(r.received_at)),
                html.Td(r.category),
                html.Td(r.channel_label),
                html.Td(r.complexity_label),
                html.Td(r.status_label),
                html.Td(r.handling_level_label),
                html.Td(fmt_duration(r.handling_hours) if pd.notna(r.handling_hours) else "—"),
                html.Td(_within_badge(r.within_5d, bool(r.overdue))),
            ],
            className="row-overdue" if r.overdue else None,
        )
        for r in df.head(MAX_ROWS).itertuples(index=False)
    ]
    head = ["编号", "受理时间", "类别", "渠道", "复杂程度", "状态", "办理层级", "办理时长", "时限"]
    return _table(head, rows, len(df))


def colour_badge(colour: str, label: str) -> html.Span:
    return html.Span(label, className=f"badge badge-{colour}")


def warnings_table(df: pd.DataFrame) -> html.Div:
    """queries.warnings.village_warnings as a table."""
    if df.empty:
        return html.Div("该时间范围内没有预警", className="list-empty")
    rows = [
        html.Tr(
            [
                html.Td(dcc.Link(r.title, href=warning_href(r.id))),
                html.Td(fmt_time(r.raised_at)),
                html.Td(r.category),
                html.Td(r.severity_label),
                html.Td(colour_badge(r.colour, r.status_label)),
                html.Td(r.owner_name),
                html.Td(fmt_time(r.due_at)),
                html.Td(fmt_amount(r.amount) if pd.notna(r.amount) else "—"),
            ],
            className="row-overdue" if r.overdue else None,
        )
        for r in df.head(MAX_ROWS).itertuples(index=False)
    ]
    head = ["预警", "预警时间", "类别", "等级", "状态", "责任主体", "处置期限", "涉及金额"]
    return _table(head, rows, len(df))
