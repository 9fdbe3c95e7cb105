"""Refresh time and snapshot size after importing years of history.

    .venv/bin/python -m benchmarks.history [--years 1 5 10] [--per-year 34000] [--json FILE]
                                           [--url postgresql+psycopg://postgres@127.0.0.1/cockpit_history]

For each number of years, a fresh store (a SQLite file, or with ``--url``
the cockpit's tables dropped and created again in that PostgreSQL or
MariaDB database: give it one of its own) holds the sample city's
regions (14 towns, 538 villages) and that many years of closed petitions,
received on whole days (an export with dates only) at ``--per-year`` a year
(34,000: the rate of a real ten-year export of 341,299 cases), handling
times drawn from a long-tailed distribution (median about a week, a few
over a year), marked as history (``--history``: cockpit.store.history; ``--no-history``:
as a routine import, to see what the marker saves).
Then it runs the refresh job twice (warning engine, escalation, snapshot),
as the scheduler would after the import, and prints per store: the
petitions, how long writing them took, the first refresh (which reads
everything: rules and a full snapshot build), the second (which should read
nothing), the warnings raised, the snapshot's rows and the file's size.
Growth should be no worse than linear in the years (docs/performance.md,
"Importing history"). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text

from cockpit.refresh import refresh
from cockpit.store import create_store, make_engine
from cockpit.store.factories import Step, build_petition, write_petitions
from cockpit.store.history import mark_history
from cockpit.store.schema import metadata, region_tree, regions, warnings
from cockpit.store.snapshots import AGGREGATE_TABLES, CONTRIBUTION_TABLES, OPEN_TABLES
from cockpit.timewindow import local_midnight

SAMPLE_STORE = Path(__file__).resolve().parent.parent / "sample_db" / "sample.sqlite3"
LAST_DAY = date(2025, 12, 31)
CATEGORIES = (
    "道路硬化与维修", "环境卫生整治", "低保评定", "邻里纠纷", "宅基地审批", "村务公开", "集体资金使用",
    "路灯照明", "惠民补贴发放", "土地承包与流转", "农村饮水安全", "征地拆迁补偿",
)  # fmt: skip
BATCH = 20_000


def _copy_regions(engine: Engine) -> list[str]:
    """The sample city's regions and hierarchy into ``engine``'s store; its villages."""
    source = make_engine(f"sqlite:///{SAMPLE_STORE}")
    with source.connect() as src, engine.begin() as conn:
        for table in (regions, region_tree):
            rows = [dict(r._mapping) for r in src.execute(select(table))]
            conn.execute(insert(table), rows)
        villages = conn.execute(
            select(regions.c.code).where(regions.c.level == "village").order_by(regions.c.code)
        )
        codes = list(villages.scalars())
    source.dispose()
    return codes


def _fresh(url: str) -> Engine:
    """An empty store at ``url`` (every cockpit table dropped first)."""
    from sample_db.plans import plan_metadata

    engine = make_engine(url)
    plan_metadata.drop_all(engine)
    metadata.drop_all(engine)
    create_store(engine)
    return engine


def store_mb(engine: Engine) -> float:
    """The store's size on disk: the file, or the database's tables and indexes."""
    if engine.dialect.name == "sqlite":
        return round(Path(engine.url.database).stat().st_size / 2**20, 1)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        else:
            size = conn.execute(
                text(
                    "SELECT SUM(data_length + index_length) FROM information_schema.tables"
                    " WHERE table_schema = DATABASE()"
                )
            ).scalar_one()
    return round(int(size) / 2**20, 1)


def _days_taken(rng: random.Random) -> int:
    """Whole days from receipt to closing: median ~7, 1 in 50 over 60, a few over a year."""
    return min(int(rng.lognormvariate(math.log(7), 1.2)), 3000)


def build(url: str, years: int, per_year: int, history: bool = True, seed: int = 18) -> tuple[int, float]:
    """A store with ``years`` of history; (petitions, seconds to write them)."""
    engine = _fresh(url)
    villages = _copy_regions(engine)
    rng = random.Random(seed)
    first = LAST_DAY - timedelta(days=365 * years - 1)
    span = (LAST_DAY - first).days + 1
    total = years * per_year
    end = local_midnight(LAST_DAY)
    started = time.perf_counter()
    for start in range(0, total, BATCH):
        batch = []
        for i in range(start, min(start + BATCH, total)):
            received = local_midnight(first + timedelta(days=rng.randrange(span)))
            # closed by the end of the history (an export of cases closed before the import)
            closed = min(received + timedelta(days=_days_taken(rng)), end)
            batch.append(
                build_petition(
                    external_id=f"HIS{i:08d}",
                    village_code=rng.choice(villages),
                    received_at=received,
                    category=rng.choice(CATEGORIES),
                    unit="村委会",
                    steps=[Step("resolved", closed), Step("closed", closed)],
                )
            )
        with engine.begin() as conn:
            write_petitions(conn, batch)
    if history:
        with engine.begin() as conn:
            mark_history(conn, datetime.now(UTC))
    seconds = time.perf_counter() - started
    engine.dispose()
    return total, seconds


def measure(url: str) -> dict:
    engine = make_engine(url)
    first = refresh(engine)
    second = refresh(engine)
    with engine.connect() as conn:
        raised = conn.execute(select(func.count()).select_from(warnings)).scalar_one()
        rows = {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (*CONTRIBUTION_TABLES, *AGGREGATE_TABLES, *OPEN_TABLES)
        }
    size = store_mb(engine)
    engine.dispose()
    return {
        "first_refresh_s": round(first.duration_ms / 1000, 1),
        "second_refresh_s": round(second.duration_ms / 1000, 2),
        "warnings": raised,
        "snapshot_rows": sum(rows.values()),
        "snapshot_rows_by_table": rows,
        "store_mb": size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--per-year", type=int, default=34_000)
    parser.add_argument("--no-history", action="store_true", help="import as routine data (no --history)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--url", help="a PostgreSQL or MariaDB database of its own (its cockpit tables are dropped)"
    )
    args = parser.parse_args(argv)
    results = []
    print(f"{'years':>5} {'petitions':>10} {'write s':>8} {'refresh 1 s':>11} {'refresh 2 s':>11} "
          f"{'warnings':>8} {'snapshot rows':>13} {'store MB':>8}")  # fmt: skip
    for years in args.years:
        with tempfile.TemporaryDirectory(prefix="cockpit-history-") as tmp:
            url = args.url or f"sqlite:///{Path(tmp) / 'store.sqlite3'}"
            petitions, write_s = build(url, years, args.per_year, history=not args.no_history)
            got = {"years": years, "petitions": petitions, "write_s": round(write_s, 1), **measure(url)}
        results.append(got)
        print(
            f"{years:>5} {petitions:>10,} {got['write_s']:>8} {got['first_refresh_s']:>11} "
            f"{got['second_refresh_s']:>11} {got['warnings']:>8,} {got['snapshot_rows']:>13,} "
            f"{got['store_mb']:>8}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
