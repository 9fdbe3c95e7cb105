"""Questions about petitions (诉求). Definitions: docs/metrics.md."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, Connection, and_, case, func, select

from cockpit.lifecycle import CHANNELS, COMPLEXITY, HANDLING_LEVELS, PETITION
from cockpit.store.schema import petition_events, petitions, regions
from cockpit.store.sqlfuncs import local_day, seconds_between
from cockpit.timewindow import Window
from queries._common import (
    count_if,
    frame,
    percentiles,
    period_of,
    share,
    to_local,
    trend_periods,
    within,
)
from queries.personal import shown_frame, shown_record
from queries.scope import Scope, child_of_village, in_scope, require_records
from queries.snapshot import HANDLING_SUMMARY_COLUMNS, snapshot_first

SLA_SECONDS = 5 * 24 * 3600
HOUR = 3600.0

# Handling-time buckets: (key, label, lower bound in days, upper bound in days).
# A petition falls in the bucket with lower < days <= upper (the first from 0).
HANDLING_BUCKETS = (
    ("0-1", "1天内", 0, 1),
    ("1-2", "1-2天", 1, 2),
    ("2-3", "2-3天", 2, 3),
    ("3-5", "3-5天", 3, 5),
    ("5-10", "5-10天", 5, 10),
    ("10-15", "10-15天", 10, 15),
    ("15+", "15天以上", 15, None),
)

_duration = seconds_between(petitions.c.received_at, petitions.c.closed_at)
_is_closed = petitions.c.closed_at.is_not(None)


def _closed_within(window: Window) -> ColumnElement[bool]:
    return and_(_is_closed, _duration <= SLA_SECONDS)


def _in_progress(window: Window) -> ColumnElement[bool]:
    """Open, and not yet 5 days old at the window's ``now``."""
    return and_(
        petitions.c.closed_at.is_(None),
        petitions.c.received_at >= window.now - timedelta(seconds=SLA_SECONDS),
    )


def _sla_counts(window: Window) -> list[ColumnElement]:
    return [
        func.count().label("received"),
        count_if(_closed_within(window)).label("closed_within"),
        count_if(_in_progress(window)).label("in_progress"),
    ]


def _with_share(df: pd.DataFrame) -> pd.DataFrame:
    """Add ``late`` and ``share`` to rows holding received, closed_within,
    in_progress (see docs/metrics.md, "Closed within 5 days")."""
    df["late"] = df["received"] - df["closed_within"] - df["in_progress"]
    df["share"] = [
        share(c, r - p)
        for c, r, p in zip(df["closed_within"], df["received"], df["in_progress"], strict=True)
    ]
    return df


@snapshot_first("count_received")
def count_received(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    """How many petitions came in during the window, and today?

    One row: received (in the window), received_today (since local midnight of
    the window's ``now``, whatever the window).
    """
    query = select(
        count_if(within(petitions.c.received_at, window)).label("received"),
        count_if(
            and_(petitions.c.received_at >= window.today_start, petitions.c.received_at <= window.now)
        ).label("received_today"),
    ).where(
        in_scope(petitions.c.village_code, scope),
        petitions.c.received_at >= min(window.start, window.today_start),
    )
    return frame(
        conn.execute(query).all(), ["received", "received_today"], ints=["received", "received_today"]
    )


@snapshot_first("open_backlog")
def open_backlog(conn: Connection, scope: Scope, now: datetime) -> pd.DataFrame:
    """How many petitions are open right now, and how many of them are past
    their time limit (5 days general, 15 complex)?

    One row: open, overdue.
    """
    query = select(
        func.count().label("open"),
        count_if(petitions.c.due_at < now).label("overdue"),
    ).where(in_scope(petitions.c.village_code, scope), petitions.c.status.in_(PETITION.open_codes))
    return frame(conn.execute(query).all(), ["open", "overdue"], ints=["open", "overdue"])


@snapshot_first("share_closed_within_5_days")
def share_closed_within_5_days(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    """What share of the window's petitions was closed within 5 days?

    One row: received, closed_within, late, in_progress, share (float in
    [0, 1], NaN when no petition's outcome is known yet).
    """
    query = select(*_sla_counts(window)).where(
        in_scope(petitions.c.village_code, scope), within(petitions.c.received_at, window)
    )
    df = frame(
        conn.execute(query).all(),
        ["received", "closed_within", "in_progress"],
        ints=["received", "closed_within", "in_progress"],
    )
    return _with_share(df)[["received", "closed_within", "late", "in_progress", "share"]]


@snapshot_first("share_closed_within_5_days_trend")
def share_closed_within_5_days_trend(
    conn: Connection, scope: Scope, window: Window, freq: str = "day"
) -> pd.DataFrame:
    """How did the 5-day share move over the window, day by day (or by ISO
    week, or month, of receipt)?

    Columns: period (date: the day, the week's Monday or the month's first
    day, Asia/Shanghai), received, closed_within, late, in_progress, share.
    Every period the window touches is present, with zeros when quiet.
    """
    day = local_day(petitions.c.received_at).label("day")
    query = (
        select(day, *_sla_counts(window))
        .where(in_scope(petitions.c.village_code, scope), within(petitions.c.received_at, window))
        .group_by(day)
    )
    daily = frame(
        conn.execute(query).all(),
        ["day", "received", "closed_within", "in_progress"],
        ints=["received", "closed_within", "in_progress"],
    )
    daily["day"] = pd.to_datetime(daily["day"]).dt.date
    return _roll_up_sla(daily, window, freq)


def _roll_up_sla(daily: pd.DataFrame, window: Window, freq: str) -> pd.DataFrame:
    """Days (columns day, received, closed_within, in_progress) summed into
    every period the window touches, with the share."""
    held = daily.loc[(daily["received"] + daily["in_progress"]) > 0, "day"]
    periods = trend_periods(window, freq, held)
    daily["period"] = [period_of(d, freq) for d in daily["day"]]
    grouped = daily.groupby("period")[["received", "closed_within", "in_progress"]].sum()
    df = grouped.reindex(periods, fill_value=0).rename_axis("period").reset_index()
    df = df.astype({"received": "int64", "closed_within": "int64", "in_progress": "int64"})
    return _with_share(df)[["period", "received", "closed_within", "late", "in_progress", "share"]]


@snapshot_first("top_categories")
def top_categories(conn: Connection, scope: Scope, window: Window, limit: int = 10) -> pd.DataFrame:
    """Which items do residents petition about most (high-frequency items)?

    Columns: category, received, share_of_received (of all petitions in the
    window and scope), closed_within, late, share_5d. Most frequent first;
    ties by category name.
    """
    where = and_(in_scope(petitions.c.village_code, scope), within(petitions.c.received_at, window))
    total = conn.execute(select(func.count()).where(where)).scalar() or 0
    query = (
        select(petitions.c.category, *_sla_counts(window))
        .where(where)
        .group_by(petitions.c.category)
        .order_by(func.count().desc(), petitions.c.category)
        .limit(limit)
    )
    df = frame(
        conn.execute(query).all(),
        ["category", "received", "closed_within", "in_progress"],
        ints=["received", "closed_within", "in_progress"],
    )
    df = _with_share(df)
    df["share_of_received"] = [share(r, total) for r in df["received"]]
    return df.rename(columns={"share": "share_5d"})[
        ["category", "received", "share_of_received", "closed_within", "late", "share_5d"]
    ]


@snapshot_first("handling_time_distribution")
def handling_time_distribution(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    """How long did the window's closed petitions take?

    Columns: bucket, label, count: every bucket of HANDLING_BUCKETS in order,
    counting petitions received in the window and closed (at any time).
    """
    whens = [
        (_duration <= upper * 86400, key)
        for key, _label, _lower, upper in HANDLING_BUCKETS
        if upper is not None
    ]
    bucket = case(*whens, else_=HANDLING_BUCKETS[-1][0]).label("bucket")
    query = (
        select(bucket, func.count().label("count"))
        .where(in_scope(petitions.c.village_code, scope), within(petitions.c.received_at, window), _is_closed)
        .group_by(bucket)
    )
    counts = dict(conn.execute(query).all())
    rows = [(key, label, int(counts.get(key, 0))) for key, label, _lower, _upper in HANDLING_BUCKETS]
    return frame(rows, ["bucket", "label", "count"], ints=["count"])


@snapshot_first("handling_time_summary")
def handling_time_summary(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    """How long does closing a petition take: median, 90th percentile, mean?

    One row: closed (petitions received in the window and closed), median_hours,
    p90_hours, mean_hours (NaN when none is closed), median_bound_hours and
    p90_bound_hours: how far the true figure can be from the one given (0:
    exact, as here; the snapshot's histogram may give an estimate for large
    regions, docs/metrics.md).
    """
    where = and_(
        in_scope(petitions.c.village_code, scope), within(petitions.c.received_at, window), _is_closed
    )
    closed, mean_seconds = conn.execute(select(func.count(), func.avg(_duration)).where(where)).one()
    stats = percentiles(conn, _duration, None, where)
    median = stats["p50"].iloc[0] / HOUR if len(stats) else float("nan")
    p90 = stats["p90"].iloc[0] / HOUR if len(stats) else float("nan")
    mean = float(mean_seconds) / HOUR if mean_seconds is not None else float("nan")
    bound = 0.0 if closed else float("nan")
    return frame(
        [(closed, median, p90, mean, bound, bound)],
        HANDLING_SUMMARY_COLUMNS,
        ints=["closed"],
        floats=HANDLING_SUMMARY_COLUMNS[1:],
    )


@snapshot_first("child_region_metrics")
def child_region_metrics(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    """How do the scope's direct child regions compare?

    One row per child region (zeros when it has no petitions), ordered as the
    store orders regions. Columns: code, name, received, closed_within, late,
    in_progress, share_5d, open, overdue, median_hours, red, yellow, green
    (warning counts as in queries.warnings.warning_status_counts),
    median_bound_hours (as in handling_time_summary).
    """
    from queries.warnings import warning_counts_by_child

    children = conn.execute(
        select(regions.c.code, regions.c.name)
        .where(regions.c.parent_code == scope.region_code)
        .order_by(regions.c.sort_order, regions.c.code)
    ).all()
    base = pd.DataFrame(children, columns=["code", "name"])
    mapping = child_of_village(scope).subquery()
    joined = petitions.join(mapping, mapping.c.village_code == petitions.c.village_code)
    sla = frame(
        conn.execute(
            select(mapping.c.child_code, *_sla_counts(window))
            .select_from(joined)
            .where(within(petitions.c.received_at, window))
            .group_by(mapping.c.child_code)
        ).all(),
        ["code", "received", "closed_within", "in_progress"],
        ints=["received", "closed_within", "in_progress"],
    )
    backlog = frame(
        conn.execute(
            select(mapping.c.child_code, func.count(), count_if(petitions.c.due_at < window.now))
            .select_from(joined)
            .where(petitions.c.status.in_(PETITION.open_codes))
            .group_by(mapping.c.child_code)
        ).all(),
        ["code", "open", "overdue"],
        ints=["open", "overdue"],
    )
    medians = percentiles(
        conn,
        _duration,
        mapping.c.child_code,
        and_(within(petitions.c.received_at, window), _is_closed),
        from_=joined,
    ).rename(columns={"group": "code"})
    medians["median_hours"] = medians["p50"].astype(float) / HOUR
    medians["median_bound_hours"] = 0.0
    df = base.merge(sla, on="code", how="left").merge(backlog, on="code", how="left")
    df = df.merge(medians[["code", "median_hours", "median_bound_hours"]], on="code", how="left")
    warning_counts = warning_counts_by_child.raw(conn, scope, window)[["code", "red", "yellow", "green"]]
    return _finish_child_metrics(df.merge(warning_counts, on="code", how="left"))


CHILD_METRIC_COLUMNS = [
    "code", "name", "received", "closed_within", "late", "in_progress", "share_5d", "open", "overdue",
    "median_hours", "red", "yellow", "green", "median_bound_hours",
]  # fmt: skip


def _finish_child_metrics(df: pd.DataFrame) -> pd.DataFrame:
    """child_region_metrics' columns from the children merged with their
    counts (missing counts are zeros) and medians."""
    counts = ["received", "closed_within", "in_progress", "open", "overdue", "red", "yellow", "green"]
    df[counts] = df[counts].fillna(0).astype("int64")
    df["median_hours"] = df["median_hours"].astype("float64")
    df["median_bound_hours"] = df["median_bound_hours"].astype("float64")
    df = _with_share(df).rename(columns={"share": "share_5d"})
    return df[CHILD_METRIC_COLUMNS]


def village_petitions(conn: Connection, scope: Scope, window: Window, limit: int = 500) -> pd.DataFrame:
    """The petitions the scope (one village) received in the window, newest first.

    Columns: id, external_id, received_at, category, channel, channel_label,
    complexity, complexity_label, status, status_label, handling_level,
    handling_level_label, handling_unit, closed_at, handling_hours (NaN when
    open), within_5d (True/False; None while in progress), overdue (open and
    past its time limit), summary, real_name, reporter_name, reporter_phone,
    satisfaction. Personal data as queries.personal.shown_frame gives it: the
    reporter only for viewers who may see reporters, masked unless unmasked.
    """
    query = (
        select(
            petitions.c.id,
            petitions.c.external_id,
            petitions.c.received_at,
            petitions.c.category,
            petitions.c.channel,
            petitions.c.complexity,
            petitions.c.status,
            petitions.c.handling_level,
            petitions.c.handling_unit,
            petitions.c.closed_at,
            (_duration / HOUR).label("handling_hours"),
            petitions.c.due_at,
            petitions.c.summary,
            petitions.c.real_name,
            petitions.c.reporter_name,
            petitions.c.reporter_phone,
            petitions.c.satisfaction,
        )
        .where(in_scope(petitions.c.village_code, scope), within(petitions.c.received_at, window))
        .order_by(petitions.c.received_at.desc(), petitions.c.id.desc())
        .limit(limit)
    )
    require_records(scope)
    df = pd.DataFrame(conn.execute(query).mappings().all())
    columns = [
        "id", "external_id", "received_at", "category", "channel", "channel_label", "complexity",
        "complexity_label", "status", "status_label", "handling_level", "handling_level_label",
        "handling_unit", "closed_at", "handling_hours", "within_5d", "overdue", "summary", "real_name",
        "reporter_name", "reporter_phone", "satisfaction",
    ]  # fmt: skip
    if df.empty:
        return pd.DataFrame(columns=columns)
    df["handling_hours"] = pd.to_numeric(df["handling_hours"]).astype("float64")
    df["within_5d"] = [
        (hours <= SLA_SECONDS / HOUR) if pd.notna(hours)
        else (None if (window.now - received).total_seconds() <= SLA_SECONDS else False)
        for hours, received in zip(df["handling_hours"], df["received_at"], strict=True)
    ]  # fmt: skip
    df["overdue"] = [
        pd.isna(c) and due < window.now for c, due in zip(df["closed_at"], df["due_at"], strict=True)
    ]
    df["channel_label"] = df["channel"].map(lambda c: CHANNELS.get(c, c))
    df["complexity_label"] = df["complexity"].map(lambda c: COMPLEXITY.get(c, c))
    df["status_label"] = df["status"].map(lambda s: PETITION.status(s).label)
    df["handling_level_label"] = df["handling_level"].map(lambda x: HANDLING_LEVELS.get(x, x))
    df["real_name"] = df["real_name"].astype(bool)
    return shown_frame(to_local(df, ["received_at", "closed_at"])[columns], scope, table="petitions")


def petition_village(conn: Connection, petition_id: int) -> str | None:
    """The village a petition belongs to (to authorize a request for it), or None."""
    return conn.execute(select(petitions.c.village_code).where(petitions.c.id == petition_id)).scalar()


def get_petition(conn: Connection, scope: Scope, petition_id: int) -> dict | None:
    """One petition in the scope with all its columns plus village_name, or
    None. The reporter (reporter_name, reporter_phone) only for a viewer who
    may see reporters (else None); personal data masked unless the scope is
    unmasked (queries.personal.shown_record)."""
    require_records(scope)
    query = (
        select(petitions, regions.c.name.label("village_name"))
        .join(regions, regions.c.code == petitions.c.village_code)
        .where(petitions.c.id == petition_id, in_scope(petitions.c.village_code, scope))
    )
    row = conn.execute(query).mappings().first()
    return None if row is None else shown_record(row, scope, table="petitions")


def petition_trail(conn: Connection, scope: Scope, petition_id: int) -> pd.DataFrame:
    """Every step of one petition in the scope, oldest first.

    Columns: at, kind, kind_label, level, level_label, unit, note (masked
    unless the scope is unmasked: phone and identity numbers, the reporter's
    name; the units are officials', left as they are).
    """
    query = (
        select(
            petition_events.c.at,
            petition_events.c.kind,
            petition_events.c.level,
            petition_events.c.unit,
            petition_events.c.note,
            petitions.c.reporter_name,
        )
        .join(petitions, petitions.c.id == petition_events.c.petition_id)
        .where(petition_events.c.petition_id == petition_id, in_scope(petitions.c.village_code, scope))
        .order_by(petition_events.c.at, petition_events.c.id)
    )
    require_records(scope)
    df = pd.DataFrame(
        conn.execute(query).all(), columns=["at", "kind", "level", "unit", "note", "reporter_name"]
    )
    df["kind_label"] = df["kind"].map(lambda k: PETITION.transition(k).label)
    df["level_label"] = df["level"].map(lambda x: HANDLING_LEVELS.get(x, x))
    df = shown_frame(df, scope, table="petitions")
    return to_local(df, ["at"])[["at", "kind", "kind_label", "level", "level_label", "unit", "note"]]
