"""Run the live demo over simulated time and measure what the wall screen
would show: queues, volumes, the 5-day share of the demo's own petitions.

``python -m sample_db.simulate --url sqlite:///copy.sqlite3 --days 7`` (on a
copy: it writes to the store like the real demo job). The tests use
``simulate`` and ``figures`` directly.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import Connection, Engine, func, select

from cockpit.lifecycle import PETITION
from cockpit.refresh import refresh
from cockpit.store.engine import make_engine
from cockpit.store.schema import petitions, regions, warnings
from cockpit.timewindow import Window
from queries.petitions import share_closed_within_5_days
from queries.scope import Scope
from sample_db.demo import DEFAULT_INTENSITY, demo_tick
from sample_db.plans import demo_clock
from sample_db.timing import LOCAL

HOUR = timedelta(hours=1)
SLA = timedelta(days=5)


@dataclass(frozen=True)
class Snapshot:
    at: datetime
    red: int
    yellow: int
    open_petitions: int
    events: int  # petition and warning events the demo wrote since the start


@dataclass
class Run:
    start: datetime
    end: datetime
    snapshots: list[Snapshot]
    tick_seconds: list[float]


def snapshot(conn: Connection, at: datetime, events: int = 0) -> Snapshot:
    statuses = Counter(
        dict(conn.execute(select(warnings.c.status, func.count()).group_by(warnings.c.status)).all())
    )
    open_petitions = conn.execute(
        select(func.count()).select_from(petitions).where(petitions.c.status.in_(PETITION.open_codes))
    ).scalar()
    return Snapshot(at, statuses["new"], statuses["pending"], open_petitions, events)


def simulate(
    engine: Engine,
    *,
    days: float,
    step: timedelta = timedelta(minutes=10),
    intensity: float = DEFAULT_INTENSITY,
    rng: random.Random | None = None,
) -> Run:
    """Tick the demo every ``step`` from its clock for ``days``, each tick
    followed by the refresh job (the warning engine raises the warnings of
    the records the tick added, escalation runs), as the scheduler does;
    with a snapshot every simulated hour (and at both ends). Timings are
    the ticks'."""
    rng = rng or random.Random(1)
    with engine.connect() as conn:
        start = conn.execute(select(demo_clock.c.ticked_at)).scalar_one()
        snapshots = [snapshot(conn, start)]
    end, at, timings, events = start + timedelta(days=days), start, [], 0
    while at < end:
        at = min(end, at + step)
        started = time.perf_counter()
        done = demo_tick(engine, now=at, rng=rng, intensity=intensity)
        timings.append(time.perf_counter() - started)
        refresh(engine, now=at)
        events += done["petition_events"] + done["warning_events"]
        if (at - start) % HOUR < step or at == end:
            with engine.connect() as conn:
                snapshots.append(snapshot(conn, at, events))
    return Run(start, end, snapshots, timings)


def figures(engine: Engine, run: Run) -> dict:
    """What the run did: the 5-day share of the petitions it added (those
    received at least 5 days before its end, whose outcome is known), volumes
    per day, queue ranges, events per hour in local office hours."""
    with engine.connect() as conn:
        root = conn.execute(select(regions.c.code).where(regions.c.parent_code.is_(None))).scalar_one()
        known = run.end - SLA
        share = None
        if known > run.start:
            window = Window(run.start + timedelta(seconds=1), known, run.end)
            share = share_closed_within_5_days(conn, Scope(root), window).iloc[0].to_dict()
        added_petitions = conn.execute(
            select(func.count()).select_from(petitions).where(petitions.c.received_at > run.start)
        ).scalar()
        added_warnings = conn.execute(
            select(func.count()).select_from(warnings).where(warnings.c.raised_at > run.start)
        ).scalar()
    days = (run.end - run.start) / timedelta(days=1)
    first, snaps = run.snapshots[0], run.snapshots
    office = [
        (b.events - a.events) / ((b.at - a.at) / HOUR)
        for a, b in itertools.pairwise(snaps)
        if a.at.astimezone(LOCAL).weekday() < 5 and 9 <= a.at.astimezone(LOCAL).hour < 18
    ]
    per_hour = sum(office) / len(office) if office else 0.0
    ticks = sorted(run.tick_seconds)
    return {
        "days": round(days, 2),
        "ticks": len(ticks),
        "share_5d": share,
        "petitions_per_day": round(added_petitions / days, 1),
        "warnings_per_day": round(added_warnings / days, 1),
        # first, lowest, highest, last
        "red": _range([s.red for s in snaps]),
        "yellow": _range([s.yellow for s in snaps]),
        "red_yellow_ratio": [
            round(min(s.red + s.yellow for s in snaps) / (first.red + first.yellow), 2),
            round(max(s.red + s.yellow for s in snaps) / (first.red + first.yellow), 2),
        ],
        "open_petitions": _range([s.open_petitions for s in snaps]),
        "office_events_per_hour": round(per_hour, 1),
        "tick_ms_median": round(median(ticks) * 1000, 1) if ticks else None,
        "tick_ms_p95": round(ticks[int(0.95 * (len(ticks) - 1))] * 1000, 1) if ticks else None,
    }


def _range(values: list[int]) -> list[int]:
    return [values[0], min(values), max(values), values[-1]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_db.simulate",
        description="Run the live demo over simulated time on a sample store (it writes: use a copy).",
    )
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of a sample store")
    parser.add_argument("--days", type=float, default=7.0, help="simulated days (default 7)")
    parser.add_argument("--step", type=float, default=600, help="seconds between ticks (default 600)")
    parser.add_argument("--intensity", type=float, default=DEFAULT_INTENSITY)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    try:
        run = simulate(
            engine,
            days=args.days,
            step=timedelta(seconds=args.step),
            intensity=args.intensity,
            rng=random.Random(args.seed),
        )
        print(json.dumps(figures(engine, run), ensure_ascii=False, default=str))
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
