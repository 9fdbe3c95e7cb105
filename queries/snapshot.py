"""The views' figures read from the snapshot tables (cockpit.store.snapshots)
instead of the raw petitions and warnings.

Each function here answers the same question, with the same columns, as the
function of the same name in queries.petitions or queries.warnings (whose
docstrings and docs/metrics.md define the figures); those functions call
these when ``usable`` says the snapshot can answer (see ``snapshot_first``).
Only a region's own rows are read: ``region_code = scope`` for a region,
``region_code IN (its children)`` to compare children.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Connection, Table, and_, case, func, or_, select

from cockpit.snapshot.contrib import STATUS_OF_COLOUR, percentile_of_bins
from cockpit.store.schema import region_tree, regions
from cockpit.store.snapshots import (
    BUCKET_COLUMNS,
    DAY,
    MONTH,
    snap_open_petitions,
    snap_open_warning_days,
    snap_open_warnings,
    snap_petition_hist,
    snap_petition_stats,
    snap_petitions,
    snap_record_counts,
    snap_rule_stats,
    snap_state,
    snap_warning_stats,
)
from cockpit.store.sqlfuncs import local_day
from cockpit.timewindow import TZ, Window, local_midnight
from queries._common import count_if, frame, local_days, share
from queries.scope import Scope

SNAPSHOT = "main"
HOUR_MS = 3_600_000.0
SLA = timedelta(days=5)
# Up to this many closed petitions, the median and 90th percentile are exact
# (read from the contribution rows); above it, from the histogram.
EXACT_LIMIT = 1000


@dataclass(frozen=True)
class SnapshotState:
    version: int
    as_of: datetime


def snapshot_state(conn: Connection) -> SnapshotState | None:
    """The snapshot's version and the time it holds data up to, or None
    before the first refresh built it."""
    row = conn.execute(
        select(snap_state.c.version, snap_state.c.as_of).where(snap_state.c.name == SNAPSHOT)
    ).first()
    return None if row is None else SnapshotState(row.version, row.as_of)


def _is_midnight(ts: datetime) -> bool:
    local = ts.astimezone(TZ)
    return local == local_midnight(local.date())


def usable(state: SnapshotState | None, at: Window | datetime) -> bool:
    """Can the snapshot answer for this window (or this ``now``)?

    A window must start at a local midnight and end at one, or at or after
    the snapshot's time (it holds whole local days, up to its time); a bare
    ``now`` must be at or after the snapshot's time. Otherwise the raw tables
    answer (a test's odd window, a request for the past).
    """
    if state is None:
        return False
    if isinstance(at, Window):
        return _is_midnight(at.start) and (_is_midnight(at.end) or at.end >= state.as_of)
    return at >= state.as_of


def snapshot_first(name: str, *, timed: bool = True) -> Callable:
    """Decorate a raw query function so that it reads the snapshot reader
    ``name`` (in this module) whenever the snapshot can answer. The raw
    function stays reachable as ``fn.raw`` (the benchmark and the exactness
    tests compare the two). Arguments: (conn, scope, window or now, ...);
    with ``timed`` False, (conn, scope, ...) for figures over all time,
    which any built snapshot can answer."""

    def decorate(raw: Callable) -> Callable:
        @functools.wraps(raw)
        def wrapper(conn: Connection, scope: Scope, *args, **kwargs):
            state = snapshot_state(conn)
            if usable(state, args[0]) if timed else state is not None:
                reader = globals()[name]
                result = reader(conn, scope, *args, **kwargs)
                if result is not None:
                    return result
            return raw(conn, scope, *args, **kwargs)

        wrapper.raw = raw
        return wrapper

    return decorate


# -- periods ------------------------------------------------------------------------------------


def _month_end(month: date) -> date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def periods(table: Table, window: Window) -> ColumnElement[bool]:
    """The rows of ``table`` that add up to the window: its whole local
    months at month grain, its other days at day grain."""
    days = local_days(window)
    first, last = days[0], days[-1]
    month = first.replace(day=1) if first.day == 1 else _month_end(first) + timedelta(days=1)
    months = []
    while _month_end(month) <= last:
        months.append(month)
        month = _month_end(month) + timedelta(days=1)
    g, p = table.c.grain, table.c.period
    if not months:
        return and_(g == DAY, p >= first, p <= last)
    return or_(
        and_(g == MONTH, p >= months[0], p <= months[-1]),
        and_(g == DAY, p >= first, p < months[0]),
        and_(g == DAY, p > _month_end(months[-1]), p <= last),
    )


def _children(conn: Connection, scope: Scope) -> pd.DataFrame:
    rows = conn.execute(
        select(regions.c.code, regions.c.name)
        .where(regions.c.parent_code == scope.region_code)
        .order_by(regions.c.sort_order, regions.c.code)
    ).all()
    return pd.DataFrame(rows, columns=["code", "name"])


# -- petitions ----------------------------------------------------------------------------------

ps = snap_petition_stats
op = snap_open_petitions


def _petition_sums(conn, region_where, window: Window, group=()) -> pd.DataFrame:
    measures = ["received", "closed", "closed_within", "millis", *BUCKET_COLUMNS]
    query = (
        select(*group, *[func.coalesce(func.sum(ps.c[m]), 0).label(m) for m in measures])
        .where(region_where, periods(ps, window))
        .group_by(*group)
    )
    names = [c.name for c in group] + measures
    return frame(conn.execute(query).all(), names, ints=measures)


def _in_progress(conn, region_where, window: Window, group=()) -> pd.DataFrame:
    """Open (no closing time) petitions received in the window, under 5 days old at ``now``."""
    since = max(window.start, window.now - SLA)
    query = (
        select(*group, func.count().label("in_progress"))
        .where(region_where, op.c.unclosed == 1, op.c.received_at >= since, op.c.received_at < window.end)
        .group_by(*group)
    )
    return frame(conn.execute(query).all(), [c.name for c in group] + ["in_progress"], ints=["in_progress"])


def _with_share(df: pd.DataFrame) -> pd.DataFrame:
    from queries.petitions import _with_share as with_share

    return with_share(df)


def count_received(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    received = _petition_sums(conn, ps.c.region_code == scope.region_code, window)["received"].iloc[0]
    today = window.now.astimezone(TZ).date()
    today_count = conn.execute(
        select(func.coalesce(func.sum(ps.c.received), 0)).where(
            ps.c.region_code == scope.region_code, ps.c.grain == DAY, ps.c.period == today
        )
    ).scalar()
    return frame(
        [(received, today_count)], ["received", "received_today"], ints=["received", "received_today"]
    )


def open_backlog(conn: Connection, scope: Scope, now: datetime) -> pd.DataFrame:
    query = select(func.count(), count_if(op.c.due_at < now)).where(
        op.c.region_code == scope.region_code, op.c.open == 1
    )
    return frame(conn.execute(query).all(), ["open", "overdue"], ints=["open", "overdue"])


def _sla(sums: pd.DataFrame, progress: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    df = sums.merge(progress, on=on, how="left") if on else pd.concat([sums, progress], axis=1)
    df["in_progress"] = df["in_progress"].fillna(0).astype("int64")
    return _with_share(df)


def share_closed_within_5_days(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    where = ps.c.region_code == scope.region_code
    sums = _petition_sums(conn, where, window)
    progress = _in_progress(conn, op.c.region_code == scope.region_code, window)
    return _sla(sums, progress, [])[["received", "closed_within", "late", "in_progress", "share"]]


def share_closed_within_5_days_trend(
    conn: Connection, scope: Scope, window: Window, freq: str = "day"
) -> pd.DataFrame:
    from queries.petitions import _roll_up_sla

    day_window = window
    query = (
        select(ps.c.period, func.sum(ps.c.received), func.sum(ps.c.closed_within))
        .where(ps.c.region_code == scope.region_code, ps.c.grain == DAY)
        .where(ps.c.period >= local_days(day_window)[0], ps.c.period <= local_days(day_window)[-1])
        .group_by(ps.c.period)
    )
    daily = frame(
        conn.execute(query).all(), ["day", "received", "closed_within"], ints=["received", "closed_within"]
    )
    day = local_day(op.c.received_at).label("day")
    progress = _in_progress(conn, op.c.region_code == scope.region_code, window, (day,))
    progress = pd.Series(
        progress["in_progress"].to_numpy(), index=pd.to_datetime(progress["day"]).dt.date, dtype="int64"
    )
    daily["day"] = pd.to_datetime(daily["day"]).dt.date
    daily = daily.set_index("day")
    daily = daily.reindex(daily.index.union(progress.index), fill_value=0)
    daily["in_progress"] = progress.reindex(daily.index, fill_value=0).astype("int64")
    return _roll_up_sla(daily.rename_axis("day").reset_index(), window, freq)


def top_categories(conn: Connection, scope: Scope, window: Window, limit: int = 10) -> pd.DataFrame:
    where = ps.c.region_code == scope.region_code
    sums = _petition_sums(conn, where, window, (ps.c.category,))
    sums = sums[sums["received"] > 0]
    total = int(sums["received"].sum())
    progress = _in_progress(conn, op.c.region_code == scope.region_code, window, (op.c.category,))
    df = _sla(sums, progress, ["category"])
    df = df.sort_values(["received", "category"], ascending=[False, True], ignore_index=True).head(limit)
    df["share_of_received"] = [share(r, total) for r in df["received"]]
    return df.rename(columns={"share": "share_5d"})[
        ["category", "received", "share_of_received", "closed_within", "late", "share_5d"]
    ].reset_index(drop=True)


def handling_time_distribution(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    from queries.petitions import HANDLING_BUCKETS

    sums = _petition_sums(conn, ps.c.region_code == scope.region_code, window).iloc[0]
    rows = [
        (key, label, int(sums[column]))
        for (key, label, _lower, _upper), column in zip(HANDLING_BUCKETS, BUCKET_COLUMNS, strict=True)
    ]
    return frame(rows, ["bucket", "label", "count"], ints=["count"])


NO_PERCENTILES = (math.nan, math.nan, math.nan, math.nan)
# handling_time_summary's columns, on both paths (queries.petitions).
HANDLING_SUMMARY_COLUMNS = [
    "closed", "median_hours", "p90_hours", "mean_hours", "median_bound_hours", "p90_bound_hours",
]  # fmt: skip


def _percentiles(
    conn, codes: list[str], closed: dict[str, int], window: Window
) -> dict[str, tuple[float, float, float, float]]:
    """(median, p90, median's bound, p90's bound) in hours per region code:
    exact from the contribution rows for regions with at most EXACT_LIMIT
    closed petitions in the window (bounds 0), else from the histogram
    (cockpit.snapshot.contrib.percentile_of_bins: exact on handling times in
    whole days, else within the bound)."""
    days = local_days(window)
    out: dict[str, tuple[float, float, float, float]] = {}
    small = [c for c in codes if 0 < closed.get(c, 0) <= EXACT_LIMIT]
    large = [c for c in codes if closed.get(c, 0) > EXACT_LIMIT]
    if small:
        sp = snap_petitions
        rows = conn.execute(
            select(region_tree.c.ancestor_code, sp.c.millis)
            .join(region_tree, region_tree.c.descendant_code == sp.c.village_code)
            .where(
                region_tree.c.ancestor_code.in_(small),
                sp.c.day >= days[0],
                sp.c.day <= days[-1],
                sp.c.millis.is_not(None),  # closed; read from the index alone
            )
        ).all()
        exact = pd.DataFrame(rows, columns=["code", "millis"])
        for code, part in exact.groupby("code"):
            hours = part["millis"].to_numpy(dtype="float64") / HOUR_MS
            out[code] = (float(np.percentile(hours, 50)), float(np.percentile(hours, 90)), 0.0, 0.0)
    if large:
        h = snap_petition_hist
        rows = conn.execute(
            select(h.c.region_code, h.c.bin, func.sum(h.c.n), func.sum(h.c.millis))
            .where(h.c.region_code.in_(large), periods(h, window))
            .group_by(h.c.region_code, h.c.bin)
        ).all()
        by_code: dict[str, dict[int, tuple[int, int]]] = {}
        for code, index, n, millis in rows:
            by_code.setdefault(code, {})[int(index)] = (int(n), int(millis))
        for code, bins in by_code.items():
            median, p90 = percentile_of_bins(bins, 0.5), percentile_of_bins(bins, 0.9)
            out[code] = (median.seconds / 3600, p90.seconds / 3600, median.bound / 3600, p90.bound / 3600)
    return out


def handling_time_summary(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    sums = _petition_sums(conn, ps.c.region_code == scope.region_code, window).iloc[0]
    closed = int(sums["closed"])
    median, p90, median_bound, p90_bound = _percentiles(
        conn, [scope.region_code], {scope.region_code: closed}, window
    ).get(scope.region_code, NO_PERCENTILES)
    mean = int(sums["millis"]) / closed / HOUR_MS if closed else math.nan
    return frame(
        [(closed, median, p90, mean, median_bound, p90_bound)],
        HANDLING_SUMMARY_COLUMNS,
        ints=["closed"],
        floats=HANDLING_SUMMARY_COLUMNS[1:],
    )


def child_region_metrics(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    base = _children(conn, scope)
    codes = base["code"].tolist()
    sums = _petition_sums(conn, ps.c.region_code.in_(codes), window, (ps.c.region_code.label("code"),))
    progress = _in_progress(conn, op.c.region_code.in_(codes), window, (op.c.region_code.label("code"),))
    backlog = frame(
        conn.execute(
            select(op.c.region_code, func.count(), count_if(op.c.due_at < window.now))
            .where(op.c.region_code.in_(codes), op.c.open == 1)
            .group_by(op.c.region_code)
        ).all(),
        ["code", "open", "overdue"],
        ints=["open", "overdue"],
    )
    closed = dict(zip(sums["code"], sums["closed"], strict=True))
    medians = _percentiles(conn, codes, closed, window)
    df = base.merge(sums[["code", "received", "closed_within"]], on="code", how="left")
    df = df.merge(progress, on="code", how="left").merge(backlog, on="code", how="left")
    df["median_hours"] = [medians.get(c, NO_PERCENTILES)[0] for c in df["code"]]
    df["median_bound_hours"] = [medians.get(c, NO_PERCENTILES)[2] for c in df["code"]]
    warning_counts = warning_counts_by_child(conn, scope, window)[["code", "red", "yellow", "green"]]
    from queries.petitions import _finish_child_metrics

    return _finish_child_metrics(df.merge(warning_counts, on="code", how="left"))


# -- warnings -----------------------------------------------------------------------------------

ws = snap_warning_stats
ow = snap_open_warnings
rs = snap_rule_stats
_COLOURS = ("red", "yellow", "green")  # snap_rule_stats' counts by status now


def _open_warning_counts(conn, now: datetime, region, category: str | None, by: str | None) -> pd.DataFrame:
    """red, yellow and overdue (open and due before ``now``) for ``region``
    (a code, or a list of codes when by="region"), grouped by region or
    category or not at all. Whole days from snap_open_warning_days; the
    warnings due today, before or after ``now``, from the open list."""
    from queries.warnings import RED, YELLOW

    d = snap_open_warning_days
    today = now.astimezone(TZ).date()
    today_start = local_midnight(today)

    def scoped(table):
        where = table.c.region_code.in_(region) if isinstance(region, list) else table.c.region_code == region
        if category:
            where = and_(where, table.c.category == category)
        keys = {"region": [table.c.region_code.label("code")], "category": [table.c.category.label("code")]}
        return where, keys.get(by, [])

    where, keys = scoped(d)
    days = frame(
        conn.execute(
            select(
                *keys,
                func.coalesce(func.sum(case((d.c.status == RED, d.c.n), else_=0)), 0).label("red"),
                func.coalesce(func.sum(case((d.c.status == YELLOW, d.c.n), else_=0)), 0).label("yellow"),
                func.coalesce(func.sum(case((d.c.due_day < today, d.c.n), else_=0)), 0).label("overdue"),
            )
            .where(where)
            .group_by(*keys)
        ).all(),
        ["code"] * bool(keys) + ["red", "yellow", "overdue"],
        ints=["red", "yellow", "overdue"],
    )
    where, keys = scoped(ow)
    due_today = frame(
        conn.execute(
            select(*keys, func.count().label("today"))
            .where(where, ow.c.status.in_([RED, YELLOW]), ow.c.due_at >= today_start, ow.c.due_at < now)
            .group_by(*keys)
        ).all(),
        ["code"] * bool(keys) + ["today"],
        ints=["today"],
    )
    if keys:
        days = days.merge(due_today, on="code", how="outer").fillna(0)
    else:
        days["today"] = int(due_today["today"].sum())
    days["overdue"] = (days["overdue"] + days["today"]).astype("int64")
    return days.drop(columns="today")


def _warning_counts(conn, window: Window, region, category: str | None = None, by: str | None = None):
    from queries.warnings import STATUS_COUNT_COLUMNS

    open_now = _open_warning_counts(conn, window.now, region, category, by)
    where = ws.c.region_code.in_(region) if isinstance(region, list) else ws.c.region_code == region
    if category:
        where = and_(where, ws.c.category == category)
    keys = {"region": [ws.c.region_code], "category": [ws.c.category]}.get(by, [])
    names = ["code"] * bool(keys)
    counted = frame(
        conn.execute(
            select(*keys, func.coalesce(func.sum(ws.c.green), 0), func.coalesce(func.sum(ws.c.raised), 0))
            .where(where, periods(ws, window))
            .group_by(*keys)
        ).all(),
        [*names, "green", "raised"],
    )
    if names:
        merged = open_now.merge(counted, on="code", how="outer")
    else:
        merged = pd.concat([open_now, counted], axis=1)
    merged[STATUS_COUNT_COLUMNS] = merged[STATUS_COUNT_COLUMNS].fillna(0).astype("int64")
    return merged[[*names, *STATUS_COUNT_COLUMNS]]


def warning_status_counts(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    return _warning_counts(conn, window, scope.region_code)


def warning_counts_by_child(
    conn: Connection, scope: Scope, window: Window, category: str | None = None
) -> pd.DataFrame:
    from queries.warnings import STATUS_COUNT_COLUMNS

    codes = _children(conn, scope)["code"].tolist()
    df = _warning_counts(conn, window, codes, category, by="region")
    return df[df[STATUS_COUNT_COLUMNS].sum(axis=1) > 0].reset_index(drop=True)


def warning_categories(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    from queries.warnings import CATEGORY_COUNT_COLUMNS, _with_open

    df = _warning_counts(conn, window, scope.region_code, by="category").rename(columns={"code": "category"})
    df = _with_open(df)[["category", *CATEGORY_COUNT_COLUMNS]]
    df = df[df[CATEGORY_COUNT_COLUMNS].sum(axis=1) > 0]
    return df.sort_values(["open", "raised", "category"], ascending=[False, False, True], ignore_index=True)


def warnings_raised_trend(conn: Connection, scope: Scope, window: Window, freq: str = "day") -> pd.DataFrame:
    from queries._common import period_of, trend_periods

    days = local_days(window)
    rows = conn.execute(
        select(ws.c.period, func.sum(ws.c.raised), func.sum(ws.c.green))
        .where(ws.c.region_code == scope.region_code, ws.c.grain == DAY, ws.c.period >= days[0])
        .where(ws.c.period <= days[-1])
        .group_by(ws.c.period)
    ).all()
    df = frame(rows, ["day", "raised", "disposed"], ints=["raised", "disposed"])
    df["period"] = [period_of(pd.Timestamp(d).date(), freq) for d in df["day"]]
    held = df.loc[(df["raised"] + df["disposed"]) > 0, "day"]
    periods_ = trend_periods(window, freq, [pd.Timestamp(d).date() for d in held])
    out = df.groupby("period")[["raised", "disposed"]].sum().reindex(periods_, fill_value=0)
    return out.rename_axis("period").reset_index().astype({"raised": "int64", "disposed": "int64"})


def warning_queue_counts(
    conn: Connection,
    scope: Scope,
    now: datetime,
    category: str | None = None,
    owner_kind: str | None = None,
    overdue_only: bool = False,
) -> dict[str, int] | None:
    """Filtered by owner kind: the counts by status now from
    snap_rule_stats, or with ``overdue_only`` from the open list."""
    from cockpit.lifecycle import WARNING
    from queries.warnings import GREEN

    if owner_kind and not overdue_only:
        rs = snap_rule_stats
        where = [rs.c.region_code == scope.region_code, rs.c.owner_kind == owner_kind]
        if category:
            where.append(rs.c.category == category)
        sums = conn.execute(select(*(func.coalesce(func.sum(rs.c[c]), 0) for c in _COLOURS)).where(*where))
        sums = sums.one()
        return {STATUS_OF_COLOUR[c]: int(n) for c, n in zip(_COLOURS, sums, strict=True)}
    if owner_kind:
        where = [ow.c.region_code == scope.region_code, ow.c.owner_kind == owner_kind, ow.c.due_at < now]
        if category:
            where.append(ow.c.category == category)
        counts = dict(
            conn.execute(select(ow.c.status, func.count()).where(*where).group_by(ow.c.status)).all()
        )
    else:
        d = snap_open_warning_days
        where = [d.c.region_code == scope.region_code] + ([d.c.category == category] if category else [])
        if overdue_only:
            # Whole days before today, then today's warnings due before now.
            where.append(d.c.due_day < now.astimezone(TZ).date())
        counts = dict(
            conn.execute(select(d.c.status, func.sum(d.c.n)).where(*where).group_by(d.c.status)).all()
        )
        if overdue_only:
            today = [
                ow.c.region_code == scope.region_code,
                ow.c.status.in_(WARNING.open_codes),
                ow.c.due_at >= local_midnight(now.astimezone(TZ).date()),
                ow.c.due_at < now,
            ] + ([ow.c.category == category] if category else [])
            for status, n in conn.execute(
                select(ow.c.status, func.count()).where(*today).group_by(ow.c.status)
            ):
                counts[status] = int(counts.get(status, 0) or 0) + int(n)
    if not overdue_only:
        green = select(func.coalesce(func.sum(ws.c.green), 0)).where(
            ws.c.region_code == scope.region_code, ws.c.grain == MONTH
        )
        if category:
            green = green.where(ws.c.category == category)
        counts[GREEN] = conn.execute(green).scalar()
    return {code: int(counts.get(code, 0)) for code in WARNING.codes}


# -- totals over all time: the /rules page and the queue's filters --------------------------------


def warning_filter_options(conn: Connection, scope: Scope) -> dict[str, list[str]]:
    where = [rs.c.region_code == scope.region_code, rs.c.hits > 0]
    options = {}
    for key, column in (("categories", rs.c.category), ("owner_kinds", rs.c.owner_kind)):
        options[key] = list(conn.execute(select(column).where(*where).distinct().order_by(column)).scalars())
    return options


def _rule_sums(conn: Connection, scope: Scope, *columns) -> list:
    """Per rule_code: ``columns`` summed or maxed over the region's rows."""
    return conn.execute(
        select(rs.c.rule_code, *columns)
        .where(rs.c.region_code == scope.region_code, rs.c.hits > 0)
        .group_by(rs.c.rule_code)
        .order_by(rs.c.rule_code)
    ).all()


def rule_statistics(conn: Connection, scope: Scope) -> pd.DataFrame:
    from queries.warnings import _rule_statistics_frame

    counts = ["red", "yellow", "green", "hits", "false_alarms"]
    return _rule_statistics_frame(
        _rule_sums(conn, scope, func.max(rs.c.category), *(func.sum(rs.c[c]) for c in counts))
    )


def rule_hit_rates(conn: Connection, scope: Scope, subjects) -> pd.DataFrame:
    from queries.warnings import SUBJECT_TABLES, _hit_rate_frame

    found = _rule_sums(conn, scope, func.max(rs.c.subject_type), func.sum(rs.c.hits))
    rc = snap_record_counts.c
    counted = dict(conn.execute(select(rc.table_name, rc.n).where(rc.region_code == scope.region_code)).all())
    received = conn.execute(
        select(func.coalesce(func.sum(ps.c.received), 0)).where(
            ps.c.region_code == scope.region_code, ps.c.grain == MONTH
        )
    ).scalar()
    records = {
        subject: int(received if table == "petitions" else counted.get(table, 0))
        for subject, table in SUBJECT_TABLES.items()
    }
    return _hit_rate_frame(found, subjects, records)
