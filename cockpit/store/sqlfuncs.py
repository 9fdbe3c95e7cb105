"""Portable SQL expressions the cockpit's queries need.

Date arithmetic is the one place SQLite, PostgreSQL and MySQL/MariaDB disagree.
Each construct here compiles to the right SQL for each dialect, so query code
stays plain SQLAlchemy Core and runs unchanged everywhere. Timestamps are
stored as UTC (see schema.UTCDateTime); Asia/Shanghai is UTC+8 all year (no
daylight saving since 1991), so a local day is the UTC time shifted 8 hours.
"""

from __future__ import annotations

from sqlalchemy import Date, Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

LOCAL_UTC_OFFSET_HOURS = 8  # Asia/Shanghai


class seconds_between(FunctionElement):  # noqa: N801 - reads like a SQL function
    """``end - start`` in seconds, as a float (NULL if either is NULL)."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"

    def __init__(self, start: ColumnElement, end: ColumnElement):
        super().__init__(start, end)


class local_day(FunctionElement):  # noqa: N801
    """The calendar date of a UTC timestamp in Asia/Shanghai."""

    type = Date()
    inherit_cache = True
    name = "local_day"

    def __init__(self, ts: ColumnElement):
        super().__init__(ts)


def _args(element, compiler, **kw) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


@compiles(seconds_between)
def _seconds_between_default(element, compiler, **kw):
    start, end = _args(element, compiler, **kw)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


@compiles(seconds_between, "sqlite")
def _seconds_between_sqlite(element, compiler, **kw):
    start, end = _args(element, compiler, **kw)
    # julianday is a double; rounding to the millisecond removes its noise so
    # exactly five days compares equal to 432000.
    return f"ROUND((julianday({end}) - julianday({start})) * 86400.0, 3)"


@compiles(seconds_between, "mysql")
@compiles(seconds_between, "mariadb")
def _seconds_between_mysql(element, compiler, **kw):
    start, end = _args(element, compiler, **kw)
    return f"(TIMESTAMPDIFF(MICROSECOND, {start}, {end}) / 1000000.0)"


@compiles(local_day)
def _local_day_default(element, compiler, **kw):
    (ts,) = _args(element, compiler, **kw)
    return f"CAST(({ts} AT TIME ZONE 'Asia/Shanghai') AS DATE)"


@compiles(local_day, "sqlite")
def _local_day_sqlite(element, compiler, **kw):
    (ts,) = _args(element, compiler, **kw)
    return f"date({ts}, '+{LOCAL_UTC_OFFSET_HOURS} hours')"


@compiles(local_day, "mysql")
@compiles(local_day, "mariadb")
def _local_day_mysql(element, compiler, **kw):
    (ts,) = _args(element, compiler, **kw)
    return f"DATE(DATE_ADD({ts}, INTERVAL {LOCAL_UTC_OFFSET_HOURS} HOUR))"
