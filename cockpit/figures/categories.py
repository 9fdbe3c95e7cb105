"""High-frequency items: the categories residents petition about most."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cockpit.figures.escaping import escapes_data
from cockpit.figures.theme import Theme, axis, base_layout, empty_figure, figure, get_theme, values


@escapes_data
def top_categories_bar(df: pd.DataFrame, theme: str | Theme = "light") -> go.Figure:
    """Horizontal bars of petitions received per category, most frequent on top.

    ``df``: queries.petitions.top_categories (category, received,
    share_of_received, closed_within, share_5d).
    """
    t = get_theme(theme)
    if df.empty or int(df["received"].sum()) == 0:
        return empty_figure(t)
    rows = df.sort_values("received", ascending=True)
    shares = ["—" if pd.isna(s) else f"{s * 100:.0f}%" for s in rows["share_5d"]]
    of_all = ["—" if pd.isna(s) else f"{s * 100:.1f}%" for s in rows["share_of_received"]]
    bar = {
        "type": "bar",
        "x": values(rows["received"]),
        "y": values(rows["category"]),
        "orientation": "h",
        "text": [f"{n}" for n in rows["received"]],
        "textposition": "outside",
        "cliponaxis": False,
        "textfont": {"color": t.text, "size": t.font_size - 2},
        "marker": {
            "color": values(rows["received"]),
            "colorscale": [[0, t.accent_soft], [1, t.accent]],
            "line": {"width": 0},
        },
        "customdata": list(zip(of_all, shares, strict=True)),
        "hovertemplate": (
            "<b>%{y}</b><br>受理 %{x} 件（占 %{customdata[0]}）<br>5日办结率 %{customdata[1]}<extra></extra>"
        ),
    }
    layout = base_layout(
        t,
        margin={"l": 10, "r": 40, "t": 6, "b": 6},
        xaxis=axis(t, showgrid=False, showticklabels=False, zeroline=False),
        yaxis=axis(t, tickfont={"color": t.text, "size": t.font_size - 1}, ticksuffix="  "),
        bargap=0.35,
    )
    return figure([bar], layout)
