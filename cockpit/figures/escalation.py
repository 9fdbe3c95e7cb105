"""Escalation paths, time at each level, handling units and satisfaction.

Builders for the inspector view (督查分析) over queries.escalation and
queries.satisfaction frames. Pure: a DataFrame in, a Figure out; an empty
frame gives the 暂无数据 chart.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from cockpit.figures.escaping import escapes_data
from cockpit.figures.theme import Theme, axis, base_layout, empty_figure, get_theme
from cockpit.lifecycle import HANDLING_LEVEL_ORDER, HANDLING_LEVELS

# The flow's two ends (queries.escalation.FLOW_STATES) and their labels.
END_LABELS = {"solved": "办结", "open": "在办"}
# One blue per level, darker as the level rises.
LEVEL_COLOURS = {"village": "#5ab0ff", "town": "#2f8cf0", "county": "#1f6feb", "city": "#1747a6"}
RATING_SERIES = (("satisfied", "满意"), ("basic", "基本满意"), ("unsatisfied", "不满意"))


def _hours(value: float) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.1f} 小时"


def _percent(value: float) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value * 100:.1f}%"


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


@escapes_data
def escalation_sankey(
    flow_df: pd.DataFrame, levels_df: pd.DataFrame, theme: str | Theme = "light"
) -> go.Figure:
    """Sankey of the window's petitions through the handling levels.

    ``flow_df``: queries.escalation.escalation_flow (from_level, to_level,
    petitions); ``levels_df``: queries.escalation.escalation_levels (for each
    level's ``reached``). Nodes: the levels reached (村级 12件 …) and two ends,
    办结 and 在办 with their totals; links: each move between levels and each
    level's solved / open petitions. A level's node is as tall as the
    petitions that reached it (its moves out plus its ends).
    """
    t = get_theme(theme)
    if flow_df.empty or int(flow_df["petitions"].sum()) == 0:
        return empty_figure(t)
    reached = dict(zip(levels_df["level"], levels_df["reached"], strict=True)) if not levels_df.empty else {}
    used = set(flow_df["from_level"]) | set(flow_df["to_level"])
    levels = [lvl for lvl in HANDLING_LEVEL_ORDER if lvl in used]
    levels += sorted(lvl for lvl in used if lvl not in HANDLING_LEVEL_ORDER and lvl not in END_LABELS)
    ends = [end for end in END_LABELS if end in used]
    totals = {end: int(flow_df.loc[flow_df["to_level"] == end, "petitions"].sum()) for end in ends}
    nodes = levels + ends
    index = {name: i for i, name in enumerate(nodes)}
    colours = [LEVEL_COLOURS.get(lvl, t.accent) for lvl in levels] + [
        t.green if end == "solved" else t.yellow for end in ends
    ]
    labels = [f"{HANDLING_LEVELS.get(lvl, lvl)} {int(reached.get(lvl, 0))}件" for lvl in levels] + [
        f"{END_LABELS[end]} {totals[end]}件" for end in ends
    ]
    names = [HANDLING_LEVELS.get(n, END_LABELS.get(n, n)) for n in nodes]
    links = flow_df[flow_df["petitions"] > 0]
    # Fixed places: levels left to right, the ends in the last column with
    # 在办 on top (a thin band), so no two labels meet at the bottom right.
    step = 0.78 / max(len(levels) - 1, 1)
    xs = [0.001 + i * step for i in range(len(levels))] + [0.999 for _ in ends]
    level_ys = [0.45, 0.82, 0.92, 0.97]
    ys = [level_ys[min(i, len(level_ys) - 1)] for i in range(len(levels))]
    ys += [0.03 if end == "open" else 0.55 for end in ends]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "x": xs,
                "y": ys,
                "label": labels,
                "color": colours,
                "pad": 18,
                "thickness": 18,
                "line": {"width": 0},
                "hovertemplate": "%{label}<extra></extra>",
            },
            link={
                "source": [index[a] for a in links["from_level"]],
                "target": [index[b] for b in links["to_level"]],
                "value": [int(v) for v in links["petitions"]],
                "color": [_rgba(colours[index[b]], 0.35) for b in links["to_level"]],
                "customdata": [
                    f"{names[index[a]]} → {names[index[b]]}"
                    for a, b in zip(links["from_level"], links["to_level"], strict=True)
                ],
                "hovertemplate": "%{customdata}：%{value} 件<extra></extra>",
            },
            textfont={"color": t.text, "size": t.font_size, "family": base_layout(t)["font"]["family"]},
        )
    )
    fig.update_layout(**base_layout(t, margin={"l": 10, "r": 10, "t": 10, "b": 10}))
    return fig


@escapes_data
def level_times_bar(levels_df: pd.DataFrame, theme: str | Theme = "light") -> go.Figure:
    """Median and 90th-percentile hours spent at each level (grouped bars).

    ``levels_df``: queries.escalation.escalation_levels. Levels with no
    finished stint are left out; none at all gives 暂无数据.
    """
    t = get_theme(theme)
    if levels_df.empty:
        return empty_figure(t)
    rows = levels_df[levels_df["median_hours"].notna()]
    if rows.empty:
        return empty_figure(t)
    fig = go.Figure()
    for column, name, colour in (
        ("median_hours", "中位数", t.accent),
        ("p90_hours", "90%分位", t.accent_soft),
    ):
        fig.add_trace(
            go.Bar(
                x=rows["level_label"],
                y=rows[column],
                name=name,
                text=[f"{v:.1f}" for v in rows[column]],
                textposition="outside",
                cliponaxis=False,
                textfont={"color": t.text, "size": t.font_size - 2},
                marker={"color": colour, "line": {"width": 0}},
                customdata=[int(n) for n in rows["reached"]],
                hovertemplate=f"%{{x}} {name}：%{{y:.1f}} 小时（到达 %{{customdata}} 件）<extra></extra>",
            )
        )
    fig.update_layout(
        **base_layout(t, margin={"l": 10, "r": 10, "t": 36, "b": 6}, showlegend=True),
        legend={"orientation": "h", "x": 0, "y": 1.12, "font": {"color": t.text, "size": t.font_size - 1}},
        barmode="group",
        xaxis=axis(t, showgrid=False, type="category", tickfont={"color": t.text, "size": t.font_size - 1}),
        yaxis=axis(
            t, title={"text": "小时", "font": {"color": t.muted, "size": t.font_size - 2}}, rangemode="tozero"
        ),
        bargap=0.3,
    )
    return fig


@escapes_data
def unit_ranking_bar(units_df: pd.DataFrame, theme: str | Theme = "light", top: int = 15) -> go.Figure:
    """Horizontal bars of the median handling time per unit, in the ranking's
    order (the first on top), red where the unit has overdue petitions.

    ``units_df``: queries.escalation.unit_ranking. The first ``top`` rows;
    units with no closed petition (no median) are drawn at 0 and say so.
    """
    t = get_theme(theme)
    if units_df.empty:
        return empty_figure(t)
    rows = units_df.head(top).iloc[::-1]
    medians = [0.0 if pd.isna(v) else float(v) for v in rows["median_hours"]]
    labels = [f"{u}（{lbl}）" for u, lbl in zip(rows["handling_unit"], rows["level_label"], strict=True)]
    text = [
        f"{'—' if pd.isna(m) else f'{m:.1f}h'} · 超期 {int(o)}"
        for m, o in zip(rows["median_hours"], rows["overdue"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=medians,
            y=labels,
            orientation="h",
            text=text,
            textposition="outside",
            cliponaxis=False,
            textfont={"color": t.text, "size": t.font_size - 2},
            marker={"color": [t.red if o > 0 else t.accent for o in rows["overdue"]], "line": {"width": 0}},
            customdata=list(
                zip(
                    [int(p) for p in rows["petitions"]],
                    [int(c) for c in rows["closed"]],
                    [_hours(m) for m in rows["median_hours"]],
                    [int(o) for o in rows["overdue"]],
                    [_percent(s) for s in rows["overdue_share"]],
                    strict=True,
                )
            ),
            hovertemplate=(
                "<b>%{y}</b><br>诉求 %{customdata[0]} 件，办结 %{customdata[1]} 件"
                "<br>办理时长中位数 %{customdata[2]}"
                "<br>超期 %{customdata[3]} 件（%{customdata[4]}）<extra></extra>"
            ),
        )
    )
    fig.update_layout(
        **base_layout(t, margin={"l": 10, "r": 90, "t": 6, "b": 6}),
        xaxis=axis(t, showgrid=False, showticklabels=False, zeroline=False, rangemode="tozero"),
        yaxis=axis(t, tickfont={"color": t.text, "size": t.font_size - 1}, ticksuffix="  "),
        bargap=0.35,
    )
    return fig


@escapes_data
def satisfaction_bar(df: pd.DataFrame, theme: str | Theme = "light") -> go.Figure:
    """Stacked horizontal bars: shares of 满意 / 基本满意 / 不满意 of the rated
    petitions per row, the first row on top, the satisfaction rate beside.

    ``df``: queries.satisfaction.satisfaction_by_child (rows named by
    child_name) or satisfaction_by_unit (named by handling_unit and level).
    Rows nobody rated show an empty bar and 暂无评价.
    """
    t = get_theme(theme)
    if df.empty or int(df["rated"].sum()) == 0:
        return empty_figure(t)
    rows = df.iloc[::-1]
    if "child_name" in rows:
        names = list(rows["child_name"])
    else:
        names = [f"{u}（{lbl}）" for u, lbl in zip(rows["handling_unit"], rows["level_label"], strict=True)]
    rated = [int(r) for r in rows["rated"]]
    colours = {"satisfied": t.green, "basic": t.yellow, "unsatisfied": t.red}
    fig = go.Figure()
    for column, label in RATING_SERIES:
        counts = [int(c) for c in rows[column]]
        shares = [c / r if r else 0.0 for c, r in zip(counts, rated, strict=True)]
        fig.add_trace(
            go.Bar(
                x=shares,
                y=names,
                name=label,
                orientation="h",
                marker={"color": colours[column], "line": {"width": 0}},
                customdata=list(zip(counts, rated, strict=True)),
                hovertemplate=f"%{{y}} {label}：%{{customdata[0]}} 件 / 评价 %{{customdata[1]}} 件"
                "（%{x:.1%}）<extra></extra>",
            )
        )
    notes = [
        "暂无评价" if r == 0 else f"满意率 {_percent(rate)}（{r}件）"
        for rate, r in zip(rows["satisfaction_rate"], rated, strict=True)
    ]
    fig.update_layout(
        **base_layout(t, margin={"l": 10, "r": 175, "t": 40, "b": 6}, showlegend=True),
        legend={
            "orientation": "h",
            "traceorder": "normal",
            "x": 0,
            "y": 1.0,
            "yanchor": "bottom",
            "font": {"color": t.text, "size": t.font_size - 1},
        },
        barmode="stack",
        xaxis=axis(t, range=[0, 1], tickformat=".0%", showgrid=True),
        yaxis=axis(t, tickfont={"color": t.text, "size": t.font_size - 1}, ticksuffix="  "),
        annotations=[
            {
                "x": 1.01,
                "y": name,
                "xref": "paper",
                "yref": "y",
                "xanchor": "left",
                "text": note,
                "showarrow": False,
                "font": {"color": t.text, "size": t.font_size - 2},
            }
            for name, note in zip(names, notes, strict=True)
        ],
        bargap=0.35,
    )
    return fig
