"""Planned futures: what is still to happen to each sample record, kept in
sample-only tables so the live demo can play the generator's model out in
real time.

The generator plans every petition and warning in full and cuts the plan at
``now``: what happened by then is the stored record and its events; what is
still to come goes to ``demo_plan``. The live demo (sample_db.demo) applies
planned steps as their time comes and plans the records it adds the same
way. These tables belong to the sample, not to the cockpit's store contract
(cockpit.store.schema): they have their own MetaData and no foreign keys, and
a store without them is never written by the demo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    inspect,
)

from cockpit.store.factories import Built, Step, WarningStep
from cockpit.store.schema import UTCDateTime

plan_metadata = MetaData()

PETITION, WARNING, OVERDUE = "petition", "warning", "overdue"

# One row per planned step: record_kind "petition" or "warning" with the
# record's id, or "overdue": the nightly run raises PET-01 for petition
# ``record_id`` at ``due_at``.
demo_plan = Table(
    "demo_plan",
    plan_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_kind", String(16), nullable=False),
    Column("record_id", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("step", Text, nullable=False),  # JSON: the step's fields except its time (due_at)
    Index("ix_demo_plan_due", "due_at"),
    Index("ix_demo_plan_record", "record_kind", "record_id", "seq"),
)

# Per village, what the generator calibrated it to, so the demo's arrivals
# carry on at the history's rate. Rates are expected arrivals per day of
# weight 1 (timing.day_weight: weekday pattern x season) at the end of the
# history; hours of the day follow the same profiles as the history.
demo_village = Table(
    "demo_village",
    plan_metadata,
    Column("village_code", String(32), primary_key=True),
    Column("petitions_per_day", Float, nullable=False),
    Column("warnings_per_day", Float, nullable=False),
    Column("share_target", Float, nullable=False),  # the town's share closed within 5 days
    Column("stuck_rate", Float, nullable=False),  # chance a petition gets stuck for weeks
    Column("speed", Float, nullable=False),  # how slow the town handles warnings (1 = average)
    # Business records: arrivals per day of weight 1 for one a year (office
    # pattern), and how anomaly-prone the village is (1 = ANOMALY_RATES).
    Column("office_rate", Float, nullable=False),
    Column("anomaly_scale", Float, nullable=False),
)

# One row: when the demo last ran (the end of the history until it first
# does) and how many times, which is what a tick claims before it adds
# records, so two ticks at once never add the same stretch of time twice.
demo_clock = Table(
    "demo_clock",
    plan_metadata,
    Column("id", Integer, primary_key=True),
    Column("ticked_at", UTCDateTime, nullable=False),
    Column("ticks", Integer, nullable=False),
)

# Ground truth: every anomaly the generator injected into the business
# records (or that its petition model produced), with the moment a rule can
# first see it. Kept apart from the warnings, which the engine raises; the
# tests compare the two.
sample_truth = Table(
    "sample_truth",
    plan_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule_code", String(16), nullable=False),
    Column("subject_id", String(64), nullable=False),
    Column("village_code", String(32), nullable=False),
    Column("detectable_at", UTCDateTime, nullable=False),
    Index("ix_sample_truth_rule", "rule_code", "subject_id"),
)

# Ground truth for the whistle-blowing petitions (sample_db.tips): which
# anomaly each names, and the name (a person's or a project's) its summary
# gives.
sample_tips = Table(
    "sample_tips",
    plan_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("petition_external_id", String(64), nullable=False),
    Column("rule_code", String(16), nullable=False),
    Column("subject_id", String(64), nullable=False),
    Column("village_code", String(32), nullable=False),
    Column("named", String(200), nullable=False),
    Column("name_kind", String(16), nullable=False),  # person / project
)

PLAN_TABLES = (demo_plan, demo_village, demo_clock, sample_truth, sample_tips)
# Business record tables the demo moves on (record_kind = the table name;
# the step is the JSON of the columns to set).
RECORD_KINDS = ("labour", "payouts", "disclosures", "public_queries")


@dataclass
class Plan:
    """A record planned in full: ``built`` is what happened by the cut,
    ``later`` the steps still to come (in time order)."""

    built: Built
    later: list = field(default_factory=list)
    steps: list = field(default_factory=list)  # every planned step, before and after the cut


def create_plan_tables(engine_or_conn: Engine | Connection) -> None:
    plan_metadata.create_all(engine_or_conn)


def drop_plan_tables(engine: Engine) -> None:
    plan_metadata.drop_all(engine)


def has_plan_tables(conn: Connection) -> bool:
    present = set(inspect(conn).get_table_names())
    return all(table.name in present for table in PLAN_TABLES)


def clear_plan_tables(conn: Connection) -> None:
    for table in PLAN_TABLES:
        conn.execute(delete(table))


def plan_rows(kind: str, record_id: int, later: list) -> list[dict]:
    """demo_plan rows for a record's steps still to come."""
    return [
        {"record_kind": kind, "record_id": record_id, "seq": seq, "due_at": step.at, "step": encode(step)}
        for seq, step in enumerate(later)
    ]


def overdue_row(petition_id: int, run: datetime, closes_at: datetime | None) -> dict:
    """The demo_plan row that raises PET-01 for a petition at ``run``."""
    step = json.dumps({"closes_at": closes_at.isoformat() if closes_at else None})
    return {"record_kind": OVERDUE, "record_id": petition_id, "seq": 0, "due_at": run, "step": step}


def record_plan_rows(plans: list[dict]) -> list[dict]:
    """demo_plan rows for business records' steps still to come (from
    sample_db.ledger.Ledger.plans)."""
    rows, seq = [], {}
    for plan in sorted(plans, key=lambda p: (p["table"], p["record_id"], p["at"])):
        key = (plan["table"], plan["record_id"])
        seq[key] = seq.get(key, -1) + 1
        values = {k: v.isoformat() if isinstance(v, datetime) else str(v) for k, v in plan["values"].items()}
        rows.append({"record_kind": plan["table"], "record_id": plan["record_id"], "seq": seq[key],
                     "due_at": plan["at"], "step": json.dumps(values)})  # fmt: skip
    return rows


def write_plan_rows(conn: Connection, rows: list[dict], batch: int = 2000) -> None:
    for start in range(0, len(rows), batch):
        conn.execute(insert(demo_plan), rows[start : start + batch])


def encode(step: Step | WarningStep) -> str:
    values = {f.name: getattr(step, f.name) for f in fields(step) if f.name != "at"}
    return json.dumps({k: v for k, v in values.items() if v not in (None, "")}, ensure_ascii=False)


def decode(kind: str, text: str, at: datetime) -> Step | WarningStep:
    return (Step if kind == PETITION else WarningStep)(at=at, **json.loads(text))


def closes_at(text: str) -> datetime | None:
    """The petition's planned closure after its PET-01 run, from an overdue row."""
    value = json.loads(text)["closes_at"]
    return datetime.fromisoformat(value) if value else None
