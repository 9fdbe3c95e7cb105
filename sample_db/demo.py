"""The live demo job: plays the sample generator's own model out in real time.

The generator plans every record in full and keeps what is still to come
after ``now`` in the sample-only table ``demo_plan`` (sample_db.plans). Each
tick applies the planned steps whose time has come (petitions, warnings and
business records: a payout paid, a disclosure published, ...), adds the
petitions and business records that arrived since the last tick, at the
history's own rates (by village, weekday, season and local hour) times
``intensity``, anomalies included, each planned in full from its arrival by
the same code as the history, and plans the handling of the warnings the
warning engine raised since (the refresh job runs the engine after each
tick; the demo never writes a warning itself). Handling times therefore
follow the model: the 5-day share stays calibrated however long the demo
runs, and queues settle at ``intensity`` times the history's.

It only ever writes to a store the sample generator built (store_meta
generator=sample) that has the demo tables.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, Engine, Numeric, delete, func, insert, select, update

from cockpit.lifecycle import TransitionError
from cockpit.store.factories import (
    apply_petition_step,
    apply_warning_step,
    write_moved,
    write_petitions,
)
from cockpit.store.records import (
    cadre_relatives,
    cadres,
    disclosures,
    labour,
    land_contracts,
    payouts,
    project_bids,
    projects,
    public_servants,
)
from cockpit.store.records import metadata as records_metadata
from cockpit.store.schema import (
    UTCDateTime,
    petition_events,
    petitions,
    regions,
    store_meta,
    warning_events,
    warnings,
)
from sample_db import anomalies, build, catalog, ledger, plans, tips, warnings_gen
from sample_db import petitions as petition_gen
from sample_db.city import TownRef, committee_of
from sample_db.people import Cadre, Folk, Person, Registry, Relative
from sample_db.petitions import Arrival, Place, poisson
from sample_db.plans import demo_clock, demo_plan, demo_village
from sample_db.store import NoDemoPlanError, NotSampleStoreError, is_sample_store
from sample_db.timing import LOCAL, OFFICE_HOURS, ONLINE_HOURS, hour_slots

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
    "tips_added",
    "petition_steps",
    "petition_events",
    "records_added",
    "anomalies_added",
    "record_steps",
    "warnings_planned",
    "warning_steps",
    "warning_events",
)
# Business records the demo adds describe things that happened this long
# before they reach the store (a payment applied, approved and paid), so
# that they are complete when written; labour and queries carry on by plan.
ENTRY_LEAD = {"payments": timedelta(days=9), "projects": timedelta(days=13), "seal_uses": timedelta(hours=2)}
RULE_TABLE = {"LAB": "labour", "FUN": "payments", "PRJ": "projects", "SEAL": "seal_uses", "SUB": "payouts"}


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
       c. apply the business records' planned steps due by ``now``
          (a column set, if still empty);
       d. draw the petitions and business records that arrived since the
          last tick (at most MAX_CATCH_UP back), anomalies included (each
          recorded as ground truth), then the tips about those anomalies
          (sample_db.tips: petitions that name them, received in the same
          stretch; numbered after the others of the tick), plan each in
          full from its arrival, write what happened by ``now`` and plan
          the rest.
       Before b, it plans the handling of warnings the engine raised since
       the history ended that have no plan yet.
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
        villages = _Villages(conn)
        _plan_raised_warnings(conn, rng, villages, now, counts)
        _apply_due_steps(conn, now, counts)
        _apply_record_steps(conn, now, counts)
        _add_petitions(conn, rng, _petition_arrivals(rng, villages, since, now, intensity), now, counts)
        # Tips draw from their own generator, seeded by the stretch claimed,
        # so that every other arrival draws as it would without them.
        tip_rng = random.Random(f"tips:{since.isoformat()}:{now.isoformat()}")
        tipped = _add_records(conn, rng, tip_rng, villages, since, now, intensity, counts)
        _add_petitions(conn, tip_rng, tipped, now, counts)
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
                steps = [
                    apply(after, _not_before(plans.decode(kind, p.step, p.due_at), after)) for p in planned
                ]
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


def _not_before(step, row: dict):
    """``step`` moved to the row's last change when that came later (the
    refresh job's escalation may move a warning between its planned steps)."""
    return step if step.at >= row["updated_at"] else dataclasses.replace(step, at=row["updated_at"])


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
    "warnings": (
        "status",
        "owner_kind",
        "owner_name",
        "due_at",
        "disposed_at",
        "disposition",
        "note",
        "updated_at",
    ),
}


def _write_moved(conn: Connection, table, before: dict, after: dict) -> bool:
    """cockpit.store.factories.write_moved with the columns a step of this
    table may change."""
    return write_moved(conn, table, before, after, MOVABLE[table.name])


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


def _petition_arrivals(
    rng: random.Random, villages: _Villages, since: datetime, now: datetime, intensity: float
) -> list[tuple]:
    """The petitions received in (since, now]: (arrival, village rates, None)."""
    per_day = villages.totals()[0] * intensity
    arrivals = []
    for channels, hours in CHANNEL_GROUPS:
        weights = [catalog.CHANNEL_WEIGHTS[c] for c in channels]
        share = sum(weights) / sum(catalog.CHANNEL_WEIGHTS.values())
        for at in _draw_times(rng, since, now, hours, False, per_day * share):
            if not villages.load():
                return []
            place, rates = _pick(rng, villages.load(), "petitions_per_day")
            arrivals.append((Arrival(at, place, rng.choices(channels, weights)[0]), rates, None))
    return arrivals


def _add_petitions(
    conn: Connection, rng: random.Random, arrivals: list[tuple], now: datetime, counts: dict[str, int]
) -> None:
    """Add the petitions received in (since, now] ((arrival, village rates,
    tip or None)), in order of receipt, planned with ``rng``, and the ground
    truth of the tips among them (the engine raises PET-01 and PET-02 on
    them at the refresh that follows)."""
    if not arrivals:
        return
    arrivals.sort(key=lambda a: (a[0].received_at, a[0].place.village_code))
    ids = _ExternalIds(conn, petitions, "SQ")
    planned, tip_rows = [], []
    for arrival, rates, tip in arrivals:
        external_id = ids.next(arrival.received_at)
        told = {"category": tip.category, "summary": tip.summary} if tip else {}
        planned.append(
            petition_gen.plan_petition(
                rng,
                arrival,
                external_id,
                now,
                share_target=rates.share_target,
                stuck_rate=rates.stuck_rate,
                **told,
            )
        )
        if tip:
            tip_rows.append(tips.truth_row(tip, external_id))
    record_ids = write_petitions(conn, [p.built for p in planned])
    rows = []
    for plan, record_id in zip(planned, record_ids, strict=True):
        rows.extend(plans.plan_rows(plans.PETITION, record_id, plan.later))
    plans.write_plan_rows(conn, rows)
    if tip_rows:
        conn.execute(insert(plans.sample_tips), tip_rows)
    counts["petitions_added"] += len(planned)
    counts["tips_added"] += len(tip_rows)
    counts["petition_events"] += sum(len(p.built.events) for p in planned)


# -- business records ----------------------------------------------------------


def _add_records(
    conn: Connection,
    rng: random.Random,
    tip_rng: random.Random,
    villages: _Villages,
    since: datetime,
    now: datetime,
    intensity: float,
    counts: dict[str, int],
) -> list[tuple]:
    """Add the business records that arrived in (since, now] at the
    history's rates times ``intensity``, and the anomalies among them (at
    ANOMALY_RATES, recorded as ground truth). Each record is written with
    updated_at = ``now``, when it reaches the store, so the engine's next run
    reads it; its own times may lie before (ENTRY_LEAD). Returns the tips
    about the anomalies visible by ``now`` (sample_db.tips, drawn with
    ``tip_rng``), as petitions received in (since, now]: (arrival, village
    rates, tip)."""
    by_code = villages.load()
    if not by_code:
        return []
    codes = list(by_code)
    events: list[tuple[datetime, str, str]] = []  # (time, village, table or rule)
    office = [by_code[c][1].office_rate for c in codes]
    for table, per_year in ledger.RATES.items():
        for at in _draw_times(rng, since, now, OFFICE_HOURS, True, sum(office) * per_year * intensity):
            events.append((at, rng.choices(codes, office)[0], table))
    weights = [by_code[c][1].office_rate * by_code[c][1].anomaly_scale for c in codes]
    for rule in anomalies.ARRIVAL_RULES:
        per_day = sum(weights) * ledger.ANOMALY_RATES[rule] * intensity
        for at in _draw_times(rng, since, now, OFFICE_HOURS, True, per_day):
            events.append((at, rng.choices(codes, weights)[0], rule))
    if not events:
        return []
    book_ledger = ledger.Ledger(first_ids=_next_ids(conn))
    registry = Registry(rng)
    books: dict[str, ledger.Book] = {}
    for at, code, what in sorted(events):
        book = books.get(code) or books.setdefault(code, _book(conn, book_ledger, registry, rng, code, now))
        table = what if what in ledger.RATES else RULE_TABLE[what.split("-")[0]]
        key = at - ENTRY_LEAD.get(table, timedelta(0))
        if what in ledger.RATES:
            ledger.arrival_makers(book.published)[what](book, anomalies._key(book, key))
        else:
            anomalies.MAKERS[what](book, key)
    for rows in book_ledger.rows.values():
        for row in rows:
            if "updated_at" in row:
                row["updated_at"] = now
    for truth in book_ledger.truth:
        truth["detectable_at"] = max(truth["detectable_at"], now)
    build.write_records(conn, book_ledger)
    if book_ledger.truth:
        conn.execute(insert(plans.sample_truth), book_ledger.truth)
    plans.write_plan_rows(conn, plans.record_plan_rows(book_ledger.plans))
    counts["records_added"] += sum(len(book_ledger.rows.get(t, ())) for t in build.RECORD_TABLES)
    counts["anomalies_added"] += len(book_ledger.truth)
    return _tips(tip_rng, book_ledger, by_code, since, now)


def _tips(
    rng: random.Random, book_ledger: ledger.Ledger, by_code: dict, since: datetime, now: datetime
) -> list[tuple]:
    """The tips about the anomalies just written, received in (since, now]
    by a channel of the usual mix."""
    names = {code: place.village_name for code, (place, _rates) in by_code.items()}
    channels, weights = list(catalog.CHANNEL_WEIGHTS), list(catalog.CHANNEL_WEIGHTS.values())
    found = []
    for tip in tips.draw_tips(rng, book_ledger, names, now):
        place, rates = by_code[tip.village_code]
        at = min(now, since + (now - since) * rng.random() + timedelta(seconds=1)).replace(microsecond=0)
        found.append((Arrival(at, place, rng.choices(channels, weights)[0]), rates, tip))
    return found


def _next_ids(conn: Connection) -> dict[str, int]:
    tables = records_metadata.tables
    return {
        name: (conn.execute(select(func.max(tables[name].c.id))).scalar() or 0) + 1
        for name in build.RECORD_TABLES
    }


def _book(
    conn: Connection,
    book_ledger: ledger.Ledger,
    registry: Registry,
    rng: random.Random,
    code: str,
    now: datetime,
) -> ledger.Book:
    """A village's people as its registries and recent records know them,
    with who is busy when (so new labour does not overlap by accident)."""
    cadre_rows = conn.execute(select(cadres).where(cadres.c.village_code == code).order_by(cadres.c.id)).all()
    cadre_list = [Cadre(Person(r.name, r.id_number), r.role) for r in cadre_rows]
    by_id = {r.id: c for r, c in zip(cadre_rows, cadre_list, strict=True)}
    relatives = [
        Relative(Person(r.name, r.id_number), by_id[r.cadre_id], r.relation)
        for r in conn.execute(select(cadre_relatives).where(cadre_relatives.c.village_code == code))
        if r.cadre_id in by_id
    ]
    land: dict[str, tuple[Person, list[float]]] = {}
    for r in conn.execute(select(land_contracts).where(land_contracts.c.village_code == code)):
        land.setdefault(r.id_number, (Person(r.household, r.id_number), []))[1].append(float(r.area))
    servants = [
        (Person(r.name, r.id_number), r.employer)
        for r in conn.execute(select(public_servants).where(public_servants.c.village_code == code))
    ]
    firms = sorted(
        set(
            conn.execute(
                select(project_bids.c.bidder)
                .select_from(project_bids.join(projects, projects.c.id == project_bids.c.project_id))
                .where(projects.c.village_code == code, project_bids.c.bidder_id_number.is_(None))
            ).scalars()
        )
    ) or ["宏远建材商行", "顺发五金店", "恒通工程队"]
    residents = [holder for holder, _ in land.values()]
    folk = Folk(code, residents or [registry.person(code)], cadre_list, relatives, servants, land, firms)
    book = ledger.Book(book_ledger, folk, rng, now, registry)
    recent = now - timedelta(days=60)
    for worker, start, end in conn.execute(
        select(labour.c.worker_id_number, labour.c.work_start, labour.c.work_end).where(
            labour.c.village_code == code, labour.c.work_start >= recent
        )
    ):
        book.busy[worker].append((start, end or start + timedelta(days=5)))
    for number, due in conn.execute(
        select(payouts.c.id_number, payouts.c.due_at).where(
            payouts.c.village_code == code, payouts.c.programme == "临时救助金"
        )
    ):
        book.one_offs.setdefault(number, []).append(due)
    book.published = [
        dict(r)
        for r in conn.execute(
            select(disclosures.c.id, disclosures.c.item, disclosures.c.published_at)
            .where(disclosures.c.village_code == code, disclosures.c.published_at.is_not(None))
            .order_by(disclosures.c.published_at.desc())
            .limit(40)
        ).mappings()
    ][::-1]
    return book


def _apply_record_steps(conn: Connection, now: datetime, counts: dict[str, int]) -> None:
    """Set the columns business records' plans set by ``now`` (only where
    still empty: someone else may have done it), moving updated_at."""
    due = conn.execute(
        select(demo_plan)
        .where(demo_plan.c.due_at <= now, demo_plan.c.record_kind.in_(plans.RECORD_KINDS))
        .order_by(demo_plan.c.due_at, demo_plan.c.id)
    ).all()
    tables = records_metadata.tables
    for planned in due:
        table = tables[planned.record_kind]
        values = {column: _value(table.c[column], text) for column, text in json.loads(planned.step).items()}
        empty = [table.c[column].is_(None) for column in values]
        moved = conn.execute(
            update(table)
            .where(table.c.id == planned.record_id, *empty)
            .values(**values, updated_at=max(now, planned.due_at))
        ).rowcount
        counts["record_steps"] += moved
    if due:
        ids = [p.id for p in due]
        for start in range(0, len(ids), 500):
            conn.execute(delete(demo_plan).where(demo_plan.c.id.in_(ids[start : start + 500])))


def _value(column, text: str):
    if isinstance(column.type, UTCDateTime):
        return datetime.fromisoformat(text)
    if isinstance(column.type, Numeric):
        return Decimal(text)
    return text


# -- warnings the engine raised -------------------------------------------------------


def _plan_raised_warnings(
    conn: Connection, rng: random.Random, villages: _Villages, now: datetime, counts: dict[str, int]
) -> None:
    """Plan the handling of the warnings the engine raised since the history
    ended that are still new and have no plan (sample_db.warnings_gen)."""
    end = conn.execute(select(store_meta.c.value).where(store_meta.c.key == "history_end")).scalar()
    if end is None:
        return
    planned_ids = select(demo_plan.c.record_id).where(demo_plan.c.record_kind == plans.WARNING)
    rows = (
        conn.execute(
            select(warnings)
            .where(
                warnings.c.status == "new",
                warnings.c.raised_at > datetime.fromisoformat(end),
                warnings.c.id.not_in(planned_ids),
            )
            .order_by(warnings.c.id)
        )
        .mappings()
        .all()
    )
    plan_rows = []
    for row in rows:
        village = villages.get(row["village_code"])
        speed = village[1].speed if village else 1.0
        closes = _petition_closes(conn, row, now) if row["rule_code"] == "PET-01" else None
        steps = warnings_gen.handling_steps(rng, dict(row), closes, speed)
        plan_rows.extend(plans.plan_rows(plans.WARNING, row["id"], steps))
    plans.write_plan_rows(conn, plan_rows)
    counts["warnings_planned"] += len(rows)


def _petition_closes(conn: Connection, warning: dict, now: datetime) -> datetime | None:
    """When the overdue petition behind a PET-01 warning closes: now if it
    is closed already, else its planned closure (None: not planned)."""
    petition = conn.execute(
        select(petitions.c.id, petitions.c.closed_at).where(petitions.c.external_id == warning["subject_id"])
    ).first()
    if petition is None:
        return None
    if petition.closed_at is not None:
        return now
    for planned in conn.execute(
        select(demo_plan.c.due_at, demo_plan.c.step)
        .where(demo_plan.c.record_kind == plans.PETITION, demo_plan.c.record_id == petition.id)
        .order_by(demo_plan.c.seq)
    ):
        if json.loads(planned.step).get("kind") == "closed":
            return planned.due_at
    return None


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
