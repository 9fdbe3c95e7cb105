"""Overdue petitions (超期诉求): which open petitions are past their time limit,
who holds them, and which fall due next. Definitions: docs/metrics.md.

The time limit is the petition's ``due_at``, set at receipt: 5 days for a
general petition, 15 days for a complex one (Lukou's rule). A petition is
**overdue** at ``now`` when it is open (one of the lifecycle's open statuses,
已受理 / 办理中 / 待反馈) and ``due_at < now``; one whose ``due_at`` is exactly
``now`` is not overdue yet but **due soon** (``now <= due_at < now + hours``).
The two sets never overlap. Nothing here depends on a window: it is the state
at ``now``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Select, and_, func, literal, select

from cockpit.lifecycle import COMPLEXITY, HANDLING_LEVELS, PETITION
from cockpit.store.schema import UTCDateTime, petitions
from cockpit.store.sqlfuncs import seconds_between
from queries._common import count_if, frame, to_local, with_place_names
from queries.personal import shown_frame
from queries.scope import Scope, in_scope, require_records

DAY = 86400.0
HOUR = 3600.0
# "Due soon" in overdue_counts: falling due within this many hours of now.
DUE_SOON_HOURS = 24

LIST_COLUMNS = [
    "id", "external_id", "village_code", "village_name", "town_name", "category", "complexity",
    "complexity_label", "status", "status_label", "handling_level", "handling_level_label",
    "handling_unit", "received_at", "due_at",
]  # fmt: skip

_open = petitions.c.status.in_(PETITION.open_codes)


def _is_overdue(now: datetime) -> ColumnElement[bool]:
    return and_(_open, petitions.c.due_at < now)


def _list_query(scope: Scope, where: ColumnElement[bool], limit: int) -> Select:
    """Open petitions in scope matching ``where``, earliest due first (ties by id),
    with the village and its parent (the town) named."""
    joined, names = with_place_names(petitions, petitions.c.village_code)
    return (
        select(
            petitions.c.id,
            petitions.c.external_id,
            petitions.c.village_code,
            *names,
            petitions.c.category,
            petitions.c.complexity,
            petitions.c.status,
            petitions.c.handling_level,
            petitions.c.handling_unit,
            petitions.c.received_at,
            petitions.c.due_at,
            petitions.c.summary,
            petitions.c.reporter_name,
        )
        .select_from(joined)
        .where(in_scope(petitions.c.village_code, scope), where)
        .order_by(petitions.c.due_at, petitions.c.id)
        .limit(limit)
    )


def _petition_list(
    conn: Connection, scope: Scope, query: Select, measure: str, now: datetime
) -> pd.DataFrame:
    """Run a _list_query and finish its frame: labels, ``measure``
    (days_overdue: now - due_at in days; hours_left: due_at - now in hours),
    local times, masked summary (the reporter's name masked in it too)."""
    columns = [*LIST_COLUMNS, measure, "summary"]
    df = pd.DataFrame(conn.execute(query).mappings().all())
    if df.empty:
        return pd.DataFrame(columns=columns)
    if measure == "days_overdue":
        values = [(now - due).total_seconds() / DAY for due in df["due_at"]]
    else:
        values = [(due - now).total_seconds() / HOUR for due in df["due_at"]]
    df[measure] = pd.Series(values, index=df.index, dtype="float64")
    df["id"] = df["id"].astype("int64")
    df["complexity_label"] = df["complexity"].map(lambda c: COMPLEXITY.get(c, c))
    df["status_label"] = df["status"].map(lambda s: PETITION.status(s).label)
    df["handling_level_label"] = df["handling_level"].map(lambda x: HANDLING_LEVELS.get(x, x))
    df = shown_frame(df, scope, table="petitions")
    return to_local(df, ["received_at", "due_at"])[columns].reset_index(drop=True)


def overdue_petitions(conn: Connection, scope: Scope, now: datetime, limit: int = 200) -> pd.DataFrame:
    """Which open petitions are past their time limit at ``now``? Most overdue first.

    Columns: id, external_id, village_code, village_name, town_name (the
    village's parent region), category, complexity, complexity_label, status,
    status_label, handling_level, handling_level_label, handling_unit,
    received_at, due_at (Asia/Shanghai), days_overdue (float days, now -
    due_at, > 0), summary (masked unless the scope is unmasked). Ties by id.
    """
    require_records(scope)
    query = _list_query(scope, _is_overdue(now), limit)
    return _petition_list(conn, scope, query, "days_overdue", now)


def due_soon(
    conn: Connection, scope: Scope, now: datetime, hours: float = DUE_SOON_HOURS, limit: int = 200
) -> pd.DataFrame:
    """Which open petitions fall due within the next ``hours``
    (now <= due_at < now + hours)? Soonest first.

    Columns as overdue_petitions, with hours_left (float hours, due_at -
    now, >= 0) in place of days_overdue.
    """
    require_records(scope)
    where = and_(_open, petitions.c.due_at >= now, petitions.c.due_at < now + timedelta(hours=hours))
    query = _list_query(scope, where, limit)
    return _petition_list(conn, scope, query, "hours_left", now)


def overdue_by_owner(conn: Connection, scope: Scope, now: datetime, limit: int = 50) -> pd.DataFrame:
    """Who holds the overdue petitions? One row per handling unit and level
    (the unit the petition is with now: the village committee, or the
    office it was escalated to).

    Columns: handling_unit, handling_level, handling_level_label,
    general_overdue, complex_overdue, overdue (int), max_days_overdue,
    mean_days_overdue (float days of now - due_at over the unit's overdue
    petitions). Most overdue first; ties by the longest overdue, then unit
    name and level.
    """
    days_over = seconds_between(petitions.c.due_at, literal(now, UTCDateTime())) / DAY
    overdue = func.count().label("overdue")
    query = (
        select(
            petitions.c.handling_unit,
            petitions.c.handling_level,
            count_if(petitions.c.complexity == "general").label("general_overdue"),
            count_if(petitions.c.complexity == "complex").label("complex_overdue"),
            overdue,
            func.max(days_over).label("max_days_overdue"),
            func.avg(days_over).label("mean_days_overdue"),
        )
        .where(in_scope(petitions.c.village_code, scope), _is_overdue(now))
        .group_by(petitions.c.handling_unit, petitions.c.handling_level)
        .order_by(
            func.count().desc(),
            func.min(petitions.c.due_at),
            petitions.c.handling_unit,
            petitions.c.handling_level,
        )
        .limit(limit)
    )
    df = frame(
        conn.execute(query).all(),
        [
            "handling_unit", "handling_level", "general_overdue", "complex_overdue", "overdue",
            "max_days_overdue", "mean_days_overdue",
        ],
        ints=["general_overdue", "complex_overdue", "overdue"],
        floats=["max_days_overdue", "mean_days_overdue"],
    )  # fmt: skip
    df.insert(2, "handling_level_label", df["handling_level"].map(lambda x: HANDLING_LEVELS.get(x, x)))
    return df


def overdue_counts(conn: Connection, scope: Scope, now: datetime) -> pd.DataFrame:
    """How many open petitions are overdue, by complexity, and how many fall
    due within the next 24 hours?

    One row: general_overdue, complex_overdue, overdue (their sum),
    due_within_24h (open, now <= due_at < now + 24 h).
    """
    soon = and_(petitions.c.due_at >= now, petitions.c.due_at < now + timedelta(hours=DUE_SOON_HOURS))
    late = petitions.c.due_at < now
    query = select(
        count_if(and_(late, petitions.c.complexity == "general")).label("general_overdue"),
        count_if(and_(late, petitions.c.complexity == "complex")).label("complex_overdue"),
        count_if(late).label("overdue"),
        count_if(soon).label("due_within_24h"),
    ).where(in_scope(petitions.c.village_code, scope), _open)
    columns = ["general_overdue", "complex_overdue", "overdue", "due_within_24h"]
    return frame(conn.execute(query).all(), columns, ints=columns)
