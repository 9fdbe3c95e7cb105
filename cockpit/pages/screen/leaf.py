"""The wall screen focused on a village (a region without children): its
map draws the village itself, or, for a viewer granted several villages,
all of them, each coloured by its own figures (a leaf's children map would
be empty, and its neighbours may be outside the viewer's scope)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection

from cockpit.context import viewer
from cockpit.pages.common import load_kpis, scope_for
from cockpit.timewindow import Window
from queries.kpis import Kpis
from queries.regions import Region, get_region, regions_of


def own_metrics(code: str, name: str, k: Kpis) -> dict:
    """A region's own figures in the columns of child_region_metrics."""
    return {
        "code": code,
        "name": name,
        "received": k.received,
        "closed_within": k.received - k.in_progress - k.late,
        "late": k.late,
        "in_progress": k.in_progress,
        "share_5d": k.share,
        "open": k.open,
        "overdue": k.overdue,
        "median_hours": k.median_hours,
        "median_bound_hours": k.median_bound_hours,
        "red": k.red,
        "yellow": k.yellow,
        "green": k.green,
    }


def leaf_codes(conn: Connection, focus: Region) -> list[str]:
    """The villages the map draws: every village granted to the viewer when
    the focus is one of several, else the focus alone."""
    granted = viewer().regions
    if focus.code not in granted or len(granted) < 2:
        return [focus.code]
    leaves = []
    for code in granted:
        region = get_region(conn, code)
        if region is not None and not region.has_children:
            leaves.append(code)
    return leaves if focus.code in leaves else [focus.code]


def leaf_map(conn: Connection, focus: Region, window: Window) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(regions, their metrics, the map's title prefix) for a village focus."""
    codes = leaf_codes(conn, focus)
    regions = regions_of(conn, codes)
    pairs = zip(regions["code"], regions["name"], strict=True)
    metrics = pd.DataFrame(
        [own_metrics(code, name, load_kpis(conn, scope_for(conn, code), window)) for code, name in pairs]
    )
    title = f"所辖{regions['level_label'].iloc[0]}" if len(codes) > 1 else focus.name
    return regions, metrics, title
