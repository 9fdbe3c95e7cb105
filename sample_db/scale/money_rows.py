"""Payments with their approvals, and projects with their bids, for the
scale store, a run of days at a time, drawn clean as sample_db.ledger draws
them (payment, project):

- Payments: applied for in office hours of a working day by the village's
  bookkeeper; 8% land compensation to one of the village's land holders
  (FUN-03), 35% of the rest to a resident, the others to one of the
  village's firms (no identity number); lognormal amounts around 2,500 yuan
  clear of [27,000, 30,000) (FUN-06); signed by the whole chain in order
  (报账员, 书记, 监委会主任, 村委会成员: FUN-01, FUN-02), each 0.5-30 hours
  after the last and moved into office hours, then paid 2-72 hours after
  approval (FUN-05). Signatures and the payment after now are not there
  yet; ``updated_at`` is the last thing that happened.
- Projects: announced in office hours, three works to two purchases,
  lognormal amounts around 14,000 yuan clear of the limit (PRJ-01), the
  cadres' no-stake pledge signed (PRJ-02), 2-4 different firms bidding (the
  counts share the bids out exactly; PRJ-04), the winner at the amount and
  each other bid 1-4% above the one before (PRJ-05), no bidder a cadre's
  relative (firms have no identity number: PRJ-03), awarded 0.6-6 days
  after the minimum announcement (PRJ-06); the bids come in before the
  award and before now.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cockpit.store.records import APPROVAL_ROLES
from sample_db.ledger import (
    CHAIN,
    LAND_PURPOSES,
    MIN_DAYS,
    PAYMENT_PURPOSES,
    PURCHASES,
    RESIDENT_PURPOSES,
    WORKS,
)
from sample_db.names import GROUP_NUMERALS
from sample_db.scale.clock import DAY, LOCAL_OFFSET, NULL_TIME, Day
from sample_db.scale.people import BOOKKEEPER, CADRE, FIRMS_PER_VILLAGE, RESIDENT, SIGNER
from sample_db.scale.record_plan import Context
from sample_db.scale.record_values import clean_amounts, external_ids, latest, past, pick
from sample_db.scale.work_rows import day_numbers
from sample_db.scale.workdays import later_office, office_key

LAND_SHARE, RESIDENT_SHARE = 0.08, 0.35
MAX_BIDS = 4
assert set(CHAIN) == set(APPROVAL_ROLES) == set(SIGNER)


def payment_rows(rng: np.random.Generator, ctx: Context, days: list[Day], first_id: int, first_approval: int):
    """(payments, payment_approvals) of the days."""
    day = day_numbers(days)
    n, now, people = len(day), ctx.now, ctx.people
    applied = np.sort(office_key(rng, ctx.work, day, now))
    village = rng.integers(0, len(ctx.villages), n)
    holders = ctx.plan.holders.counts[village]
    land = (rng.random(n) < LAND_SHARE) & (holders > 0)
    resident = ~land & (rng.random(n) < RESIDENT_SHARE)
    person = land | resident
    who = np.where(
        land, rng.integers(0, np.maximum(holders, 1)), rng.integers(0, ctx.plan.households[village])
    )
    payee = ctx.firms.name(village, rng.integers(0, FIRMS_PER_VILLAGE, n)).astype(object)
    number = np.full(n, None, dtype=object)
    payee[person] = people.names(RESIDENT, village[person], who[person])
    number[person] = people.id_numbers(RESIDENT, village[person], who[person])
    purpose = np.where(land, pick(rng, LAND_PURPOSES, n), pick(rng, PAYMENT_PURPOSES, n))
    purpose = np.where(resident, pick(rng, RESIDENT_PURPOSES, n), purpose)
    signed = [applied]
    for _ in CHAIN:
        signed.append(later_office(rng, ctx.work, signed[-1], 0.5, 30))
    paid = later_office(rng, ctx.work, signed[-1], 2, 72)
    signatures = np.stack(signed[1:], axis=1)
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    payments = {
        "id": ids,
        "external_id": external_ids("payments", ids),
        "village_code": ctx.villages[village],
        "applicant": people.names(CADRE, village, np.full(n, BOOKKEEPER)),
        "payee": payee,
        "payee_id_number": number,
        "amount": clean_amounts(rng, n, 2500, 1.0, 100, 80000),
        "purpose": purpose,
        "land_linked": land,
        "applied_at": applied,
        "approved_at": past(signed[-1], now),
        "paid_at": past(paid, now),
        "updated_at": latest(applied, *(past(s, now) for s in signed[1:]), past(paid, now)),
    }
    names = np.stack([people.names(CADRE, village, np.full(n, SIGNER[role])) for role in CHAIN], axis=1)
    done = signatures <= now
    m = int(done.sum())
    approvals = {
        "id": np.arange(first_approval, first_approval + m, dtype=np.int64),
        "payment_id": np.repeat(ids, done.sum(axis=1)),
        "role": np.broadcast_to(np.array(CHAIN, dtype=object), (n, len(CHAIN)))[done],
        "approver": names[done],
        "approved_at": signatures[done],
    }
    return payments, approvals


@dataclass(frozen=True)
class Bids:
    """How many bids the projects get in all: two each and the rest
    (at most two more each) shared out evenly by project number."""

    projects: int
    bids: int

    def extra(self, first: int, n: int) -> int:
        """Bids beyond two each for projects [first, first + n) (as
        record_plan.Spread shares them, at most two a project)."""
        extra, total = self.bids - 2 * self.projects, max(self.projects, 1)
        return -((-(first + n) * extra) // total) + ((-first * extra) // total)


def project_rows(
    rng: np.random.Generator, ctx: Context, bids: Bids, days: list[Day], first_id: int, first_bid: int
):
    """(projects, project_bids) of the days."""
    day = day_numbers(days)
    n, now = len(day), ctx.now
    announced = np.sort(office_key(rng, ctx.work, day, now))
    village = rng.integers(0, len(ctx.villages), n)
    works = rng.random(n) < 0.6
    amount = clean_amounts(rng, n, 14000, 0.8, 2000, 300000)
    period = np.where(works, MIN_DAYS["works"], MIN_DAYS["procurement"]) + rng.uniform(0.6, 6, n)
    awarded = announced + (period * DAY).astype(np.int64)
    extra = np.bincount(rng.choice(2 * n, bids.extra(first_id - 1, n), replace=False) // 2, minlength=n)
    count = 2 + extra
    firm = (rng.integers(0, FIRMS_PER_VILLAGE, n)[:, None] + np.arange(MAX_BIDS)) % FIRMS_PER_VILLAGE
    bidder = np.stack([ctx.firms.name(village, firm[:, j]) for j in range(MAX_BIDS)], axis=1)
    steps = np.maximum(1, np.floor(amount[:, None] * rng.uniform(0.01, 0.04, (n, MAX_BIDS - 1))))
    offer = np.c_[amount, amount[:, None] + np.cumsum(steps, axis=1)]
    low = announced + int(0.2 * DAY)
    high = np.minimum(announced + (np.maximum(0.3, period - 0.3) * DAY).astype(np.int64), now)
    low, high = np.where(low > high, announced, low), np.where(low > high, now, high)
    bid_at = low[:, None] + (rng.random((n, MAX_BIDS)) * (high - low)[:, None]).astype(np.int64)
    has = np.arange(MAX_BIDS) < count[:, None]
    done = past(awarded, now)
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    projects = {
        "id": ids,
        "external_id": external_ids("projects", ids),
        "village_code": ctx.villages[village],
        "name": _names(rng, works, announced),
        "kind": np.where(works, "works", "procurement").astype(object),
        "amount": amount,
        "winner": np.where(done != NULL_TIME, bidder[:, 0], None),
        "announced_at": announced,
        "awarded_at": done,
        "no_stake_pledge": np.ones(n, dtype=bool),
        "updated_at": latest(
            announced, done, np.where(has, bid_at, NULL_TIME).max(axis=1, initial=NULL_TIME)
        ),
    }
    m = int(has.sum())
    project_bids = {
        "id": np.arange(first_bid, first_bid + m, dtype=np.int64),
        "project_id": np.repeat(ids, count),
        "bidder": bidder[has],
        "bidder_id_number": np.full(m, None, dtype=object),
        "amount": offer[has],
        "bid_at": bid_at[has],
    }
    return projects, project_bids


def _names(rng: np.random.Generator, works: np.ndarray, announced: np.ndarray) -> np.ndarray:
    """七组村道硬化（2026年07月）, 办公设备采购（2026年03月）."""
    n = len(works)
    place = np.array([g + "组" for g in GROUP_NUMERALS[:8]], dtype=object)[rng.integers(0, 8, n)]
    what = np.where(works, place + pick(rng, WORKS, n), pick(rng, PURCHASES, n))
    month = np.datetime_as_string((announced + LOCAL_OFFSET).astype("datetime64[s]").astype("datetime64[M]"))
    label = np.strings.add(np.strings.replace(month, "-", "年"), "月）") if n else month
    return np.strings.add(np.strings.add(what.astype(str), "（"), label).astype(object) if n else what
