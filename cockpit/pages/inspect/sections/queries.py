"""公开质询: residents' public queries on disclosed items: how many were
asked, how many answered and how fast, and who is still waiting."""

from __future__ import annotations

from cockpit.components.format import fmt_duration, fmt_hours, fmt_int, fmt_share, fmt_time
from cockpit.components.kpi import kpi_card, share_tone
from cockpit.components.report_table import Col, report_table
from cockpit.figures.disclosure import queries_bar
from cockpit.pages.inspect.sections.common import Context, card, chart, kpis
from cockpit.rules.catalogue import load_catalogue
from cockpit.rules.thresholds import load_overrides
from queries import public_queries

RULE = "QRY-01"  # the answering time limit is this rule's, as administrators set it


def answer_limit(ctx: Context) -> tuple[int, bool]:
    """QRY-01's limit in working days and whether weekends are skipped, as in force."""
    catalogue = load_catalogue()
    rule = catalogue.get(RULE)
    if rule is None:
        return public_queries.ANSWER_LIMIT_DAYS, public_queries.SKIP_WEEKENDS
    params = rule.thresholds(load_overrides(ctx.conn, catalogue).get(RULE))
    return int(params["limit_days"]), bool(params["skip_weekends"])


def render(ctx: Context) -> list:
    limit_days, skip_weekends = answer_limit(ctx)
    s = public_queries.public_query_summary(
        ctx.conn, ctx.scope, ctx.window, ctx.now, limit_days=limit_days, skip_weekends=skip_weekends
    ).iloc[0]
    waiting = public_queries.unanswered_queries(
        ctx.conn, ctx.scope, ctx.now, limit_days=limit_days, skip_weekends=skip_weekends
    )
    summary = kpis(
        kpi_card("质询", fmt_int(s.asked), "件", "期内提出"),
        kpi_card(
            "答复率",
            fmt_share(s.answered_share),
            "",
            f"已答复 {fmt_int(s.answered)} 件",
            share_tone(s.answered_share),
        ),
        kpi_card(
            "答复用时中位数", *fmt_hours(s.median_hours_to_answer), f"90% 在 {fmt_duration(s.p90_hours)} 内"
        ),
        kpi_card(
            "未答复",
            fmt_int(s.unanswered),
            "件",
            f"其中超过 {limit_days} 个工作日 {fmt_int(s.unanswered_overdue)} 件",
            "bad" if s.unanswered_overdue else "good",
        ),
    )
    columns = (
        Col("村（社区）", lambda r: f"{r.town_name} · {r.village_name}"),
        Col("质询内容", lambda r: r.question),
        Col("针对事项", lambda r: r.item or "—"),
        Col("提出时间", lambda r: fmt_time(r.asked_at)),
        Col("已等待", lambda r: f"{r.working_days} 个工作日", num=True),
    )
    waiting_card = card(
        f"未答复的质询（截至当前，等待最久在前；超过 {limit_days} 个工作日标红）",
        report_table(
            waiting,
            columns,
            "没有未答复的质询",
            limit=200,
            row_class=lambda r: "row-overdue" if r.overdue else None,
        ),
    )
    if ctx.is_village:
        return [summary, waiting_card]
    by_child = public_queries.public_queries_by_child(ctx.conn, ctx.scope, ctx.window, ctx.now)
    return [summary, card("各下级地区质询答复情况", chart(queries_bar(by_child), 420)), waiting_card]
