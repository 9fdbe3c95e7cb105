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
from cockpit.components.wall import wall_ranking, wall_red_list
from cockpit.ids import ScreenIds
from cockpit.pages.screen import analytics
from cockpit.timewindow import Window
from queries import petitions, warnings
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


PANELS: dict[str, ScreenPanel] = {
    "categories": ScreenPanel(lambda d: f"高频问题 TOP{TOP_CATEGORIES}", _categories),
    "handling": ScreenPanel(lambda d: "办理时长分布", _handling),
    "trend": ScreenPanel(lambda d: "5日办结率趋势", _trend),
    "ranking": ScreenPanel(_ranking_title, _ranking),
    "red": ScreenPanel(lambda d: "最新红色预警", _red, NOW),
    "escalation": ScreenPanel(analytics.escalation_title, analytics.escalation_panel),
    "overdue": ScreenPanel(analytics.overdue_title, analytics.overdue_panel, NOW),
    "repeated": ScreenPanel(analytics.repeated_title, analytics.repeated_panel, WEEK),
    "disclosure": ScreenPanel(analytics.disclosure_title, analytics.disclosure_panel, YEAR),
    "queries": ScreenPanel(analytics.queries_title, analytics.queries_panel),
    "satisfaction": ScreenPanel(analytics.satisfaction_title, analytics.satisfaction_panel),
    "links": ScreenPanel(lambda d: "诉求与预警关联", analytics.links_panel),
}
