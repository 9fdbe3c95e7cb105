"""Every view's data from the snapshot against the raw GROUP BY, at any scale.

    .venv/bin/python -m benchmarks.scale [--url URL] [--repeat 50] [--raw-repeat 3]
                                         [--changes 1000] [--json FILE] [--now ISO]
                                         [--steps views,refresh,memory,sizes] [--views f,g]

Default store: COCKPIT_DATABASE_URL, or the sample city (SQLite). For the
national figures, a scale store (docs/sample.md "Scale stores"):

    .venv/bin/python -m benchmarks.scale \\
        --url postgresql+psycopg://postgres@127.0.0.1:5432/cockpit_national

Steps, printed as they go:

1. the snapshot brought up to date (a full build the first time: timed);
2. each view's data (the query functions the wall screen and the inspector
   pages call) for the root region, one of its children and one town, over
   近30天 and 本年: p50 and p95 of ``--repeat`` runs read from the snapshot,
   and p50 of ``--raw-repeat`` runs of the same function computed by GROUP BY
   over the raw tables (``fn.raw``, what a BI tool does), and the ratio;
3. the incremental refresh after ``--changes`` petitions changed (spread
   over the store: open ones closed, closed ones closed an hour later,
   ``updated_at`` moved to now): median of 3 rounds;
4. the peak memory (max RSS) of a separate process holding the web app
   that requests every page and computes every view's data for those
   regions, as the callbacks do;
5. the size of the raw and snapshot tables.

The store is changed by step 3 (petitions closed): use a benchmark store.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import Engine, bindparam, func, select, text, update
from sqlalchemy.exc import OperationalError

from cockpit.main import open_store
from cockpit.rules.catalogue import load_catalogue
from cockpit.settings import Settings
from cockpit.snapshot.build import update_snapshot
from cockpit.store.hierarchy import resolve_root
from cockpit.store.schema import petitions, warnings
from cockpit.store.snapshots import SNAPSHOT_TABLES
from cockpit.timewindow import preset_window
from queries import petitions as pq
from queries import warnings as wq
from queries.regions import child_regions
from queries.scope import Scope

VIEWS: list[tuple[Callable, str, dict]] = [
    (pq.count_received, "window", {}),
    (pq.open_backlog, "now", {}),
    (pq.share_closed_within_5_days, "window", {}),
    (pq.share_closed_within_5_days_trend, "window", {"freq": "week"}),
    (pq.top_categories, "window", {}),
    (pq.handling_time_distribution, "window", {}),
    (pq.handling_time_summary, "window", {}),
    (pq.child_region_metrics, "window", {}),
    (wq.warning_status_counts, "window", {}),
    (wq.warning_categories, "window", {}),
    (wq.warnings_raised_trend, "window", {"freq": "week"}),
    (wq.warning_queue_counts, "now", {}),
    (wq.warning_queue_counts, "now", {"owner_kind": "town_commission"}),
    # Over all time (no window): measured once per region, window "all".
    (wq.warning_filter_options, "all", {}),
    (wq.rule_statistics, "all", {}),
    (wq.rule_hit_rates, "all", {"subjects": {r.code: r.subject for r in load_catalogue().values()}}),
]
# Lists of records: read from the raw tables through their indexes, LIMIT n.
LISTS: list[tuple[Callable, str, dict]] = [
    (wq.newest_red_warnings, "none", {}),
    (wq.warning_queue, "now", {"status": "new", "limit": 51}),
]


def _samples(fn: Callable[[], object], repeat: int, warm: bool = True) -> list[float]:
    if warm:
        fn()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return sorted(out)


def _p95(samples: list[float]) -> float:
    return samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]


def _call(fn, conn, scope, window, now, kind, kwargs):
    if kind == "window":
        return partial(fn, conn, scope, window, **kwargs)
    if kind == "now":
        return partial(fn, conn, scope, now, **kwargs)
    return partial(fn, conn, scope, **kwargs)


def regions_to_measure(engine: Engine, settings: Settings) -> list[tuple[str, str]]:
    """(label, code): the root, its first child, and the first town under it."""
    with engine.connect() as conn:
        root = resolve_root(conn, settings.root_region)
        out = [("root", root)]
        code = root
        while True:
            children = child_regions(conn, code)
            if children.empty:
                break
            code = str(children["code"].iloc[0])
            level = str(children["level"].iloc[0])
            if len(out) == 1 or level == "town":
                out.append((level, code))
            if level == "town":
                break
    return out


RAW_TIMEOUT_S = 120


def _raw_p50(conn, call, repeat: int) -> float:
    """p50 of the raw GROUP BY; a run past RAW_TIMEOUT_S is cancelled
    (PostgreSQL) and counted as that long: the ratio is then a lower bound."""
    if conn.dialect.name != "postgresql":
        return statistics.median(_samples(call, repeat, warm=False))
    samples = []
    for _ in range(repeat):
        conn.execute(text(f"SET statement_timeout = {RAW_TIMEOUT_S * 1000}"))
        started = time.perf_counter()
        try:
            call()
            samples.append((time.perf_counter() - started) * 1000)
        except OperationalError:
            conn.rollback()
            samples.append(RAW_TIMEOUT_S * 1000.0)
        finally:
            conn.execute(text("SET statement_timeout = 0"))
    return statistics.median(samples)


def measure_views(
    engine: Engine, regions, now: datetime, repeat: int, raw_repeat: int, only: set[str] | None = None
) -> list[dict]:
    rows = []
    print(
        f"{'view':36} {'region':8} {'window':7} {'p50 ms':>8} {'p95 ms':>8} {'raw p50 ms':>11} {'ratio':>8}"
    )
    with engine.connect() as conn:
        for label, code in regions:
            scope = Scope(code)
            for preset in ("last30", "year"):
                window = preset_window(preset, now)
                for fn, kind, kwargs in VIEWS + LISTS:
                    if (kind == "all" and preset != "last30") or (only and fn.__name__ not in only):
                        continue
                    name = fn.__name__ + (" by owner" if "owner_kind" in kwargs else "")
                    call = _call(fn, conn, scope, window, now, kind, kwargs)
                    snap = _samples(call, repeat)
                    raw_fn = getattr(fn, "raw", None)
                    raw = None
                    if raw_fn is not None and raw_repeat:
                        raw_call = _call(raw_fn, conn, scope, window, now, kind, kwargs)
                        raw = _raw_p50(conn, raw_call, raw_repeat)
                    row = {
                        "view": name,
                        "region": label,
                        "window": "all" if kind == "all" else preset,
                        "p50_ms": statistics.median(snap),
                        "p95_ms": _p95(snap),
                        "raw_p50_ms": raw,
                        "ratio": raw / statistics.median(snap) if raw else None,
                    }
                    rows.append(row)
                    raw_text = f"{raw:11.1f}" if raw is not None else f"{'(list)':>11}"
                    ratio = f"{row['ratio']:7.0f}×" if row["ratio"] else f"{'':>8}"
                    print(
                        f"{name:36} {label:8} {row['window']:7} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f}"
                        f" {raw_text} {ratio}",
                        flush=True,
                    )
    return rows


def change_petitions(engine: Engine, count: int, now: datetime, seed: int) -> None:
    """``count`` petitions, spread over the id range, changed as late
    changes are: open ones closed now, closed ones closed an hour later."""
    rng = random.Random(seed)
    p = petitions
    statement = (
        update(p)
        .where(p.c.id == bindparam("b_id"))
        .values(status="closed", closed_at=bindparam("closed_at"), updated_at=bindparam("updated_at"))
    )
    with engine.begin() as conn:
        low, high = conn.execute(select(func.min(p.c.id), func.max(p.c.id))).one()
        ids = sorted(rng.sample(range(low, high + 1), count))
        rows = conn.execute(select(p.c.id, p.c.closed_at).where(p.c.id.in_(ids))).all()
        changes = [
            {"b_id": i, "closed_at": closed + timedelta(hours=1) if closed else now, "updated_at": now}
            for i, closed in rows
        ]
        conn.execute(statement, changes)


def measure_refresh(engine: Engine, now: datetime, changes: int) -> dict:
    times = []
    for round_ in range(3):
        at = now + timedelta(minutes=10 * (round_ + 1))
        change_petitions(engine, changes, at, seed=round_)
        run = update_snapshot(engine, at)
        times.append(run.duration_ms)
        print(f"incremental refresh, {changes:,} petitions changed: {run.duration_ms} ms ({run})", flush=True)
    return {"changes": changes, "median_ms": statistics.median(times), "runs_ms": times}


APP_PROBE = """
import json, resource, sys
from datetime import datetime
from cockpit.main import create_server
from cockpit.settings import Settings
from benchmarks.scale import VIEWS, LISTS, _call
from cockpit.timewindow import preset_window
from queries.scope import Scope

regions = json.loads(sys.argv[1]); now = datetime.fromisoformat(sys.argv[2])
server = create_server(Settings.from_env())
# The pages' layouts as a city leader would get them (the web layer's login is
# not what is measured here).
import flask
from cockpit.pages import queue, region, screen, weekly
from queries.scope import Viewer
root = server.extensions["cockpit"].root_code
pages = [(screen.layout, {}), (region.home_layout, {}), (queue.layout, {}), (weekly.layout, {})]
pages += [(region.layout, {"code": code}) for _label, code in regions]
statuses = []
with server.test_request_context():
    flask.g.viewer = Viewer("benchmark", "leader", (root,))
    for layout, kwargs in pages:
        statuses.append("无权访问" not in str(layout(**kwargs)))
engine = server.extensions["cockpit"].engine
for _ in range(3):
    with engine.connect() as conn:
        for _label, code in regions:
            for preset in ("last30", "year"):
                window = preset_window(preset, now)
                for fn, kind, kwargs in VIEWS + LISTS:
                    _call(fn, conn, Scope(code), window, now, kind, kwargs)()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"max_rss_mb": peak, "pages": statuses}))
"""


def measure_app_memory(settings: Settings, regions, now: datetime) -> dict:
    env = {"COCKPIT_DATABASE_URL": settings.database_url, "COCKPIT_SCHEDULER": "off"}
    import os

    result = subprocess.run(
        [sys.executable, "-c", APP_PROBE, json.dumps(regions), now.isoformat()],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def table_sizes(engine: Engine) -> list[dict]:
    names = ["petitions", "warnings", *[t.name for t in SNAPSHOT_TABLES]]
    out = []
    with engine.connect() as conn:
        for name in names:
            rows = conn.execute(text(f"SELECT COUNT(*) FROM {name}")).scalar()
            size = None
            if engine.dialect.name == "postgresql":
                size = conn.execute(text(f"SELECT pg_total_relation_size('{name}')")).scalar()
            elif engine.dialect.name in ("mysql", "mariadb"):
                size = conn.execute(
                    text(
                        "SELECT data_length + index_length FROM information_schema.tables "
                        "WHERE table_schema = DATABASE() AND table_name = :n"
                    ),
                    {"n": name},
                ).scalar()
            else:
                try:
                    size = conn.execute(
                        text("SELECT SUM(pgsize) FROM dbstat WHERE name = :n"), {"n": name}
                    ).scalar()
                except Exception:  # SQLite built without dbstat
                    conn.rollback()
            out.append({"table": name, "rows": rows, "mb": None if size is None else size / 2**20})
    for row in out:
        mb = f"{row['mb']:10.1f}" if row["mb"] is not None else f"{'?':>10}"
        print(f"{row['table']:24} {row['rows']:>14,} rows {mb} MB")
    return out


def markdown(views: list[dict]) -> str:
    """The views' figures as the table in docs/performance.md."""
    lines = [
        "| view | region | window | p50 ms | p95 ms | raw GROUP BY p50 ms | × faster |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in views:
        raw = f"{row['raw_p50_ms']:,.1f}" if row["raw_p50_ms"] is not None else "(list)"
        ratio = f"{row['ratio']:,.0f}" if row["ratio"] else ""
        lines.append(
            f"| {row['view']} | {row['region']} | {row['window']} "
            f"| {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {raw} | {ratio} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="store URL (default: COCKPIT_DATABASE_URL or the sample)")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--raw-repeat", type=int, default=3)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--now", help="ISO time the figures are computed at (default: now)")
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument(
        "--steps", default="views,refresh,memory,sizes", help="which steps to run (comma-separated)"
    )
    parser.add_argument("--views", help="only these views (function names, comma-separated)")
    args = parser.parse_args()
    settings = Settings.from_env()
    if args.url:
        settings = Settings(**{**settings.__dict__, "database_url": args.url})
    engine = open_store(settings)
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
    print(f"store: {engine.url.render_as_string(hide_password=True)}")
    with engine.connect() as conn:
        counts = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in (petitions, warnings)
        }
    print(f"petitions {counts['petitions']:,}, warnings {counts['warnings']:,}")
    run = update_snapshot(engine, now)
    print(f"snapshot brought up to date: {run}", flush=True)
    regions = regions_to_measure(engine, settings)
    steps = set(args.steps.split(","))
    only = set(args.views.split(",")) if args.views else None
    views = None
    if "views" in steps:
        views = measure_views(engine, regions, now, args.repeat, args.raw_repeat, only)
    refresh = measure_refresh(engine, now, args.changes) if "refresh" in steps else None
    memory = None
    if "memory" in steps:
        memory = measure_app_memory(settings, regions, now + timedelta(minutes=30))
        print(f"app process: peak memory {memory['max_rss_mb']:.0f} MB (pages {memory['pages']})")
    sizes = table_sizes(engine) if "sizes" in steps else None
    if views:
        print(markdown(views))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(
                {
                    "first_update": run.__dict__,
                    "views": views,
                    "refresh": refresh,
                    "memory": memory,
                    "sizes": sizes,
                    "counts": counts,
                },
                handle,
                indent=1,
                default=str,
            )


if __name__ == "__main__":
    main()
