"""The thresholds page's callbacks: 保存 a parameter's new value, or 恢复默认.
Each refuses anyone but an administrator first; cockpit.rules.thresholds
validates the value and logs the change (action ``threshold``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import MATCH, Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from cockpit.auth.audit import client_ip
from cockpit.context import current
from cockpit.ids import AdminIds
from cockpit.pages.admin.frame import message, row_id
from cockpit.pages.admin.guard import require_admin
from cockpit.pages.admin.thresholds.forms import find, input_value, parse_value
from cockpit.pages.admin.thresholds.layout import in_force_cell
from cockpit.pages.params import clicks, scalar, text_key
from cockpit.rules.catalogue import Param, Rule, load_catalogue
from cockpit.rules.thresholds import ThresholdError, list_overrides, load_overrides, set_threshold, show
from queries.scope import Viewer

SAVED = "已保存。下次数据刷新时，该规则按新阈值重新核查全部记录。"
UNCHANGED = "与生效值相同，未作修改。"


def _apply(who: Viewer, key: str, value_of: Callable[[Param], Any], done: str) -> tuple:
    """Put ``value_of(param)`` in force for the row's parameter: its 生效值
    cell, a message, and the input showing the value now in force."""
    try:
        rule, param = find(load_catalogue(), key)
        value = value_of(param)
        with current().engine.begin() as conn:
            changed = set_threshold(conn, rule, param.name, value, who.name, role=who.role, ip=client_ip())
            in_force = _in_force(conn, rule, param)
            override = next(
                (o for o in list_overrides(conn) if (o.rule_code, o.param) == (rule.code, param.name)), None
            )
    except ThresholdError as error:
        return no_update, message(str(error), False), no_update
    note = message(done.format(value=show(in_force)) if changed else UNCHANGED, True)
    return in_force_cell(param, in_force, override), note, input_value(in_force)


def _in_force(conn, rule: Rule, param: Param) -> Any:
    return rule.thresholds(load_overrides(conn, {rule.code: rule}).get(rule.code))[param.name]


def save_threshold(n_clicks: int | None, raw: Any, button_id: dict) -> tuple:
    """保存: the typed value, in force from the next refresh."""
    who = require_admin()
    if not clicks(n_clicks):
        raise PreventUpdate
    key, raw = text_key(button_id), scalar(raw, "阈值")
    return _apply(who, key, lambda param: parse_value(param, raw), SAVED)


def reset_threshold(n_clicks: int | None, button_id: dict) -> tuple:
    """恢复默认: the catalogue's default back in force."""
    who = require_admin()
    if not clicks(n_clicks):
        raise PreventUpdate
    return _apply(who, text_key(button_id), lambda param: param.default, "已恢复默认值 {value}。")


def register_callbacks(app: Dash) -> None:
    outputs = (
        Output(row_id(AdminIds.THRESHOLD_IN_FORCE, MATCH), "children", allow_duplicate=True),
        Output(row_id(AdminIds.THRESHOLD_MESSAGE, MATCH), "children", allow_duplicate=True),
        Output(row_id(AdminIds.THRESHOLD_VALUE, MATCH), "value", allow_duplicate=True),
    )
    save = row_id(AdminIds.THRESHOLD_SAVE, MATCH)
    app.callback(
        *outputs,
        Input(save, "n_clicks"),
        State(row_id(AdminIds.THRESHOLD_VALUE, MATCH), "value"),
        State(save, "id"),
        prevent_initial_call=True,
    )(save_threshold)
    reset = row_id(AdminIds.THRESHOLD_RESET, MATCH)
    app.callback(
        *outputs,
        Input(reset, "n_clicks"),
        State(reset, "id"),
        prevent_initial_call=True,
    )(reset_threshold)
