"""Questions about the data's freshness: when was it refreshed, did it change?"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from cockpit.store.schema import petition_events, petitions, refresh_state, warning_events, warnings


@dataclass(frozen=True)
class RefreshStatus:
    job: str
    refreshed_at: datetime
    data_version: str
    duration_ms: int
    error: str | None


def data_version(conn: Connection) -> str:
    """A short fingerprint that changes whenever petitions or warnings change.

    Built from row counts, the largest ids and the latest ``updated_at`` of
    petitions and warnings and of their event tables, which every write path
    (the factories, the demo job, importers) moves forward.
    """
    parts = []
    for table in (petitions, warnings):
        parts.extend(
            conn.execute(select(func.count(), func.max(table.c.id), func.max(table.c.updated_at))).one()
        )
    for table in (petition_events, warning_events):
        parts.extend(conn.execute(select(func.count(), func.max(table.c.id))).one())
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def refresh_status(conn: Connection, job: str = "refresh") -> RefreshStatus | None:
    """What the scheduler's refresh job last recorded, or None if it never ran."""
    row = conn.execute(select(refresh_state).where(refresh_state.c.job == job)).mappings().first()
    return None if row is None else RefreshStatus(**row)
