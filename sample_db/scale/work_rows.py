"""Labour, seal uses and public queries for the scale store, a run of days at
a time, drawn clean as sample_db.ledger draws them (labour, seal_use, query):

- Labour: filed in office hours of a working day, the work starting at 08:00
  1-3 working days later (never before filing: LAB-01), 1-4 days to 17:00,
  declared 2-48 hours after both the end and 4 hours past filing (LAB-02),
  moved into office hours; 150-280 yuan a day (LAB-04: 300 a day). The worker
  is one of the village's residents (never a cadre: LAB-03), a newcomer when
  that resident's work so far (the chunks before included) is not over when
  this one starts (LAB-05). Work not ended, or not declared, by now has no
  ``work_end``, or no ``declared_at`` and ``amount_paid``.
- Seal uses: approved at 08:30-15:30 of a working day and used after it the
  same day by 17:30 (SEAL-01, SEAL-02, SEAL-03); one that would be used after
  now is moved to the working day before now's day.
- Public queries: asked in office hours, answered 2-72 hours later moved into
  office hours (within QRY-01's 5 working days), about one of the items the
  village published in the latest period due before the question (none when
  there is none).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sample_db.ledger import QUESTIONS, SEAL_MATTERS
from sample_db.people import ROLES
from sample_db.scale.clock import DAY, HOUR, LOCAL_OFFSET, NULL_TIME, Day
from sample_db.scale.loaders import Columns
from sample_db.scale.people import CADRE, RESIDENT
from sample_db.scale.record_plan import Context
from sample_db.scale.record_values import external_ids, latest, past, pick
from sample_db.scale.schedule_rows import disclosure_item
from sample_db.scale.workdays import at_hour, later_office, local_day, office_key, office_time

DAYS_WORKED = np.array([1, 1, 2, 2, 3, 4])
DAY_RATES = np.arange(150, 290, 10)
DEFAULT_ITEM = "财务收支明细"
GROUP_SPAN = 2**34  # wider than any span of epoch seconds here


def day_numbers(days: list[Day]) -> np.ndarray:
    """Each row's local day number, for runs of days with their counts."""
    starts = np.array([d.start for d in days], dtype=np.int64)
    return np.repeat((starts + LOCAL_OFFSET) // DAY, [d.count for d in days])


@dataclass
class Workers:
    """Who is busy until when, across chunks: per resident (the village's
    first slot is ``offset``), the latest end of the work given them; per
    village, the newcomers taken on so far."""

    offset: np.ndarray
    busy_until: np.ndarray
    newcomers: np.ndarray

    @classmethod
    def of(cls, households: np.ndarray) -> Workers:
        offset = np.r_[0, np.cumsum(households)[:-1]].astype(np.int64)
        return cls(offset, np.full(int(households.sum()), NULL_TIME), np.zeros(len(households), np.int64))

    def assign(self, households, village, wanted, start, end) -> np.ndarray:
        """The resident ``wanted`` of each row, or a newcomer (index from
        ``households``) where that resident's work overlaps this one: any
        earlier row's (this chunk's, in order of start) or chunk's."""
        key = self.offset[village] + wanted
        order = np.lexsort((start, key))
        k, s, e = key[order], start[order], end[order]
        first = np.r_[True, k[1:] != k[:-1]] if len(k) else np.zeros(0, dtype=bool)
        group = np.cumsum(first) - 1
        running = np.maximum.accumulate(e + group * GROUP_SPAN) - group * GROUP_SPAN
        before = np.where(first, NULL_TIME, np.r_[NULL_TIME, running[:-1]])
        clash = np.zeros(len(key), dtype=bool)
        clash[order] = s < np.maximum(before, self.busy_until[k])
        np.maximum.at(self.busy_until, k, e)
        who = wanted.copy()
        if clash.any():
            rows = np.flatnonzero(clash)
            by_village = rows[np.argsort(village[rows], kind="stable")]
            v = village[by_village]
            starts = np.r_[True, v[1:] != v[:-1]]
            nth = np.arange(len(v)) - np.maximum.accumulate(np.where(starts, np.arange(len(v)), 0))
            who[by_village] = households[v] + self.newcomers[v] + nth
            np.add.at(self.newcomers, v, 1)
        return who


def labour_rows(rng: np.random.Generator, ctx: Context, workers: Workers, days: list[Day], first_id: int):
    day = day_numbers(days)
    n, now, work = len(day), ctx.now, ctx.work
    village = rng.integers(0, len(ctx.villages), n)
    filed = office_key(rng, work, day, now)
    order = np.argsort(filed, kind="stable")
    village, filed = village[order], filed[order]
    start_day = work.next(local_day(filed) + rng.integers(1, 4, n))
    start = at_hour(start_day, 8)
    worked = DAYS_WORKED[rng.integers(0, len(DAYS_WORKED), n)]
    end = at_hour(start_day + worked - 1, 17)
    declared = later_office(rng, work, np.maximum(end, filed + 4 * HOUR), 2, 48)
    amount = (worked * DAY_RATES[rng.integers(0, len(DAY_RATES), n)]).astype(float)
    households = ctx.plan.households
    who = workers.assign(households, village, rng.integers(0, households[village]), start, end)
    ended, done = past(end, now), past(declared, now)
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    return {
        "id": ids,
        "external_id": external_ids("labour", ids),
        "village_code": ctx.villages[village],
        "worker": ctx.people.names(RESIDENT, village, who),
        "worker_id_number": ctx.people.id_numbers(RESIDENT, village, who),
        "is_cadre": np.zeros(n, dtype=bool),
        "filed_at": filed,
        "work_start": start,
        "work_end": ended,
        "declared_at": done,
        "amount_paid": np.where(done != NULL_TIME, amount, np.nan),
        "updated_at": latest(filed, ended, done),
    }


def seal_rows(rng: np.random.Generator, ctx: Context, days: list[Day], first_id: int) -> Columns:
    day = day_numbers(days)
    n, now = len(day), ctx.now
    approved, used = _seal_times(rng, day)
    late = used > now
    if late.any():
        before = ctx.work.prev(np.full(int(late.sum()), local_day(np.int64(now)) - 1))
        approved[late], used[late] = _seal_times(rng, before)
    order = np.argsort(used, kind="stable")
    approved, used = approved[order], used[order]
    village = rng.integers(0, len(ctx.villages), n)
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    return {
        "id": ids,
        "external_id": external_ids("seal_uses", ids),
        "village_code": ctx.villages[village],
        "matter": pick(rng, SEAL_MATTERS, n),
        "applicant": ctx.people.names(CADRE, village, rng.integers(0, len(ROLES), n)),
        "approved_at": approved,
        "used_at": used,
        "updated_at": used,
    }


def _seal_times(rng: np.random.Generator, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Approved at 08:30-15:30, used from 6 minutes after that to 17:30."""
    approved = office_time(rng, day, 8.5, 15.5)
    earliest = approved + 360
    used = earliest + (rng.random(len(day)) * (at_hour(day, 17.5) - earliest)).astype(np.int64)
    return approved, used


def query_rows(rng: np.random.Generator, ctx: Context, days: list[Day], first_id: int) -> Columns:
    day = day_numbers(days)
    n, now = len(day), ctx.now
    asked = np.sort(office_key(rng, ctx.work, day, now))
    answered = past(later_office(rng, ctx.work, asked, 2, 72), now)
    village = rng.integers(0, len(ctx.villages), n)
    disclosure = np.full(n, np.nan)
    item = np.full(n, DEFAULT_ITEM, dtype=object)
    todo = np.ones(n, dtype=bool)
    for k in range(len(ctx.plan.periods) - 1, -1, -1):
        period = ctx.plan.periods[k]
        counts = period.villages.counts[village]
        found = todo & (period.due < asked) & (counts > 0)
        if found.any():
            nth = rng.integers(0, np.maximum(counts[found], 1))
            disclosure[found], item[found] = disclosure_item(ctx, k, village[found], nth)
            todo &= ~found
    templates = pick(rng, QUESTIONS, n)
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    return {
        "id": ids,
        "external_id": external_ids("public_queries", ids),
        "village_code": ctx.villages[village],
        "disclosure_id": disclosure,
        "question": np.array(
            [t.format(item=f"「{i}」") for t, i in zip(templates, item, strict=True)], dtype=object
        ),
        "asked_at": asked,
        "answered_at": answered,
        "updated_at": latest(asked, answered),
    }
