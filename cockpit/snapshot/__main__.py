"""``python -m cockpit.snapshot update|rebuild|status [--url URL]``.

update: what the refresh job does (incremental; full the first time);
rebuild: a full build (after regions were moved between parents, or to check);
status: the snapshot's version and the time it holds data up to.
The store is COCKPIT_DATABASE_URL unless --url is given.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from cockpit.settings import Settings
from cockpit.snapshot.build import update_snapshot
from cockpit.store import create_store, make_engine
from cockpit.timewindow import format_local
from queries.snapshot import snapshot_state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cockpit.snapshot", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["update", "rebuild", "status"])
    parser.add_argument("--url", help="store URL (default: COCKPIT_DATABASE_URL)")
    args = parser.parse_args(argv)
    engine = make_engine(args.url or Settings.from_env().database_url)
    create_store(engine)
    if args.command == "status":
        with engine.connect() as conn:
            state = snapshot_state(conn)
        if state is None:
            print("no snapshot yet: the next refresh builds it")
        else:
            as_of = format_local(state.as_of, "%Y-%m-%d %H:%M:%S")
            print(f"snapshot version {state.version}, data as of {as_of} (Asia/Shanghai)")
        return 0
    run = update_snapshot(engine, datetime.now(UTC), full=args.command == "rebuild")
    print(
        f"{run.kind}: version {run.version}, {run.petitions:,} petitions and {run.warnings:,} warnings read, "
        f"{run.rows_written:,} rows written in {run.duration_ms:,} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
