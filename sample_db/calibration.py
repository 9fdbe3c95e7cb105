"""Measure a store against the calibration figures in docs/domain.md.

Plain Python over the rows (a sample store is small), independent of the
cockpit's queries on purpose: the tests use it to check the generator, and
``python -m sample_db --measure`` prints it for docs/sample.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from statistics import median, quantiles

from sqlalchemy import Connection, select

from cockpit.lifecycle import PETITION
from cockpit.store.schema import petition_events, petitions, regions, warnings

YEAR = timedelta(days=365)
SLA = timedelta(days=5)


def measure(conn: Connection, now: datetime) -> dict:
    """Figures over the year before ``now`` (rates, 5-day shares) and at
    ``now`` (open petitions, warning queues)."""
    since = now - YEAR
    town_of = dict(
        conn.execute(select(regions.c.code, regions.c.parent_code).where(regions.c.level == "village")).all()
    )
    town_names = dict(
        conn.execute(select(regions.c.code, regions.c.name).where(regions.c.level == "town")).all()
    )
    p = conn.execute(
        select(
            petitions.c.village_code,
            petitions.c.received_at,
            petitions.c.closed_at,
            petitions.c.status,
            petitions.c.due_at,
            petitions.c.complexity,
            petitions.c.handling_level,
            petitions.c.satisfaction,
            petitions.c.channel,
            petitions.c.real_name,
            petitions.c.category,
        )
    ).all()
    w = conn.execute(
        select(warnings.c.village_code, warnings.c.raised_at, warnings.c.status, warnings.c.due_at)
    ).all()
    escalations = Counter(
        conn.execute(select(petition_events.c.level).where(petition_events.c.kind == "escalated")).scalars()
    )
    reopened = conn.execute(
        select(petition_events.c.petition_id).where(petition_events.c.kind == "reopened").distinct()
    ).all()

    year_p = [r for r in p if r.received_at >= since]
    year_w = [r for r in w if r.raised_at >= since]
    villages = len(town_of)
    per_village_p = Counter(r.village_code for r in year_p)
    per_village_w = Counter(r.village_code for r in year_w)
    by_town: dict[str, list] = defaultdict(list)
    for r in year_p:
        by_town[town_of[r.village_code]].append(r)
    town_shares = {town_names[t]: _share_5d(rows, now) for t, rows in by_town.items()}
    closed = [r for r in year_p if r.closed_at is not None]
    open_now = [r for r in p if r.status in PETITION.open_codes]
    red = [r for r in w if r.status == "new"]
    yellow = [r for r in w if r.status == "pending"]
    return {
        "villages": villages,
        "petitions_per_village_year": _spread([per_village_p.get(v, 0) for v in town_of]),
        "warnings_per_village_year": _spread([per_village_w.get(v, 0) for v in town_of]),
        "share_5d": round(_share_5d(year_p, now), 4),
        "share_5d_of_closed": round(sum(r.closed_at - r.received_at <= SLA for r in closed) / len(closed), 4),
        "share_5d_by_town": dict(sorted(town_shares.items(), key=lambda kv: -kv[1])),
        "best_town": max(town_shares.items(), key=lambda kv: kv[1]),
        "worst_town": min(town_shares.items(), key=lambda kv: kv[1]),
        "complex_share": round(sum(r.complexity == "complex" for r in year_p) / len(year_p), 4),
        "open_petitions": len(open_now),
        "open_overdue_petitions": sum(r.due_at < now for r in open_now),
        "escalations_by_level": dict(escalations),
        "final_level_share": _shares(Counter(r.handling_level for r in closed)),
        "satisfaction_given": round(sum(r.satisfaction is not None for r in closed) / len(closed), 4),
        "satisfaction": dict(sorted(Counter(r.satisfaction for r in closed if r.satisfaction).items())),
        "reopened_petitions": len(reopened),
        "real_name_share": round(sum(bool(r.real_name) for r in year_p) / len(year_p), 4),
        "channels": _shares(Counter(r.channel for r in year_p)),
        "top_categories": Counter(r.category for r in year_p).most_common(10),
        "warnings_last_year": len(year_w),
        "red": len(red),
        "yellow": len(yellow),
        "red_share": round(len(red) / len(year_w), 4),
        "yellow_share": round(len(yellow) / len(year_w), 4),
        "red_median_age_days": round(median([(now - r.raised_at) / timedelta(days=1) for r in red]), 1)
        if red
        else None,
        "yellow_overdue": sum(r.due_at < now for r in yellow),
        "open_warnings_older_than_60_days": sum(now - r.raised_at > timedelta(days=60) for r in red + yellow),
    }


def _share_5d(rows: list, now: datetime) -> float:
    """Closed within 5 days over received, leaving out petitions still open
    and younger than 5 days (their outcome is not known yet), as
    queries.petitions.share_closed_within_5_days does."""
    within = sum(r.closed_at is not None and r.closed_at - r.received_at <= SLA for r in rows)
    in_progress = sum(r.closed_at is None and now - r.received_at < SLA for r in rows)
    known = len(rows) - in_progress
    return round(within / known, 4) if known else float("nan")


def _spread(values: list[int]) -> dict:
    deciles = quantiles(values, n=10)
    return {
        "mean": round(sum(values) / len(values), 1),
        "p10": deciles[0],
        "median": median(values),
        "p90": deciles[-1],
        "min": min(values),
        "max": max(values),
    }


def _shares(counts: Counter) -> dict:
    total = sum(counts.values())
    return {k: round(v / total, 4) for k, v in counts.most_common()}
