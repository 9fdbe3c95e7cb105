"""What a weekly pack shows: the week's KPIs against the week before, the
charts (drawn by the cockpit's own figure builders in the print theme) and
the tables, each with the data behind it under Chinese headers.

``collect`` is the only function here that reads the store, and it only calls
``queries``; everything it returns is plain data that ``pdf``, ``xlsx`` and
``render`` lay out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import Connection

from cockpit import figures
from cockpit.export.definitions import DEFINITIONS
from cockpit.export.week import IsoWeek
from cockpit.timewindow import Window
from queries import petitions, warnings
from queries.kpis import load_kpis
from queries.regions import Region, child_regions, get_region
from queries.scope import SYSTEM, Scope, Viewer, authorize

THEME = "print"
TREND_WEEKS = 12
RED_LIST_LIMIT = 100
# Export size in CSS pixels, the shape of an A4 landscape page under a
# heading (PNGs are written at twice this: 2800 × 1680).
SIZE = (1400, 840)


class RegionNotFoundError(LookupError):
    """The pack was asked for a region the store does not have."""


@dataclass(frozen=True)
class Column:
    """One column of a sheet or a printed table: the frame's column, its
    Chinese header and how it is formatted: int, share, hours, money, date,
    time, text (kept on one line) or long (wrapped)."""

    key: str
    header: str
    kind: str = "text"


@dataclass(frozen=True)
class Sheet:
    """A frame with the columns to print and export, in order."""

    frame: pd.DataFrame
    columns: tuple[Column, ...]

    def printable(self) -> pd.DataFrame:
        """The frame restricted to the columns, under their Chinese headers."""
        out = self.frame[[c.key for c in self.columns]].copy()
        out.columns = [c.header for c in self.columns]
        return out


@dataclass(frozen=True)
class Chart:
    slug: str  # file name stem, ASCII: 01-map-share
    title: str
    figure: go.Figure
    data: Sheet
    note: str  # one line under the chart: what it counts
    size: tuple[int, int] = SIZE


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    data: Sheet
    note: str


@dataclass(frozen=True)
class Kpi:
    label: str
    unit: str
    kind: str  # int, share or hours
    value: float
    previous: float | None  # the week before; None for a state "now"
    note: str = ""

    @property
    def change(self) -> float | None:
        if self.previous is None or _missing(self.value) or _missing(self.previous):
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class Pack:
    region: Region
    week: IsoWeek
    as_of: datetime  # the time the figures are computed at
    kpis: list[Kpi]
    charts: list[Chart]
    tables: list[Table]
    highlights: list[str] = field(default_factory=list)
    definitions: list[tuple[str, str]] = field(default_factory=lambda: list(DEFINITIONS))

    @property
    def title(self) -> str:
        return f"{self.region.name}监督驾驶舱周报"

    @property
    def file_stem(self) -> str:
        """周报_青岚市_2026-W46 (the region's code keeps names unique)."""
        return f"周报_{self.region.name}_{self.region.code}_{self.week.code}"


PROVISIONAL = "暂定"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def collect(
    conn: Connection, region_code: str, week: IsoWeek, now: datetime, viewer: Viewer = SYSTEM
) -> Pack:
    """Everything the pack shows for ``region_code`` in ``week``, as of ``now``,
    as ``viewer`` may see it (personal data masked)."""
    region = get_region(conn, region_code)
    if region is None:
        raise RegionNotFoundError(f"没有编码为 {region_code} 的区域")
    scope = authorize(conn, viewer, region_code)
    window = week.window(now)
    before = week.previous.window(now)
    trend_window = week.window_of_weeks(TREND_WEEKS, now)
    charts: list[Chart] = []
    tables: list[Table] = []
    metrics, child_level = pd.DataFrame(), ""

    children = child_regions(conn, region_code)
    if not children.empty:
        metrics = petitions.child_region_metrics(conn, scope, window)
        child_level = str(children["level_label"].iloc[0])
        charts += _maps(children, metrics, child_level)
        tables.append(_ranking(metrics, child_level))

    categories = petitions.top_categories(conn, scope, window, limit=10)
    charts += _petition_charts(conn, scope, window, trend_window, categories)
    charts += _warning_charts(conn, scope, window, trend_window)
    by_category = warnings.warning_categories(conn, scope, window)
    tables += _warning_tables(conn, scope, by_category)
    kpis = _kpis(conn, scope, window, before)
    notes = highlights(kpis, metrics, child_level, categories, by_category)
    return Pack(region, week, now, kpis, _numbered(charts), tables, notes)


def _numbered(charts: list[Chart]) -> list[Chart]:
    return [
        Chart(f"{i:02d}-{c.slug}", c.title, c.figure, c.data, c.note, c.size)
        for i, c in enumerate(charts, start=1)
    ]


# --- KPIs --------------------------------------------------------------------


def _kpis(conn: Connection, scope: Scope, window: Window, before: Window) -> list[Kpi]:
    """The cockpit's own KPIs (queries.kpis.load_kpis) for the week and the
    week before; the backlog and red/yellow are states now, not compared."""
    this, last = load_kpis(conn, scope, window), load_kpis(conn, scope, before)
    share_note = f"{PROVISIONAL}：办理中 {this.in_progress:,} 件未计入" if this.in_progress else ""
    return [
        Kpi("受理诉求", "件", "int", this.received, last.received),
        Kpi("5日办结率", "", "share", this.share, last.share, share_note),
        Kpi("超5日办结或未结", "件", "int", this.late, last.late),
        Kpi("办理时长中位数", "小时", "hours", this.median_hours, last.median_hours, _estimate_note(this)),
        Kpi("新增预警", "条", "int", this.raised, last.raised),
        Kpi("处置完毕预警", "条", "int", this.green, last.green),
        Kpi("未办结诉求（当前）", "件", "int", this.open, None, f"其中超期 {this.overdue:,} 件"),
        Kpi("红色预警（当前）", "条", "int", this.red, None, "新预警，待处置"),
        Kpi("黄色预警（当前）", "条", "int", this.yellow, None, "处置中"),
    ]


def _estimate_note(kpis) -> str:
    """Said under a median the snapshot could only estimate (docs/metrics.md)."""
    bound = kpis.median_bound_hours
    if math.isnan(bound) or bound <= 0:
        return ""
    return "估计值" if math.isinf(bound) else f"估计值，误差 ≤ {bound:.1f} 小时"


# --- charts ------------------------------------------------------------------

RANKING_COLUMNS = (
    Column("name", "区域"),
    Column("received", "受理诉求（件）", "int"),
    Column("closed_within", "5日内办结（件）", "int"),
    Column("late", "超5日（件）", "int"),
    Column("in_progress", "办理中（件）", "int"),
    Column("share_5d", "5日办结率", "share"),
    Column("median_hours", "办理时长中位数（小时）", "hours"),
    Column("open", "未办结（件，当前）", "int"),
    Column("overdue", "超期未办结（件，当前）", "int"),
    Column("red", "红色预警（条，当前）", "int"),
    Column("yellow", "黄色预警（条，当前）", "int"),
    Column("green", "期内处置完毕预警（条）", "int"),
)


def _maps(children: pd.DataFrame, metrics: pd.DataFrame, level: str) -> list[Chart]:
    def region_map(metric: str) -> go.Figure:
        return figures.region_map(children, metrics, metric, THEME, width=SIZE[0], height=SIZE[1])

    def sheet(*keys: str) -> Sheet:
        columns = tuple(c for c in RANKING_COLUMNS if c.key == "name" or c.key in keys)
        return Sheet(metrics, columns)

    return [
        Chart(
            "map-share",
            f"各{level}5日办结率",
            region_map("share_5d"),
            sheet("received", "closed_within", "late", "in_progress", "share_5d"),
            "本周受理诉求中 5 日内办结的比例（办理中的不计入分母）；灰色：本周无可判定的诉求。",
        ),
        Chart(
            "map-received",
            f"各{level}受理诉求",
            region_map("received"),
            sheet("received"),
            "本周受理的诉求件数。",
        ),
        Chart(
            "map-red",
            f"各{level}红色预警（当前）",
            region_map("red"),
            sheet("red", "yellow"),
            "截至数据时间仍为红色（新预警，待处置）的预警条数，不限于本周产生。",
        ),
    ]


def _ranking(metrics: pd.DataFrame, level: str) -> Table:
    ordered = metrics.sort_values(["share_5d", "received"], ascending=[True, False], na_position="last")
    return Table(
        "ranking",
        f"各{level}指标排名（按5日办结率由低到高）",
        Sheet(ordered.reset_index(drop=True), RANKING_COLUMNS),
        "本周受理的诉求；“当前”列为截至数据时间的状态。",
    )


def _petition_charts(
    conn: Connection, scope: Scope, window: Window, trend_window: Window, categories: pd.DataFrame
) -> list[Chart]:
    daily = petitions.share_closed_within_5_days_trend(conn, scope, window, freq="day")
    weekly = petitions.share_closed_within_5_days_trend(conn, scope, trend_window, freq="week")
    handling = petitions.handling_time_distribution(conn, scope, window)
    trend_columns = (
        Column("period", "日期", "date"),
        Column("received", "受理诉求（件）", "int"),
        Column("closed_within", "5日内办结（件）", "int"),
        Column("late", "超5日（件）", "int"),
        Column("in_progress", "办理中（件）", "int"),
        Column("share", "5日办结率", "share"),
    )
    weekly_columns = (Column("period", "周（周一）", "date"), *trend_columns[1:])
    return [
        Chart(
            "top-categories",
            "高频问题（受理诉求最多的 10 类）",
            figures.top_categories_bar(categories, THEME),
            Sheet(
                categories,
                (
                    Column("category", "问题类别"),
                    Column("received", "受理诉求（件）", "int"),
                    Column("share_of_received", "占本周受理", "share"),
                    Column("closed_within", "5日内办结（件）", "int"),
                    Column("share_5d", "5日办结率", "share"),
                ),
            ),
            "本周受理的诉求按类别计数。",
        ),
        Chart(
            "share-daily",
            "每日5日办结率与受理量",
            figures.share_trend(daily, THEME, freq="day"),
            Sheet(daily, trend_columns),
            "按受理日计；虚线为暂定（当日受理的诉求尚有未满 5 日的）。",
        ),
        Chart(
            "share-weekly",
            f"近{TREND_WEEKS}周5日办结率与受理量",
            figures.share_trend(weekly, THEME, freq="week"),
            Sheet(weekly, weekly_columns),
            "按受理周计（周一至周日）；虚线为暂定。",
        ),
        Chart(
            "handling-time",
            "办结诉求的办理时长分布",
            figures.handling_distribution_bar(handling, THEME),
            Sheet(handling, (Column("label", "办理时长"), Column("count", "办结诉求（件）", "int"))),
            "本周受理且已办结的诉求，按办结时间减受理时间分组；绿色为 5 日内。",
        ),
    ]


def _warning_charts(conn: Connection, scope: Scope, window: Window, trend_window: Window) -> list[Chart]:
    daily = warnings.warnings_raised_trend(conn, scope, window, freq="day")
    weekly = warnings.warnings_raised_trend(conn, scope, trend_window, freq="week")
    columns = (Column("raised", "新增预警（条）", "int"), Column("disposed", "处置完毕（条）", "int"))
    return [
        Chart(
            "warnings-daily",
            "每日新增与处置完毕的预警",
            figures.warnings_trend(daily, THEME, freq="day"),
            Sheet(daily, (Column("period", "日期", "date"), *columns)),
            "按预警产生日和处置完毕日分别计数。",
        ),
        Chart(
            "warnings-weekly",
            f"近{TREND_WEEKS}周新增与处置完毕的预警",
            figures.warnings_trend(weekly, THEME, freq="week"),
            Sheet(weekly, (Column("period", "周（周一）", "date"), *columns)),
            "按周计（周一至周日）。",
        ),
    ]


def _warning_tables(conn: Connection, scope: Scope, by_category: pd.DataFrame) -> list[Table]:
    red = warnings.newest_red_warnings(conn, scope, limit=RED_LIST_LIMIT)
    return [
        Table(
            "warning-categories",
            "预警类别",
            Sheet(
                by_category,
                (
                    Column("category", "预警类别"),
                    Column("raised", "本周新增（条）", "int"),
                    Column("green", "本周处置完毕（条）", "int"),
                    Column("open", "未处置（条，当前）", "int"),
                    Column("red", "红色（条，当前）", "int"),
                    Column("yellow", "黄色（条，当前）", "int"),
                    Column("overdue", "超期未处置（条，当前）", "int"),
                ),
            ),
            "“当前”列为截至数据时间的状态，不限于本周产生的预警。",
        ),
        Table(
            "red-warnings",
            f"当前待处置的红色预警（最新 {RED_LIST_LIMIT} 条）",
            Sheet(
                red,
                (
                    Column("raised_at", "产生时间", "time"),
                    Column("town_name", "乡镇（街道）"),
                    Column("village_name", "村（社区）"),
                    Column("category", "预警类别"),
                    Column("title", "预警内容", "long"),
                    Column("amount", "涉及金额（元）", "money"),
                ),
            ),
            "截至数据时间仍为红色（新预警，待处置）的预警，最新的在前。",
        ),
    ]


# --- highlights --------------------------------------------------------------

MIN_JUDGED = 5  # a child region's share is named only with this many outcomes known


def highlights(
    kpis: list[Kpi], metrics: pd.DataFrame, level: str, categories: pd.DataFrame, by_category: pd.DataFrame
) -> list[str]:
    """A few sentences for the cover, each read off the pack's own figures."""
    notes = []
    share = next(k for k in kpis if k.kind == "share")
    if not _missing(share.value):
        change = "" if share.change is None else f"，较上周{share.change * 100:+.1f}个百分点"
        notes.append(f"本周5日办结率 {share.value * 100:.1f}%{change}。")
    if not metrics.empty:
        judged = metrics[(metrics["received"] - metrics["in_progress"]) >= MIN_JUDGED].dropna(
            subset=["share_5d"]
        )
        lowest = judged.nsmallest(3, "share_5d")
        if not lowest.empty:
            names = "、".join(f"{r.name}（{r.share_5d * 100:.1f}%）" for r in lowest.itertuples())
            notes.append(f"5日办结率最低的{level}：{names}。")
        reds = metrics[metrics["red"] > 0].nlargest(3, "red")
        if not reds.empty:
            names = "、".join(f"{r.name}（{r.red} 条）" for r in reds.itertuples())
            notes.append(f"当前红色预警最多的{level}：{names}。")
    if not categories.empty:
        top = "、".join(f"{r.category}（{r.received} 件）" for r in categories.head(3).itertuples())
        notes.append(f"本周受理最多的问题：{top}。")
    raised = (
        by_category[by_category["raised"] > 0].nlargest(3, "raised") if not by_category.empty else by_category
    )
    if not raised.empty:
        top = "、".join(f"{r.category}（{r.raised} 条）" for r in raised.itertuples())
        notes.append(f"本周新增预警最多的类别：{top}。")
    return notes
