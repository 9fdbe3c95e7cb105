"""/rules: the warning rule catalogue (预警规则) with each rule's thresholds
and how its warnings fared (counts by status, hits, false-alarm share).

The thresholds shown are those in force: an administrator's value from the
store (cockpit.rules.thresholds, set on /admin/thresholds) where there is one,
else the catalogue's default."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pandas as pd
from dash import html

from cockpit.components.evidence import show_value
from cockpit.components.format import fmt_int, fmt_share
from cockpit.components.navbar import page_frame
from cockpit.components.tables import colour_badge
from cockpit.ids import RulesIds
from cockpit.lifecycle import WARNING_OWNER_KINDS, WARNING_SEVERITIES
from cockpit.pages.common import connect, current_freshness, scope_for
from cockpit.rules.catalogue import SUBJECTS, Rule, load_catalogue
from cockpit.rules.thresholds import load_overrides
from queries.regions import get_region
from queries.warnings import rule_hit_rates, rule_statistics

HEADER = ("规则", "类别", "说明", "阈值：生效值（默认值）", "等级", "责任主体", "处置时限", "版本")
HEADER += ("红", "黄", "绿", "命中", "命中率", "误报率")
EXTERNAL_NOTE = "目录外规则（未在规则目录中定义，如样例数据直接写入的预警）"
SEVERITY_BADGES = {"high": "red", "medium": "yellow", "low": "green"}


def fmt_within(value: timedelta) -> str:
    hours = int(value.total_seconds() // 3600)
    return f"{hours // 24} 天" if hours % 24 == 0 else f"{hours} 小时"


def _owner(rule: Rule) -> str:
    kind = WARNING_OWNER_KINDS.get(rule.owner_kind, rule.owner_kind)
    return f"{kind} · {rule.department}" if rule.department else kind


def _thresholds(rule: Rule, overrides: Mapping[str, Any] | None = None) -> html.Ul | str:
    """Each parameter's value in force (``overrides``: the store's, for this
    rule) and, where it differs, the catalogue's default."""
    in_force = rule.thresholds(overrides)
    if not rule.params:
        return "—"
    return html.Ul(
        [
            html.Li(
                [
                    f"{p.description}：",
                    html.Strong(f"{show_value(in_force[p.name])} {p.unit}".strip()),
                    "（默认值）" if in_force[p.name] == p.default else f"（默认 {show_value(p.default)}）",
                    html.Code(p.name, className="ms-1"),
                ],
                className=None if in_force[p.name] == p.default else "threshold-changed",
            )
            for p in rule.params
        ],
        className="rule-params",
    )


def rule_rows(
    catalogue: dict[str, Rule], stats: pd.DataFrame, rates: pd.DataFrame | None = None
) -> list[dict]:
    """The catalogue's rules in order, each with its statistics (zeros when it
    raised nothing) and hit rate (``rates``: queries.warnings.rule_hit_rates),
    then the rules found only in the store's warnings."""
    by_code = {r["rule_code"]: r for r in stats.to_dict("records")}
    hit_rates = {} if rates is None else {r["rule_code"]: r for r in rates.to_dict("records")}
    nan = float("nan")
    empty = {"red": 0, "yellow": 0, "green": 0, "hits": 0, "false_alarm_share": nan}
    no_rate = {"subject": None, "records": None, "hit_rate": nan}

    def rate(code: str) -> dict:
        found = hit_rates.get(code, {})
        return {key: found.get(key, value) for key, value in no_rate.items()}

    rows = [
        {"rule": rule, "code": code, **empty, **by_code.get(code, {}), **rate(code)}
        for code, rule in catalogue.items()
    ]
    rows += [
        {"rule": None, "code": code, **row, **rate(code)}
        for code, row in by_code.items()
        if code not in catalogue
    ]
    return rows


def _hit_rate(row: dict) -> html.Td:
    """命中率 with what it divides by: "22.2%" over "共 9 条用工"."""
    records, subject = row.get("records"), row.get("subject")
    known = records is not None and not pd.isna(records)
    kind = SUBJECTS.get(subject, "")
    if not known:
        basis = "无可核查记录"
    else:
        basis = f"共 {fmt_int(records)} 条{kind or '记录'}" if records else f"无{kind}记录"
    return html.Td(
        [fmt_share(row["hit_rate"]), html.Br(), html.Small(basis, className="text-muted")],
        className="num hit-rate",
    )


def _row(row: dict, overrides: Mapping[str, Mapping[str, Any]] | None = None) -> html.Tr:
    rule: Rule | None = row["rule"]
    counts = [
        html.Td(fmt_int(row[key]), className=f"num count-{key}") for key in ("red", "yellow", "green", "hits")
    ]
    counts.append(_hit_rate(row))
    counts.append(html.Td(fmt_share(row["false_alarm_share"]), className="num"))
    if rule is None:
        cells = [
            html.Td(html.Strong(row["code"])),
            html.Td(row.get("category") or "—"),
            html.Td(
                html.Span(
                    "目录外规则（未在规则目录中定义，如样例数据直接写入的预警）", className="text-muted"
                )
            ),
            *[html.Td("—") for _ in range(5)],
        ]
        return html.Tr([*cells, *counts], className="rule-external")
    severity = colour_badge(
        SEVERITY_BADGES.get(rule.severity, "green"), WARNING_SEVERITIES.get(rule.severity, rule.severity)
    )
    cells = [
        html.Td([html.Strong(rule.code), html.Br(), rule.name]),
        html.Td(rule.category),
        html.Td(rule.description),
        html.Td(_thresholds(rule, (overrides or {}).get(rule.code))),
        html.Td(severity),
        html.Td(_owner(rule)),
        html.Td(fmt_within(rule.dispose_within)),
        html.Td(html.Code(rule.version((overrides or {}).get(rule.code)))),
    ]
    return html.Tr([*cells, *counts])


def layout(**_query) -> html.Div:
    with connect() as conn:
        fresh = current_freshness(conn)
        scope = scope_for(conn)  # the viewer's own region: a town officer counts its town
        region = get_region(conn, scope.region_code)
        stats = rule_statistics(conn, scope)
        try:
            catalogue = load_catalogue()
            problem = None
        except Exception as error:  # a broken catalogue file: say so, still show the store's rules
            catalogue, problem = {}, str(error)
        overrides = load_overrides(conn, catalogue)
        rates = rule_hit_rates(conn, scope, {code: rule.subject for code, rule in catalogue.items()})
    rows = rule_rows(catalogue, stats, rates)
    categories = {rule.category for rule in catalogue.values()}
    thresholds = sum(len(rule.params) for rule in catalogue.values())
    summary = f"规则目录共 {len(catalogue)} 条规则、{len(categories)} 个类别、{thresholds} 个阈值"
    summary += f"；统计范围：{region.name}"
    external = sum(1 for row in rows if row["rule"] is None)
    if external:
        summary += f"；另有 {external} 条目录外规则的预警"
    notes = [html.P(summary + "。", className="text-muted", id=RulesIds.SUMMARY)]
    if problem:
        notes.append(html.Div(f"规则目录无法读取：{problem}", className="alert alert-danger"))
    notes.append(
        html.P(
            "计数为管辖范围内该规则历来产生的全部预警：红、黄为当前待处置、处置中，绿为已处置；"
            "命中率 = 命中 ÷ 该规则核查的同类业务记录数（管辖范围内全部记录）；"
            "误报率 = 处置结论为“误报”的预警 ÷ 已处置预警。",
            className="text-muted small",
        )
    )
    table = html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in HEADER])),
            html.Tbody([_row(row, overrides) for row in rows]),
        ],
        id=RulesIds.TABLE,
        className="table table-sm rules-table",
    )
    return page_frame(
        "rules",
        fresh,
        html.H1("预警规则", className="page-title"),
        *notes,
        html.Section(html.Div(table, className="table-responsive"), className="cockpit-card span-12"),
    )
