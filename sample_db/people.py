"""The people of each sample village, as the reference registries know them:
residents with identity card numbers, the village's cadres and their close
relatives, land contract holders, public servants, people who receive
benefits, and the firms that work for the village.

Everything is drawn from a seeded ``random.Random``: the same seed gives the
same people. Names and numbers are invented; identity numbers have the
national format (region, birth date, sequence, check digit) so that they
look and validate like real ones, with the village's county as the region.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sample_db.names import PERSON_SURNAMES

GIVEN = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰春梅海林德福荣金凤云飞")
ROLES = ("村党组织书记", "村委会主任", "村务监督委员会主任", "报账员", "村委会委员", "村委会委员")
RELATIONS = ("配偶", "子女", "父母", "兄弟姐妹")
FIRM_STEMS = ("鑫达", "顺发", "宏远", "恒通", "永盛", "金旺", "兴业", "瑞丰", "广源", "隆昌", "汇通", "联发")
FIRM_KINDS = ("建材商行", "五金店", "工程队", "农资店", "劳务公司", "苗木场", "砂石场", "运输队", "装修队")
EMPLOYERS = ("镇中心小学", "镇卫生院", "镇人民政府", "市自然资源局", "市教育局", "镇财政所")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643 check digit weights
_CHECK = "10X98765432"


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str


@dataclass(frozen=True)
class Cadre:
    person: Person
    role: str


@dataclass(frozen=True)
class Relative:
    person: Person
    cadre: Cadre
    relation: str


@dataclass
class Folk:
    """One village's people."""

    village_code: str
    residents: list[Person]  # ordinary residents: neither cadres, relatives nor public servants
    cadres: list[Cadre]
    relatives: list[Relative]
    servants: list[tuple[Person, str]]  # (person, employer)
    land: dict[str, tuple[Person, list[float]]]  # id number -> holder, contract areas (mu)
    firms: list[str]
    poor: list[Person] = field(default_factory=list)  # 低保
    disabled: list[Person] = field(default_factory=list)  # 残疾人补贴
    elderly: list[Person] = field(default_factory=list)  # 高龄补贴

    def area(self, id_number: str) -> float:
        return round(sum(self.land[id_number][1]), 2)

    @property
    def secretary(self) -> Cadre:
        return self.cadres[0]

    @property
    def bookkeeper(self) -> Cadre:
        return self.cadres[3]

    def signer(self, role: str) -> str:
        """Who signs a payment for ``role`` (bookkeeper, secretary, supervisor, member)."""
        index = {"secretary": 0, "supervisor": 2, "bookkeeper": 3, "member": 4}[role]
        return self.cadres[index].person.name


class Registry:
    """Hands out people with unique identity numbers across the city."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.numbers: set[str] = set()

    def person(self, village_code: str, born_from: int = 1950, born_to: int = 2004) -> Person:
        rng = self.rng
        name = rng.choice(PERSON_SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        for _ in range(1000):
            number = id_number(rng, village_code[:6], born_from, born_to)
            if number not in self.numbers:
                self.numbers.add(number)
                return Person(name, number)
        raise RuntimeError("ran out of identity numbers")

    def folk(self, village_code: str, households: int) -> Folk:
        rng = self.rng
        cadres = [Cadre(self.person(village_code, 1960, 1990), role) for role in ROLES]
        relatives = [
            Relative(self.person(village_code, 1950, 2002), cadre, relation)
            for cadre in cadres
            for relation in rng.sample(RELATIONS, rng.randint(2, 3))
        ]
        residents = [self.person(village_code) for _ in range(households)]
        servants = [
            (self.person(village_code, 1970, 2000), rng.choice(EMPLOYERS)) for _ in range(rng.randint(2, 4))
        ]
        holders = rng.sample(residents, int(len(residents) * rng.uniform(0.55, 0.75)))
        land = {
            p.id_number: (p, [round(rng.uniform(0.6, 3.5), 2) for _ in range(rng.choice((1, 1, 2)))])
            for p in holders
        }
        firms = [rng.choice(FIRM_STEMS) + rng.choice(FIRM_KINDS) for _ in range(8)]
        folk = Folk(village_code, residents, cadres, relatives, servants, land, sorted(set(firms)))
        pool = rng.sample(residents, min(len(residents), 14))
        folk.poor = pool[: rng.randint(3, 6)]
        folk.disabled = pool[7 : 7 + rng.randint(1, 3)]
        folk.elderly = [self.person(village_code, 1930, 1946) for _ in range(rng.randint(5, 9))]
        return folk


def id_number(rng: random.Random, region: str, born_from: int, born_to: int) -> str:
    """An 18-character resident identity number with a valid check digit."""
    born = date(born_from, 1, 1) + timedelta(
        days=rng.randrange((date(born_to, 12, 31) - date(born_from, 1, 1)).days)
    )
    body = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + check_digit(body)


def check_digit(body: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]
