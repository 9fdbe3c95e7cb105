"""Check that every stored record agrees with its event trail.

Replays each petition's and warning's events through the lifecycles in
cockpit.lifecycle and compares the result with the row. Used by the tests
after generating and after the live demo has moved things.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Connection, select

from cockpit.lifecycle import PETITION, WARNING, TransitionError
from cockpit.store.schema import petition_events, petitions, warning_events, warnings


def inconsistencies(conn: Connection, limit: int = 20, updated_after: datetime | None = None) -> list[str]:
    """Up to ``limit`` descriptions of rows that disagree with their events
    (empty when all agree). With ``updated_after``, only the rows changed
    since then (e.g. by the live demo after a check of the whole store)."""
    problems = _petition_problems(conn, updated_after) + _warning_problems(conn, updated_after)
    return problems[:limit]


def _records(table, updated_after: datetime | None):
    query = select(table)
    return query if updated_after is None else query.where(table.c.updated_at > updated_after)


def _events_by(conn: Connection, table, fk: str, records) -> dict[int, list]:
    trails: dict[int, list] = defaultdict(list)
    ids = records.with_only_columns(records.selected_columns.id).scalar_subquery()
    query = select(table).order_by(table.c[fk], table.c.at, table.c.id)
    if records.whereclause is not None:
        query = query.where(table.c[fk].in_(ids))
    for event in conn.execute(query):
        trails[event._mapping[fk]].append(event)
    return trails


def _petition_problems(conn: Connection, updated_after: datetime | None) -> list[str]:
    records = _records(petitions, updated_after)
    trails = _events_by(conn, petition_events, "petition_id", records)
    problems = []
    for row in conn.execute(records):
        events = trails.get(row.id, [])
        try:
            status = None
            for event in events:
                status = PETITION.next_status(status, event.kind)
        except TransitionError as error:
            problems.append(f"petition {row.external_id}: {error}")
            continue
        if not events:
            problems.append(f"petition {row.external_id}: no events")
            continue
        last = events[-1]
        closes = [e.at for e in events if e.kind == "closed"]
        feedback = [e for e in events if e.kind == "feedback"]
        expected = {
            "status": status,
            "handling_level": last.level,
            "handling_unit": last.unit,
            "updated_at": last.at,
            "received_at": events[0].at,
            "closed_at": closes[-1] if status == "closed" else None,
        }
        for column, value in expected.items():
            if getattr(row, column) != value:
                problems.append(f"petition {row.external_id}: {column} {getattr(row, column)!r} != {value!r}")
        if bool(feedback) != (row.satisfaction is not None):
            problems.append(
                f"petition {row.external_id}: satisfaction {row.satisfaction} vs {len(feedback)} feedback"
            )
    return problems


def _warning_problems(conn: Connection, updated_after: datetime | None) -> list[str]:
    records = _records(warnings, updated_after)
    trails = _events_by(conn, warning_events, "warning_id", records)
    problems = []
    for row in conn.execute(records):
        events = trails.get(row.id, [])
        status = None
        try:
            for event in events:
                if event.from_status != status:
                    raise TransitionError(f"event {event.kind} from {event.from_status}, record was {status}")
                status = WARNING.next_status(status, event.kind)
                if event.to_status != status:
                    raise TransitionError(f"event {event.kind} to {event.to_status}, lifecycle says {status}")
        except TransitionError as error:
            problems.append(f"warning {row.external_id}: {error}")
            continue
        if not events:
            problems.append(f"warning {row.external_id}: no events")
            continue
        disposals = [e for e in events if e.kind == "disposed"]
        expected = {
            "status": status,
            "updated_at": events[-1].at,
            "raised_at": events[0].at,
            "disposed_at": disposals[-1].at if status == "disposed" else None,
        }
        for column, value in expected.items():
            if getattr(row, column) != value:
                problems.append(f"warning {row.external_id}: {column} {getattr(row, column)!r} != {value!r}")
        if (row.disposition is not None) != (status == "disposed"):
            problems.append(
                f"warning {row.external_id}: disposition {row.disposition!r} with status {status}"
            )
    return problems
