"""How PET-02 (同一事项重复信访) scales with one village's history.

    .venv/bin/python -m benchmarks.repeated [--counts 1500 6000 24000] [--per-day 5]

For each count, a throwaway SQLite store holds that many petitions of one
category in one village, ``--per-day`` a day (so a 30-day run holds about
150), and the rule's check reads them all (since=None, no window: as after a
threshold change or an import). Prints the seconds and the hits. It was
quadratic (3.6 s, 13.9 s, 56.6 s for 1,500, 3,000, 6,000: every petition
scanned the whole group); issue 18 asks for near-linear.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cockpit.rules.catalogue import load_catalogue
from cockpit.rules.checks import petition_repeated
from cockpit.store import create_store, make_engine
from cockpit.store.factories import build_petition, write_petitions
from tests import fixture_city as fc

START = datetime(2016, 1, 1, tzinfo=UTC)


def measure(count: int, per_day: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="cockpit-repeated-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'store.sqlite3'}")
        create_store(engine)
        step = timedelta(days=1) / per_day
        with engine.begin() as conn:
            fc.load(conn)
            write_petitions(
                conn,
                [
                    build_petition(
                        external_id=f"R{i}", village_code=fc.V1, received_at=START + i * step,
                        category="道路", unit="村委会",
                    )
                    for i in range(count)
                ],
            )  # fmt: skip
        params = load_catalogue()["PET-02"].defaults
        with engine.connect() as conn:
            started = time.perf_counter()
            hits = petition_repeated(conn, None, None, params, START + count * step)
            seconds = time.perf_counter() - started
        engine.dispose()
        return seconds, len(hits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1500, 6000, 24000])
    parser.add_argument("--per-day", type=int, default=5)
    args = parser.parse_args(argv)
    for count in args.counts:
        seconds, hits = measure(count, args.per_day)
        each = seconds / count * 1e6
        print(f"{count:>7,} petitions: {seconds:7.2f} s, {hits:,} hits, {each:6.0f} µs per petition")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
