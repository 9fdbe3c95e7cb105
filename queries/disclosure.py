"""Questions about disclosure compliance (三务公开): did the villages publish
their party, village and finance items (27 in three categories) on time?
Definitions: docs/metrics.md ("Disclosure compliance").

An item counts in a window when its **due time** (``due_at``) falls in the
window and has passed at ``now``; where it was published (before the window,
before its due time, after the window) does not move it. At ``now`` an item
is, by ``published_at``:

- on_time (按时): published by ``now``, at or before ``due_at``;
- late (逾期公开): published by ``now``, after ``due_at``;
- missing (未公开): not published by ``now`` (an empty ``published_at``, or
  one after ``now``) though ``due_at`` has passed;
- upcoming (未到期): ``due_at`` after ``now`` and not published yet (the
  store holds items scheduled up to 60 days ahead): never counted as due.

The due time is the item's own ``due_at``, without the grace days of the
DIS-01 warning rule (party and village 3 days, finance 0): the compliance
share measures publishing by the deadline; the warning, a breach worth a
warning.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Select, and_, case, func, or_, select

from cockpit.store.records import disclosures
from cockpit.store.schema import region_tree, regions
from cockpit.timewindow import Window
from queries._common import count_if, frame, share, to_local, with_place_names, within
from queries.scope import Scope, in_scope, require_records

DAY = 86400.0
CATEGORY_ORDER = ("party", "village", "finance")
STATES = ("on_time", "late", "missing", "upcoming")
STATE_LABELS = {"on_time": "按时公开", "late": "逾期公开", "missing": "未公开", "upcoming": "未到期"}

COMPLIANCE_COLUMNS = ["due", "on_time", "late", "missing", "on_time_share"]
_COUNTS = ["due", "on_time", "late"]


def _now(window: Window, now: datetime | None) -> datetime:
    return now if now is not None else window.now


def _published(now: datetime) -> ColumnElement[bool]:
    """Published by ``now`` (a publication dated after ``now`` is not yet)."""
    return and_(disclosures.c.published_at.is_not(None), disclosures.c.published_at <= now)


def _due(window: Window, now: datetime) -> ColumnElement[bool]:
    """Due in the window, and due by ``now``."""
    return and_(within(disclosures.c.due_at, window), disclosures.c.due_at <= now)


def _counts(now: datetime) -> list[ColumnElement]:
    published = _published(now)
    return [
        func.count().label("due"),
        count_if(and_(published, disclosures.c.published_at <= disclosures.c.due_at)).label("on_time"),
        count_if(and_(published, disclosures.c.published_at > disclosures.c.due_at)).label("late"),
    ]


def _with_missing(df: pd.DataFrame) -> pd.DataFrame:
    """Add ``missing`` and ``on_time_share`` to rows holding due, on_time, late."""
    df[_COUNTS] = df[_COUNTS].fillna(0).astype("int64")
    df["missing"] = (df["due"] - df["on_time"] - df["late"]).astype("int64")
    df["on_time_share"] = pd.Series(
        [share(o, d) for o, d in zip(df["on_time"], df["due"], strict=True)], index=df.index, dtype="float64"
    )
    return df


def _children(conn: Connection, scope: Scope) -> tuple[pd.DataFrame, Select]:
    """The scope's direct children (code, name; store order) and the mapping
    (child_code, village_code) of every region under each; a scope without
    children (a village) is its own one child."""
    rows = conn.execute(
        select(regions.c.code, regions.c.name)
        .where(regions.c.parent_code == scope.region_code)
        .order_by(regions.c.sort_order, regions.c.code)
    ).all()
    if rows:
        child = regions.alias("child")
        mapping = (
            select(
                region_tree.c.ancestor_code.label("child_code"),
                region_tree.c.descendant_code.label("village_code"),
            )
            .join(child, child.c.code == region_tree.c.ancestor_code)
            .where(child.c.parent_code == scope.region_code)
        )
    else:
        rows = conn.execute(
            select(regions.c.code, regions.c.name).where(regions.c.code == scope.region_code)
        ).all()
        mapping = select(
            region_tree.c.ancestor_code.label("child_code"),
            region_tree.c.descendant_code.label("village_code"),
        ).where(region_tree.c.ancestor_code == scope.region_code)
    return pd.DataFrame(rows, columns=["child_code", "child_name"]), mapping


def disclosure_compliance(
    conn: Connection, scope: Scope, window: Window, now: datetime | None = None
) -> pd.DataFrame:
    """Did each child region publish its disclosure items on time?

    One row per direct child region of the scope (zeros when it owed
    nothing), in store order; a village scope gives the village itself.
    Columns: child_code, child_name, due, on_time, late, missing (int64),
    on_time_share (float, NaN when due = 0). ``now`` defaults to the window's.
    """
    now = _now(window, now)
    base, mapping = _children(conn, scope)
    mapping = mapping.subquery()
    query = (
        select(mapping.c.child_code, *_counts(now))
        .select_from(disclosures.join(mapping, mapping.c.village_code == disclosures.c.village_code))
        .where(_due(window, now))
        .group_by(mapping.c.child_code)
    )
    counts = frame(conn.execute(query).all(), ["child_code", *_COUNTS], ints=_COUNTS)
    df = _with_missing(base.merge(counts, on="child_code", how="left"))
    return df[["child_code", "child_name", *COMPLIANCE_COLUMNS]]


def disclosure_summary(
    conn: Connection, scope: Scope, window: Window, now: datetime | None = None
) -> pd.DataFrame:
    """The scope's disclosure compliance in one row: due, on_time, late,
    missing (int64), on_time_share (float, NaN when due = 0)."""
    now = _now(window, now)
    query = select(*_counts(now)).where(in_scope(disclosures.c.village_code, scope), _due(window, now))
    df = frame(conn.execute(query).all(), _COUNTS, ints=_COUNTS)
    return _with_missing(df)[COMPLIANCE_COLUMNS]


def village_compliance(
    conn: Connection, scope: Scope, window: Window, now: datetime | None = None
) -> pd.DataFrame:
    """Disclosure compliance of every village under the scope (at any depth;
    a village scope gives itself), to colour a map of villages.

    Columns: village_code, village_name, due, on_time, late, missing (int64),
    on_time_share (float, NaN when due = 0). Ordered by village code; a
    village that owed nothing has zeros.
    """
    now = _now(window, now)
    villages = conn.execute(
        select(regions.c.code, regions.c.name)
        .join(region_tree, region_tree.c.descendant_code == regions.c.code)
        .where(region_tree.c.ancestor_code == scope.region_code, regions.c.level == "village")
        .order_by(regions.c.code)
    ).all()
    base = pd.DataFrame(villages, columns=["village_code", "village_name"])
    query = (
        select(disclosures.c.village_code, *_counts(now))
        .where(in_scope(disclosures.c.village_code, scope), _due(window, now))
        .group_by(disclosures.c.village_code)
    )
    counts = frame(conn.execute(query).all(), ["village_code", *_COUNTS], ints=_COUNTS)
    df = _with_missing(base.merge(counts, on="village_code", how="left"))
    return df[["village_code", "village_name", *COMPLIANCE_COLUMNS]]


def _state(due: datetime, published: datetime | None, now: datetime) -> tuple[str, int]:
    """An item's state at ``now`` (``published``: its publication if by
    ``now``, else None) and its whole days late (0 unless late or missing)."""
    if published is not None:
        if published <= due:
            return "on_time", 0
        return "late", _whole_days((published - due).total_seconds())
    if due <= now:
        return "missing", _whole_days((now - due).total_seconds())
    return "upcoming", 0


def _whole_days(seconds: float) -> int:
    """Whole days in ``seconds``, at least 1 when positive (as the DIS-01
    warning counts its days late)."""
    if pd.isna(seconds) or seconds <= 0:
        return 0
    return max(1, int(seconds // DAY))


MATRIX_COLUMNS = [
    "id", "village_code", "village_name", "category", "item", "period", "due_at", "published_at", "state",
    "days_late",
]  # fmt: skip


def disclosure_matrix(
    conn: Connection, scope: Scope, window: Window, now: datetime | None = None, limit: int = 500
) -> pd.DataFrame:
    """Every item due in the window (passed or not yet, for a village's
    item-by-period grid), with its state at ``now``.

    Columns: id, village_code, village_name, category (party/village/
    finance), item, period, due_at, published_at (local time; NaT when not
    published by ``now``), state (on_time / late / missing / upcoming),
    days_late (int: whole days published after due, or due ago when missing;
    0 otherwise). Ordered by due time, category (party, village, finance),
    item, village; at most ``limit`` rows. Meant for one village (27 items a
    period); at a wider scope each village has its own rows.
    """
    now = _now(window, now)
    rank = case(
        *((disclosures.c.category == c, i) for i, c in enumerate(CATEGORY_ORDER)), else_=len(CATEGORY_ORDER)
    )
    query = (
        select(
            disclosures.c.id,
            disclosures.c.village_code,
            regions.c.name.label("village_name"),
            disclosures.c.category,
            disclosures.c.item,
            disclosures.c.period,
            disclosures.c.due_at,
            disclosures.c.published_at,
        )
        .join(regions, regions.c.code == disclosures.c.village_code)
        .where(in_scope(disclosures.c.village_code, scope), within(disclosures.c.due_at, window))
        .order_by(
            disclosures.c.due_at, rank, disclosures.c.item, disclosures.c.village_code, disclosures.c.id
        )
        .limit(limit)
    )
    rows = []
    for row in conn.execute(query).all():
        published = row.published_at if row.published_at is not None and row.published_at <= now else None
        state, days = _state(row.due_at, published, now)
        rows.append((*row[:7], published, state, days))
    df = pd.DataFrame(rows, columns=MATRIX_COLUMNS)
    df["days_late"] = df["days_late"].astype("int64")
    df["published_at"] = pd.to_datetime(df["published_at"], utc=True)
    return to_local(df, ["due_at", "published_at"])[MATRIX_COLUMNS]


OVERDUE_COLUMNS = [
    "id", "village_code", "village_name", "town_name", "category", "item", "period", "due_at", "days_overdue",
]  # fmt: skip


def overdue_disclosures(conn: Connection, scope: Scope, now: datetime, limit: int = 200) -> pd.DataFrame:
    """Items past due and still unpublished at ``now`` (whatever the window),
    most overdue first (then by id).

    Columns: id, village_code, village_name, town_name (the village's parent
    region), category, item, period, due_at (local time), days_overdue (int,
    whole days since due, at least 1). At most ``limit`` rows. Records:
    refused to a kiosk (AggregatesOnlyError).
    """
    require_records(scope)
    joined, names = with_place_names(disclosures, disclosures.c.village_code)
    query = (
        select(
            disclosures.c.id,
            disclosures.c.village_code,
            *names,
            disclosures.c.category,
            disclosures.c.item,
            disclosures.c.period,
            disclosures.c.due_at,
        )
        .select_from(joined)
        .where(
            in_scope(disclosures.c.village_code, scope),
            disclosures.c.due_at < now,
            or_(disclosures.c.published_at.is_(None), disclosures.c.published_at > now),
        )
        .order_by(disclosures.c.due_at, disclosures.c.id)
        .limit(limit)
    )
    df = pd.DataFrame(conn.execute(query).all(), columns=OVERDUE_COLUMNS[:-1])
    df["days_overdue"] = pd.Series(
        [_whole_days((now - due).total_seconds()) for due in df["due_at"]], index=df.index, dtype="int64"
    )
    return to_local(df, ["due_at"])[OVERDUE_COLUMNS]
