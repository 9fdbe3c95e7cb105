"""The thresholds page's layout: per rule a table of its parameters."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from cockpit.components.format import fmt_time
from cockpit.ids import AdminIds
from cockpit.pages.admin.frame import admin_frame, row_id
from cockpit.pages.admin.guard import require_admin
from cockpit.pages.admin.thresholds.forms import input_value, row_key
from cockpit.pages.common import connect, current_freshness
from cockpit.rules.catalogue import CatalogueError, Param, Rule, load_catalogue
from cockpit.rules.thresholds import Override, list_overrides, load_overrides, show

HEADER = ("参数", "单位", "默认值", "生效值", "新值", "", "")
ABOUT = (
    "阈值默认取自规则目录（catalogue.yaml）；在此修改的值存入数据库，对全域生效，每次修改都记入审计日志。"
    "修改某条规则的任一阈值即产生该规则的新版本：下一次数据刷新（最多几分钟）时，该规则按新阈值重新核查全部历史记录，"
    "收紧阈值会对过去的记录补发预警（同一对象只预警一次）；放宽阈值只影响此后的判断，已发出的预警不会撤回，按正常流程处置。"
)


def in_force_cell(param: Param, value: Any, override: Override | None) -> list:
    """The value in force; when it is not the default, a badge and who changed it when."""
    parts: list = [html.Strong(show(value))]
    if value != param.default:
        parts.append(html.Span("已修改", className="badge text-bg-warning ms-2"))
        if override is not None:
            note = f"{override.changed_by} 于 {fmt_time(override.changed_at)} 修改"
            parts.append(html.Div(note, className="table-note"))
    return parts


def _param_row(rule: Rule, param: Param, value: Any, override: Override | None) -> html.Tr:
    key = row_key(rule, param)
    is_list = isinstance(param.default, list)
    return html.Tr(
        [
            html.Td([param.description, html.Code(param.name, className="ms-2")], className="threshold-name"),
            html.Td(param.unit),
            html.Td(show(param.default)),
            html.Td(in_force_cell(param, value, override), id=row_id(AdminIds.THRESHOLD_IN_FORCE, key)),
            html.Td(
                dbc.Input(
                    id=row_id(AdminIds.THRESHOLD_VALUE, key),
                    type="text" if is_list else "number",
                    value=input_value(value),
                    min=None if is_list else 0,
                    step=None if is_list else "any",
                    size="sm",
                    className="threshold-input-list" if is_list else "threshold-input",
                )
            ),
            html.Td(
                [
                    dbc.Button("保存", id=row_id(AdminIds.THRESHOLD_SAVE, key), size="sm", color="primary"),
                    dbc.Button(
                        "恢复默认",
                        id=row_id(AdminIds.THRESHOLD_RESET, key),
                        size="sm",
                        color="outline-secondary",
                        className="ms-2",
                    ),
                ],
                className="admin-actions",
            ),
            html.Td(id=row_id(AdminIds.THRESHOLD_MESSAGE, key), className="threshold-message"),
        ]
    )


def rule_section(rule: Rule, in_force: dict[str, Any], overrides: dict[str, Override]) -> html.Section:
    changed = sum(1 for p in rule.params if in_force[p.name] != p.default)
    heading = [
        html.Span(rule.code, className="threshold-code"),
        html.Span(rule.name, className="threshold-rule-name"),
        html.Small(rule.category, className="text-muted ms-2"),
    ]
    if changed:
        heading.append(html.Span(f"已修改 {changed} 项", className="badge text-bg-warning ms-2"))
    rows = [_param_row(rule, p, in_force[p.name], overrides.get(p.name)) for p in rule.params]
    return html.Section(
        [
            html.H2(heading, className="threshold-heading"),
            html.P(rule.description, className="table-note"),
            html.Table(
                [html.Thead(html.Tr([html.Th(h) for h in HEADER])), html.Tbody(rows)],
                className="table table-sm cockpit-table threshold-table",
            ),
        ],
        className="cockpit-card threshold-rule",
        id=f"threshold-{rule.code}",
    )


def layout(**_query) -> html.Div:
    require_admin()
    with connect() as conn:
        fresh = current_freshness(conn)
        try:
            catalogue, problem = load_catalogue(), None
        except CatalogueError as error:
            catalogue, problem = {}, str(error)
        in_force = load_overrides(conn, catalogue)
        stored = list_overrides(conn)
    by_rule: dict[str, dict[str, Override]] = {}
    for override in stored:
        by_rule.setdefault(override.rule_code, {})[override.param] = override
    sections = [
        rule_section(rule, rule.thresholds(in_force.get(code)), by_rule.get(code, {}))
        for code, rule in catalogue.items()
    ]
    changed = sum(len(values) for values in in_force.values())
    params = sum(len(rule.params) for rule in catalogue.values())
    summary = f"共 {len(catalogue)} 条规则、{params} 个阈值，其中 {changed} 个已修改。"
    notes = [html.P(ABOUT, className="admin-about"), html.P(summary, className="text-muted")]
    if problem:
        notes.append(html.Div(f"规则目录无法读取：{problem}", className="alert alert-danger"))
    return admin_frame("thresholds", fresh, *notes, html.Div(sections, className="threshold-rules"))
