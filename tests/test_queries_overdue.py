"""Overdue lists (queries.overdue) against figures worked out by hand on
tests/fixture_recurrence.py (its docstring lists the open petitions, their
due times and how far over they are at now, 2026-11-20 12:00 local).

Each test runs on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from datetime import timedelta

import pytest

from queries import overdue as q
from queries.scope import AggregatesOnlyError, Scope, authorize
from tests import fixture_recurrence
from tests.conftest import ALL_DATABASES, hand_worked_store
from tests.fixture_city import BING, CITY, JIA, V1, V3, V4, local
from tests.fixture_recurrence import NOW
from tests.viewers import INSPECTOR, KIOSK, LEADER, TOWN


@pytest.fixture(scope="module", params=ALL_DATABASES)
def store(request, database_urls):
    yield from hand_worked_store(request, database_urls, fixture_recurrence.load)


def test_it_lists_overdue_petitions_most_overdue_first(store):
    with store.connect() as conn:
        df = q.overdue_petitions(conn, authorize(conn, LEADER, CITY), NOW)
    # Open and due before now: P12 (due 09-06 09:00), O5 (10-15 09:00, 待反馈 is
    # open), O6 (10-25 12:00), P4 (11-10 09:00), O1 (11-16 12:00). O2 is due at
    # exactly now: not overdue. P5, P9, O3, O4 are not due yet; the rest closed.
    assert df["external_id"].tolist() == ["P12", "O5", "O6", "P4", "O1"]
    assert df["days_overdue"].tolist() == pytest.approx([75.125, 36.125, 26.0, 10.125, 4.0])
    assert df.columns.tolist() == [
        "id", "external_id", "village_code", "village_name", "town_name", "category", "complexity",
        "complexity_label", "status", "status_label", "handling_level", "handling_level_label",
        "handling_unit", "received_at", "due_at", "days_overdue", "summary",
    ]  # fmt: skip
    o6 = df.iloc[2].to_dict()
    assert (o6["village_code"], o6["village_name"], o6["town_name"]) == (V1, "一村", "甲镇")
    assert (o6["complexity"], o6["complexity_label"], o6["status_label"]) == ("complex", "复杂", "办理中")
    assert (o6["handling_level"], o6["handling_level_label"], o6["handling_unit"]) == (
        "county",
        "县级",
        "东区住建局",
    )
    assert str(o6["received_at"]) == "2026-10-10 12:00:00+08:00"
    assert str(o6["due_at"]) == "2026-10-25 12:00:00+08:00"
    assert df.iloc[1]["status_label"] == "待反馈"
    assert df.iloc[0]["town_name"] == "丙镇"
    assert df["id"].dtype == "int64"


def test_the_overdue_list_is_limited_to_the_scope_and_the_limit(store):
    with store.connect() as conn:
        town = q.overdue_petitions(conn, Scope(JIA), NOW)
        village = q.overdue_petitions(conn, Scope(V3), NOW)
        first_two = q.overdue_petitions(conn, Scope(CITY), NOW, limit=2)
    # 甲镇 (一村, 二村): O6 26.0, P4 10.125, O1 4.0.
    assert town["external_id"].tolist() == ["O6", "P4", "O1"]
    assert village["external_id"].tolist() == ["O5"]
    assert first_two["external_id"].tolist() == ["P12", "O5"]


def test_a_petition_due_exactly_now_is_due_soon_not_overdue(store):
    at_due = local(11, 16, 12)  # O1's due_at
    with store.connect() as conn:
        at = q.overdue_petitions(conn, Scope(JIA), at_due)
        after = q.overdue_petitions(conn, Scope(JIA), at_due + timedelta(seconds=1))
        soon = q.due_soon(conn, Scope(JIA), at_due)
    assert "O1" not in at["external_id"].tolist()
    assert "O1" in after["external_id"].tolist()
    assert after.set_index("external_id").loc["O1", "days_overdue"] == pytest.approx(1 / 86400)
    assert soon["external_id"].tolist() == ["O1"] and soon["hours_left"].tolist() == [0.0]


def test_it_lists_petitions_falling_due_within_24_hours(store):
    with store.connect() as conn:
        df = q.due_soon(conn, Scope(CITY), NOW)
        wider = q.due_soon(conn, Scope(CITY), NOW, hours=72)
        village = q.due_soon(conn, Scope(V4), NOW)
    # O2 due exactly now (0 h left), O3 in 8 h. O4 is due in exactly 24 h: excluded.
    assert df["external_id"].tolist() == ["O2", "O3"]
    assert df["hours_left"].tolist() == [0.0, 8.0]
    assert "days_overdue" not in df.columns and df.columns[-2:].tolist() == ["hours_left", "summary"]
    # Within 72 h: also O4 (24 h) and P5 (due 11-23 09:00: 69 h).
    assert wider["external_id"].tolist() == ["O2", "O3", "O4", "P5"]
    assert wider["hours_left"].tolist() == [0.0, 8.0, 24.0, 69.0]
    assert village["external_id"].tolist() == ["O3"]


def test_it_sums_overdue_petitions_by_the_unit_holding_them(store):
    with store.connect() as conn:
        df = q.overdue_by_owner(conn, authorize(conn, LEADER, CITY), NOW)
    # 村委会 (village; fixture_city names every committee so): P4 10.125, P12 75.125.
    # Then one each, earliest due first: 三村村委会 O5, 东区住建局 O6, 甲镇民政办 O1.
    assert df.to_dict("records") == [
        {
            "handling_unit": "村委会", "handling_level": "village", "handling_level_label": "村级",
            "general_overdue": 2, "complex_overdue": 0, "overdue": 2,
            "max_days_overdue": pytest.approx(75.125), "mean_days_overdue": pytest.approx(42.625),
        },
        {
            "handling_unit": "三村村委会", "handling_level": "village", "handling_level_label": "村级",
            "general_overdue": 1, "complex_overdue": 0, "overdue": 1,
            "max_days_overdue": pytest.approx(36.125), "mean_days_overdue": pytest.approx(36.125),
        },
        {
            "handling_unit": "东区住建局", "handling_level": "county", "handling_level_label": "县级",
            "general_overdue": 0, "complex_overdue": 1, "overdue": 1,
            "max_days_overdue": pytest.approx(26.0), "mean_days_overdue": pytest.approx(26.0),
        },
        {
            "handling_unit": "甲镇民政办", "handling_level": "town", "handling_level_label": "镇级",
            "general_overdue": 0, "complex_overdue": 1, "overdue": 1,
            "max_days_overdue": pytest.approx(4.0), "mean_days_overdue": pytest.approx(4.0),
        },
    ]  # fmt: skip
    assert df["overdue"].dtype == "int64" and df["mean_days_overdue"].dtype == "float64"


def test_owners_are_limited_to_the_scope(store):
    with store.connect() as conn:
        town = q.overdue_by_owner(conn, Scope(JIA), NOW)
        village = q.overdue_by_owner(conn, Scope(V4), NOW)
        top = q.overdue_by_owner(conn, Scope(CITY), NOW, limit=1)
        none = q.overdue_by_owner(conn, Scope(V3), local(10, 1))
    # 甲镇: O6 (东区住建局, 26.0), P4 (村委会, 10.125), O1 (甲镇民政办, 4.0): one each,
    # earliest due first.
    assert town["handling_unit"].tolist() == ["东区住建局", "村委会", "甲镇民政办"]
    assert village[["handling_unit", "overdue", "max_days_overdue"]].values.tolist() == [
        ["村委会", 1, 75.125]
    ]
    assert top["handling_unit"].tolist() == ["村委会"]
    # 三村 on 10-01: O5 was not even received.
    assert none.empty and "mean_days_overdue" in none.columns


def test_it_counts_overdue_and_due_soon_petitions(store):
    with store.connect() as conn:
        city = q.overdue_counts(conn, Scope(CITY), NOW)
        town = q.overdue_counts(conn, Scope(JIA), NOW)
        village = q.overdue_counts(conn, Scope(V3), NOW)
        quiet = q.overdue_counts(conn, Scope(BING), local(8, 1))
    # General over: P12, O5, P4. Complex over: O6, O1. Due within 24 h: O2, O3.
    assert city.to_dict("records") == [
        {"general_overdue": 3, "complex_overdue": 2, "overdue": 5, "due_within_24h": 2}
    ]
    # 甲镇: P4; O6, O1; O4 is due in exactly 24 h.
    assert town.to_dict("records") == [
        {"general_overdue": 1, "complex_overdue": 2, "overdue": 3, "due_within_24h": 0}
    ]
    assert village.to_dict("records") == [
        {"general_overdue": 1, "complex_overdue": 0, "overdue": 1, "due_within_24h": 1}
    ]
    assert quiet.to_dict("records") == [
        {"general_overdue": 0, "complex_overdue": 0, "overdue": 0, "due_within_24h": 0}
    ]


def test_the_counts_agree_with_the_lists(store):
    with store.connect() as conn:
        for code in (CITY, JIA, V1, V3, V4):
            counts = q.overdue_counts(conn, Scope(code), NOW).iloc[0]
            listed = q.overdue_petitions(conn, Scope(code), NOW)
            owners = q.overdue_by_owner(conn, Scope(code), NOW)
            soon = q.due_soon(conn, Scope(code), NOW)
            assert counts["overdue"] == len(listed) == owners["overdue"].sum()
            assert counts["complex_overdue"] == (listed["complexity"] == "complex").sum()
            assert counts["due_within_24h"] == len(soon)


def test_a_kiosk_gets_counts_but_no_lists(store):
    with store.connect() as conn:
        scope = authorize(conn, KIOSK, CITY)
        with pytest.raises(AggregatesOnlyError):
            q.overdue_petitions(conn, scope, NOW)
        with pytest.raises(AggregatesOnlyError):
            q.due_soon(conn, scope, NOW)
        assert q.overdue_counts(conn, scope, NOW).loc[0, "overdue"] == 5
        assert len(q.overdue_by_owner(conn, scope, NOW)) == 4


def test_the_list_masks_personal_data_in_the_summary(store):
    with store.connect() as conn:
        masked = q.overdue_petitions(conn, authorize(conn, LEADER, CITY), NOW)
        unmasked = q.overdue_petitions(conn, authorize(conn, LEADER, CITY, unmasked=True), NOW)
        town = q.overdue_petitions(conn, authorize(conn, TOWN, JIA, unmasked=True), NOW)
    summary = dict(zip(masked["external_id"], masked["summary"], strict=True))
    # O1 names its reporter (诸葛亮, a compound surname) and gives his phone.
    assert summary["O1"] == "诸葛某反映低保名单有误，电话 138****1111。"
    assert "reporter_name" not in masked.columns and "reporter_phone" not in masked.columns
    assert (
        unmasked.set_index("external_id").loc["O1", "summary"] == "诸葛亮反映低保名单有误，电话 13800001111。"
    )
    # A town officer may unmask, but never see who filed a real-name petition:
    # the summary stays masked (it names the reporter).
    assert town.set_index("external_id").loc["O1", "summary"] == summary["O1"]


def test_an_inspector_sees_only_their_regions(store):
    with store.connect() as conn:
        df = q.overdue_petitions(conn, authorize(conn, INSPECTOR, V3), NOW)
    assert df["external_id"].tolist() == ["O5"]


def test_empty_lists_keep_their_columns(store):
    with store.connect() as conn:
        over = q.overdue_petitions(conn, Scope(V1), local(9, 1))
        soon = q.due_soon(conn, Scope(V1), local(9, 1))
    assert over.empty and over.columns.tolist()[-2:] == ["days_overdue", "summary"]
    assert soon.empty and soon.columns.tolist()[-2:] == ["hours_left", "summary"]
