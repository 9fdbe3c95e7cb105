"""The scale store's business records (``--records``): what the warning
rules read, drawn clean and bulk-loaded a chunk at a time.

``record_chunks`` draws them part by part, in id order, each part in chunks
of about ``chunk_rows`` rows: the registries a run of villages at a time,
disclosures a period (and run of villages) at a time, payouts a due date at
a time, and the records that arrive (labour, payments with their approvals,
projects with their bids, seal uses, public queries) a run of days at a
time, spread over the history's working days by its office-day weights.
``load_records`` streams them through the bulk loader while a second thread
draws the next chunk. See docs/sample.md, "Scale stores".
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import numpy as np

from cockpit.store.records import (
    cadre_relatives,
    cadres,
    deaths,
    disclosures,
    labour,
    land_contracts,
    payment_approvals,
    payments,
    payouts,
    project_bids,
    projects,
    public_queries,
    public_servants,
    seal_uses,
)
from sample_db.scale.clock import History
from sample_db.scale.loaders import Columns, Loader, ahead
from sample_db.scale.money_rows import Bids, payment_rows, project_rows
from sample_db.scale.people import Firms, Population
from sample_db.scale.progress import Meter, Progress, Stopwatch
from sample_db.scale.province import Villages
from sample_db.scale.record_plan import ABSORBER, Context, RecordPlan
from sample_db.scale.registry_rows import registry_chunk, registry_chunks
from sample_db.scale.schedule_rows import disclosure_pieces, disclosure_rows, payout_pieces, payout_rows
from sample_db.scale.work_rows import Workers, labour_rows, query_rows, seal_rows
from sample_db.scale.workdays import EPOCH_DAY, Workdays, local_day

RECORD_TABLES = (
    cadres,
    cadre_relatives,
    land_contracts,
    public_servants,
    deaths,
    disclosures,
    payouts,
    labour,
    payments,
    payment_approvals,
    projects,
    project_bids,
    seal_uses,
    public_queries,
)
TABLES = {table.name: table for table in RECORD_TABLES}
REGISTRIES = ("cadres", "cadre_relatives", "land_contracts", "public_servants", "deaths")
# Office hours of the records that arrive (08:30-17:00, as sample_db.anomalies._key),
# for the weight of the last day, cut at now.
OFFICE_SPAN = np.array([0.0] * 8 + [0.5] + [1.0] * 8 + [0.0] * 7)
STEPS_AHEAD = timedelta(days=100)  # working days known after now: disclosures due 60 days ahead, steps after

Chunk = tuple[str, int, dict[str, Columns]]  # part, its rows in all, rows per table


def record_context(villages: Villages, history: History, seed: int, records: int) -> Context:
    """The plan (record_plan.RecordPlan), people, firms and working days."""
    n = len(villages.codes)
    plan = RecordPlan.draw(np.random.default_rng([seed, 5]), records, n, history)
    people = Population(villages, seed)
    plan.check(people)
    first_due = int(local_day(np.int64(min((p.due for p in plan.periods), default=history.start))))
    first = min(history.days[0], EPOCH_DAY + timedelta(days=first_due)) - timedelta(
        days=30
    )  # published before
    work = Workdays(first, history.days[-1] + STEPS_AHEAD)
    firms = Firms.draw(np.random.default_rng([seed, 6]), n)
    return Context(plan, people, firms, history, work, np.asarray(villages.codes, dtype=object), seed)


def record_chunks(ctx: Context, seed: int, chunk_rows: int) -> Iterator[Chunk]:
    """Every record, part by part (registries, disclosures, payouts, labour,
    payments, projects, seal uses, public queries), in id order. Seal uses
    take up the difference between the approvals planned and those signed
    by now (record_plan.split)."""
    counts = ctx.plan.counts

    def rng(*stream: int) -> np.random.Generator:
        return np.random.default_rng([seed, *stream])

    total = sum(counts[t] for t in REGISTRIES)
    for i, (v0, v1) in enumerate(registry_chunks(ctx, chunk_rows)):
        yield "registries", total, registry_chunk(rng(40, i), ctx, v0, v1)
    for i, (k, v0, v1) in enumerate(disclosure_pieces(ctx, chunk_rows)):
        yield (
            "disclosures",
            counts["disclosures"],
            {"disclosures": disclosure_rows(rng(41, i), ctx, k, v0, v1)},
        )
    done = 0
    for i, piece in enumerate(payout_pieces(ctx, chunk_rows)):
        rows = payout_rows(rng(42, i), ctx, *piece, done + 1)
        done += len(rows["id"])
        yield "payouts", counts["payouts"], {"payouts": rows}

    workers = Workers.of(ctx.plan.households)
    for i, days, first in _arrivals(ctx, rng(30, 1), counts["labour"], chunk_rows):
        yield "labour", counts["labour"], {"labour": labour_rows(rng(43, i), ctx, workers, days, first)}
    signed = 0
    total = counts["payments"] + counts["payment_approvals"]
    for i, days, first in _arrivals(ctx, rng(30, 2), counts["payments"], chunk_rows):
        rows, approvals = payment_rows(rng(44, i), ctx, days, first, signed + 1)
        signed += len(approvals["id"])
        yield "payments", total, {"payments": rows, "payment_approvals": approvals}
    counts[ABSORBER] += counts["payment_approvals"] - signed
    counts["payment_approvals"] = signed
    bids, offered = Bids(counts["projects"], counts["project_bids"]), 0
    total = counts["projects"] + counts["project_bids"]
    for i, days, first in _arrivals(ctx, rng(30, 3), counts["projects"], chunk_rows):
        rows, bid_rows = project_rows(rng(45, i), ctx, bids, days, first, offered + 1)
        offered += len(bid_rows["id"])
        yield "projects", total, {"projects": rows, "project_bids": bid_rows}
    for i, days, first in _arrivals(ctx, rng(30, 4), counts[ABSORBER], chunk_rows):
        yield "seal_uses", counts[ABSORBER], {"seal_uses": seal_rows(rng(46, i), ctx, days, first)}
    for i, days, first in _arrivals(ctx, rng(30, 5), counts["public_queries"], chunk_rows):
        rows = query_rows(rng(47, i), ctx, days, first)
        yield "public_queries", counts["public_queries"], {"public_queries": rows}


def _arrivals(ctx: Context, rng: np.random.Generator, total: int, chunk_rows: int):
    """``total`` arrivals over the history's working days (office-day weights,
    the last day cut at now) in runs of days of about ``chunk_rows``: per
    run, its number, its days and its first id."""
    history = ctx.history
    weights = history.weights(True, OFFICE_SPAN) * ctx.work.is_working(local_day(history.day_starts))
    done = 0
    for i, days in enumerate(history.chunks(history.allot(rng, total, weights), chunk_rows)):
        yield i, days, done + 1
        done += sum(d.count for d in days)


def load_records(
    loader: Loader, watch: Stopwatch, progress: Progress, chunks: Iterator[Chunk]
) -> dict[str, int]:
    """Load ``chunks`` (from record_chunks), one transaction each, while a
    second thread draws and encodes the next; a progress line per part.
    Returns the rows loaded per table."""

    def encoded():
        items = iter(chunks)
        while True:
            with watch.time("draw records"):
                item = next(items, None)
            if item is None:
                return
            part, total, tables = item
            with watch.time("encode records"):
                payloads = [
                    (TABLES[name], loader.encode(TABLES[name], rows))
                    for name, rows in tables.items()
                    if len(rows["id"])
                ]
            yield part, total, payloads, {name: len(rows["id"]) for name, rows in tables.items()}

    counts = {table.name: 0 for table in RECORD_TABLES}
    meters: dict[str, Meter] = {}
    for part, total, payloads, rows in ahead(encoded()):
        meter = meters.setdefault(part, Meter(progress, part, total))
        for table, payload in payloads:
            with watch.time(table.name):
                loader.send(table, payload)
        loader.commit()
        for name, count in rows.items():
            counts[name] += count
        meter.update(meter.done + sum(rows.values()))
    return counts
