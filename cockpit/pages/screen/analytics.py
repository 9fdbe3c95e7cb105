"""The inspector analytics as wall-screen panels (COCKPIT_SCREEN_PANELS):
each a short title with its headline figure and a list of what needs
attention, in type a room can read (docs/screen.md); the inspector pages
(/inspect) keep the charts."""

from __future__ import annotations

import pandas as pd
from dash import html

from cockpit.components.format import fmt_int, fmt_share
from cockpit.components.kpi import kpi_card
from cockpit.components.wall import share_row_tone, wall_list
from cockpit.ids import ScreenIds
from cockpit.lifecycle import MIN_SHARE_SAMPLE
from cockpit.timewindow import Window, preset_window
from queries import disclosure, escalation, links, overdue, public_queries, recurrence, satisfaction

SCREEN_ROWS = 6  # rows a side panel shows at wall size


def worst(df: pd.DataFrame, share: str, rows: int = SCREEN_ROWS) -> pd.DataFrame:
    """The ``rows`` regions with the lowest ``share`` (those without one
    last), in that order: what a wall screen should point at."""
    return df.sort_values(share, na_position="last", kind="stable").head(rows)


def share_rows(df: pd.DataFrame, share: str, count: str, detail: str) -> list[tuple[str, str, str, str]]:
    """Rows (child_name, detail, share, tone) of the lowest shares; a share
    over fewer than MIN_SHARE_SAMPLE items (``count``) is not ranked: it
    follows the others, shown as 样本不足 (docs/metrics.md, "Small samples")."""
    df = df.assign(ranked=df[share].where(df[count] >= MIN_SHARE_SAMPLE))
    rows = []
    for r in worst(df, "ranked").itertuples(index=False):
        n, value = getattr(r, count), getattr(r, share)
        few = n < MIN_SHARE_SAMPLE
        shown = "样本不足" if few else fmt_share(value)
        tone = "none" if few else share_row_tone(value)
        rows.append((r.child_name, detail.format(fmt_int(n)), shown, tone))
    return rows


def _panel(key: str, rows: list[tuple[str, str, str, str]], empty: str) -> html.Div:
    return html.Div(wall_list(rows, empty), id=f"{ScreenIds.PANEL_GRAPH}-{key}")


def escalation_panel(data) -> html.Div:
    levels = escalation.escalation_levels(data.conn, data.scope, data.window, data.now)
    rows = [
        (r.level_label, f"经手 {fmt_int(r.reached)} 件", f"办结 {fmt_int(r.solved)}", "none")
        for r in levels.itertuples(index=False)
        if r.reached
    ]
    return _panel("escalation", rows, "暂无诉求")


def escalation_title(data) -> str:
    s = escalation.escalation_summary(data.conn, data.scope, data.window).iloc[0]
    return f"村级办结率 {fmt_share(s.village_solved_share)}"


def overdue_panel(data) -> html.Div:
    owners = overdue.overdue_by_owner(data.conn, data.scope, data.now).head(SCREEN_ROWS)
    rows = [
        (r.handling_unit, r.handling_level_label, f"{fmt_int(r.overdue)} 件", "bad")
        for r in owners.itertuples(index=False)
    ]
    return _panel("overdue", rows, "当前没有超期诉求")


def overdue_title(data) -> str:
    counts = overdue.overdue_counts(data.conn, data.scope, data.now).iloc[0]
    return f"超期诉求 {fmt_int(counts.overdue)} 件"


def repeated_panel(data) -> html.Div:
    rising = recurrence.rising_categories(data.conn, data.scope, data.now)
    rising = rising[rising["change"] > 0].head(SCREEN_ROWS)
    rows = [
        (r.category, f"上周 {fmt_int(r.last_week)}", f"本周 {fmt_int(r.this_week)}", "bad")
        for r in rising.itertuples(index=False)
    ]
    return _panel("repeated", rows, "本周没有比上周增多的问题")


def repeated_title(data) -> str:
    count = recurrence.repeated_problem_count(data.conn, data.scope, data.now).iloc[0]
    return f"重复反映 {fmt_int(count.problems)} 个"


def _disclosure_window(data) -> Window:
    """Disclosure items fall due quarterly: the screen counts this year's."""
    return preset_window("year", data.now)


def disclosure_panel(data) -> html.Div:
    df = disclosure.disclosure_compliance(data.conn, data.scope, _disclosure_window(data), data.now)
    df = df[df["due"] > 0]
    return _panel("disclosure", share_rows(df, "on_time_share", "due", "{} 项"), "本年暂无到期的公开事项")


def disclosure_title(data) -> str:
    s = disclosure.disclosure_summary(data.conn, data.scope, _disclosure_window(data), data.now).iloc[0]
    return f"三务公开按时率 {fmt_share(s.on_time_share)}"


def queries_panel(data) -> html.Div:
    df = public_queries.public_queries_by_child(data.conn, data.scope, data.window, data.now)
    df = df[df["asked"] > 0]
    return _panel("queries", share_rows(df, "answered_share", "asked", "{} 件"), "暂无公开质询")


def queries_title(data) -> str:
    s = public_queries.public_query_summary(data.conn, data.scope, data.window, data.now).iloc[0]
    return f"质询答复率 {fmt_share(s.answered_share)}"


def satisfaction_panel(data) -> html.Div:
    df = satisfaction.satisfaction_by_child(data.conn, data.scope, data.window)
    df = df[df["rated"] > 0]
    return _panel("satisfaction", share_rows(df, "satisfaction_rate", "rated", "评价 {}"), "暂无评价")


def satisfaction_title(data) -> str:
    s = satisfaction.satisfaction_summary(data.conn, data.scope, data.window).iloc[0]
    return f"群众满意率 {fmt_share(s.satisfaction_rate)}"


def links_panel(data) -> html.Div:
    s = links.link_summary(data.conn, data.scope, data.window).iloc[0]
    return html.Div(
        [
            kpi_card("有群众反映的预警", fmt_int(s.linked_warnings), "条", "优先处置"),
            kpi_card("关联的诉求", fmt_int(s.linked_petitions), "件"),
            kpi_card(
                "点名反映",
                fmt_int(s.named_links),
                "对",
                "提到预警涉及的人或项目",
                "bad" if s.named_links else "neutral",
            ),
            kpi_card("同类事项", fmt_int(s.topic_links), "对", f"同村同类 {links.LINK_DAYS} 天内"),
        ],
        className="screen-kpis screen-link-kpis",
        id=f"{ScreenIds.PANEL_GRAPH}-links",
    )
