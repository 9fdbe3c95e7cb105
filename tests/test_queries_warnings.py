"""Warning and region queries against figures worked out by hand on
tests/fixture_city.py, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd

from cockpit.rules.engine import evaluate
from cockpit.timewindow import custom_window
from queries import regions as r
from queries import warnings as q
from queries.scope import Scope
from tests import fixture_city, fixture_records
from tests.fixture_city import BING, CITY, EAST, JIA, NOW, QINGLAN, V1, V2, V3, V4, YI, window


def test_it_counts_red_yellow_and_green(city):
    with city.connect() as conn:
        df = q.warning_status_counts(conn, Scope(CITY), window())
    # Red now: W1, W5, W6. Yellow now: W2. Green in the window: W3 (11-08), W7 (11-02); W4 was in October.
    # Raised in the window: W1, W2, W3, W6. Overdue: W1 (due 11-18), W5 (due 09-27).
    assert df.to_dict("records") == [{"red": 3, "yellow": 1, "green": 2, "raised": 4, "overdue": 2}]


def test_red_and_yellow_are_the_live_queue_whatever_the_window(city):
    with city.connect() as conn:
        df = q.warning_status_counts(
            conn, Scope(CITY), custom_window(date(2026, 1, 1), date(2026, 1, 31), NOW)
        )
    assert df.to_dict("records") == [{"red": 3, "yellow": 1, "green": 0, "raised": 0, "overdue": 2}]


def test_the_counts_are_limited_to_the_scope(city):
    with city.connect() as conn:
        town = q.warning_status_counts(conn, Scope(JIA), window())
        county = q.warning_status_counts(conn, Scope(QINGLAN), window())
    assert town.to_dict("records") == [{"red": 1, "yellow": 1, "green": 2, "raised": 3, "overdue": 1}]
    assert county.to_dict("records") == [{"red": 1, "yellow": 0, "green": 0, "raised": 0, "overdue": 1}]


def test_the_red_queue_is_sorted_oldest_first_with_overdue_marked(city):
    with city.connect() as conn:
        df = q.warning_queue(conn, Scope(CITY), NOW, status="new")
    assert df["external_id"].tolist() == ["W5", "W1", "W6"]
    assert df["overdue"].tolist() == [True, True, False]
    assert df["colour"].unique().tolist() == ["red"]
    w1 = df[df["external_id"] == "W1"].iloc[0]
    # Raised 11-15 09:00, now 11-20 12:00: 5 days and 3 hours.
    assert w1["age_hours"] == 123
    assert (w1["village_name"], w1["town_name"], w1["owner_kind_label"]) == ("一村", "甲镇", "乡镇纪委")


def test_the_queue_filters_by_category_owner_and_overdue(city):
    with city.connect() as conn:
        labour = q.warning_queue(conn, Scope(CITY), NOW, category="村级用工")
        overdue = q.warning_queue(conn, Scope(CITY), NOW, overdue_only=True)
        nobody = q.warning_queue(conn, Scope(CITY), NOW, owner_kind="department")
        green = q.warning_queue(conn, Scope(EAST), NOW, status="disposed")
    assert labour["external_id"].tolist() == ["W3", "W1"]
    assert overdue["external_id"].tolist() == ["W5", "W1"]
    assert nobody.empty and list(nobody.columns) == q.WARNING_QUEUE_COLUMNS
    # Most recently disposed first: W3 (11-08), W7 (11-02), W4 (10-05).
    assert green["external_id"].tolist() == ["W3", "W7", "W4"]
    assert green.loc[green["external_id"] == "W3", "age_hours"].iloc[0] == 72


def test_it_counts_each_queue_under_the_filters(city):
    with city.connect() as conn:
        everything = q.warning_queue_counts(conn, Scope(CITY), NOW)
        labour = q.warning_queue_counts(conn, Scope(CITY), NOW, category="村级用工")
        overdue = q.warning_queue_counts(conn, Scope(JIA), NOW, overdue_only=True)
        nobody = q.warning_queue_counts(conn, Scope(CITY), NOW, owner_kind="department")
    assert everything == {"new": 3, "pending": 1, "disposed": 3}
    assert labour == {"new": 1, "pending": 0, "disposed": 1}
    assert overdue == {"new": 1, "pending": 0, "disposed": 0}
    assert nobody == {"new": 0, "pending": 0, "disposed": 0}


def test_it_lists_the_newest_red_warnings(city):
    with city.connect() as conn:
        df = q.newest_red_warnings(conn, Scope(CITY), limit=2)
    assert df["title"].tolist() == ["预警6", "预警1"]
    assert df["amount"].tolist() == [6000.0, 1000.0]


def test_it_offers_the_filter_values_in_scope(city):
    with city.connect() as conn:
        options = q.warning_filter_options(conn, Scope(V1))
    assert sorted(options["categories"]) == ["三资支出", "村级用工"]
    assert options["owner_kinds"] == ["town_commission"]


def test_it_shows_a_warnings_lifecycle(city):
    with city.connect() as conn:
        warning = q.get_warning(conn, Scope(CITY), 3)
        trail = q.warning_trail(conn, Scope(CITY), 3)
        missing = q.get_warning(conn, Scope(CITY), 999)
    assert (warning["external_id"], warning["status"], warning["disposition"]) == (
        "W3",
        "disposed",
        "rectified",
    )
    assert trail["kind"].tolist() == ["raised", "accepted", "disposed"]
    assert trail["to_status"].tolist() == ["new", "pending", "disposed"]
    assert trail["to_status_label"].tolist() == ["待处置", "处置中", "已处置"]
    assert missing is None


def test_a_villages_warnings_include_open_ones_from_before_the_window(city):
    with city.connect() as conn:
        v4 = q.village_warnings(conn, Scope(V4), window())
        v3 = q.village_warnings(conn, Scope(V3), window())
    assert v4["external_id"].tolist() == ["W5"]
    # W4 was raised and disposed in October: outside the window and closed.
    assert v3["external_id"].tolist() == ["W6"]


def test_the_weekly_warning_trend_counts_raised_and_disposed(city):
    with city.connect() as conn:
        df = q.warnings_raised_trend(conn, Scope(CITY), window(), freq="week")
    assert df.to_dict("records") == [
        {"period": date(2026, 10, 26), "raised": 0, "disposed": 0},
        {"period": date(2026, 11, 2), "raised": 1, "disposed": 2},
        {"period": date(2026, 11, 9), "raised": 2, "disposed": 0},
        {"period": date(2026, 11, 16), "raised": 1, "disposed": 0},
    ]


def test_the_all_time_warning_trend_starts_at_the_first_warning(city):
    from cockpit.timewindow import preset_window

    with city.connect() as conn:
        df = q.warnings_raised_trend(conn, Scope(CITY), preset_window("all", NOW), freq="month")
    # 09: W5 raised. 10: W4, W7 raised, W4 disposed. 11: W1, W2, W3, W6 raised; W3, W7 disposed.
    assert df.to_dict("records") == [
        {"period": date(2026, 9, 1), "raised": 1, "disposed": 0},
        {"period": date(2026, 10, 1), "raised": 2, "disposed": 1},
        {"period": date(2026, 11, 1), "raised": 4, "disposed": 2},
    ]


def test_it_walks_a_four_level_hierarchy(city):
    with city.connect() as conn:
        path = r.region_path(conn, V1, CITY)
        from_county = r.region_path(conn, V1, EAST)
        outside = r.region_path(conn, V4, EAST)
        children = r.child_regions(conn, EAST)
        village = r.get_region(conn, V2)
        unknown = r.get_region(conn, "000000000000")
        below = r.regions_under(conn, EAST)
    assert [(x.name, x.level) for x in path] == [
        ("示例市", "city"),
        ("东区", "county"),
        ("甲镇", "town"),
        ("一村", "village"),
    ]
    assert [x.code for x in from_county] == [EAST, JIA, V1]
    assert outside == []
    assert children["name"].tolist() == ["甲镇", "乙镇"]
    assert children["boundary"].str.startswith('{"type": "Polygon"').all()
    assert (
        village.has_children is False and village.parent_code == JIA and village.level_label == "村（社区）"
    )
    assert path[0].has_children is True
    assert unknown is None
    assert below["code"].tolist() == [JIA, YI, V1, V2, V3]
    assert below["distance"].tolist() == [1, 1, 2, 2, 2]
    assert below["is_leaf"].tolist() == [False, False, True, True, True]
    assert below["parent_name"].tolist() == ["东区", "东区", "甲镇", "甲镇", "乙镇"]
    assert BING not in below["code"].tolist()


def test_rule_statistics_counts_each_rules_warnings_by_status_and_its_false_alarm_share(city):
    with city.connect() as conn:
        df = q.rule_statistics(conn, Scope(CITY))
        town = q.rule_statistics(conn, Scope(JIA))
    assert list(df.columns) == q.RULE_STATISTICS_COLUMNS
    # One rule per fixture warning (R-01..R-07). Red now: W1, W5, W6; yellow: W2;
    # green (whenever disposed): W3 rectified, W4 false alarm, W7 confirmed.
    rows = {r["rule_code"]: r for r in df.to_dict("records")}
    assert sorted(rows) == [f"R-{n:02d}" for n in range(1, 8)]
    colours = {code: (r["red"], r["yellow"], r["green"], r["hits"]) for code, r in rows.items()}
    assert colours == {
        "R-01": (1, 0, 0, 1),
        "R-02": (0, 1, 0, 1),
        "R-03": (0, 0, 1, 1),
        "R-04": (0, 0, 1, 1),
        "R-05": (1, 0, 0, 1),
        "R-06": (1, 0, 0, 1),
        "R-07": (0, 0, 1, 1),
    }
    assert rows["R-04"]["category"] == "惠民资金"
    # W4 was disposed as a false alarm (1 of 1); W3 and W7 were not (0 of 1).
    r4 = rows["R-04"]
    assert (r4["false_alarms"], r4["disposed"], r4["false_alarm_share"]) == (1, 1, 1.0)
    assert rows["R-03"]["false_alarm_share"] == 0.0 and rows["R-07"]["false_alarm_share"] == 0.0
    # Nothing disposed: no share.
    assert all(pd.isna(rows[code]["false_alarm_share"]) for code in ("R-01", "R-02", "R-05", "R-06"))
    # 甲镇 is 一村 and 二村: W1, W2, W3, W7.
    assert town["rule_code"].tolist() == ["R-01", "R-02", "R-03", "R-07"]
    assert town["hits"].sum() == 4 and town["false_alarms"].sum() == 0


def test_rule_statistics_adds_up_several_warnings_of_one_rule(engine):
    with engine.begin() as conn:
        fixture_city.load(conn)
        fixture_records.load(conn)
        evaluate(conn, NOW)
    with engine.connect() as conn:
        df = q.rule_statistics(conn, Scope(CITY)).set_index("rule_code")
    # LAB-03: 赵六 (L4) and 孙七 (L5); FUN-02: PAY3 and PAY4; every other rule one warning; all new.
    expected = Counter(code for code, _subject in fixture_records.EXPECTED)
    for code, hits in expected.items():
        assert (df.loc[code, "hits"], df.loc[code, "red"], df.loc[code, "disposed"]) == (hits, hits, 0)
    assert (expected["LAB-03"], expected["FUN-02"]) == (2, 2)


def test_child_regions_compare_on_one_warning_category(city):
    with city.connect() as conn:
        labour = q.child_region_category_warnings(conn, Scope(CITY), window(), "村级用工")
        funds = q.child_region_category_warnings(conn, Scope(JIA), window(), "三资支出")
        benefits = q.child_region_category_warnings(conn, Scope(CITY), window(), "惠民资金")
        unknown = q.child_region_category_warnings(conn, Scope(CITY), window(), "不存在的类别")
    zeros = {"open": 0, "red": 0, "yellow": 0, "overdue": 0, "raised": 0, "green": 0}
    assert list(labour.columns) == ["code", "name", *q.CATEGORY_COUNT_COLUMNS]
    # 村级用工: W1 (一村, red since 11-15, due 11-18: overdue) and W3 (二村, raised 11-05,
    # disposed 11-08), both under 东区; nothing under 青岚市.
    assert labour.to_dict("records") == [
        {
            "code": EAST,
            "name": "东区",
            "open": 1,
            "red": 1,
            "yellow": 0,
            "overdue": 1,
            "raised": 2,
            "green": 1,
        },
        {"code": QINGLAN, "name": "青岚市", **zeros},
    ]
    # 三资支出 in 甲镇: W2 (一村, yellow, raised 11-10, due 11-25); W7 (二村, raised in
    # October, disposed 11-02: green in the window, not raised in it).
    assert funds.to_dict("records") == [
        {"code": V1, "name": "一村", "open": 1, "red": 0, "yellow": 1, "overdue": 0, "raised": 1, "green": 0},
        {"code": V2, "name": "二村", "open": 0, "red": 0, "yellow": 0, "overdue": 0, "raised": 0, "green": 1},
    ]
    # 惠民资金: W5 (四村, red since 09-20, overdue) is open whatever the window; W4
    # (三村) was raised and disposed in October, outside the window.
    assert benefits.to_dict("records") == [
        {"code": EAST, "name": "东区", **zeros},
        {
            "code": QINGLAN,
            "name": "青岚市",
            "open": 1,
            "red": 1,
            "yellow": 0,
            "overdue": 1,
            "raised": 0,
            "green": 0,
        },
    ]
    assert unknown[["code", *q.CATEGORY_COUNT_COLUMNS]].to_dict("records") == [
        {"code": EAST, **zeros},
        {"code": QINGLAN, **zeros},
    ]


def test_warning_categories_rank_the_categories_of_a_region(city):
    with city.connect() as conn:
        city_wide = q.warning_categories(conn, Scope(CITY), window())
        town = q.warning_categories(conn, Scope(YI), window())
        january = q.warning_categories(
            conn, Scope(CITY), custom_window(date(2026, 1, 1), date(2026, 1, 31), NOW)
        )
    # Every category has one open warning; 村级用工 had two raised (W1, W3), 三资支出
    # (W2) and 公章使用 (W6) one each, 惠民资金 none (W5 is from September).
    # 三 (U+4E09) sorts before 公 (U+516C).
    assert city_wide.to_dict("records") == [
        {"category": "村级用工", "open": 1, "red": 1, "yellow": 0, "overdue": 1, "raised": 2, "green": 1},
        {"category": "三资支出", "open": 1, "red": 0, "yellow": 1, "overdue": 0, "raised": 1, "green": 1},
        {"category": "公章使用", "open": 1, "red": 1, "yellow": 0, "overdue": 0, "raised": 1, "green": 0},
        {"category": "惠民资金", "open": 1, "red": 1, "yellow": 0, "overdue": 1, "raised": 0, "green": 0},
    ]
    # 乙镇 is 三村: W6 is open; W4 (惠民资金) was raised and disposed in October: not listed.
    assert town.to_dict("records") == [
        {"category": "公章使用", "open": 1, "red": 1, "yellow": 0, "overdue": 0, "raised": 1, "green": 0},
    ]
    # In January nothing was raised or disposed: the open warnings only, by category.
    assert january["category"].tolist() == ["三资支出", "公章使用", "惠民资金", "村级用工"]
    assert january[["raised", "green"]].sum().tolist() == [0, 0]


def test_rule_hit_rates_divide_each_rules_warnings_by_the_records_it_checks(engine):
    with engine.begin() as conn:
        fixture_city.load(conn)
        fixture_records.load(conn)
        evaluate(conn, NOW)
    subjects = {"LAB-03": "labour", "FUN-02": "payment", "SEAL-02": "seal", "SUB-04": "payout"}
    subjects |= {"PET-01": "petition", "QRY-09": "query"}
    with engine.connect() as conn:
        df = q.rule_hit_rates(conn, Scope(CITY), subjects).set_index("rule_code")
        town = q.rule_hit_rates(conn, Scope(JIA), subjects).set_index("rule_code")
    assert list(df.reset_index().columns) == q.HIT_RATE_COLUMNS
    rates = {code: (row.subject, row.records, row.hits) for code, row in df.iterrows()}
    # The city holds 9 labour rows (L1-L6, L8-L10), 15 payments, 7 seal uses, 11 payouts,
    # 3 public queries and fixture_city's 12 petitions.
    assert rates["LAB-03"] == ("labour", 9, 2)  # L4, L5
    assert rates["FUN-02"] == ("payment", 15, 2)  # PAY3, PAY4
    assert rates["SEAL-02"] == ("seal", 7, 2)  # S4, S5
    assert rates["SUB-04"] == ("payout", 11, 2)  # PO7, PO9
    assert rates["PET-01"] == ("petition", 12, 3)  # P3, P4, P12
    assert rates["QRY-09"] == ("query", 3, 0)  # no warnings: a rate of 0
    assert df.loc["LAB-03", "hit_rate"] == 2 / 9 and df.loc["QRY-09", "hit_rate"] == 0.0
    # Rules outside ``subjects`` take their warnings' subject: LAB-01 (L2) and
    # fixture_city's R-01 (written with subject_type payment).
    assert rates["LAB-01"] == ("labour", 9, 1) and rates["R-01"] == ("payment", 15, 1)
    # 甲镇 (一村, 二村): labour L1, L2, L3, L4, L9, L10; of the cadres only 赵六 (L4).
    assert (town.loc["LAB-03", "records"], town.loc["LAB-03", "hits"]) == (6, 1)
    assert town.loc["LAB-03", "hit_rate"] == 1 / 6


def test_a_rule_with_no_records_to_check_has_no_hit_rate(city):
    with city.connect() as conn:
        df = q.rule_hit_rates(conn, Scope(CITY), {"LAB-03": "labour", "XYZ-01": "registry"})
    rows = df.set_index("rule_code")
    # No labour rows in fixture_city alone; "registry" is no table of records.
    assert rows.loc["LAB-03", "hits"] == 0 and pd.isna(rows.loc["LAB-03", "hit_rate"])
    assert pd.isna(rows.loc["XYZ-01", "records"]) and pd.isna(rows.loc["XYZ-01", "hit_rate"])
    # fixture_city's own warnings (R-01 … R-07) are listed too, over no payments.
    assert df["rule_code"].tolist() == ["LAB-03", *[f"R-{n:02d}" for n in range(1, 8)], "XYZ-01"]
