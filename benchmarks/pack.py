"""How long one week's pack takes to build, and where the time goes.

    .venv/bin/python -m benchmarks.pack [--url URL] [--week 2026-W46] [--repeat N]
                                        [--keep DIR]

Default: the sample store (built first if missing), the last full week, the
root region and its first town. The first pack pays for starting Chromium
(kaleido keeps it running); the next ones show the steady cost, reported as
the median of ``--repeat`` builds, split into collect (queries), images
(kaleido: a PNG per chart, an SVG per non-map chart), pdf (Chromium prints
the HTML), xlsx and zip. With --keep, the last ZIP of each region is written
to DIR. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import subprocess
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from cockpit.export.pack import build_pack
from cockpit.export.render import Renderer
from cockpit.export.week import IsoWeek
from cockpit.main import open_store
from cockpit.settings import Settings
from cockpit.store.hierarchy import resolve_root
from queries.regions import child_regions

STEPS = ("collect", "images", "pdf", "xlsx", "zip", "total")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="store URL (default: COCKPIT_DATABASE_URL or the sample)")
    parser.add_argument("--week", help="ISO week such as 2026-W46 (default: the last full week)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write each region's last ZIP here")
    args = parser.parse_args()

    settings = Settings.from_env()
    if args.url:
        settings = Settings(**{**settings.__dict__, "database_url": args.url})
    engine = open_store(settings)
    now = datetime.now(UTC)
    week = IsoWeek.parse(args.week) if args.week else IsoWeek.last_full(now)
    with engine.connect() as conn:
        root = resolve_root(conn, settings.root_region)
        towns = child_regions(conn, root)
    regions = [root] + ([str(towns["code"].iloc[0])] if not towns.empty else [])

    renderer = Renderer(settings.browser)
    started = time.perf_counter()
    first = build_pack(engine, root, week, renderer, now)
    print(f"first pack (starts Chromium): {time.perf_counter() - started:.1f} s")
    print(
        f"{'region':<28} {'charts':>6} {'pdf pages':>9} {'zip MB':>7}  " + "  ".join(f"{s:>7}" for s in STEPS)
    )
    for code in regions:
        runs = [build_pack(engine, code, week, renderer, now) for _ in range(args.repeat)]
        medians = {s: statistics.median(r.seconds[s] for r in runs) for s in STEPS}
        last = runs[-1]
        pages = _pages(last.zip_bytes)
        name = f"{last.pack.region.name} ({code})"
        print(
            f"{name:<28} {len(last.pack.charts):>6} {pages:>9} {len(last.zip_bytes) / 1e6:>7.1f}  "
            + "  ".join(f"{medians[s]:>6.2f}s" for s in STEPS)
        )
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / last.filename).write_bytes(last.zip_bytes)
    renderer.close()
    del first


def _pages(zip_bytes: bytes) -> int:
    """The PDF's page count, by pdfinfo (poppler-utils, installed by the set-up)."""
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        data = archive.read(next(n for n in archive.namelist() if n.endswith(".pdf")))
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


if __name__ == "__main__":
    main()
