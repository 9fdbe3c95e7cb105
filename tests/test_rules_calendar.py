"""The shared working-day calendar (cockpit/rules/calendar.py): public
holidays and make-up working days from the State Council notices, worked by
hand against the notices, and the fallback outside the covered years."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy import Engine, insert

from cockpit.rules import calendar
from cockpit.rules.calendar import (
    COVERED_YEARS,
    CalendarError,
    is_holiday,
    is_working_day,
    load_calendar,
    working_days_between,
)
from cockpit.rules.engine import backtest
from cockpit.store.records import public_queries, seal_uses
from tests import fixture_city, fixture_records
from tests.fixture_city import NOW, V1, V2
from tests.fixture_records import UPDATED


def test_it_covers_2025_and_2026():
    assert COVERED_YEARS == (2025, 2026)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 1),  # 元旦, Wednesday, no make-up day
        date(2025, 1, 28),  # 春节 from 除夕
        date(2025, 2, 4),
        date(2025, 5, 5),  # 劳动节, Monday
        date(2025, 10, 8),  # 国庆节、中秋节, 8 days
        date(2026, 1, 3),  # 元旦, a Saturday inside the holiday
        date(2026, 2, 15),  # 春节 from 腊月二十八, a Sunday
        date(2026, 2, 23),  # 正月初七, Monday
        date(2026, 4, 6),  # 清明节, Monday
        date(2026, 5, 5),  # 劳动节, Tuesday
        date(2026, 6, 19),  # 端午节, Friday
        date(2026, 9, 25),  # 中秋节, Friday
        date(2026, 10, 7),  # 国庆节, Wednesday
    ],
)
def test_a_public_holiday_is_a_rest_day(day):
    assert is_holiday(day) and not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 26),  # Sunday before 春节
        date(2025, 2, 8),  # Saturday after 春节
        date(2025, 4, 27),  # Sunday before 劳动节
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 1, 4),  # Sunday after 元旦
        date(2026, 2, 14),  # Saturday before 春节
        date(2026, 2, 28),
        date(2026, 5, 9),  # Saturday after 劳动节
        date(2026, 9, 20),  # Sunday before 国庆节
        date(2026, 10, 10),  # Saturday after 国庆节
    ],
)
def test_a_make_up_weekend_day_is_a_working_day(day):
    assert day.weekday() >= 5
    assert is_working_day(day) and not is_holiday(day)


def test_plain_days_follow_the_week():
    assert is_working_day(date(2026, 11, 13))  # Friday
    assert not is_working_day(date(2026, 11, 14))  # Saturday
    assert not is_working_day(date(2026, 11, 15))  # Sunday
    assert not is_holiday(date(2026, 11, 14))  # a weekend is not a holiday
    assert is_working_day(date(2025, 12, 31))


def test_the_notices_count_of_rest_days():
    """2025: 元旦 1 + 春节 8 + 清明 3 + 劳动 5 + 端午 3 + 国庆中秋 8 = 28;
    2026: 3 + 9 + 3 + 5 + 3 + 3 + 7 = 33."""
    for year, rest in ((2025, 28), (2026, 33)):
        days = [
            date.fromordinal(n) for n in range(date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal())
        ]
        assert sum(map(is_holiday, days)) == rest


def test_working_days_between_counts_after_start_up_to_end():
    monday, friday = date(2026, 11, 9), date(2026, 11, 13)
    assert working_days_between(monday, friday) == 4
    assert working_days_between(friday, friday) == 0
    assert working_days_between(friday, monday) == 0
    assert working_days_between(friday, date(2026, 11, 16)) == 1  # over a weekend
    # 国庆节 2026: 10-01..07 rest, 08 Thu, 09 Fri, 10 Sat (make-up), 11 Sun, 12 Mon
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4
    # 春节 2026: Fri 02-13, make-up Sat 02-14, rest 02-15..23, Tue 02-24
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    # across the year end: Wed 2025-12-31, 2026-01-01..03 rest, Sun 01-04 make-up, Mon 01-05
    assert working_days_between(date(2025, 12, 30), date(2026, 1, 5)) == 3


def test_outside_the_covered_years_weekends_rest_and_it_warns_once(caplog):
    calendar._warn_uncovered.cache_clear()
    with caplog.at_level(logging.WARNING, logger="cockpit.rules.calendar"):
        assert not is_holiday(date(2027, 1, 1))  # unknown: no holidays
        assert is_working_day(date(2027, 1, 1))  # a Friday
        assert not is_working_day(date(2027, 1, 2))  # a Saturday
        assert working_days_between(date(2027, 1, 1), date(2027, 1, 8)) == 5
    warned = [r for r in caplog.records if "2027" in r.getMessage()]
    assert len(warned) == 1


def write(tmp_path, body: str):
    path = tmp_path / "calendar.yaml"
    path.write_text(body, encoding="utf-8")
    return path


GOOD_YEAR = """
years:
  2026:
    source: a notice
    holidays:
      - {name: 元旦, from: 2026-01-01, to: 2026-01-03, days: 3}
    workdays: [2026-01-04]
"""


def test_the_shipped_file_and_a_good_one_load(tmp_path):
    holidays, workdays = load_calendar(write(tmp_path, GOOD_YEAR))
    assert holidays == {2026: frozenset({date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)})}
    assert workdays == {2026: frozenset({date(2026, 1, 4)})}
    assert set(load_calendar()[0]) == set(COVERED_YEARS)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("days: 3", "days: 4"), "spans 3 days, the notice says 4"),
        (("[2026-01-04]", "[2026-01-05]"), "must be weekend days"),
        (("[2026-01-04]", "[2026-01-03]"), "both holiday and working day"),
        (("to: 2026-01-03", "to: 2027-01-03"), "is not a date in 2026"),
        (("source: a notice", "source: ''"), "expected a year with source"),
    ],
)
def test_a_bad_calendar_is_refused(tmp_path, change, message):
    with pytest.raises(CalendarError, match=message):
        load_calendar(write(tmp_path, GOOD_YEAR.replace(*change)))


# ---- the rules that use it: SEAL-02 and QRY-01, on every database ----------


def at(month: int, day: int, hour: int = 0, minute: int = 0):
    return fixture_city.local(month, day, hour, minute)


SEALS = [
    ("C1", at(2, 14, 10)),  # make-up Saturday before 春节, office hours: clean
    ("C2", at(10, 10, 19)),  # make-up Saturday after 国庆节, 19:00: out of hours
    ("C3", at(10, 2, 10)),  # 国庆节, a Friday
    ("C4", at(10, 11, 10)),  # a plain Sunday
    ("C5", at(1, 3, 10)),  # 元旦 on a Saturday: a holiday, not 周六
]

QUERIES = [
    # Tue 09-29 to Mon 10-12: 09-30, 10-08, 10-09, 10-10 (make-up), 10-12 = 5: clean
    ("QC1", at(9, 29, 10), at(10, 12, 10)),
    # Tue 02-10 to Wed 02-25: 02-11..13, 02-14 (make-up), 02-24, 02-25 = 6: late
    ("QC2", at(2, 10, 10), at(2, 25, 10)),
]


@pytest.fixture
def store(engine: Engine) -> Engine:
    with engine.begin() as conn:
        fixture_city.load(conn)
        fixture_records.load(conn)
        conn.execute(
            insert(seal_uses),
            [
                {"external_id": ext, "village_code": V1, "matter": "开具证明", "applicant": "张三",
                 "approved_at": used, "used_at": used, "updated_at": UPDATED}
                for ext, used in SEALS
            ],
        )  # fmt: skip
        conn.execute(
            insert(public_queries),
            [
                {"external_id": ext, "village_code": V2, "disclosure_id": None, "question": "节前质询",
                 "asked_at": asked, "answered_at": answered, "updated_at": UPDATED}
                for ext, asked, answered in QUERIES
            ],
        )  # fmt: skip
    return engine


def titles(engine: Engine, code: str, params=None) -> dict[str, str]:
    with engine.connect() as conn:
        found = backtest(conn, code, params, now=NOW)
    return {f.subject_id: f.title for f in found if f.subject_id.startswith(("C", "QC"))}


def test_seal_use_on_a_make_up_saturday_is_judged_by_office_hours(store):
    assert titles(store, "SEAL-02") == {
        "C2": "公章于非工作时间（2026-10-10 19:00）用于「开具证明」",
        "C3": "公章于节假日（2026-10-02 10:00）用于「开具证明」",
        "C4": "公章于周日（2026-10-11 10:00）用于「开具证明」",
        "C5": "公章于节假日（2026-01-03 10:00）用于「开具证明」",
    }


def test_holidays_are_flagged_even_when_weekends_are_not(store):
    assert sorted(titles(store, "SEAL-02", {"weekends": 0})) == ["C2", "C3", "C5"]


def test_a_query_limit_counts_make_up_days_and_skips_holidays(store):
    assert titles(store, "QRY-01") == {
        "QC2": "质询「节前质询」2026-02-10 提出，2026-02-25 才答复，已 6 个工作日，超过 5 个工作日时限",
    }


def test_counting_weekends_still_leaves_out_holidays(store):
    # QC1: 09-30, 10-08 .. 10-12 = 6 days; QC2: 02-11 .. 02-14, 02-24, 02-25 = 6 days
    assert sorted(titles(store, "QRY-01", {"skip_weekends": 0})) == ["QC1", "QC2"]
