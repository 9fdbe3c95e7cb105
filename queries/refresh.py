"""Questions about the data's freshness: when was it refreshed, did it change?"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from cockpit.store.schema import petition_events, petitions, refresh_state, warning_events, warnings
from cockpit.store.snapshots import snap_state


@dataclass(frozen=True)
class RefreshStatus:
    job: str
    refreshed_at: datetime
    data_version: str
    duration_ms: int
    error: str | None


def data_version(conn: Connection) -> str:
    """A short fingerprint that changes whenever petitions or warnings change.

    Built from the largest ids and the latest ``updated_at`` of petitions and
    warnings, the largest ids of their event tables (every write path: the
    factories, the demo job, the engine, importers, inserts rows or moves
    ``updated_at`` forward), and when the snapshot was last built in full
    (the rebuild that a deletion needs). Each is one index look-up: no row
    counts, which cost seconds at national scale.
    """
    parts = []
    for table in (petitions, warnings):
        parts.extend(conn.execute(select(func.max(table.c.id), func.max(table.c.updated_at))).one())
    for table in (petition_events, warning_events):
        parts.append(conn.execute(select(func.max(table.c.id))).scalar())
    parts.append(conn.execute(select(func.max(snap_state.c.built_at))).scalar())
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def refresh_status(conn: Connection, job: str = "refresh") -> RefreshStatus | None:
    """What the scheduler's refresh job last recorded, or None if it never ran."""
    row = conn.execute(select(refresh_state).where(refresh_state.c.job == job)).mappings().first()
    return None if row is None else RefreshStatus(**row)
