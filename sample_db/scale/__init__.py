"""A scale store: a fictional province of any size with millions of
petitions, warnings and business records, bulk-loaded fast, for benchmarks.

Unlike the sample city (sample_db.build), nothing here simulates people, and
nothing plans the future: rows are drawn column by column with numpy, a
chunk of days (or villages) at a time, in the sample's distributions, and
streamed into the database in bounded memory. The business records
(sample_db.scale.records) are drawn clean; the warnings are drawn apart from
them. The live demo never runs on it (store_meta says generator=scale). See
docs/sample.md, "Scale stores".
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Engine, Float, Integer, Table, insert

from cockpit.rules.catalogue import load_catalogue
from cockpit.rules.engine import settle
from cockpit.store.engine import create_store
from cockpit.store.factories import sync_sequences
from cockpit.store.schema import (
    petition_events,
    petitions,
    region_tree,
    regions,
    store_meta,
    warning_events,
    warnings,
)
from sample_db.scale.clock import History
from sample_db.scale.loaders import ahead, check_references, loader_for
from sample_db.scale.petition_rows import OFFICE, ONLINE, PetitionModel, petition_chunk
from sample_db.scale.progress import Meter, Progress, Stopwatch, to_stderr
from sample_db.scale.province import build_hierarchy, village_table
from sample_db.scale.records import RECORD_TABLES, load_records, record_chunks, record_context
from sample_db.scale.warning_rows import WarningModel, warning_chunk
from sample_db.store import StoreNotEmptyError, store_has_data
from sample_db.timing import SYSTEM_HOURS

DEFAULT_SEED = 20260302
GENERATOR = "scale"
GENERATOR_VERSION = "2"  # 2: business records (--records), store_meta "records"
CHUNK_ROWS = 100_000


@dataclass(frozen=True)
class Sizes:
    villages: int = 15_000
    petitions: int = 1_000_000
    warnings: int = 1_000_000
    records: int = 0  # business records, all tables together (sample_db.scale.records)


def generate_scale(
    engine: Engine,
    sizes: Sizes,
    *,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
    events: bool = True,
    chunk_rows: int = CHUNK_ROWS,
    progress: Progress = to_stderr,
) -> dict:
    """Fill an empty store with a scale store of ``sizes`` up to ``now``.

    1. Refuse a store with data; create the store (cockpit.store.create_store).
    2. Draw the province (sample_db.scale.province) and write its regions and
       region_tree.
    3. Drop the secondary indexes of petitions, warnings and (with
       ``events``) their event tables, and on PostgreSQL their foreign keys
       and unique constraints, on MariaDB their unique constraints
       (sample_db.scale.loaders).
    4. Spread the petitions over the 13 months' days; draw and load them a
       run of days (about ``chunk_rows`` rows) at a time, in order of
       receipt, each chunk with its events, one transaction per chunk; a
       second thread draws and encodes the next chunk meanwhile.
    5. The same for the warnings.
    6. With ``sizes.records``, the business records and registries
       (sample_db.scale.records), clean, split over their tables in the
       sample city's proportions; their tables' indexes and constraints are
       dropped in step 3 too.
    7. Create the indexes and constraints again, analyze the tables, move
       PostgreSQL's id sequences on, check the references the loader did not
       check row by row, write store_meta (generator=scale) and record every
       rule as evaluated (cockpit.rules.engine.settle), so that a refresh
       does not re-read the whole store.

    The same seed, ``now``, sizes and chunk size give the same rows.
    Returns the counts and the seconds spent per table and step.
    """
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    if store_has_data(engine):  # before create_store, which would migrate a store it should not touch
        raise StoreNotEmptyError("the store already has data; use an empty database")
    create_store(engine)
    watch = Stopwatch()
    hierarchy = build_hierarchy(random.Random(seed), sizes.villages)
    villages = village_table(hierarchy)
    history = History(now)
    petition_model = PetitionModel.draw(_rng(seed, 1), villages)
    warning_model = WarningModel.draw(_rng(seed, 2), villages, petition_model.town_speed)
    big = [petitions, warnings, *([petition_events, warning_events] if events else [])]
    big += list(RECORD_TABLES) if sizes.records else []
    records = record_context(villages, history, seed, sizes.records) if sizes.records else None
    counts = {"regions": len(hierarchy.regions)}
    progress(
        f"scale store: {len(hierarchy.at('city'))} cities, {len(hierarchy.at('county'))} counties, "
        f"{len(hierarchy.at('town'))} towns, {sizes.villages:,} villages; {sizes.petitions:,} petitions, "
        f"{sizes.warnings:,} warnings, events {'on' if events else 'off'}, {sizes.records:,} records"
    )
    loader = loader_for(engine)
    try:
        with watch.time("regions"):
            loader.write(regions, _columns(regions, hierarchy.region_rows()))
        with watch.time("region_tree"):
            tree = hierarchy.tree_rows()
            loader.write(region_tree, _columns(region_tree, tree))
            counts["region_tree"] = len(tree)
        loader.commit()
        with watch.time("drop indexes"):
            loader.start(big)
        arrivals = history.allot(
            _rng(seed, 3), sizes.petitions, history.weights(False, 0.78 * ONLINE + 0.22 * OFFICE)
        )
        width = max(4, len(str(int(arrivals.max(initial=0)))))

        def draw_petitions(i, days, first, first_event):
            return petition_chunk(
                _rng(seed, 10, i), petition_model, history, days, first, first_event, width, events
            )

        runs = history.chunks(arrivals, chunk_rows)
        counts |= _stream(loader, watch, progress, (petitions, petition_events), runs, draw_petitions, sizes)
        raised = history.allot(_rng(seed, 4), sizes.warnings, history.weights(True, np.array(SYSTEM_HOURS)))

        def draw_warnings(i, days, first, first_event):
            return warning_chunk(_rng(seed, 20, i), warning_model, history, days, first, first_event, events)

        runs = history.chunks(raised, chunk_rows)
        counts |= _stream(loader, watch, progress, (warnings, warning_events), runs, draw_warnings, sizes)
        if records is not None:
            counts |= load_records(loader, watch, progress, record_chunks(records, seed, chunk_rows))
        progress("creating indexes")
        with watch.time("indexes"):
            loader.finish(big)
        progress("analyzing")
        with watch.time("analyze"):
            loader.analyze([regions, region_tree, *big])
    finally:
        loader.close()

    with engine.begin() as conn:
        sync_sequences(conn, big)
        if engine.dialect.name != "postgresql":  # PostgreSQL checked every row while loading
            with watch.time("checks"):
                problems = check_references(conn, big)
            if problems:
                raise RuntimeError("rows point nowhere: " + "; ".join(problems))
        meta = _meta(hierarchy, sizes, seed, now, history, events, counts)
        conn.execute(insert(store_meta), [{"key": k, "value": v} for k, v in meta.items()])
        settle(conn, now, [(rule, rule.version(), []) for rule in load_catalogue().values()])
    seconds = time.perf_counter() - started
    summary = {
        "sizes": asdict(sizes),
        "events": events,
        "counts": counts,
        "seconds": {k: round(v, 2) for k, v in watch.seconds.items()},
        "total_seconds": round(seconds, 2),
    }
    for line in summary_lines(summary):
        progress(line)
    return summary


def _stream(loader, watch, progress, tables, runs, draw, sizes: Sizes) -> dict[str, int]:
    """Draw and encode the chunks of one table (and its events) in a
    background thread, while loading the previous chunk; one transaction
    per chunk. Returns the rows loaded per table."""
    table, events_table = tables

    def encoded():
        done = done_events = 0
        for i, days in enumerate(runs):
            with watch.time(f"draw {table.name}"):
                chunk = draw(i, days, done + 1, done_events + 1)
            with watch.time(f"encode {table.name}"):
                payloads = [(table, loader.encode(table, chunk.rows))]
                if chunk.events is not None:
                    payloads.append((events_table, loader.encode(events_table, chunk.events)))
            done += len(chunk.rows["id"])
            done_events += 0 if chunk.events is None else len(chunk.events["id"])
            yield payloads, done, done_events

    meter = Meter(progress, table.name, getattr(sizes, table.name))
    done = done_events = 0
    for payloads, done, done_events in ahead(encoded()):
        for target, payload in payloads:
            with watch.time(target.name):
                loader.send(target, payload)
        loader.commit()
        meter.update(done, f"(events {done_events:,})" if len(payloads) > 1 else "")
    return {table.name: done, events_table.name: done_events}


def summary_lines(summary: dict) -> list[str]:
    """The final summary: per table its rows, the seconds spent loading
    them and the rows per second of that; the drawing and encoding (in a
    second thread, overlapping the loading); the other steps; the total."""
    counts, seconds = summary["counts"], summary["seconds"]
    lines = [f"{'table':<16} {'rows':>12} {'load s':>8} {'rows/s':>10}"]
    for table, rows in counts.items():
        spent = seconds.get(table, 0.0)
        rate = f"{rows / spent:>10,.0f}" if spent else ""
        lines.append(f"{table:<16} {rows:>12,} {spent:>8.1f} {rate}")
    for table in ("petitions", "warnings", "records"):
        if f"draw {table}" in seconds:
            lines.append(
                f"{table} drawn in {seconds[f'draw {table}']:.1f} s and encoded in "
                f"{seconds[f'encode {table}']:.1f} s, while loading"
            )
    steps = ("drop indexes", "indexes", "analyze", "checks")
    lines.append(", ".join(f"{step} {seconds[step]:.1f} s" for step in steps if step in seconds))
    total, wall = sum(counts.values()), summary["total_seconds"]
    lines.append(f"total {total:,} rows in {wall:.1f} s ({total / wall:,.0f} rows/s)")
    return lines


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


def _columns(table: Table, rows: list[dict]) -> dict[str, np.ndarray]:
    out = {}
    for column in table.columns:
        values = [row[column.name] for row in rows]
        if isinstance(column.type, Integer):
            out[column.name] = np.array(values, dtype=np.int64)
        elif isinstance(column.type, Float):
            out[column.name] = np.array(values, dtype=float)
        else:
            out[column.name] = np.array(values, dtype=object)
    return out


def _meta(hierarchy, sizes: Sizes, seed: int, now: datetime, history: History, events: bool, counts) -> dict:
    return {
        "generator": GENERATOR,
        "generator_version": GENERATOR_VERSION,
        "seed": str(seed),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "history_start": datetime.fromtimestamp(history.start, UTC).isoformat(timespec="seconds"),
        "history_end": now.isoformat(timespec="seconds"),
        "province_code": hierarchy.root.code,
        "province_name": hierarchy.root.name,
        "cities": str(len(hierarchy.at("city"))),
        "counties": str(len(hierarchy.at("county"))),
        "towns": str(len(hierarchy.at("town"))),
        "villages": str(sizes.villages),
        "events": "on" if events else "off",
        "records": str(sizes.records),
        **{table: str(count) for table, count in counts.items()},
        "note": _NOTE_RECORDS if sizes.records else _NOTE_NO_RECORDS,
    }


_NOTE_NO_RECORDS = (
    "虚构的规模测试数据：地名、区划代码、边界、诉求和预警均为随机生成，与任何真实地区和个人无关；"
    "预警未由预警引擎根据业务记录生成，本库没有业务记录。"
)
_NOTE_RECORDS = (
    "虚构的规模测试数据：地名、区划代码、边界、诉求、预警、业务记录和比对库（含人名、身份证号）均为随机生成，"
    "与任何真实地区和个人无关；业务记录均按规范生成，预警引擎在其中查不出问题；"
    "预警另行随机生成，与业务记录无关，其所指记录编号可能与本库某条无关的记录相同。"
)


__all__ = ["CHUNK_ROWS", "DEFAULT_SEED", "GENERATOR", "Sizes", "generate_scale"]
