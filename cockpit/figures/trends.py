"""Trends over time: the 5-day share with petitions received, and warnings
raised vs disposed."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from cockpit.figures.escaping import escapes_data
from cockpit.figures.theme import (
    Theme,
    axis,
    base_layout,
    empty_figure,
    figure,
    get_theme,
    top_legend,
    values,
)

TICK_FORMATS = {"day": "%m-%d", "week": "%m-%d", "month": "%Y-%m"}
PERIOD_LABELS = {"day": "日", "week": "周", "month": "月"}


def count_tick(largest: int, ticks: int = 4) -> int:
    """A whole, round tick step showing ``largest`` in about ``ticks`` steps."""
    raw = max(1.0, largest / ticks)
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if step * magnitude >= raw:
            return int(step * magnitude)
    return int(10 * magnitude)


PROVISIONAL_NAME = "暂定（含未满5日）"


def _dates(periods: pd.Series) -> list[str]:
    """Periods as ISO dates (what plotly.py sends for datetimes anyway)."""
    return [p.strftime("%Y-%m-%d") for p in periods]


def split_provisional(shares: pd.Series, in_progress: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split the share line into settled periods (every outcome known) and
    provisional ones (some petitions still inside their 5 days, so the share
    can still fall; see docs/metrics.md). The provisional line starts at the
    settled point just before it, so the two join up."""
    open_periods = pd.Series(in_progress).reset_index(drop=True) > 0
    shares = pd.Series(shares).reset_index(drop=True)
    settled = shares.where(~open_periods)
    provisional = shares.where(open_periods)
    for i in range(1, len(shares)):
        if open_periods[i] and not open_periods[i - 1] and pd.notna(settled[i - 1]):
            provisional[i - 1] = settled[i - 1]
    return settled, provisional


IN_PROGRESS_NAME = "办理中"


@escapes_data
def share_trend(
    df: pd.DataFrame, theme: str | Theme = "light", freq: str = "day", provisional: str = "dotted"
) -> go.Figure:
    """The share closed within 5 days per period (line, left axis) over the
    petitions received per period (bars, right axis).

    ``df``: queries.petitions.share_closed_within_5_days_trend (period,
    received, closed_within, late, in_progress, share). Periods with nothing
    to judge yet leave a gap in the line. Periods with petitions still inside
    their 5 days: ``provisional="dotted"`` draws their share dotted;
    ``"count"`` (the wall screen, read from afar, where a dotted tail at
    100% reads as a jump) draws no share for them until every outcome is
    known, and shows their petitions still in progress as a bar segment of
    their own.
    """
    t = get_theme(theme)
    if df.empty or int(df["received"].sum()) == 0:
        return empty_figure(t)
    periods = pd.to_datetime(df["period"])
    shares = pd.to_numeric(df["share"], errors="coerce")
    share_text = ["—" if pd.isna(s) else f"{s * 100:.1f}%" for s in shares]
    x = _dates(periods)
    by_count = provisional == "count"
    decided = df["received"] - df["in_progress"] if by_count else df["received"]
    traces = [
        {
            "type": "bar",
            "x": x,
            "y": values(decided),
            "name": "已有结果" if by_count else "受理量",
            "showlegend": not by_count,
            "yaxis": "y2",
            "marker": {"color": t.accent_soft, "line": {"width": 0}},
            "customdata": list(zip(values(df["in_progress"]), share_text, strict=True)),
            "hovertemplate": "%{x|%Y-%m-%d}<br>受理 %{y} 件<br>办理中 %{customdata[0]} 件<extra></extra>",
        }
    ]
    if by_count and int(df["in_progress"].sum()):
        traces.append(
            {
                "type": "bar",
                "x": x,
                "y": values(df["in_progress"]),
                "name": IN_PROGRESS_NAME,
                "yaxis": "y2",
                "marker": {"color": t.yellow, "line": {"width": 0}},
                "hovertemplate": f"%{{x|%Y-%m-%d}}<br>{IN_PROGRESS_NAME}（未满5日） %{{y}} 件<extra></extra>",
            }
        )
    settled, provisional_line = split_provisional(shares, df["in_progress"])
    lines = [(settled, "5日办结率", "solid")] + (
        [] if by_count else [(provisional_line, PROVISIONAL_NAME, "dot")]
    )
    for line, name, dash in lines:
        if line.notna().any():
            traces.append(
                {
                    "type": "scatter",
                    "x": x,
                    "y": [float(v) for v in line],  # NaN: a gap (sent as null)
                    "name": name,
                    "mode": "lines+markers",
                    "line": {"color": t.green, "width": 3, "dash": dash},
                    "marker": {"size": 6 if len(df) > 20 else 8},
                    "connectgaps": False,
                    "customdata": share_text,
                    "hovertemplate": f"%{{x|%Y-%m-%d}}<br>{name} %{{customdata}}<extra></extra>",
                }
            )
    low = shares.min()
    floor = 0.5 if pd.isna(low) else max(0.0, min(0.8, (int(low * 10)) / 10))
    layout = base_layout(
        t,
        margin={"l": 10, "r": 10, "t": 34, "b": 6},
        **top_legend(t),
        # On the wall (large type, narrow panel): a few horizontal date ticks,
        # and the bars' counts without an axis of their own.
        xaxis=axis(
            t,
            showgrid=False,
            tickformat=TICK_FORMATS.get(freq, "%m-%d"),
            **({"nticks": 4, "tickangle": 0} if t.dark else {}),
        ),
        yaxis=axis(t, tickformat=".0%", range=[floor, 1.02], title=None),
        yaxis2=axis(
            t,
            overlaying="y",
            side="right",
            showgrid=False,
            rangemode="tozero",
            dtick=count_tick(int(df["received"].max())),
            tickformat=",d",
            showticklabels=not t.dark,
        ),
        bargap=0.25,
        barmode="stack",
        hovermode="closest" if t.dark else "x unified",
    )
    return figure(traces, layout)


@escapes_data
def warnings_trend(df: pd.DataFrame, theme: str | Theme = "light", freq: str = "day") -> go.Figure:
    """Warnings raised and disposed per period (grouped bars).

    ``df``: queries.warnings.warnings_raised_trend (period, raised, disposed).
    """
    t = get_theme(theme)
    if df.empty or int(df["raised"].sum() + df["disposed"].sum()) == 0:
        return empty_figure(t)
    periods = pd.to_datetime(df["period"])
    hover = "%{x|%Y-%m-%d} %{fullData.name} %{y} 条<extra></extra>"
    x = _dates(periods)
    traces = [
        {"type": "bar", "x": x, "y": values(df[column]), "name": name, "marker": {"color": colour}}
        | {"hovertemplate": hover}
        for column, name, colour in (("raised", "新增预警", t.red), ("disposed", "处置完毕", t.green))
    ]
    layout = base_layout(
        t,
        margin={"l": 10, "r": 10, "t": 34, "b": 6},
        **top_legend(t),
        xaxis=axis(t, showgrid=False, tickformat=TICK_FORMATS.get(freq, "%m-%d")),
        yaxis=axis(
            t,
            rangemode="tozero",
            dtick=count_tick(int(max(df["raised"].max(), df["disposed"].max()))),
            tickformat=",d",
        ),
        barmode="group",
        bargap=0.25,
    )
    return figure(traces, layout)
