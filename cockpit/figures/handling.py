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
    # On the wall's narrow panel the bars lie down, so their labels read level.
    lying = t.dark
    labels, counts = values(df["label"]), values(df["count"])
    bar = {
        "type": "bar",
        "orientation": "h" if lying else "v",
        "x": counts if lying else labels,
        "y": labels if lying else counts,
        "text": [str(c) for c in df["count"]],
        "textposition": "outside",
        "cliponaxis": False,
        "textfont": {"color": t.text, "size": t.font_size - 2},
        "marker": {"color": [_bucket_colour(t, b) for b in df["bucket"]], "line": {"width": 0}},
        "customdata": shares,
        "hovertemplate": ("%{y}：%{x}" if lying else "%{x}：%{y}") + " 件（%{customdata}）<extra></extra>",
    }
    category_axis = axis(
        t, showgrid=False, type="category", tickfont={"color": t.text, "size": t.font_size - 3}
    )
    count_axis = axis(t, showticklabels=False, showgrid=not lying, rangemode="tozero")
    if lying:
        category_axis["autorange"] = "reversed"  # the first bucket on top
    layout = base_layout(
        t,
        margin={"l": 10, "r": 40, "t": 6, "b": 6} if lying else {"l": 10, "r": 10, "t": 28, "b": 6},
        xaxis=count_axis if lying else category_axis,
        yaxis=category_axis if lying else count_axis,
        bargap=0.25 if lying else 0.3,
    )
    return figure([bar], layout)
