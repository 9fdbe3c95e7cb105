"""Disclosure compliance (三务公开) and public queries (公开质询): stacked bars
per child region, a village's item-by-period grid, and the compliance map."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from cockpit.figures.escaping import escapes_data
from cockpit.figures.region_map import MapMetric, region_map
from cockpit.figures.theme import Theme, axis, base_layout, empty_figure, get_theme, top_legend
from cockpit.store.records import DISCLOSURE_CATEGORIES

STATE_NAMES = {"on_time": "按时公开", "late": "逾期公开", "missing": "未公开", "upcoming": "未到期"}
STATE_ORDER = ("on_time", "upcoming", "late", "missing")  # codes of the grid, worst last
CATEGORY_ORDER = ("party", "village", "finance")
# The compliance map's metric (for region_map, once it takes a MapMetric).
COMPLIANCE_METRIC = MapMetric("on_time_share", "三务公开按时率", higher_is_better=True, is_share=True)


def _state_colours(t: Theme) -> dict[str, str]:
    return {
        "on_time": t.green,
        "late": t.yellow,
        "missing": t.red,
        "upcoming": "#4a5a78" if t.dark else "#c9d2de",
    }


def _count_axis(t: Theme, title: str) -> dict:
    return axis(t, showgrid=True, rangemode="tozero", title={"text": title, "font": {"color": t.muted}})


def _pct(value: float) -> str:
    return "—" if pd.isna(value) else f"{value * 100:.1f}%"


def _hours(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.1f} 小时"


def _finish_stacked(
    fig: go.Figure, t: Theme, rows: pd.DataFrame, totals: pd.Series, shares: list[str], x_title: str
) -> go.Figure:
    """A stacked bar per child region: each bar's share written at its end,
    the legend on top, the count axis titled ``x_title``."""
    fig.add_trace(
        go.Scatter(
            x=totals,
            y=rows["child_name"],
            mode="text",
            text=shares,
            textposition="middle right",
            textfont={"color": t.text, "size": t.font_size - 2},
            hoverinfo="skip",
            showlegend=False,
            cliponaxis=False,
        )
    )
    fig.update_layout(
        **base_layout(t, margin={"l": 10, "r": 70, "t": 34, "b": 6}, **top_legend(t)),
        barmode="stack",
        xaxis=axis(t, showgrid=True, rangemode="tozero", title={"text": x_title, "font": {"color": t.muted}}),
        yaxis=axis(t, type="category", tickfont={"color": t.text, "size": t.font_size - 1}, ticksuffix="  "),
        bargap=0.3,
    )
    return fig


@escapes_data
def compliance_bar(df: pd.DataFrame, theme: str | Theme = "light") -> go.Figure:
    """Horizontal stacked bars per child region: items published on time
    (green), late (yellow) and still missing (red), first region on top.

    ``df``: queries.disclosure.disclosure_compliance (child_name, due,
    on_time, late, missing, on_time_share).
    """
    t = get_theme(theme)
    if df.empty or int(df["due"].sum()) == 0:
        return empty_figure(t)
    rows = df.iloc[::-1]
    colours = _state_colours(t)
    shares = [_pct(s) for s in rows["on_time_share"]]
    fig = go.Figure()
    for state in ("on_time", "late", "missing"):
        fig.add_trace(
            go.Bar(
                x=rows[state],
                y=rows["child_name"],
                orientation="h",
                name=STATE_NAMES[state],
                marker={"color": colours[state], "line": {"width": 0}},
                customdata=list(zip(rows["due"], shares, strict=True)),
                hovertemplate=(
                    f"<b>%{{y}}</b><br>{STATE_NAMES[state]} %{{x}} 项"
                    "<br>应公开 %{customdata[0]} 项 · 按时率 %{customdata[1]}<extra></extra>"
                ),
            )
        )
    return _finish_stacked(fig, t, rows, rows["due"], shares, "事项数")


def _worst_per_cell(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (category, item, period): the worst state among the
    villages (missing, then late, upcoming, on time) and its days late."""
    df = df.assign(_rank=df["state"].map({s: i for i, s in enumerate(STATE_ORDER)}))
    df = df.sort_values(["_rank", "days_late"], ascending=[False, False], kind="stable")
    return df.drop_duplicates(["category", "item", "period"]).drop(columns="_rank")


@escapes_data
def disclosure_matrix_heatmap(df: pd.DataFrame, theme: str | Theme = "light") -> go.Figure:
    """The disclosure items (rows, by category: party, village, finance) by
    period (columns, by due time), each cell coloured by its state: on time
    green, late yellow, missing red, not yet due grey; a Chinese legend.

    ``df``: queries.disclosure.disclosure_matrix (category, item, period,
    due_at, published_at, state, days_late), meant for one village; with
    several, a cell shows the worst state among them.
    """
    t = get_theme(theme)
    if df.empty:
        return empty_figure(t)
    cells = _worst_per_cell(df)
    periods = list(cells.groupby("period")["due_at"].min().sort_values(kind="stable").index)
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    items = (
        cells[["category", "item"]]
        .drop_duplicates()
        .assign(_rank=lambda x: x["category"].map(rank).fillna(len(rank)))
        .sort_values(["_rank", "item"], kind="stable")
    )
    pairs = list(zip(items["category"], items["item"], strict=True))
    labels = [f"{DISCLOSURE_CATEGORIES.get(c, c)}·{i}" for c, i in pairs]
    keyed = cells.set_index(["category", "item", "period"])
    codes = {s: i for i, s in enumerate(STATE_ORDER)}
    z, hover = [], []
    for category, item in pairs:
        z_row, hover_row = [], []
        for period in periods:
            key = (category, item, period)
            if key not in keyed.index:
                z_row.append(None)
                hover_row.append("")
                continue
            cell = keyed.loc[key]
            z_row.append(codes[cell["state"]])
            text = f"应公开 {cell['due_at']:%Y-%m-%d %H:%M}"
            if pd.notna(cell["published_at"]):
                text += f"<br>公开于 {cell['published_at']:%Y-%m-%d %H:%M}"
            if cell["state"] in ("late", "missing") and cell["days_late"]:
                text += f"<br>逾期 {int(cell['days_late'])} 天"
            hover_row.append(f"{STATE_NAMES[cell['state']]}<br>{text}")
        z.append(z_row)
        hover.append(hover_row)
    colours = _state_colours(t)
    n = len(STATE_ORDER)
    scale = []
    for i, state in enumerate(STATE_ORDER):
        scale += [[i / n, colours[state]], [(i + 1) / n, colours[state]]]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=periods,
            y=labels,
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            showscale=False,
            xgap=2,
            ygap=2,
            customdata=hover,
            hovertemplate="<b>%{y}</b><br>%{x}<br>%{customdata}<extra></extra>",
            hoverongaps=False,
        )
    )
    shown = [s for s in ("on_time", "late", "missing", "upcoming") if s in set(cells["state"])]
    for state in shown:  # legend entries (a heatmap has no legend of its own)
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=STATE_NAMES[state],
                marker={"symbol": "square", "size": 14, "color": colours[state]},
                hoverinfo="skip",
            )
        )
    fig.update_layout(
        **base_layout(t, margin={"l": 10, "r": 10, "t": 34, "b": 6}, **top_legend(t)),
        height=max(320, 26 * len(labels) + 110),
        xaxis=axis(t, type="category", side="bottom", showgrid=False, tickfont={"color": t.text}),
        yaxis=axis(t, type="category", autorange="reversed", showgrid=False, tickfont={"color": t.text}),
    )
    return fig


@escapes_data
def queries_bar(df: pd.DataFrame, theme: str | Theme = "light") -> go.Figure:
    """Horizontal stacked bars per child region: public queries answered
    (green) and unanswered (red), first region on top, the answered share
    beside each bar.

    ``df``: queries.public_queries.public_queries_by_child (child_name,
    asked, answered, answered_share, median_hours_to_answer).
    """
    t = get_theme(theme)
    if df.empty or int(df["asked"].sum()) == 0:
        return empty_figure(t)
    rows = df.iloc[::-1]
    unanswered = rows["asked"] - rows["answered"]
    shares = [_pct(s) for s in rows["answered_share"]]
    custom = list(
        zip(rows["asked"], shares, [_hours(h) for h in rows["median_hours_to_answer"]], strict=True)
    )
    hover = "<br>质询 %{customdata[0]} 件 · 答复率 %{customdata[1]}<br>答复用时中位数 %{customdata[2]}"
    fig = go.Figure()
    for name, values, colour in (("已答复", rows["answered"], t.green), ("未答复", unanswered, t.red)):
        fig.add_trace(
            go.Bar(
                x=values,
                y=rows["child_name"],
                orientation="h",
                name=name,
                marker={"color": colour, "line": {"width": 0}},
                customdata=custom,
                hovertemplate=f"<b>%{{y}}</b><br>{name} %{{x}} 件{hover}<extra></extra>",
            )
        )
    return _finish_stacked(fig, t, rows, rows["asked"], shares, "质询件数")


@escapes_data
def compliance_map(
    regions: pd.DataFrame,
    compliance: pd.DataFrame,
    theme: str | Theme = "light",
    *,
    width: int = 760,
    height: int = 520,
    labels: bool = True,
) -> go.Figure:
    """The regions (queries.regions.child_regions, or any frame of regions
    with their boundaries, such as the villages under a scope) coloured by
    their on-time disclosure share, on region_map's fixed share scale (red
    at 60% and below, green at 100%); grey where nothing was due.

    ``compliance``: queries.disclosure.disclosure_compliance (child_code,
    ...) or queries.disclosure.village_compliance (village_code, ...).
    """
    code = "child_code" if "child_code" in compliance.columns else "village_code"
    name = "child_name" if code == "child_code" else "village_name"
    metrics = compliance.rename(columns={code: "code", name: "name"})

    def hover_of(df: pd.DataFrame) -> tuple[list, str]:
        def count(column: str) -> pd.Series:
            return df.get(column, pd.Series(0, index=df.index)).fillna(0).astype(int)

        shares = df.get("on_time_share", pd.Series(math.nan, index=df.index))
        customdata = list(
            zip(
                df["name"],
                count("due"),
                count("on_time"),
                count("late"),
                count("missing"),
                [_pct(v) for v in shares],
                strict=True,
            )
        )
        template = (
            "<b>%{customdata[0]}</b><br>应公开 %{customdata[1]} 项 · 按时率 %{customdata[5]}"
            "<br>按时 %{customdata[2]} · 逾期公开 %{customdata[3]} · 未公开 %{customdata[4]}<extra></extra>"
        )
        return customdata, template

    return region_map(
        regions,
        metrics,
        COMPLIANCE_METRIC,
        theme,
        width=width,
        height=height,
        labels=labels,
        hover_of=hover_of,
    )
