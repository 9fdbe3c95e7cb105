"""How long closed petitions took: counts per handling-time bucket."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cockpit.figures.escaping import escapes_data
from cockpit.figures.theme import Theme, axis, base_layout, empty_figure, figure, get_theme, values

# Buckets up to 5 days meet the time limit; beyond it they shade to red.
WITHIN_LIMIT = ("0-1", "1-2", "2-3", "3-5")


def _bucket_colour(t: Theme, bucket: str) -> str:
    if bucket in WITHIN_LIMIT:
        return t.green
    if bucket == "5-10":
        return t.yellow
    if bucket == "10-15":
        return "#f97316"
    return t.red


@escapes_data
def handling_distribution_bar(df: pd.DataFrame, theme: str | Theme = "light") -> go.Figure:
    """Bars of closed petitions per handling-time bucket, in bucket order.

    ``df``: queries.petitions.handling_time_distribution (bucket, label, count).
    Green within the 5-day limit, yellow to red beyond it.
    """
    t = get_theme(theme)
    if df.empty or int(df["count"].sum()) == 0:
        return empty_figure(t)
    total = int(df["count"].sum())
    shares = [f"{c / total * 100:.1f}%" for c in df["count"]]
    if t.dark:  # the wall's narrow panel: lying bars, so the labels read level, not turned
        return _lying_bars(df, t, shares)
    bar = {
        "type": "bar",
        "x": values(df["label"]),
        "y": values(df["count"]),
        "text": [str(c) for c in df["count"]],
        "textposition": "outside",
        "cliponaxis": False,
        "textfont": {"color": t.text, "size": t.font_size - 2},
        "marker": {"color": [_bucket_colour(t, b) for b in df["bucket"]], "line": {"width": 0}},
        "customdata": shares,
        "hovertemplate": "%{x}：%{y} 件（%{customdata}）<extra></extra>",
    }
    layout = base_layout(
        t,
        margin={"l": 10, "r": 10, "t": 28, "b": 6},
        xaxis=axis(t, showgrid=False, type="category", tickfont={"color": t.text, "size": t.font_size - 3}),
        yaxis=axis(t, showticklabels=False, showgrid=True, rangemode="tozero"),
        bargap=0.3,
    )
    return figure([bar], layout)


def _lying_bars(df: pd.DataFrame, t: Theme, shares: list[str]) -> go.Figure:
    """The distribution as horizontal bars, the first bucket on top."""
    bar = {
        "type": "bar",
        "orientation": "h",
        "y": values(df["label"]),
        "x": values(df["count"]),
        "text": [str(c) for c in df["count"]],
        "textposition": "outside",
        "cliponaxis": False,
        "textfont": {"color": t.text, "size": t.font_size - 2},
        "marker": {"color": [_bucket_colour(t, b) for b in df["bucket"]], "line": {"width": 0}},
        "customdata": shares,
        "hovertemplate": "%{y}：%{x} 件（%{customdata}）<extra></extra>",
    }
    layout = base_layout(
        t,
        margin={"l": 10, "r": 40, "t": 6, "b": 6},
        yaxis=axis(
            t,
            showgrid=False,
            type="category",
            autorange="reversed",
            tickfont={"color": t.text, "size": t.font_size - 3},
        ),
        xaxis=axis(t, showticklabels=False, showgrid=False, rangemode="tozero"),
        bargap=0.25,
    )
    return figure([bar], layout)
