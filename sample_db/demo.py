"""The live demo job: plays the sample generator's own model out in real time.

The generator plans every record in full and keeps what is still to come
after ``now`` in the sample-only table ``demo_plan`` (sample_db.plans). Each
tick applies the planned steps whose time has come, and adds the petitions
and warnings that arrived since the last tick, at the history's own rates
(by village, weekday, season and local hour) times ``intensity``, each
planned in full from its arrival by the same code as the history. Handling
times therefore follow the model: the 5-day share stays calibrated however
long the demo runs, and queues settle at ``intensity`` times the history's.

It only ever writes to a store the sample generator built (store_meta
generator=sample) that has the demo tables.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update

from cockpit.lifecycle import TransitionError
from cockpit.store.factories import (
    Step,
    apply_petition_step,
    apply_warning_step,
    write_petitions,
    write_warnings,
)
from cockpit.store.schema import petition_events, petitions, regions, store_meta, warning_events, warnings
from sample_db import catalog, plans, warnings_gen
from sample_db import petitions as petition_gen
from sample_db.city import TownRef, committee_of
from sample_db.petitions import Arrival, Place, poisson
from sample_db.plans import demo_clock, demo_plan, demo_village
from sample_db.rules import OVERDUE_PETITION, RULE_WEIGHTS, RULES
from sample_db.store import NoDemoPlanError, NotSampleStoreError, is_sample_store
from sample_db.timing import LOCAL, OFFICE_HOURS, ONLINE_HOURS, SYSTEM_HOURS, hour_slots

log = logging.getLogger(__name__)

# Arrivals at this many times the history's rate: something happens about
# once a minute in local office hours (every ~35 s at 09-10), and queues
# settle at about twice the history's (docs/sample.md, "Intensity", has the
# trade-off: a 10-20 s pace would need 6-8 and queues 6-8 times as long).
DEFAULT_INTENSITY = 2.0
# After a pause, arrivals are added for at most this much of it (planned
# steps that came due are always applied).
MAX_CATCH_UP = timedelta(hours=6)
# Petitions by channel: residents write online at any hour, the hotline and
# visits follow office hours (as sample_db.petitions.draw_arrivals).
CHANNEL_GROUPS = (
    (("wechat", "miniprogram", "qrcode"), ONLINE_HOURS),
    (("hotline", "visit"), OFFICE_HOURS),
)
REBUILD = "rebuild it with python -m sample_db --force"
COUNTS = (
    "petitions_added",
    "petition_steps",
    "petition_events",
    "warnings_added",
    "warning_steps",
    "warning_events",
)


def demo_tick(
    engine: Engine,
    *,
    now: datetime | None = None,
    rng: random.Random | None = None,
    intensity: float = DEFAULT_INTENSITY,
) -> dict[str, int]:
    """Carry the sample store on to ``now``. Returns counts of what it did
    (see COUNTS; *_events counts every event written, new records' included).

    ``intensity`` multiplies the history's arrival rates (0: nothing new
    arrives, planned steps still happen). Correct for any gap between ticks.

    1. Refuse (NotSampleStoreError, nothing written) unless store_meta says
       generator=sample and the demo tables exist (NoDemoPlanError, a
       subclass, when only they are missing).
    2. In one transaction:
       a. claim the stretch since the last tick: a conditional UPDATE of
          demo_clock (same tick count as read); when another tick got there
          first, or ``now`` is not after the last tick, do nothing;
       b. apply every planned step due by ``now``, record by record, in
          order: the row is rebuilt with apply_petition_step /
          apply_warning_step and written with a conditional UPDATE (same id,
          status and updated_at as read); its events are appended and its
          plan rows deleted only when exactly one row changed. A plan that no
          longer fits its record (changed by someone else) is dropped;
       c. raise the PET-01 warnings whose nightly run came, for petitions
          still open;
       d. draw the petitions and warnings that arrived since the last tick
          (at most MAX_CATCH_UP back), plan each in full from its arrival,
          write what happened by ``now`` and plan the rest.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    rng = rng or random.Random()
    counts = dict.fromkeys(COUNTS, 0)
    with engine.begin() as conn:
        if not is_sample_store(conn):
            raise NotSampleStoreError("the live demo only writes to a store built by the sample generator")
        if not plans.has_plan_tables(conn):
            raise NoDemoPlanError(f"this sample store has no demo plans; {REBUILD}")
        since = _claim(conn, now)
        if since is None:
            return counts
        _apply_due_steps(conn, now, counts)
        villages = _Villages(conn)
        raisings = _due_overdue_raisings(conn, now, villages)
        raisings += _add_petitions(conn, rng, villages, since, now, intensity, counts)
        raisings += _draw_warnings(rng, villages, since, now, intensity)
        _add_warnings(conn, rng, raisings, now, counts)
    return counts


def _claim(conn: Connection, now: datetime) -> datetime | None:
    """Claim (last tick, now] for this tick: returns where its arrivals start,
    or None when there is nothing to claim."""
    query = select(demo_clock.c.ticked_at, demo_clock.c.ticks).where(demo_clock.c.id == 1)
    clock = conn.execute(query).first()
    if clock is None:
        raise NoDemoPlanError(f"this sample store's demo clock is missing; {REBUILD}")
    if now <= clock.ticked_at or not _advance_clock(conn, clock.ticks, now):
        return None
    return max(clock.ticked_at, now - MAX_CATCH_UP)


def _advance_clock(conn: Connection, ticks_read: int, now: datetime) -> bool:
    """Move the demo clock to ``now`` if no other tick moved it since it was
    read with ``ticks_read`` ticks. True when it did."""
    claimed = conn.execute(
        update(demo_clock)
        .where(demo_clock.c.id == 1, demo_clock.c.ticks == ticks_read)
        .values(ticked_at=now, ticks=ticks_read + 1)
    )
    return claimed.rowcount == 1


# -- planned steps -----------------------------------------------------------

RECORDS = {
    plans.PETITION: (petitions, petition_events, "petition_id", apply_petition_step, "petition"),
    plans.WARNING: (warnings, warning_events, "warning_id", apply_warning_step, "warning"),
}


def _apply_due_steps(conn: Connection, now: datetime, counts: dict[str, int]) -> None:
    due = conn.execute(
        select(demo_plan)
        .where(demo_plan.c.due_at <= now, demo_plan.c.record_kind.in_(list(RECORDS)))
        .order_by(demo_plan.c.record_kind, demo_plan.c.record_id, demo_plan.c.seq)
    ).all()
    by_record: dict[tuple[str, int], list] = defaultdict(list)
    for row in due:
        by_record[(row.record_kind, row.record_id)].append(row)
    done: list[int] = []  # plan rows applied or dropped
    for kind, (table, events, fk, apply, name) in RECORDS.items():
        ids = [record_id for k, record_id in by_record if k == kind]
        written = []
        for record in _rows(conn, table, ids):
            planned = by_record[(kind, record["id"])]
            after = dict(record)
            try:
                steps = [apply(after, plans.decode(kind, p.step, p.due_at)) for p in planned]
            except (TransitionError, ValueError) as error:
                log.warning("demo: dropping the plan of %s %s: %s", name, record["external_id"], error)
                _drop_plan(conn, kind, record["id"])
                continue
            if _write_moved(conn, table, record, after):
                written.extend({**event, fk: record["id"]} for event in steps)
                done.extend(p.id for p in planned)
        if written:
            conn.execute(insert(events), written)
        counts[f"{name}_steps"] += len(written)
        counts[f"{name}_events"] += len(written)
    for start in range(0, len(done), 500):
        conn.execute(delete(demo_plan).where(demo_plan.c.id.in_(done[start : start + 500])))


def _rows(conn: Connection, table, ids: list[int], chunk: int = 500) -> list[dict]:
    rows = []
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        query = select(table).where(table.c.id.in_(part)).order_by(table.c.id)
        rows.extend(dict(r) for r in conn.execute(query).mappings())
    return rows


def _drop_plan(conn: Connection, kind: str, record_id: int) -> None:
    conn.execute(delete(demo_plan).where(demo_plan.c.record_kind == kind, demo_plan.c.record_id == record_id))


# What a step may change, by table: the conditional UPDATE sets these.
MOVABLE = {
    "petitions": ("status", "handling_level", "handling_unit", "closed_at", "satisfaction", "updated_at"),
    "warnings": ("status", "owner_kind", "owner_name", "disposed_at", "disposition", "note", "updated_at"),
}


def _write_moved(conn: Connection, table, before: dict, after: dict) -> bool:
    """Write ``after`` over ``before`` if nobody changed the row since it was
    read (same status and updated_at). True when it did: only then may the
    caller append the move's events."""
    result = conn.execute(
        _move_statement(table),
        {"b_id": before["id"], "b_status": before["status"], "b_updated_at": before["updated_at"]}
        | {column: after[column] for column in MOVABLE[table.name]},
    )
    return result.rowcount == 1


@cache
def _move_statement(table):
    return (
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            table.c.status == bindparam("b_status"),
            table.c.updated_at == bindparam("b_updated_at", type_=table.c.updated_at.type),
        )
        .values({column: bindparam(column, type_=table.c[column].type) for column in MOVABLE[table.name]})
    )


def _due_overdue_raisings(conn: Connection, now: datetime, villages: _Villages) -> list:
    """PET-01 raisings whose nightly run came, for petitions still open at
    the run (by their events, so a late tick decides as a timely one)."""
    due = conn.execute(
        select(demo_plan)
        .where(demo_plan.c.due_at <= now, demo_plan.c.record_kind == plans.OVERDUE)
        .order_by(demo_plan.c.due_at, demo_plan.c.record_id)
    ).all()
    if not due:
        return []
    conn.execute(delete(demo_plan).where(demo_plan.c.id.in_([p.id for p in due])))
    rows = {r["id"]: r for r in _rows(conn, petitions, [p.record_id for p in due])}
    closings = defaultdict(list)
    for petition_id, kind, at in conn.execute(
        select(petition_events.c.petition_id, petition_events.c.kind, petition_events.c.at)
        .where(
            petition_events.c.petition_id.in_(list(rows)),
            petition_events.c.kind.in_(("closed", "reopened")),
        )
        .order_by(petition_events.c.at, petition_events.c.id)
    ):
        closings[petition_id].append(Step(kind, at))
    raisings = []
    for planned in due:
        row, village = rows.get(planned.record_id), None
        if row is not None and petition_gen.open_at(closings[row["id"]], planned.due_at):
            village = villages.get(row["village_code"])
        if village is None:
            continue
        place, rates = village
        closes = plans.closes_at(planned.step)
        rule = OVERDUE_PETITION
        raisings.append(warnings_gen.Raising(planned.due_at, place, rule, rates.speed, row, closes))
    return raisings


# -- arrivals ------------------------------------------------------------------


class _Villages:
    """The villages' places and calibrated rates, read when first needed."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self._by_code: dict | None = None
        self._totals: tuple[float, float] | None = None

    def load(self) -> dict:
        if self._by_code is None:
            self._by_code = _read_villages(self.conn)
        return self._by_code

    def get(self, code: str):
        return self.load().get(code)

    def totals(self) -> tuple[float, float]:
        """Expected petitions and warnings per day of weight 1, all villages."""
        if self._totals is None:
            petitions_per_day, warnings_per_day = self.conn.execute(
                select(func.sum(demo_village.c.petitions_per_day), func.sum(demo_village.c.warnings_per_day))
            ).one()
            self._totals = (petitions_per_day or 0.0, warnings_per_day or 0.0)
        return self._totals


def _read_villages(conn: Connection) -> dict:
    meta = dict(conn.execute(select(store_meta.c.key, store_meta.c.value)).all())
    town_names = dict(
        conn.execute(select(regions.c.code, regions.c.name).where(regions.c.level == "town")).all()
    )
    names = {
        code: (name, parent)
        for code, name, parent in conn.execute(
            select(regions.c.code, regions.c.name, regions.c.parent_code).where(regions.c.level == "village")
        )
    }
    by_code = {}
    for rates in conn.execute(select(demo_village).order_by(demo_village.c.village_code)):
        if rates.village_code not in names:
            continue
        name, parent = names[rates.village_code]
        place = Place(
            rates.village_code,
            name,
            committee_of(name),
            TownRef(town_names.get(parent, "")),
            meta.get("city_name", ""),
            meta.get("prefecture_name", ""),
        )
        by_code[rates.village_code] = (place, rates)
    return by_code


def _draw_times(
    rng: random.Random, since: datetime, now: datetime, hours: tuple, office: bool, per_day: float
) -> list[datetime]:
    """Arrival times in (since, now] at ``per_day`` per day of weight 1,
    spread by the local hour profile ``hours``."""
    if per_day <= 0:
        return []
    slots = hour_slots(since, now, hours, office)
    weights = [w for _, _, w in slots]
    count = poisson(rng, per_day * sum(weights))
    times = []
    for _ in range(count):
        start, end, _ = rng.choices(slots, weights)[0]
        at = (start + (end - start) * rng.random()).replace(microsecond=0)
        times.append(min(now, max(at, start)))
    return times


def _pick(rng: random.Random, villages: dict, column: str):
    codes = list(villages)
    return villages[rng.choices(codes, [getattr(villages[c][1], column) for c in codes])[0]]


def _add_petitions(
    conn: Connection,
    rng: random.Random,
    villages: _Villages,
    since: datetime,
    now: datetime,
    intensity: float,
    counts: dict[str, int],
) -> list:
    """Add the petitions received in (since, now]; returns PET-01 raisings
    already due among them (none unless the catch-up reaches 5 days back)."""
    per_day = villages.totals()[0] * intensity
    arrivals = []
    for channels, hours in CHANNEL_GROUPS:
        weights = [catalog.CHANNEL_WEIGHTS[c] for c in channels]
        share = sum(weights) / sum(catalog.CHANNEL_WEIGHTS.values())
        for at in _draw_times(rng, since, now, hours, False, per_day * share):
            if not villages.load():
                return []
            place, rates = _pick(rng, villages.load(), "petitions_per_day")
            arrivals.append((Arrival(at, place, rng.choices(channels, weights)[0]), rates))
    if not arrivals:
        return []
    arrivals.sort(key=lambda a: (a[0].received_at, a[0].place.village_code))
    ids = _ExternalIds(conn, petitions, "SQ")
    planned = [
        petition_gen.plan_petition(
            rng,
            arrival,
            ids.next(arrival.received_at),
            now,
            share_target=rates.share_target,
            stuck_rate=rates.stuck_rate,
        )
        for arrival, rates in arrivals
    ]
    record_ids = write_petitions(conn, [p.built for p in planned])
    rows, due = [], []
    for plan, record_id, (arrival, rates) in zip(planned, record_ids, arrivals, strict=True):
        rows.extend(plans.plan_rows(plans.PETITION, record_id, plan.later))
        row, place = plan.built.row, arrival.place
        raising = warnings_gen.overdue_petition_raising(row, plan.steps, place, rates.speed)
        if raising is not None and raising.raised_at > now:
            rows.append(plans.overdue_row(record_id, raising.raised_at, raising.petition_closed))
        elif raising is not None:
            due.append(raising)
    plans.write_plan_rows(conn, rows)
    counts["petitions_added"] += len(planned)
    counts["petition_events"] += sum(len(p.built.events) for p in planned)
    return due


def _draw_warnings(
    rng: random.Random, villages: _Villages, since: datetime, now: datetime, intensity: float
) -> list:
    """Rule firings in (since, now], as raisings."""
    per_day = villages.totals()[1] * intensity
    raisings = []
    for at in _draw_times(rng, since, now, SYSTEM_HOURS, True, per_day):
        if not villages.load():
            return []
        place, rates = _pick(rng, villages.load(), "warnings_per_day")
        rule = rng.choices(RULES, RULE_WEIGHTS)[0]
        raisings.append(warnings_gen.Raising(at, place, rule, rates.speed))
    return raisings


def _add_warnings(
    conn: Connection, rng: random.Random, raisings: list, now: datetime, counts: dict[str, int]
) -> None:
    if not raisings:
        return
    raisings.sort(key=lambda r: (r.raised_at, r.place.village_code))
    ids = _ExternalIds(conn, warnings, "YJ")
    planned = [warnings_gen.plan_warning(rng, r, ids.next(r.raised_at), now) for r in raisings]
    record_ids = write_warnings(conn, [p.built for p in planned])
    rows = []
    for plan, record_id in zip(planned, record_ids, strict=True):
        rows.extend(plans.plan_rows(plans.WARNING, record_id, plan.later))
    plans.write_plan_rows(conn, rows)
    counts["warnings_added"] += len(planned)
    counts["warning_events"] += sum(len(p.built.events) for p in planned)


class _ExternalIds:
    """Ids like SQ202611210042: prefix, local date, the day's next number."""

    def __init__(self, conn: Connection, table, prefix: str):
        self.conn, self.table, self.prefix = conn, table, prefix
        self.last: dict[str, int] = {}

    def next(self, at: datetime) -> str:
        day = f"{self.prefix}{at.astimezone(LOCAL):%Y%m%d}"
        if day not in self.last:
            self.last[day] = _last_number(self.conn, self.table, day)
        self.last[day] += 1
        return f"{day}{self.last[day]:04d}"


def _last_number(conn: Connection, table, day_prefix: str) -> int:
    last = conn.execute(
        select(table.c.external_id)
        .where(table.c.external_id.like(day_prefix + "%"))
        .order_by(func.length(table.c.external_id).desc(), table.c.external_id.desc())
        .limit(1)
    ).scalar()
    return int(last[len(day_prefix) :]) if last else 0
