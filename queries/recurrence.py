"""Repeated and common problems (重复反映、共性问题): what residents report
repeatedly in one village, which items are rising, which surge across many
villages at once (Nanping's officers pull out the problems "reported
strongly, widely or repeatedly" and push a themed campaign). Definitions:
docs/metrics.md.

A petition counts by its **receipt** (``received_at``), whatever its status.
Every period is half-open [start, end); periods that end "now" exclude a
petition received exactly at ``now``. Week boundaries are local midnights
in Asia/Shanghai (``week_bounds``), compared with the stored UTC times as
instants (the same as comparing ``sqlfuncs.local_day``, and index-friendly).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Select, and_, case, func, select

from cockpit.lifecycle import PETITION
from cockpit.store.schema import petitions, regions
from cockpit.timewindow import TZ, local_midnight
from queries._common import count_if, frame, to_local
from queries.personal import shown_frame
from queries.scope import Scope, in_scope, require_records

# Repeated problems: the same category in the same village, at least
# REPEAT_MIN_COUNT times within the last REPEAT_DAYS days.
REPEAT_DAYS = 30
REPEAT_MIN_COUNT = 3
# Rising categories: at least RISE_MIN_COUNT petitions in the last 7 local
# days, and up by at least RISE_MIN (0.5 = +50%) on the 7 days before.
RISE_MIN = 0.5
RISE_MIN_COUNT = 5
# Surging categories: petitions in at least SURGE_MIN_VILLAGES villages in the
# last SURGE_DAYS local days, and at least SURGE_FACTOR times the mean number
# of villages of the SURGE_BASELINE_PERIODS periods of the same length before.
SURGE_DAYS = 7
SURGE_MIN_VILLAGES = 5
SURGE_FACTOR = 2.0
SURGE_BASELINE_PERIODS = 4

GROUP_COLUMNS = [
    "village_code", "village_name", "town_name", "category", "petitions", "first_received", "last_received",
]  # fmt: skip

_village = regions.alias("village")
_town = regions.alias("town")


def _received(start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(petitions.c.received_at >= start, petitions.c.received_at < end)


def week_bounds(now: datetime) -> tuple[datetime, datetime]:
    """(start of the 7 days before, start of the last 7 days): the local
    midnights of today - 13 and today - 6, today being ``now``'s local date.
    The last 7 days run [today - 6 00:00, now), the 7 before
    [today - 13 00:00, today - 6 00:00)."""
    today = now.astimezone(TZ).date()
    return local_midnight(today - timedelta(days=13)), local_midnight(today - timedelta(days=6))


def local_periods(now: datetime, days: int, count: int) -> list[tuple[datetime, datetime]]:
    """``count`` periods of ``days`` local days, newest first: the first is
    [local midnight of today - (days - 1), now), each earlier one the
    ``days`` whole local days before the next."""
    today: date = now.astimezone(TZ).date()
    start = local_midnight(today - timedelta(days=days - 1))
    periods = [(start, now)]
    for _ in range(count - 1):
        start, end = start - timedelta(days=days), start
        periods.append((start, end))
    return periods


# ---------------------------------------------------------------- repeated


def _repeated_groups(
    conn: Connection, scope: Scope, now: datetime, days: int, min_count: int, limit: int
) -> pd.DataFrame:
    since = now - timedelta(days=days)
    last = func.max(petitions.c.received_at)
    query = (
        select(
            petitions.c.village_code,
            petitions.c.category,
            func.count().label("petitions"),
            func.min(petitions.c.received_at).label("first_received"),
            last.label("last_received"),
        )
        .where(in_scope(petitions.c.village_code, scope), _received(since, now))
        .group_by(petitions.c.village_code, petitions.c.category)
        .having(func.count() >= min_count)
        .order_by(func.count().desc(), last.desc(), petitions.c.village_code, petitions.c.category)
        .limit(limit)
    )
    groups = frame(
        conn.execute(query).all(),
        ["village_code", "category", "petitions", "first_received", "last_received"],
        ints=["petitions"],
    )
    names = _village_names(conn, groups["village_code"].unique().tolist())
    groups = groups.merge(names, on="village_code", how="left")
    groups = to_local(groups, ["first_received", "last_received"])
    return groups[
        [
            "village_code",
            "village_name",
            "town_name",
            "category",
            "petitions",
            "first_received",
            "last_received",
        ]
    ]


def _village_names(conn: Connection, codes: list[str]) -> pd.DataFrame:
    """village_code, village_name, town_name (the village's parent) for ``codes``."""
    rows = []
    if codes:
        rows = conn.execute(
            select(_village.c.code, _village.c.name, _town.c.name)
            .select_from(_village.outerjoin(_town, _town.c.code == _village.c.parent_code))
            .where(_village.c.code.in_(codes))
        ).all()
    return pd.DataFrame(rows, columns=["village_code", "village_name", "town_name"])


def repeated_problem_groups(
    conn: Connection,
    scope: Scope,
    now: datetime,
    days: int = REPEAT_DAYS,
    min_count: int = REPEAT_MIN_COUNT,
    limit: int = 200,
) -> pd.DataFrame:
    """Which problems does one village report again and again? The same
    category received at least ``min_count`` times in the same village in
    [now - days × 24 h, now). Aggregates only (no petition named): fit for
    the wall screen.

    Columns: village_code, village_name, town_name, category, petitions
    (int), first_received, last_received (Asia/Shanghai). Most petitions
    first; ties by the latest receipt, then village code and category.
    """
    return _repeated_groups(conn, scope, now, days, min_count, limit).reset_index(drop=True)


def repeated_problems(
    conn: Connection,
    scope: Scope,
    now: datetime,
    days: int = REPEAT_DAYS,
    min_count: int = REPEAT_MIN_COUNT,
    limit: int = 200,
) -> pd.DataFrame:
    """repeated_problem_groups with the petitions behind each row, for the
    inspector to open (/petition/<id>). Names petitions, so a kiosk is
    refused (AggregatesOnlyError).

    Columns: those of repeated_problem_groups, then petition_ids (list of
    int, newest receipt first, ties by id descending).
    """
    require_records(scope)
    groups = _repeated_groups(conn, scope, now, days, min_count, limit)
    if groups.empty:
        return groups.assign(petition_ids=pd.Series(dtype=object))
    query = (
        select(petitions.c.id, petitions.c.village_code, petitions.c.category)
        .where(
            in_scope(petitions.c.village_code, scope),
            _received(now - timedelta(days=days), now),
            petitions.c.village_code.in_(groups["village_code"].unique().tolist()),
            petitions.c.category.in_(groups["category"].unique().tolist()),
        )
        .order_by(petitions.c.received_at.desc(), petitions.c.id.desc())
    )
    ids: dict[tuple[str, str], list[int]] = {}
    for pid, village, category in conn.execute(query).all():
        ids.setdefault((village, category), []).append(int(pid))
    groups["petition_ids"] = [
        ids.get((v, c), []) for v, c in zip(groups["village_code"], groups["category"], strict=True)
    ]
    return groups.reset_index(drop=True)


def repeated_problem_count(
    conn: Connection,
    scope: Scope,
    now: datetime,
    days: int = REPEAT_DAYS,
    min_count: int = REPEAT_MIN_COUNT,
) -> pd.DataFrame:
    """How many repeated problems are there (as repeated_problem_groups, no limit)?

    One row: problems (village-category pairs), petitions (in them),
    villages (distinct villages with at least one).
    """
    inner = (
        select(petitions.c.village_code, func.count().label("n"))
        .where(in_scope(petitions.c.village_code, scope), _received(now - timedelta(days=days), now))
        .group_by(petitions.c.village_code, petitions.c.category)
        .having(func.count() >= min_count)
        .subquery()
    )
    query = select(
        func.count().label("problems"),
        func.coalesce(func.sum(inner.c.n), 0).label("petitions"),
        func.count(func.distinct(inner.c.village_code)).label("villages"),
    )
    columns = ["problems", "petitions", "villages"]
    return frame(conn.execute(query).all(), columns, ints=columns)


# ---------------------------------------------------------------- rising


def rising_categories(
    conn: Connection,
    scope: Scope,
    now: datetime,
    min_rise: float = RISE_MIN,
    min_count: int = RISE_MIN_COUNT,
) -> pd.DataFrame:
    """Which items are residents petitioning about more than a week ago?

    The last 7 local days [today - 6 00:00, now) against the 7 before
    [today - 13 00:00, today - 6 00:00) (week_bounds). One row per category
    with a petition in either. Columns: category, this_week, last_week,
    change (this_week - last_week; int), rise (change / last_week; +inf when
    last_week is 0), flagged (this_week >= min_count and rise >= min_rise).
    Flagged first, then the largest change, this_week, category.
    """
    last_start, this_start = week_bounds(now)
    query = (
        select(
            petitions.c.category,
            count_if(petitions.c.received_at >= this_start).label("this_week"),
            count_if(petitions.c.received_at < this_start).label("last_week"),
        )
        .where(in_scope(petitions.c.village_code, scope), _received(last_start, now))
        .group_by(petitions.c.category)
    )
    df = frame(
        conn.execute(query).all(), ["category", "this_week", "last_week"], ints=["this_week", "last_week"]
    )
    df["change"] = (df["this_week"] - df["last_week"]).astype("int64")
    df["rise"] = pd.Series(
        [_rise(c, last) for c, last in zip(df["change"], df["last_week"], strict=True)],
        index=df.index,
        dtype="float64",
    )
    df["flagged"] = (df["this_week"] >= min_count) & (df["rise"] >= min_rise)
    df = df.sort_values(
        ["flagged", "change", "this_week", "category"], ascending=[False, False, False, True], kind="stable"
    )
    return df[["category", "this_week", "last_week", "change", "rise", "flagged"]].reset_index(drop=True)


def _rise(change: int, last_week: int) -> float:
    if last_week:
        return change / last_week
    return math.inf if change > 0 else math.nan


# ---------------------------------------------------------------- surging


def surging_categories(
    conn: Connection,
    scope: Scope,
    now: datetime,
    days: int = SURGE_DAYS,
    min_villages: int = SURGE_MIN_VILLAGES,
    factor: float = SURGE_FACTOR,
    baseline_periods: int = SURGE_BASELINE_PERIODS,
) -> pd.DataFrame:
    """Which items surge across many villages at once (a common problem)?

    The current period is the last ``days`` local days [today - (days - 1)
    00:00, now); the baseline the ``baseline_periods`` periods of ``days``
    whole local days before it (local_periods). One row per category with
    a petition in the current period. Columns: category, villages (distinct
    villages with a petition of it in the current period), petitions (int),
    baseline_villages (float: the mean of the distinct villages per baseline
    period, a quiet period counting 0), flagged (villages >= min_villages
    and villages >= factor × baseline_villages). Flagged first, then most
    villages, most petitions, category.
    """
    periods = local_periods(now, days, baseline_periods + 1)
    period = case(
        *[(petitions.c.received_at >= start, index) for index, (start, _end) in enumerate(periods)],
    ).label("period")
    inner = (
        select(petitions.c.category, petitions.c.village_code, period)
        .where(in_scope(petitions.c.village_code, scope), _received(periods[-1][0], now))
        .subquery()
    )
    query = select(
        inner.c.category,
        inner.c.period,
        func.count(func.distinct(inner.c.village_code)).label("villages"),
        func.count().label("petitions"),
    ).group_by(inner.c.category, inner.c.period)
    counts = frame(
        conn.execute(query).all(),
        ["category", "period", "villages", "petitions"],
        ints=["period", "villages", "petitions"],
    )
    current = counts[counts["period"] == 0].set_index("category")
    before = counts[counts["period"] > 0].groupby("category")["villages"].sum()
    df = pd.DataFrame({"category": current.index.tolist()})
    df["villages"] = current["villages"].to_numpy(dtype="int64")
    df["petitions"] = current["petitions"].to_numpy(dtype="int64")
    df["baseline_villages"] = [float(before.get(c, 0)) / baseline_periods for c in df["category"]]
    df["baseline_villages"] = df["baseline_villages"].astype("float64")
    df["flagged"] = (df["villages"] >= min_villages) & (df["villages"] >= factor * df["baseline_villages"])
    df = df.sort_values(
        ["flagged", "villages", "petitions", "category"], ascending=[False, False, False, True], kind="stable"
    )
    return df[["category", "villages", "petitions", "baseline_villages", "flagged"]].reset_index(drop=True)


# ---------------------------------------------------------------- drill-down

PETITION_COLUMNS = [
    "id", "external_id", "village_code", "village_name", "category", "received_at", "status",
    "status_label", "summary",
]  # fmt: skip


def _petition_rows(conn: Connection, scope: Scope, where: ColumnElement[bool], limit: int) -> pd.DataFrame:
    query: Select = (
        select(
            petitions.c.id,
            petitions.c.external_id,
            petitions.c.village_code,
            _village.c.name.label("village_name"),
            petitions.c.category,
            petitions.c.received_at,
            petitions.c.status,
            petitions.c.summary,
            petitions.c.reporter_name,
        )
        .select_from(petitions.join(_village, _village.c.code == petitions.c.village_code))
        .where(in_scope(petitions.c.village_code, scope), where)
        .order_by(petitions.c.received_at.desc(), petitions.c.id.desc())
        .limit(limit)
    )
    df = pd.DataFrame(conn.execute(query).mappings().all())
    if df.empty:
        return pd.DataFrame(columns=PETITION_COLUMNS)
    df["id"] = df["id"].astype("int64")
    df["status_label"] = df["status"].map(lambda s: PETITION.status(s).label)
    df = shown_frame(df, scope, table="petitions")
    return to_local(df, ["received_at"])[PETITION_COLUMNS].reset_index(drop=True)


def category_petitions(
    conn: Connection,
    scope: Scope,
    category: str,
    since: datetime,
    until: datetime,
    village_code: str | None = None,
    limit: int = 200,
) -> pd.DataFrame:
    """The petitions behind a flagged row: those of ``category`` received in
    [since, until) in the scope (and in ``village_code`` when given), newest
    first (ties by id descending).

    Columns: id, external_id, village_code, village_name, category,
    received_at (Asia/Shanghai), status, status_label, summary (masked unless
    the scope is unmasked). Refuses a kiosk.
    """
    require_records(scope)
    where = and_(petitions.c.category == category, _received(since, until))
    if village_code is not None:
        where = and_(where, petitions.c.village_code == village_code)
    return _petition_rows(conn, scope, where, limit)


def petitions_for(
    conn: Connection, scope: Scope, petition_ids: Iterable[int], limit: int = 200
) -> pd.DataFrame:
    """The petitions of ``petition_ids`` that lie in the scope (others are
    left out silently), columns and order as category_petitions."""
    require_records(scope)
    ids = [int(i) for i in petition_ids]
    if not ids:
        return pd.DataFrame(columns=PETITION_COLUMNS)
    return _petition_rows(conn, scope, petitions.c.id.in_(ids), limit)
