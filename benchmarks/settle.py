"""Does the refresh settle after a bulk import?

    .venv/bin/python -m benchmarks.settle [--store sample_db/sample.sqlite3] [--url URL] [--refreshes 3]

Builds the snapshot of a copy of the sample store (or of the database at
``--url``, which it changes: use a scratch one) in full, stamps every
petition and warning as an import would (``updated_at`` = now, all within a
minute), then runs ``--refreshes`` incremental refreshes a minute apart and
prints what each read and how long it took. The first counts the import;
every later one should read nothing (docs/performance.md, "After a bulk
import").
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from cockpit.snapshot.build import update_snapshot
from cockpit.store import create_store, make_engine
from cockpit.store.schema import petitions, warnings

SAMPLE_STORE = Path(__file__).resolve().parent.parent / "sample_db" / "sample.sqlite3"


def run(url: str, refreshes: int) -> list[tuple[int, int, int]]:
    """(petitions read, warnings read, ms) of each refresh after the stamping."""
    engine = make_engine(url)
    create_store(engine)
    now = datetime.now(UTC)
    full = update_snapshot(engine, now, full=True)
    print(f"full build: {full.petitions:,} petitions, {full.warnings:,} warnings, {full.duration_ms:,} ms")
    with engine.begin() as conn:
        conn.execute(update(petitions).values(updated_at=now))
        conn.execute(update(warnings).values(updated_at=now + timedelta(seconds=40)))
    out = []
    for i in range(refreshes):
        done = update_snapshot(engine, now + timedelta(minutes=1 + i))
        out.append((done.petitions, done.warnings, done.duration_ms))
        read = f"{done.petitions:,} petitions and {done.warnings:,} warnings read"
        print(f"refresh {i + 1}: {read}, {done.duration_ms:,} ms")
    engine.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=SAMPLE_STORE, help="a sample store to copy")
    parser.add_argument("--url", help="a scratch database holding a city instead (it is changed)")
    parser.add_argument("--refreshes", type=int, default=3)
    args = parser.parse_args(argv)
    if args.url:
        run(args.url, args.refreshes)
        return 0
    with tempfile.TemporaryDirectory(prefix="cockpit-settle-") as tmp:
        copy = Path(tmp) / "store.sqlite3"
        shutil.copy(args.store, copy)
        run(f"sqlite:///{copy}", args.refreshes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
