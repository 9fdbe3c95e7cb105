"""The fictional county-level city: names, codes, boundaries and the
per-town and per-village figures the history is calibrated to.

Codes follow the 12-digit statistical division code under the invented
province 99: the city is 990181000000; streets (街道) take town codes 001-099,
towns (镇) 101-199, townships (乡) 201-299; communities (社区) take village
codes 001-199 and villages (村) 201-399, as the real scheme does.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from cockpit.rules.engine import commission, committee
from sample_db import geometry
from sample_db.names import NameBook

CITY_CODE = "990181000000"
GOOD_SHARE, BAD_SHARE = 0.98, 0.76  # targets of the best and the worst town (measured: ~0.97, ~0.75)
MIDDLE_SHARES = (0.87, 0.94)  # the other towns are spread over this range


def committee_of(village_name: str) -> str:
    """A village's own committee, where its petitions start: 村委会 / 居委会
    (named as the warning engine names owners)."""
    return committee(village_name)


@dataclass(frozen=True)
class TownRef:
    """A town known only by its name (what the live demo reads from the store)."""

    name: str

    @property
    def commission(self) -> str:
        """The town's discipline body: 乡镇纪委 / 街道纪工委."""
        return commission(self.name)

    @property
    def government(self) -> str:
        return self.name + ("办事处" if self.name.endswith("街道") else "人民政府")


@dataclass
class Village:
    code: str
    name: str
    town_code: str
    sort_order: int
    petitions_per_year: float
    warnings_per_year: float
    area: geometry.Area

    @property
    def unit(self) -> str:
        return committee_of(self.name)


@dataclass
class Town:
    code: str
    name: str
    suffix: str  # 镇, 街道 or 乡
    sort_order: int
    share_target: float  # share of petitions closed within 5 days
    area: geometry.Area
    villages: list[Village] = field(default_factory=list)

    @property
    def commission(self) -> str:
        return TownRef(self.name).commission

    @property
    def government(self) -> str:
        return TownRef(self.name).government

    @property
    def speed(self) -> float:
        """How slow the town handles things: 1 for an average town, more when worse."""
        return 1.0 + (0.9 - self.share_target) * 6


@dataclass
class City:
    code: str
    name: str
    prefecture: str
    area: geometry.Area
    towns: list[Town]

    @property
    def villages(self) -> list[Village]:
        return [v for t in self.towns for v in t.villages]

    def town_of(self, village: Village) -> Town:
        return next(t for t in self.towns if t.code == village.town_code)

    def region_rows(self) -> list[dict]:
        """Rows for the ``regions`` table, root first."""
        rows = [_region_row(self.code, self.name, "county", None, 0, self.area)]
        for town in self.towns:
            rows.append(_region_row(town.code, town.name, "town", self.code, town.sort_order, town.area))
            rows.extend(
                _region_row(v.code, v.name, "village", town.code, v.sort_order, v.area) for v in town.villages
            )
        return rows


def _region_row(code: str, name: str, level: str, parent: str | None, order: int, area) -> dict:
    lon, lat = geometry.inner_point(area)
    return {
        "code": code,
        "name": name,
        "level": level,
        "parent_code": parent,
        "centroid_lon": lon,
        "centroid_lat": lat,
        "boundary": geometry.geojson_geometry(area),
        "sort_order": order,
    }


def build_city(rng: random.Random, towns: int = 14, villages_per_town: int | None = None) -> City:
    """A city of ``towns`` towns/streets with ``villages_per_town`` villages
    each (None: 30-45, varying by town)."""
    if not 1 <= towns <= 60:
        raise ValueError("towns must be between 1 and 60")
    if villages_per_town is not None and not 1 <= villages_per_town <= 199:
        raise ValueError("villages_per_town must be between 1 and 199")
    book = NameBook(rng)
    name, prefecture = book.city(), book.prefecture()
    outline = geometry.city_outline(rng)

    streets = max(1, round(towns * 0.28)) if towns > 2 else 1
    townships = 1 if towns >= 8 else 0
    suffixes = ["街道"] * streets + ["镇"] * (towns - streets - townships) + ["乡"] * townships
    centre = (rng.uniform(-4, 4), rng.uniform(-3, 3))
    street_seeds = [
        (centre[0] + r * math.cos(a), centre[1] + r * math.sin(a))
        for a, r in (
            (2 * math.pi * i / streets + rng.uniform(-0.3, 0.3), rng.uniform(3.5, 5.5))
            for i in range(streets)
        )
    ]
    if streets == 1:
        street_seeds = [centre]
    seeds = street_seeds + geometry.spread_points(rng, outline, towns - streets, fixed=street_seeds)
    seeds = geometry.relax(seeds, outline, 2, keep=streets)
    # Townships lie farthest out: order the non-street seeds by distance to the centre.
    seeds = seeds[:streets] + sorted(seeds[streets:], key=lambda p: math.dist(p, centre))
    town_areas = geometry.voronoi_cells(seeds, outline)

    shares = _share_targets(rng, suffixes)
    counters = {"街道": 0, "镇": 100, "乡": 200}
    city_towns: list[Town] = []
    for order, (suffix, seed, area) in enumerate(zip(suffixes, seeds, town_areas, strict=True), start=1):
        counters[suffix] += 1
        code = f"{CITY_CODE[:6]}{counters[suffix]:03d}000"
        town = Town(code, book.stem() + suffix, suffix, order, shares[order - 1], geometry.to_lonlat(area))
        count = villages_per_town or rng.randint(30, 45)
        town.villages = _villages(rng, book, town, area, seed, count)
        city_towns.append(town)
    return City(CITY_CODE, name, prefecture, geometry.to_lonlat(outline), city_towns)


def _share_targets(rng: random.Random, suffixes: list[str]) -> list[float]:
    """One clearly good town (a street), one clearly bad one (the farthest
    town), the others spread in between."""
    n = len(suffixes)
    if n == 1:
        return [0.9]
    low, high = MIDDLE_SHARES
    middle = [low + (high - low) * i / max(1, n - 3) for i in range(n - 2)]
    rng.shuffle(middle)
    good = rng.randrange(suffixes.count("街道"))
    return [GOOD_SHARE if i == good else BAD_SHARE if i == n - 1 else middle.pop() for i in range(n)]


def _villages(
    rng: random.Random, book: NameBook, town: Town, area: geometry.Area, seat: tuple, count: int
) -> list[Village]:
    points = geometry.spread_points(rng, area, count)
    points = geometry.relax(points, area, 2)
    # Communities (社区) are the cells nearest the town's seat: most of a
    # street, a couple in a town, none in a township.
    communities = {"街道": round(count * 0.6), "镇": min(2, count - 1), "乡": 0}[town.suffix]
    points.sort(key=lambda p: math.dist(p, seat))
    cells = geometry.voronoi_cells(points, area)
    villages = []
    for i, cell in enumerate(cells):
        is_community = i < communities
        number = i + 1 if is_community else 200 + i + 1 - communities
        villages.append(
            Village(
                code=town.code[:9] + f"{number:03d}",
                name=book.village_stem() + ("社区" if is_community else "村"),
                town_code=town.code,
                sort_order=i + 1,
                petitions_per_year=rng.uniform(17, 37),
                warnings_per_year=rng.uniform(44, 72),
                area=geometry.to_lonlat(cell),
            )
        )
    return villages
