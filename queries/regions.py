"""Questions about the region hierarchy: what is this region, what is under it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, exists, select

from cockpit.store.meta import level_words
from cockpit.store.schema import region_tree, regions

LEVEL_LABELS = {
    "province": "省",
    "city": "市",
    "county": "县（市、区）",
    "town": "乡镇（街道）",
    "village": "村（社区）",
}


def level_labels(conn: Connection) -> dict[str, str]:
    """The word shown for each level: the store's own (the regions import
    sets them, cockpit.store.meta.level_words), else the default."""
    return LEVEL_LABELS | level_words(conn)


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    parent_code: str | None
    centroid_lon: float | None
    centroid_lat: float | None
    has_children: bool
    level_word: str | None = None  # the store's word for the level (level_labels)

    @property
    def level_label(self) -> str:
        return self.level_word or LEVEL_LABELS.get(self.level, self.level)


def _region_select():
    child = regions.alias("child")
    has_children = exists().where(child.c.parent_code == regions.c.code).label("has_children")
    return select(
        regions.c.code,
        regions.c.name,
        regions.c.level,
        regions.c.parent_code,
        regions.c.centroid_lon,
        regions.c.centroid_lat,
        has_children,
    )


def get_region(conn: Connection, code: str) -> Region | None:
    """The region with ``code``, or None."""
    row = conn.execute(_region_select().where(regions.c.code == code)).mappings().first()
    if row is None:
        return None
    word = level_labels(conn).get(row["level"])
    return Region(**{**row, "has_children": bool(row["has_children"])}, level_word=word)


def region_path(conn: Connection, code: str, root_code: str) -> list[Region]:
    """Regions from ``root_code`` down to ``code``, both included.

    Empty when ``code`` is not in the root's subtree (or does not exist).
    """
    rows = (
        conn.execute(
            _region_select()
            .join(region_tree, region_tree.c.ancestor_code == regions.c.code)
            .where(region_tree.c.descendant_code == code)
            .add_columns(region_tree.c.distance)
            .order_by(region_tree.c.distance.desc())
        )
        .mappings()
        .all()
    )
    words = level_labels(conn)
    path = [
        Region(
            **{k: v for k, v in row.items() if k != "distance"} | {"has_children": bool(row["has_children"])},
            level_word=words.get(row["level"]),
        )
        for row in rows
    ]
    codes = [region.code for region in path]
    if root_code not in codes:
        return []
    return path[codes.index(root_code) :]


def child_regions(conn: Connection, code: str) -> pd.DataFrame:
    """Direct children of ``code``.

    Columns: code, name, level, level_label (the store's word for the
    level), centroid_lon, centroid_lat, boundary (a GeoJSON geometry as a
    JSON string, or None). Ordered as the store orders them (sort_order,
    then code).
    """
    query = (
        select(
            regions.c.code,
            regions.c.name,
            regions.c.level,
            regions.c.centroid_lon,
            regions.c.centroid_lat,
            regions.c.boundary,
        )
        .where(regions.c.parent_code == code)
        .order_by(regions.c.sort_order, regions.c.code)
    )
    rows = conn.execute(query).all()
    df = pd.DataFrame(rows, columns=["code", "name", "level", "centroid_lon", "centroid_lat", "boundary"])
    words = level_labels(conn)
    df.insert(3, "level_label", [words.get(level, level) for level in df["level"]])
    return df


def regions_of(conn: Connection, codes: list[str]) -> pd.DataFrame:
    """The regions with ``codes``, in that order, with the columns of
    child_regions (a village's own outline, for a map of it)."""
    query = select(
        regions.c.code,
        regions.c.name,
        regions.c.level,
        regions.c.centroid_lon,
        regions.c.centroid_lat,
        regions.c.boundary,
    ).where(regions.c.code.in_(codes))
    rows = {row.code: row for row in conn.execute(query)}
    df = pd.DataFrame(
        [rows[c] for c in codes if c in rows],
        columns=["code", "name", "level", "centroid_lon", "centroid_lat", "boundary"],
    )
    words = level_labels(conn)
    df.insert(3, "level_label", [words.get(level, level) for level in df["level"]])
    return df


def regions_under(conn: Connection, code: str) -> pd.DataFrame:
    """Every region below ``code`` (not itself), for pickers and search.

    Columns: code, name, level, parent_name, distance (1 for children),
    is_leaf. Ordered level by level, then as the store orders siblings.
    """
    parent = regions.alias("parent")
    child = regions.alias("child")
    leaf = ~exists().where(child.c.parent_code == regions.c.code)
    query = (
        select(
            regions.c.code,
            regions.c.name,
            regions.c.level,
            parent.c.name.label("parent_name"),
            region_tree.c.distance,
            leaf.label("is_leaf"),
        )
        .join(region_tree, region_tree.c.descendant_code == regions.c.code)
        .outerjoin(parent, parent.c.code == regions.c.parent_code)
        .where(region_tree.c.ancestor_code == code, region_tree.c.distance > 0)
        .order_by(region_tree.c.distance, regions.c.parent_code, regions.c.sort_order, regions.c.code)
    )
    columns = ["code", "name", "level", "parent_name", "distance", "is_leaf"]
    df = pd.DataFrame(conn.execute(query).all(), columns=columns)
    df["is_leaf"] = df["is_leaf"].astype(bool)
    return df
