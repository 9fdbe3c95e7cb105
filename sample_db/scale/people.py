"""The scale store's people, computed rather than stored: a person is a kind
(resident, elderly, cadre, relative, public servant, the dead), a village
and an index in that village, and their name and identity number follow
from those with numpy, in any chunk, the same every time.

Identity numbers have the national format of sample_db.people (the village's
county as the region, birth date, sequence, GB 11643 check digit). Each kind
has its own range of sequence numbers (RESIDENT 000-599, ELDERLY 600-699, …),
so two kinds never share a number: a resident paid by the village is never a
cadre, a cadre's relative, a public servant or a registered death, which
keeps the registry rules (LAB-03, FUN-04, PRJ-03, SUB-01, SUB-02) clean by
construction. Within a kind and county, (village, index) -> (birth date,
sequence) is a bijection (an affine permutation of the county's numbers,
shifted by the seed), so numbers never repeat either: two workers or two
recipients of one programme are never taken for one person (LAB-05,
SUB-05). Names (sample_db.names' surnames, sample_db.people's given names,
one or two of them) come from a hash of the person and may repeat, as names do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import product

import numpy as np

from sample_db.names import PERSON_SURNAMES
from sample_db.people import _CHECK, _WEIGHTS, EMPLOYERS, FIRM_KINDS, FIRM_STEMS, GIVEN
from sample_db.scale.clock import zfill
from sample_db.scale.province import Villages

MULTIPLIER = 2_654_435_761  # a prime: coprime with every county's count of numbers
FIRMS = np.array([stem + kind for stem, kind in product(FIRM_STEMS, FIRM_KINDS)], dtype=object)
FIRMS_PER_VILLAGE = 8  # as sample_db.people.Registry.folk
FIRM_STEPS = np.array([s for s in range(1, len(FIRMS)) if np.gcd(s, len(FIRMS)) == 1])


@dataclass(frozen=True)
class Kind:
    code: int
    first_sequence: int
    sequences: int
    born_from: int
    born_to: int

    @property
    def numbers(self) -> int:
        """Identity numbers a county has for this kind."""
        days = (date(self.born_to, 12, 31) - date(self.born_from, 1, 1)).days + 1
        return days * self.sequences


RESIDENT = Kind(1, 0, 600, 1950, 2004)
ELDERLY = Kind(2, 600, 100, 1930, 1946)  # 高龄补贴
CADRE = Kind(3, 700, 50, 1960, 1990)
RELATIVE = Kind(4, 750, 100, 1950, 2002)
SERVANT = Kind(5, 850, 50, 1970, 2000)
DEAD = Kind(6, 900, 100, 1925, 1960)
KINDS = (RESIDENT, ELDERLY, CADRE, RELATIVE, SERVANT, DEAD)
# Who signs a payment for each role of the chain: the index of the village's
# cadre (sample_db.people.ROLES order; Folk.signer), and who applies.
SIGNER = {"secretary": 0, "supervisor": 2, "bookkeeper": 3, "member": 4}
BOOKKEEPER = 3


class Population:
    """Names and identity numbers of anyone in the province's villages."""

    def __init__(self, villages: Villages, seed: int):
        counties = np.array([c[:6] for c in villages.codes])
        self.region = counties
        _, county, per_county = np.unique(counties, return_inverse=True, return_counts=True)
        order = np.argsort(county, kind="stable")
        first = np.r_[0, np.cumsum(per_county)[:-1]]
        self.rank = np.empty(len(counties), dtype=np.int64)  # the village's number in its county
        self.rank[order] = np.arange(len(counties)) - first[county[order]]
        most = int(per_county.max())
        self.stride = {kind.code: kind.numbers // most for kind in KINDS}
        offsets = np.random.default_rng([seed, 99]).integers(0, 2**31, len(KINDS))
        self.offset = {kind.code: int(o) for kind, o in zip(KINDS, offsets, strict=True)}
        self.seed = seed
        weights = np.array(_WEIGHTS)
        self.region_sum = np.array([int(np.dot(weights[:6], [int(d) for d in c])) for c in counties])

    def capacity(self, kind: Kind) -> int:
        """People of ``kind`` one village can have."""
        return self.stride[kind.code]

    def id_numbers(self, kind: Kind, village: np.ndarray, index: np.ndarray) -> np.ndarray:
        """18-character identity numbers (valid check digit) of the people."""
        stride = self.stride[kind.code]
        if len(index) and int(index.max()) >= stride:
            raise ValueError(
                f"more than {stride:,} people of one kind in a village: too many records per village"
            )
        if not len(index):
            return np.array([], dtype=object)
        x = self.rank[village] * stride + index
        y = (x * MULTIPLIER + self.offset[kind.code]) % kind.numbers
        born = np.datetime64(f"{kind.born_from}-01-01") + (y // kind.sequences).astype("timedelta64[D]")
        sequence = kind.first_sequence + y % kind.sequences
        day = np.strings.replace(np.datetime_as_string(born, unit="D"), "-", "")
        body = np.strings.add(np.strings.add(self.region[village], day), zfill(sequence.astype(str), 3))
        digits = body.astype("S17").view(np.uint8).reshape(-1, 17)[:, 6:].astype(np.int64) - 48
        total = self.region_sum[village] + digits @ np.array(_WEIGHTS[6:])
        check = np.array(list(_CHECK))[total % 11]
        return np.strings.add(body, check).astype(object)

    def names(self, kind: Kind, village: np.ndarray, index: np.ndarray) -> np.ndarray:
        """Names such as 王伟 or 陈秀英, the same for the same person."""
        h = mix(((kind.code * 1_000_003 + village) << 24) + index, self.seed)
        surname = np.array(PERSON_SURNAMES)[(h % len(PERSON_SURNAMES)).astype(np.int64)]
        first = np.array(GIVEN)[((h >> 16) % len(GIVEN)).astype(np.int64)]
        second = np.array(GIVEN)[((h >> 32) % len(GIVEN)).astype(np.int64)]
        two = (h >> 48) % 3 != 0  # one or two given names, 1:2 as the sample
        given = np.where(two, np.strings.add(first, second), first)
        return np.strings.add(surname, given).astype(object) if len(index) else np.array([], dtype=object)


def mix(values: np.ndarray, seed: int) -> np.ndarray:
    """A 64-bit hash (splitmix64's finaliser) of integers, as uint64."""
    z = np.asarray(values).astype(np.uint64) + np.uint64(seed * 0x9E3779B97F4A7C15 % 2**64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def uniform(values: np.ndarray, seed: int, low: float, high: float) -> np.ndarray:
    """A value in [low, high) per integer, the same every time (a hash)."""
    return low + (mix(values, seed) >> np.uint64(11)).astype(float) / 2.0**53 * (high - low)


@dataclass
class Firms:
    """Each village's eight firms (names from sample_db.people's stems and
    kinds, distinct within the village)."""

    start: np.ndarray
    step: np.ndarray

    @classmethod
    def draw(cls, rng: np.random.Generator, villages: int) -> Firms:
        return cls(rng.integers(0, len(FIRMS), villages), rng.choice(FIRM_STEPS, villages))

    def name(self, village: np.ndarray, k: np.ndarray) -> np.ndarray:
        """The ``k``-th (0-7) firm of each village."""
        return FIRMS[(self.start[village] + k * self.step[village]) % len(FIRMS)]


def employers(values: np.ndarray, seed: int) -> np.ndarray:
    return np.array(EMPLOYERS, dtype=object)[(mix(values, seed) % len(EMPLOYERS)).astype(np.int64)]
