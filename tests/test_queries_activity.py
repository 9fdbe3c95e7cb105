"""The wall screen's ticker and today's counts (queries.activity) against
tests/fixture_city.py, worked out by hand; on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import pytest

from queries import activity as q
from queries.scope import Scope
from tests.fixture_city import CITY, NOW, V4
from tests.viewers import KIOSK


def test_the_newest_events_mix_petitions_and_warnings_newest_first(city):
    with city.connect() as conn:
        df = q.newest_activity(conn, Scope(CITY, KIOSK), limit=5)
    rows = [
        (r.at.strftime("%m-%d %H:%M"), r.kind, r.town_name, r.village_name, r.category, r.rule_code, r.colour,
         r.amount_band)
        for r in df.itertuples(index=False)
    ]  # fmt: skip
    # P9 11-20 08:00; W6 11-19 10:00 (red, 6,000 yuan); P5 11-18 09:00; W1 11-15 09:00 (red,
    # 1,000 yuan: the band starts at 1,000); P7 11-12 09:00. Then P6 (11-10 14:00) and W2 (11-10 09:00).
    assert rows == [
        ("11-20 08:00", "petition", "乙镇", "三村", "村务", "", "", ""),
        ("11-19 10:00", "warning", "乙镇", "三村", "公章使用", "R-06", "red", "1千至1万元"),
        ("11-18 09:00", "petition", "甲镇", "一村", "环境", "", "", ""),
        ("11-15 09:00", "warning", "甲镇", "一村", "村级用工", "R-01", "red", "1千至1万元"),
        ("11-12 09:00", "petition", "甲镇", "二村", "低保", "", "", ""),
    ]
    # Nothing a kiosk may not see: no id, title, summary, reporter or amount.
    assert list(df.columns) == q.ACTIVITY_COLUMNS


def test_the_newest_events_stay_in_scope(city):
    with city.connect() as conn:
        df = q.newest_activity(conn, Scope(V4), limit=10)
    # 四村: P11 (11-06), P12 (09-01); W5 (09-20, red, 5,000 yuan).
    assert [(r.kind, r.at.strftime("%m-%d")) for r in df.itertuples(index=False)] == [
        ("petition", "11-06"),
        ("warning", "09-20"),
        ("petition", "09-01"),
    ]
    assert set(df["village_name"]) == {"四村"}


def test_today_counts_what_happened_since_local_midnight(city):
    with city.connect() as conn:
        counts = q.today_counts(conn, Scope(CITY), NOW)
    # Now is 11-20 12:00: P9 came in at 08:00; no warning was raised or disposed today.
    assert counts == {"received": 1, "raised": 0, "disposed": 0}


@pytest.mark.parametrize(
    "amount, band",
    [
        (None, ""),
        (float("nan"), ""),
        (0, "千元以下"),
        (999.99, "千元以下"),
        (1000, "1千至1万元"),
        (9999.99, "1千至1万元"),
        (10000, "1万至5万元"),
        (49999, "1万至5万元"),
        (50000, "5万至20万元"),
        (199999.99, "5万至20万元"),
        (200000, "20万元以上"),
        (12_000_000, "20万元以上"),
    ],
)
def test_an_amount_falls_in_one_band(amount, band):
    assert q.amount_band(amount) == band
