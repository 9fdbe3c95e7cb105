"""Imported history: matters closed before an import of old records.

A city adopting the cockpit imports years of closed petitions. Judged as if
they had just happened, they raise hundreds of thousands of live warnings
(issue 18: 477,399 red warnings for cases closed years ago) and the red
queue means nothing. An import run with ``--history`` records its time in
``store_meta`` under HISTORY_KEY; the warning engine then raises no warning
about a matter over at or before that time (cockpit.rules.engine): a
petition closed, a payment or payout paid, work ended, a seal used, a
project awarded, a disclosure published, a query answered (MATTER_ENDS).
What was late still counts in every statistic: the records themselves say
so. A matter still open at the import (a payment applied for, never paid)
is judged as usual. A routine import of yesterday's export is not history:
run without the flag, its late closures raise warnings as they would have
live.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Column, Connection, select

from cockpit.store.meta import get_meta, set_meta
from cockpit.store.records import disclosures, labour, payments, payouts, projects, public_queries, seal_uses
from cockpit.store.schema import petitions

HISTORY_KEY = "history_until"
# When the matter a rule judges is over, by the rule's subject (its warnings'
# subject_type): the record table's column (subject_id is its external_id).
MATTER_ENDS: dict[str, Column] = {
    "petition": petitions.c.closed_at,
    "payment": payments.c.paid_at,
    "payout": payouts.c.paid_at,
    "labour": labour.c.work_end,
    "seal": seal_uses.c.used_at,
    "project": projects.c.awarded_at,
    "disclosure": disclosures.c.published_at,
    "query": public_queries.c.answered_at,
}
IDS_PER_QUERY = 500


def history_until(conn: Connection) -> datetime | None:
    """The latest history import's time: petitions closed by then are history."""
    value = get_meta(conn, HISTORY_KEY)
    return datetime.fromisoformat(value) if value else None


def mark_history(conn: Connection, at: datetime) -> datetime:
    """Record a history import at ``at`` (aware); the marker never moves back. Returns it."""
    if at.tzinfo is None:
        raise ValueError("the history marker takes a timezone-aware time")
    before = history_until(conn)
    if before is not None and before >= at:
        return before
    set_meta(conn, HISTORY_KEY, at.isoformat())
    return at


def over_by(conn: Connection, subject_type: str, ids: Iterable[str], at: datetime) -> set[str]:
    """The subjects among ``ids`` whose matter was over at or before ``at``
    (MATTER_ENDS; an unknown subject type: none)."""
    ends = MATTER_ENDS.get(subject_type)
    if ends is None:
        return set()
    external_id = ends.table.c.external_id
    ids = sorted(set(ids))
    over: set[str] = set()
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start : start + IDS_PER_QUERY]
        over.update(conn.execute(select(external_id).where(external_id.in_(chunk), ends <= at)).scalars())
    return over
