"""GeoJSON helpers for the region maps: features from boundaries, and a view
(centre and zoom) that fits them in a map of a given size."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator

import pandas as pd

TILE_SIZE = 512  # MapLibre's world is 512 px wide at zoom 0
MAX_ZOOM = 14.0


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


def bounds(features: Iterable[dict]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the features, or None if there are none."""
    lons, lats = [], []
    for feature in features:
        geometry = feature["geometry"]
        parts = geometry["geometries"] if geometry["type"] == "GeometryCollection" else [geometry]
        for part in parts:
            for lon, lat in _positions(part["coordinates"]):
                lons.append(lon)
                lats.append(lat)
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def _mercator_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_view(
    box: tuple[float, float, float, float], width: int, height: int, padding: float = 0.06
) -> tuple[dict, float]:
    """Centre ({"lon", "lat"}) and zoom that show ``box`` in a width x height map."""
    west, south, east, north = box
    centre_y = (_mercator_y(south) + _mercator_y(north)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    centre = {"lon": (west + east) / 2, "lat": centre_lat}
    usable_w, usable_h = width * (1 - 2 * padding), height * (1 - 2 * padding)
    lon_span = max(east - west, 1e-6)
    y_span = max(_mercator_y(north) - _mercator_y(south), 1e-6)
    zoom_w = math.log2(usable_w * 360 / (TILE_SIZE * lon_span))
    zoom_h = math.log2(usable_h * 2 * math.pi / (TILE_SIZE * y_span))
    return centre, max(0.0, min(zoom_w, zoom_h, MAX_ZOOM))
