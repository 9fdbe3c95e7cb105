"""流转层级: how the window's petitions moved village → town → county →
city, how long they stayed at each level, how many the village solved, and
which handling units are slowest or most overdue."""

from __future__ import annotations

from cockpit.components.format import fmt_duration, fmt_int, fmt_share
from cockpit.components.kpi import kpi_card
from cockpit.components.report_table import Col, report_table
from cockpit.figures.escalation import escalation_sankey, level_times_bar, unit_ranking_bar
from cockpit.pages.inspect.sections.common import Context, card, chart, kpis
from queries import escalation

UNIT_COLUMNS = (
    Col("承办单位", lambda r: r.handling_unit),
    Col("层级", lambda r: r.level_label),
    Col("诉求", lambda r: fmt_int(r.petitions), num=True),
    Col("已办结", lambda r: fmt_int(r.closed), num=True),
    Col("办理时长中位数", lambda r: fmt_duration(r.median_hours), num=True),
    Col("超期", lambda r: fmt_int(r.overdue), num=True),
    Col("超期占比", lambda r: fmt_share(r.overdue_share), num=True),
)
LEVEL_COLUMNS = (
    Col("层级", lambda r: r.level_label),
    Col("到达", lambda r: fmt_int(r.reached), num=True),
    Col("占期内诉求", lambda r: fmt_share(r.share), num=True),
    Col("在本级办结", lambda r: fmt_int(r.solved), num=True),
    Col("上报上级", lambda r: fmt_int(r.escalated), num=True),
    Col("仍在本级办理", lambda r: fmt_int(r.open_here), num=True),
    Col("本级用时中位数", lambda r: fmt_duration(r.median_hours), num=True),
    Col("本级用时90%分位", lambda r: fmt_duration(r.p90_hours), num=True),
)


def render(ctx: Context) -> list:
    s = escalation.escalation_summary(ctx.conn, ctx.scope, ctx.window).iloc[0]
    levels = escalation.escalation_levels(ctx.conn, ctx.scope, ctx.window, ctx.now)
    flow = escalation.escalation_flow(ctx.conn, ctx.scope, ctx.window)
    slowest = escalation.unit_ranking(ctx.conn, ctx.scope, ctx.window, ctx.now, limit=30)
    overdue = escalation.unit_ranking(ctx.conn, ctx.scope, ctx.window, ctx.now, limit=30, order="overdue")
    return [
        kpis(
            kpi_card("期内诉求", fmt_int(s.received), "件", f"已办结 {fmt_int(s.closed)} 件"),
            kpi_card(
                "村级办结率",
                fmt_share(s.village_solved_share),
                "",
                f"村级办结 {fmt_int(s.solved_at_village)} 件 ÷ 已办结",
            ),
            kpi_card("上报上级", fmt_int(s.escalated), "件", f"占期内诉求 {fmt_share(s.escalated_share)}"),
            kpi_card("在办", fmt_int(s.open), "件", "尚未办结"),
        ),
        card("诉求流转路径（村 → 镇 → 县 → 市）", chart(escalation_sankey(flow, levels), 420), 7),
        card("各层级办理用时（小时）", chart(level_times_bar(levels), 420), 5),
        card("各层级情况", report_table(levels, LEVEL_COLUMNS, "期内没有诉求")),
        card("承办单位 · 办理时长中位数最长", chart(unit_ranking_bar(slowest), 460), 6),
        card(
            "承办单位 · 超期最多",
            report_table(overdue[overdue["overdue"] > 0], UNIT_COLUMNS, "期内没有超期的诉求", limit=30),
            6,
        ),
    ]
