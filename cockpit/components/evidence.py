"""The evidence of a rule-raised warning (预警依据): its rule and version, the
thresholds in force, the values involved and the records behind it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from dash import html

from cockpit.rules.catalogue import Rule

TABLE_LABELS = {
    "payments": "三资支出", "labour": "村级用工", "payouts": "惠民资金", "projects": "工程采购",
    "seal_uses": "公章使用", "disclosures": "三务公开", "public_queries": "公开质询", "deaths": "死亡登记",
    "public_servants": "公职人员库", "land_contracts": "土地承包", "cadres": "村干部库",
    "cadre_relatives": "村干部近亲属", "petitions": "信访", "project_bids": "投标",
}  # fmt: skip

FIELD_LABELS = {
    "external_id": "编号", "village_code": "村（社区）代码", "applicant": "申请人", "payee": "收款人",
    "payee_id_number": "收款人身份证号", "amount": "金额（元）", "purpose": "用途", "land_linked": "涉地款项",
    "applied_at": "申请时间", "approved_at": "审批时间", "paid_at": "支付时间", "worker": "务工人员",
    "worker_id_number": "身份证号", "is_cadre": "村干部", "filed_at": "申请提交", "work_start": "用工开始",
    "work_end": "用工结束", "declared_at": "申报时间", "amount_paid": "已付补贴（元）", "programme": "项目",
    "recipient": "领取人", "id_number": "身份证号", "declared_area": "申报面积（亩）", "due_at": "应发日期",
    "name": "名称", "kind": "类型", "winner": "中标人", "announced_at": "公告时间", "awarded_at": "定标时间",
    "no_stake_pledge": "无利益关系承诺", "matter": "用印事项", "used_at": "用印时间", "category": "类别",
    "item": "公开事项", "period": "期间", "published_at": "公开时间", "question": "质询内容",
    "asked_at": "质询时间", "answered_at": "答复时间", "died_at": "死亡日期", "employer": "工作单位",
    "household": "承包户", "area": "承包面积（亩）", "role": "职务", "relation": "关系",
    "gap_hours": "间隔（小时）", "lead_hours": "提前（小时）",
    "bid": "报价（元）", "bidder": "投标人", "bidders": "投标人", "cadre": "村干部", "complexity": "复杂程度",
    "count": "次数", "daily": "日均补贴（元）", "days": "天数", "excess": "超出面积（亩）",
    "gap_days": "间隔（天）", "hours": "历时（小时）", "late_days": "逾期（天）", "min_days": "最短天数",
    "other": "另一条记录", "other_start": "另一条记录开始", "overlap_hours": "重叠（小时）", "part": "身份",
    "project": "项目", "received_at": "受理时间", "registered_area": "登记承包面积（亩）", "state": "状态",
    "total": "合计（元）", "when": "用印时段", "channel": "渠道", "summary": "摘要", "real_name": "实名",
    "status": "状态码", "handling_level": "办理层级", "handling_unit": "办理单位", "closed_at": "办结时间",
    "satisfaction": "满意度", "reporter_name": "反映人", "reporter_phone": "联系电话",
    "problem": "问题", "disclosure_id": "公开事项编号", "cadre_id": "村干部编号",
}  # fmt: skip
# Left out of a record's card when empty: an anonymous petition has no
# reporter, and a viewer who may not see reporters gets None (queries.personal).
OMITTED_WHEN_EMPTY = frozenset({"reporter_name", "reporter_phone"})


def show_value(value) -> str:
    """A value as shown in the evidence: times to the minute, yes/no in Chinese."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list | tuple):
        return "、".join(show_value(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        return f"{number:,.2f}" if "." in value else value
    return str(value)


def _table(header: list[str], rows: list[list], class_name: str = "") -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in header])),
            html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
        ],
        className=f"table table-sm evidence-table {class_name}".strip(),
    )


def thresholds_table(evidence: dict, rule: Rule | None) -> html.Table | html.P:
    params = {p.name: p for p in rule.params} if rule else {}
    rows = []
    for name, value in evidence["thresholds"].items():
        param = params.get(name)
        label = param.description if param else name
        unit = param.unit if param else ""
        default = show_value(param.default) if param else "—"
        rows.append([label, f"{show_value(value)} {unit}".strip(), default, html.Code(name)])
    if not rows:
        return html.P("本规则无阈值参数。", className="text-muted")
    return _table(["阈值", "生效值", "默认值", "参数"], rows)


def values_table(evidence: dict) -> html.Table | html.P:
    rows = [[FIELD_LABELS.get(k, k), show_value(v)] for k, v in evidence["values"].items()]
    if not rows:
        return html.P("未记录涉及的数值。", className="text-muted")
    return _table(["项目", "数值"], rows)


def records_list(linked: list[dict]) -> html.Div:
    """Each linked record as a small card of its fields."""
    if not linked:
        return html.P("未关联业务记录。", className="text-muted")
    cards = []
    for record in linked:
        label = TABLE_LABELS.get(record["table"], record["table"] or "记录")
        head = html.Div(
            [html.Span(label, className="badge text-bg-secondary me-2"), html.Strong(record["external_id"])],
            className="evidence-record-head",
        )
        if record["row"] is None:
            body = html.P("该记录已不在库中。", className="text-muted mb-0")
        else:
            items = []
            for key, value in record["row"].items():
                if key == "external_id" or (key in OMITTED_WHEN_EMPTY and value is None):
                    continue
                items += [html.Dt(FIELD_LABELS.get(key, key)), html.Dd(show_value(value))]
            body = html.Dl(items, className="field-list evidence-record-fields")
        cards.append(html.Div([head, body], className="evidence-record"))
    return html.Div(cards, className="evidence-records")


def evidence_section(evidence: dict | None, rule: Rule | None, linked: list[dict]) -> html.Section:
    """The 预警依据 card; says so plainly when the warning has no evidence."""
    title = html.H2("预警依据", className="card-title-bar")
    if evidence is None:
        return html.Section(
            [title, html.P("该预警未记录规则依据（非规则引擎生成）。", className="text-muted evidence-none")],
            className="cockpit-card span-12 evidence",
        )
    name = rule.name if rule else "（规则已不在目录中）"
    head = html.Dl(
        [
            html.Dt("规则"),
            html.Dd([html.Strong(evidence["rule_code"] or "—"), f" {name}"]),
            html.Dt("规则版本"),
            html.Dd(html.Code(evidence["rule_version"] or "—")),
            *([html.Dt("规则说明"), html.Dd(rule.description)] if rule else []),
        ],
        className="field-list",
    )
    return html.Section(
        [
            title,
            head,
            html.Div(
                [
                    html.Div([html.H3("生效阈值", className="evidence-h"), thresholds_table(evidence, rule)]),
                    html.Div([html.H3("涉及数值", className="evidence-h"), values_table(evidence)]),
                    html.Div([html.H3("关联业务记录", className="evidence-h"), records_list(linked)]),
                ],
                className="evidence-grid",
            ),
        ],
        className="cockpit-card span-12 evidence",
    )
