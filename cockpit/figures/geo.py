"""GeoJSON helpers for the region maps: features from boundaries, their
bounds, and outlines simplified for the size they are drawn at.

The maps are drawn as SVG (plotly's geo choropleth), not by MapLibre in
WebGL: a wall PC or a thin client often has no GPU, and software GL took
0.5-1 s to draw a map that SVG draws in ~0.2 s (docs/performance.md).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator

import pandas as pd
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient

COORD_DIGITS = 5  # ~1 m: finer than any map's pixel


def feature_collection(regions: pd.DataFrame) -> dict:
    """A FeatureCollection with one feature per row that has a boundary.

    Each feature's ``id`` and ``properties.code`` are the region code.
    """
    features = []
    for code, boundary in zip(regions["code"], regions["boundary"], strict=True):
        if boundary is None or (isinstance(boundary, float) and math.isnan(boundary)) or not boundary:
            continue
        geometry = json.loads(boundary) if isinstance(boundary, str) else boundary
        if geometry.get("type") == "Feature":
            geometry = geometry["geometry"]
        features.append({"type": "Feature", "id": code, "properties": {"code": code}, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def _positions(coordinates) -> Iterator[tuple[float, float]]:
    if coordinates and isinstance(coordinates[0], int | float):
        yield float(coordinates[0]), float(coordinates[1])
        return
    for part in coordinates:
        yield from _positions(part)


def _parts(geometry: dict) -> list[dict]:
    return geometry["geometries"] if geometry["type"] == "GeometryCollection" else [geometry]


def bounds(features: Iterable[dict]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the features, or None if there are none."""
    lons, lats = [], []
    for feature in features:
        for part in _parts(feature["geometry"]):
            for lon, lat in _positions(part["coordinates"]):
                lons.append(lon)
                lats.append(lat)
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def mercator_y(lat: float) -> float:
    """Web Mercator's y of ``lat``, in degrees (so one unit of x, a degree of
    longitude, and one of y are the same length on the map)."""
    lat = max(min(lat, 85.0), -85.0)
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _rounded(coordinates):
    if coordinates and isinstance(coordinates[0], int | float):
        return [round(float(c), COORD_DIGITS) for c in coordinates[:2]]
    return [_rounded(part) for part in coordinates]


def _clockwise(geometry):
    """Outer rings clockwise, holes anticlockwise: d3-geo, which draws
    plotly's geo maps, takes an anticlockwise outer ring (GeoJSON's own
    convention, RFC 7946) as the whole globe minus the region and fills the
    map with it."""
    if isinstance(geometry, Polygon):
        return orient(geometry, sign=-1.0)
    if isinstance(geometry, MultiPolygon):
        return MultiPolygon([orient(p, sign=-1.0) for p in geometry.geoms])
    if isinstance(geometry, GeometryCollection):
        return GeometryCollection([_clockwise(g) for g in geometry.geoms])
    return geometry


def simplified(collection: dict, tolerance: float = 0.0) -> dict:
    """``collection`` with every geometry simplified to ``tolerance`` degrees
    (about a quarter of a pixel of the map it is drawn in: real boundaries
    carry thousands of vertices no screen can show), its rings wound as d3
    draws them, and its coordinates rounded to ~1 m."""
    features = []
    for feature in collection["features"]:
        drawn = shape(feature["geometry"])
        if tolerance > 0:
            drawn = drawn.simplify(tolerance, preserve_topology=True)
        geometry = mapping(_clockwise(drawn))
        if geometry.get("type") == "GeometryCollection":
            geometry = {
                **geometry,
                "geometries": [
                    {**g, "coordinates": _rounded(g["coordinates"])} for g in geometry["geometries"]
                ],
            }
        else:
            geometry = {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])}
        features.append({**feature, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}
