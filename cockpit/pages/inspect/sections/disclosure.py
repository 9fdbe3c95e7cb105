"""三务公开: did each region's villages publish their disclosure items on
time (the window's items falling due), and which are overdue now; a
village's own items by period."""

from __future__ import annotations

from dash import html

from cockpit.components.format import fmt_int, fmt_share, fmt_time
from cockpit.components.kpi import kpi_card, share_tone
from cockpit.components.report_table import Col, report_table
from cockpit.figures.disclosure import compliance_bar, compliance_map, disclosure_matrix_heatmap
from cockpit.pages.inspect.sections.common import Context, card, chart, kpis
from cockpit.store.records import DISCLOSURE_CATEGORIES
from queries import disclosure
from queries.regions import child_regions

MAP_WIDTH, MAP_HEIGHT = 720, 460
NOTHING_DUE = (
    "该时间范围内没有到期的公开事项（党务、村务、财务公开按月、季、半年到期），请选择“本年”或更长的时间范围。"
)


def _summary(ctx: Context) -> html.Div:
    s = disclosure.disclosure_summary(ctx.conn, ctx.scope, ctx.window, ctx.now).iloc[0]
    return kpis(
        kpi_card("应公开事项", fmt_int(s.due), "项", "期内到期"),
        kpi_card(
            "按时公开率",
            fmt_share(s.on_time_share),
            "",
            f"按时 {fmt_int(s.on_time)} 项",
            share_tone(s.on_time_share),
        ),
        kpi_card("逾期公开", fmt_int(s.late), "项", "到期后才公开", "warn" if s.late else "good"),
        kpi_card("未公开", fmt_int(s.missing), "项", "已到期仍未公开", "bad" if s.missing else "good"),
    )


OVERDUE_COLUMNS = (
    Col("村（社区）", lambda r: f"{r.town_name} · {r.village_name}"),
    Col("类别", lambda r: DISCLOSURE_CATEGORIES.get(r.category, r.category)),
    Col("公开事项", lambda r: r.item),
    Col("期间", lambda r: r.period),
    Col("应公开时间", lambda r: fmt_time(r.due_at)),
    Col("逾期天数", lambda r: fmt_int(r.days_overdue), num=True),
)


def render(ctx: Context) -> list:
    summary = _summary(ctx)
    overdue = disclosure.overdue_disclosures(ctx.conn, ctx.scope, ctx.now)
    overdue_card = card(
        "已到期未公开事项（截至当前，最久在前）",
        report_table(overdue, OVERDUE_COLUMNS, "没有已到期未公开的事项", limit=200),
    )
    if ctx.is_village:
        matrix = disclosure.disclosure_matrix(ctx.conn, ctx.scope, ctx.window, ctx.now)
        return [
            summary,
            card(
                "公开事项 × 期间（按时 / 逾期 / 未公开 / 未到期）",
                chart(disclosure_matrix_heatmap(matrix), 620),
            ),
            overdue_card,
        ]
    by_child = disclosure.disclosure_compliance(ctx.conn, ctx.scope, ctx.window, ctx.now)
    villages = disclosure.village_compliance(ctx.conn, ctx.scope, ctx.window, ctx.now)
    children = child_regions(ctx.conn, ctx.region.code)
    if by_child["due"].sum() == 0:
        summary = html.Div(
            [summary, html.Div(NOTHING_DUE, className="alert alert-info mb-0")], className="span-12"
        )
    return [
        summary,
        card(
            "各下级地区三务公开按时率",
            chart(compliance_map(children, by_child, width=MAP_WIDTH, height=MAP_HEIGHT), MAP_HEIGHT),
            7,
        ),
        card("按时 / 逾期 / 未公开（按下级地区）", chart(compliance_bar(by_child), MAP_HEIGHT), 5),
        card(
            "按时率最低的村（社区）",
            report_table(
                villages[villages["due"] > 0].sort_values(["on_time_share", "village_code"]).head(20),
                (
                    Col(
                        "村（社区）", lambda r: ctx.inspect_link(r.village_code, r.village_name, "disclosure")
                    ),
                    Col("应公开", lambda r: fmt_int(r.due), num=True),
                    Col("按时", lambda r: fmt_int(r.on_time), num=True),
                    Col("逾期公开", lambda r: fmt_int(r.late), num=True),
                    Col("未公开", lambda r: fmt_int(r.missing), num=True),
                    Col("按时率", lambda r: fmt_share(r.on_time_share), num=True),
                ),
                "期内没有到期的公开事项",
            ),
            12,
        ),
        overdue_card,
    ]
