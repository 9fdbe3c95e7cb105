"""Reading the region maps (cockpit.figures.region_map) in tests: a geo
choropleth, a grey layer of the regions without a value, then the coloured
one, each location a region code."""

from __future__ import annotations

import plotly.graph_objects as go


def layers(fig: go.Figure) -> list:
    return [trace for trace in fig.data if trace.type == "choropleth"]


def values(fig: go.Figure) -> dict:
    """Each drawn region's code and the value it is coloured by (None: grey)."""
    found = {}
    for layer in layers(fig):
        coloured = layer.showscale is not False
        for code, z in zip(layer.locations, layer.z, strict=True):
            found[code] = z if coloured else None
    return found


def links(fig: go.Figure) -> dict:
    """What a click on each region opens (assets/cockpit.js mapDrill)."""
    return {code: href for layer in layers(fig) for code, href in (layer.meta or {}).get("links", {}).items()}


def hover(fig: go.Figure, code: str) -> tuple[str, tuple]:
    """The hover template and the customdata of region ``code``."""
    for layer in layers(fig):
        if code in layer.locations:
            return layer.hovertemplate, tuple(layer.customdata[list(layer.locations).index(code)])
    raise KeyError(code)


def colour_bar(fig: go.Figure):
    (bar,) = [layer.colorbar for layer in layers(fig) if layer.showscale is not False]
    return bar


def labels(fig: go.Figure) -> list[str]:
    return [text for trace in fig.data if trace.type == "scattergeo" for text in trace.text]
