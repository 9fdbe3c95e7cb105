"""The scale store's records on a schedule, a period or a due date at a time:
disclosures and benefit payouts (sample_db.ledger.disclosures_for,
payouts_for), drawn clean.

- Disclosures: each village's share of the period's items (DISCLOSURE_ITEMS:
  party items half-yearly, village and finance items quarterly, due on the
  10th of the month after the period at 17:30), each published 2-9 days
  before its due time and moved into office hours, never after it (DIS-01);
  one not yet published by now (due within 60 days) has no ``published_at``
  and ``updated_at`` when the period opened.
- Payouts: every recipient of a programme (PROGRAMMES) on each due date
  from when they joined, listed 5 days before it is due and paid 1-60 hours
  after (SUB-04's grace is 3 days); due dates moved back to working days at
  09:00, never two within 25 days (SUB-05); the same amount each time (the
  land subsidy: the holder's contracted area, never more (SUB-03), at 112.50
  yuan a mu). Recipients are residents (低保, 残疾人补贴: different people),
  the elderly, or land holders; never the dead or public servants (SUB-01,
  SUB-02), who are other kinds of people.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from sample_db.ledger import SUBSIDY_PER_MU
from sample_db.scale.clock import DAY, HOUR
from sample_db.scale.loaders import Columns
from sample_db.scale.people import ELDERLY, RESIDENT, uniform
from sample_db.scale.record_plan import LAND, LISTED_BEFORE, Context, Period, Programme
from sample_db.scale.record_values import external_ids, latest, past, runs
from sample_db.scale.registry_rows import holder_hundredths
from sample_db.scale.workdays import later_office

LISTED = int(LISTED_BEFORE.total_seconds())
PAID_WITHIN = (1, 60)  # hours after the due time (sample_db.ledger.on_time)


# ---- disclosures -------------------------------------------------------------------


def disclosure_pieces(ctx: Context, chunk_rows: int) -> Iterator[tuple[int, int, int]]:
    """(period, villages from, to): every period's villages, about
    ``chunk_rows`` rows a piece, in id order."""
    for k, period in enumerate(ctx.plan.periods):
        for v0, v1 in runs(period.villages.counts, chunk_rows):
            yield k, v0, v1


def disclosure_rows(rng: np.random.Generator, ctx: Context, k: int, v0: int, v1: int) -> Columns:
    period: Period = ctx.plan.periods[k]
    spread = period.villages
    slot = np.arange(spread.first[v0], spread.first[v1])
    village = spread.owner(slot)
    item = (period.rotation[village] + slot - spread.first[village]) % len(period.items)
    categories = np.array([c for c, _ in period.items], dtype=object)
    names = np.array([name for _, name in period.items], dtype=object)
    due = np.full(len(slot), period.due, dtype=np.int64)
    early = due - (rng.uniform(2, 9, len(slot)) * DAY).astype(np.int64)
    published = past(np.minimum(due, later_office(rng, ctx.work, early, 0, 1)), ctx.now)
    ids = period.first_id + slot
    return {
        "id": ids,
        "external_id": external_ids("disclosures", ids),
        "village_code": ctx.villages[village],
        "category": categories[item],
        "item": names[item],
        "period": np.full(len(slot), period.label, dtype=object),
        "due_at": due,
        "published_at": published,
        "updated_at": latest(published, np.full(len(slot), min(period.opened, ctx.now))),
    }


def disclosure_item(
    ctx: Context, k: int, village: np.ndarray, nth: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(id, item name) of the ``nth`` item village ``village`` discloses in period ``k``."""
    period = ctx.plan.periods[k]
    slot = period.villages.first[village] + nth
    names = np.array([name for _, name in period.items], dtype=object)
    return period.first_id + slot, names[(period.rotation[village] + nth) % len(period.items)]


# ---- payouts -----------------------------------------------------------------------


def payout_pieces(ctx: Context, chunk_rows: int) -> Iterator[tuple[int, int, int, int]]:
    """(programme, due, recipients from, to), in order of due time: every
    recipient listed by then, about ``chunk_rows`` rows a piece."""
    dues = sorted(
        (int(due), p, t)
        for p, programme in enumerate(ctx.plan.programmes)
        for t, due in enumerate(programme.dues)
    )
    for _, p, t in dues:
        joined = ctx.plan.programmes[p].skip.counts <= t
        for i0, i1 in runs(joined.astype(np.int64), chunk_rows):
            yield p, t, i0, i1


def payout_rows(
    rng: np.random.Generator, ctx: Context, p: int, t: int, i0: int, i1: int, first_id: int
) -> Columns:
    programme: Programme = ctx.plan.programmes[p]
    recipient = np.arange(i0, i1)
    recipient = recipient[programme.skip.counts[recipient] <= t]
    n = len(recipient)
    village, name, number, amount, area = _recipients(ctx, p, recipient)
    due = np.full(n, programme.dues[t], dtype=np.int64)
    paid = past(due + (rng.uniform(*PAID_WITHIN, n) * HOUR).astype(np.int64), ctx.now)
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    return {
        "id": ids,
        "external_id": external_ids("payouts", ids),
        "village_code": ctx.villages[village],
        "programme": np.full(n, programme.name, dtype=object),
        "recipient": name,
        "id_number": number,
        "amount": amount,
        "declared_area": area,
        "due_at": due,
        "paid_at": paid,
        "updated_at": latest(paid, due - LISTED),
    }


def _recipients(ctx: Context, p: int, recipient: np.ndarray):
    """(village, name, id number, amount, declared area or NaN) of recipients."""
    plan, people = ctx.plan, ctx.people
    programme = plan.programmes[p]
    if programme.name == LAND:
        holder = (recipient * _coprime(plan.holders.total)) % max(plan.holders.total, 1)
        village = plan.holders.owner(holder)
        local = holder - plan.holders.first[village]
        hundredths = holder_hundredths(ctx, holder)
        amount = np.round(hundredths * float(SUBSIDY_PER_MU)) / 100
        kind, area = RESIDENT, hundredths / 100
    else:
        village = programme.villages.owner(recipient)
        local = recipient - programme.villages.first[village]
        if programme.name == "残疾人补贴":  # after the village's 低保 recipients
            poor = next(q for q in plan.programmes if q.name == "低保金")
            local = local + poor.villages.counts[village]
        low, high = programme.amounts
        drawn = uniform(recipient * 8 + p, ctx.seed, low, high + 1e-9)
        amount = np.round(drawn / 10) * 10  # sample_db.ledger._yuan
        kind, area = (ELDERLY if programme.name == "高龄补贴" else RESIDENT), np.full(len(recipient), np.nan)
    return village, people.names(kind, village, local), people.id_numbers(kind, village, local), amount, area


def _coprime(n: int) -> int:
    """A multiplier that visits every holder once (recipient i -> holder
    i * m mod n), spreading the subsidy's recipients over the villages."""
    m = max(1, int(n * 0.6180339887))
    while math.gcd(m, n) != 1:
        m += 1
    return m
