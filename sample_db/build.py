"""Build the whole sample store from a seed: the city, 13 months of
petitions and warnings, and the facts about the store itself."""

from __future__ import annotations

import fcntl
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert
from sqlalchemy.engine import make_url

from cockpit.settings import Settings
from cockpit.store.engine import create_store, make_engine
from cockpit.store.factories import Built, write_petitions, write_warnings
from cockpit.store.hierarchy import rebuild_region_tree
from cockpit.store.schema import regions, store_meta
from sample_db import petitions, warnings_gen
from sample_db.city import City, Town, build_city
from sample_db.petitions import Place
from sample_db.store import StoreNotEmptyError, store_has_data
from sample_db.timing import Clock

DEFAULT_SEED = 20260302  # gives 青岚市
HISTORY = timedelta(days=396)  # 13 months
GENERATOR_VERSION = "1"
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
    2. Draw petition arrivals per village, then each one's history, cut at ``now``.
    3. Draw rule firings per village, plus an overdue warning for each
       petition that went past its limit; then each warning's history.
    4. Write regions, the region tree, petitions, warnings and store_meta in
       one transaction.

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
    built_petitions, places = _petitions(rng, city, start, now)
    progress(f"petitions: {len(built_petitions)} ({_since(started)})")

    built_warnings = _warnings(rng, city, places, built_petitions, start, now)
    progress(f"warnings: {len(built_warnings)} ({_since(started)})")

    meta = _meta(city, seed, now, start, len(built_petitions), len(built_warnings))
    with engine.begin() as conn:
        for level in ("county", "town", "village"):
            conn.execute(insert(regions), [r for r in region_rows if r["level"] == level])
        rebuild_region_tree(conn)
        write_petitions(conn, built_petitions)
        write_warnings(conn, built_warnings)
        conn.execute(insert(store_meta), [{"key": k, "value": v} for k, v in meta.items()])
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
        "seconds": round(seconds, 2),
    }


def ensure_sample_store(settings: Settings, progress: Progress = print) -> bool:
    """Build the default SQLite sample store when its file is missing or empty.

    Does nothing (returns False) for any other database URL or when the
    sample store already has data. Returns True when it built one. Several
    processes starting at once (web workers) take turns on a lock file next
    to the store, so only the first builds it.
    """
    if not settings.is_default_sample:
        return False
    path = Path(make_url(settings.database_url).database or "")
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        with open(path.with_name(path.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if store_has_data(engine):
                return False
            progress(f"building the sample store at {path}")
            generate(engine, progress=progress)
            return True
    finally:
        engine.dispose()


def _petitions(
    rng: random.Random, city: City, start: datetime, now: datetime
) -> tuple[list[Built], dict[str, tuple[Place, Town]]]:
    places = {v.code: (place_of(city, city.town_of(v), v), city.town_of(v)) for v in city.villages}
    rates = [(places[v.code][0], v.petitions_per_year) for v in city.villages]
    arrivals = petitions.draw_arrivals(rng, rates, Clock(start, now))
    ids = petitions.external_ids("SQ", [a.received_at for a in arrivals])
    worst = min(t.share_target for t in city.towns)
    built = []
    for arrival, external_id in zip(arrivals, ids, strict=True):
        town = places[arrival.place.village_code][1]
        stuck = STUCK_RATE_BAD if town.share_target == worst and len(city.towns) > 1 else STUCK_RATE
        built.append(
            petitions.plan_petition(
                rng, arrival, external_id, now, share_target=town.share_target, stuck_rate=stuck
            )
        )
    return built, places


def _warnings(
    rng: random.Random,
    city: City,
    places: dict[str, tuple[Place, Town]],
    built_petitions: list[Built],
    start: datetime,
    now: datetime,
) -> list[Built]:
    rates = [(places[v.code][0], v.warnings_per_year, places[v.code][1].speed) for v in city.villages]
    raisings = warnings_gen.draw_raisings(rng, rates, Clock(start, now, office=True))
    for item in built_petitions:
        place, town = places[item.row["village_code"]]
        raising = warnings_gen.overdue_petition_raising(item.row, place, town.speed, now)
        if raising is not None:
            raisings.append(raising)
    raisings.sort(key=lambda r: (r.raised_at, r.place.village_code))
    ids = petitions.external_ids("YJ", [r.raised_at for r in raisings])
    return [warnings_gen.plan_warning(rng, r, i, now) for r, i in zip(raisings, ids, strict=True)]


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
