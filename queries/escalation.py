"""Escalation paths (分级办理) and handling units (承办单位).

A petition is handled at village level; what the village cannot solve goes up
to the town, then the county, then the city (HANDLING_LEVEL_ORDER; a level may
be skipped). Inspectors ask how many petitions reach each level, how long they
stay there, what share the villages solve themselves, and which handling
units are slow or late. Definitions: docs/metrics.md, "Inspector analytics".

**The level path.** Every petition event carries ``level``, the handling level
*after* the step (docs/store.md). A petition's path is the sequence of its
events' levels in order (``at``, then ``id``) with repeats dropped: it enters
the level of its first event (受理, normally village; an imported petition may
start higher) at receipt, and moves at each event whose level differs from the
event before (in practice 上报上级, escalated). A change of unit at the same
level is not a move.

**A stint** is one stay at one level: from entering it (receipt, or the event
that moved the petition there) to leaving it: the next move, or the
petition's closure (``closed_at``, its latest 办结 for a reopened petition)
when it is closed at that level. So a closed petition's stints add up to its
handling time (``closed_at − received_at``). The stint the petition is in now,
while it is open, is unfinished: it is not in the median or 90th percentile
(its length is not known), and is measured separately, up to *now*, as
``open_median_hours``.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Subquery, and_, case, func, literal, or_, select

from cockpit.lifecycle import HANDLING_LEVEL_ORDER, HANDLING_LEVELS
from cockpit.store.schema import UTCDateTime, petition_events, petitions
from cockpit.store.sqlfuncs import seconds_between
from cockpit.timewindow import Window
from queries._common import count_if, frame, percentiles, share, within
from queries.scope import Scope, in_scope

HOUR = 3600.0

# Terminal states of the flow: where a petition's path ends.
SOLVED, OPEN = "solved", "open"
FLOW_STATES = {SOLVED: "办结", OPEN: "在办"}

UNIT_ORDERS = ("median", "overdue")

LEVEL_COLUMNS = [
    "level", "level_label", "reached", "solved", "open_here", "escalated",
    "median_hours", "p90_hours", "open_median_hours", "share",
]  # fmt: skip
SUMMARY_COLUMNS = [
    "received", "closed", "open", "escalated", "escalated_share", "solved_at_village", "village_solved_share",
]  # fmt: skip
FLOW_COLUMNS = ["from_level", "to_level", "petitions"]
UNIT_COLUMNS = [
    "handling_unit", "level", "level_label", "petitions", "closed", "median_hours",
    "overdue", "overdue_share",
]  # fmt: skip

_is_closed = petitions.c.closed_at.is_not(None)


def _of_window(scope: Scope, window: Window) -> ColumnElement[bool]:
    """Petitions in scope received in the window (the figures' population)."""
    return and_(in_scope(petitions.c.village_code, scope), within(petitions.c.received_at, window))


def _level_rank(level: str) -> int:
    return HANDLING_LEVEL_ORDER.index(level) if level in HANDLING_LEVEL_ORDER else len(HANDLING_LEVEL_ORDER)


def _events(scope: Scope, window: Window, open_only: bool = False) -> Subquery:
    """The window's petitions' events with the level of the event before
    (``open_only``: of the petitions open now only)."""
    where = _of_window(scope, window)
    if open_only:
        where = and_(where, petitions.c.closed_at.is_(None))
    order = (petition_events.c.at, petition_events.c.id)
    return (
        select(
            petition_events.c.petition_id,
            petition_events.c.id,
            petition_events.c.at,
            petition_events.c.level,
            petitions.c.closed_at,
            func.lag(petition_events.c.level)
            .over(partition_by=petition_events.c.petition_id, order_by=order)
            .label("prev_level"),
        )
        .select_from(petition_events.join(petitions, petitions.c.id == petition_events.c.petition_id))
        .where(where)
        .subquery("events")
    )


def _moves(ev: Subquery) -> ColumnElement[bool]:
    """The events that put a petition at a level: its first, and each move."""
    return or_(ev.c.prev_level.is_(None), ev.c.prev_level != ev.c.level)


def _stints(scope: Scope, window: Window, open_only: bool = False) -> Subquery:
    """One row per stint: petition_id, level, entered_at, left_at (the next
    move; NULL on the last stint), next_level, closed_at (the petition's)."""
    ev = _events(scope, window, open_only)
    order = (ev.c.at, ev.c.id)
    return (
        select(
            ev.c.petition_id,
            ev.c.level,
            ev.c.at.label("entered_at"),
            func.lead(ev.c.at).over(partition_by=ev.c.petition_id, order_by=order).label("left_at"),
            func.lead(ev.c.level).over(partition_by=ev.c.petition_id, order_by=order).label("next_level"),
            ev.c.closed_at,
        )
        # WHERE runs before the window functions: lead() sees the moves only.
        .where(_moves(ev))
        .subquery("stints")
    )


def escalation_levels(
    conn: Connection, scope: Scope, window: Window, now: datetime | None = None
) -> pd.DataFrame:
    """How many of the window's petitions reach each handling level, how many
    are solved or still open there, and how long do they stay?

    One row per level of HANDLING_LEVEL_ORDER (village, town, county, city),
    always all four. Columns:
      level, level_label (村级 …);
      reached: petitions of the window that were at the level at some time;
      solved: closed petitions whose final level it is;
      open_here: open petitions at the level now;
      escalated: petitions that moved on from the level;
      median_hours, p90_hours: finished stints at the level (left by a move or
        by closure), exact percentiles (NaN when none);
      open_median_hours: median time the petitions open at the level have
        spent there so far, up to ``now`` (NaN when none);
      share: reached / the window's petitions (NaN when there are none).
    ``now``: defaults to the window's ``now``.
    """
    now = now or window.now
    stints = _stints(scope, window)
    counts = frame(
        conn.execute(
            select(
                stints.c.level,
                func.count(func.distinct(stints.c.petition_id)),
                func.count(func.distinct(case((stints.c.next_level.is_not(None), stints.c.petition_id)))),
            ).group_by(stints.c.level)
        ).all(),
        ["level", "reached", "escalated"],
        ints=["reached", "escalated"],
    )
    where = _of_window(scope, window)
    finals = frame(
        conn.execute(
            select(
                petitions.c.handling_level,
                count_if(_is_closed),
                count_if(petitions.c.closed_at.is_(None)),
            )
            .where(where)
            .group_by(petitions.c.handling_level)
        ).all(),
        ["level", "solved", "open_here"],
        ints=["solved", "open_here"],
    )
    total = conn.execute(select(func.count()).where(where)).scalar() or 0
    end = func.coalesce(stints.c.left_at, stints.c.closed_at)
    finished = percentiles(
        conn, seconds_between(stints.c.entered_at, end), stints.c.level, end.is_not(None), from_=stints
    )
    # The unfinished stints are the open petitions' last ones: ranked apart,
    # over the open petitions' events only (far fewer rows).
    current = _stints(scope, window, open_only=True)
    running = percentiles(
        conn,
        seconds_between(current.c.entered_at, literal(now, UTCDateTime())),
        current.c.level,
        current.c.left_at.is_(None),
        from_=current,
        ps=(0.5,),
    )
    df = pd.DataFrame({"level": list(HANDLING_LEVEL_ORDER)})
    df["level_label"] = [HANDLING_LEVELS[level] for level in HANDLING_LEVEL_ORDER]
    df = df.merge(counts, on="level", how="left").merge(finals, on="level", how="left")
    df = df.merge(finished.rename(columns={"group": "level"}), on="level", how="left")
    df = df.merge(running.rename(columns={"group": "level", "p50": "open_p50"}), on="level", how="left")
    for column in ("reached", "solved", "open_here", "escalated"):
        df[column] = df[column].fillna(0).astype("int64")
    df["median_hours"] = pd.to_numeric(df["p50"]).astype("float64") / HOUR
    df["p90_hours"] = pd.to_numeric(df["p90"]).astype("float64") / HOUR
    df["open_median_hours"] = pd.to_numeric(df["open_p50"]).astype("float64") / HOUR
    df["share"] = [share(r, total) for r in df["reached"]]
    return df[LEVEL_COLUMNS]


def escalation_summary(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    """What share of the window's closed petitions did the villages solve
    themselves, and how many petitions went up at all?

    One row: received (the window's petitions), closed, open, escalated
    (petitions that moved level at least once), escalated_share (escalated /
    received), solved_at_village (closed with final level village),
    village_solved_share (solved_at_village / closed). Shares NaN on a zero
    denominator.
    """
    where = _of_window(scope, window)
    received, closed, solved_village = conn.execute(
        select(
            func.count(),
            count_if(_is_closed),
            count_if(and_(_is_closed, petitions.c.handling_level == HANDLING_LEVEL_ORDER[0])),
        ).where(where)
    ).one()
    ev = _events(scope, window)
    escalated = conn.execute(
        select(func.count(func.distinct(ev.c.petition_id))).where(ev.c.prev_level != ev.c.level)
    ).scalar()
    received, closed, solved_village, escalated = (
        int(received or 0),
        int(closed or 0),
        int(solved_village or 0),
        int(escalated or 0),
    )
    row = (
        received,
        closed,
        received - closed,
        escalated,
        share(escalated, received),
        solved_village,
        share(solved_village, closed),
    )
    return frame(
        [row],
        SUMMARY_COLUMNS,
        ints=["received", "closed", "open", "escalated", "solved_at_village"],
        floats=["escalated_share", "village_solved_share"],
    )


def escalation_flow(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    """Where do the window's petitions go: which levels pass them on to which,
    and where do their paths end? (The links of the escalation Sankey.)

    Columns: from_level, to_level, petitions. Two kinds of rows:
      moves: from_level a level, to_level the level it moved to (village ->
        town, town -> county, …, a skip such as village -> county as it
        happened): petitions that made that move;
      ends: from_level the petition's final level, to_level "solved" (closed
        there) or "open" (still open there): as ``solved`` / ``open_here`` in
        escalation_levels.
    Only rows with petitions > 0; ordered by from_level in level order, then
    to_level in level order, then solved, then open.
    """
    ev = _events(scope, window)
    moves = conn.execute(
        select(ev.c.prev_level, ev.c.level, func.count(func.distinct(ev.c.petition_id)))
        .where(ev.c.prev_level != ev.c.level)
        .group_by(ev.c.prev_level, ev.c.level)
    ).all()
    ends = conn.execute(
        select(petitions.c.handling_level, count_if(_is_closed), count_if(petitions.c.closed_at.is_(None)))
        .where(_of_window(scope, window))
        .group_by(petitions.c.handling_level)
    ).all()
    rows = [(a, b, int(n)) for a, b, n in moves]
    for level, solved, still_open in ends:
        rows += [(level, SOLVED, int(solved)), (level, OPEN, int(still_open))]
    ends_rank = {SOLVED: len(HANDLING_LEVEL_ORDER) + 1, OPEN: len(HANDLING_LEVEL_ORDER) + 2}
    rows = sorted(
        (r for r in rows if r[2] > 0),
        key=lambda r: (_level_rank(r[0]), r[0], ends_rank.get(r[1], _level_rank(r[1])), r[1]),
    )
    return frame(rows, FLOW_COLUMNS, ints=["petitions"])


def unit_ranking(
    conn: Connection,
    scope: Scope,
    window: Window,
    now: datetime | None = None,
    limit: int = 50,
    order: str = "median",
) -> pd.DataFrame:
    """Which handling units are slowest, and which let petitions run late?

    A unit is the petition's final handling unit and level (``handling_unit``,
    ``handling_level``: who solved it, or who holds it now). Over the window's
    petitions, one row per (unit, level). Columns:
      handling_unit, level, level_label;
      petitions: the window's petitions the unit ended up with;
      closed: those closed;
      median_hours: median handling time (receipt to closure) of the closed
        ones, exact (NaN when none is closed);
      overdue: open and past ``due_at`` at ``now``, plus closed after
        ``due_at`` (closing exactly at the limit is on time);
      overdue_share: overdue / petitions.
    ``order="median"`` (default): slowest first (median_hours descending,
    units with no closed petition last), then overdue descending;
    ``order="overdue"``: overdue descending, then overdue_share, then
    median_hours descending. Ties by unit name, then level order. The first
    ``limit`` rows. ``now`` defaults to the window's ``now``.
    """
    if order not in UNIT_ORDERS:
        raise ValueError(f"order must be one of {UNIT_ORDERS}, not {order!r}")
    now = now or window.now
    where = _of_window(scope, window)
    late = or_(
        and_(petitions.c.closed_at.is_(None), petitions.c.due_at < now),
        petitions.c.closed_at > petitions.c.due_at,
    )
    counts = frame(
        conn.execute(
            select(
                petitions.c.handling_unit,
                petitions.c.handling_level,
                func.count(),
                count_if(_is_closed),
                count_if(late),
            )
            .where(where)
            .group_by(petitions.c.handling_unit, petitions.c.handling_level)
        ).all(),
        ["handling_unit", "level", "petitions", "closed", "overdue"],
        ints=["petitions", "closed", "overdue"],
    )
    # One group key for the percentiles: level and unit (a unit name is only
    # unique within its level). '|' cannot be part of a level code.
    key = petitions.c.handling_level + literal("|") + petitions.c.handling_unit
    medians = percentiles(
        conn,
        seconds_between(petitions.c.received_at, petitions.c.closed_at),
        key,
        and_(where, _is_closed),
        ps=(0.5,),
    )
    by_key = {str(g): float(v) / HOUR for g, v in zip(medians["group"], medians["p50"], strict=True)}
    counts["median_hours"] = [
        by_key.get(f"{level}|{unit}", float("nan"))
        for level, unit in zip(counts["level"], counts["handling_unit"], strict=True)
    ]
    counts["median_hours"] = counts["median_hours"].astype("float64")
    counts["level_label"] = counts["level"].map(lambda x: HANDLING_LEVELS.get(x, x))
    counts["overdue_share"] = [
        share(o, p) for o, p in zip(counts["overdue"], counts["petitions"], strict=True)
    ]
    # Ranked in Python: the databases collate Chinese names differently.
    counts["_rank"] = counts["level"].map(_level_rank)
    counts["_no_median"] = counts["median_hours"].isna()
    if order == "median":
        keys = ["_no_median", "median_hours", "overdue", "handling_unit", "_rank"]
        ascending = [True, False, False, True, True]
    else:
        keys = ["overdue", "overdue_share", "_no_median", "median_hours", "handling_unit", "_rank"]
        ascending = [False, False, True, False, True, True]
    ranked = counts.sort_values(keys, ascending=ascending, kind="mergesort", na_position="last")
    return ranked.head(limit).reset_index(drop=True)[UNIT_COLUMNS]
