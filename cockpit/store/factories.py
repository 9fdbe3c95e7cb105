"""Build petitions and warnings from their event histories, and write them.

One set of factories serves the sample generator, the live demo job and the
tests' fixtures. A record is described by what happened to it (its steps);
its current status, level, unit and timestamps are derived by replaying the
steps through the lifecycle in cockpit.lifecycle, so a stored record always
agrees with its event trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache

from sqlalchemy import Connection, Table, bindparam, func, insert, select, text, update

from cockpit.lifecycle import COMPLEXITY_LIMIT_DAYS, PETITION, WARNING
from cockpit.store.schema import petition_events, petitions, warning_events, warnings


@dataclass(frozen=True)
class Step:
    """One thing that happened to a petition."""

    kind: str
    at: datetime
    level: str | None = None  # None: stays at the current level
    unit: str | None = None  # None: stays with the current unit
    note: str = ""
    satisfaction: int | None = None  # only for "feedback"


@dataclass(frozen=True)
class WarningStep:
    """One thing that happened to a warning."""

    kind: str
    at: datetime
    actor: str = ""
    note: str = ""
    disposition: str | None = None  # only for "disposed"
    owner_kind: str | None = None  # only for "reassigned"
    owner_name: str | None = None
    due_at: datetime | None = None  # "reassigned" may set a new deadline


@dataclass
class Built:
    row: dict
    events: list[dict] = field(default_factory=list)


def build_petition(
    *,
    external_id: str,
    village_code: str,
    received_at: datetime,
    category: str,
    unit: str,
    channel: str = "wechat",
    complexity: str = "general",
    real_name: bool = False,
    reporter_name: str | None = None,
    reporter_phone: str | None = None,
    summary: str = "",
    steps: Sequence[Step] = (),
) -> Built:
    """A petition received at ``received_at`` by ``unit`` (the village's
    committee), then taken through ``steps`` in order. A real-name petition
    may say who filed it (``reporter_name``, ``reporter_phone``)."""
    row = {
        "external_id": external_id,
        "village_code": village_code,
        "channel": channel,
        "category": category,
        "summary": summary,
        "complexity": complexity,
        "real_name": real_name,
        "reporter_name": reporter_name,
        "reporter_phone": reporter_phone,
        "received_at": received_at,
        "due_at": received_at + timedelta(days=COMPLEXITY_LIMIT_DAYS[complexity]),
        "status": PETITION.next_status(None, "received"),
        "handling_level": "village",
        "handling_unit": unit,
        "closed_at": None,
        "satisfaction": None,
        "updated_at": received_at,
    }
    events = [_petition_event("received", received_at, "village", unit, "")]
    events.extend(apply_petition_step(row, step) for step in steps)
    return Built(row, events)


def apply_petition_step(row: dict, step: Step) -> dict:
    """Apply one step to a petition ``row`` in place and return its event.

    ``row`` is a built row or one read back from the store (it needs status,
    handling_level, handling_unit, closed_at, satisfaction and updated_at).
    The same code builds new records and moves stored ones, so a row always
    agrees with its event trail. Raises TransitionError when the lifecycle does
    not allow the step, ValueError when the step goes back in time.
    """
    if step.at < row["updated_at"]:
        raise ValueError(
            f"{row.get('external_id', '?')}: step {step.kind} at {step.at} is before the previous step"
        )
    row["status"] = PETITION.next_status(row["status"], step.kind)
    row["handling_level"] = step.level or row["handling_level"]
    row["handling_unit"] = step.unit or row["handling_unit"]
    if step.kind == "closed":
        row["closed_at"] = step.at
    elif step.kind == "reopened":
        row["closed_at"] = None
    elif step.kind == "feedback":
        row["satisfaction"] = step.satisfaction
    row["updated_at"] = step.at
    return _petition_event(step.kind, step.at, row["handling_level"], row["handling_unit"], step.note)


def _petition_event(kind: str, at: datetime, level: str, unit: str, note: str) -> dict:
    return {"kind": kind, "at": at, "level": level, "unit": unit, "note": note}


def build_warning(
    *,
    external_id: str,
    rule_code: str,
    category: str,
    title: str,
    village_code: str,
    raised_at: datetime,
    due_at: datetime,
    owner_kind: str,
    owner_name: str,
    severity: str = "medium",
    subject_type: str = "payment",
    subject_id: str = "",
    amount: Decimal | float | None = None,
    rule_version: str | None = None,
    evidence: str | None = None,
    steps: Sequence[WarningStep] = (),
) -> Built:
    """A warning raised at ``raised_at``, then taken through ``steps``."""
    status = WARNING.next_status(None, "raised")
    row = {
        "external_id": external_id,
        "rule_code": rule_code,
        "category": category,
        "title": title,
        "village_code": village_code,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "amount": None if amount is None else Decimal(str(amount)).quantize(Decimal("0.01")),
        "severity": severity,
        "raised_at": raised_at,
        "status": status,
        "owner_kind": owner_kind,
        "owner_name": owner_name,
        "due_at": due_at,
        "disposed_at": None,
        "disposition": None,
        "note": "",
        "rule_version": rule_version,
        "evidence": evidence,
        "updated_at": raised_at,
    }
    events = [_warning_event("raised", raised_at, None, status, "预警系统", "")]
    events.extend(apply_warning_step(row, step) for step in steps)
    return Built(row, events)


def apply_warning_step(row: dict, step: WarningStep) -> dict:
    """Apply one step to a warning ``row`` in place and return its event.

    Like apply_petition_step: ``row`` is a built row or one read back from the
    store (status, owner_kind, owner_name, due_at, disposed_at, disposition,
    note, updated_at); the lifecycle refuses steps its status does not allow.
    """
    if step.at < row["updated_at"]:
        raise ValueError(
            f"{row.get('external_id', '?')}: step {step.kind} at {step.at} is before the previous step"
        )
    before = row["status"]
    row["status"] = WARNING.next_status(before, step.kind)
    if step.kind == "disposed":
        row["disposed_at"], row["disposition"] = step.at, step.disposition or "rectified"
        row["note"] = step.note
    elif step.kind == "reopened":
        row["disposed_at"], row["disposition"] = None, None
    elif step.kind == "reassigned":
        row["owner_kind"] = step.owner_kind or row["owner_kind"]
        row["owner_name"] = step.owner_name or row["owner_name"]
        row["due_at"] = step.due_at or row["due_at"]
    row["updated_at"] = step.at
    return _warning_event(
        step.kind, step.at, before, row["status"], step.actor or row["owner_name"], step.note
    )


def _warning_event(kind, at, from_status, to_status, actor, note) -> dict:
    return {
        "kind": kind,
        "at": at,
        "from_status": from_status,
        "to_status": to_status,
        "actor": actor,
        "note": note,
    }


def write_petitions(conn: Connection, items: Iterable[Built], batch: int = 2000) -> list[int]:
    """Insert petitions and their events; returns the new petition ids."""
    return _write(conn, items, petitions, petition_events, "petition_id", batch)


def write_warnings(conn: Connection, items: Iterable[Built], batch: int = 2000) -> list[int]:
    """Insert warnings and their events; returns the new warning ids."""
    return _write(conn, items, warnings, warning_events, "warning_id", batch)


def _write(
    conn: Connection, items: Iterable[Built], table: Table, events: Table, fk: str, batch: int
) -> list[int]:
    items = list(items)
    if not items:
        return []
    first_id = (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    ids = list(range(first_id, first_id + len(items)))
    rows, event_rows = [], []
    for record_id, item in zip(ids, items, strict=True):
        rows.append({**item.row, "id": record_id})
        event_rows.extend({**event, fk: record_id} for event in item.events)
    for start in range(0, len(rows), batch):
        conn.execute(insert(table), rows[start : start + batch])
    for start in range(0, len(event_rows), batch):
        conn.execute(insert(events), event_rows[start : start + batch])
    sync_sequences(conn, (table, events))
    return ids


def sync_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them
    (SQLite and MySQL/MariaDB follow the largest id by themselves)."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def write_moved(conn: Connection, table: Table, before: dict, after: dict, columns: tuple[str, ...]) -> bool:
    """Write ``after``'s ``columns`` over the row ``before`` if nobody changed
    it since it was read (same id, status and updated_at). True when exactly
    one row changed: only then may the caller append the move's events."""
    result = conn.execute(
        _move_statement(table, columns),
        {"b_id": before["id"], "b_status": before["status"], "b_updated_at": before["updated_at"]}
        | {column: after[column] for column in columns},
    )
    return result.rowcount == 1


@cache
def _move_statement(table: Table, columns: tuple[str, ...]):
    return (
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            table.c.status == bindparam("b_status"),
            table.c.updated_at == bindparam("b_updated_at", type_=table.c.updated_at.type),
        )
        .values({column: bindparam(column, type_=table.c[column].type) for column in columns})
    )
