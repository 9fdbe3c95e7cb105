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


def is_estimate(bound_hours) -> bool:
    """Whether a percentile with this bound (queries.petitions.handling_time_summary)
    is an estimate rather than the exact figure."""
    return not _missing(bound_hours) and float(bound_hours) > 0


def fmt_bound(bound_hours) -> str:
    """What the reader must know about an estimated percentile: "估计值，误差
    ≤ 2.0 小时"; "" for an exact one."""
    if not is_estimate(bound_hours):
        return ""
    if math.isinf(float(bound_hours)):
        return "估计值"
    return f"估计值，误差 ≤ {fmt_duration(bound_hours)}"


def fmt_duration_estimate(value, bound_hours) -> str:
    """fmt_duration, with "≈" before an estimate."""
    shown = fmt_duration(value)
    return f"≈{shown}" if is_estimate(bound_hours) and shown != DASH else shown


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
