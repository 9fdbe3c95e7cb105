"""Residents' satisfaction (群众满意度) with closed petitions.

A resident rates a petition when it is handled (群众反馈): 3 满意 satisfied,
2 基本满意 basically satisfied, 1 不满意 not satisfied (cockpit.lifecycle
SATISFACTION). ``petitions.satisfaction`` holds the latest rating: after a
reopening, the new rating replaces the old one.

Every figure here counts the petitions **received in the window and closed**
(at any time up to now): a rating given while the petition is still open
(待反馈, or reopened) counts once it is closed. The satisfaction rate (满意率)
is (满意 + 基本满意) / rated, the usual reading in the government petition
reports; the rated share (参评率) is rated / closed. Definitions:
docs/metrics.md, "Inspector analytics".
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import ColumnElement, Connection, and_, func, select

from cockpit.lifecycle import HANDLING_LEVEL_ORDER, HANDLING_LEVELS
from cockpit.store.schema import petitions, regions
from cockpit.timewindow import Window
from queries._common import count_if, frame, share, within
from queries.scope import Scope, child_of_village, in_scope

SATISFIED, BASIC, UNSATISFIED = 3, 2, 1

COUNTS = ["closed", "rated", "satisfied", "basic", "unsatisfied"]
CHILD_COLUMNS = ["child_code", "child_name", *COUNTS, "satisfaction_rate", "rated_share"]
UNIT_COLUMNS = [
    "handling_unit", "level", "level_label", "rated", "satisfied", "basic", "unsatisfied",
    "satisfaction_rate",
]  # fmt: skip
SUMMARY_COLUMNS = [*COUNTS, "satisfaction_rate", "rated_share"]

_rating = petitions.c.satisfaction


def _counts() -> list[ColumnElement]:
    return [
        func.count().label("closed"),
        count_if(_rating.in_((SATISFIED, BASIC, UNSATISFIED))).label("rated"),
        count_if(_rating == SATISFIED).label("satisfied"),
        count_if(_rating == BASIC).label("basic"),
        count_if(_rating == UNSATISFIED).label("unsatisfied"),
    ]


def _closed_in_window(window: Window) -> ColumnElement[bool]:
    return and_(within(petitions.c.received_at, window), petitions.c.closed_at.is_not(None))


def _with_rates(df: pd.DataFrame) -> pd.DataFrame:
    df["satisfaction_rate"] = [
        share(s + b, r) for s, b, r in zip(df["satisfied"], df["basic"], df["rated"], strict=True)
    ]
    if "closed" in df:
        df["rated_share"] = [share(r, c) for r, c in zip(df["rated"], df["closed"], strict=True)]
    return df


def satisfaction_summary(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    """How satisfied are residents with the scope's petitions of the window?

    One row: closed, rated, satisfied (满意), basic (基本满意), unsatisfied
    (不满意), satisfaction_rate ((satisfied + basic) / rated, NaN when none is
    rated), rated_share (rated / closed, NaN when none is closed).
    """
    query = select(*_counts()).where(in_scope(petitions.c.village_code, scope), _closed_in_window(window))
    df = frame(conn.execute(query).all(), COUNTS, ints=COUNTS)
    return _with_rates(df)[SUMMARY_COLUMNS]


def satisfaction_by_child(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    """How satisfied are residents in each direct child region of the scope?

    One row per child region, every child listed (zeros when it has nothing),
    ordered as the store orders regions; a scope without children (a village)
    gives one row, the region itself. Columns: child_code, child_name, closed,
    rated, satisfied, basic, unsatisfied, satisfaction_rate, rated_share (as
    satisfaction_summary).
    """
    order = (regions.c.sort_order, regions.c.code)
    children = conn.execute(
        select(regions.c.code, regions.c.name)
        .where(regions.c.parent_code == scope.region_code)
        .order_by(*order)
    ).all()
    if children:
        mapping = child_of_village(scope).subquery()
        key = mapping.c.child_code
        source = petitions.join(mapping, mapping.c.village_code == petitions.c.village_code)
        where = _closed_in_window(window)
    else:
        children = conn.execute(
            select(regions.c.code, regions.c.name).where(regions.c.code == scope.region_code)
        ).all()
        key = petitions.c.village_code
        source = petitions
        where = and_(petitions.c.village_code == scope.region_code, _closed_in_window(window))
    counts = frame(
        conn.execute(select(key, *_counts()).select_from(source).where(where).group_by(key)).all(),
        ["child_code", *COUNTS],
        ints=COUNTS,
    )
    base = pd.DataFrame(children, columns=["child_code", "child_name"])
    df = base.merge(counts, on="child_code", how="left")
    df[COUNTS] = df[COUNTS].fillna(0).astype("int64")
    return _with_rates(df)[CHILD_COLUMNS]


def satisfaction_by_unit(
    conn: Connection, scope: Scope, window: Window, limit: int = 50, min_rated: int = 1
) -> pd.DataFrame:
    """Which handling units leave residents least satisfied?

    A unit is the petition's final handling unit and level (who closed it).
    One row per (unit, level) with at least ``min_rated`` rated petitions
    (default 1: a unit nobody rated has no rate). Columns: handling_unit,
    level, level_label, rated, satisfied, basic, unsatisfied,
    satisfaction_rate. Worst first: satisfaction_rate ascending, then rated
    descending, then unit name, then level order. The first ``limit`` rows.
    """
    rated = count_if(_rating.in_((SATISFIED, BASIC, UNSATISFIED)))
    query = (
        select(petitions.c.handling_unit, petitions.c.handling_level, *_counts()[1:])
        .where(in_scope(petitions.c.village_code, scope), _closed_in_window(window))
        .group_by(petitions.c.handling_unit, petitions.c.handling_level)
        .having(rated >= max(min_rated, 1))
    )
    counts = ["rated", "satisfied", "basic", "unsatisfied"]
    df = frame(conn.execute(query).all(), ["handling_unit", "level", *counts], ints=counts)
    df = _with_rates(df)
    df["level_label"] = df["level"].map(lambda x: HANDLING_LEVELS.get(x, x))
    # Ranked in Python: the databases collate Chinese names differently.
    df["_rank"] = df["level"].map(
        lambda x: HANDLING_LEVEL_ORDER.index(x) if x in HANDLING_LEVEL_ORDER else len(HANDLING_LEVEL_ORDER)
    )
    df = df.sort_values(
        ["satisfaction_rate", "rated", "handling_unit", "_rank"],
        ascending=[True, False, True, True],
        kind="mergesort",
    )
    return df.head(limit).reset_index(drop=True)[UNIT_COLUMNS]
