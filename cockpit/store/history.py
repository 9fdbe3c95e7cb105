"""Imported history: matters closed before an import of old records.

A city adopting the cockpit imports years of closed petitions. Judged as if
they had just happened, they raise hundreds of thousands of live warnings
(issue 18: 477,399 red warnings for cases closed years ago) and the red
queue means nothing. An import run with ``--history`` records its time in
``store_meta`` under HISTORY_KEY; the warning engine then raises no warning
about a petition closed at or before that time (cockpit.rules.engine). What
was late still counts in every statistic: the petitions themselves say so.
A routine import of yesterday's export is not history: run without the
flag, its late closures raise warnings as they would have live.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from cockpit.store.meta import get_meta, set_meta

HISTORY_KEY = "history_until"


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
