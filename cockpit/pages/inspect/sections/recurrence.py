"""重复与共性问题: the problems reported repeatedly (the same category in
the same village within N days), rising week on week, or surging across
many villages at once; each with the petitions behind it."""

from __future__ import annotations

from dash import html

from cockpit.components.format import fmt_int, fmt_time
from cockpit.components.kpi import kpi_card
from cockpit.components.markup import link
from cockpit.components.report_table import Col, report_table
from cockpit.components.urls import petition_href
from cockpit.figures.recurrence import rise_text, rising_categories_bar, surging_categories_bar
from cockpit.pages.inspect.sections.common import Context, card, chart, kpis, petition_link
from queries import recurrence

PETITION_COLUMNS = (
    Col("编号", petition_link),
    Col("村（社区）", lambda r: r.village_name),
    Col("受理时间", lambda r: fmt_time(r.received_at)),
    Col("状态", lambda r: r.status_label),
    Col("诉求内容", lambda r: r.summary),
)
SHOWN_PER_CATEGORY = 50


def _petition_links(ids: list[int], external: dict[int, str]) -> list:
    links = []
    for pid in ids:
        if links:
            links.append("、")
        links.append(link(petition_href(pid), external.get(pid, str(pid))))
    return links


def _behind(ctx: Context, category: str, since, label: str) -> html.Details:
    """The petitions of a flagged category, folded under its name."""
    rows = recurrence.category_petitions(
        ctx.conn, ctx.scope, category, since, ctx.now, limit=SHOWN_PER_CATEGORY
    )
    return html.Details(
        [
            html.Summary(f"{category} · {label}（查看诉求）"),
            report_table(rows, PETITION_COLUMNS, "没有诉求", limit=SHOWN_PER_CATEGORY),
        ],
        className="inspect-details",
    )


def _repeated(ctx: Context) -> html.Section:
    repeated = recurrence.repeated_problems(ctx.conn, ctx.scope, ctx.now)
    ids = [pid for group in repeated.get("petition_ids", []) for pid in group]
    found = recurrence.petitions_for(ctx.conn, ctx.scope, ids, limit=len(ids) or 1)
    external = dict(zip(found["id"], found["external_id"], strict=True))
    columns = (
        Col(
            "村（社区）",
            lambda r: ctx.inspect_link(r.village_code, f"{r.town_name} · {r.village_name}", "recurrence"),
        ),
        Col("类别", lambda r: r.category),
        Col("次数", lambda r: fmt_int(r.petitions), num=True),
        Col("首次", lambda r: fmt_time(r.first_received)),
        Col("最近", lambda r: fmt_time(r.last_received)),
        Col("诉求", lambda r: _petition_links(r.petition_ids, external)),
    )
    title = f"重复反映：同一村同一类问题 {recurrence.REPEAT_DAYS} 天内 {recurrence.REPEAT_MIN_COUNT} 次及以上"
    return card(title, report_table(repeated, columns, "近期没有重复反映的问题", limit=200))


def render(ctx: Context) -> list:
    count = recurrence.repeated_problem_count(ctx.conn, ctx.scope, ctx.now).iloc[0]
    rising = recurrence.rising_categories(ctx.conn, ctx.scope, ctx.now)
    surging = recurrence.surging_categories(ctx.conn, ctx.scope, ctx.now)
    this_week_start = recurrence.week_bounds(ctx.now)[1]
    surge_start = recurrence.local_periods(ctx.now, recurrence.SURGE_DAYS, 1)[0][0]
    flagged_rising = rising[rising["flagged"]]
    flagged_surging = surging[surging["flagged"]] if not ctx.is_village else surging.iloc[0:0]
    cards = [
        kpis(
            kpi_card(
                "重复反映的问题",
                fmt_int(count.problems),
                "个",
                f"涉及 {fmt_int(count.villages)} 个村（社区）",
            ),
            kpi_card("重复反映的诉求", fmt_int(count.petitions), "件", f"近 {recurrence.REPEAT_DAYS} 天"),
            kpi_card(
                "上升明显的类别",
                fmt_int(len(flagged_rising)),
                "个",
                "近7天比前7天",
                "warn" if len(flagged_rising) else "good",
            ),
            kpi_card(
                "多村集中出现的类别",
                fmt_int(len(flagged_surging)),
                "个",
                f"近 {recurrence.SURGE_DAYS} 天",
                "warn" if len(flagged_surging) else "good",
            ),
        ),
        _repeated(ctx),
        card(
            "类别环比：近7天与前7天",
            chart(rising_categories_bar(rising), 420),
            6 if not ctx.is_village else 12,
        ),
    ]
    if not ctx.is_village:
        cards.append(
            card(
                f"类别覆盖村数：近{recurrence.SURGE_DAYS}天与此前基线",
                chart(surging_categories_bar(surging), 420),
                6,
            )
        )
    details = [
        _behind(
            ctx,
            r.category,
            this_week_start,
            f"近7天 {r.this_week} 件，前7天 {r.last_week} 件，{rise_text(r.rise)}",
        )
        for r in flagged_rising.itertuples(index=False)
    ]
    details += [
        _behind(
            ctx,
            r.category,
            surge_start,
            f"{r.villages} 个村 {r.petitions} 件，基线 {r.baseline_villages:.1f} 个村",
        )
        for r in flagged_surging.itertuples(index=False)
    ]
    cards.append(
        card(
            "上升明显、多村集中的类别及其诉求",
            details or html.Div("近期没有上升明显或多村集中出现的类别", className="list-empty"),
        )
    )
    return cards
