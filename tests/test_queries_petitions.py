"""Petition metrics against figures worked out by hand on tests/fixture_city.py.

Each test runs on SQLite, PostgreSQL and MariaDB (the ``city`` fixture)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from queries import petitions as q
from queries.scope import Scope
from tests.fixture_city import CITY, EAST, JIA, NOW, QINGLAN, V1, V2, V3, window


def rows(df):
    return df.to_dict("records")


def test_it_counts_petitions_received_in_the_window_and_today(city):
    with city.connect() as conn:
        df = q.count_received(conn, Scope(CITY), window())
    # P1-P7, P9, P10, P11 in the window (P8 is 30 minutes early, P12 in September); P9 today.
    assert rows(df) == [{"received": 10, "received_today": 1}]


def test_it_counts_the_open_backlog_and_its_overdue_part(city):
    with city.connect() as conn:
        df = q.open_backlog(conn, Scope(CITY), NOW)
    # Open: P4, P5, P9, P12. Past their limit: P4 (due 11-10) and P12 (due 09-06).
    assert rows(df) == [{"open": 4, "overdue": 2}]


def test_it_computes_the_share_closed_within_5_days(city):
    with city.connect() as conn:
        df = q.share_closed_within_5_days(conn, Scope(CITY), window())
    # Within: P1, P2 (exactly 120 h), P6, P10, P11. In progress: P5, P9.
    # Late: P3 (144 h), P4 (open, 15 days), P7 (168 h). Share = 5 / (10 - 2).
    assert rows(df) == [{"received": 10, "closed_within": 5, "late": 3, "in_progress": 2, "share": 0.625}]


def test_the_share_is_limited_to_the_scope(city):
    with city.connect() as conn:
        town = q.share_closed_within_5_days(conn, Scope(JIA), window())
        village = q.share_closed_within_5_days(conn, Scope(V3), window())
    # 甲镇: P1-P7; within P1, P2, P6; in progress P5; late P3, P4, P7.
    assert rows(town) == [{"received": 7, "closed_within": 3, "late": 3, "in_progress": 1, "share": 0.5}]
    # 三村: P9 in progress, P10 within.
    assert rows(village) == [{"received": 2, "closed_within": 1, "late": 0, "in_progress": 1, "share": 1.0}]


def test_the_share_is_nan_when_no_outcome_is_known(city):
    from cockpit.timewindow import custom_window

    with city.connect() as conn:
        df = q.share_closed_within_5_days(
            conn, Scope(V3), custom_window(date(2026, 11, 20), date(2026, 11, 20), NOW)
        )
    # Only P9, still in progress.
    assert df.loc[0, ["received", "closed_within", "late", "in_progress"]].tolist() == [1, 0, 0, 1]
    assert math.isnan(df.loc[0, "share"])


def test_the_weekly_trend_has_every_week_and_the_right_shares(city):
    with city.connect() as conn:
        df = q.share_closed_within_5_days_trend(conn, Scope(CITY), window(), freq="week")
    got = rows(df)
    # Weeks start on Monday; 11-01 is a Sunday, so the window touches four weeks.
    assert [r["period"] for r in got] == [
        date(2026, 10, 26),
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
    ]
    # 10-26: P10. 11-02: P1, P2, P11 within; P3, P4 late.
    # 11-09: P6 within, P7 late. 11-16: P5, P9 in progress.
    assert [(r["received"], r["closed_within"], r["late"], r["in_progress"]) for r in got] == [
        (1, 1, 0, 0),
        (5, 3, 2, 0),
        (2, 1, 1, 0),
        (2, 0, 0, 2),
    ]
    assert [r["share"] for r in got[:3]] == [1.0, 0.6, 0.5]
    assert math.isnan(got[3]["share"])


def test_the_daily_trend_counts_days_in_shanghai_time(city):
    with city.connect() as conn:
        df = q.share_closed_within_5_days_trend(conn, Scope(CITY), window(), freq="day")
    assert len(df) == 20
    by_day = {r["period"]: r["received"] for r in rows(df)}
    # P10 at 00:00 local on 11-01 (16:00 UTC on 10-31) belongs to 11-01.
    assert by_day[date(2026, 11, 1)] == 1
    assert by_day[date(2026, 11, 20)] == 1
    assert sum(by_day.values()) == 10


def test_the_all_time_trend_starts_at_the_first_month_with_petitions(city):
    from cockpit.timewindow import preset_window

    with city.connect() as conn:
        df = q.share_closed_within_5_days_trend(conn, Scope(CITY), preset_window("all", NOW), freq="month")
        total = q.share_closed_within_5_days(conn, Scope(CITY), preset_window("all", NOW))
    # 全部 starts in 1980; the trend starts at P12's September, not 1980.
    # 09: P12 open and late. 10: P8 within (10.5 h). 11: as in the window.
    columns = ["period", "received", "closed_within", "late", "in_progress"]
    assert [tuple(r[c] for c in columns) for r in rows(df)] == [
        (date(2026, 9, 1), 1, 0, 1, 0),
        (date(2026, 10, 1), 1, 1, 0, 0),
        (date(2026, 11, 1), 10, 5, 3, 2),
    ]
    assert rows(total) == [{"received": 12, "closed_within": 6, "late": 4, "in_progress": 2, "share": 0.6}]


def test_it_ranks_the_high_frequency_items(city):
    with city.connect() as conn:
        df = q.top_categories(conn, Scope(CITY), window())
    got = rows(df)
    assert [(r["category"], r["received"], r["share_of_received"], r["closed_within"]) for r in got] == [
        ("道路", 4, 0.4, 3),
        ("环境", 3, 0.3, 2),
        ("低保", 2, 0.2, 0),
        ("村务", 1, 0.1, 0),
    ]
    # 道路: 3 within of 4 decided. 环境: P5 in progress, 2 of 2. 低保: 0 of 2. 村务: nothing decided.
    assert [r["share_5d"] for r in got[:3]] == [0.75, 1.0, 0.0]
    assert math.isnan(got[3]["share_5d"])


def test_top_categories_honours_the_limit(city):
    with city.connect() as conn:
        df = q.top_categories(conn, Scope(CITY), window(), limit=2)
    assert df["category"].tolist() == ["道路", "环境"]


def test_it_buckets_handling_times(city):
    with city.connect() as conn:
        df = q.handling_time_distribution(conn, Scope(CITY), window())
    # Closed in the window: 6, 24, 24, 36, 120, 144, 168 hours.
    assert [(r["bucket"], r["count"]) for r in rows(df)] == [
        ("0-1", 3),
        ("1-2", 1),
        ("2-3", 0),
        ("3-5", 1),
        ("5-10", 2),
        ("10-15", 0),
        ("15+", 0),
    ]
    assert df["label"].tolist()[0] == "1天内"


def test_it_summarises_handling_times_with_exact_percentiles(city):
    with city.connect() as conn:
        df = q.handling_time_summary(conn, Scope(CITY), window())
    got = rows(df)[0]
    # Sorted hours 6, 24, 24, 36, 120, 144, 168: median 36; p90 at position 5.4 = 144 + 0.4 * 24.
    assert got["closed"] == 7
    assert got["median_hours"] == pytest.approx(36)
    assert got["p90_hours"] == pytest.approx(153.6)
    assert got["mean_hours"] == pytest.approx(522 / 7)


def test_the_summary_is_nan_when_nothing_is_closed(city):
    with city.connect() as conn:
        df = q.handling_time_summary(conn, Scope(V3), window())
    # 三村: P10 closed in 36 h only.
    assert df.loc[0, "closed"] == 1 and df.loc[0, "median_hours"] == pytest.approx(36)
    from cockpit.timewindow import custom_window

    with city.connect() as conn:
        empty = q.handling_time_summary(
            conn, Scope(V3), custom_window(date(2026, 11, 20), date(2026, 11, 20), NOW)
        )
    assert empty.loc[0, "closed"] == 0 and math.isnan(empty.loc[0, "median_hours"])


def test_it_compares_child_regions_at_any_depth(city):
    with city.connect() as conn:
        counties = q.child_region_metrics(conn, Scope(CITY), window())
        villages = q.child_region_metrics(conn, Scope(JIA), window())
    east, qinglan = rows(counties)
    assert (east["code"], east["name"]) == (EAST, "东区")
    # 东区: P1-P7, P9, P10. Within P1, P2, P6, P10; in progress P5, P9; late P3, P4, P7.
    assert (east["received"], east["closed_within"], east["late"], east["in_progress"]) == (9, 4, 3, 2)
    assert east["share_5d"] == pytest.approx(4 / 7)
    assert (east["open"], east["overdue"]) == (3, 1)
    # Closed hours 6, 24, 36, 120, 144, 168: median halfway between 36 and 120.
    assert east["median_hours"] == pytest.approx(78)
    assert (east["red"], east["yellow"], east["green"]) == (2, 1, 2)
    assert qinglan["code"] == QINGLAN
    assert (qinglan["received"], qinglan["share_5d"], qinglan["open"], qinglan["overdue"]) == (1, 1.0, 1, 1)
    assert (qinglan["red"], qinglan["yellow"], qinglan["green"]) == (1, 0, 0)
    one, two = rows(villages)
    assert (one["code"], one["received"], one["closed_within"], one["in_progress"], one["share_5d"]) == (
        V1,
        5,
        2,
        1,
        0.5,
    )
    assert (two["code"], two["received"], two["share_5d"], two["open"]) == (V2, 2, 0.5, 0)
    assert math.isnan(two["median_hours"]) is False and two["median_hours"] == pytest.approx(87)


def test_child_metrics_list_quiet_children_with_zeros(city):
    from cockpit.timewindow import custom_window

    with city.connect() as conn:
        df = q.child_region_metrics(conn, Scope(JIA), custom_window(date(2026, 1, 1), date(2026, 1, 2), NOW))
    assert df["code"].tolist() == [V1, V2]
    assert df["received"].tolist() == [0, 0]
    assert df["open"].tolist() == [2, 0]
    assert df["share_5d"].isna().all()


def test_it_lists_a_villages_petitions_newest_first(city):
    with city.connect() as conn:
        df = q.village_petitions(conn, Scope(V1), window())
    assert df["external_id"].tolist() == ["P5", "P4", "P3", "P2", "P1"]
    by_id = {r["external_id"]: r for r in rows(df)}
    assert by_id["P2"]["handling_hours"] == pytest.approx(120) and by_id["P2"]["within_5d"] is True
    assert by_id["P3"]["within_5d"] is False
    assert by_id["P4"]["within_5d"] is False and by_id["P4"]["overdue"] is True
    assert by_id["P5"]["within_5d"] is None and by_id["P5"]["overdue"] is False
    assert by_id["P4"]["status_label"] == "办理中"
    assert str(by_id["P1"]["received_at"]) == "2026-11-02 09:00:00+08:00"


def test_it_shows_a_petitions_trail(city):
    with city.connect() as conn:
        petition = q.get_petition(conn, Scope(CITY), 7)
        trail = q.petition_trail(conn, Scope(CITY), 7)
        missing = q.get_petition(conn, Scope(CITY), 999)
    assert petition["external_id"] == "P7" and petition["village_name"] == "二村"
    assert petition["handling_level"] == "town" and petition["status"] == "closed"
    assert trail["kind"].tolist() == ["received", "escalated", "resolved", "closed"]
    assert trail["level"].tolist() == ["village", "town", "town", "town"]
    assert trail["kind_label"].tolist()[1] == "上报上级"
    assert missing is None


def test_village_code_scope_on_another_branch_sees_nothing_of_this_one(city):
    with city.connect() as conn:
        df = q.count_received(conn, Scope(V2), window())
        other = q.count_received(conn, Scope(QINGLAN), window())
    assert rows(df) == [{"received": 2, "received_today": 0}]
    assert rows(other) == [{"received": 1, "received_today": 0}]


def test_a_scope_without_petitions_gives_zeros(city):
    with city.connect() as conn:
        df = q.share_closed_within_5_days(conn, Scope(V3 + "x"), window())
    assert df.loc[0, "received"] == 0 and math.isnan(df.loc[0, "share"])
