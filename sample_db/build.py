"""Build the whole sample store from a seed: the city, 13 months of
petitions and warnings, and the facts about the store itself."""

from __future__ import annotations

import fcntl
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlalchemy.engine import make_url

from cockpit.rules.catalogue import load_catalogue
from cockpit.rules.engine import find_new, settle, warning_specs
from cockpit.settings import Settings
from cockpit.store.engine import create_store, make_engine, missing_columns
from cockpit.store.factories import sync_sequences, write_petitions, write_warnings
from cockpit.store.hierarchy import rebuild_region_tree
from cockpit.store.records import metadata as _metadata
from cockpit.store.schema import regions, store_meta
from sample_db import catalog, petitions, plans, tips, warnings_gen
from sample_db.anomalies import village_ledger
from sample_db.city import City, Town, build_city
from sample_db.ledger import AVERAGE_WARNINGS, Book, Ledger
from sample_db.people import Registry
from sample_db.petitions import Arrival, Place, closure_after, open_at
from sample_db.plans import Plan
from sample_db.store import StoreNotEmptyError, is_sample_store, reset_store, store_has_data
from sample_db.timing import Clock

log = logging.getLogger(__name__)

DEFAULT_SEED = 20260302  # gives 青岚市
HISTORY = timedelta(days=396)  # 13 months
# 2: plans the future for the live demo; 3: business records, engine-raised
# warnings; 4: petitions that name an anomaly's person or project (sample_db.tips)
GENERATOR_VERSION = "4"
FUTURE = timedelta(days=60)  # scheduled records (payouts, disclosures) are written this far ahead
# The refresh job runs every minute: a warning is raised this long after its anomaly can be seen.
RAISE_DELAY = (timedelta(seconds=5), timedelta(seconds=60))
# Business record tables in the order they are written (parents first).
RECORD_TABLES = (
    "cadres", "cadre_relatives", "land_contracts", "public_servants", "deaths", "disclosures",
    "public_queries", "payments", "payment_approvals", "labour", "payouts", "projects", "project_bids",
    "seal_uses",
)  # fmt: skip
# Chance that a recent petition is stuck (still open past its limit at
# ``now``), by town: mostly the worst town's.
STUCK_RATE_BAD, STUCK_RATE = 0.05, 0.006

Progress = Callable[[str], object]


def generate(
    engine: Engine,
    *,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
    towns: int = 14,
    villages_per_town: int | None = None,
    volume: float = 1.0,
    progress: Progress = print,
) -> dict:
    """Fill an empty store with a fictional city and its history up to ``now``.

    1. Draw the city (names, codes, boundaries, per-town calibration).
    2. Draw petition arrivals per village.
    3. Draw each village's people and business records, clean, with known
       anomalies injected and recorded as ground truth (sample_db.ledger,
       sample_db.anomalies); ``volume`` multiplies the clean records that
       arrive at rates (for benchmarks).
    4. Draw the tips: petitions that name the person or project of a few
       of those anomalies (sample_db.tips, with their own seeded generator).
       Plan every petition's history in full, tips included, and cut it at
       ``now``.
    5. In one transaction: write regions, the region tree, petitions,
       records, the ground truth (anomalies and tips) and store_meta; run
       the warning engine's checks over everything
       (cockpit.rules.engine.find_new) and date each
       warning it finds at the moment its anomaly became visible plus a
       refresh's delay, as if the engine had run all along; plan each
       warning's handling in full and cut it at ``now`` (a finding the
       ground truth did not expect is raised at ``now``, logged: none, when
       the generator and the rules agree, which the tests check); record
       the rules as evaluated (cockpit.rules.engine.settle), so the first
       refresh reads only what changed; finally the sample-only tables the
       live demo plays on (sample_db.plans).

    Same seed, same ``now``, same arguments: the same rows. Returns a summary
    (counts and timings). Raises StoreNotEmptyError on a store with data.
    """
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    create_store(engine)
    if store_has_data(engine):
        raise StoreNotEmptyError("the store already has data; reset it first (python -m sample_db --force)")
    rng = random.Random(seed)

    city = build_city(rng, towns, villages_per_town)
    region_rows = city.region_rows()
    progress(f"city {city.name}: {len(city.towns)} towns, {len(city.villages)} villages ({_since(started)})")

    start = now - HISTORY
    places = {v.code: (place_of(city, city.town_of(v), v), city.town_of(v)) for v in city.villages}
    rates = [(places[v.code][0], v.petitions_per_year) for v in city.villages]
    arrivals = petitions.draw_arrivals(rng, rates, Clock(start, now))
    ledger = _records(random.Random(seed + 1), city, start, now, volume)
    tip_rng = random.Random(seed + 2)
    tip_arrivals = _tips(tip_rng, ledger, places, start, now)
    petition_plans, tip_rows = _petitions(rng, tip_rng, city, places, arrivals, tip_arrivals, now)
    progress(f"petitions: {len(petition_plans)}, {len(tip_rows)} naming an anomaly ({_since(started)})")

    truth = ledger.truth + petition_truth(petition_plans, now)
    progress(f"records: {ledger.count()}, anomalies: {len(truth)} ({_since(started)})")

    built_petitions = [p.built for p in petition_plans]
    plans.create_plan_tables(engine)
    with engine.begin() as conn:
        for level in ("county", "town", "village"):
            conn.execute(insert(regions), [r for r in region_rows if r["level"] == level])
        rebuild_region_tree(conn)
        petition_ids = write_petitions(conn, built_petitions)
        write_records(conn, ledger)
        plans.clear_plan_tables(conn)
        if truth:
            conn.execute(insert(plans.sample_truth), truth)
        if tip_rows:
            conn.execute(insert(plans.sample_tips), tip_rows)
        found = find_new(conn, now)
        warning_plans, late = _warnings(conn, rng, places, petition_plans, found, truth, now)
        warning_ids = write_warnings(conn, [p.built for p in warning_plans])
        settle(conn, now, found)
        progress(f"warnings: {len(warning_plans)} from the engine, {late} unexpected ({_since(started)})")
        meta = _meta(city, seed, now, start, len(built_petitions), len(warning_plans), ledger, truth)
        meta["tips"] = str(len(tip_rows))
        conn.execute(insert(store_meta), [{"key": k, "value": v} for k, v in meta.items()])
        plan_rows = _plan_rows(petition_plans, petition_ids, warning_plans, warning_ids)
        plan_rows += plans.record_plan_rows(ledger.plans)
        _write_demo_tables(conn, city, plan_rows, start, now)
    seconds = time.perf_counter() - started
    progress(f"written in one transaction; done in {seconds:.1f} s")
    return {
        "city": city.name,
        "towns": len(city.towns),
        "villages": len(city.villages),
        "regions": len(region_rows),
        "petitions": len(built_petitions),
        "petition_events": sum(len(b.events) for b in built_petitions),
        "records": ledger.count(),
        "anomalies": len(truth),
        "tips": len(tip_rows),
        "warnings": len(warning_plans),
        "warning_events": sum(len(p.built.events) for p in warning_plans),
        "unexpected_warnings": late,
        "planned_steps": len(plan_rows),
        "seconds": round(seconds, 2),
    }


def _records(rng: random.Random, city: City, start: datetime, now: datetime, volume: float) -> Ledger:
    """Every village's people and business records (sample_db.anomalies)."""
    ledger, registry = Ledger(), Registry(rng)
    for village in city.villages:
        book = Book(ledger, registry.folk(village.code, rng.randint(60, 110)), rng, now, registry)
        village_ledger(
            book,
            start,
            now + FUTURE,
            anomaly_scale=village.warnings_per_year / AVERAGE_WARNINGS,
            volume=volume,
        )
    return ledger


def write_records(conn, ledger: Ledger, batch: int = 2000) -> None:
    """Insert the ledger's rows (explicit ids), parents first."""
    tables = _metadata.tables
    for name in RECORD_TABLES:
        rows = ledger.rows.get(name, [])
        for first in range(0, len(rows), batch):
            conn.execute(insert(tables[name]), rows[first : first + batch])
    sync_sequences(conn, [tables[name] for name in RECORD_TABLES])


def petition_truth(petition_plans: list[Plan], now: datetime) -> list[dict]:
    """Ground truth for the petition rules, from the generator's own plans,
    with the catalogue's default thresholds: PET-01, each petition open past
    its time limit (general or complex, from receipt), seen from the first
    moment it is open after the limit; PET-02, each petition that is at least
    the ``min_count``-th of its village and category within ``window_days``,
    seen on arrival."""
    catalogue = load_catalogue()
    overdue, repeated = catalogue["PET-01"].defaults, catalogue["PET-02"].defaults
    limits = {"general": overdue["general_days"], "complex": overdue["complex_days"]}
    truth = []
    for plan in petition_plans:
        row = plan.built.row
        limit = row["received_at"] + timedelta(days=limits[row["complexity"]])
        seen = limit if open_at(plan.steps, limit) else _reopened_after(plan.steps, limit)
        if seen is not None and seen <= now and (row["closed_at"] is None or row["closed_at"] > limit):
            truth.append(_truth_row("PET-01", row, seen))
    span, need = timedelta(days=repeated["window_days"]), repeated["min_count"]
    runs: dict[tuple[str, str], list[datetime]] = {}
    for plan in sorted(petition_plans, key=lambda p: p.built.row["received_at"]):
        row = plan.built.row
        times = runs.setdefault((row["village_code"], row["category"]), [])
        times.append(row["received_at"])
        if len([t for t in times if t >= row["received_at"] - span]) >= need:
            truth.append(_truth_row("PET-02", row, row["received_at"]))
    return truth


def _reopened_after(steps: list, at: datetime) -> datetime | None:
    return next((s.at for s in steps if s.kind == "reopened" and s.at > at), None)


def _truth_row(rule: str, row: dict, seen: datetime) -> dict:
    return {"rule_code": rule, "subject_id": row["external_id"], "village_code": row["village_code"],
            "detectable_at": seen}  # fmt: skip


def ensure_sample_store(settings: Settings, progress: Progress = print) -> bool:
    """Build the default SQLite sample store when its file is missing or
    empty, or rebuild it when an older generator version built it (it has no
    plans for the live demo then).

    Does nothing (returns False) for any other database URL, when the sample
    store is current, or when the file holds a store the generator did not
    build. Returns True when it built one. Several processes starting at once
    (web workers) take turns on a lock file next to the store, so only the
    first builds it.
    """
    if not settings.is_default_sample:
        return False
    path = Path(make_url(settings.database_url).database or "")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        engine = make_engine(settings.database_url)
        try:
            state = _sample_state(engine)
        finally:
            engine.dispose()
        if state in ("current", "foreign"):
            return False
        if state == "outdated":
            progress(f"rebuilding the sample store at {path}: an older version built it")
            reset_store(settings.database_url)
        else:
            progress(f"building the sample store at {path}")
        engine = make_engine(settings.database_url)
        try:
            generate(engine, progress=progress)
        finally:
            engine.dispose()
        return True


def _sample_state(engine: Engine) -> str:
    """empty, current (this generator version, with demo plans), outdated
    (an older sample, or one whose tables lack columns the cockpit now has)
    or foreign (data the generator did not write)."""
    if not store_has_data(engine):
        return "empty"
    with engine.connect() as conn:
        if not is_sample_store(conn):
            return "foreign"
        if missing_columns(engine):
            return "outdated"
        version = conn.execute(
            select(store_meta.c.value).where(store_meta.c.key == "generator_version")
        ).scalar()
        return "current" if version == GENERATOR_VERSION and plans.has_plan_tables(conn) else "outdated"


def _tips(
    rng: random.Random,
    ledger: Ledger,
    places: dict[str, tuple[Place, Town]],
    start: datetime,
    now: datetime,
) -> list[tuple[Arrival, tips.Tip]]:
    """The tips about the ledger's anomalies (sample_db.tips), each with its
    arrival: a channel of the usual mix and a time around the anomaly."""
    names = {code: place.village_name for code, (place, _town) in places.items()}
    channels, weights = list(catalog.CHANNEL_WEIGHTS), list(catalog.CHANNEL_WEIGHTS.values())
    found = []
    for tip in tips.draw_tips(rng, ledger, names, now):
        channel = rng.choices(channels, weights)[0]
        at = tips.received_at(rng, tip, channel, start, now)
        if at is not None:
            found.append((Arrival(at, places[tip.village_code][0], channel), tip))
    return found


def _petitions(
    rng: random.Random,
    tip_rng: random.Random,
    city: City,
    places: dict[str, tuple[Place, Town]],
    arrivals: list[Arrival],
    tip_arrivals: list[tuple[Arrival, tips.Tip]],
    now: datetime,
) -> tuple[list[Plan], list[dict]]:
    """Every petition planned in full, in order of receipt (ids follow it),
    and the sample_tips rows of the tips among them. The drawn petitions use
    ``rng`` in the same order whether or not there are tips; the tips use
    ``tip_rng``."""
    merged = [(a, None) for a in arrivals] + tip_arrivals
    merged.sort(key=lambda item: (item[0].received_at, item[0].place.village_code))
    ids = petitions.external_ids("SQ", [a.received_at for a, _tip in merged])
    planned, tip_rows = [], []
    for (arrival, tip), external_id in zip(merged, ids, strict=True):
        town = places[arrival.place.village_code][1]
        options = {"share_target": town.share_target, "stuck_rate": stuck_rate(city, town)}
        if tip is None:
            planned.append(petitions.plan_petition(rng, arrival, external_id, now, **options))
            continue
        planned.append(
            petitions.plan_petition(
                tip_rng, arrival, external_id, now, category=tip.category, summary=tip.summary, **options
            )
        )
        tip_rows.append(tips.truth_row(tip, external_id))
    return planned, tip_rows


def stuck_rate(city: City, town: Town) -> float:
    worst = min(t.share_target for t in city.towns)
    return STUCK_RATE_BAD if town.share_target == worst and len(city.towns) > 1 else STUCK_RATE


def _warnings(
    conn,
    rng: random.Random,
    places: dict[str, tuple[Place, Town]],
    petition_plans: list[Plan],
    found: list,
    truth: list[dict],
    now: datetime,
) -> tuple[list[Plan], int]:
    """The warnings the engine found (``found``: cockpit.rules.engine.find_new),
    each dated when its anomaly became visible (its ground truth) plus a
    refresh's delay, and planned in full; and how many findings the ground
    truth did not expect (raised at ``now``, as a first refresh would: none
    when the generator and the rules agree, which the tests check)."""
    seen = {(t["rule_code"], t["subject_id"]): t["detectable_at"] for t in truth}
    petition_steps = {p.built.row["external_id"]: p.steps for p in petition_plans}
    low, high = (d.total_seconds() for d in RAISE_DELAY)
    specs, unexpected = [], 0
    for rule, version, findings in found:
        for spec in warning_specs(conn, rule, version, findings, now):
            at = seen.get((rule.code, spec["subject_id"]))
            if at is None or at > now:
                unexpected += 1
                log.warning("sample: %s on %s was not injected; raised at now", rule.code, spec["subject_id"])
                specs.append(spec)
                continue
            raised = min(now, at + timedelta(seconds=rng.uniform(low, high))).replace(microsecond=0)
            specs.append({**spec, "raised_at": raised, "due_at": raised + rule.dispose_within})
    specs.sort(key=lambda spec: (spec["raised_at"], spec["external_id"]))
    planned = []
    for spec in specs:
        _place, town = places[spec["village_code"]]
        closes = None
        if spec["rule_code"] == "PET-01":
            closes = closure_after(petition_steps[spec["subject_id"]], spec["raised_at"])
        planned.append(warnings_gen.plan_warning(rng, spec, now, town.speed, town.commission, closes))
    return planned, unexpected


def _plan_rows(
    petition_plans: list[Plan], petition_ids: list[int], warning_plans: list[Plan], warning_ids: list[int]
) -> list[dict]:
    rows = []
    for plan, record_id in zip(petition_plans, petition_ids, strict=True):
        rows.extend(plans.plan_rows(plans.PETITION, record_id, plan.later))
    for plan, record_id in zip(warning_plans, warning_ids, strict=True):
        rows.extend(plans.plan_rows(plans.WARNING, record_id, plan.later))
    return rows


def _write_demo_tables(conn, city: City, plan_rows: list[dict], start: datetime, now: datetime) -> None:
    """Fill the sample-only demo tables of sample_db.plans (emptied before
    the ground truth was written: a store without data may still hold an
    older sample's plans)."""
    plans.write_plan_rows(conn, plan_rows)
    petition_clock, warning_clock = Clock(start, now), Clock(start, now, office=True)
    conn.execute(
        insert(plans.demo_village),
        [
            {
                "village_code": v.code,
                "petitions_per_day": petition_clock.rate_after(v.petitions_per_year),
                "warnings_per_day": warning_clock.rate_after(v.warnings_per_year),
                "share_target": city.town_of(v).share_target,
                "stuck_rate": stuck_rate(city, city.town_of(v)),
                "speed": city.town_of(v).speed,
                "office_rate": warning_clock.rate_after(1.0),
                "anomaly_scale": v.warnings_per_year / AVERAGE_WARNINGS,
            }
            for v in city.villages
        ],
    )
    conn.execute(insert(plans.demo_clock).values(id=1, ticked_at=now, ticks=0))


def place_of(city: City, town: Town, village) -> Place:
    return Place(village.code, village.name, village.unit, town, city.name, city.prefecture)


def _meta(
    city: City, seed: int, now: datetime, start: datetime, n_petitions: int, n_warnings: int, ledger, truth
) -> dict:
    best = max(city.towns, key=lambda t: t.share_target)
    worst = min(city.towns, key=lambda t: t.share_target)
    return {
        "generator": "sample",
        "generator_version": GENERATOR_VERSION,
        "seed": str(seed),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "history_start": start.isoformat(timespec="seconds"),
        "history_end": now.isoformat(timespec="seconds"),
        "city_code": city.code,
        "city_name": city.name,
        "prefecture_name": city.prefecture,
        "towns": str(len(city.towns)),
        "villages": str(len(city.villages)),
        "petitions": str(n_petitions),
        "warnings": str(n_warnings),
        "records": str(ledger.count()),
        "anomalies": str(len(truth)),
        "best_town": best.code,
        "worst_town": worst.code,
        "note": (
            "虚构的示例城市：地名、人名、身份证号、区划代码、边界、诉求和业务记录均为随机生成，"
            "与任何真实地区和个人无关；预警由预警引擎根据业务记录生成。"
        ),
    }


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"
