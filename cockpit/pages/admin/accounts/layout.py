"""The accounts page's layout: the new-account form and the accounts table."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from cockpit.auth.users import Account, list_accounts
from cockpit.components.format import fmt_time
from cockpit.context import current
from cockpit.ids import AdminIds
from cockpit.pages.admin.accounts.forms import PASSWORD_RULE, REGION_RULE, role_options
from cockpit.pages.admin.frame import admin_frame, row_id
from cockpit.pages.admin.guard import require_admin
from cockpit.pages.admin.pickers import DROPDOWN_LABELS, region_names, region_options
from cockpit.pages.common import connect, current_freshness
from cockpit.pages.region.parts import card
from queries.regions import regions_under
from queries.scope import ROLE_LABELS, ROOT_ROLES, Viewer

HEADER = ("用户名", "显示名称", "角色", "地区", "状态", "创建时间", "密码修改时间", "操作")
# What a 停用 / 启用 button shows and asks, by whether the account is active now.
TOGGLE = {True: ("停用", "deactivate", "outline-danger"), False: ("启用", "activate", "outline-success")}


def status_badge(active: bool) -> html.Span:
    if active:
        return html.Span("启用", className="badge text-bg-success")
    return html.Span("已停用", className="badge text-bg-secondary")


def _field(label: str, control, extra: str = "") -> html.Div:
    return html.Div([dbc.Label(label, className="selector-label"), control], className=f"admin-field {extra}")


def create_form(options: list[dict]) -> html.Div:
    fields = [
        _field("用户名", dbc.Input(id=AdminIds.NEW_USERNAME, placeholder="如 zhang.san", autoComplete="off")),
        _field("显示名称", dbc.Input(id=AdminIds.NEW_DISPLAY_NAME, placeholder="如 张三")),
        _field(
            "角色",
            dcc.Dropdown(
                id=AdminIds.NEW_ROLE,
                options=role_options(),
                placeholder="选择角色",
                searchable=False,
                labels=DROPDOWN_LABELS,
            ),
        ),
        _field(
            "地区",
            dcc.Dropdown(
                id=AdminIds.NEW_REGIONS,
                options=options,
                multi=True,
                searchable=True,
                placeholder="选择地区（可输入名称搜索乡镇、村、社区）",
                labels=DROPDOWN_LABELS,
            ),
            "admin-field-wide",
        ),
        _field(
            "初始密码",
            dbc.Input(id=AdminIds.NEW_PASSWORD, type="password", autoComplete="new-password"),
        ),
    ]
    return html.Div(
        [
            html.Div(
                [*fields, dbc.Button("创建账号", id=AdminIds.CREATE, color="primary")], className="admin-form"
            ),
            html.P(f"地区：{REGION_RULE} 密码：{PASSWORD_RULE}", className="table-note"),
            html.Div(id=AdminIds.CREATE_MESSAGE),
        ]
    )


def _regions(account: Account, names: dict[str, str]) -> str:
    if account.role in ROOT_ROLES:
        return "全域"
    return "、".join(names.get(code, code) for code in account.regions) or "—"


def _actions(account: Account, me: str) -> html.Td:
    label, intent, colour = TOGGLE[account.active]
    own = account.username == me
    reset = row_id(AdminIds.ACCOUNT_RESET, account.id)
    return html.Td(
        [
            dbc.Button(
                label,
                id=row_id(AdminIds.ACCOUNT_TOGGLE, account.id),
                value=intent,
                color=colour,
                size="sm",
                disabled=own,
                title="不能停用自己的账号" if own else None,
            ),
            dbc.Button("重设密码", id=reset, color="outline-secondary", size="sm", className="ms-2"),
            dbc.Popover(
                [
                    dbc.PopoverHeader(f"重设 {account.username} 的密码"),
                    dbc.PopoverBody(
                        [
                            dbc.Input(
                                id=row_id(AdminIds.RESET_PASSWORD, account.id),
                                type="password",
                                placeholder="新密码",
                                autoComplete="new-password",
                                size="sm",
                            ),
                            html.Small(PASSWORD_RULE, className="text-muted d-block my-1"),
                            dbc.Button("确定", id=row_id(AdminIds.RESET_CONFIRM, account.id), size="sm"),
                            html.Div(id=row_id(AdminIds.RESET_MESSAGE, account.id), className="mt-1"),
                        ]
                    ),
                ],
                target=reset,
                trigger="legacy",
                placement="left",
            ),
            html.Span(id=row_id(AdminIds.ACCOUNT_NOTE, account.id), className="ms-2"),
        ],
        className="admin-actions",
    )


def accounts_table(accounts: list[Account], names: dict[str, str], me: str) -> html.Table | html.Div:
    """One row per account; ``me`` (the administrator) cannot deactivate itself."""
    if not accounts:
        return html.Div("还没有账号", className="list-empty")
    rows = [
        html.Tr(
            [
                html.Td(html.Strong(account.username)),
                html.Td(account.display_name),
                html.Td(ROLE_LABELS.get(account.role, account.role)),
                html.Td(_regions(account, names), className="admin-regions"),
                html.Td(status_badge(account.active), id=row_id(AdminIds.ACCOUNT_STATUS, account.id)),
                html.Td(fmt_time(account.created_at)),
                html.Td(fmt_time(account.password_changed_at)),
                _actions(account, me),
            ],
            className=None if account.active else "admin-inactive",
        )
        for account in accounts
    ]
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in HEADER])), html.Tbody(rows)],
        className="table table-sm cockpit-table admin-table",
    )


def current_accounts(who: Viewer) -> html.Table | html.Div:
    """The accounts table as the store has it now."""
    with connect() as conn:
        accounts = list_accounts(conn)
        options = region_options(regions_under(conn, current().root_code))
    return accounts_table(accounts, region_names(options), who.name)


def layout(**_query) -> html.Div:
    who = require_admin()
    with connect() as conn:
        fresh = current_freshness(conn)
        options = region_options(regions_under(conn, current().root_code))
        accounts = list_accounts(conn)
    table = accounts_table(accounts, region_names(options), who.name)
    return admin_frame(
        "accounts",
        fresh,
        html.Div(
            [
                card("新建账号", create_form(options), "span-12"),
                card("账号", html.Div(table, id=AdminIds.ACCOUNTS), "span-12"),
            ],
            className="card-grid",
        ),
    )
