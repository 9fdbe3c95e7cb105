"""``python -m sample_db.scale``: build a scale store (a thin wrapper over
sample_db.scale.generate_scale)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from cockpit.store.engine import make_engine
from sample_db.scale import CHUNK_ROWS, DEFAULT_SEED, Sizes, generate_scale
from sample_db.store import StoreNotEmptyError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_db.scale",
        description="Build a scale store (a fictional province, bulk-loaded) in an empty database.",
    )
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of an empty database")
    parser.add_argument("--villages", type=_count, default=15_000, help="villages (default 15000)")
    parser.add_argument("--petitions", type=_count, default=1_000_000, help="petitions (default 1000000)")
    parser.add_argument("--warnings", type=_count, default=1_000_000, help="warnings (default 1000000)")
    parser.add_argument(
        "--records",
        type=_count,
        default=0,
        help="business records and registries, all tables together, clean (default 0: none)",
    )
    parser.add_argument(
        "--events",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="write petition_events and warning_events (default on)",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument("--now", help="end of the history, ISO 8601 with offset (default: now)")
    parser.add_argument(
        "--chunk",
        type=_count,
        default=CHUNK_ROWS,
        help=f"rows drawn and loaded at once (default {CHUNK_ROWS})",
    )
    args = parser.parse_args(argv)
    if args.villages < 1:
        parser.error("--villages must be at least 1")
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
    if now.tzinfo is None:
        parser.error("--now needs a UTC offset, e.g. 2026-11-21T12:00:00+08:00")

    engine = make_engine(args.url)
    try:
        summary = generate_scale(
            engine,
            Sizes(args.villages, args.petitions, args.warnings, args.records),
            seed=args.seed,
            now=now,
            events=args.events,
            chunk_rows=args.chunk,
        )
    except StoreNotEmptyError as error:
        print(f"refusing: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def _count(text: str) -> int:
    value = int(text.replace("_", "").replace(",", ""))
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


if __name__ == "__main__":
    sys.exit(main())
