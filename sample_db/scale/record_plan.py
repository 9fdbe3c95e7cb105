"""How many business records of each kind the scale store gets, and who they
belong to: the split of ``--records`` over the tables in the sample city's
proportions, and the registries, payout lists and disclosure periods per
village, drawn once before any row is (pure arithmetic on arrays of a few
numbers per village, cadre or land holder).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from sample_db.ledger import DISCLOSURE_ITEMS, PROGRAMMES, at_hour, periods, scheduled_dues
from sample_db.scale.clock import History, epoch
from sample_db.scale.people import ELDERLY, RESIDENT, Firms, Population
from sample_db.scale.workdays import Workdays

# Rows per table in the sample city (python -m sample_db: 538 villages, 13
# months, seed 20260302; 425,597 in all, 791 a village), the proportions the
# records are split in. What
# makes them: sample_db.ledger.RATES (labour 24, payments 40, projects 6, seal
# uses 36, public queries 1.5 a village a year) plus the anomalies'
# records (ANOMALY_RATES); DISCLOSURE_ITEMS (27 items, 92 a year) for the
# periods due up to 60 days after now; PROGRAMMES' payouts to the lists of
# sample_db.people.Registry.folk (3-6 poor, 1-3 disabled, 5-9 elderly, the
# land holders); and per village 6 cadres (people.ROLES) with 2-3 relatives
# each, 2-4 public servants, land contracts of 55-75% of 60-110 households
# (1-2 each), about 4.7 deaths. A payment and its approvals, a project and its
# bids, are split together (below).
SAMPLE_ROWS = {
    "cadres": 3228,
    "cadre_relatives": 8078,
    "land_contracts": 39779,
    "public_servants": 1616,
    "deaths": 2519,
    "disclosures": 64022,
    "payouts": 89545,
    "labour": 21318,
    "payments": 29342 + 111640,  # with payment_approvals
    "projects": 7634 + 21455,  # with project_bids
    "seal_uses": 24550,
    "public_queries": 871,
}
CHAIN_LENGTH = 4  # a clean payment has all four signatures (sample_db.ledger.CHAIN); the sample's 3.8
# a payment comes from its anomalies (FUN-01, FUN-02) and chains still open
BIDS_PER_PROJECT = 21455 / 7634  # 2-4 bidders (sample_db.ledger.project)
# The sample's payouts by programme (its 372 临时救助金 are SUB-02 anomalies only).
PROGRAMME_ROWS = {"低保金": 30746, "残疾人补贴": 14001, "高龄补贴": 14370, "耕地地力保护补贴": 30056}
LAND = "耕地地力保护补贴"
CONTRACTS_PER_HOLDER = 4 / 3  # one or two each, 1:2 (sample_db.people)
HOUSEHOLDS = (60, 110)  # per village (sample_db.build)
FUTURE = timedelta(days=60)  # disclosures are written this far ahead (sample_db.build.FUTURE)
LISTED_BEFORE = timedelta(days=5)  # a payout is listed five days before it is due
ABSORBER = "seal_uses"  # takes what the pairs cannot (see split)


def split(total: int) -> dict[str, int]:
    """``total`` rows over the record tables in SAMPLE_ROWS' proportions
    (largest remainders), the pairs split by their ratio: payments get a
    fifth of theirs and four approvals each, projects 1 / (1 + 2.81) and
    the rest as 2-4 bids each. What a pair cannot take (at most 4 rows) and
    relatives without cadres go to seal uses, whose count also takes up the
    signatures after now that a chain still open does not have."""
    weights = np.array(list(SAMPLE_ROWS.values()), dtype=float)
    counts = dict(zip(SAMPLE_ROWS, largest_remainders(total, weights), strict=True))
    pair = counts.pop("payments")
    counts["payments"] = pair // (1 + CHAIN_LENGTH)
    counts["payment_approvals"] = CHAIN_LENGTH * counts["payments"]
    extra = pair - counts["payments"] - counts["payment_approvals"]
    pair = counts.pop("projects")
    counts["projects"] = int(pair // (1 + BIDS_PER_PROJECT))
    counts["project_bids"] = min(pair - counts["projects"], 4 * counts["projects"])
    extra += pair - counts["projects"] - counts["project_bids"]
    if not counts["cadres"]:
        extra, counts["cadre_relatives"] = extra + counts["cadre_relatives"], 0
    counts[ABSORBER] += extra
    return counts


def largest_remainders(total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` in integers proportional to ``weights``, summing exactly."""
    if not len(weights) or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    left = total - int(counts.sum())
    counts[np.argsort(-(exact - counts), kind="stable")[:left]] += 1
    return counts


class Spread:
    """``total`` items shared out among ``owners`` as evenly as possible,
    the odd ones to the owners first in ``order``, numbered owner by owner."""

    def __init__(self, total: int, owners: int, order: np.ndarray | None = None):
        p = np.arange(owners, dtype=np.int64)
        share = -((-(p + 1) * total) // max(owners, 1)) + ((-p * total) // max(owners, 1))
        self.counts = np.empty(owners, dtype=np.int64)
        self.counts[p if order is None else order] = share
        self.first = np.r_[0, np.cumsum(self.counts)].astype(np.int64)
        self.total = total

    @classmethod
    def at_least_one(cls, total: int, owners: int) -> Spread:
        """One item each, the rest (``total`` - ``owners``) shared out."""
        spread = cls(total - owners, owners)
        spread.counts += 1
        spread.first = np.r_[0, np.cumsum(spread.counts)].astype(np.int64)
        spread.total = total
        return spread

    def owner(self, items: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.first, items, side="right") - 1


@dataclass
class Programme:
    """One benefit programme: its due times, how many payouts, and the
    recipients (each listed from their first due on: recipient i misses the
    first ``skip.counts[i]`` dues, having joined later, so that the count
    lands exactly)."""

    name: str
    dues: np.ndarray  # epoch seconds
    payouts: int
    recipients: int
    skip: Spread  # misses -> recipient
    villages: Spread | None  # recipients -> village; None: the land subsidy's are land holders

    @property
    def amounts(self) -> tuple[int, int] | None:
        return PROGRAMMES[self.name][2]


@dataclass
class Period:
    """One disclosure period of every village: which of its items each
    village publishes (``counts`` of them, from item ``rotation`` on), ids
    from ``first_id`` village by village."""

    cadence: str
    label: str
    opened: int  # epoch seconds: the period's first day (local midnight), at most 800 days before now
    due: int  # epoch seconds: 17:30 local on the due day
    items: list[tuple[str, str]]  # (category, item)
    villages: Spread
    rotation: np.ndarray
    first_id: int


@dataclass
class RecordPlan:
    counts: dict[str, int]
    households: np.ndarray  # residents per village (index 0..), payees and workers among them
    cadres: Spread  # cadres -> village
    relatives: Spread  # relatives -> cadre
    holders: Spread  # land holders -> village (holder j of a village is its resident j)
    contracts: Spread  # land contracts -> holder
    servants: Spread
    deaths: Spread
    programmes: list[Programme]
    periods: list[Period]

    @classmethod
    def draw(cls, rng: np.random.Generator, total: int, villages: int, history: History) -> RecordPlan:
        counts = split(total)
        n = villages
        cadres = Spread(counts["cadres"], n, rng.permutation(n))
        relatives = Spread(counts["cadre_relatives"], counts["cadres"])
        programmes, holders = _programmes(rng, counts, n, history)
        contracts = Spread.at_least_one(counts["land_contracts"], holders.total)
        listed = {p.name: p.villages.counts for p in programmes if p.villages is not None}
        households = np.maximum.reduce(
            [
                rng.integers(HOUSEHOLDS[0], HOUSEHOLDS[1] + 1, n),
                holders.counts,
                listed["低保金"] + listed["残疾人补贴"],
            ]
        )
        return cls(
            counts=counts,
            households=households,
            cadres=cadres,
            relatives=relatives,
            holders=holders,
            contracts=contracts,
            servants=Spread(counts["public_servants"], n, rng.permutation(n)),
            deaths=Spread(counts["deaths"], n, rng.permutation(n)),
            programmes=programmes,
            periods=_periods(rng, counts["disclosures"], n, history),
        )

    def check(self, population: Population) -> None:
        """Refuse sizes that would give a village more people of a kind than
        its identity numbers allow."""
        for kind, most in (
            (RESIDENT, int(self.households.max(initial=0)) * 2),
            (ELDERLY, max(int(p.villages.counts.max(initial=0)) for p in self.programmes if p.villages)),
        ):
            if most > population.capacity(kind):
                raise ValueError("too many records per village for unique identity numbers")


def _programmes(rng, counts: dict[str, int], villages: int, history: History):
    """Each programme's dues (listed by now), payouts and recipients; the
    land subsidy goes to land holders, at most one per holder and due."""
    start = datetime.fromtimestamp(history.start, UTC)
    now = datetime.fromtimestamp(history.now, UTC)
    dues = {
        name: np.array([epoch(d) for d in scheduled_dues(name, start, now + LISTED_BEFORE)], dtype=np.int64)
        for name in PROGRAMME_ROWS
    }
    weights = np.array(list(PROGRAMME_ROWS.values()), dtype=float)
    payouts = dict(zip(PROGRAMME_ROWS, largest_remainders(counts["payouts"], weights).tolist(), strict=True))
    most = counts["land_contracts"] * len(dues[LAND])
    if payouts[LAND] > most:  # too few land contracts for the subsidy: the rest as 低保金
        payouts["低保金"] += payouts[LAND] - most
        payouts[LAND] = most
    land_recipients = math.ceil(payouts[LAND] / len(dues[LAND])) if payouts[LAND] else 0
    holders = min(
        counts["land_contracts"], max(land_recipients, round(counts["land_contracts"] / CONTRACTS_PER_HOLDER))
    )
    holders = Spread(holders, villages, rng.permutation(villages))
    found = []
    for name, count in payouts.items():
        k = len(dues[name])
        recipients = math.ceil(count / k) if count else 0
        skip = Spread(recipients * k - count, recipients)
        spread = None if name == LAND else Spread(recipients, villages, rng.permutation(villages))
        found.append(Programme(name, dues[name], count, recipients, skip, spread))
    return found, holders


def _periods(rng, total: int, villages: int, history: History) -> list[Period]:
    """The disclosure periods due from the history's start to 60 days after
    now (earlier ones too when ``total`` needs more than every village's 27
    items a period), ``total`` items shared among them by size and then
    among the villages."""
    start = datetime.fromtimestamp(history.start, UTC)
    until = datetime.fromtimestamp(history.now, UTC) + FUTURE
    while True:
        found = sorted(periods(start, until), key=lambda p: (p[3], p[0]))
        sizes = np.array([_size(cadence) for cadence, *_ in found]) * villages
        if sizes.sum() >= total:
            break
        start -= timedelta(days=365)
    shares = largest_remainders(total, sizes.astype(float))
    out, first_id = [], 1
    now = datetime.fromtimestamp(history.now, UTC)
    for (cadence, label, first, due_day), share in zip(found, shares.tolist(), strict=True):
        items = [(c, i) for c, (cad, names) in DISCLOSURE_ITEMS.items() if cad == cadence for i in names]
        due = at_hour(due_day, 17.5)  # as sample_db.ledger.disclosures_for
        opened = max(at_hour(first, 0), now - timedelta(days=800))
        spread = Spread(share, villages, rng.permutation(villages))
        out.append(Period(cadence, label, epoch(opened), epoch(due), items, spread,
                          rng.integers(0, len(items), villages), first_id))  # fmt: skip
        first_id += share
    return out


def _size(cadence: str) -> int:
    return sum(len(names) for cad, names in DISCLOSURE_ITEMS.values() if cad == cadence)


@dataclass
class Context:
    """What every drawing of business records reads: the plan, the people,
    the firms, the clock and the working days."""

    plan: RecordPlan
    people: Population
    firms: Firms
    history: History
    work: Workdays
    villages: np.ndarray  # village codes (object)
    seed: int

    @property
    def now(self) -> int:
        return self.history.now
