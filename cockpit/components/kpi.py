"""KPI cards: one big number with a label and a line of context."""

from __future__ import annotations

import math

from dash import html

from cockpit.components.format import DASH, fmt_bound, fmt_hours, fmt_int, fmt_share
from queries.kpis import Kpis

TONES = ("neutral", "good", "warn", "bad", "red", "yellow", "green")


def kpi_card(label: str, value: str, unit: str = "", sub: str | list = "", tone: str = "neutral") -> html.Div:
    """A card; styled by the page's CSS (dark on the wall, light elsewhere)."""
    if tone not in TONES:
        raise ValueError(f"tone must be one of {TONES}, not {tone!r}")
    return html.Div(
        [
            html.Div(label, className="kpi-label"),
            html.Div(
                [html.Span(value, className="kpi-value"), html.Span(unit, className="kpi-unit")],
                className="kpi-figure",
            ),
            html.Div(sub, className="kpi-sub"),
        ],
        className=f"kpi-card kpi-{tone}",
    )


def warning_kpi(red: int, yellow: int, green: int) -> html.Div:
    """The red / yellow / green warning counts in one card."""

    def part(colour: str, label: str, count: int, sub: str) -> html.Div:
        return html.Div(
            [
                html.Div(label, className="kpi-label"),
                html.Div(f"{count:,}", className="kpi-value"),
                html.Div(sub, className="kpi-sub"),
            ],
            className=f"warning-part warning-{colour}",
        )

    return html.Div(
        [
            part("red", "红色预警", red, "待处置"),
            part("yellow", "黄色预警", yellow, "处置中"),
            part("green", "绿色预警", green, "期内已处置"),
        ],
        className="kpi-card kpi-warnings",
    )


def share_tone(share: float) -> str:
    if math.isnan(share):
        return "neutral"
    return "good" if share >= 0.9 else "warn" if share >= 0.8 else "bad"


def kpi_row(k: Kpis) -> list[html.Div]:
    """The standard KPI cards, in reading order."""
    hours, hours_unit = fmt_hours(k.median_hours)
    share = fmt_share(k.share)
    return [
        kpi_card("受理诉求", fmt_int(k.received), "件", f"今日新增 {k.received_today:,} 件"),
        kpi_card(
            "未办结诉求",
            fmt_int(k.open),
            "件",
            f"其中超期 {k.overdue:,} 件",
            tone="bad" if k.overdue else "neutral",
        ),
        kpi_card(
            "5日办结率",
            share.rstrip("%"),
            "%" if share != DASH else "",
            f"办理中 {k.in_progress:,} 件未计入",
            tone=share_tone(k.share),
        ),
        kpi_card(
            "办理时长中位数",
            hours,
            hours_unit,
            "；".join(part for part in (f"已办结 {k.closed:,} 件", fmt_bound(k.median_bound_hours)) if part),
        ),
        warning_kpi(k.red, k.yellow, k.green),
    ]
