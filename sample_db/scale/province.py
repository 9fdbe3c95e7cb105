"""The scale store's regions: a province of cities, counties, towns and
villages of any requested size, with codes, names, rectangles and the
closure table.

The shape follows the reference split for 15,000 villages, 10 cities x 10
counties x 15 towns x 10 villages, with every fan-out scaled by the fourth
root of (villages / 15,000), and the villages shared out unevenly (±30%)
among the towns so that the count lands exactly.

Codes are 12-digit statistical division codes under the invented province
99, numbered as the real scheme does: counties 01-20 districts (区), 21-80
counties (县), 81-99 county-level cities (市); towns 001-099 streets (街道),
101-199 towns (镇), 201-299 townships (乡); villages 001-199 communities
(社区), 201-999 villages (村). Names are unique among siblings (a country's
worth of villages has more villages than the syllable lists have names).

Boundaries are rectangles: the province is a lon/lat box of about 10 km²
per village around sample_db.geometry's centre, cut into rows of cells for
its children, and so on down, so siblings tile their parent exactly.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field

from cockpit.rules.engine import commission, committee
from sample_db.geometry import CENTRE_LAT, CENTRE_LON, KM_PER_DEG_LAT, KM_PER_DEG_LON
from sample_db.names import PREFECTURE_STEMS, NameBook

PROVINCE_CODE = "990000000000"
REFERENCE_VILLAGES = 15_000
REFERENCE_FANOUT = (10, 15, 10)  # counties per city, towns per county, villages per town
KM2_PER_VILLAGE = 10.0
ASPECT = 1.2  # the province's width over its height, in km
LEVELS = ("province", "city", "county", "town", "village")


@dataclass
class Region:
    code: str
    name: str
    level: str
    parent: Region | None
    sort_order: int
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # west, south, east, north
    children: list[Region] = field(default_factory=list)

    @property
    def ancestors(self) -> list[Region]:
        """The region itself, its parent, … up to the root."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


@dataclass
class Hierarchy:
    root: Region
    regions: list[Region]  # root first, then level by level

    def at(self, level: str) -> list[Region]:
        return [r for r in self.regions if r.level == level]

    @property
    def villages(self) -> list[Region]:
        return self.at("village")

    def region_rows(self) -> list[dict]:
        return [_region_row(r) for r in self.regions]

    def tree_rows(self) -> list[dict]:
        """region_tree: every (ancestor, descendant) pair, each region with
        itself at distance 0 (as cockpit.store.hierarchy.rebuild_region_tree
        writes it)."""
        return [
            {"ancestor_code": a.code, "descendant_code": r.code, "distance": d}
            for r in self.regions
            for d, a in enumerate(r.ancestors)
        ]


def fanouts(villages: int) -> tuple[int, int, int]:
    """(cities, counties per city, towns per county) for ``villages``."""
    if villages < 1:
        raise ValueError("villages must be at least 1")
    scale = (villages / REFERENCE_VILLAGES) ** 0.25
    per_city, per_county, per_town = (max(1, round(f * scale)) for f in REFERENCE_FANOUT)
    cities = max(1, round(villages / (per_city * per_county * per_town)))
    while cities * per_city * per_county > villages:  # every town gets a village
        if per_county > 1:
            per_county -= 1
        elif per_city > 1:
            per_city -= 1
        else:
            cities -= 1
    if cities > 99 or per_city > 99 or per_county > 99 * 3:
        raise ValueError(f"{villages} villages do not fit 12-digit codes under one province")
    return cities, per_city, per_county


def build_hierarchy(rng: random.Random, villages: int) -> Hierarchy:
    """A province with exactly ``villages`` villages."""
    cities, per_city, per_county = fanouts(villages)
    towns = cities * per_city * per_county
    counts = _share_out(rng, villages, towns)
    root = Region(PROVINCE_CODE, NameBook(rng).stem() + "省", "province", None, 0)
    root.box = _province_box(villages)
    city_book = NameBook(rng)
    town_index = 0
    for c in range(cities):
        stem = PREFECTURE_STEMS[c] if c < len(PREFECTURE_STEMS) else city_book.stem()
        city_book.used.add(stem)
        city = _child(root, f"{PROVINCE_CODE[:2]}{c + 1:02d}00000000", stem + "市", c + 1)
        county_book = NameBook(rng)
        for k, (county_number, county_suffix) in enumerate(_county_numbers(per_city), start=1):
            county_code = f"{city.code[:4]}{county_number:02d}000000"
            county = _child(city, county_code, county_book.stem() + county_suffix, k)
            town_book = NameBook(rng)
            for t, (town_number, town_suffix) in enumerate(_town_numbers(per_county), start=1):
                town_code = f"{county.code[:6]}{town_number:03d}000"
                town = _child(county, town_code, town_book.stem() + town_suffix, t)
                village_book = NameBook(rng)
                numbers = _village_numbers(counts[town_index], town_suffix)
                for v, (number, suffix) in enumerate(numbers, start=1):
                    _child(town, f"{town.code[:9]}{number:03d}", village_book.village_stem() + suffix, v)
                town_index += 1
    ordered = [root]
    for depth in range(1, len(LEVELS)):
        ordered.extend(
            child for parent in ordered if parent.level == LEVELS[depth - 1] for child in parent.children
        )
    for region in ordered:
        _tile(region)
    return Hierarchy(root, ordered)


def _child(parent: Region, code: str, name: str, order: int) -> Region:
    child = Region(code, name, LEVELS[LEVELS.index(parent.level) + 1], parent, order)
    parent.children.append(child)
    return child


def _share_out(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` counts of at least 1, each about
    total/parts ±30%, summing exactly to ``total`` (largest remainders)."""
    spare = total - parts
    weights = [rng.uniform(0.7, 1.3) for _ in range(parts)]
    scale = spare / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    for i in sorted(range(parts), key=lambda i: counts[i] - shares[i])[: spare - sum(counts)]:
        counts[i] += 1
    return [1 + c for c in counts]


def _county_numbers(n: int) -> list[tuple[int, str]]:
    """A city's counties: about a quarter districts (区, 01-), then
    counties (县, 21-), one county-level city (市, 81) when there are five or more."""
    districts = max(1, round(n * 0.25))
    cities = 1 if n >= 5 else 0
    counties = n - districts - cities
    return (
        [(i + 1, "区") for i in range(districts)]
        + [(21 + i, "县") for i in range(counties)]
        + [(81 + i, "市") for i in range(cities)]
    )


def _town_numbers(n: int) -> list[tuple[int, str]]:
    """A county's towns as the sample's city has them: ~28% streets (001-),
    towns (101-), one township (201) when there are eight or more."""
    streets = max(1, round(n * 0.28)) if n > 2 else 1
    townships = 1 if n >= 8 else 0
    towns = n - streets - townships
    if max(streets, towns, townships) > 99:
        raise ValueError("more than 99 towns of a kind in one county")
    return (
        [(1 + i, "街道") for i in range(streets)]
        + [(101 + i, "镇") for i in range(towns)]
        + [(201 + i, "乡") for i in range(townships)]
    )


def _village_numbers(n: int, town_suffix: str) -> list[tuple[int, str]]:
    """A town's villages: communities (社区, 001-) first, as the sample's
    city has them (most of a street, two in a town, none in a township),
    then villages (村, 201-)."""
    communities = {"街道": round(n * 0.6), "镇": min(2, n - 1), "乡": 0}[town_suffix]
    if communities > 199 or n - communities > 799:
        raise ValueError("too many villages in one town for 3-digit codes")
    return [(1 + i, "社区") for i in range(communities)] + [(201 + i, "村") for i in range(n - communities)]


def _province_box(villages: int) -> tuple[float, float, float, float]:
    area = villages * KM2_PER_VILLAGE
    height_km = math.sqrt(area / ASPECT)
    half_w = height_km * ASPECT / 2 / KM_PER_DEG_LON
    half_h = height_km / 2 / KM_PER_DEG_LAT
    return _rounded((CENTRE_LON - half_w, CENTRE_LAT - half_h, CENTRE_LON + half_w, CENTRE_LAT + half_h))


def _tile(parent: Region) -> None:
    """Cut the parent's box into rows of cells, one per child, north-west
    first; cells of a row share its height, rows share the box's width."""
    n = len(parent.children)
    if not n:
        return
    west, south, east, north = parent.box
    width_km = (east - west) * KM_PER_DEG_LON
    height_km = (north - south) * KM_PER_DEG_LAT
    columns = max(1, math.ceil(math.sqrt(n * width_km / height_km)))
    rows = math.ceil(n / columns)
    per_row = [n // rows + (1 if r < n % rows else 0) for r in range(rows)]
    children = iter(parent.children)
    for r, count in enumerate(per_row):
        top = north - (north - south) * r / rows
        bottom = north - (north - south) * (r + 1) / rows
        for c in range(count):
            left = west + (east - west) * c / count
            right = west + (east - west) * (c + 1) / count
            next(children).box = _rounded((left, bottom, right, top))


def _rounded(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return tuple(round(v, 5) for v in box)  # type: ignore[return-value]


def _region_row(region: Region) -> dict:
    west, south, east, north = region.box
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent_code": region.parent.code if region.parent else None,
        "centroid_lon": round((west + east) / 2, 5),
        "centroid_lat": round((south + north) / 2, 5),
        "boundary": json.dumps({"type": "Polygon", "coordinates": [ring]}, separators=(",", ":")),
        "sort_order": region.sort_order,
    }


@dataclass(frozen=True)
class Villages:
    """Per village (same order as Hierarchy.villages), what the rows need:
    codes, names, its committee, town, town commission, county and city."""

    codes: list[str]
    names: list[str]
    committees: list[str]
    town_index: list[int]  # index into towns
    towns: list[str]  # town names
    town_commissions: list[str]
    town_counties: list[str]  # each town's county name
    town_cities: list[str]  # each town's city name


def village_table(hierarchy: Hierarchy) -> Villages:
    towns = hierarchy.at("town")
    position = {t.code: i for i, t in enumerate(towns)}
    villages = hierarchy.villages
    return Villages(
        codes=[v.code for v in villages],
        names=[v.name for v in villages],
        committees=[committee(v.name) for v in villages],
        town_index=[position[v.parent.code] for v in villages],
        towns=[t.name for t in towns],
        town_commissions=[commission(t.name) for t in towns],
        town_counties=[t.parent.name for t in towns],
        town_cities=[t.parent.parent.name for t in towns],
    )
