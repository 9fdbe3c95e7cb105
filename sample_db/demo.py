"""The live demo job: keeps a sample store moving, a few records per tick.

The scheduler calls ``demo_tick(engine)`` every few seconds. It only ever
writes to a store the sample generator built (store_meta generator=sample).

Queues settle instead of draining or piling up: how many records move each
tick is proportional to how many are waiting (a hazard), and both arrivals
and moves follow the same local hour-of-day activity, so the steady state,
rate / hazard, is the same at every hour and close to what the generator
leaves at ``now``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, func, insert, select, update

from cockpit.lifecycle import PETITION
from cockpit.store.factories import (
    apply_petition_step,
    apply_warning_step,
    write_petitions,
    write_warnings,
)
from cockpit.store.schema import petition_events, petitions, regions, store_meta, warning_events, warnings
from sample_db import catalog, warnings_gen
from sample_db import petitions as petition_gen
from sample_db.city import TownRef, committee_of
from sample_db.petitions import Arrival, Place, poisson
from sample_db.rules import RULE_WEIGHTS, RULES
from sample_db.store import NotSampleStoreError, is_sample_store
from sample_db.timing import LOCAL, OFFICE_HOURS, ONLINE_HOURS

# Expected arrivals per tick, averaged over the day (more in the local
# daytime, fewer at night).
PETITION_RATE, WARNING_RATE = 0.2, 0.15
MAX_NEW_PETITIONS, MAX_NEW_WARNINGS = 3, 2
# Chance per tick, averaged over the day, that a waiting record moves one
# step. Petitions need ~4 steps each: ~0.2 * 4 / 0.008 = ~100 stay open.
# Warnings: ~0.15 * 2300 = ~350 stay red and ~0.13 * 7000 = ~900 yellow,
# as the generator leaves them.
PETITION_HAZARD, RED_HAZARD, YELLOW_HAZARD = 0.008, 1 / 2300, 1 / 7000
MAX_PETITION_MOVES, MAX_WARNING_MOVES = 4, 2


def demo_tick(
    engine: Engine,
    *,
    now: datetime | None = None,
    rng: random.Random | None = None,
    intensity: float = 1.0,
) -> dict[str, int]:
    """Add and move a few petitions and warnings, as if residents and
    officers were at work. Returns counts of what it did.

    ``intensity`` scales arrivals and moves together (the queues' steady
    sizes stay the same): pass less than 1 for a calmer demo, e.g. when the
    job runs more often than every 5 seconds.

    1. Refuse (NotSampleStoreError) unless store_meta says generator=sample.
    2. In one transaction:
       a. add 0-3 petitions received at ``now`` (more in the local daytime);
       b. move a few open petitions one step each (assign, escalate,
          resolve, feedback, close), chosen at random;
       c. raise 0-2 warnings;
       d. sign for a few red warnings (or dismiss them as false alarms) and
          dispose of a few yellow ones.
    Each move is a conditional UPDATE (same id, status and updated_at as
    read) and its event is appended only when exactly one row changed, so two
    ticks running at once never apply a move twice; new ids collide instead
    and the losing tick rolls back whole.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    rng = rng or random.Random()
    with engine.begin() as conn:
        if not is_sample_store(conn):
            raise NotSampleStoreError("the live demo only writes to a store built by the sample generator")
        places = _places(conn)
        residents = _activity(ONLINE_HOURS, now) * intensity
        officers = _activity(OFFICE_HOURS, now) * intensity
        counts = {
            "petitions_added": _add_petitions(conn, rng, places, now, residents),
            "petitions_moved": _move_petitions(conn, rng, places, now, residents),
            "warnings_added": _add_warnings(conn, rng, places, now, officers),
        }
        counts["warnings_accepted"], counts["warnings_disposed"] = _move_warnings(conn, rng, now, officers)
    return counts


def _places(conn: Connection) -> dict[str, Place]:
    meta = dict(conn.execute(select(store_meta.c.key, store_meta.c.value)).all())
    town_names = dict(
        conn.execute(select(regions.c.code, regions.c.name).where(regions.c.level == "town")).all()
    )
    villages = conn.execute(
        select(regions.c.code, regions.c.name, regions.c.parent_code)
        .where(regions.c.level == "village")
        .order_by(regions.c.code)
    ).all()
    return {
        code: Place(
            code,
            name,
            committee_of(name),
            TownRef(town_names.get(parent, "")),
            meta.get("city_name", ""),
            meta.get("prefecture_name", ""),
        )
        for code, name, parent in villages
    }


def _activity(profile: tuple[float, ...], now: datetime) -> float:
    """How busy the local hour of ``now`` is, relative to the day's average."""
    return profile[now.astimezone(LOCAL).hour] * len(profile) / sum(profile)


def _next_external_id(conn: Connection, table, prefix: str, now: datetime) -> int:
    """The next daily sequence number for ids like SQ202611210042."""
    day_prefix = f"{prefix}{now.astimezone(LOCAL):%Y%m%d}"
    last = conn.execute(
        select(table.c.external_id)
        .where(table.c.external_id.like(day_prefix + "%"))
        .order_by(func.length(table.c.external_id).desc(), table.c.external_id.desc())
        .limit(1)
    ).scalar()
    return int(last[len(day_prefix) :]) + 1 if last else 1


def _day_id(prefix: str, now: datetime, number: int) -> str:
    return f"{prefix}{now.astimezone(LOCAL):%Y%m%d}{number:04d}"


def _add_petitions(
    conn: Connection, rng: random.Random, places: dict[str, Place], now: datetime, activity: float
) -> int:
    count = min(MAX_NEW_PETITIONS, poisson(rng, PETITION_RATE * activity))
    if not count or not places:
        return 0
    first = _next_external_id(conn, petitions, "SQ", now)
    channels = list(catalog.CHANNEL_WEIGHTS)
    weights = list(catalog.CHANNEL_WEIGHTS.values())
    codes = list(places)
    built = []
    for i in range(count):
        arrival = Arrival(now, places[rng.choice(codes)], rng.choices(channels, weights)[0])
        # Planned up to the moment of receipt: the record is just received.
        built.append(
            petition_gen.plan_petition(
                rng, arrival, _day_id("SQ", now, first + i), now, share_target=0.9, stuck_rate=0.0
            )
        )
    write_petitions(conn, built)
    return count


def _add_warnings(
    conn: Connection, rng: random.Random, places: dict[str, Place], now: datetime, activity: float
) -> int:
    count = min(MAX_NEW_WARNINGS, poisson(rng, WARNING_RATE * activity))
    if not count or not places:
        return 0
    first = _next_external_id(conn, warnings, "YJ", now)
    codes = list(places)
    built = []
    for i in range(count):
        rule = rng.choices(RULES, RULE_WEIGHTS)[0]
        raising = warnings_gen.Raising(now, places[rng.choice(codes)], rule, 1.0)
        built.append(warnings_gen.plan_warning(rng, raising, _day_id("YJ", now, first + i), now))
    write_warnings(conn, built)
    return count


def _pick(conn: Connection, rng: random.Random, table, statuses, hazard: float, most: int) -> list[dict]:
    """A few records in ``statuses``, each waiting one having ``hazard``
    chance to be picked (at most ``most``)."""
    ids = (
        conn.execute(select(table.c.id).where(table.c.status.in_(statuses)).order_by(table.c.id))
        .scalars()
        .all()
    )
    wanted = min(most, len(ids), poisson(rng, len(ids) * hazard))
    if not wanted:
        return []
    chosen = rng.sample(ids, wanted)
    rows = conn.execute(select(table).where(table.c.id.in_(chosen)).order_by(table.c.id)).mappings().all()
    return [dict(r) for r in rows]


def _move_petitions(
    conn: Connection, rng: random.Random, places: dict[str, Place], now: datetime, activity: float
) -> int:
    moved = 0
    hazard = PETITION_HAZARD * activity
    for row in _pick(conn, rng, petitions, PETITION.open_codes, hazard, MAX_PETITION_MOVES):
        place = places.get(row["village_code"])
        at = max(now, row["updated_at"])
        step = petition_gen.next_step(rng, row, place, at) if place else None
        if step is not None:
            after = dict(row)
            event = apply_petition_step(after, step)
            moved += _record(conn, petitions, petition_events, "petition_id", row, after, event)
    return moved


def _move_warnings(conn: Connection, rng: random.Random, now: datetime, activity: float) -> tuple[int, int]:
    accepted = disposed = 0
    red = _pick(conn, rng, warnings, ("new",), RED_HAZARD * activity, MAX_WARNING_MOVES)
    yellow = _pick(conn, rng, warnings, ("pending",), YELLOW_HAZARD * activity, MAX_WARNING_MOVES)
    for row in red + yellow:
        step = warnings_gen.next_step(rng, row, max(now, row["updated_at"]))
        if step is None:
            continue
        after = dict(row)
        event = apply_warning_step(after, step)
        if _record(conn, warnings, warning_events, "warning_id", row, after, event):
            accepted += step.kind == "accepted"
            disposed += step.kind == "disposed"
    return accepted, disposed


def _record(conn: Connection, table, events, fk: str, before: dict, after: dict, event: dict) -> bool:
    """Write ``after`` over ``before`` if nobody changed the row meanwhile,
    then append ``event``. True when it did."""
    changed = {k: v for k, v in after.items() if k != "id" and v != before[k]}
    changed["updated_at"] = after["updated_at"]
    result = conn.execute(
        update(table)
        .where(
            table.c.id == before["id"],
            table.c.status == before["status"],
            table.c.updated_at == before["updated_at"],
        )
        .values(**changed)
    )
    if result.rowcount != 1:
        return False
    conn.execute(insert(events).values(**event, **{fk: before["id"]}))
    return True
