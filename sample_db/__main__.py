"""``python -m sample_db``: build the sample store (a thin wrapper over
sample_db.build)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from cockpit.settings import Settings
from cockpit.store.engine import make_engine
from sample_db.build import DEFAULT_SEED, generate
from sample_db.calibration import measure
from sample_db.store import NotSampleStoreError, reset_store, store_has_data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_db", description="Build the sample store.")
    parser.add_argument(
        "--url", help="SQLAlchemy URL of the store (default: COCKPIT_DATABASE_URL or the sample)"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument("--now", help="end of the history, ISO 8601 with offset (default: now)")
    parser.add_argument("--force", action="store_true", help="replace an existing sample store")
    parser.add_argument("--towns", type=int, default=14, help="number of towns/streets (default 14)")
    parser.add_argument(
        "--villages-per-town", type=int, default=None, help="villages per town (default: 30-45, varying)"
    )
    parser.add_argument("--measure", action="store_true", help="print calibration figures afterwards")
    args = parser.parse_args(argv)

    url = args.url or Settings.from_env().database_url
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
    if now.tzinfo is None:
        parser.error("--now needs a UTC offset, e.g. 2026-11-21T12:00:00+08:00")

    engine = make_engine(url)
    has_data = store_has_data(engine)
    engine.dispose()
    if has_data and not args.force:
        print(f"{url} already has data; use --force to replace a sample store", file=sys.stderr)
        return 1
    if has_data:
        try:
            reset_store(url)
        except NotSampleStoreError as error:
            print(f"refusing: {error}", file=sys.stderr)
            return 1

    engine = make_engine(url)
    try:
        summary = generate(
            engine, seed=args.seed, now=now, towns=args.towns, villages_per_town=args.villages_per_town
        )
        print(json.dumps(summary, ensure_ascii=False))
        if args.measure:
            with engine.connect() as conn:
                figures = measure(conn, now.astimezone(UTC))
            print(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
