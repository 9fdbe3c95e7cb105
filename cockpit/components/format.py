"""How numbers read on the cockpit's pages (Chinese units, "—" for nothing)."""

from __future__ import annotations

import math
from datetime import datetime

from cockpit.timewindow import format_local

DASH = "—"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_int(value) -> str:
    return DASH if _missing(value) else f"{int(value):,}"


def fmt_share(value, digits: int = 1) -> str:
    """0.9234 -> "92.3%"; NaN -> "—"."""
    return DASH if _missing(value) else f"{float(value) * 100:.{digits}f}%"


def fmt_hours(value) -> tuple[str, str]:
    """A duration in hours as (number, unit): under two days in hours, else days."""
    if _missing(value):
        return DASH, ""
    hours = float(value)
    if hours < 48:
        return f"{hours:.1f}", "小时"
    return f"{hours / 24:.1f}", "天"


def fmt_duration(value) -> str:
    number, unit = fmt_hours(value)
    return f"{number} {unit}".strip()


def fmt_amount(value) -> str:
    """Yuan with thousands separators; "—" when there is no amount."""
    return DASH if _missing(value) else f"{float(value):,.2f} 元"


def fmt_time(ts: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if ts is None or (not isinstance(ts, datetime)):
        return DASH
    try:
        return format_local(ts, fmt)
    except ValueError:  # NaT
        return DASH


def fmt_size(size: int) -> str:
    """A file size: "850 KB", "1.6 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024)):,} KB"
    return f"{size / (1024 * 1024):.1f} MB"
