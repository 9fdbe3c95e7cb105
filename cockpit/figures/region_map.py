"""The map of a region's children, coloured by one metric."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from cockpit.figures.escaping import escapes_data
from cockpit.figures.geo import bounds, feature_collection, mercator_y, simplified
from cockpit.figures.theme import Theme, base_layout, empty_figure, figure, get_theme
from cockpit.lifecycle import MIN_SHARE_SAMPLE


@dataclass(frozen=True)
class MapMetric:
    column: str
    label: str
    higher_is_better: bool
    is_share: bool = False
    # The columns whose sum is the share's denominator: fewer than
    # MIN_SHARE_SAMPLE and the region is grey, 样本不足 (docs/metrics.md).
    sample_columns: tuple[str, ...] = ()


MAP_METRICS = {
    "share_5d": MapMetric(
        "share_5d",
        "5日办结率",
        higher_is_better=True,
        is_share=True,
        sample_columns=("closed_within", "late"),
    ),
    "received": MapMetric("received", "受理诉求", higher_is_better=False),
    "open_backlog": MapMetric("open", "未办结诉求", higher_is_better=False),
    "median_hours": MapMetric("median_hours", "办理时长中位数（小时）", higher_is_better=False),
    "red": MapMetric("red", "红色预警", higher_is_better=False),
    "yellow": MapMetric("yellow", "黄色预警", higher_is_better=False),
    # One warning category's open warnings (queries.warnings.child_region_category_warnings,
    # merged into the metrics as category_*); the label names the category.
    "category_open": MapMetric("category_open", "未处置预警", higher_is_better=False),
}
CATEGORY_PREFIX = "category_"

SHARE_RANGE = (0.6, 1.0)
MAP_SHARE = 0.84  # the map's share of the figure's width; the colour bar sits right of it
MAX_LABELS = 80  # more regions than this: names in the hover only
CROWDED = 24  # more regions than this: smaller labels


# On a crowded map a label drops its level word ("坪垄社区": 坪垄) so names
# stop running into each other; the hover and every list keep the full name.
LEVEL_SUFFIXES = ("居委会", "社区", "街道", "村", "镇", "乡")


def short_name(name: str) -> str:
    """``name`` without its level word, when at least two characters remain."""
    for suffix in LEVEL_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _colours(theme: Theme, metric: MapMetric) -> list[list]:
    good, mid, bad = theme.green, theme.yellow, theme.red
    if metric.higher_is_better:
        return [[0.0, bad], [0.5, mid], [1.0, good]]
    if metric.column == "received":
        low, high = ("#c6e4ff", "#1660c8") if not theme.dark else ("#1b3a6b", "#35c6ff")
        return [[0.0, low], [1.0, high]]
    return [[0.0, good], [0.5, mid], [1.0, bad]]


def _fmt_share(value: float) -> str:
    return "—" if pd.isna(value) else f"{value * 100:.1f}%"


def _fmt_hours(value: float, bound: float = 0.0) -> str:
    if pd.isna(value):
        return "—"
    return f"≈{value:.1f} 小时" if not pd.isna(bound) and bound > 0 else f"{value:.1f} 小时"


@escapes_data
def region_map(
    regions: pd.DataFrame,
    metrics: pd.DataFrame,
    metric: str | MapMetric = "share_5d",
    theme: str | Theme = "light",
    *,
    width: int = 760,
    height: int = 520,
    labels: bool = True,
    category: str | None = None,
    hover_of: Callable[[pd.DataFrame], tuple[list, str]] | None = None,
    links: dict[str, str] | None = None,
) -> go.Figure:
    """Choropleth of ``regions`` (queries.regions.child_regions) coloured by
    ``metric`` taken from ``metrics`` (queries.petitions.child_region_metrics).

    Drawn as SVG (plotly's geo choropleth, no base map, no WebGL): a grey
    layer of the regions without a value, then the coloured one, each
    region's location its code; with ``links`` (code → URL) a layer's
    ``meta.links`` says what a click on a region opens (assets/cockpit.js).
    ``width``/``height`` are the map's size in pixels, used to simplify the
    outlines to what it can show.
    ``category``: the warning category of the ``category_open`` metric, named
    in the colour bar and the hover text (``metrics`` then carries the
    category_* columns). ``metric`` may also be a MapMetric of any column of
    ``metrics``, with ``hover_of(df)`` giving each drawn region's hover data
    and template (df: the regions merged with their metrics, its text
    escaped like every argument, see cockpit.figures.escaping; ``hover_of``
    takes its text from ``df`` only).
    """
    t = get_theme(theme)
    spec = metric if isinstance(metric, MapMetric) else MAP_METRICS[metric]
    geojson = feature_collection(regions) if not regions.empty else {"features": []}
    box = bounds(geojson["features"])
    if box is None:
        return empty_figure(t, "暂无边界数据")
    drawn = {f["id"] for f in geojson["features"]}
    df = regions[["code", "name", "centroid_lon", "centroid_lat"]].merge(
        metrics.drop(columns=["name"], errors="ignore"), on="code", how="left"
    )
    df = df[df["code"].isin(drawn)]
    values = (
        pd.to_numeric(df[spec.column], errors="coerce")
        if spec.column in df
        else pd.Series(math.nan, index=df.index)
    )
    has_value = values.notna()
    # A share over too few decided petitions is not coloured (one late
    # petition would paint a village 0% red): grey, "样本不足".
    decided = sum(
        (df.get(c, pd.Series(0, index=df.index)).fillna(0).astype(int) for c in ("closed_within", "late")),
        start=pd.Series(0, index=df.index),
    )
    small = decided < MIN_SHARE_SAMPLE
    if spec.sample_columns:
        sample = sum(
            (df.get(c, pd.Series(0, index=df.index)).fillna(0).astype(int) for c in spec.sample_columns),
            start=pd.Series(0, index=df.index),
        )
        has_value &= sample >= MIN_SHARE_SAMPLE
    share_texts = [
        f"样本不足（{n} 件有结果）" if few else _fmt_share(v)
        for v, n, few in zip(
            df.get("share_5d", pd.Series(math.nan, index=df.index)), decided, small, strict=True
        )
    ]
    customdata = list(
        zip(
            df["name"],
            df.get("received", pd.Series(0, index=df.index)).fillna(0).astype(int),
            share_texts,
            df.get("open", pd.Series(0, index=df.index)).fillna(0).astype(int),
            df.get("overdue", pd.Series(0, index=df.index)).fillna(0).astype(int),
            [
                _fmt_hours(v, b)
                for v, b in zip(
                    df.get("median_hours", pd.Series(math.nan, index=df.index)),
                    df.get("median_bound_hours", pd.Series(0.0, index=df.index)),
                    strict=True,
                )
            ],
            df.get("red", pd.Series(0, index=df.index)).fillna(0).astype(int),
            df.get("yellow", pd.Series(0, index=df.index)).fillna(0).astype(int),
            strict=True,
        )
    )
    hover = (
        "<b>%{customdata[0]}</b><br>受理诉求 %{customdata[1]} 件<br>5日办结率 %{customdata[2]}"
        "<br>未办结 %{customdata[3]} 件（超期 %{customdata[4]}）<br>办理时长中位数 %{customdata[5]}"
        "<br>红色预警 %{customdata[6]} · 黄色预警 %{customdata[7]}"
    )
    if category is not None:
        counts = [
            df.get(f"{CATEGORY_PREFIX}{c}", pd.Series(0, index=df.index)).fillna(0).astype(int)
            for c in ("open", "overdue", "raised")
        ]
        # The category goes in through customdata, not into the template,
        # where a "%{…}" in its name would be substituted.
        customdata = [
            (*row, *extra, category) for row, extra in zip(customdata, zip(*counts, strict=True), strict=True)
        ]
        hover = (
            "<b>%{customdata[0]}</b><br>%{customdata[11]}预警：未处置 %{customdata[8]} 条"
            "（超期 %{customdata[9]}）<br>期内新增 %{customdata[10]} 条<br>" + hover.split("<br>", 1)[1]
        )
    hover += "<extra></extra>"
    if hover_of is not None:
        customdata, hover = hover_of(df)
    title = f"{category}<br>{spec.label}" if category is not None else spec.label
    line_colour = "#0a1630" if t.dark else "#ffffff"
    no_data = "#34445f" if t.dark else "#dde3ec"
    shown = values[has_value]
    if spec.is_share:
        # A fixed scale, so a colour means the same in every region and
        # every rotation: red at 60% and below, yellow at 80%, green at 100%.
        zmin, zmax = SHARE_RANGE
    elif len(shown):
        zmin, zmax = float(shown.min()), float(max(shown.max(), shown.min() + 1))
    else:
        zmin, zmax = 0.0, 1.0
    west, south, east, north = box
    tolerance = max(east - west, mercator_y(north) - mercator_y(south)) / (4 * max(width, height, 1))
    outlines = simplified(geojson, tolerance)
    links = links or {}
    marker = {"line": {"color": line_colour, "width": 1.2}}

    def layer(rows: pd.Series, z: list, **style) -> dict:
        codes = df.loc[rows, "code"].tolist()
        return {
            "type": "choropleth",
            "geojson": outlines,
            "featureidkey": "id",
            "locations": codes,
            "z": z,
            "marker": marker,
            "customdata": [c for c, keep in zip(customdata, rows, strict=True) if keep],
            "hovertemplate": hover,
            # What a click opens (assets/cockpit.js mapDrill reads it).
            "meta": {"links": {code: links[code] for code in codes if code in links}},
            **style,
        }

    traces = []
    if (~has_value).any():  # regions with nothing to colour by: grey
        grey = [[0, no_data], [1, no_data]]
        traces.append(layer(~has_value, [0] * int((~has_value).sum()), colorscale=grey, showscale=False))
    if has_value.any():
        colour_bar = {
            "title": {"text": title, "side": "top", "font": {"color": t.muted}},
            "tickformat": ".0%" if spec.is_share else "~s",
            # Small counts: whole-number ticks only (no 0.5 warnings).
            "dtick": 1 if not spec.is_share and zmax - zmin <= 8 else None,
            "tickfont": {"color": t.muted, "size": t.font_size - 3},
            "thickness": 12,
            "len": 0.6,
            "x": MAP_SHARE + 0.02,
            "xanchor": "left",
            "y": 0.5,
            "yanchor": "middle",
            "outlinewidth": 0,
            "bgcolor": "rgba(0,0,0,0)",
        }
        traces.append(
            layer(
                has_value,
                [float(v) for v in shown],
                zmin=zmin,
                zmax=zmax,
                colorscale=_colours(t, spec),
                colorbar=colour_bar,
            )
        )
    named = df.dropna(subset=["centroid_lon", "centroid_lat"])
    if labels and 0 < len(named) <= MAX_LABELS:
        # SVG text, drawn like every plotly text (escaped data, see
        # cockpit.figures.escaping), with a halo so it reads on any fill.
        # On the wall, white type on a dark halo; elsewhere dark on white.
        ink, glow = ("#ffffff", "#06122b") if t.dark else ("#0b1a33", "#ffffff")
        halo = f"0 0 3px {glow}, 0 0 2px {glow}, 0 0 1px {glow}"
        crowded = len(named) > CROWDED
        size = t.font_size - 1 if crowded else t.font_size + 2
        traces.append(
            {
                "type": "scattergeo",
                "lon": [round(float(v), 5) for v in named["centroid_lon"]],
                "lat": [round(float(v), 5) for v in named["centroid_lat"]],
                "mode": "text",
                "text": [short_name(n) if crowded else n for n in named["name"]],
                "textfont": {"size": size, "color": ink, "shadow": halo},
                "hoverinfo": "skip",
            }
        )
    layout = base_layout(
        t,
        geo={
            # No base map: nothing but the outlines (the world's topojson
            # plotly.js would fetch is preloaded empty: assets/geo-assets.js).
            "visible": False,
            "fitbounds": "locations",
            "projection": {"type": "mercator"},
            "bgcolor": "rgba(0,0,0,0)",
            "domain": {"x": [0, MAP_SHARE], "y": [0, 1]},
        },
        dragmode=False,
        clickmode="event",
    )
    if spec.sample_columns and bool((values.notna() & ~has_value).any()):
        layout["annotations"] = [
            {
                "text": "灰色：<br>样本不足",
                "xref": "paper",
                "yref": "paper",
                "x": MAP_SHARE + 0.02,
                "y": 0.08,
                "xanchor": "left",
                "yanchor": "top",
                "align": "left",
                "showarrow": False,
                "font": {"size": t.font_size - 3, "color": t.muted},
            }
        ]
    # Built as plain dicts: plotly.py's validation of a map cost ~90 ms,
    # more than reading its data (theme.figure).
    return figure(traces, layout)
