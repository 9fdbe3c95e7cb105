"""Generated boundaries: a city outline tiled by towns, each tiled by villages.

Everything is drawn in a local plane in kilometres (x east, y north, origin
at the city's centre) and only turned into lon/lat at the end, so Voronoi
cells are not squashed by the longitude scale. Towns are Voronoi cells of
seeded points clipped to the outline; villages are Voronoi cells of seeded
points clipped to their town. Cells clipped to the same polygon share their
edges exactly, so the tiling has no gaps or overlaps beyond float noise.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence

import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

CENTRE_LON, CENTRE_LAT = 119.6, 29.1
KM_PER_DEG_LAT = 111.2
KM_PER_DEG_LON = 111.32 * math.cos(math.radians(CENTRE_LAT))
GRID_DEG = 1e-5  # ~1 m: plenty for a wall-screen map, keeps the store small

Area = Polygon | MultiPolygon
XY = tuple[float, float]


def city_outline(rng: random.Random, width_km: float = 60.0, height_km: float = 50.0) -> Polygon:
    """A blobby outline about ``width_km`` x ``height_km``, in km.

    A radius that wobbles with a few random harmonics around an ellipse; the
    result is star-shaped around the origin, hence always a valid polygon.
    """
    harmonics = [
        (k, rng.uniform(0.03, 0.09) / math.sqrt(k - 1), rng.uniform(0, 2 * math.pi)) for k in range(2, 7)
    ]
    points = []
    for i in range(120):
        theta = 2 * math.pi * i / 120
        radius = 1 + sum(a * math.cos(k * theta + phase) for k, a, phase in harmonics)
        radius *= 1 + rng.uniform(-0.012, 0.012)
        points.append((width_km / 2 * radius * math.cos(theta), height_km / 2 * radius * math.sin(theta)))
    return Polygon(points).simplify(0.05)


def spread_points(
    rng: random.Random, area: Area, n: int, fixed: Sequence[XY] = (), candidates: int = 12
) -> list[XY]:
    """``n`` points inside ``area``, evenly spread (Mitchell's best candidate),
    kept away from ``fixed`` points too."""
    shapely.prepare(area)
    minx, miny, maxx, maxy = area.bounds
    chosen: list[XY] = []
    others = list(fixed)
    for _ in range(n):
        best, best_distance = None, -1.0
        for _ in range(candidates):
            x, y = _random_inside(rng, area, minx, miny, maxx, maxy)
            distance = min((math.hypot(x - ox, y - oy) for ox, oy in others), default=0.0)
            if distance > best_distance:
                best, best_distance = (x, y), distance
        assert best is not None
        chosen.append(best)
        others.append(best)
    return chosen


def _random_inside(rng: random.Random, area: Area, minx, miny, maxx, maxy) -> XY:
    for _ in range(10_000):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(area, x, y):
            return x, y
    raise RuntimeError("could not find a point inside the area")


def voronoi_cells(points: Sequence[XY], area: Area) -> list[Area]:
    """The Voronoi cell of each point (same order), clipped to ``area``."""
    if len(points) == 1:
        return [area]
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=area, ordered=True)
    # Near-cocircular points can leave a cell with a sliver of self-intersection.
    cells = shapely.make_valid(shapely.get_parts(cells))
    return [_polygonal(cell.intersection(area)) for cell in cells]


def relax(points: Sequence[XY], area: Area, iterations: int, keep: int = 0) -> list[XY]:
    """Lloyd relaxation: move each point (but the first ``keep``) to its cell's
    centre, for rounder, more even cells."""
    points = list(points)
    for _ in range(iterations):
        cells = voronoi_cells(points, area)
        points = points[:keep] + [_inner_point(cell) for cell in cells[keep:]]
    return points


def _inner_point(area: Area) -> XY:
    point = area.centroid
    if not area.contains(point):
        point = area.representative_point()
    return point.x, point.y


def _polygonal(geometry: BaseGeometry) -> Area:
    """Drop the points and lines an intersection may leave at a shared edge."""
    if isinstance(geometry, Polygon | MultiPolygon):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon) and not g.is_empty]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def to_lonlat(area: Area) -> Area:
    """From the local km plane to lon/lat on a 1e-5 degree grid, rings
    counter-clockwise (RFC 7946)."""
    scale = [1 / KM_PER_DEG_LON, 1 / KM_PER_DEG_LAT]
    shifted = shapely.transform(area, lambda xy: xy * scale + [CENTRE_LON, CENTRE_LAT])
    snapped = _polygonal(shapely.set_precision(shifted, GRID_DEG))
    if isinstance(snapped, Polygon):
        return orient(snapped, 1.0)
    return MultiPolygon([orient(p, 1.0) for p in snapped.geoms])


def inner_point(area: Area) -> XY:
    """A point inside ``area``: its centroid when that lies inside, else a
    representative point. Rounded to the grid."""
    x, y = _inner_point(area)
    return round(x, 5), round(y, 5)


def geojson_geometry(area: Area) -> str:
    """A compact GeoJSON geometry string (Polygon or MultiPolygon)."""
    if isinstance(area, Polygon):
        doc = {"type": "Polygon", "coordinates": _rings(area)}
    else:
        doc = {"type": "MultiPolygon", "coordinates": [_rings(p) for p in area.geoms]}
    return json.dumps(doc, separators=(",", ":"))


def _rings(polygon: Polygon) -> list:
    return [
        [[round(x, 5), round(y, 5)] for x, y in ring.coords]
        for ring in (polygon.exterior, *polygon.interiors)
    ]
