"""Repeated and common problems (queries.recurrence) against figures worked
out by hand on tests/fixture_recurrence.py (now: Friday 2026-11-20 12:00
local; this week [11-14 00:00, now), last week [11-07 00:00, 11-14 00:00)).

Each test runs on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cockpit.store.schema import petitions
from cockpit.timewindow import TZ
from queries import recurrence as q
from queries.scope import AggregatesOnlyError, Scope, authorize
from tests import fixture_recurrence
from tests.conftest import ALL_DATABASES, hand_worked_store
from tests.fixture_city import CITY, JIA, V1, V2, V3, V4, local
from tests.fixture_recurrence import NOW
from tests.viewers import KIOSK, LEADER


@pytest.fixture(scope="module", params=ALL_DATABASES)
def store(request, database_urls):
    yield from hand_worked_store(request, database_urls, fixture_recurrence.load)


def names_of(conn, ids):
    """External ids (P4, R12, …) of petition ids, in the same order."""
    found = dict(conn.execute(select(petitions.c.id, petitions.c.external_id)).all())
    return [found[i] for i in ids]


def test_week_bounds_are_local_midnights():
    last_start, this_start = q.week_bounds(NOW)
    assert last_start == datetime(2026, 11, 7, tzinfo=TZ)
    assert this_start == datetime(2026, 11, 14, tzinfo=TZ)
    # 16:00 UTC on 11-20 is already 11-21 in Shanghai: the weeks move on.
    assert q.week_bounds(datetime(2026, 11, 20, 16, 0, tzinfo=UTC))[1] == datetime(2026, 11, 15, tzinfo=TZ)
    periods = q.local_periods(NOW, 7, 3)
    assert periods == [
        (datetime(2026, 11, 14, tzinfo=TZ), NOW),
        (datetime(2026, 11, 7, tzinfo=TZ), datetime(2026, 11, 14, tzinfo=TZ)),
        (datetime(2026, 10, 31, tzinfo=TZ), datetime(2026, 11, 7, tzinfo=TZ)),
    ]


# ---------------------------------------------------------------- repeated


def test_it_finds_a_category_repeated_in_one_village(store):
    with store.connect() as conn:
        df = q.repeated_problems(conn, authorize(conn, LEADER, CITY), NOW)
        got = [(r["village_name"], r["category"], r["petitions"]) for r in df.to_dict("records")]
        ids = [names_of(conn, r) for r in df["petition_ids"]]
    # In [10-21 12:00, 11-20 12:00), three or more of one category in one village:
    # 一村 治安 R10-R14; 一村 饮水 R1, R2, R3, R9; then, with 3 each, the latest
    # receipt first: 三村 环境 (R15 11-15) P10, R18 (exactly 30 days ago; R19, a
    # minute earlier, is out); 一村 道路 (P4 11-05) P1, P2.
    assert got == [("一村", "治安", 5), ("一村", "饮水", 4), ("三村", "环境", 3), ("一村", "道路", 3)]
    assert ids == [
        ["R14", "R13", "R12", "R11", "R10"],
        ["R3", "R2", "R1", "R9"],
        ["R15", "P10", "R18"],
        ["P4", "P2", "P1"],
    ]
    first = df.iloc[2]
    assert (first["village_code"], first["town_name"]) == (V3, "乙镇")
    assert str(first["first_received"]) == "2026-10-21 12:00:00+08:00"
    assert str(first["last_received"]) == "2026-11-15 10:00:00+08:00"
    assert df.columns.tolist() == [
        "village_code", "village_name", "town_name", "category", "petitions", "first_received",
        "last_received", "petition_ids",
    ]  # fmt: skip
    assert all(isinstance(i, int) for i in df["petition_ids"].iloc[0])


def test_repeated_problems_follow_scope_threshold_window_and_limit(store):
    with store.connect() as conn:
        town = q.repeated_problems(conn, Scope(JIA), NOW)
        village = q.repeated_problems(conn, Scope(V3), NOW)
        pairs = q.repeated_problems(conn, Scope(V2), NOW, min_count=2)
        later = q.repeated_problems(conn, Scope(V3), NOW + timedelta(minutes=1))
        short = q.repeated_problems(conn, Scope(CITY), NOW, days=7)
        top = q.repeated_problems(conn, Scope(CITY), NOW, limit=1)
        quiet = q.repeated_problems(conn, Scope(V4), NOW)
    assert town["category"].tolist() == ["治安", "饮水", "道路"]
    assert village["category"].tolist() == ["环境"]
    # 二村, two of a kind: 饮水 (R8 11-20), 低保 (P7 11-12), 环境 (P6 11-10).
    assert pairs["category"].tolist() == ["饮水", "低保", "环境"]
    assert pairs["petitions"].tolist() == [2, 2, 2]
    # A minute later R18 is 30 days and a minute old: 三村 环境 falls to 2.
    assert later.empty
    # Last 7 days [11-13 12:00, now): 一村 治安 5; 一村 饮水 R2, R3 only.
    assert short[["village_name", "category", "petitions"]].values.tolist() == [["一村", "治安", 5]]
    assert top["category"].tolist() == ["治安"]
    assert quiet.empty and "petition_ids" in quiet.columns


def test_repeated_groups_and_count_are_aggregates_a_kiosk_may_see(store):
    with store.connect() as conn:
        scope = authorize(conn, KIOSK, CITY)
        groups = q.repeated_problem_groups(conn, scope, NOW)
        count = q.repeated_problem_count(conn, scope, NOW)
        town = q.repeated_problem_count(conn, Scope(JIA), NOW)
        none = q.repeated_problem_count(conn, Scope(V4), NOW)
        with pytest.raises(AggregatesOnlyError):
            q.repeated_problems(conn, scope, NOW)
    assert "petition_ids" not in groups.columns
    assert groups["petitions"].tolist() == [5, 4, 3, 3]
    # 4 problems, 5 + 4 + 3 + 3 petitions, in 一村 and 三村.
    assert count.to_dict("records") == [{"problems": 4, "petitions": 15, "villages": 2}]
    assert town.to_dict("records") == [{"problems": 3, "petitions": 12, "villages": 1}]
    assert none.to_dict("records") == [{"problems": 0, "petitions": 0, "villages": 0}]


# ---------------------------------------------------------------- rising


def rising(df):
    return [
        (r["category"], r["this_week"], r["last_week"], r["change"], r["rise"], r["flagged"])
        for r in df.to_dict("records")
    ]


def test_it_compares_the_last_7_local_days_with_the_7_before(store):
    with store.connect() as conn:
        df = q.rising_categories(conn, authorize(conn, LEADER, CITY), NOW)
    # 治安: R10-R14 this week, none before: rise +inf, 5 >= 5: flagged.
    # 饮水: this week R3 (11-14 00:00) R4-R8 = 6; last week R1 (11-07 00:00), R2
    #       (11-13 23:59) = 2 (R9, 11-06 23:59, is in neither): +4, rise 2.0, flagged.
    # 环境: P5, R15 against P6: +1, 1.0, but 2 < 5. 村务: P9 against none: +inf, 1 < 5.
    # 低保: none against P7: -1, -1.0.
    # Flagged first, then the largest change.
    assert rising(df) == [
        ("治安", 5, 0, 5, math.inf, True),
        ("饮水", 6, 2, 4, 2.0, True),
        ("环境", 2, 1, 1, 1.0, False),
        ("村务", 1, 0, 1, math.inf, False),
        ("低保", 0, 1, -1, -1.0, False),
    ]
    assert df["this_week"].dtype == "int64" and df["rise"].dtype == "float64"
    assert df["flagged"].dtype == bool


def test_rising_categories_at_town_and_village_scope(store):
    with store.connect() as conn:
        town = q.rising_categories(conn, Scope(JIA), NOW)
        lower = q.rising_categories(conn, Scope(JIA), NOW, min_count=3)
        village = q.rising_categories(conn, Scope(V4), NOW)
    # 甲镇 饮水: R3, R4, R8 against R1, R2: +1, rise exactly 0.5.
    assert rising(town) == [
        ("治安", 5, 0, 5, math.inf, True),
        ("饮水", 3, 2, 1, 0.5, False),
        ("环境", 1, 1, 0, 0.0, False),
        ("低保", 0, 1, -1, -1.0, False),
    ]
    # With min_count 3, 饮水 qualifies: rise 0.5 >= min_rise 0.5.
    assert lower["flagged"].tolist() == [True, True, False, False]
    assert rising(village) == [("饮水", 2, 0, 2, math.inf, False)]


def test_the_week_ends_at_now_and_moves_at_local_midnight(store):
    with store.connect() as conn:
        morning = q.rising_categories(conn, Scope(CITY), local(11, 20, 8))
        midnight = q.rising_categories(conn, Scope(CITY), local(11, 21, 0))
        strict = q.rising_categories(conn, Scope(CITY), NOW, min_rise=2.01)
    by_cat = {r[0]: r[1:] for r in rising(morning)}
    # At 08:00, P9 (received exactly then) and R8 (11:00) are not in yet.
    assert "村务" not in by_cat
    assert by_cat["饮水"] == (5, 2, 3, 1.5, True)
    # From 11-21 00:00 local (16:00 UTC on 11-20) this week is [11-15, 11-21):
    # 饮水 R4-R8 = 5; last week [11-08, 11-15): R2, R3 = 2.
    by_cat = {r[0]: r[1:] for r in rising(midnight)}
    assert by_cat["饮水"][:3] == (5, 2, 3)
    assert [r[0] for r in rising(strict) if r[5]] == ["治安"]


# ---------------------------------------------------------------- surging


def surging(df):
    return [
        (r["category"], r["villages"], r["petitions"], r["baseline_villages"], r["flagged"])
        for r in df.to_dict("records")
    ]


def test_it_finds_categories_surging_across_villages(store):
    with store.connect() as conn:
        default = q.surging_categories(conn, authorize(conn, LEADER, CITY), NOW)
        df = q.surging_categories(conn, Scope(CITY), NOW, min_villages=2)
    # Current [11-14, now); baseline periods [11-07, 11-14), [10-31, 11-07),
    # [10-24, 10-31), [10-17, 10-24).
    # 饮水: 一村 二村 三村 四村 = 4 villages, 6 petitions; before 1 (R1, R2 一村),
    #       1 (R9 一村), 0, 0: baseline 0.5. 4 >= 2 x 0.5.
    # 环境: P5 一村, R15 三村 = 2; before 1 (P6), 1 (P10), 2 (R16, R17), 1 (R18,
    #       R19 both 三村): baseline 1.25, and 2 < 2.5.
    # 治安: 1 village (一村), 5 petitions. 村务: 1 village (P9).
    # Nothing reaches the default 5 villages (the fixture has 4).
    assert surging(default) == [
        ("饮水", 4, 6, 0.5, False),
        ("环境", 2, 2, 1.25, False),
        ("治安", 1, 5, 0.0, False),
        ("村务", 1, 1, 0.0, False),
    ]
    assert surging(df) == [
        ("饮水", 4, 6, 0.5, True),
        ("环境", 2, 2, 1.25, False),
        ("治安", 1, 5, 0.0, False),
        ("村务", 1, 1, 0.0, False),
    ]
    assert df["villages"].dtype == "int64" and df["baseline_villages"].dtype == "float64"


def test_surge_rule_edges_and_scopes(store):
    with store.connect() as conn:
        one = q.surging_categories(conn, Scope(CITY), NOW, min_villages=1)
        exact = q.surging_categories(conn, Scope(CITY), NOW, min_villages=2, factor=8)
        over = q.surging_categories(conn, Scope(CITY), NOW, min_villages=2, factor=8.01)
        town = q.surging_categories(conn, Scope(JIA), NOW, min_villages=2)
        village = q.surging_categories(conn, Scope(V2), NOW, min_villages=1)
        short = q.surging_categories(conn, Scope(CITY), NOW, days=1, min_villages=1)
    # min 1 village: a baseline of 0 lets any category through (治安, 村务); 环境 not.
    assert [(r[0], r[4]) for r in surging(one)] == [
        ("饮水", True),
        ("治安", True),
        ("村务", True),
        ("环境", False),
    ]
    # 饮水: 4 villages against 8 x 0.5 = 4: flagged at equality, not above it.
    assert surging(exact)[0] == ("饮水", 4, 6, 0.5, True)
    assert surging(over)[0] == ("饮水", 4, 6, 0.5, False)
    # 甲镇 饮水: 一村 (R3), 二村 (R4, R8) = 2; before: 一村 (R1 R2), 一村 (R9): 0.5.
    # 治安 1 (一村). 环境 1 (P5 一村); before 1 (P6 二村), 0, 1 (R16 二村), 0: 0.5.
    assert surging(town) == [
        ("饮水", 2, 3, 0.5, True),
        ("治安", 1, 5, 0.0, False),
        ("环境", 1, 1, 0.5, False),
    ]
    # A village is one village at most.
    assert surging(village) == [("饮水", 1, 2, 0.0, True)]
    # days=1: today [11-20 00:00, now): R8 二村 饮水, P9 三村 村务; four days before:
    # 11-16 R4 二村 饮水, 11-17 R5 三村, 11-18 R6 四村 (and P5 环境, R13 治安),
    # 11-19 R7 四村: 饮水 baseline 4 / 4 = 1.
    assert surging(short) == [("村务", 1, 1, 0.0, True), ("饮水", 1, 1, 1.0, False)]


# ---------------------------------------------------------------- drill-down


def test_it_lists_the_petitions_behind_a_row(store):
    since = NOW - timedelta(days=30)
    with store.connect() as conn:
        scope = authorize(conn, LEADER, CITY)
        df = q.category_petitions(conn, scope, "环境", since, NOW, village_code=V3)
        week = q.category_petitions(conn, scope, "饮水", local(11, 14), NOW)
        town = q.category_petitions(conn, Scope(JIA), "饮水", local(11, 14), NOW, limit=2)
        outside = q.category_petitions(conn, Scope(JIA), "饮水", local(11, 14), NOW, village_code=V4)
    assert df["external_id"].tolist() == ["R15", "P10", "R18"]
    assert df.columns.tolist() == [
        "id", "external_id", "village_code", "village_name", "category", "received_at", "status",
        "status_label", "summary",
    ]  # fmt: skip
    assert df.iloc[0]["village_name"] == "三村" and df.iloc[0]["status_label"] == "已办结"
    assert str(df.iloc[2]["received_at"]) == "2026-10-21 12:00:00+08:00"
    assert week["external_id"].tolist() == ["R8", "R7", "R6", "R5", "R4", "R3"]
    assert town["external_id"].tolist() == ["R8", "R4"]
    assert outside.empty and outside.columns.tolist()[0] == "id"


def test_it_lists_petitions_by_id_within_the_scope(store):
    with store.connect() as conn:
        repeated = q.repeated_problems(conn, Scope(CITY), NOW)
        ids = repeated.iloc[3]["petition_ids"]
        df = q.petitions_for(conn, Scope(CITY), ids)
        other = q.petitions_for(conn, Scope(V2), ids)
        none = q.petitions_for(conn, Scope(CITY), [])
    assert df["external_id"].tolist() == ["P4", "P2", "P1"]
    assert df["id"].tolist() == ids
    assert other.empty and none.empty


def test_drill_down_masks_summaries_and_refuses_a_kiosk(store):
    with store.connect() as conn:
        masked = q.category_petitions(conn, Scope(CITY), "低保", local(10, 1), NOW)
        kiosk = authorize(conn, KIOSK, CITY)
        with pytest.raises(AggregatesOnlyError):
            q.category_petitions(conn, kiosk, "低保", local(10, 1), NOW)
        with pytest.raises(AggregatesOnlyError):
            q.petitions_for(conn, kiosk, [1])
        unmasked = q.petitions_for(conn, authorize(conn, LEADER, CITY, unmasked=True), masked["id"].tolist())
    # P7 (11-12), P3 (11-04), O1 (11-01).
    assert masked["external_id"].tolist() == ["P7", "P3", "O1"]
    summary = dict(zip(masked["external_id"], masked["summary"], strict=True))
    assert summary["O1"] == "诸葛某反映低保名单有误，电话 138****1111。"
    assert "欧阳晓明" not in summary["P7"] and "13912345678" not in summary["P7"]
    assert "reporter_name" not in masked.columns
    assert "13800001111" in unmasked.set_index("external_id").loc["O1", "summary"]


def test_aggregates_do_not_need_records(store):
    with store.connect() as conn:
        scope = authorize(conn, KIOSK, CITY)
        assert len(q.rising_categories(conn, scope, NOW)) == 5
        assert len(q.surging_categories(conn, scope, NOW)) == 4


def test_a_quiet_scope_gives_empty_frames_with_columns(store):
    quiet = local(1, 10)
    with store.connect() as conn:
        r = q.rising_categories(conn, Scope(V1), quiet)
        s = q.surging_categories(conn, Scope(V1), quiet)
        g = q.repeated_problem_groups(conn, Scope(V1), quiet)
    assert r.empty and r.columns.tolist() == [
        "category",
        "this_week",
        "last_week",
        "change",
        "rise",
        "flagged",
    ]
    assert s.empty and s.columns.tolist() == [
        "category",
        "villages",
        "petitions",
        "baseline_villages",
        "flagged",
    ]
    assert g.empty and g.columns.tolist()[-1] == "last_received"


# ---------------------------------------------------------------- figures


def bar_labels(fig):
    return list(fig.data[0].y)


def test_the_figures_draw_the_fixture_frames(store):
    from cockpit.figures import recurrence as figs
    from queries.overdue import overdue_by_owner

    with store.connect() as conn:
        owners = overdue_by_owner(conn, Scope(CITY), NOW)
        rise = q.rising_categories(conn, Scope(CITY), NOW)
        surge = q.surging_categories(conn, Scope(CITY), NOW, min_villages=2)
    fig = figs.overdue_by_owner_bar(owners, "dark")
    # Most overdue on top (plotly draws the first category at the bottom).
    assert bar_labels(fig)[-1] == "村委会（村级）"
    assert [trace.name for trace in fig.data[:2]] == [figs.GENERAL_NAME, figs.COMPLEX_NAME]
    assert bar_labels(fig) == [
        "甲镇民政办（镇级）",
        "东区住建局（县级）",
        "三村村委会（村级）",
        "村委会（村级）",
    ]
    assert list(fig.data[0].x) == [0, 0, 1, 2] and list(fig.data[1].x) == [1, 1, 0, 0]
    assert fig.layout.barmode == "stack"
    assert len(figs.overdue_by_owner_bar(owners, top=2).data[0].y) == 2

    fig = figs.rising_categories_bar(rise, "light")
    assert bar_labels(fig) == ["低保", "村务", "环境", "▲ 饮水", "▲ 治安"]
    this_week = fig.data[1]
    assert this_week.name == "近7天" and list(this_week.x) == [0, 1, 2, 6, 5]
    assert list(this_week.text) == ["0（-100%）", "1（新增）", "2（+100%）", "6（+200%）", "5（新增）"]

    fig = figs.surging_categories_bar(surge, "print")
    assert bar_labels(fig) == ["村务", "治安", "环境", "▲ 饮水"]
    assert list(fig.data[2].text)[-1] == "4村 / 6件"
    assert list(fig.data[1].x) == [0.0, 0.0, 1.25, 0.5]


@pytest.mark.parametrize("theme", ["dark", "light", "print"])
def test_the_figures_say_there_is_no_data_on_an_empty_frame(theme):
    import pandas as pd

    from cockpit.figures import recurrence as figs
    from cockpit.figures.theme import EMPTY_TEXT

    empties = {
        figs.overdue_by_owner_bar: [
            "handling_unit", "handling_level", "handling_level_label", "general_overdue",
            "complex_overdue", "overdue", "max_days_overdue", "mean_days_overdue",
        ],
        figs.rising_categories_bar: ["category", "this_week", "last_week", "change", "rise", "flagged"],
        figs.surging_categories_bar: ["category", "villages", "petitions", "baseline_villages", "flagged"],
    }  # fmt: skip
    for builder, columns in empties.items():
        fig = builder(pd.DataFrame(columns=columns), theme)
        assert len(fig.data) == 0
        assert fig.layout.annotations[0].text == EMPTY_TEXT


def test_rise_text_reads_in_chinese():
    from cockpit.figures.recurrence import rise_text

    assert [rise_text(x) for x in (0.5, -0.2, 0.0, math.inf, math.nan)] == [
        "+50%",
        "-20%",
        "+0%",
        "新增",
        "—",
    ]
