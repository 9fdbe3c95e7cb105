"""诉求预警关联: petitions and warnings about the same village and the same
person, project or kind of matter, side by side (queries.links)."""

from __future__ import annotations

from cockpit.components.format import fmt_int, fmt_time
from cockpit.components.kpi import kpi_card
from cockpit.components.markup import Markup, link, tag
from cockpit.components.report_table import Col, report_table
from cockpit.components.urls import petition_href
from cockpit.lifecycle import WARNING, WARNING_SEVERITIES
from cockpit.pages.inspect.sections.common import Context, card, kpis, warning_link
from queries import links

LIST_LIMIT = 200
STATUS_LABELS = {s.code: s.label for s in WARNING.statuses}


def _warning(r) -> Markup:
    return tag(
        "div",
        warning_link(r.warning_external_id, r.warning_id),
        tag("span", f" {r.warning_category} · {STATUS_LABELS.get(r.warning_status, r.warning_status)}"),
        tag("div", r.warning_title, class_="small text-muted"),
    )


def _petition(r) -> Markup:
    return tag(
        "div",
        link(petition_href(r.petition_id), r.petition_external_id),
        tag("span", f" {r.petition_category} · {fmt_time(r.received_at)}"),
        tag("div", r.petition_summary, class_="small text-muted"),
    )


def _basis(r) -> Markup:
    label = links.BASIS_LABELS.get(r.basis, r.basis)
    if r.basis == links.NAMED and r.matched:
        label = f"{label}：{r.matched}"
    badge = "badge text-bg-danger" if r.basis == links.NAMED else "badge text-bg-secondary"
    return tag("span", label, class_=badge)


COLUMNS = (
    Col("村（社区）", lambda r: r.village_name),
    Col("预警", _warning),
    Col("等级", lambda r: WARNING_SEVERITIES.get(r.severity, r.severity)),
    Col("群众诉求", _petition),
    Col("关联依据", _basis),
)


def render(ctx: Context) -> list:
    summary, pairs = links.link_report(ctx.conn, ctx.scope, ctx.window, limit=LIST_LIMIT)
    s = summary.iloc[0]
    return [
        kpis(
            kpi_card("有群众反映的预警", fmt_int(s.linked_warnings), "条", "优先级提升一级"),
            kpi_card("关联的诉求", fmt_int(s.linked_petitions), "件"),
            kpi_card(
                "点名反映",
                fmt_int(s.named_links),
                "对",
                "诉求提到预警涉及的人或项目",
                "bad" if s.named_links else "neutral",
            ),
            kpi_card("同类事项", fmt_int(s.topic_links), "对", f"同村同类，前后 {links.LINK_DAYS} 天内"),
        ),
        card(
            "诉求与预警对照（点名反映在前，其次最新预警）",
            report_table(pairs, COLUMNS, "期内没有相互关联的诉求和预警", limit=LIST_LIMIT),
        ),
    ]
