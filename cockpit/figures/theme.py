"""The looks every figure comes in: dark for the wall, light for the
inspector, print for the weekly pack (white paper, larger type for images
exported at 1400 px and printed on A4).

Builders take ``theme="dark"``, ``"light"`` or ``"print"`` and ask this module
for colours, sizes and the base layout, so a chart looks the same wherever it
is drawn (wall screen, inspector page, export).
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from cockpit.figures.escaping import escapes_data
from cockpit.lifecycle import COLOUR_HEX

# System fonts only: nothing is downloaded (see docs/offline.md).
FONT_FAMILY = '"WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif'
EMPTY_TEXT = "暂无数据"


@dataclass(frozen=True)
class Theme:
    name: str
    text: str
    muted: str
    grid: str
    paper: str
    accent: str
    accent_soft: str
    font_size: int
    title_size: int
    dark: bool = False
    red: str = COLOUR_HEX["red"]
    yellow: str = COLOUR_HEX["yellow"]
    green: str = COLOUR_HEX["green"]


# The wall screen, read from across the room: no text under 22 px (font_size
# - 3 is the smallest any builder asks for) and muted text still at 4.5:1
# contrast on the panels (docs/screen.md).
DARK = Theme(
    name="dark",
    text="#e2ecff",
    muted="#a9bfe4",
    grid="rgba(110, 150, 220, 0.18)",
    paper="rgba(0, 0, 0, 0)",
    accent="#35c6ff",
    accent_soft="rgba(53, 198, 255, 0.35)",
    font_size=25,
    title_size=28,
    dark=True,
)

LIGHT = Theme(
    name="light",
    text="#1f2d3d",
    muted="#6b7a90",
    grid="#e6ebf2",
    paper="#ffffff",
    accent="#1f6feb",
    accent_soft="rgba(31, 111, 235, 0.25)",
    font_size=13,
    title_size=15,
)

PRINT = Theme(
    name="print",
    text="#111827",
    muted="#4b5563",
    grid="#e5e7eb",
    paper="#ffffff",
    accent="#1f6feb",
    accent_soft="rgba(31, 111, 235, 0.30)",
    font_size=20,
    title_size=22,
)

THEMES = {"dark": DARK, "light": LIGHT, "print": PRINT}


def get_theme(theme: str | Theme) -> Theme:
    if isinstance(theme, Theme):
        return theme
    try:
        return THEMES[theme]
    except KeyError:
        raise ValueError(f"theme must be one of {', '.join(THEMES)}, not {theme!r}") from None


def base_layout(theme: Theme, **overrides) -> dict:
    """Layout settings every chart starts from."""
    layout = {
        "font": {"family": FONT_FAMILY, "size": theme.font_size, "color": theme.text},
        "paper_bgcolor": theme.paper,
        "plot_bgcolor": theme.paper,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "showlegend": False,
        "separators": ".,",
    }
    layout.update(overrides)
    return layout


def axis(theme: Theme, **overrides) -> dict:
    settings = {
        "gridcolor": theme.grid,
        "linecolor": theme.grid,
        "zerolinecolor": theme.grid,
        "tickfont": {"color": theme.muted, "size": theme.font_size - 2},
        "automargin": True,
    }
    settings.update(overrides)
    return settings


def top_legend(t: Theme) -> dict:
    """Layout keys for a horizontal legend above the plot, left-aligned."""
    return {
        "showlegend": True,
        "legend": {
            "orientation": "h",
            "x": 0,
            "y": 1.02,
            "yanchor": "bottom",
            "font": {"color": t.muted, "size": t.font_size - 2},
            "bgcolor": "rgba(0,0,0,0)",
        },
    }


def figure(traces: list[dict], layout: dict) -> go.Figure:
    """A figure of plain dicts, left unvalidated by plotly.py: building a chart
    through go.Bar and update_layout cost 25-40 ms, as plain dicts 2 ms
    (docs/performance.md). tests/test_figures.py validates every builder's
    output against plotly's schema instead."""
    return go.Figure(data=traces, layout=layout, _validate=False)


def values(series) -> list:
    """A column as a plain list (what the browser gets either way)."""
    return series.tolist() if hasattr(series, "tolist") else list(series)


@escapes_data
def empty_figure(theme: str | Theme, message: str = EMPTY_TEXT) -> go.Figure:
    """A blank chart that says there is nothing to show."""
    t = get_theme(theme)
    return figure(
        [],
        base_layout(
            t,
            xaxis={"visible": False},
            yaxis={"visible": False},
            annotations=[
                {
                    "text": message,
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                    "showarrow": False,
                    "font": {"size": t.title_size, "color": t.muted},
                }
            ],
        ),
    )
