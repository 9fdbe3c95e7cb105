"""The audit page's layout: the filters, one page of entries, 更早 / 最新."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from cockpit.auth.audit import ACTIONS
from cockpit.auth.users import list_accounts
from cockpit.components.format import fmt_time
from cockpit.ids import AdminIds
from cockpit.pages.admin.audit.forms import PAGE_SIZE, AuditFilters, action_options
from cockpit.pages.admin.frame import admin_frame
from cockpit.pages.admin.guard import require_admin
from cockpit.pages.admin.pickers import DROPDOWN_LABELS
from cockpit.pages.common import connect, current_freshness
from queries.audit import audit_entries
from queries.scope import ROLE_LABELS

HEADER = ("时间", "操作人", "角色", "操作", "对象", "详情", "IP")
ABOUT = (
    "审计日志只增不改：数据库拒绝修改或删除其中任何一条。"
    "记录登录、退出、查看记录、查看未脱敏信息、导出和所有管理操作；时间为北京时间，最新的在前。"
)


def filters_bar(filters: AuditFilters, usernames: list[str]) -> html.Div:
    return html.Div(
        [
            html.Label("操作", className="selector-label"),
            dcc.Dropdown(
                id=AdminIds.AUDIT_ACTION,
                options=action_options(),
                value=filters.action,
                placeholder="全部操作",
                labels=DROPDOWN_LABELS,
                className="audit-action",
            ),
            html.Label("操作人", className="selector-label"),
            dbc.Input(
                id=AdminIds.AUDIT_ACTOR,
                value=filters.actor or "",
                placeholder="用户名（回车筛选）",
                debounce=True,
                list=AdminIds.AUDIT_ACTORS,
                className="audit-actor",
            ),
            html.Datalist([html.Option(value=name) for name in usernames], id=AdminIds.AUDIT_ACTORS),
        ],
        className="audit-filters",
    )


def entries_table(entries: pd.DataFrame) -> html.Table | html.Div:
    if entries.empty:
        return html.Div("没有符合条件的记录", className="list-empty")
    rows = [
        html.Tr(
            [
                html.Td(fmt_time(e.at, "%Y-%m-%d %H:%M:%S"), className="num"),
                html.Td(e.actor),
                html.Td(ROLE_LABELS.get(e.role, e.role) or "—"),
                html.Td(ACTIONS.get(e.action, e.action), className=f"audit-{e.action}"),
                html.Td(e.target or "—"),
                html.Td(e.detail or "—", className="audit-detail"),
                html.Td(e.ip or "—"),
            ]
        )
        for e in entries.itertuples(index=False)
    ]
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in HEADER])), html.Tbody(rows)],
        id=AdminIds.AUDIT_TABLE,
        className="table table-sm cockpit-table admin-table audit-table",
    )


def paging(filters: AuditFilters, entries: pd.DataFrame, more: bool) -> html.Div:
    links = []
    if filters.before:
        links.append(dcc.Link("← 最新", href=filters.href(), className="btn btn-sm btn-outline-secondary"))
    if more:
        older = filters.href(int(entries["id"].min()))
        links.append(
            dcc.Link(
                "更早 →", href=older, id=AdminIds.AUDIT_OLDER, className="btn btn-sm btn-outline-primary"
            )
        )
    shown = f"本页 {len(entries)} 条" + ("" if more else "（已到最早）" if filters.before else "")
    return html.Div([html.Span(shown, className="table-note"), *links], className="audit-paging")


def layout(**query) -> html.Div:
    require_admin()
    filters = AuditFilters.from_query(query)
    with connect() as conn:
        fresh = current_freshness(conn)
        found = audit_entries(
            conn, limit=PAGE_SIZE + 1, action=filters.action, actor=filters.actor, before_id=filters.before
        )
        usernames = [account.username for account in list_accounts(conn)]
    entries, more = found.head(PAGE_SIZE), len(found) > PAGE_SIZE
    return admin_frame(
        "audit",
        fresh,
        html.P(ABOUT, className="admin-about"),
        filters_bar(filters, usernames),
        html.Section(
            [html.Div(entries_table(entries), className="table-responsive"), paging(filters, entries, more)],
            className="cockpit-card",
        ),
    )
