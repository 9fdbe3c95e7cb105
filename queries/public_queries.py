"""Questions about public queries (公开质询): residents' questions on the
disclosed items, and how fast the villages answer them. Definitions:
docs/metrics.md ("Public queries").

A query belongs to the window of its asking (``asked_at``). At ``now`` it is
answered when ``answered_at`` is set and not after ``now`` (an answer dated
later is not given yet); otherwise it is unanswered. The time to answer is
``answered_at - asked_at`` in exact seconds, shown in hours.

Overdue (超期未答复): unanswered after more than ``limit_days`` working days,
counted as the QRY-01 warning rule counts them (cockpit/rules/checks.py,
defaults from cockpit/rules/catalogue.yaml: 5 working days, weekends
skipped): the local days after the asking day up to ``now``'s day that are
working days by the shared calendar (make-up Saturdays in, public holidays
out). A page may pass the thresholds administrators set for QRY-01.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, Connection, and_, func, or_, select

from cockpit.rules.calendar import is_holiday, working_days_between
from cockpit.store.records import disclosures, public_queries
from cockpit.store.sqlfuncs import seconds_between
from cockpit.timewindow import TZ, Window
from queries._common import count_if, frame, percentiles, share, to_local, with_place_names, within
from queries.disclosure import _children
from queries.personal import shown_frame
from queries.scope import Scope, in_scope, require_records

HOUR = 3600.0
# QRY-01's defaults (cockpit/rules/catalogue.yaml): answer within 5 working days.
ANSWER_LIMIT_DAYS = 5
SKIP_WEEKENDS = True

_q = public_queries
_wait = seconds_between(_q.c.asked_at, _q.c.answered_at)


def _answered(now: datetime) -> ColumnElement[bool]:
    return and_(_q.c.answered_at.is_not(None), _q.c.answered_at <= now)


def _unanswered(now: datetime) -> ColumnElement[bool]:
    return or_(_q.c.answered_at.is_(None), _q.c.answered_at > now)


def working_days_waited(asked_at: datetime, now: datetime, skip_weekends: bool = SKIP_WEEKENDS) -> int:
    """Days after ``asked_at``'s local day up to ``now``'s local day: working
    days by the shared calendar when ``skip_weekends``, else every day but
    public holidays (as QRY-01 counts them)."""
    first, last = asked_at.astimezone(TZ).date(), now.astimezone(TZ).date()
    if skip_weekends:
        return working_days_between(first, last)
    return sum(not is_holiday(first + timedelta(days=n)) for n in range(1, (last - first).days + 1))


def _now(window: Window, now: datetime | None) -> datetime:
    return now if now is not None else window.now


SUMMARY_COLUMNS = [
    "asked", "answered", "answered_share", "median_hours_to_answer", "p90_hours", "unanswered",
    "unanswered_overdue",
]  # fmt: skip


def public_query_summary(
    conn: Connection,
    scope: Scope,
    window: Window,
    now: datetime | None = None,
    limit_days: int = ANSWER_LIMIT_DAYS,
    skip_weekends: bool = SKIP_WEEKENDS,
) -> pd.DataFrame:
    """How many public queries were asked in the window, how many are
    answered, how fast, and how many wait past the time limit?

    One row: asked, answered (by ``now``), answered_share (float, NaN when
    none asked), median_hours_to_answer, p90_hours (exact, over the answered;
    NaN when none), unanswered (asked - answered), unanswered_overdue (of the
    unanswered, those waiting more than ``limit_days`` working days at
    ``now``). ``now`` defaults to the window's.
    """
    now = _now(window, now)
    where = and_(in_scope(_q.c.village_code, scope), within(_q.c.asked_at, window))
    asked, answered = conn.execute(select(func.count(), count_if(_answered(now))).where(where)).one()
    stats = percentiles(conn, _wait, None, and_(where, _answered(now)))
    median = stats["p50"].iloc[0] / HOUR if len(stats) else float("nan")
    p90 = stats["p90"].iloc[0] / HOUR if len(stats) else float("nan")
    # N working days span at least N calendar days: only older ones can be overdue.
    waiting = conn.execute(
        select(_q.c.asked_at).where(where, _unanswered(now), _q.c.asked_at < now - timedelta(days=limit_days))
    ).scalars()
    overdue = sum(working_days_waited(a, now, skip_weekends) > limit_days for a in waiting)
    asked, answered = int(asked or 0), int(answered or 0)
    return frame(
        [(asked, answered, share(answered, asked), median, p90, asked - answered, overdue)],
        SUMMARY_COLUMNS,
        ints=["asked", "answered", "unanswered", "unanswered_overdue"],
        floats=["answered_share", "median_hours_to_answer", "p90_hours"],
    )


def public_queries_by_child(
    conn: Connection, scope: Scope, window: Window, now: datetime | None = None
) -> pd.DataFrame:
    """How do the scope's direct child regions answer their public queries?

    One row per child region (zeros when quiet), in store order; a village
    scope gives the village itself. Columns: child_code, child_name, asked,
    answered (int64), answered_share, median_hours_to_answer (float, NaN
    when none asked / answered).
    """
    now = _now(window, now)
    base, mapping = _children(conn, scope)
    mapping = mapping.subquery()
    joined = _q.join(mapping, mapping.c.village_code == _q.c.village_code)
    counts = frame(
        conn.execute(
            select(mapping.c.child_code, func.count(), count_if(_answered(now)))
            .select_from(joined)
            .where(within(_q.c.asked_at, window))
            .group_by(mapping.c.child_code)
        ).all(),
        ["child_code", "asked", "answered"],
        ints=["asked", "answered"],
    )
    medians = percentiles(
        conn, _wait, mapping.c.child_code, and_(within(_q.c.asked_at, window), _answered(now)), from_=joined
    ).rename(columns={"group": "child_code"})
    medians["median_hours_to_answer"] = medians["p50"].astype("float64") / HOUR
    df = base.merge(counts, on="child_code", how="left").merge(
        medians[["child_code", "median_hours_to_answer"]], on="child_code", how="left"
    )
    df[["asked", "answered"]] = df[["asked", "answered"]].fillna(0).astype("int64")
    shares = [share(a, n) for a, n in zip(df["answered"], df["asked"], strict=True)]
    df["answered_share"] = pd.Series(shares, index=df.index, dtype="float64")
    df["median_hours_to_answer"] = df["median_hours_to_answer"].astype("float64")
    return df[["child_code", "child_name", "asked", "answered", "answered_share", "median_hours_to_answer"]]


UNANSWERED_COLUMNS = [
    "id", "village_code", "village_name", "town_name", "question", "asked_at", "hours_waiting",
    "working_days", "overdue", "item",
]  # fmt: skip


def unanswered_queries(
    conn: Connection,
    scope: Scope,
    now: datetime,
    limit: int = 200,
    limit_days: int = ANSWER_LIMIT_DAYS,
    skip_weekends: bool = SKIP_WEEKENDS,
) -> pd.DataFrame:
    """Public queries asked by ``now`` and not answered by it (whatever the
    window), longest waiting first (then by id).

    Columns: id, village_code, village_name, town_name (the village's parent
    region), question (free text: masked unless the scope is unmasked),
    asked_at (local time), hours_waiting (float, ``now - asked_at``),
    working_days (int, as QRY-01 counts them), overdue (bool: working_days >
    ``limit_days``), item (the queried disclosure's item, None when the query
    names none). At most ``limit`` rows. Records: refused to a kiosk
    (AggregatesOnlyError).
    """
    require_records(scope)
    joined, names = with_place_names(_q, _q.c.village_code)
    query = (
        select(_q.c.id, _q.c.village_code, *names, _q.c.question, _q.c.asked_at, disclosures.c.item)
        .select_from(joined.outerjoin(disclosures, disclosures.c.id == _q.c.disclosure_id))
        .where(in_scope(_q.c.village_code, scope), _q.c.asked_at <= now, _unanswered(now))
        .order_by(_q.c.asked_at, _q.c.id)
        .limit(limit)
    )
    df = pd.DataFrame(
        conn.execute(query).all(),
        columns=["id", "village_code", "village_name", "town_name", "question", "asked_at", "item"],
    )
    df["hours_waiting"] = pd.Series(
        [(now - a).total_seconds() / HOUR for a in df["asked_at"]], index=df.index, dtype="float64"
    )
    df["working_days"] = pd.Series(
        [working_days_waited(a, now, skip_weekends) for a in df["asked_at"]], index=df.index, dtype="int64"
    )
    df["overdue"] = (df["working_days"] > limit_days).astype(bool)
    df = shown_frame(df, scope, table="public_queries")
    df["item"] = df["item"].astype(object).where(df["item"].notna(), None)
    return to_local(df, ["asked_at"])[UNANSWERED_COLUMNS]
