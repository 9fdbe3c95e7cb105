"""What the wall screen's four panel slots can show (COCKPIT_SCREEN_PANELS).

Each panel is a title and a body built from the screen's data for its focus
region. The screen is a kiosk: panels show aggregates only, never a list of
petitions, warnings or people (queries refuse record lists to a kiosk).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import pandas as pd
from dash import dcc, html
from sqlalchemy import Connection

from cockpit import figures
from cockpit.components.format import fmt_int, fmt_share
from cockpit.components.kpi import kpi_card
from cockpit.components.wall import wall_ranking, wall_red_list
from cockpit.figures.disclosure import compliance_bar, queries_bar
from cockpit.figures.escalation import escalation_sankey, satisfaction_bar
from cockpit.figures.recurrence import overdue_by_owner_bar, rising_categories_bar
from cockpit.ids import ScreenIds
from cockpit.timewindow import Window, preset_window
from queries import (
    disclosure,
    escalation,
    links,
    overdue,
    petitions,
    public_queries,
    recurrence,
    satisfaction,
    warnings,
)
from queries.regions import Region
from queries.scope import Scope

THEME = "dark"
# The map panel's drawing area on the 1920x1080 canvas (screen.css: the
# centre column less the panel's title and padding); the map is drawn for it.
MAP_WIDTH, MAP_HEIGHT = 984, 660
RED_LIST_LENGTH = 8
GRAPH_CONFIG = {"displayModeBar": False, "displaylogo": False, "scrollZoom": False}
SLOT_IDS = (ScreenIds.SLOT_1, ScreenIds.SLOT_2, ScreenIds.SLOT_3, ScreenIds.SLOT_4)
SLOT_TITLE_IDS = (
    ScreenIds.SLOT_1_TITLE,
    ScreenIds.SLOT_2_TITLE,
    ScreenIds.SLOT_3_TITLE,
    ScreenIds.SLOT_4_TITLE,
)
# Each slot's place on the 1920x1080 canvas (screen.css).
SLOT_CLASSES = ("slot-left-top", "slot-left-bottom", "slot-right-top", "slot-right-bottom")


@dataclass
class ScreenData:
    """The focus region's data, read once per render and shared by the panels."""

    conn: Connection
    scope: Scope
    region: Region
    window: Window
    now: datetime
    freq: str
    child_metrics: pd.DataFrame
    child_level: str
    cache: dict = field(default_factory=dict)

    @cached_property
    def is_village(self) -> bool:
        return not self.region.has_children


def chart(graph_id: str, figure) -> dcc.Graph:
    """A chart filling its panel."""
    return dcc.Graph(
        id=graph_id, figure=figure, config=GRAPH_CONFIG, style={"height": "100%"}, responsive=True
    )


# What a panel's figures count, shown beside its title so the room knows:
# the screen's window, the present state, this year, or the last 7 days.
WINDOW, NOW, YEAR, WEEK = "window", "now", "year", "week"
SCOPE_CHIPS = {NOW: "当前", YEAR: "本年", WEEK: "近7天环比"}


@dataclass(frozen=True)
class ScreenPanel:
    title: Callable[[ScreenData], str]
    body: Callable[[ScreenData], object]
    counts: str = WINDOW  # WINDOW, NOW, YEAR or WEEK (SCOPE_CHIPS)


def scope_chip(panel: ScreenPanel, window_label: str) -> str:
    """The words beside a panel's title saying what its figures count."""
    return window_label if panel.counts == WINDOW else SCOPE_CHIPS[panel.counts]


TOP_CATEGORIES = 6  # bars a side panel shows at wall size


def _categories(data: ScreenData):
    df = petitions.top_categories(data.conn, data.scope, data.window, limit=TOP_CATEGORIES)
    return chart(ScreenIds.CATEGORIES, figures.top_categories_bar(df, THEME))


def _handling(data: ScreenData):
    df = petitions.handling_time_distribution(data.conn, data.scope, data.window)
    return chart(ScreenIds.HANDLING, figures.handling_distribution_bar(df, THEME))


def _trend(data: ScreenData):
    df = petitions.share_closed_within_5_days_trend(data.conn, data.scope, data.window, freq=data.freq)
    return chart(ScreenIds.TREND, figures.share_trend(df, THEME, freq=data.freq, provisional="count"))


RANKING_ROWS = 7  # rows a side panel shows at wall size


def _ranking(data: ScreenData):
    if data.is_village:  # no regions below: its categories instead
        df = petitions.top_categories(data.conn, data.scope, data.window, limit=50)
        rows = df.rename(columns={"category": "name"})
    else:
        rows = data.child_metrics
    empty = "暂无诉求" if data.is_village else "暂无下级地区"
    return html.Div(wall_ranking(rows, RANKING_ROWS, empty), id=ScreenIds.RANKING)


def _ranking_title(data: ScreenData) -> str:
    if data.is_village:
        return "问题类别办结率最低"
    # The level's word without its bracket ("乡镇（街道）": 乡镇), so the title fits one line.
    level = (data.child_level or "下级地区").split("（")[0]
    return f"{level}办结率最低"


def _red(data: ScreenData):
    df = warnings.newest_red_warnings(data.conn, data.scope, limit=RED_LIST_LENGTH)
    return html.Div(wall_red_list(df), id=ScreenIds.RED_LIST)


SCREEN_ROWS = 6  # bars a panel can show legibly at wall distance


def worst(df: pd.DataFrame, share: str, rows: int = SCREEN_ROWS) -> pd.DataFrame:
    """The ``rows`` regions with the lowest ``share`` (those without one
    last), in that order: what a wall screen should point at."""
    return df.sort_values(share, na_position="last", kind="stable").head(rows)


def _graph(key: str, figure) -> dcc.Graph:
    return chart(f"{ScreenIds.PANEL_GRAPH}-{key}", figure)


def _escalation(data: ScreenData):
    flow = escalation.escalation_flow(data.conn, data.scope, data.window)
    levels = escalation.escalation_levels(data.conn, data.scope, data.window, data.now)
    return _graph("escalation", escalation_sankey(flow, levels, THEME))


def _escalation_title(data: ScreenData) -> str:
    s = escalation.escalation_summary(data.conn, data.scope, data.window).iloc[0]
    return f"诉求流转 · 村级办结率 {fmt_share(s.village_solved_share)}"


def _overdue(data: ScreenData):
    owners = overdue.overdue_by_owner(data.conn, data.scope, data.now)
    return _graph("overdue", overdue_by_owner_bar(owners, THEME, top=8))


def _overdue_title(data: ScreenData) -> str:
    counts = overdue.overdue_counts(data.conn, data.scope, data.now).iloc[0]
    return f"超期诉求 {fmt_int(counts.overdue)} 件 · 按承办单位"


def _repeated(data: ScreenData):
    rising = recurrence.rising_categories(data.conn, data.scope, data.now)
    return _graph("repeated", rising_categories_bar(rising, THEME, top=8))


def _repeated_title(data: ScreenData) -> str:
    count = recurrence.repeated_problem_count(data.conn, data.scope, data.now).iloc[0]
    return f"问题类别环比 · 重复反映 {fmt_int(count.problems)} 个"


def _disclosure_window(data: ScreenData) -> Window:
    """Disclosure items fall due quarterly: the screen counts this year's."""
    return preset_window("year", data.now)


def _disclosure(data: ScreenData):
    df = disclosure.disclosure_compliance(data.conn, data.scope, _disclosure_window(data), data.now)
    return _graph("disclosure", compliance_bar(worst(df, "on_time_share"), THEME))


def _disclosure_title(data: ScreenData) -> str:
    s = disclosure.disclosure_summary(data.conn, data.scope, _disclosure_window(data), data.now).iloc[0]
    return f"三务公开按时率 {fmt_share(s.on_time_share)} · 最低{SCREEN_ROWS}个"


def _queries(data: ScreenData):
    df = public_queries.public_queries_by_child(data.conn, data.scope, data.window, data.now)
    return _graph("queries", queries_bar(worst(df, "answered_share"), THEME))


def _queries_title(data: ScreenData) -> str:
    s = public_queries.public_query_summary(data.conn, data.scope, data.window, data.now).iloc[0]
    return f"公开质询 {fmt_int(s.asked)} 件 · 答复率 {fmt_share(s.answered_share)} · 最低{SCREEN_ROWS}个"


def _satisfaction(data: ScreenData):
    df = satisfaction.satisfaction_by_child(data.conn, data.scope, data.window)
    return _graph("satisfaction", satisfaction_bar(worst(df, "satisfaction_rate", 4), THEME))


def _satisfaction_title(data: ScreenData) -> str:
    s = satisfaction.satisfaction_summary(data.conn, data.scope, data.window).iloc[0]
    return f"群众满意率 {fmt_share(s.satisfaction_rate)} · 最低4个"


def _links(data: ScreenData):
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


PANELS: dict[str, ScreenPanel] = {
    "categories": ScreenPanel(lambda d: f"高频问题 TOP{TOP_CATEGORIES}", _categories),
    "handling": ScreenPanel(lambda d: "办理时长分布", _handling),
    "trend": ScreenPanel(lambda d: "5日办结率趋势", _trend),
    "ranking": ScreenPanel(_ranking_title, _ranking),
    "red": ScreenPanel(lambda d: "最新红色预警", _red, NOW),
    "escalation": ScreenPanel(_escalation_title, _escalation),
    "overdue": ScreenPanel(_overdue_title, _overdue, NOW),
    "repeated": ScreenPanel(_repeated_title, _repeated, WEEK),
    "disclosure": ScreenPanel(_disclosure_title, _disclosure, YEAR),
    "queries": ScreenPanel(_queries_title, _queries),
    "satisfaction": ScreenPanel(_satisfaction_title, _satisfaction),
    "links": ScreenPanel(lambda d: "诉求与预警关联", _links),
}
