"""The region hierarchy: closure table upkeep and the cockpit's root region."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select

from cockpit.store.schema import region_tree, regions


class RegionError(LookupError):
    """The region hierarchy is not usable (no root, a cycle, an unknown code)."""


def rebuild_region_tree(conn: Connection) -> int:
    """Recompute ``region_tree`` from ``regions``; returns the number of rows.

    Walks each region up its parent chain in Python (a city has a few thousand
    regions; a country about 700,000), so it runs the same on every database.
    """
    parents = dict(conn.execute(select(regions.c.code, regions.c.parent_code)).all())
    rows = []
    for code in parents:
        seen = set()
        node, distance = code, 0
        while node is not None:
            if node in seen:
                raise RegionError(f"region hierarchy has a cycle through {node}")
            if node not in parents:
                raise RegionError(f"region {code} has an unknown ancestor {node}")
            seen.add(node)
            rows.append({"ancestor_code": node, "descendant_code": code, "distance": distance})
            node, distance = parents[node], distance + 1
    conn.execute(delete(region_tree))
    for start in range(0, len(rows), 5000):
        conn.execute(insert(region_tree), rows[start : start + 5000])
    return len(rows)


def resolve_root(conn: Connection, configured: str = "") -> str:
    """The code of the cockpit's root region.

    ``configured`` (the COCKPIT_ROOT_REGION setting) wins when given and must
    exist; otherwise the store must have exactly one region without a parent.
    """
    if configured:
        found = conn.execute(select(regions.c.code).where(regions.c.code == configured)).scalar()
        if found is None:
            raise RegionError(f"COCKPIT_ROOT_REGION={configured} is not a region in the store")
        return configured
    tops = (
        conn.execute(select(regions.c.code).where(regions.c.parent_code.is_(None)).limit(2)).scalars().all()
    )
    if len(tops) != 1:
        raise RegionError(
            "the store has no single top region; set COCKPIT_ROOT_REGION "
            f"(found {len(tops)} regions without a parent)"
        )
    return tops[0]
