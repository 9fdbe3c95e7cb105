"""The time-window selector: presets as buttons, plus a custom date range."""

from __future__ import annotations

from datetime import timedelta

import dash_bootstrap_components as dbc
from dash import dcc, html

from cockpit.ids import WindowIds
from cockpit.timewindow import PRESET_LABELS, TZ, Window


def window_selector(window: Window) -> html.Div:
    first = window.start.astimezone(TZ).date()
    last = (window.end.astimezone(TZ) - timedelta(microseconds=1)).date()
    custom = window.preset == "custom"
    return html.Div(
        [
            html.Span("时间范围", className="selector-label"),
            dbc.RadioItems(
                id=WindowIds.PRESET,
                options=[{"label": label, "value": key} for key, label in PRESET_LABELS.items()],
                value=window.preset,
                className="btn-group window-presets",
                inputClassName="btn-check",
                labelClassName="btn btn-sm btn-outline-primary",
                labelCheckedClassName="active",
            ),
            dcc.DatePickerRange(
                id=WindowIds.RANGE,
                start_date=first.isoformat() if custom else None,
                end_date=last.isoformat() if custom else None,
                display_format="YYYY-MM-DD",
                start_date_placeholder_text="开始日期",
                end_date_placeholder_text="结束日期",
                first_day_of_week=1,
                minimum_nights=0,
                className="window-range",
            ),
        ],
        className="window-selector",
    )
