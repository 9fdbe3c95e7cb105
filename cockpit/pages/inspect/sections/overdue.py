"""超期督办: open petitions past their time limit (5 days general, 15
complex) at this moment, by owner, and those due within 24 hours."""

from __future__ import annotations

from cockpit.components.format import fmt_int, fmt_time
from cockpit.components.kpi import kpi_card
from cockpit.components.report_table import Col, report_table
from cockpit.figures.recurrence import overdue_by_owner_bar
from cockpit.pages.inspect.sections.common import Context, card, chart, kpis, petition_link
from queries import overdue

LIST_LIMIT = 200


def _days(value: float) -> str:
    return f"{value:.1f} 天"


def _list_columns(last: Col) -> tuple[Col, ...]:
    return (
        Col("编号", petition_link),
        Col("村（社区）", lambda r: f"{r.town_name} · {r.village_name}"),
        Col("类别", lambda r: r.category),
        Col("类型", lambda r: r.complexity_label),
        Col("承办单位", lambda r: f"{r.handling_unit}（{r.handling_level_label}）"),
        Col("状态", lambda r: r.status_label),
        Col("受理时间", lambda r: fmt_time(r.received_at)),
        Col("办理时限", lambda r: fmt_time(r.due_at)),
        last,
    )


OVERDUE_COLUMNS = _list_columns(Col("已超期", lambda r: _days(r.days_overdue), num=True))
DUE_SOON_COLUMNS = _list_columns(Col("剩余", lambda r: f"{r.hours_left:.1f} 小时", num=True))
OWNER_COLUMNS = (
    Col("承办单位", lambda r: r.handling_unit),
    Col("层级", lambda r: r.handling_level_label),
    Col("一般件超期", lambda r: fmt_int(r.general_overdue), num=True),
    Col("复杂件超期", lambda r: fmt_int(r.complex_overdue), num=True),
    Col("最长超期", lambda r: _days(r.max_days_overdue), num=True),
    Col("平均超期", lambda r: _days(r.mean_days_overdue), num=True),
)


def render(ctx: Context) -> list:
    counts = overdue.overdue_counts(ctx.conn, ctx.scope, ctx.now).iloc[0]
    owners = overdue.overdue_by_owner(ctx.conn, ctx.scope, ctx.now)
    late = overdue.overdue_petitions(ctx.conn, ctx.scope, ctx.now, limit=LIST_LIMIT)
    soon = overdue.due_soon(ctx.conn, ctx.scope, ctx.now, limit=LIST_LIMIT)
    return [
        kpis(
            kpi_card(
                "超期未办结", fmt_int(counts.overdue), "件", "截至当前", "bad" if counts.overdue else "good"
            ),
            kpi_card("一般件超过5日", fmt_int(counts.general_overdue), "件", "时限 5 天"),
            kpi_card("复杂件超过15日", fmt_int(counts.complex_overdue), "件", "时限 15 天"),
            kpi_card(
                "24小时内到期",
                fmt_int(counts.due_within_24h),
                "件",
                "尚未办结",
                "warn" if counts.due_within_24h else "good",
            ),
        ),
        card("超期诉求 · 按承办单位", chart(overdue_by_owner_bar(owners), 420), 6),
        card("承办单位超期情况", report_table(owners, OWNER_COLUMNS, "没有超期的诉求", limit=50), 6),
        card(
            "超期诉求清单（超期最久在前）",
            report_table(
                late, OVERDUE_COLUMNS, "没有超期的诉求", limit=LIST_LIMIT, row_class=lambda r: "row-overdue"
            ),
        ),
        card(
            "24小时内到期的诉求（最急在前）",
            report_table(soon, DUE_SOON_COLUMNS, "24小时内没有到期的诉求", limit=LIST_LIMIT),
        ),
    ]
