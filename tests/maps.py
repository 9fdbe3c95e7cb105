"""Reading the region maps (cockpit.figures.region_map) in tests: one filled
outline trace per region, its meta the region's code, value and link."""

from __future__ import annotations

import plotly.graph_objects as go


def outlines(fig: go.Figure) -> list:
    return [trace for trace in fig.data if trace.fill == "toself"]


def values(fig: go.Figure) -> dict:
    """Each drawn region's code and the value it is coloured by (None: grey)."""
    return {trace.meta["code"]: trace.meta["value"] for trace in outlines(fig)}


def colour_bar(fig: go.Figure):
    (bar,) = [t.marker.colorbar for t in fig.data if t.mode == "markers" and t.marker.showscale]
    return bar


def labels(fig: go.Figure) -> list[str]:
    return [text for trace in fig.data if trace.mode == "text" for text in trace.text]
