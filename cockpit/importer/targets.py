"""What can be imported, and how a checked row becomes a store row.

A TargetSpec names a table, the columns a mapping may fill (with their kind
and allowed codes) and a ``build`` that turns one row's values into the
store row and its event trail. Petitions and warnings are built by the same
factories the sample data and the tests use (cockpit.store.factories), so an
imported record agrees with its events and its lifecycle.

Three kinds of target:

- ``record``: a table with an ``external_id`` (petitions, warnings, the
  top-level business records), matched on it;
- ``child``: a row that belongs to another record (``payment_approvals``,
  ``project_bids``, ``cadre_relatives``); the file names the parent by its
  external id and the row is matched on (parent, ``Parent.key``);
- ``trail``: ``petition_events``, one petition's steps, replacing its trail
  as a whole (cockpit.importer.trails).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from sqlalchemy import Boolean, Integer, Numeric, String, Table, Text

from cockpit.importer.mapping import MappingError
from cockpit.importer.values import TEXT_BYTES
from cockpit.lifecycle import (
    CHANNELS,
    COMPLEXITY,
    COMPLEXITY_LIMIT_DAYS,
    DISPOSITIONS,
    HANDLING_LEVELS,
    PETITION,
    SATISFACTION,
    WARNING,
    WARNING_OWNER_KINDS,
    WARNING_SEVERITIES,
)
from cockpit.store import records
from cockpit.store.factories import Step, WarningStep, build_petition, build_warning
from cockpit.store.schema import UTCDateTime, petition_events, petitions, warnings
from cockpit.timewindow import TZ


class RowError(ValueError):
    """A row breaks a rule across columns: ``column`` is the target column."""

    def __init__(self, column: str, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.column, self.reason, self.detail = column, reason, detail


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, datetime, decimal, int, bool
    length: int | None = None
    places: int = 2
    codes: dict[str, str] | None = None  # allowed code -> Chinese label (labels accepted too)
    unknown: str | None = None  # the reason for a value outside ``codes`` (default by column name)
    max_bytes: int | None = None  # a Text column: TEXT_BYTES

    @cached_property
    def labels(self) -> dict[str, str]:
        """Chinese label -> code, so a file may use either."""
        return {label: code for code, label in (self.codes or {}).items()}


@dataclass(frozen=True)
class Parent:
    """The record a child row belongs to, named in the file by its external id."""

    table: Table  # the parent's table (it has an external_id)
    fk: str  # the child's column holding the parent's id
    key: tuple[str, ...]  # what tells a parent's children apart (matched on re-import)
    touch: bool  # a written child moves its parent's updated_at (the rule engine reads the parent)


@dataclass(frozen=True)
class TargetSpec:
    name: str
    table: Table
    columns: dict[str, Column]
    required: tuple[str, ...]
    build: Callable[[dict, dict], tuple[dict, list[dict]]] | None  # (values, region) -> (row, events)
    region_column: str | None = "village_code"
    region_required: bool = True
    kind: str = "record"  # record, child or trail (module docstring)
    parent: Parent | None = None


def _columns(table: Table, skip: set[str], codes: dict[str, dict]) -> dict[str, Column]:
    found = {}
    for column in table.columns:
        if column.name in skip or column.foreign_keys or column.primary_key:
            continue
        kind, length, places, max_bytes = "text", None, 2, None
        if isinstance(column.type, UTCDateTime):
            kind = "datetime"
        elif isinstance(column.type, Boolean):
            kind = "bool"
        elif isinstance(column.type, Numeric):
            kind, places = "decimal", column.type.scale or 0
        elif isinstance(column.type, Integer):
            kind = "int"
        elif isinstance(column.type, Text):
            max_bytes = TEXT_BYTES
        elif isinstance(column.type, String):
            length = column.type.length
        found[column.name] = Column(
            column.name, kind, length, places, codes.get(column.name), max_bytes=max_bytes
        )
    return found


def _unit_for(region: dict) -> str:
    name = region["name"]
    return f"{name}居委会" if name.endswith("社区") else f"{name}村委会"


def _two_times(first: str, at, second: str, other) -> str:
    """ "办结 2026-11-01 09:00，受理 2026-11-02 10:00": both times a rejection is about, local."""
    return f"{first} {at.astimezone(TZ):%Y-%m-%d %H:%M}，{second} {other.astimezone(TZ):%Y-%m-%d %H:%M}"


def _build_petition(values: dict, region: dict) -> tuple[dict, list[dict]]:
    received = values["received_at"]
    closed = values.get("closed_at")
    status = values.get("status") or ("closed" if closed else "received")
    if closed is not None and closed < received:
        raise RowError("closed_at", "closed_before_received", _two_times("办结", closed, "受理", received))
    if status == "closed" and closed is None:
        raise RowError("closed_at", "closed_without_time")
    if status != "closed" and closed is not None:
        raise RowError("status", "closed_time_but_open")
    satisfaction = values.get("satisfaction")
    if satisfaction is not None and status not in ("resolved", "closed"):
        raise RowError("satisfaction", "feedback_before_resolved")
    steps = {
        "received": [],
        "assigned": [Step("assigned", received)],
        "resolved": [Step("resolved", received)],
        "closed": [Step("resolved", closed), Step("closed", closed)],
    }[status]
    if satisfaction is not None:
        steps.append(Step("feedback", closed or received, satisfaction=satisfaction))
    complexity = values.get("complexity") or "general"
    built = build_petition(
        external_id=values["external_id"],
        village_code=region["code"],
        received_at=received,
        category=values["category"],
        unit=values.get("handling_unit") or _unit_for(region),
        channel=values.get("channel") or "hotline",
        complexity=complexity,
        real_name=bool(values.get("real_name")),
        reporter_name=values.get("reporter_name"),
        reporter_phone=values.get("reporter_phone"),
        summary=values.get("summary") or "",
        steps=steps,
    )
    level = values.get("handling_level") or "village"
    built.row["handling_level"] = level
    for event in built.events:
        event["level"] = level
    built.row["due_at"] = values.get("due_at") or received + timedelta(days=COMPLEXITY_LIMIT_DAYS[complexity])
    return built.row, built.events


def _build_warning(values: dict, region: dict) -> tuple[dict, list[dict]]:
    raised = values["raised_at"]
    disposed = values.get("disposed_at")
    status = values.get("status") or ("disposed" if disposed else "new")
    if disposed is not None and disposed < raised:
        raise RowError("disposed_at", "disposed_before_raised", _two_times("处置", disposed, "预警", raised))
    if status == "disposed" and disposed is None:
        raise RowError("disposed_at", "disposed_without_time")
    if status != "disposed" and disposed is not None:
        raise RowError("status", "disposed_time_but_open")
    steps = {
        "new": [],
        "pending": [WarningStep("accepted", raised)],
        "disposed": [
            WarningStep(
                "disposed", disposed, note=values.get("note") or "", disposition=values.get("disposition")
            )
        ],
    }[status]
    built = build_warning(
        external_id=values["external_id"],
        rule_code=values["rule_code"],
        category=values["category"],
        title=values["title"],
        village_code=region["code"],
        raised_at=raised,
        due_at=values["due_at"],
        owner_kind=values["owner_kind"],
        owner_name=values["owner_name"],
        severity=values.get("severity") or "medium",
        subject_type=values.get("subject_type") or "",
        subject_id=values.get("subject_id") or "",
        amount=values.get("amount"),
        rule_version=values.get("rule_version"),
        evidence=values.get("evidence"),
        steps=steps,
    )
    return built.row, built.events


def _record_builder(table: Table) -> Callable[[dict, dict], tuple[dict, list[dict]]]:
    has_region = "village_code" in table.c

    def build(values: dict, region: dict | None) -> tuple[dict, list[dict]]:
        row = {c.name: values.get(c.name) for c in table.columns if c.name not in ("id", "updated_at")}
        for column in table.columns:
            if row.get(column.name) is None and isinstance(column.type, Boolean):
                row[column.name] = False
        if has_region:
            row["village_code"] = region["code"] if region else None
        return row, []

    return build


PETITION_CODES = {
    "channel": dict(CHANNELS),
    "complexity": dict(COMPLEXITY),
    "status": {s.code: s.label for s in PETITION.statuses},
    "handling_level": dict(HANDLING_LEVELS),
    "satisfaction": {str(code): label for code, label in SATISFACTION.items()},
}
WARNING_CODES = {
    "severity": dict(WARNING_SEVERITIES),
    "status": {s.code: s.label for s in WARNING.statuses},
    "owner_kind": dict(WARNING_OWNER_KINDS),
    "disposition": dict(DISPOSITIONS),
}
RECORD_CODES = {
    "disclosures": {"category": records.DISCLOSURE_CATEGORIES},
    "projects": {"kind": records.PROJECT_KINDS},
    "payment_approvals": {"role": records.APPROVAL_ROLES},
}
EVENT_KINDS = {t.event: t.label for t in PETITION.transitions}


def _petition_spec() -> TargetSpec:
    columns = _columns(petitions, {"updated_at", "village_code"}, PETITION_CODES)
    return TargetSpec(
        "petitions", petitions, columns, ("external_id", "received_at", "category"), _build_petition
    )


def _warning_spec() -> TargetSpec:
    columns = _columns(warnings, {"updated_at", "village_code"}, WARNING_CODES)
    required = (
        "external_id",
        "rule_code",
        "category",
        "title",
        "raised_at",
        "owner_kind",
        "owner_name",
        "due_at",
    )
    return TargetSpec("warnings", warnings, columns, required, _build_warning)


def _record_spec(table: Table) -> TargetSpec:
    columns = _columns(table, {"updated_at", "village_code"}, RECORD_CODES.get(table.name, {}))
    required = tuple(
        c.name
        for c in table.columns
        if c.name in columns and not c.nullable and c.default is None and not isinstance(c.type, Boolean)
    )
    return TargetSpec(
        table.name,
        table,
        columns,
        required,
        _record_builder(table),
        region_required=not table.c.village_code.nullable,
    )


# Child tables: each row belongs to a parent record named by its external id.
# cadre_relatives has an external_id of its own (mapped, or made from the
# cadre's and the relative's id numbers) and takes its cadre's village.
CHILDREN = {
    records.payment_approvals: Parent(
        records.payments, "payment_id", ("role", "approver", "approved_at"), True
    ),
    records.project_bids: Parent(records.projects, "project_id", ("bidder", "bid_at"), True),
    records.cadre_relatives: Parent(records.cadres, "cadre_id", ("external_id",), False),
}


def _child_spec(table: Table, parent: Parent) -> TargetSpec:
    columns = _columns(table, {"updated_at", "village_code"}, RECORD_CODES.get(table.name, {}))
    required = tuple(
        c.name
        for c in table.columns
        if c.name in columns
        and c.name != "external_id"  # cadre_relatives: made from the cadre and id_number when not mapped
        and not c.nullable
        and c.default is None
        and not isinstance(c.type, Boolean)
    )
    return TargetSpec(
        table.name,
        table,
        columns,
        required,
        _record_builder(table),
        region_column=None,
        region_required=False,
        kind="child",
        parent=parent,
    )


def _events_spec() -> TargetSpec:
    columns = {
        "kind": Column("kind", "text", 32, codes=EVENT_KINDS, unknown="unknown_event"),
        "at": Column("at", "datetime"),
        "level": Column("level", "text", 32, codes=dict(HANDLING_LEVELS)),
        "unit": Column("unit", "text", petition_events.c.unit.type.length),
        "note": Column("note", "text", max_bytes=TEXT_BYTES),
        "satisfaction": Column("satisfaction", "int", codes=PETITION_CODES["satisfaction"]),
    }
    return TargetSpec(
        "petition_events",
        petition_events,
        columns,
        ("kind", "at"),
        None,
        region_column=None,
        region_required=False,
        kind="trail",
        parent=Parent(petitions, "petition_id", (), False),
    )


# Record tables a mapping can fill: every top-level record (with an
# external_id) whose foreign keys are only the village.
RECORD_TABLES = tuple(
    table
    for table in (getattr(records, name) for name in dir(records))
    if isinstance(table, Table)
    and "external_id" in table.c
    and all(c.name == "village_code" or not c.foreign_keys or c.nullable for c in table.columns)
)


def targets() -> dict[str, TargetSpec]:
    found = {"petitions": _petition_spec(), "warnings": _warning_spec()}
    found.update({table.name: _record_spec(table) for table in RECORD_TABLES})
    found.update({table.name: _child_spec(table, parent) for table, parent in CHILDREN.items()})
    found["petition_events"] = _events_spec()
    return found


def target_spec(name: str) -> TargetSpec:
    found = targets()
    if name not in found:
        raise MappingError(f"target must be one of {', '.join(sorted(found))}; got {name!r}")
    return found[name]
