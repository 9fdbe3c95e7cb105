"""Escalation paths, handling units and satisfaction against figures worked
out by hand on tests/fixture_escalation.py (read its docstring first).

Each query test runs on SQLite, PostgreSQL and MariaDB (the ``store``
fixture); the figure tests build charts from the same frames."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pandas as pd
import plotly.graph_objects as go
import pytest

from cockpit.figures import escalation as fig
from cockpit.figures.theme import EMPTY_TEXT
from cockpit.timewindow import custom_window
from queries import escalation as q
from queries import satisfaction as s
from queries.scope import SYSTEM, Scope, authorize
from tests import fixture_escalation
from tests.conftest import ALL_DATABASES, hand_worked_store
from tests.fixture_city import BING, CITY, EAST, JIA, NOW, QINGLAN, V1, V2, V3, V4, local, window
from tests.viewers import KIOSK, TOWN

NAN = math.nan


@pytest.fixture(scope="module", params=ALL_DATABASES)
def store(request, database_urls):
    yield from hand_worked_store(request, database_urls, fixture_escalation.load)


def rows(df):
    return df.to_dict("records")


def same(got, expected):
    """Row dicts equal, floats approximately, NaN equal to NaN."""
    assert len(got) == len(expected), (got, expected)
    for g, e in zip(got, expected, strict=True):
        assert list(g) == list(e), (list(g), list(e))
        for key, value in e.items():
            if isinstance(value, float) and math.isnan(value):
                assert isinstance(g[key], float) and math.isnan(g[key]), (key, g)
            elif isinstance(value, float):
                assert g[key] == pytest.approx(value), (key, g)
            else:
                assert g[key] == value, (key, g)


def level_rows(df):
    keep = ["level", "reached", "solved", "open_here", "escalated", "median_hours", "p90_hours",
            "open_median_hours", "share"]  # fmt: skip
    return [{k: r[k] for k in keep} for r in rows(df)]


def lv(level, reached, solved, open_here, escalated, median, p90, open_median, share):
    return {
        "level": level, "reached": reached, "solved": solved, "open_here": open_here, "escalated": escalated,
        "median_hours": median, "p90_hours": p90, "open_median_hours": open_median, "share": share,
    }  # fmt: skip


def quiet_window():
    """A day with no petition anywhere (but a later "now")."""
    return custom_window(date(2026, 10, 15), date(2026, 10, 15), NOW)


# --- Escalation levels --------------------------------------------------------


def test_it_counts_and_times_every_level_for_the_city(store):
    with store.connect() as conn:
        df = q.escalation_levels(conn, Scope(CITY), window())
    assert list(df.columns) == q.LEVEL_COLUMNS
    assert df["level_label"].tolist() == ["村级", "镇级", "县级", "市级"]
    same(
        level_rows(df),
        [
            # The window's 12 petitions (E8 came before it) all start in the village.
            # Solved there: E1, E2, E9. Open there: E5, E12, E13. Moved on: E3, E4, E6, E7, E10, E11.
            # Finished village stints: 6 (E6), 6 (E9), 12 (E3), 12 (E11), 24 (E1, E4, E7, E10), 48 (E2):
            # median at position 4 = 24; p90 at 7.2 = 24 + 0.2 * (48 - 24) = 28.8.
            # Open stints at now: E5 99, E13 75, E12 26 hours: median 75.
            lv("village", 12, 3, 3, 6, 24.0, 28.8, 75.0, 1.0),
            # Town: E3, E4, E6, E10, E11. Solved E3, E10; open E6; moved on E4, E11.
            # Finished: 24 (E4), 24 (E11), 48 (E3), 96 (E10, reopened: to its latest closure):
            # median 36; p90 at 2.7 = 48 + 0.7 * 48 = 81.6. Open: E6, 333 hours.
            lv("town", 5, 2, 1, 2, 36.0, 81.6, 333.0, 5 / 12),
            # County: E4 (solved, 120 h), E7 (skipped the town; moved on after 24 h), E11 (open, 302 h).
            # Median of 24 and 120 = 72; p90 at 0.9 = 24 + 0.9 * 96 = 110.4.
            lv("county", 3, 1, 1, 1, 72.0, 110.4, 302.0, 0.25),
            # City: E7, solved after 120 h.
            lv("city", 1, 1, 0, 0, 120.0, 120.0, NAN, 1 / 12),
        ],
    )


def test_the_levels_are_limited_to_a_town(store):
    with store.connect() as conn:
        df = q.escalation_levels(conn, Scope(JIA), window())
    # 甲镇 (一村, 二村): E1-E7.
    same(
        level_rows(df),
        [
            # Finished 6, 12, 24, 24, 24, 48: median 24, p90 at 4.5 = 24 + 0.5 * 24 = 36. Open: E5 99 h.
            lv("village", 7, 2, 1, 4, 24.0, 36.0, 99.0, 1.0),
            # E3 48 (solved), E4 24 (moved on), E6 open 333 h. p90 = 24 + 0.9 * 24 = 45.6.
            lv("town", 3, 1, 1, 1, 36.0, 45.6, 333.0, 3 / 7),
            # E4 120 (solved), E7 24 (moved on); E11 belongs to 青岚市.
            lv("county", 2, 1, 0, 1, 72.0, 110.4, NAN, 2 / 7),
            lv("city", 1, 1, 0, 0, 120.0, 120.0, NAN, 1 / 7),
        ],
    )


def test_the_levels_of_one_village_list_the_levels_it_never_reached(store):
    with store.connect() as conn:
        df = q.escalation_levels(conn, Scope(V3), window())
    # 三村: E9 (solved, 6 h), E10 (24 h, then the town for 96 h), E13 (open at the village, 75 h).
    same(
        level_rows(df),
        [
            lv("village", 3, 1, 1, 1, 15.0, 22.2, 75.0, 1.0),
            lv("town", 1, 1, 0, 0, 96.0, 96.0, NAN, 1 / 3),
            lv("county", 0, 0, 0, 0, NAN, NAN, NAN, 0.0),
            lv("city", 0, 0, 0, 0, NAN, NAN, NAN, 0.0),
        ],
    )


def test_open_stints_are_measured_up_to_the_given_now(store):
    later = NOW + timedelta(hours=24)
    with store.connect() as conn:
        df = q.escalation_levels(conn, Scope(CITY), window(), now=later)
    # Each open stint is a day longer: E5 123, E13 99, E12 50; E6 357; E11 326. Finished ones do not move.
    assert df["open_median_hours"].tolist()[:3] == pytest.approx([99.0, 357.0, 326.0])
    assert df["median_hours"].tolist() == pytest.approx([24.0, 36.0, 72.0, 120.0])


def test_a_quiet_window_gives_every_level_with_zeros_and_no_times(store):
    with store.connect() as conn:
        df = q.escalation_levels(conn, Scope(CITY), quiet_window())
        summary = q.escalation_summary(conn, Scope(CITY), quiet_window())
        flow = q.escalation_flow(conn, Scope(CITY), quiet_window())
    assert df["level"].tolist() == ["village", "town", "county", "city"]
    assert df[["reached", "solved", "open_here", "escalated"]].to_numpy().sum() == 0
    assert df[["median_hours", "p90_hours", "open_median_hours", "share"]].isna().all().all()
    assert str(df["reached"].dtype) == "int64"
    same(
        rows(summary),
        [
            {
                "received": 0,
                "closed": 0,
                "open": 0,
                "escalated": 0,
                "escalated_share": NAN,
                "solved_at_village": 0,
                "village_solved_share": NAN,
            }
        ],
    )
    assert flow.empty and list(flow.columns) == q.FLOW_COLUMNS


def test_the_window_counts_by_receipt_at_its_start_and_not_before(store):
    day = custom_window(date(2026, 11, 1), date(2026, 11, 1), NOW)
    with store.connect() as conn:
        df = q.escalation_levels(conn, Scope(CITY), day)
    # E9 came in at 00:00 on 11-01 and is in; E8 (23:00 on 10-31, closed 11-01) is not.
    assert df["reached"].tolist() == [1, 0, 0, 0]
    assert df.loc[0, "median_hours"] == pytest.approx(6.0)


# --- Summary: the share solved at village level -------------------------------


def test_it_gives_the_share_solved_at_village_level(store):
    with store.connect() as conn:
        city = q.escalation_summary(conn, Scope(CITY), window())
        town = q.escalation_summary(conn, Scope(JIA), window())
        village = q.escalation_summary(conn, Scope(V4), window())
    assert list(city.columns) == q.SUMMARY_COLUMNS
    # Closed: E1, E2, E3, E4, E7, E9, E10; solved at the village: E1, E2, E9.
    # Moved level at least once: E3, E4, E6, E7, E10, E11 (6 of 12).
    same(
        rows(city),
        [
            {
                "received": 12,
                "closed": 7,
                "open": 5,
                "escalated": 6,
                "escalated_share": 0.5,
                "solved_at_village": 3,
                "village_solved_share": 3 / 7,
            }
        ],
    )
    # 甲镇: E1-E7; closed E1, E2, E3, E4, E7 of which E1, E2 at the village; escalated E3, E4, E6, E7.
    same(
        rows(town),
        [
            {
                "received": 7,
                "closed": 5,
                "open": 2,
                "escalated": 4,
                "escalated_share": 4 / 7,
                "solved_at_village": 2,
                "village_solved_share": 0.4,
            }
        ],
    )
    # 四村: E11 (escalated, open), E12 (open): nothing closed, so no share.
    same(
        rows(village),
        [
            {
                "received": 2,
                "closed": 0,
                "open": 2,
                "escalated": 1,
                "escalated_share": 0.5,
                "solved_at_village": 0,
                "village_solved_share": NAN,
            }
        ],
    )


# --- Flow ---------------------------------------------------------------------


def test_the_flow_lists_every_move_and_where_paths_end(store):
    with store.connect() as conn:
        df = q.escalation_flow(conn, Scope(CITY), window())
    assert [tuple(r.values()) for r in rows(df)] == [
        ("village", "town", 5),  # E3, E4, E6, E10, E11
        ("village", "county", 1),  # E7 skips the town
        ("village", "solved", 3),  # E1, E2, E9
        ("village", "open", 3),  # E5, E12, E13
        ("town", "county", 2),  # E4, E11 (E6's change of unit at the town is not a move)
        ("town", "solved", 2),  # E3, E10
        ("town", "open", 1),  # E6
        ("county", "city", 1),  # E7
        ("county", "solved", 1),  # E4
        ("county", "open", 1),  # E11
        ("city", "solved", 1),  # E7
    ]
    assert str(df["petitions"].dtype) == "int64"


def test_the_flow_of_a_town_and_a_village(store):
    with store.connect() as conn:
        town = q.escalation_flow(conn, Scope(BING), window())
        village = q.escalation_flow(conn, Scope(V3), window())
    # 丙镇 = 四村: E11 village -> town -> county (open), E12 open at the village.
    assert [tuple(r.values()) for r in rows(town)] == [
        ("village", "town", 1),
        ("village", "open", 1),
        ("town", "county", 1),
        ("county", "open", 1),
    ]
    # 三村: E9 solved, E13 open at the village; E10 solved at the town.
    assert [tuple(r.values()) for r in rows(village)] == [
        ("village", "town", 1),
        ("village", "solved", 1),
        ("village", "open", 1),
        ("town", "solved", 1),
    ]


def test_each_levels_flow_out_adds_up_to_the_petitions_that_reached_it(store):
    with store.connect() as conn:
        flow = q.escalation_flow(conn, Scope(CITY), window())
        levels = q.escalation_levels(conn, Scope(CITY), window())
    out = flow.groupby("from_level")["petitions"].sum().to_dict()
    assert {lvl: out.get(lvl, 0) for lvl in levels["level"]} == dict(
        zip(levels["level"], levels["reached"], strict=True)
    )


def test_a_petition_imported_at_a_higher_level_enters_there(engine):
    from cockpit.store.factories import Step, build_petition, write_petitions

    # As the importer builds it: every event carries the file's level (county), no escalation.
    imported = build_petition(
        external_id="I1",
        village_code=V4,
        received_at=local(11, 10, 9),
        category="道路",
        unit="青岚市住建局",
        steps=[Step("resolved", local(11, 12, 9)), Step("closed", local(11, 12, 9))],
    )
    imported.row["handling_level"] = "county"
    for event in imported.events:
        event["level"] = "county"
    with engine.begin() as conn:
        fixture_escalation.load(conn)
        write_petitions(conn, [imported])
    with engine.connect() as conn:
        levels = q.escalation_levels(conn, Scope(V4), window())
        flow = q.escalation_flow(conn, Scope(V4), window())
        summary = q.escalation_summary(conn, Scope(V4), window())
    # 四村 now: E11 (village 12 -> town 24 -> county, open), E12 (village, open),
    # I1 (at the county from receipt, closed after 48 h).
    same(
        level_rows(levels),
        [
            lv("village", 2, 0, 1, 1, 12.0, 12.0, 26.0, 2 / 3),
            lv("town", 1, 0, 0, 1, 24.0, 24.0, NAN, 1 / 3),
            lv("county", 2, 1, 1, 0, 48.0, 48.0, 302.0, 2 / 3),
            lv("city", 0, 0, 0, 0, NAN, NAN, NAN, 0.0),
        ],
    )
    # I1 has no move: it only ends, solved at the county.
    assert [tuple(r.values()) for r in rows(flow)] == [
        ("village", "town", 1),
        ("village", "open", 1),
        ("town", "county", 1),
        ("county", "solved", 1),
        ("county", "open", 1),
    ]
    assert summary.loc[0, ["received", "closed", "escalated", "solved_at_village"]].tolist() == [3, 1, 1, 0]


# --- Handling units -----------------------------------------------------------


def unit_rows(df):
    return [
        (r["handling_unit"], r["level"], r["petitions"], r["closed"], r["median_hours"], r["overdue"])
        for r in rows(df)
    ]


def test_it_ranks_units_slowest_first(store):
    with store.connect() as conn:
        df = q.unit_ranking(conn, Scope(CITY), window())
    assert list(df.columns) == q.UNIT_COLUMNS
    got = unit_rows(df)
    # Median handling time (receipt to closure) of each unit's closed petitions; overdue = open past
    # due at now (E6, E11) or closed after due (E4). E10 closed exactly at its due time: on time.
    assert [(*g[:4], g[5]) for g in got] == [
        ("东区住建局", "county", 1, 1, 1),  # E4, 168 h, closed late
        ("示例市信访局", "city", 1, 1, 0),  # E7, 168 h (complex: on time); tie broken by overdue
        ("乙镇人民政府", "town", 1, 1, 0),  # E10, 120 h
        ("甲镇人民政府", "town", 1, 1, 0),  # E3, 60 h
        ("一村村委会", "village", 3, 2, 0),  # E1 24, E2 48 (E5 open, not due): median 36
        ("三村村委会", "village", 2, 1, 0),  # E9 6 h; E13 open, not due
        ("甲镇综治中心", "town", 1, 0, 1),  # E6 open and overdue: no median, so after the timed ones
        ("青岚市民政局", "county", 1, 0, 1),  # E11 likewise
        ("四村村委会", "village", 1, 0, 0),  # E12 open, not due
    ]
    assert [g[4] for g in got[:6]] == pytest.approx([168.0, 168.0, 120.0, 60.0, 36.0, 6.0])
    assert all(math.isnan(g[4]) for g in got[6:])
    assert df["overdue_share"].tolist()[:2] == [1.0, 0.0]
    assert df["level_label"].tolist()[:3] == ["县级", "市级", "镇级"]


def test_units_can_be_ranked_by_overdue_and_limited(store):
    with store.connect() as conn:
        by_overdue = q.unit_ranking(conn, Scope(CITY), window(), order="overdue", limit=4)
        town = q.unit_ranking(conn, Scope(JIA), window(), limit=2)
        with pytest.raises(ValueError):
            q.unit_ranking(conn, Scope(CITY), window(), order="name")
    # Overdue 1 each, all 100%: 东区住建局 has a median, the other two none (then by name).
    # Then the units with none overdue, slowest first: 示例市信访局 (168 h).
    assert by_overdue["handling_unit"].tolist() == [
        "东区住建局",
        "甲镇综治中心",
        "青岚市民政局",
        "示例市信访局",
    ]
    assert town["handling_unit"].tolist() == ["东区住建局", "示例市信访局"]


def test_overdue_counts_open_petitions_past_due_at_the_given_now(store):
    later = datetime(2026, 11, 25, 12, 0, tzinfo=NOW.tzinfo)
    with store.connect() as conn:
        df = q.unit_ranking(conn, Scope(CITY), window(), now=later)
    overdue = dict(zip(df["handling_unit"], df["overdue"], strict=True))
    # Five days on, E5 (due 11-21), E13 (due 11-22) and E12 (due 11-24) are past their limits too.
    assert (overdue["一村村委会"], overdue["三村村委会"], overdue["四村村委会"]) == (1, 1, 1)
    assert overdue["乙镇人民政府"] == 0


def test_a_village_scope_ranks_its_own_units_only(store):
    with store.connect() as conn:
        df = q.unit_ranking(conn, Scope(V4), window())
        empty = q.unit_ranking(conn, Scope(CITY), quiet_window())
    assert unit_rows(df)[0][:4] == ("青岚市民政局", "county", 1, 0)
    assert df["handling_unit"].tolist() == ["青岚市民政局", "四村村委会"]
    assert empty.empty and list(empty.columns) == q.UNIT_COLUMNS


# --- Satisfaction -------------------------------------------------------------


def test_it_summarises_satisfaction_of_closed_petitions(store):
    with store.connect() as conn:
        df = s.satisfaction_summary(conn, Scope(CITY), window())
    # Closed in the window: E1 满意, E2 基本满意, E3 不满意, E4 unrated, E7 满意, E9 满意,
    # E10 满意 (its latest rating). E13 is rated but still open; E8 is before the window.
    same(
        rows(df),
        [
            {
                "closed": 7,
                "rated": 6,
                "satisfied": 4,
                "basic": 1,
                "unsatisfied": 1,
                "satisfaction_rate": 5 / 6,
                "rated_share": 6 / 7,
            }
        ],
    )


def test_satisfaction_by_child_lists_every_child(store):
    with store.connect() as conn:
        city = s.satisfaction_by_child(conn, Scope(CITY), window())
        town = s.satisfaction_by_child(conn, Scope(JIA), window())
    assert list(city.columns) == s.CHILD_COLUMNS
    same(
        rows(city),
        [
            {
                "child_code": EAST, "child_name": "东区", "closed": 7, "rated": 6, "satisfied": 4, "basic": 1,
                "unsatisfied": 1, "satisfaction_rate": 5 / 6, "rated_share": 6 / 7,
            },
            # 青岚市: E11, E12 are open: nothing closed, nothing rated.
            {
                "child_code": QINGLAN, "child_name": "青岚市", "closed": 0, "rated": 0, "satisfied": 0,
                "basic": 0, "unsatisfied": 0, "satisfaction_rate": NAN, "rated_share": NAN,
            },
        ],
    )  # fmt: skip
    same(
        rows(town),
        [
            # 一村: E1 满意, E2 基本满意, E3 不满意, E4 unrated: 2 of 3 rated satisfied, 3 of 4 rated.
            {
                "child_code": V1, "child_name": "一村", "closed": 4, "rated": 3, "satisfied": 1, "basic": 1,
                "unsatisfied": 1, "satisfaction_rate": 2 / 3, "rated_share": 0.75,
            },
            {
                "child_code": V2, "child_name": "二村", "closed": 1, "rated": 1, "satisfied": 1, "basic": 0,
                "unsatisfied": 0, "satisfaction_rate": 1.0, "rated_share": 1.0,
            },
        ],
    )  # fmt: skip


def test_satisfaction_at_a_village_scope_is_the_village_itself(store):
    with store.connect() as conn:
        df = s.satisfaction_by_child(conn, Scope(V3), window())
        quiet = s.satisfaction_by_child(conn, Scope(V4), window())
    # 三村: E9 满意, E10 满意 after its reopening (its first rating, 不满意, was replaced).
    assert [tuple(r.values())[:7] for r in rows(df)] == [(V3, "三村", 2, 2, 2, 0, 0)]
    assert df.loc[0, "satisfaction_rate"] == 1.0
    assert [tuple(r.values())[:3] for r in rows(quiet)] == [(V4, "四村", 0)]
    assert math.isnan(quiet.loc[0, "satisfaction_rate"]) and math.isnan(quiet.loc[0, "rated_share"])


def test_satisfaction_by_unit_puts_the_worst_first(store):
    with store.connect() as conn:
        df = s.satisfaction_by_unit(conn, Scope(CITY), window())
        busy = s.satisfaction_by_unit(conn, Scope(CITY), window(), min_rated=2)
        top = s.satisfaction_by_unit(conn, Scope(CITY), window(), limit=2)
    assert list(df.columns) == s.UNIT_COLUMNS
    # E4 (东区住建局) is unrated: that unit has no rate and is left out.
    assert [
        (r["handling_unit"], r["rated"], r["satisfied"], r["basic"], r["unsatisfied"]) for r in rows(df)
    ] == [
        ("甲镇人民政府", 1, 0, 0, 1),  # E3: 0%
        ("一村村委会", 2, 1, 1, 0),  # E1, E2: 100%, most rated first among the 100%
        ("三村村委会", 1, 1, 0, 0),  # then by name
        ("乙镇人民政府", 1, 1, 0, 0),
        ("示例市信访局", 1, 1, 0, 0),
    ]
    assert df["satisfaction_rate"].tolist() == [0.0, 1.0, 1.0, 1.0, 1.0]
    assert busy["handling_unit"].tolist() == ["一村村委会"]
    assert top["handling_unit"].tolist() == ["甲镇人民政府", "一村村委会"]


def test_satisfaction_of_a_quiet_window_is_undefined(store):
    with store.connect() as conn:
        summary = s.satisfaction_summary(conn, Scope(CITY), quiet_window())
        units = s.satisfaction_by_unit(conn, Scope(CITY), quiet_window())
    assert summary.loc[0, ["closed", "rated"]].tolist() == [0, 0]
    assert math.isnan(summary.loc[0, "satisfaction_rate"]) and math.isnan(summary.loc[0, "rated_share"])
    assert units.empty and list(units.columns) == s.UNIT_COLUMNS


# --- Access -------------------------------------------------------------------


def test_a_kiosk_and_a_town_viewer_get_the_aggregates_of_their_scope(store):
    with store.connect() as conn:
        kiosk = authorize(conn, KIOSK, CITY)
        town = authorize(conn, TOWN, JIA)
        system = authorize(conn, SYSTEM, V3)
        # Aggregates only: a wall screen may show them all.
        assert q.escalation_summary(conn, kiosk, window()).loc[0, "received"] == 12
        assert len(q.unit_ranking(conn, kiosk, window())) == 9
        assert s.satisfaction_summary(conn, kiosk, window()).loc[0, "rated"] == 6
        assert q.escalation_levels(conn, town, window())["reached"].tolist() == [7, 3, 2, 1]
        assert s.satisfaction_by_child(conn, town, window())["child_code"].tolist() == [V1, V2]
        assert q.escalation_summary(conn, system, window()).loc[0, "received"] == 3


def test_a_scope_on_another_branch_sees_none_of_this_one(store):
    with store.connect() as conn:
        df = q.escalation_levels(conn, Scope(V2), window())
    # 二村: E6 (village -> town, open) and E7 (village -> county -> city); E8 before the window.
    assert df["reached"].tolist() == [2, 1, 1, 1]
    assert df["open_here"].tolist() == [0, 1, 0, 0]


# --- Figures ------------------------------------------------------------------


def empty_message(figure) -> str | None:
    annotations = figure.layout.annotations
    return annotations[0].text if annotations else None


@pytest.fixture(scope="module")
def frames(store):
    with store.connect() as conn:
        return {
            "flow": q.escalation_flow(conn, Scope(CITY), window()),
            "levels": q.escalation_levels(conn, Scope(CITY), window()),
            "units": q.unit_ranking(conn, Scope(CITY), window()),
            "children": s.satisfaction_by_child(conn, Scope(JIA), window()),
            "sat_units": s.satisfaction_by_unit(conn, Scope(CITY), window()),
        }


@pytest.mark.parametrize("theme", ["dark", "light", "print"])
def test_the_sankey_draws_levels_and_their_ends(frames, theme):
    figure = fig.escalation_sankey(frames["flow"], frames["levels"], theme)
    (sankey,) = figure.data
    assert isinstance(sankey, go.Sankey)
    assert list(sankey.node.label) == [
        "村级 12件",
        "镇级 5件",
        "县级 3件",
        "市级 1件",
        "办结 7件",
        "在办 5件",
    ]
    assert sum(sankey.link.value) == 5 + 1 + 3 + 3 + 2 + 2 + 1 + 1 + 1 + 1 + 1
    assert list(sankey.link.source[:2]) == [0, 0] and list(sankey.link.target[:2]) == [1, 2]


def test_the_charts_build_on_the_fixtures_frames(frames):
    bars = fig.level_times_bar(frames["levels"], "light")
    assert [trace.name for trace in bars.data] == ["中位数", "90%分位"]
    assert list(bars.data[0].x) == ["村级", "镇级", "县级", "市级"]
    assert list(bars.data[0].y) == pytest.approx([24.0, 36.0, 72.0, 120.0])
    units = fig.unit_ranking_bar(frames["units"], "dark", top=5)
    (bar,) = units.data
    # The ranking's first unit is drawn on top (last on the y axis).
    assert list(bar.y)[-1] == "东区住建局（县级）" and len(bar.y) == 5
    children = fig.satisfaction_bar(frames["children"], "light")
    assert [trace.name for trace in children.data] == ["满意", "基本满意", "不满意"]
    assert list(children.data[0].y) == ["二村", "一村"]
    assert list(children.data[0].x) == pytest.approx([1.0, 1 / 3])
    by_unit = fig.satisfaction_bar(frames["sat_units"], "print")
    assert list(by_unit.data[2].y)[-1] == "甲镇人民政府（镇级）" and by_unit.data[2].x[-1] == 1.0


def test_the_charts_say_no_data_on_empty_frames():
    empty_levels = pd.DataFrame(columns=q.LEVEL_COLUMNS)
    quiet_levels = pd.DataFrame(
        {
            "level": ["village"], "level_label": ["村级"], "reached": [0], "solved": [0], "open_here": [0],
            "escalated": [0], "median_hours": [NAN], "p90_hours": [NAN], "open_median_hours": [NAN],
            "share": [NAN],
        }
    )  # fmt: skip
    built = [
        fig.escalation_sankey(pd.DataFrame(columns=q.FLOW_COLUMNS), empty_levels),
        fig.escalation_sankey(pd.DataFrame(columns=q.FLOW_COLUMNS), quiet_levels, "dark"),
        fig.level_times_bar(empty_levels),
        fig.level_times_bar(quiet_levels, "dark"),
        fig.unit_ranking_bar(pd.DataFrame(columns=q.UNIT_COLUMNS)),
        fig.satisfaction_bar(pd.DataFrame(columns=s.CHILD_COLUMNS)),
        fig.satisfaction_bar(pd.DataFrame(columns=s.UNIT_COLUMNS), "print"),
    ]
    for figure in built:
        assert empty_message(figure) == EMPTY_TEXT
        assert len(figure.data) == 0


def test_satisfaction_chart_marks_children_nobody_rated(frames):
    rated_and_not = pd.DataFrame(
        {
            "child_code": [V1, V4], "child_name": ["一村", "四村"], "closed": [4, 0], "rated": [3, 0],
            "satisfied": [1, 0], "basic": [1, 0], "unsatisfied": [1, 0], "satisfaction_rate": [2 / 3, NAN],
            "rated_share": [0.75, NAN],
        }
    )  # fmt: skip
    figure = fig.satisfaction_bar(rated_and_not, "light")
    notes = [a.text for a in figure.layout.annotations]
    assert notes == ["暂无评价", "满意率 66.7%（3件）"]
