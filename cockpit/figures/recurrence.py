"""Overdue petitions by the unit holding them, and repeated / common
problems: items rising week on week, items surging across villages.

Builders take the frames of queries.overdue and queries.recurrence; flagged
rows are drawn in red, the rest in the theme's accent.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from cockpit.figures.escaping import escapes_data
from cockpit.figures.theme import Theme, axis, base_layout, empty_figure, get_theme, top_legend
from cockpit.lifecycle import HANDLING_LEVELS

GENERAL_NAME = "一般诉求（超5日）"
COMPLEX_NAME = "复杂诉求（超15日）"
THIS_WEEK_NAME = "近7天"
LAST_WEEK_NAME = "前7天"
VILLAGES_NAME = "涉及村数"
# Marks a flagged category in its label (a glyph the system CJK fonts have).
FLAG = "▲"
BASELINE_NAME = "前期平均村数"


def _days(value: float) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1f}天"


def rise_text(rise: float) -> str:
    """A week-on-week rise as shown: +50%, -20%, 新增 (nothing the week
    before), — (undefined)."""
    if rise is None or pd.isna(rise):
        return "—"
    if math.isinf(rise):
        return "新增"
    return f"{rise * 100:+.0f}%"


@escapes_data
def overdue_by_owner_bar(df: pd.DataFrame, theme: str | Theme = "light", top: int = 15) -> go.Figure:
    """Horizontal stacked bars of overdue petitions per handling unit, the
    unit holding most on top: general (yellow) and complex (red).

    ``df``: queries.overdue.overdue_by_owner (handling_unit, handling_level,
    general_overdue, complex_overdue, overdue, max_days_overdue,
    mean_days_overdue). The ``top`` units with most overdue are drawn.
    """
    t = get_theme(theme)
    if df.empty or int(df["overdue"].sum()) == 0:
        return empty_figure(t)
    rows = df.sort_values(["overdue", "max_days_overdue"], ascending=[False, False], kind="stable").head(top)
    rows = rows.iloc[::-1]
    levels = [HANDLING_LEVELS.get(x, x) for x in rows["handling_level"]]
    labels = [f"{unit}（{level}）" for unit, level in zip(rows["handling_unit"], levels, strict=True)]
    custom = [
        (int(n), _days(mx), _days(mean))
        for n, mx, mean in zip(
            rows["overdue"], rows["max_days_overdue"], rows["mean_days_overdue"], strict=True
        )
    ]
    hover = (
        "<b>%{y}</b><br>%{fullData.name} %{x} 件<br>超期合计 %{customdata[0]} 件，"
        "最长超期 %{customdata[1]}，平均 %{customdata[2]}<extra></extra>"
    )
    fig = go.Figure()
    for column, name, colour in (
        ("general_overdue", GENERAL_NAME, t.yellow),
        ("complex_overdue", COMPLEX_NAME, t.red),
    ):
        fig.add_trace(
            go.Bar(
                name=name,
                x=rows[column],
                y=labels,
                orientation="h",
                marker={"color": colour, "line": {"width": 0}},
                customdata=custom,
                hovertemplate=hover,
            )
        )
    # The total at the end of each bar.
    fig.add_trace(
        go.Scatter(
            x=rows["overdue"],
            y=labels,
            mode="text",
            text=[f"  {n}" for n in rows["overdue"]],
            textposition="middle right",
            textfont={"color": t.text, "size": t.font_size - 2},
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    fig.update_layout(
        **base_layout(t, margin={"l": 10, "r": 40, "t": 34, "b": 6}, **top_legend(t)),
        barmode="stack",
        xaxis=axis(t, showgrid=False, showticklabels=False, zeroline=False, rangemode="tozero"),
        yaxis=axis(
            t,
            type="category",
            showgrid=False,
            tickfont={"color": t.text, "size": t.font_size - 1},
            ticksuffix="  ",
        ),
        bargap=0.35,
        legend_traceorder="normal",
    )
    return fig


@escapes_data
def rising_categories_bar(df: pd.DataFrame, theme: str | Theme = "light", top: int = 12) -> go.Figure:
    """Grouped horizontal bars per category: the last 7 days against the 7
    before, flagged (rising) categories first and drawn in red, each
    labelled with its rise (+50%, 新增).

    ``df``: queries.recurrence.rising_categories (category, this_week,
    last_week, change, rise, flagged), in its order; the first ``top`` rows.
    """
    t = get_theme(theme)
    if df.empty or int(df["this_week"].sum() + df["last_week"].sum()) == 0:
        return empty_figure(t)
    rows = df.head(top).iloc[::-1]
    flagged = rows["flagged"].astype(bool).tolist()
    labels = [f"{FLAG} {c}" if f else str(c) for c, f in zip(rows["category"], flagged, strict=True)]
    rises = [rise_text(r) for r in rows["rise"]]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            name=LAST_WEEK_NAME,
            x=rows["last_week"],
            y=labels,
            orientation="h",
            marker={"color": t.muted, "opacity": 0.45, "line": {"width": 0}},
            hovertemplate="<b>%{y}</b><br>" + LAST_WEEK_NAME + " %{x} 件<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            name=THIS_WEEK_NAME,
            x=rows["this_week"],
            y=labels,
            orientation="h",
            marker={"color": [t.red if f else t.accent for f in flagged], "line": {"width": 0}},
            text=[f"{n}（{r}）" for n, r in zip(rows["this_week"], rises, strict=True)],
            textposition="outside",
            cliponaxis=False,
            textfont={"color": t.text, "size": t.font_size - 2},
            customdata=list(zip(rows["last_week"], rises, strict=True)),
            hovertemplate=(
                "<b>%{y}</b><br>" + THIS_WEEK_NAME + " %{x} 件，" + LAST_WEEK_NAME
                + " %{customdata[0]} 件<br>环比 %{customdata[1]}<extra></extra>"
            ),
        )
    )  # fmt: skip
    fig.update_layout(
        **base_layout(t, margin={"l": 10, "r": 70, "t": 34, "b": 6}, **top_legend(t)),
        barmode="group",
        xaxis=axis(t, showgrid=False, showticklabels=False, zeroline=False, rangemode="tozero"),
        yaxis=axis(
            t,
            type="category",
            showgrid=False,
            tickfont={"color": t.text, "size": t.font_size - 1},
            ticksuffix="  ",
        ),
        bargap=0.3,
        bargroupgap=0.05,
        legend_traceorder="reversed",
    )
    return fig


@escapes_data
def surging_categories_bar(df: pd.DataFrame, theme: str | Theme = "light", top: int = 12) -> go.Figure:
    """Horizontal bars of the villages reporting each category in the
    current period, flagged (surging) categories in red, with the baseline
    (mean villages per earlier period) as a diamond on each bar.

    ``df``: queries.recurrence.surging_categories (category, villages,
    petitions, baseline_villages, flagged), in its order; the first ``top``.
    """
    t = get_theme(theme)
    if df.empty or int(df["villages"].sum()) == 0:
        return empty_figure(t)
    rows = df.head(top).iloc[::-1]
    flagged = rows["flagged"].astype(bool).tolist()
    labels = [f"{FLAG} {c}" if f else str(c) for c, f in zip(rows["category"], flagged, strict=True)]
    baselines = [f"{b:.1f}" for b in rows["baseline_villages"]]
    fig = go.Figure()
    largest = float(max(rows["villages"].max(), rows["baseline_villages"].max(), 1))
    fig.add_trace(
        go.Bar(
            name=VILLAGES_NAME,
            x=rows["villages"],
            y=labels,
            orientation="h",
            marker={"color": [t.red if f else t.accent for f in flagged], "line": {"width": 0}},
            customdata=list(zip(rows["petitions"], baselines, strict=True)),
            hovertemplate=(
                "<b>%{y}</b><br>涉及 %{x} 个村，%{customdata[0]} 件"
                "<br>前期平均 %{customdata[1]} 个村<extra></extra>"
            ),
        )
    )
    fig.add_trace(
        go.Scatter(
            name=BASELINE_NAME,
            x=rows["baseline_villages"],
            y=labels,
            mode="markers",
            marker={
                "symbol": "line-ns",
                "size": t.font_size + 6,
                "color": t.text,
                "line": {"width": 3, "color": t.text},
            },
            hovertemplate="<b>%{y}</b><br>" + BASELINE_NAME + " %{x:.1f}<extra></extra>",
        )
    )
    # "N村 / M件" in a column of its own, right of every bar and marker.
    fig.add_trace(
        go.Scatter(
            x=[largest * 1.04] * len(rows),
            y=labels,
            mode="text",
            text=[f"{v}村 / {p}件" for v, p in zip(rows["villages"], rows["petitions"], strict=True)],
            textposition="middle right",
            textfont={"color": t.text, "size": t.font_size - 2},
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    fig.update_layout(
        **base_layout(t, margin={"l": 10, "r": 110, "t": 34, "b": 6}, **top_legend(t)),
        xaxis=axis(t, showgrid=False, showticklabels=False, zeroline=False, range=[0, largest * 1.05]),
        yaxis=axis(
            t,
            type="category",
            showgrid=False,
            tickfont={"color": t.text, "size": t.font_size - 1},
            ticksuffix="  ",
        ),
        bargap=0.35,
    )
    return fig
