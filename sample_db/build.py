"""Build the whole sample store from a seed: the city, 13 months of
petitions and warnings, and the facts about the store itself."""

from __future__ import annotations

import fcntl
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlalchemy.engine import make_url

from cockpit.settings import Settings
from cockpit.store.engine import create_store, make_engine, missing_columns
from cockpit.store.factories import write_petitions, write_warnings
from cockpit.store.hierarchy import rebuild_region_tree
from cockpit.store.schema import regions, store_meta
from sample_db import petitions, plans, warnings_gen
from sample_db.city import City, Town, build_city
from sample_db.petitions import Place
from sample_db.plans import Plan
from sample_db.store import StoreNotEmptyError, is_sample_store, reset_store, store_has_data
from sample_db.timing import Clock

DEFAULT_SEED = 20260302  # gives 青岚市
HISTORY = timedelta(days=396)  # 13 months
GENERATOR_VERSION = "2"  # 2: plans the future for the live demo
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
    progress: Progress = print,
) -> dict:
    """Fill an empty store with a fictional city and its history up to ``now``.

    1. Draw the city (names, codes, boundaries, per-town calibration).
    2. Draw petition arrivals per village, then plan each one's history in
       full and cut it at ``now``.
    3. Draw rule firings per village, plus an overdue warning (PET-01) for
       each petition its nightly run finds open past its limit; then plan
       each warning in full and cut it at ``now``.
    4. Write regions, the region tree, petitions, warnings and store_meta in
       one transaction, and with them the sample-only tables the live demo
       plays on (sample_db.plans): every planned step after ``now``, the
       PET-01 warnings due after ``now``, each village's calibrated rates.

    Same seed, same ``now``, same arguments: the same rows. Returns a summary
    (counts and timings). Raises StoreNotEmptyError on a store with data.
    """
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC)
    create_store(engine)
    if store_has_data(engine):
        raise StoreNotEmptyError("the store already has data; reset it first (python -m sample_db --force)")
    rng = random.Random(seed)

    city = build_city(rng, towns, villages_per_town)
    region_rows = city.region_rows()
    progress(f"city {city.name}: {len(city.towns)} towns, {len(city.villages)} villages ({_since(started)})")

    start = now - HISTORY
    petition_plans, places = _petitions(rng, city, start, now)
    progress(f"petitions: {len(petition_plans)} ({_since(started)})")

    warning_plans, overdue_later = _warnings(rng, city, places, petition_plans, start, now)
    progress(f"warnings: {len(warning_plans)} ({_since(started)})")

    built_petitions = [p.built for p in petition_plans]
    built_warnings = [p.built for p in warning_plans]
    meta = _meta(city, seed, now, start, len(built_petitions), len(built_warnings))
    plans.create_plan_tables(engine)
    with engine.begin() as conn:
        for level in ("county", "town", "village"):
            conn.execute(insert(regions), [r for r in region_rows if r["level"] == level])
        rebuild_region_tree(conn)
        petition_ids = write_petitions(conn, built_petitions)
        warning_ids = write_warnings(conn, built_warnings)
        conn.execute(insert(store_meta), [{"key": k, "value": v} for k, v in meta.items()])
        plan_rows = _plan_rows(petition_plans, petition_ids, warning_plans, warning_ids, overdue_later)
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
        "warnings": len(built_warnings),
        "warning_events": sum(len(b.events) for b in built_warnings),
        "planned_steps": len(plan_rows),
        "seconds": round(seconds, 2),
    }


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


def _petitions(
    rng: random.Random, city: City, start: datetime, now: datetime
) -> tuple[list[Plan], dict[str, tuple[Place, Town]]]:
    places = {v.code: (place_of(city, city.town_of(v), v), city.town_of(v)) for v in city.villages}
    rates = [(places[v.code][0], v.petitions_per_year) for v in city.villages]
    arrivals = petitions.draw_arrivals(rng, rates, Clock(start, now))
    ids = petitions.external_ids("SQ", [a.received_at for a in arrivals])
    planned = []
    for arrival, external_id in zip(arrivals, ids, strict=True):
        town = places[arrival.place.village_code][1]
        planned.append(
            petitions.plan_petition(
                rng,
                arrival,
                external_id,
                now,
                share_target=town.share_target,
                stuck_rate=stuck_rate(city, town),
            )
        )
    return planned, places


def stuck_rate(city: City, town: Town) -> float:
    worst = min(t.share_target for t in city.towns)
    return STUCK_RATE_BAD if town.share_target == worst and len(city.towns) > 1 else STUCK_RATE


def _warnings(
    rng: random.Random,
    city: City,
    places: dict[str, tuple[Place, Town]],
    petition_plans: list[Plan],
    start: datetime,
    now: datetime,
) -> tuple[list[Plan], list[tuple[int, warnings_gen.Raising]]]:
    """Warning plans up to ``now``, and the PET-01 raisings after ``now``
    (with the index of their petition)."""
    rates = [(places[v.code][0], v.warnings_per_year, places[v.code][1].speed) for v in city.villages]
    raisings = warnings_gen.draw_raisings(rng, rates, Clock(start, now, office=True))
    later = []
    for index, plan in enumerate(petition_plans):
        place, town = places[plan.built.row["village_code"]]
        raising = warnings_gen.overdue_petition_raising(plan.built.row, plan.steps, place, town.speed)
        if raising is not None and raising.raised_at <= now:
            raisings.append(raising)
        elif raising is not None:
            later.append((index, raising))
    raisings.sort(key=lambda r: (r.raised_at, r.place.village_code))
    ids = petitions.external_ids("YJ", [r.raised_at for r in raisings])
    return [warnings_gen.plan_warning(rng, r, i, now) for r, i in zip(raisings, ids, strict=True)], later


def _plan_rows(
    petition_plans: list[Plan],
    petition_ids: list[int],
    warning_plans: list[Plan],
    warning_ids: list[int],
    overdue_later: list[tuple[int, warnings_gen.Raising]],
) -> list[dict]:
    rows = []
    for plan, record_id in zip(petition_plans, petition_ids, strict=True):
        rows.extend(plans.plan_rows(plans.PETITION, record_id, plan.later))
    for plan, record_id in zip(warning_plans, warning_ids, strict=True):
        rows.extend(plans.plan_rows(plans.WARNING, record_id, plan.later))
    for index, raising in overdue_later:
        rows.append(plans.overdue_row(petition_ids[index], raising.raised_at, raising.petition_closed))
    return rows


def _write_demo_tables(conn, city: City, plan_rows: list[dict], start: datetime, now: datetime) -> None:
    """Fill the sample-only tables of sample_db.plans (emptied first: a store
    without data may still hold an older sample's plans)."""
    plans.clear_plan_tables(conn)
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
            }
            for v in city.villages
        ],
    )
    conn.execute(insert(plans.demo_clock).values(id=1, ticked_at=now, ticks=0))


def place_of(city: City, town: Town, village) -> Place:
    return Place(village.code, village.name, village.unit, town, city.name, city.prefecture)


def _meta(city: City, seed: int, now: datetime, start: datetime, n_petitions: int, n_warnings: int) -> dict:
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
        "best_town": best.code,
        "worst_town": worst.code,
        "note": "虚构的示例城市：地名、区划代码、边界、诉求和预警均为随机生成，与任何真实地区无关。",
    }


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"
