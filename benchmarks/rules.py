"""How fast the warning engine runs: records per second, all rules.

At the sample scale and at ten times it:

    .venv/bin/python -m benchmarks.rules [--scale 1 10] [--database-url URL]
                                         [--keep DIR] [--json FILE]

For each scale it builds a throwaway store with the sample generator (a
SQLite file in a temporary folder, or in DIR with --keep, where a store
already built for that scale is reused; with --database-url, a fresh database
created beside the one the URL names and dropped afterwards), then measures
``cockpit.rules.engine.evaluate``, one rule at a time, at the store's ``now``:

1. full: ``rule_state`` emptied, so every rule reads every record (as after
   a new rule or a threshold change); per rule, its check alone and the whole
   engine step (check, dropping hits already raised, writing the rest);
2. no change: a refresh with nothing new (median of 3); the clock rules
   (things not done in time) re-read their open records on every refresh,
   so their share of it is shown apart;
3. 1,000 new records: copies of the newest rows of the business tables
   (with their approvals and bids), new ids and external ids, ``updated_at``
   one minute after the newest record, evaluated at that time (median of 3).
   Many copies duplicate their original, so the duplicate rules raise on them.

Each measurement runs in a transaction that is rolled back: the store is
left as built. Scale 1 is the sample city (14 towns, 538 villages); scale
10 has ten times the villages (56 towns × 96 = 5,376) at the same volume per
village, so about ten times the records of the watched tables. The report
gives the counts; records per second are per record read. Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, create_engine, delete, func, insert, select, text
from sqlalchemy.engine import make_url

from cockpit.rules.catalogue import Rule, load_catalogue
from cockpit.rules.checks import CHECKS
from cockpit.rules.engine import evaluate
from cockpit.store.engine import make_engine
from cockpit.store.records import (
    disclosures,
    labour,
    payment_approvals,
    payments,
    payouts,
    project_bids,
    projects,
    public_queries,
    seal_uses,
)
from cockpit.store.schema import rule_state, store_meta
from sample_db.build import generate
from sample_db.store import is_sample_store

NEW_RECORDS = 1000
REPEAT = 3
NEXT_REFRESH = timedelta(minutes=1)
# Tables the new records are copied from (children copied with their parent).
COPIED = (labour, payments, projects, seal_uses, public_queries, payouts, disclosures)
CHILDREN = {payments.name: (payment_approvals, "payment_id"), projects.name: (project_bids, "project_id")}


@dataclass(frozen=True)
class Scale:
    towns: int
    villages_per_town: int | None
    volume: float
    how: str


SCALES = {
    1: Scale(14, None, 1.0, "the sample city: 14 towns of 30-45 villages, volume 1"),
    10: Scale(56, 96, 1.0, "10x the villages (56 towns x 96), volume 1"),
}


@dataclass
class RuleTime:
    code: str
    clock: bool
    records: int  # rows in the tables the rule watches
    check_s: float = 0.0  # full run: the check alone
    full_s: float = 0.0  # full run: the engine step
    hits: int = 0
    unchanged_s: float = 0.0  # no-change refresh (median)
    new_s: float = 0.0  # refresh after the new records (median)
    new_raised: int = 0


@dataclass
class Result:
    scale: int
    how: str
    database: str
    villages: int
    records: int  # rows in every watched table
    child_rows: int  # approvals and bids, read with their parents
    build_s: float | None
    rules: list[RuleTime] = field(default_factory=list)

    def total(self, name: str, clock: bool | None = None) -> float:
        return sum(getattr(r, name) for r in self.rules if clock is None or r.clock == clock)

    def summary(self) -> dict:
        full, unchanged, new = self.total("full_s"), self.total("unchanged_s"), self.total("new_s")
        return {
            "full_s": round(full, 2),
            "full_records_per_s": round(self.records / full),
            "checks_only_s": round(self.total("check_s"), 2),
            "unchanged_s": round(unchanged, 3),
            "unchanged_clock_s": round(self.total("unchanged_s", clock=True), 3),
            "new_records": NEW_RECORDS,
            "new_s": round(new, 3),
            "new_records_per_s": round(NEW_RECORDS / new),
            "new_raised": sum(r.new_raised for r in self.rules),
        }


def watched_tables(catalogue: dict[str, Rule]) -> list[Table]:
    seen = {t.name: t for rule in catalogue for t in CHECKS[rule].watched}
    return sorted(seen.values(), key=lambda t: t.name)


def count_rows(conn: Connection, tables: list[Table]) -> dict[str, int]:
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in tables}


def newest_change(conn: Connection, tables: list[Table], now: datetime) -> datetime:
    """The newest ``updated_at`` in ``tables``, or ``now`` if later."""
    newest = [conn.execute(select(func.max(t.c.updated_at))).scalar() for t in tables]
    return max([now, *(value for value in newest if value is not None)])


def store_now(conn: Connection) -> datetime:
    """The ``now`` the generator built the store at."""
    value = conn.execute(select(store_meta.c.value).where(store_meta.c.key == "history_end")).scalar()
    return datetime.fromisoformat(value)


@contextmanager
def rolled_back(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            yield conn
        finally:
            transaction.rollback()


def timed_rule(conn: Connection, rule: Rule, now: datetime) -> tuple[float, int]:
    """Seconds for one rule's engine step, and the warnings it raised."""
    started = time.perf_counter()
    runs = evaluate(conn, now, catalogue={rule.code: rule})
    return time.perf_counter() - started, sum(run.raised for run in runs)


def measure_full(engine: Engine, catalogue: dict[str, Rule], result: Result, now: datetime, say) -> None:
    with rolled_back(engine) as conn:
        conn.execute(delete(rule_state))
        for rule, timing in zip(catalogue.values(), result.rules, strict=True):
            started = time.perf_counter()
            timing.hits = len(CHECKS[rule.code].run(conn, None, None, rule.thresholds(), now))
            timing.check_s = time.perf_counter() - started
            timing.full_s, _ = timed_rule(conn, rule, now)
            say(f"  full {rule.code:7} {timing.full_s:7.2f} s  {timing.hits} hits")


def measure_unchanged(engine: Engine, catalogue: dict[str, Rule], result: Result, now: datetime) -> None:
    samples: dict[str, list[float]] = {code: [] for code in catalogue}
    with rolled_back(engine) as conn:
        for _ in range(REPEAT):
            for rule in catalogue.values():
                samples[rule.code].append(timed_rule(conn, rule, now)[0])
    for timing in result.rules:
        timing.unchanged_s = statistics.median(samples[timing.code])


def measure_new(engine: Engine, catalogue: dict[str, Rule], result: Result, now: datetime) -> None:
    samples: dict[str, list[tuple[float, int]]] = {code: [] for code in catalogue}
    for attempt in range(REPEAT):
        with rolled_back(engine) as conn:
            stamp = newest_change(conn, watched_tables(catalogue), now) + NEXT_REFRESH
            add_copies(conn, NEW_RECORDS, stamp, f"bench{attempt}")
            for rule in catalogue.values():
                samples[rule.code].append(timed_rule(conn, rule, stamp))
    for timing in result.rules:
        ordered = sorted(samples[timing.code])
        timing.new_s, timing.new_raised = ordered[len(ordered) // 2]


def add_copies(conn: Connection, count: int, stamp: datetime, tag: str) -> None:
    """Insert ``count`` copies of the newest rows of the COPIED tables, shared
    in proportion to their sizes, with new ids and external ids, stamped
    ``stamp``; a copied payment or project gets copies of its children."""
    sizes = count_rows(conn, list(COPIED))
    shares = {name: count * size // sum(sizes.values()) for name, size in sizes.items()}
    shares[labour.name] += count - sum(shares.values())
    for table in COPIED:
        newest_rows = select(table).order_by(table.c.id.desc()).limit(shares[table.name])
        rows = conn.execute(newest_rows).mappings().all()
        first = conn.execute(select(func.max(table.c.id))).scalar() + 1
        copies = [
            {**row, "id": first + n, "external_id": f"{tag}-{row['external_id']}"[:64], "updated_at": stamp}
            for n, row in enumerate(rows)
        ]
        if copies:
            conn.execute(insert(table), copies)
        if table.name in CHILDREN and rows:
            child, parent_key = CHILDREN[table.name]
            new_id = {row["id"]: copy["id"] for row, copy in zip(rows, copies, strict=True)}
            children = conn.execute(select(child).where(child.c[parent_key].in_(list(new_id)))).mappings()
            copied = [
                {**{k: v for k, v in c.items() if k != "id"}, parent_key: new_id[c[parent_key]]}
                for c in children
            ]
            if copied:
                conn.execute(insert(child), copied)


def build(engine: Engine, scale: int, say) -> float | None:
    """Fill the store for ``scale`` unless it holds one already; the build's
    seconds, or None when reused."""
    with engine.connect() as conn:
        if is_sample_store(conn):
            say("  reusing the store built before")
            return None
    spec = SCALES[scale]
    started = time.perf_counter()
    generate(
        engine,
        towns=spec.towns,
        villages_per_town=spec.villages_per_town,
        volume=spec.volume,
        progress=lambda line: say(f"  build: {line}"),
    )
    return time.perf_counter() - started


@contextmanager
def throwaway_store(scale: int, database_url: str | None, keep: Path | None) -> Iterator[Engine]:
    """A store for ``scale``: a SQLite file, or a fresh database on the server
    of ``database_url``, dropped afterwards."""
    if database_url is None:
        with tempfile.TemporaryDirectory() as folder:
            path = (keep or Path(folder)) / f"scale-{scale}.sqlite3"
            engine = make_engine(f"sqlite:///{path}")
            try:
                yield engine
            finally:
                engine.dispose()
        return
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    name = f"cockpit_bench_{uuid.uuid4().hex[:8]}_{scale}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(database_url).set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_scale(scale: int, database_url: str | None, keep: Path | None, say) -> Result:
    catalogue = load_catalogue()
    with throwaway_store(scale, database_url, keep) as engine:
        say(f"scale {scale}: {SCALES[scale].how} ({engine.url.get_backend_name()})")
        build_s = build(engine, scale, say)
        with engine.connect() as conn:
            now = store_now(conn)
            counts = count_rows(conn, watched_tables(catalogue))
            children = sum(count_rows(conn, [payment_approvals, project_bids]).values())
            meta = select(store_meta.c.value).where(store_meta.c.key == "villages")
            villages = int(conn.execute(meta).scalar())
        backend = engine.url.get_backend_name()
        result = Result(scale, SCALES[scale].how, backend, villages, sum(counts.values()), children, build_s)
        for code in catalogue:
            check = CHECKS[code]
            result.rules.append(RuleTime(code, check.clock, sum(counts[t.name] for t in check.watched)))
        say(f"  {result.records:,} records in the watched tables; full evaluation, rule by rule:")
        measure_full(engine, catalogue, result, now, say)
        say(f"  no-change refresh x{REPEAT}")
        measure_unchanged(engine, catalogue, result, now)
        say(f"  {NEW_RECORDS:,} new records x{REPEAT}")
        measure_new(engine, catalogue, result, now)
    return result


def report(result: Result, slowest: int = 8) -> str:
    s = result.summary()
    clock_share = s["unchanged_clock_s"] / s["unchanged_s"] if s["unchanged_s"] else 0
    lines = [
        f"scale {result.scale} ({result.database}): {result.how}",
        f"  {result.villages:,} villages, {result.records:,} records in the watched tables"
        f" (+{result.child_rows:,} approvals and bids)"
        + (f", built in {result.build_s:.0f} s" if result.build_s is not None else ""),
        f"  full evaluation, every rule over every record: {s['full_s']:.1f} s"
        f" = {s['full_records_per_s']:,} records/s (checks alone {s['checks_only_s']:.1f} s)",
        f"  no-change refresh: {s['unchanged_s']:.2f} s, of which clock rules"
        f" {s['unchanged_clock_s']:.2f} s ({clock_share:.0%})",
        f"  {NEW_RECORDS:,} new records: {s['new_s']:.2f} s = {s['new_records_per_s']:,} records/s"
        f" ({s['new_raised']} warnings raised)",
        f"  slowest rules (full evaluation):  {'records':>10} {'check s':>8} {'engine s':>9}"
        f" {'records/s':>10} {'hits':>7} {'no-change s':>12}",
    ]
    for r in sorted(result.rules, key=lambda r: r.full_s, reverse=True)[:slowest]:
        code = r.code + (" (clock)" if r.clock else "")
        lines.append(
            f"    {code:31} {r.records:>10,} {r.check_s:>8.2f} {r.full_s:>9.2f}"
            f" {round(r.records / r.full_s):>10,} {r.hits:>7,} {r.unchanged_s:>12.3f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", choices=sorted(SCALES), default=sorted(SCALES))
    parser.add_argument("--database-url", help="a PostgreSQL server to build on (default: SQLite files)")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the SQLite stores in this folder")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def say(line: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {line}", flush=True)

    results = [run_scale(scale, args.database_url, args.keep, say) for scale in args.scale]
    print()
    print("\n\n".join(report(result) for result in results))
    if args.json:
        payload = [{**asdict(r), "summary": r.summary()} for r in results]
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
