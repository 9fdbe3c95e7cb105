"""The wall-screen tokens page's layout: the form and the tokens table."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from cockpit.auth.users import list_kiosk_tokens
from cockpit.components.format import fmt_time
from cockpit.context import current
from cockpit.ids import AdminIds
from cockpit.pages.admin.frame import admin_frame, row_id
from cockpit.pages.admin.guard import require_admin
from cockpit.pages.admin.pickers import DROPDOWN_LABELS, region_names, region_options
from cockpit.pages.common import connect, current_freshness
from cockpit.pages.region.parts import card
from queries.regions import get_region, regions_under

HEADER = ("名称", "地区", "创建时间", "状态", "操作")
ABOUT = (
    "大屏令牌让一块大屏不经登录即可显示所选地区的汇总数据（不显示具体诉求、预警和个人信息）。"
    "令牌生成后只显示一次，库中只存其摘要；遗失或不再使用时请撤销，已打开的大屏随即失效。"
)


def status(token: dict) -> html.Span:
    if token["revoked_at"] is None:
        return html.Span("有效", className="badge text-bg-success")
    return html.Span(f"已撤销 {fmt_time(token['revoked_at'])}", className="badge text-bg-secondary")


def tokens_table(tokens: list[dict], names: dict[str, str], root_code: str) -> html.Table | html.Div:
    if not tokens:
        return html.Div("还没有大屏令牌", className="list-empty")
    rows = [
        html.Tr(
            [
                html.Td(html.Strong(token["name"])),
                html.Td(names.get(token["region_code"] or root_code, token["region_code"])),
                html.Td(fmt_time(token["created_at"])),
                html.Td(status(token), id=row_id(AdminIds.KIOSK_STATUS, token["id"])),
                html.Td(
                    dbc.Button(
                        "撤销",
                        id=row_id(AdminIds.KIOSK_REVOKE, token["id"]),
                        color="outline-danger",
                        size="sm",
                        disabled=token["revoked_at"] is not None,
                    )
                ),
            ],
            className=None if token["revoked_at"] is None else "admin-inactive",
        )
        for token in reversed(tokens)
    ]
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in HEADER])), html.Tbody(rows)],
        className="table table-sm cockpit-table admin-table",
    )


def _options(conn) -> list[dict]:
    ctx = current()
    return region_options(regions_under(conn, ctx.root_code), get_region(conn, ctx.root_code))


def current_tokens() -> html.Table | html.Div:
    """The tokens table as the store has it now (newest first)."""
    with connect() as conn:
        tokens = list_kiosk_tokens(conn)
        names = region_names(_options(conn))
    return tokens_table(tokens, names, current().root_code)


def create_form(options: list[dict], root_code: str) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        [
                            dbc.Label("名称", className="selector-label"),
                            dbc.Input(id=AdminIds.KIOSK_NAME, placeholder="如：指挥中心大屏", maxLength=64),
                        ],
                        className="admin-field",
                    ),
                    html.Div(
                        [
                            dbc.Label("显示地区", className="selector-label"),
                            dcc.Dropdown(
                                id=AdminIds.KIOSK_REGION,
                                options=options,
                                value=root_code,
                                clearable=False,
                                searchable=True,
                                labels=DROPDOWN_LABELS,
                            ),
                        ],
                        className="admin-field admin-field-wide",
                    ),
                    dbc.Button("生成令牌", id=AdminIds.KIOSK_CREATE, color="primary"),
                ],
                className="admin-form",
            ),
            html.Div(id=AdminIds.KIOSK_MESSAGE),
        ]
    )


def layout(**_query) -> html.Div:
    require_admin()
    root_code = current().root_code
    with connect() as conn:
        fresh = current_freshness(conn)
        options = _options(conn)
        tokens = list_kiosk_tokens(conn)
    table = tokens_table(tokens, region_names(options), root_code)
    return admin_frame(
        "kiosk",
        fresh,
        html.P(ABOUT, className="admin-about"),
        html.Div(
            [
                card("生成大屏令牌", create_form(options, root_code), "span-12"),
                card("大屏令牌", html.Div(table, id=AdminIds.KIOSK_TOKENS), "span-12"),
            ],
            className="card-grid",
        ),
    )
