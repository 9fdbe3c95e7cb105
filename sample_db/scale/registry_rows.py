"""The reference registries of the scale store, a run of villages at a time:
cadres and their close relatives, land contracts, public servants and
registered deaths (sample_db.ledger.write_registries, write_death).

They are per village, not per day: the cadres, relatives, contracts and
servants as registered when the history starts (``updated_at`` its start),
each village its share of the counts (record_plan.Spread), the deaths in
the history at office-hour times, registered 1-12 days after (not after
now). The cadres hold sample_db.people.ROLES in turn, each with different
relations (RELATIONS) among their relatives. Everyone's name and number come
from sample_db.scale.people, each registry its own kind of person.
"""

from __future__ import annotations

import numpy as np

from sample_db.people import RELATIONS, ROLES
from sample_db.scale.clock import DAY, times_of_day
from sample_db.scale.loaders import Columns
from sample_db.scale.people import CADRE, DEAD, RELATIVE, RESIDENT, SERVANT, employers, mix
from sample_db.scale.record_plan import Context
from sample_db.scale.record_values import external_ids, runs
from sample_db.timing import OFFICE_HOURS

AREA_HUNDREDTHS = (60, 350)  # a contract's mu, 0.60-3.50 (sample_db.people.Registry.folk)


def village_rows(ctx: Context) -> np.ndarray:
    """Registry rows per village, to cut the villages into chunks."""
    plan = ctx.plan
    relatives = np.diff(plan.relatives.first[plan.cadres.first])
    contracts = np.diff(plan.contracts.first[plan.holders.first])
    return plan.cadres.counts + relatives + contracts + plan.servants.counts + plan.deaths.counts


def registry_chunks(ctx: Context, chunk_rows: int):
    """(villages from, to) of each chunk."""
    return runs(village_rows(ctx), chunk_rows)


def registry_chunk(rng: np.random.Generator, ctx: Context, v0: int, v1: int) -> dict[str, Columns]:
    """The registries of villages [v0, v1)."""
    plan, people, start = ctx.plan, ctx.people, ctx.history.start
    out: dict[str, Columns] = {}

    cadre = np.arange(plan.cadres.first[v0], plan.cadres.first[v1])
    village = plan.cadres.owner(cadre)
    local = cadre - plan.cadres.first[village]
    out["cadres"] = _person_rows("cadres", cadre, ctx, village, start) | {
        "name": people.names(CADRE, village, local),
        "id_number": people.id_numbers(CADRE, village, local),
        "role": np.array(ROLES, dtype=object)[local % len(ROLES)],
    }

    c0, c1 = plan.cadres.first[v0], plan.cadres.first[v1]
    relative = np.arange(plan.relatives.first[c0], plan.relatives.first[c1])
    of = plan.relatives.owner(relative)
    village = plan.cadres.owner(of)
    local = relative - plan.relatives.first[plan.cadres.first[village]]
    nth = relative - plan.relatives.first[of]
    turn = (mix(of, ctx.seed) % len(RELATIONS)).astype(np.int64)
    out["cadre_relatives"] = _person_rows("cadre_relatives", relative, ctx, village, start) | {
        "cadre_id": of + 1,
        "name": people.names(RELATIVE, village, local),
        "id_number": people.id_numbers(RELATIVE, village, local),
        "relation": np.array(RELATIONS, dtype=object)[(turn + nth) % len(RELATIONS)],
    }

    h0, h1 = plan.holders.first[v0], plan.holders.first[v1]
    contract = np.arange(plan.contracts.first[h0], plan.contracts.first[h1])
    holder = plan.contracts.owner(contract)
    village = plan.holders.owner(holder)
    local = holder - plan.holders.first[village]  # holder j of a village is its resident j
    out["land_contracts"] = _person_rows("land_contracts", contract, ctx, village, start) | {
        "household": people.names(RESIDENT, village, local),
        "id_number": people.id_numbers(RESIDENT, village, local),
        "area": contract_hundredths(contract, ctx.seed) / 100,
    }

    servant = np.arange(plan.servants.first[v0], plan.servants.first[v1])
    village = plan.servants.owner(servant)
    local = servant - plan.servants.first[village]
    out["public_servants"] = _person_rows("public_servants", servant, ctx, village, start) | {
        "name": people.names(SERVANT, village, local),
        "id_number": people.id_numbers(SERVANT, village, local),
        "employer": employers(servant, ctx.seed),
    }

    death = np.arange(plan.deaths.first[v0], plan.deaths.first[v1])
    village = plan.deaths.owner(death)
    local = death - plan.deaths.first[village]
    died = _died(rng, ctx, len(death))
    registered = np.minimum(ctx.now, died + (rng.uniform(1, 12, len(death)) * DAY).astype(np.int64))
    out["deaths"] = _person_rows("deaths", death, ctx, village, registered) | {
        "name": people.names(DEAD, village, local),
        "id_number": people.id_numbers(DEAD, village, local),
        "died_at": died,
    }
    return out


def contract_hundredths(contract: np.ndarray, seed: int) -> np.ndarray:
    """A contract's area in hundredths of a mu, the same every time."""
    low, high = AREA_HUNDREDTHS
    return low + (mix(contract + (1 << 40), seed) % (high - low + 1)).astype(np.int64)


def holder_hundredths(ctx: Context, holder: np.ndarray) -> np.ndarray:
    """Each land holder's contracted area (the sum of their contracts), in
    hundredths of a mu."""
    first, counts = ctx.plan.contracts.first[holder], ctx.plan.contracts.counts[holder]
    total = np.zeros(len(holder), dtype=np.int64)
    for j in range(int(counts.max(initial=0))):
        has = counts > j
        total[has] += contract_hundredths(first[has] + j, ctx.seed)
    return total


def _person_rows(table: str, index: np.ndarray, ctx: Context, village: np.ndarray, updated) -> Columns:
    ids = index + 1
    return {
        "id": ids,
        "external_id": external_ids(table, ids),
        "village_code": ctx.villages[village],
        "updated_at": np.broadcast_to(np.asarray(updated, dtype=np.int64), ids.shape).copy(),
    }


def _died(rng: np.random.Generator, ctx: Context, n: int) -> np.ndarray:
    """Times over the history by its office-day weights and OFFICE_HOURS
    (sample_db.timing.Clock.draw), none after now."""
    hours = np.array(OFFICE_HOURS)
    weights = ctx.history.weights(True, hours)
    days = rng.choice(len(weights), n, p=weights / weights.sum())
    return times_of_day(rng, ctx.history.day_starts[days], hours, ctx.now)
