"""What one petition or one warning adds to the snapshot: pure functions.

The incremental refresh and the full build both turn raw rows into
contribution rows here and nowhere else, so the two cannot disagree. Local
days are Asia/Shanghai (UTC+8 all year), as in cockpit.store.sqlfuncs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from cockpit.lifecycle import WARNING

SLA_SECONDS = 5 * 24 * 3600
LOCAL_OFFSET = pd.Timedelta(hours=8)

# Handling-time buckets (upper bounds in days) as queries.petitions.HANDLING_BUCKETS:
# a petition falls in the first bucket whose upper bound its time does not exceed.
BUCKET_UPPER_SECONDS = (1 * 86400, 2 * 86400, 3 * 86400, 5 * 86400, 10 * 86400, 15 * 86400)

# Histogram of handling times for the median and the 90th percentile: segments of
# equal-width bins (start, width, count), in seconds, then bins of one day each
# from 15 days on, as far as HIST_LAST_BIN (89 years: the last bin is open).
# Every edge is a whole multiple of its bin's width, so a handling time in whole
# days (data with dates only) lies on the lower edge of its bin, and no bin holds
# two different whole days. Each bin keeps the count and the sum of its times:
# a bin whose sum is count x its lower edge, or that holds one petition, says
# its values exactly (percentile_of_bins).
HIST_SEGMENTS = (
    (0, 1800, 48),  # 30 minutes up to 1 day
    (86400, 7200, 48),  # 2 hours up to 5 days
    (432000, 43200, 20),  # 12 hours up to 15 days
)
DAILY_START = 15 * 86400
DAILY_FIRST_BIN = sum(count for _start, _width, count in HIST_SEGMENTS)
HIST_LAST_BIN = 32767  # the largest SMALLINT


def bin_edges(index: int) -> tuple[float, float | None]:
    """[lower, upper) of histogram bin ``index`` in seconds; upper None for the last."""
    first = 0
    for start, width, count in HIST_SEGMENTS:
        if index < first + count:
            lower = start + (index - first) * width
            return float(lower), float(lower + width)
        first += count
    lower = DAILY_START + (index - DAILY_FIRST_BIN) * 86400
    return float(lower), None if index >= HIST_LAST_BIN else float(lower + 86400)


def bins_of(seconds: np.ndarray) -> np.ndarray:
    """The histogram bin of each handling time (negative times count as 0)."""
    seconds = np.maximum(np.asarray(seconds, dtype="float64"), 0.0)
    daily = DAILY_FIRST_BIN + (np.minimum(seconds, 1e12) - DAILY_START) // 86400
    out = np.minimum(daily, HIST_LAST_BIN).astype("int64")
    first = 0
    for start, width, count in HIST_SEGMENTS:
        inside = (seconds >= start) & (seconds < start + width * count)
        out[inside] = first + ((seconds[inside] - start) // width).astype("int64")
        first += count
    return out


def buckets_of(seconds: np.ndarray) -> np.ndarray:
    """The handling-time bucket index (0..6) of each handling time."""
    return np.searchsorted(np.array(BUCKET_UPPER_SECONDS, dtype="float64"), seconds, side="left")


class Percentile(NamedTuple):
    """A percentile in seconds, and how far the true figure can be from it
    (0: exact; NaN figure for no data)."""

    seconds: float
    bound: float


def percentile_of_bins(bins: Mapping[int, tuple[int, int]], p: float) -> Percentile:
    """The ``p`` quantile (0 <= p <= 1) of a histogram {bin: (count, sum of
    millis)}, defined as numpy's (and a spreadsheet's PERCENTILE): the value
    at rank h = (n - 1) p, interpolated between the values at the ranks
    either side of h.

    The value at a rank is exact when its bin holds one petition or all its
    petitions lie on the bin's lower edge (sum = count x edge: handling times
    in whole days always do); otherwise the bin's values are taken as spread
    evenly across it, and the bound is the bin's width (within the bin, the
    error is less than that). In the open last bin, the bin's mean, bound
    infinite.
    """
    ordered = [(index, count, millis) for index, (count, millis) in sorted(bins.items()) if count > 0]
    total = sum(count for _index, count, _millis in ordered)
    if total <= 0:
        return Percentile(math.nan, math.nan)
    rank = (total - 1) * p
    low = math.floor(rank)
    high = min(low + 1, total - 1)
    low_value, low_bound = _value_at(ordered, low)
    if high == low or rank == low:
        return Percentile(low_value, low_bound)
    high_value, high_bound = _value_at(ordered, high)
    part = rank - low
    return Percentile(low_value + part * (high_value - low_value), max(low_bound, high_bound))


def _value_at(ordered: list[tuple[int, int, int]], rank: int) -> tuple[float, float]:
    """(value in seconds, bound) of the ``rank``-th smallest (0-based) handling time."""
    below = 0
    for index, count, millis in ordered:
        if rank < below + count:
            lower, upper = bin_edges(index)
            if count == 1 or millis == count * lower * 1000:
                return millis / 1000 / count, 0.0
            if upper is None:
                return millis / 1000 / count, math.inf
            return lower + (rank - below + 0.5) / count * (upper - lower), upper - lower
        below += count
    raise ValueError(f"rank {rank} beyond the histogram")  # pragma: no cover - callers keep rank < total


def _local_days(utc: pd.Series) -> tuple[pd.Series, pd.Series]:
    local = pd.to_datetime(utc, utc=True).dt.tz_localize(None) + LOCAL_OFFSET
    day = local.dt.normalize()
    month = day - pd.to_timedelta(day.dt.day - 1, unit="D")
    return day.dt.date, month.dt.date


PETITION_INPUT = ["id", "village_code", "category", "received_at", "closed_at"]
PETITION_CONTRIBUTION = [
    "petition_id",
    "village_code",
    "category",
    "day",
    "month",
    "closed",
    "closed_within",
    "millis",
    "bucket",
    "bin",
    "updated_at",
]


def petition_contributions(rows: pd.DataFrame) -> pd.DataFrame:
    """Contribution rows (columns PETITION_CONTRIBUTION) of raw petition rows
    (columns PETITION_INPUT, aware datetimes).

    closed: closed_at is set; closed_within: closed and handling time <= 5
    days; millis: handling time in whole milliseconds (rounded), bucket and
    bin: its handling bucket and histogram bin (all NULL while open).
    """
    if rows.empty:
        return pd.DataFrame(columns=PETITION_CONTRIBUTION)
    received = pd.to_datetime(rows["received_at"], utc=True)
    closed_at = pd.to_datetime(rows["closed_at"], utc=True)
    seconds = (closed_at - received).dt.total_seconds().to_numpy()
    closed = ~np.isnan(seconds)
    day, month = _local_days(received)
    out = pd.DataFrame(
        {
            "petition_id": rows["id"].astype("int64").to_numpy(),
            "village_code": rows["village_code"].to_numpy(),
            "category": rows["category"].to_numpy(),
            "day": day.to_numpy(),
            "month": month.to_numpy(),
            "closed": closed.astype("int64"),
            "closed_within": (closed & (np.nan_to_num(seconds, nan=np.inf) <= SLA_SECONDS)).astype("int64"),
        }
    )
    safe = np.where(closed, seconds, 0.0)
    out["millis"] = pd.array(np.round(safe * 1000).astype("int64"), dtype="Int64")
    out["bucket"] = pd.array(buckets_of(safe), dtype="Int64")
    out["bin"] = pd.array(bins_of(safe), dtype="Int64")
    out.loc[~closed, ["millis", "bucket", "bin"]] = pd.NA
    out["updated_at"] = _seen(rows)
    return out


def _seen(rows: pd.DataFrame) -> np.ndarray:
    """The raw rows' updated_at (None where not read), kept with their
    contribution so that a refresh can skip rows it has already seen."""
    if "updated_at" not in rows:
        return np.full(len(rows), None, dtype=object)
    return pd.DatetimeIndex(pd.to_datetime(rows["updated_at"], utc=True)).to_pydatetime()


WARNING_INPUT = [
    "id", "village_code", "category", "status", "raised_at", "disposed_at", "due_at", "rule_code",
    "subject_type", "owner_kind", "disposition",
]  # fmt: skip
WARNING_CONTRIBUTION = [
    "warning_id",
    "village_code",
    "category",
    "raised_day",
    "raised_month",
    "green_day",
    "green_month",
    "open_status",
    "due_day",
    "rule_code",
    "subject_type",
    "owner_kind",
    "status",
    "false_alarm",
    "updated_at",
]
FALSE_ALARM = "false_alarm"  # the disposition of a warning found to be a false alarm
STATUS_OF_COLOUR = {status.colour: status.code for status in WARNING.statuses}
GREEN = STATUS_OF_COLOUR["green"]


def warning_contributions(rows: pd.DataFrame) -> pd.DataFrame:
    """Contribution rows (WARNING_CONTRIBUTION) of raw warning rows
    (WARNING_INPUT): the local day and month it was raised, and of its
    disposal when it is green (disposed) now, else NULL; while it is open,
    its status and the local day it is due, else NULL; for the rule totals,
    its rule, subject type, owner kind and status now, and false_alarm = 1
    when its disposition says it was a false alarm."""
    if rows.empty:
        return pd.DataFrame(columns=WARNING_CONTRIBUTION)
    raised_day, raised_month = _local_days(rows["raised_at"])
    green = (rows["status"] == GREEN).to_numpy() & rows["disposed_at"].notna().to_numpy()
    green_day, green_month = _local_days(rows["disposed_at"].where(green))
    is_open = rows["status"].isin(WARNING.open_codes).to_numpy()
    due_day, _due_month = _local_days(rows["due_at"])
    return pd.DataFrame(
        {
            "warning_id": rows["id"].astype("int64").to_numpy(),
            "village_code": rows["village_code"].to_numpy(),
            "category": rows["category"].to_numpy(),
            "raised_day": raised_day.to_numpy(),
            "raised_month": raised_month.to_numpy(),
            "green_day": green_day.where(green, None).to_numpy(),
            "green_month": green_month.where(green, None).to_numpy(),
            "open_status": rows["status"].where(is_open, None).to_numpy(),
            "due_day": due_day.where(is_open, None).to_numpy(),
            "rule_code": rows["rule_code"].to_numpy(),
            "subject_type": rows["subject_type"].to_numpy(),
            "owner_kind": rows["owner_kind"].to_numpy(),
            "status": rows["status"].to_numpy(),
            "false_alarm": (rows["disposition"] == FALSE_ALARM).to_numpy().astype("int64"),
            "updated_at": _seen(rows),
        }
    )
