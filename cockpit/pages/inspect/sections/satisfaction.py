"""群众满意度: residents' ratings of the window's closed petitions, by
region below and by handling unit (least satisfied first)."""

from __future__ import annotations

from cockpit.components.format import fmt_int, fmt_share
from cockpit.components.kpi import kpi_card, share_tone
from cockpit.components.report_table import Col, report_table
from cockpit.figures.escalation import satisfaction_bar
from cockpit.pages.inspect.sections.common import Context, card, chart, kpis
from queries import satisfaction

# A unit rated once or twice says little: the list starts at this many ratings.
MIN_RATED = 3
UNIT_COLUMNS = (
    Col("承办单位", lambda r: r.handling_unit),
    Col("层级", lambda r: r.level_label),
    Col("评价", lambda r: fmt_int(r.rated), num=True),
    Col("满意", lambda r: fmt_int(r.satisfied), num=True),
    Col("基本满意", lambda r: fmt_int(r.basic), num=True),
    Col("不满意", lambda r: fmt_int(r.unsatisfied), num=True),
    Col("满意率", lambda r: fmt_share(r.satisfaction_rate), num=True),
)


def render(ctx: Context) -> list:
    s = satisfaction.satisfaction_summary(ctx.conn, ctx.scope, ctx.window).iloc[0]
    units = satisfaction.satisfaction_by_unit(ctx.conn, ctx.scope, ctx.window, limit=30, min_rated=MIN_RATED)
    cards = [
        kpis(
            kpi_card(
                "满意率",
                fmt_share(s.satisfaction_rate),
                "",
                "（满意 + 基本满意）÷ 评价数",
                share_tone(s.satisfaction_rate),
            ),
            kpi_card("评价", fmt_int(s.rated), "件", f"占已办结 {fmt_share(s.rated_share)}"),
            kpi_card(
                "不满意",
                fmt_int(s.unsatisfied),
                "件",
                f"基本满意 {fmt_int(s.basic)} 件",
                "bad" if s.unsatisfied else "good",
            ),
            kpi_card("已办结", fmt_int(s.closed), "件", "期内受理且已办结"),
        )
    ]
    if not ctx.is_village:
        by_child = satisfaction.satisfaction_by_child(ctx.conn, ctx.scope, ctx.window)
        cards.append(card("各下级地区满意度", chart(satisfaction_bar(by_child), 460), 6))
    cards.append(
        card(
            f"承办单位满意度（评价不少于 {MIN_RATED} 件，满意率最低在前）",
            report_table(units, UNIT_COLUMNS, "期内没有评价", limit=30),
            6 if not ctx.is_village else 12,
        )
    )
    return cards
