"""How long the sample city takes to build, and a live-demo tick on it.

    .venv/bin/python -m benchmarks.sample [--ticks 40] [--keep DIR] [--json FILE]

The test suite checks what the sample city holds (tests/test_sample_city.py)
but times nothing: a test asserting "builds in under 90 seconds" failed a
clean-clone CI run on a loaded machine (92.5 s). The figures live here:

1. the full build of the default city (``sample_db.build.generate`` into a
   fresh SQLite file at the tests' clock, SAMPLE_NOW): wall seconds, as the
   generator reports them; the first ``make run`` waits this long once;
2. the live demo's tick (``sample_db.demo_tick``, what COCKPIT_DEMO runs every
   COCKPIT_DEMO_SECONDS) on that city, ``--ticks`` ticks 5 s apart: the
   median and the slowest; a tick must stay far below its 5 s interval.

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from cockpit.store import create_store, make_engine
from sample_db import demo_tick
from sample_db.build import generate
from tests.conftest import SAMPLE_NOW


def measure(folder: Path, ticks: int) -> dict:
    engine = make_engine(f"sqlite:///{folder / 'sample.sqlite3'}")
    create_store(engine)
    summary = generate(engine, now=SAMPLE_NOW, progress=lambda _: None)
    timings = []
    for i in range(1, ticks + 1):
        started = time.perf_counter()
        demo_tick(engine, now=SAMPLE_NOW + timedelta(seconds=5 * i), rng=random.Random(i))
        timings.append(time.perf_counter() - started)
    engine.dispose()
    return {
        "build_seconds": summary["seconds"],
        "towns": summary["towns"],
        "villages": summary["villages"],
        "tick_median_ms": round(statistics.median(timings) * 1000, 1),
        "tick_max_ms": round(max(timings) * 1000, 1),
        "ticks": ticks,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ticks", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep the store")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        figures = measure(args.keep, args.ticks)
    else:
        with tempfile.TemporaryDirectory() as folder:
            figures = measure(Path(folder), args.ticks)
    print(
        f"sample city ({figures['towns']} towns, {figures['villages']} villages): "
        f"built in {figures['build_seconds']:.1f} s; demo tick: median {figures['tick_median_ms']} ms, "
        f"slowest {figures['tick_max_ms']} ms over {figures['ticks']} ticks"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
