"""The accounts page's callbacks: create an account, deactivate or reactivate
one, reset a password. Each refuses anyone but an administrator first, and
logs what it changed (action ``user_admin``) in the change's transaction."""

from __future__ import annotations

from dash import MATCH, Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy import Connection

from cockpit.auth.audit import record_by
from cockpit.auth.users import Account, AccountError, create_user, list_accounts, set_active, set_password
from cockpit.context import current
from cockpit.ids import AdminIds
from cockpit.pages.admin.accounts.forms import new_account, toggle_target
from cockpit.pages.admin.accounts.layout import TOGGLE, current_accounts, status_badge
from cockpit.pages.admin.frame import message, row_id
from cockpit.pages.admin.guard import require_admin
from cockpit.pages.params import clicks, code_list, row_key, text
from queries.regions import get_region
from queries.scope import ROLE_LABELS

ACTION = "user_admin"


def _account(conn: Connection, user_id) -> Account:
    found = [account for account in list_accounts(conn) if account.id == user_id]
    if not found:
        raise AccountError("该账号已不存在。")
    return found[0]


def _region_list(conn: Connection, codes: tuple[str, ...]) -> str:
    names = []
    for code in codes:
        region = get_region(conn, code)
        names.append(f"{region.name}（{code}）" if region else code)
    return "、".join(names)


def create_account(
    n_clicks: int | None,
    username: str | None,
    display_name: str | None,
    role: str | None,
    regions: list[str] | None,
    password: str | None,
) -> tuple:
    """Create the account the form describes; the accounts table, a message,
    and the form's fields (emptied once created)."""
    who = require_admin()
    if not clicks(n_clicks):
        raise PreventUpdate
    username, display_name = text(username, "用户名"), text(display_name, "显示名")
    role, regions, password = text(role, "角色"), code_list(regions), text(password, "密码", 256)
    try:
        form = new_account(username, display_name, role, regions, password)
        with current().engine.begin() as conn:
            create_user(conn, form.username, form.password, form.role, form.regions, form.display_name)
            regions = f"：{_region_list(conn, form.regions)}" if form.regions else ""
            detail = f"创建账号（{ROLE_LABELS[form.role]}{regions}）"
            record_by(conn, who, ACTION, form.username, detail)
    except AccountError as error:
        return (no_update, message(str(error), False), *[no_update] * 5)
    done = message(f"已创建账号 {form.username}（{ROLE_LABELS[form.role]}）。", True)
    return current_accounts(who), done, "", "", None, [], ""


def toggle_account(n_clicks: int | None, intent: str | None, button_id: dict) -> tuple:
    """停用 or 启用 (the button's value says which) the row's account: its
    status badge, the button's label, value and colour, and a note."""
    who = require_admin()
    if not clicks(n_clicks):
        raise PreventUpdate
    key, intent = row_key(button_id), text(intent, "操作")
    try:
        active = toggle_target(intent)
        with current().engine.begin() as conn:
            account = _account(conn, key)
            if not active and account.username == who.name:
                raise AccountError("不能停用自己的账号。")
            if account.active != active:
                set_active(conn, account.username, active)
                record_by(conn, who, ACTION, account.username, "启用账号" if active else "停用账号")
    except AccountError as error:
        return (no_update, no_update, no_update, no_update, message(str(error), False))
    label, value, colour = TOGGLE[active]
    note = message("已启用" if active else "已停用；其已登录的会话随即失效", True)
    return status_badge(active), label, value, colour, note


def reset_password(n_clicks: int | None, password: str | None, button_id: dict) -> tuple:
    """Give the row's account a new password (its sessions end); a message
    and the emptied password field."""
    who = require_admin()
    if not clicks(n_clicks):
        raise PreventUpdate
    key, password = row_key(button_id), text(password, "密码", 256)
    try:
        with current().engine.begin() as conn:
            account = _account(conn, key)
            set_password(conn, account.username, password or "")
            record_by(conn, who, ACTION, account.username, "重设密码")
    except AccountError as error:
        return message(str(error), False), no_update
    return message("密码已重设；该账号已登录的会话随即失效。", True), ""


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(AdminIds.ACCOUNTS, "children"),
        Output(AdminIds.CREATE_MESSAGE, "children"),
        Output(AdminIds.NEW_USERNAME, "value"),
        Output(AdminIds.NEW_DISPLAY_NAME, "value"),
        Output(AdminIds.NEW_ROLE, "value"),
        Output(AdminIds.NEW_REGIONS, "value"),
        Output(AdminIds.NEW_PASSWORD, "value"),
        Input(AdminIds.CREATE, "n_clicks"),
        State(AdminIds.NEW_USERNAME, "value"),
        State(AdminIds.NEW_DISPLAY_NAME, "value"),
        State(AdminIds.NEW_ROLE, "value"),
        State(AdminIds.NEW_REGIONS, "value"),
        State(AdminIds.NEW_PASSWORD, "value"),
        prevent_initial_call=True,
    )(create_account)
    toggle = row_id(AdminIds.ACCOUNT_TOGGLE, MATCH)
    app.callback(
        Output(row_id(AdminIds.ACCOUNT_STATUS, MATCH), "children"),
        Output(toggle, "children"),
        Output(toggle, "value"),
        Output(toggle, "color"),
        Output(row_id(AdminIds.ACCOUNT_NOTE, MATCH), "children"),
        Input(toggle, "n_clicks"),
        State(toggle, "value"),
        State(toggle, "id"),
        prevent_initial_call=True,
    )(toggle_account)
    confirm = row_id(AdminIds.RESET_CONFIRM, MATCH)
    password = row_id(AdminIds.RESET_PASSWORD, MATCH)
    app.callback(
        Output(row_id(AdminIds.RESET_MESSAGE, MATCH), "children"),
        Output(password, "value"),
        Input(confirm, "n_clicks"),
        State(password, "value"),
        State(confirm, "id"),
        prevent_initial_call=True,
    )(reset_password)
