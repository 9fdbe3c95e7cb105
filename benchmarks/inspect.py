"""How long each section of the inspector analytics (/inspect) takes to
build: its queries plus its figures, p50 and p95.

    .venv/bin/python -m benchmarks.inspect [--url URL] [--repeat N]

Default: the sample store (built first if missing). One line per section
for the root region, its first town and that town's first village, over
近30天 and 本年 (sections counted at now ignore the window). Not part of
the test suite.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from functools import partial

from benchmarks.views import _time
from cockpit.main import open_store
from cockpit.pages.inspect.sections import SECTIONS, Context
from cockpit.settings import Settings
from cockpit.store.hierarchy import resolve_root
from cockpit.timewindow import preset_window
from queries.regions import child_regions, get_region
from queries.scope import SYSTEM, authorize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="store URL (default: COCKPIT_DATABASE_URL or the sample)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings = Settings(database_url=args.url) if args.url else Settings.from_env()
    engine = open_store(settings)
    now = datetime.now(UTC)
    with engine.connect() as conn:
        root = resolve_root(conn, settings.root_region)
        town = child_regions(conn, root)["code"].iloc[0]
        village = child_regions(conn, town)["code"].iloc[0]
        print(f"{'section':<14}{'region':<10}{'window':<8}{'p50 ms':>9}{'p95 ms':>9}")
        for level, code in (("city", root), ("town", town), ("village", village)):
            region = get_region(conn, code)
            scope = authorize(conn, SYSTEM, code)
            for preset in ("last30", "year"):
                window = preset_window(preset, now)
                ctx = Context(conn, scope, window, now, region, root)
                for key, section in SECTIONS.items():
                    if not section.windowed and preset != "last30":
                        continue
                    p50, p95 = _time(partial(section.render, ctx), args.repeat)
                    shown = preset if section.windowed else "now"
                    print(f"{key:<14}{level:<10}{shown:<8}{p50:>9.0f}{p95:>9.0f}")


if __name__ == "__main__":
    main()
