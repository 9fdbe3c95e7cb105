"""China's working-day calendar: public holidays and make-up working days (调休).

The dates are data (``calendar.yaml`` next to this file, one entry per year,
each naming the State Council notice it comes from) and are maintained yearly.
A day in a covered year is a working day when it is Monday to Friday and not a
public holiday, or when it is a make-up working day (a weekend day the notice
makes a working day). A day outside the covered years falls back to plain
weekends (Saturday and Sunday rest, no holidays), and a warning is logged once
per such year so a missing year is noticed.

The file is small and shipped with the code; it is read and checked once, at
import, so a bad entry fails loudly rather than miscounting deadlines.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CALENDAR_PATH = Path(__file__).with_name("calendar.yaml")

log = logging.getLogger(__name__)


class CalendarError(ValueError):
    """The calendar file has an entry that cannot be right."""


ByYear = dict[int, frozenset[date]]


def load_calendar(path: Path = CALENDAR_PATH) -> tuple[ByYear, ByYear]:
    """The holidays and the make-up working days in ``path``, by year; refuses
    a date outside its year, a range whose length differs from the notice's
    day count, a make-up day that is not a weekend day, or a day that is both."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("years"), dict):
        raise CalendarError(f"{path}: expected a mapping with 'years'")
    holidays: ByYear = {}
    workdays: ByYear = {}
    for year, entry in data["years"].items():
        where = f"{path}: {year}"
        if not isinstance(year, int) or not isinstance(entry, dict) or not entry.get("source"):
            raise CalendarError(f"{where}: expected a year with source, holidays and workdays")
        rest = set()
        for holiday in entry.get("holidays") or []:
            days = _holiday_days(where, year, holiday)
            rest.update(days)
        made_up = {_day(where, year, day) for day in entry.get("workdays") or []}
        weekday_made_up = sorted(day for day in made_up if day.weekday() < 5)
        if weekday_made_up:
            raise CalendarError(f"{where}: make-up working days must be weekend days: {weekday_made_up}")
        if rest & made_up:
            raise CalendarError(f"{where}: both holiday and working day: {sorted(rest & made_up)}")
        holidays[year], workdays[year] = frozenset(rest), frozenset(made_up)
    return holidays, workdays


def _day(where: str, year: int, value: Any) -> date:
    if not isinstance(value, date) or value.year != year:
        raise CalendarError(f"{where}: {value!r} is not a date in {year}")
    return value


def _holiday_days(where: str, year: int, holiday: Any) -> list[date]:
    if not isinstance(holiday, dict) or set(holiday) != {"name", "from", "to", "days"}:
        raise CalendarError(f"{where}: a holiday needs exactly name, from, to and days")
    first, last = _day(where, year, holiday["from"]), _day(where, year, holiday["to"])
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if len(days) != holiday["days"]:
        name, says = holiday["name"], holiday["days"]
        raise CalendarError(f"{where}: {name} spans {len(days)} days, the notice says {says}")
    return days


_HOLIDAYS, _WORKDAYS = load_calendar()

COVERED_YEARS: tuple[int, ...] = tuple(sorted(_HOLIDAYS))


@cache
def _warn_uncovered(year: int) -> None:
    log.warning(
        "working-day calendar has no %s (covers %s): Saturday and Sunday are taken as rest days, "
        "with no public holidays; add the year's State Council notice to %s",
        year,
        ", ".join(map(str, COVERED_YEARS)),
        CALENDAR_PATH.name,
    )


def is_holiday(day: date) -> bool:
    """A public holiday: a rest day by the year's notice (weekend days inside
    a holiday's range included). False outside the covered years."""
    if day.year not in _HOLIDAYS:
        _warn_uncovered(day.year)
        return False
    return day in _HOLIDAYS[day.year]


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday, or a make-up working day."""
    if day.year not in _HOLIDAYS:
        _warn_uncovered(day.year)
        return day.weekday() < 5
    if day in _WORKDAYS[day.year]:
        return True
    return day.weekday() < 5 and day not in _HOLIDAYS[day.year]


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when
    ``end`` is not after ``start``)."""
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count


__all__ = [
    "COVERED_YEARS",
    "CalendarError",
    "is_holiday",
    "is_working_day",
    "load_calendar",
    "working_days_between",
]
