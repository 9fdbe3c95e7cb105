"""The wall-screen tokens page's callbacks: make a token (its URL shown once,
never stored or logged), revoke one. Each refuses anyone but an
administrator first and logs the change (action ``kiosk_admin``)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import flask
from dash import MATCH, Dash, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from cockpit.auth.audit import record_by
from cockpit.auth.users import (
    AccountError,
    create_kiosk_token,
    kiosk_token_id,
    list_kiosk_tokens,
    revoke_kiosk_token,
)
from cockpit.context import current
from cockpit.ids import AdminIds
from cockpit.pages.admin.frame import message, row_id
from cockpit.pages.admin.guard import require_admin
from cockpit.pages.admin.kiosk.forms import kiosk_url, new_token
from cockpit.pages.admin.kiosk.layout import current_tokens, status
from cockpit.pages.params import clicks, region_code, row_key, text
from queries.regions import get_region

ACTION = "kiosk_admin"
SHOWN_ONCE = (
    "令牌已生成。请现在复制下面的地址，在大屏的浏览器中打开；"
    "此地址只显示这一次，离开本页后无法再查看（遗失请撤销后重新生成）："
)


def token_alert(name: str, url: str) -> dbc.Alert:
    return dbc.Alert(
        [
            html.Div(f"「{name}」{SHOWN_ONCE}"),
            html.Div(
                [
                    html.Code(url, id=AdminIds.KIOSK_URL, className="kiosk-url"),
                    dcc.Clipboard(target_id=AdminIds.KIOSK_URL, title="复制", className="kiosk-copy"),
                ],
                className="kiosk-url-line",
            ),
        ],
        color="warning",
        dismissable=True,
        className="mt-3",
    )


def create_token(n_clicks: int | None, name: str | None, region: str | None) -> tuple:
    """Make a token for the form's name and region; the alert with its URL
    (the only time it is shown), the tokens table and the emptied name."""
    who = require_admin()
    if not clicks(n_clicks):
        raise PreventUpdate
    name, region = text(name, "大屏名称"), region_code(region)
    try:
        form = new_token(name, region, current().root_code)
        with current().engine.begin() as conn:
            token = create_kiosk_token(conn, form.name, form.region_code)
            code = form.region_code or current().root_code
            place = get_region(conn, code)
            detail = f"创建大屏令牌「{form.name}」，地区 {place.name if place else code}（{code}）"
            record_by(conn, who, ACTION, str(kiosk_token_id(conn, token)), detail)
    except AccountError as error:
        return message(str(error), False), no_update, no_update
    return token_alert(form.name, kiosk_url(flask.request.host_url, token)), current_tokens(), ""


def revoke_token(n_clicks: int | None, button_id: dict) -> tuple:
    """撤销 the row's token: its status and the disabled button."""
    who = require_admin()
    if not clicks(n_clicks):
        raise PreventUpdate
    token_id = row_key(button_id)
    with current().engine.begin() as conn:
        found = [t for t in list_kiosk_tokens(conn) if t["id"] == token_id]
        if not found:
            return message("该令牌已不存在。", False), True
        if found[0]["revoked_at"] is None:
            revoke_kiosk_token(conn, token_id)
            record_by(conn, who, ACTION, str(token_id), f"撤销大屏令牌「{found[0]['name']}」")
        token = next(t for t in list_kiosk_tokens(conn) if t["id"] == token_id)
    return status(token), True


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(AdminIds.KIOSK_MESSAGE, "children"),
        Output(AdminIds.KIOSK_TOKENS, "children"),
        Output(AdminIds.KIOSK_NAME, "value"),
        Input(AdminIds.KIOSK_CREATE, "n_clicks"),
        State(AdminIds.KIOSK_NAME, "value"),
        State(AdminIds.KIOSK_REGION, "value"),
        prevent_initial_call=True,
    )(create_token)
    revoke = row_id(AdminIds.KIOSK_REVOKE, MATCH)
    app.callback(
        Output(row_id(AdminIds.KIOSK_STATUS, MATCH), "children"),
        Output(revoke, "disabled"),
        Input(revoke, "n_clicks"),
        State(revoke, "id"),
        prevent_initial_call=True,
    )(revoke_token)
