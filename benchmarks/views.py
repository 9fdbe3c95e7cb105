"""How long each view's data takes on a store: p50 and p95 per query.

    .venv/bin/python -m benchmarks.views [--url URL] [--repeat N]

Default: the sample store (built first if missing). Prints one line per query
function the wall screen and the inspector view call, for the root region and
for one town, over the wall screen's default window (近30天) and 本年.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from cockpit.main import open_store
from cockpit.settings import Settings
from cockpit.store.hierarchy import resolve_root
from cockpit.timewindow import preset_window
from queries import petitions, warnings
from queries.regions import child_regions
from queries.scope import Scope


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()  # warm the caches once
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="store URL (default: COCKPIT_DATABASE_URL or the sample)")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    settings = Settings.from_env()
    if args.url:
        settings = Settings(database_url=args.url)
    engine = open_store(settings)
    now = datetime.now(UTC)
    with engine.connect() as conn:
        root = resolve_root(conn, settings.root_region)
        town = child_regions(conn, root)["code"].iloc[0]
        print(f"store: {engine.url.render_as_string(hide_password=True)}  repeat={args.repeat}")
        print(f"{'query':40} {'scope':6} {'window':7} {'p50 ms':>8} {'p95 ms':>8}")
        for scope_name, code in (("root", root), ("town", town)):
            scope = Scope(code)
            for preset in ("last30", "year"):
                window = preset_window(preset, now)
                calls = [
                    (petitions.count_received, (scope, window), {}),
                    (petitions.open_backlog, (scope, now), {}),
                    (petitions.share_closed_within_5_days, (scope, window), {}),
                    (petitions.share_closed_within_5_days_trend, (scope, window), {"freq": "week"}),
                    (petitions.top_categories, (scope, window), {}),
                    (petitions.handling_time_distribution, (scope, window), {}),
                    (petitions.handling_time_summary, (scope, window), {}),
                    (petitions.child_region_metrics, (scope, window), {}),
                    (warnings.warning_status_counts, (scope, window), {}),
                    (warnings.newest_red_warnings, (scope,), {}),
                    (warnings.warning_queue, (scope, now), {"status": "new", "limit": 51}),
                ]
                for fn, fn_args, kwargs in calls:
                    p50, p95 = _time(partial(fn, conn, *fn_args, **kwargs), args.repeat)
                    print(f"{fn.__name__:40} {scope_name:6} {preset:7} {p50:8.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
