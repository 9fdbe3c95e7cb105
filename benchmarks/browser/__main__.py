"""Browser benchmark: what a person waits for, in headless Chromium.

    .venv/bin/python -m benchmarks.browser [--runs 7] [--quick] [--steps city,drill-map]
                                           [--json PATH] [--demo] [--budget 570] [--store PATH]

Serves a copy of the sample store with gunicorn (benchmarks.load's helpers;
2 workers, 8 threads; the live demo job off unless ``--demo``, so runs are
comparable), drives headless Chromium through Selenium and, per step, times
from navigation start (a page load) or from the click (a click) to the last
DOM change before the page settled: no Dash callback in flight, every
visible graph drawn, the step's content present, and 300 ms without a DOM
change (benchmarks/browser/settle.py).

It runs in rounds, each one run of every chosen step (``--steps`` takes the
keys of STEPS in benchmarks/browser/steps.py), ``--runs`` rounds (``--quick``:
2), but starts no round that would end past ``--budget`` seconds, so the whole
run stays under 10 minutes; the output says how many rounds ran. The first
visit to each page is also made once with an empty cache, its time and bytes
in the notes.

Prints the machine, then a Markdown table per step: median and p90 ms, KB
transferred (compressed, as the Performance API counts it: 0 for a cache
hit), DOM elements at settle, the slowest Dash request (the server's part),
and notes (the longest main-thread frame and its script, the part of the
page that appeared last, failures); then the browser's SEVERE console lines
per step. ``--json PATH`` writes every run's numbers. A step gives up after
30 s: a timeout in the table, not a crash. Exits 1 when a step never settled.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from statistics import median

from benchmarks.browser import chrome
from benchmarks.browser.measure import Recorder, Sample
from benchmarks.browser.steps import STEPS, Steps
from benchmarks.load import (
    DEMO_USER,
    KEEP_ALIVE,
    SAMPLE_STORE,
    free_port,
    gunicorn,
    percentile,
    prepare_store,
)

GROUPS = ("screen", "region", "warnings", "inspect")
BUDGET_SECONDS = 570  # the whole run stays under 10 minutes


def run(args: argparse.Namespace, chosen: set[str], started: float) -> tuple[dict, Recorder, list[str], int]:
    """Serve the store, then run every chosen group once per round (a round
    is one run of each step), for ``args.runs`` rounds or until another
    round would not finish within ``args.budget`` seconds of ``started``."""
    from cockpit.auth.demo import DEMO_KIOSK_TOKEN, DEMO_PASSWORD

    with tempfile.TemporaryDirectory(prefix="cockpit-browser-") as tmp:
        folder = Path(tmp)
        store = prepare_store(folder, args.store)
        port = free_port()
        with gunicorn(store, folder, port, args.workers, args.threads, args.demo, KEEP_ALIVE):
            driver = chrome.start_browser()
            try:
                info = chrome.machine(driver)
                print_machine(info, args)
                rec = Recorder(driver, f"http://127.0.0.1:{port}")
                steps = Steps(rec, DEMO_KIOSK_TOKEN, DEMO_USER, DEMO_PASSWORD, chosen)
                wanted = [g for g in GROUPS if any(s.group == g and s.key in chosen for s in STEPS)]
                rounds = run_rounds(args, steps, wanted, started)
            finally:
                driver.quit()
            server_log = (folder / "gunicorn.log").read_text(errors="replace").splitlines()
    errors = [line for line in server_log if "ERROR" in line or "Traceback" in line]
    return info, rec, errors, rounds


def run_rounds(args: argparse.Namespace, steps: Steps, groups: list[str], started: float) -> int:
    """The rounds; how many ran. A wall screen's session is not a user's, so
    each round logs in again (the form) after the screen steps."""
    took: list[float] = []
    for n in range(args.runs):
        if n and args.budget:
            typical = max(took[1:] or took)  # the first round also makes the cold visits
            if time.monotonic() - started + typical > args.budget:
                print(f"  stopping after {n} rounds: another would pass the {args.budget:.0f} s budget")
                return n
        round_started = time.monotonic()
        logged_in = False
        for group in groups:
            if group == "screen":
                logged_in = False
            elif not logged_in:
                steps.log_in()
                steps.rec.logs("login")
                logged_in = True
            getattr(steps, group)(n)
        took.append(time.monotonic() - round_started)
        print(f"  round {n + 1}/{args.runs}: {took[-1]:.1f} s", flush=True)
    return args.runs


def print_machine(info: dict, args: argparse.Namespace) -> None:
    print(f"machine: {info['cpus']} CPUs, {info['cpu_model']}; load average {info['load_average']}")
    print(f"browser: Chromium {info['chromium']} ({info['chromedriver']}), viewport {info['viewport']}")
    demo = "on" if args.demo else "off"
    print(
        f"server: gunicorn -w {args.workers} --threads {args.threads}, demo job {demo}; "
        f"{args.runs} runs per step\n",
        flush=True,
    )


def rows(rec: Recorder) -> list[dict]:
    """One row per step (and per inspect tab), in STEPS order."""
    keys = []
    for step in STEPS:
        if step.key == "inspect-tabs":
            keys += [(k, rec.labels.get(k, k)) for k in rec.samples if k.startswith("tab ")]
        elif step.key in rec.samples:
            keys.append((step.key, step.label))
    return [summary(key, label, rec) for key, label in keys]


def summary(key: str, label: str, rec: Recorder) -> dict:
    samples: list[Sample] = rec.samples[key]
    times = [s.ms for s in samples if s.ms is not None]
    notes = list(rec.notes.get(key, []))
    failed = len(samples) - len(times)
    if failed:
        reasons = Counter(s.note.split("; ")[-1][:90] for s in samples if s.ms is None)
        notes.append(f"{failed}/{len(samples)} failed: " + "; ".join(f"{n}× {r}" for r, n in reasons.items()))
    ok = [s for s in samples if s.ms is not None]
    if ok and median(s.longest_frame_ms for s in ok) >= 200:
        script = Counter(s.longest_frame_script or "?" for s in ok).most_common(1)[0][0]
        frame = median(s.longest_frame_ms for s in ok)
        notes.append(f"longest main-thread frame {frame:,.0f} ms ({script})")
    lasts = Counter(s.last_part for s in samples if s.ms is not None and s.last_part)
    if lasts:
        part, count = lasts.most_common(1)[0]
        notes.append(f"last to appear: {part} ({count}/{len(times)})")
    for note in Counter(s.note for s in samples if s.ms is not None and s.note):
        if note not in notes:
            notes.append(note)
    return {
        "step": key,
        "label": label,
        "runs": len(samples),
        "median_ms": round(median(times)) if times else None,
        "p90_ms": round(percentile(times, 90)) if times else None,
        "kb": round(median(s.kb for s in ok), 1) if ok else None,
        "nodes": round(median(s.nodes for s in ok)) if ok else None,
        "requests": round(median(s.requests for s in ok)) if ok else None,
        "slowest_fetch_ms": round(median(s.slowest_fetch_ms for s in ok)) if ok else None,
        "longest_frame_ms": round(median(s.longest_frame_ms for s in ok)) if ok else None,
        "notes": notes,
        "samples": [s.to_json() for s in samples],
    }


def table(summaries: list[dict]) -> str:
    def cell(value) -> str:
        return "timeout" if value is None else f"{value:,}"

    lines = [
        "| step | median ms | p90 ms | bytes (KB) | DOM nodes | slowest request ms | notes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in summaries:
        notes = "; ".join(row["notes"]).replace("|", "/")
        lines.append(
            f"| {row['label']} | {cell(row['median_ms'])} | {cell(row['p90_ms'])} | "
            f"{cell(row['kb'])} | {cell(row['nodes'])} | {cell(row['slowest_fetch_ms'])} | {notes} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per step (default 7)")
    parser.add_argument("--quick", action="store_true", help="2 runs per step")
    keys = ",".join(s.key for s in STEPS)
    parser.add_argument("--steps", help=f"comma-separated steps (default all): {keys}")
    parser.add_argument("--json", type=Path, help="also write the raw numbers to this file")
    parser.add_argument("--demo", action="store_true", help="run the live demo job (data moves)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    parser.add_argument("--store", type=Path, default=SAMPLE_STORE, help="a sample store to copy")
    parser.add_argument(
        "--budget",
        type=float,
        default=BUDGET_SECONDS,
        help=f"start no round that would end past this many seconds (default {BUDGET_SECONDS}; 0: no limit)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = 2
    chosen = {s.key for s in STEPS}
    if args.steps:
        chosen = {k.strip() for k in args.steps.split(",") if k.strip()}
        unknown = chosen - {s.key for s in STEPS}
        if unknown:
            parser.error(f"unknown steps: {', '.join(sorted(unknown))} (known: {keys})")
    if not args.store.exists():
        parser.error(f"{args.store} does not exist: build it with python -m sample_db")
    started = time.monotonic()
    info, rec, server_errors, rounds = run(args, chosen, started)
    summaries = rows(rec)
    print()
    print(table(summaries))
    print("\nbrowser console, SEVERE entries:")
    for step, lines in rec.console.items():
        for line in lines:
            print(f"  {step}: {line[:300]}")
    if not any(rec.console.values()):
        print("  none")
    if server_errors:
        print(f"\ngunicorn logged {len(server_errors)} error lines; first: {server_errors[0][:300]}")
    elapsed = time.monotonic() - started
    load_end = [round(x, 2) for x in os.getloadavg()]
    print(f"\n{rounds} of {args.runs} rounds, {elapsed:.0f} s in all; load average at the end {load_end}")
    if args.json:
        report = {
            "machine": info,
            "runs": args.runs,
            "rounds_done": rounds,
            "load_average_end": load_end,
            "demo": args.demo,
            "workers": args.workers,
            "threads": args.threads,
            "seconds": round(elapsed, 1),
            "steps": summaries,
            "console_severe": dict(rec.console),
            "server_errors": server_errors[:20],
        }
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    failed = any(row["median_ms"] is None for row in summaries)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
