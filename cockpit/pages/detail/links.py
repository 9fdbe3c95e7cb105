"""The side-by-side sections of the detail pages: the petitions linked to a
warning (相关群众诉求) and the warnings linked to a petition (相关预警), as
queries.links gives them (masked as the page's scope asks)."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from cockpit.components.format import fmt_time
from cockpit.components.tables import colour_badge
from cockpit.components.urls import petition_href, warning_href
from cockpit.ids import DetailIds
from cockpit.lifecycle import COLOUR_LABELS, WARNING, WARNING_SEVERITIES
from queries.links import BASIS_LABELS, LINK_DAYS

NOTE = (
    "同村诉求内容提到本预警涉及的人员、单位或项目（点名反映），"
    f"或属同类事项且相隔不超过 {LINK_DAYS} 天（同类事项）。"
)


def basis_text(basis: str, matched) -> str:
    """点名反映：陈某 / 同类事项."""
    label = BASIS_LABELS.get(basis, basis)
    return f"{label}：{matched}" if isinstance(matched, str) and matched else label


def _table(head: list[str], rows: list[html.Tr]) -> html.Div:
    return html.Div(
        html.Table(
            [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
            className="table table-sm table-hover align-middle cockpit-table",
        ),
        className="table-responsive",
    )


def linked_petitions_section(df: pd.DataFrame) -> html.Section:
    """相关群众诉求: one row per petition linked to the warning, each linking
    to /petition/<id>."""
    if df.empty:
        body = html.Div("暂无相关群众诉求", className="list-empty")
    else:
        rows = [
            html.Tr(
                [
                    html.Td(dcc.Link(r.petition_external_id, href=petition_href(r.petition_id))),
                    html.Td(fmt_time(r.received_at)),
                    html.Td(r.petition_category),
                    html.Td(basis_text(r.basis, r.matched)),
                    html.Td(r.petition_summary or "—"),
                ]
            )
            for r in df.itertuples(index=False)
        ]
        body = _table(["诉求编号", "受理时间", "类别", "关联依据", "诉求内容"], rows)
    return html.Section(
        [
            html.H2(f"相关群众诉求（{len(df)}）", className="card-title-bar"),
            body,
            html.Div(NOTE, className="table-note"),
        ],
        id=DetailIds.LINKED_PETITIONS,
        className="cockpit-card span-12 linked-records",
    )


def linked_warnings_section(df: pd.DataFrame) -> html.Section:
    """相关预警: one row per warning linked to the petition, each linking to
    /warning/<id>."""
    if df.empty:
        body = html.Div("暂无相关预警", className="list-empty")
    else:
        rows = []
        for r in df.itertuples(index=False):
            status = WARNING.status(r.warning_status)
            rows.append(
                html.Tr(
                    [
                        html.Td(dcc.Link(r.warning_title, href=warning_href(r.warning_id))),
                        html.Td(fmt_time(r.raised_at)),
                        html.Td(r.warning_category),
                        html.Td(WARNING_SEVERITIES.get(r.severity, r.severity)),
                        html.Td(
                            colour_badge(status.colour, f"{COLOUR_LABELS[status.colour]} · {status.label}")
                        ),
                        html.Td(basis_text(r.basis, r.matched)),
                    ]
                )
            )
        body = _table(["预警", "预警时间", "类别", "等级", "状态", "关联依据"], rows)
    return html.Section(
        [html.H2(f"相关预警（{len(df)}）", className="card-title-bar"), body],
        id=DetailIds.LINKED_WARNINGS,
        className="cockpit-card span-12 linked-records",
    )
