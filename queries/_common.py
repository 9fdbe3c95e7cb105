"""Building blocks shared by the query modules (not questions themselves)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Label,
    Select,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
)

from cockpit.store.schema import regions
from cockpit.timewindow import TZ, Window


def within(column: ColumnElement, window: Window) -> ColumnElement[bool]:
    """``column`` falls in the window's half-open interval [start, end)."""
    return and_(column >= window.start, column < window.end)


def with_place_names(from_: FromClause, village_code: ColumnElement) -> tuple[FromClause, list[Label]]:
    """``from_`` joined to the village of ``village_code`` and its parent (the
    town), and the columns village_name and town_name (None at the top) that
    record lists show."""
    village, town = regions.alias("village"), regions.alias("town")
    joined = from_.join(village, village.c.code == village_code).outerjoin(
        town, town.c.code == village.c.parent_code
    )
    return joined, [village.c.name.label("village_name"), town.c.name.label("town_name")]


def count_if(condition: ColumnElement[bool]) -> ColumnElement:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), 0 on no rows."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def frame(
    rows: Iterable, columns: Sequence[str], ints: Sequence[str] = (), floats: Sequence[str] = ()
) -> pd.DataFrame:
    """A DataFrame with counts as int64 and measures as float64 on every
    database (MySQL returns SUM() as Decimal, PostgreSQL as bigint)."""
    df = pd.DataFrame(list(rows), columns=list(columns))
    for column in ints:
        df[column] = pd.to_numeric(df[column]).fillna(0).astype("int64")
    for column in floats:
        df[column] = pd.to_numeric(df[column]).astype("float64")
    return df


def to_local(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Convert aware UTC datetime columns to Asia/Shanghai for display."""
    for column in columns:
        df[column] = pd.to_datetime(df[column], utc=True).dt.tz_convert(TZ)
    return df


def share(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def percentiles(
    conn: Connection,
    value: ColumnElement,
    group: ColumnElement | None,
    where: ColumnElement[bool],
    from_: Select | None = None,
    ps: Sequence[float] = (0.5, 0.9),
) -> pd.DataFrame:
    """Exact percentiles of ``value`` per ``group``, computed in the database.

    Linear interpolation between the two nearest ranks (numpy's default):
    for n values sorted ascending, percentile p sits at position (n-1)*p.
    The database numbers each group's rows in order (window functions, which
    SQLite, PostgreSQL and MariaDB all have) and returns only the one or two
    rows around each position, so no more than 2*len(ps) rows per group leave
    the database. Returns columns ``group`` and ``p50``, ``p90`` (for
    ps=(0.5, 0.9)), in the unit of ``value``.
    """
    group_expr = group if group is not None else literal_column("'all'")
    inner = select(
        group_expr.label("grp"),
        value.label("v"),
        func.row_number().over(partition_by=group_expr, order_by=value).label("rn"),
        func.count().over(partition_by=group_expr).label("n"),
    ).where(where)
    if from_ is not None:
        inner = inner.select_from(from_)
    ranked = inner.subquery()
    near = [func.abs(ranked.c.rn - ((ranked.c.n - 1) * p + 1)) < 1 for p in ps]
    rows = conn.execute(select(ranked.c.grp, ranked.c.v, ranked.c.rn, ranked.c.n).where(or_(*near))).all()
    df = pd.DataFrame(rows, columns=["grp", "v", "rn", "n"])
    names = [f"p{round(p * 100)}" for p in ps]
    if df.empty:
        return pd.DataFrame(columns=["group", *names])
    df["v"] = pd.to_numeric(df["v"]).astype(float)
    df["rn"] = pd.to_numeric(df["rn"]).astype(int)
    df["n"] = pd.to_numeric(df["n"]).astype(int)
    out = []
    for grp, part in df.groupby("grp", sort=True):
        n = int(part["n"].iloc[0])
        values = dict(zip(part["rn"], part["v"], strict=True))
        record = {"group": grp}
        for p, name in zip(ps, names, strict=True):
            pos = (n - 1) * p
            lo, hi = math.floor(pos), math.ceil(pos)
            v_lo, v_hi = values[lo + 1], values[hi + 1]
            record[name] = v_lo + (v_hi - v_lo) * (pos - lo)
        out.append(record)
    return pd.DataFrame(out, columns=["group", *names])


def local_days(window: Window) -> list[date]:
    """Every local calendar day the window touches, in order."""
    first = window.start.astimezone(TZ).date()
    last = (window.end.astimezone(TZ) - timedelta(microseconds=1)).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def trend_periods(window: Window, freq: str, data_days: Iterable[date] = ()) -> list[date]:
    """Every period (day, ISO week or month, by its first day) the window
    touches, in order. For the all-time window ("全部", which starts long
    before any data) the list begins at the first period holding one of
    ``data_days`` (at the window's last period when none does), so a trend
    shows the store's history, not decades of empty months before it."""
    days = local_days(window)
    first, last = days[0], days[-1]
    if window.preset == "all":
        held = [d for d in data_days if first <= d <= last]
        first = min(held, default=last)
    periods, period = [], period_of(first, freq)
    while period <= last:
        periods.append(period)
        period = period_of(period + timedelta(days=_PERIOD_DAYS[freq]), freq)
    return periods


# A step that lands inside the next period, whatever the period's length.
_PERIOD_DAYS = {"day": 1, "week": 7, "month": 31}


def period_of(day: date, freq: str) -> date:
    """The first day of the day / ISO week (Monday) / month ``day`` is in."""
    if freq == "day":
        return day
    if freq == "week":
        return day - timedelta(days=day.weekday())
    if freq == "month":
        return day.replace(day=1)
    raise ValueError(f"freq must be day, week or month, not {freq!r}")
