"""Overdue escalation, worked by hand on the city fixture plus a few
village- and department-owned warnings.

"Now" is 2026-11-20 12:00 local. The city's warnings are all owned by a town
commission: W1 (new, due 11-18) and W5 (new, due 09-27) are overdue; W2 and
W6 are not due yet; W3, W4 and W7 are disposed. Added here:

    V1 一村 village, accepted 11-16, due 11-18 09:00: overdue -> 甲镇纪委
    V2 三村 village, new, due 11-21 09:00: due within a day -> reminded
    V3 四村 village, new, due 11-25 09:00: not yet
    V4 二村 village, disposed 11-09, due 11-10 09:00: closed, left alone
    D1 二村 民政局, new, due 11-19 09:00: overdue -> reminded, stays with 民政局
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from cockpit.lifecycle import WARNING, WARNING_OWNER_KINDS
from cockpit.refresh import refresh
from cockpit.rules import escalation
from cockpit.rules.escalation import POLICY, due_stage, escalate
from cockpit.store.factories import WarningStep, build_warning, write_warnings
from cockpit.store.schema import store_meta, warning_events, warnings
from tests import fixture_city
from tests.fixture_city import NOW, local

SYSTEM = "预警系统"


def _warning(external_id, village, owner_kind, owner_name, due, steps=()):
    return build_warning(
        external_id=external_id,
        rule_code="T-01",
        category="测试",
        title=f"预警{external_id}",
        village_code=village,
        raised_at=local(11, 8, 9),
        due_at=due,
        owner_kind=owner_kind,
        owner_name=owner_name,
        subject_id=external_id,
        steps=steps,
    )


ADDED = [
    _warning(
        "V1",
        fixture_city.V1,
        "village",
        "一村村委会",
        local(11, 18, 9),
        [WarningStep("accepted", local(11, 16, 9))],
    ),
    _warning("V2", fixture_city.V3, "village", "三村村委会", local(11, 21, 9)),
    _warning("V3", fixture_city.V4, "village", "四村村委会", local(11, 25, 9)),
    _warning(
        "V4",
        fixture_city.V2,
        "village",
        "二村村委会",
        local(11, 10, 9),
        [WarningStep("disposed", local(11, 9, 9), disposition="rectified")],
    ),
    _warning("D1", fixture_city.V2, "department", "民政局", local(11, 19, 9)),
]


@pytest.fixture
def store(engine):
    with engine.begin() as conn:
        fixture_city.load(conn)
        write_warnings(conn, ADDED)
    return engine


def _escalate(engine, now: datetime) -> int:
    with engine.begin() as conn:
        return escalate(conn, now)


def _warning_row(engine, external_id: str) -> dict:
    columns = ("status", "owner_kind", "owner_name", "due_at", "updated_at")
    with engine.connect() as conn:
        row = conn.execute(
            select(*(warnings.c[c] for c in columns)).where(warnings.c.external_id == external_id)
        ).one()
    return dict(row._mapping)


def _system_events(engine) -> dict[str, list[tuple]]:
    """external_id -> the reminders and reassignments, oldest first."""
    e = warning_events
    query = (
        select(warnings.c.external_id, e.c.kind, e.c.at, e.c.from_status, e.c.to_status, e.c.actor, e.c.note)
        .join(warnings, warnings.c.id == e.c.warning_id)
        .where(e.c.kind.in_(("reminded", "reassigned")))
        .order_by(warnings.c.external_id, e.c.at, e.c.id)
    )
    events: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for external_id, *event in conn.execute(query):
            events.setdefault(external_id, []).append(tuple(event))
    return events


def _new(kind: str, at: datetime, note: str) -> tuple:
    """A system event on a new (red) warning, as _system_events lists it."""
    return (kind, at, "new", "new", SYSTEM, note)


def _pending(kind: str, at: datetime, note: str) -> tuple:
    return (kind, at, "pending", "pending", SYSTEM, note)


def test_an_overdue_village_warning_goes_to_its_towns_commission_once(store):
    before = _warning_row(store, "V1")
    assert _escalate(store, NOW) == 5
    new_due = local(11, 23, 12)
    assert _warning_row(store, "V1") == {
        "status": "pending",
        "owner_kind": "town_commission",
        "owner_name": "甲镇纪委",
        "due_at": new_due,
        "updated_at": NOW,
    }
    assert before["owner_kind"] == "village"
    assert _system_events(store)["V1"] == [
        _pending("reassigned", NOW, "逾期未处置，转甲镇纪委督办，处置期限延至 2026-11-23 12:00")
    ]


def test_each_warning_gets_what_its_owner_kind_and_deadline_call_for(store):
    assert _escalate(store, NOW) == 5
    assert _system_events(store) == {
        "V1": [_pending("reassigned", NOW, "逾期未处置，转甲镇纪委督办，处置期限延至 2026-11-23 12:00")],
        "V2": [_new("reminded", NOW, "处置期限 2026-11-21 09:00 将至，请三村村委会尽快处置")],
        "D1": [_new("reminded", NOW, "已超过处置期限 2026-11-19 09:00，请民政局尽快处置")],
        "W1": [_new("reminded", NOW, "已超过处置期限 2026-11-18 09:00，请镇纪委尽快处置")],
        "W5": [_new("reminded", NOW, "已超过处置期限 2026-09-27 09:00，请镇纪委尽快处置")],
    }
    # A reminder moves updated_at and nothing else; the owner keeps the warning.
    assert _warning_row(store, "D1") == {
        "status": "new",
        "owner_kind": "department",
        "owner_name": "民政局",
        "due_at": local(11, 19, 9),
        "updated_at": NOW,
    }
    assert _warning_row(store, "V2")["owner_kind"] == "village"


def test_warnings_not_yet_due_and_disposed_ones_are_left_alone(store):
    untouched = {key: _warning_row(store, key) for key in ("V3", "V4", "W2", "W3", "W4", "W6", "W7")}
    _escalate(store, NOW)
    assert {key: _warning_row(store, key) for key in untouched} == untouched
    assert not set(untouched) & set(_system_events(store))


def test_a_second_run_does_nothing(store):
    assert _escalate(store, NOW) == 5
    events = _system_events(store)
    assert _escalate(store, NOW) == 0
    assert _escalate(store, NOW + timedelta(hours=6)) == 0
    assert _system_events(store) == events


def test_escalated_and_reminded_warnings_move_on_when_their_next_deadline_passes(store):
    _escalate(store, NOW)
    later = local(11, 23, 12, 1)
    assert _escalate(store, later) == 2
    events = _system_events(store)
    # V1, now the commission's, is reminded at its new deadline.
    assert events["V1"][1:] == [
        _pending("reminded", later, "已超过处置期限 2026-11-23 12:00，请甲镇纪委尽快处置")
    ]
    # V2, reminded before its deadline, goes to 乙镇纪委 once it passed.
    assert events["V2"][1:] == [
        _new("reassigned", later, "逾期未处置，转乙镇纪委督办，处置期限延至 2026-11-26 12:01")
    ]
    assert _warning_row(store, "V2")["owner_name"] == "乙镇纪委"
    # Those reminded as overdue before are not reminded again.
    assert [len(events[key]) for key in ("W1", "W5", "D1")] == [1, 1, 1]
    assert _escalate(store, later) == 0


def test_a_village_warning_found_overdue_goes_up_without_a_reminder_first(store):
    # On 11-22 09:00: V1 and V2 go up, W1, W5 and D1 are reminded.
    assert _escalate(store, local(11, 22, 9)) == 5
    assert [event[0] for event in _system_events(store)["V2"]] == ["reassigned"]


def test_a_warning_the_system_escalated_once_is_not_escalated_again(store):
    _escalate(store, NOW)
    with store.begin() as conn:
        # Its new owner hands it back to the village, deadline unchanged.
        conn.execute(
            update(warnings)
            .where(warnings.c.external_id == "V1")
            .values(owner_kind="village", owner_name="一村村委会", due_at=local(11, 18, 9))
        )
    assert _escalate(store, NOW + timedelta(hours=1)) == 0


def test_a_warning_moved_after_it_was_read_is_left_for_the_next_run(store, monkeypatch):
    read = escalation._candidates

    def read_then_owner_accepts_w1(conn, now):
        rows = read(conn, now)
        # Another writer (the owner signing for it) moves W1 after we read it.
        conn.execute(
            update(warnings)
            .where(warnings.c.external_id == "W1")
            .values(status="pending", updated_at=now - timedelta(minutes=1))
        )
        return rows

    monkeypatch.setattr(escalation, "_candidates", read_then_owner_accepts_w1)
    assert _escalate(store, NOW) == 4
    assert "W1" not in _system_events(store)
    monkeypatch.undo()
    assert _escalate(store, NOW + timedelta(minutes=1)) == 1
    then = NOW + timedelta(minutes=1)
    assert _system_events(store)["W1"][0][:4] == ("reminded", then, "pending", "pending")


def test_the_refresh_escalates_on_every_store_the_sample_included(store):
    with store.begin() as conn:
        conn.execute(insert(store_meta).values(key="generator", value="sample"))
    refresh(store, now=NOW)
    assert sorted(_system_events(store)) == ["D1", "V1", "V2", "W1", "W5"]


def test_a_failing_escalation_is_logged_and_the_refresh_goes_on(store, monkeypatch, caplog):
    def broken(conn, now):
        escalation.escalate(conn, now)  # writes, then fails: all of it is rolled back
        raise RuntimeError("a broken escalation")

    monkeypatch.setattr("cockpit.refresh.escalate", broken)
    with caplog.at_level(logging.ERROR, logger="cockpit.refresh"):
        status = refresh(store, now=NOW)
    assert any("escalation failed" in record.getMessage() for record in caplog.records)
    assert status.refreshed_at == NOW
    assert _system_events(store) == {}


def test_the_decision_follows_the_deadline_and_what_was_done():
    due = local(11, 20, 12)
    village = POLICY["village"]
    assert due_stage("village", due, due - timedelta(hours=25)) is None
    assert due_stage("village", due, due - timedelta(hours=24)) is village[0]
    reminded = due - timedelta(hours=20)
    assert due_stage("village", due, due - timedelta(hours=1), last_reminded=reminded) is None
    assert due_stage("village", due, due, last_reminded=reminded) is village[1]
    assert due_stage("village", due, due + timedelta(days=9), reassigned=True) is None
    assert due_stage("department", due, due - timedelta(seconds=1)) is None
    assert due_stage("department", due, due) is POLICY["department"][0]
    # A reminder before an earlier deadline does not count for the present one.
    assert due_stage("department", due, due, last_reminded=due - timedelta(days=3)) is not None


def test_the_policy_speaks_only_of_known_owners_and_lifecycle_events():
    assert set(POLICY) == set(WARNING_OWNER_KINDS)
    for stages in POLICY.values():
        assert [s.offset for s in stages] == sorted(s.offset for s in stages)
        for stage in stages:
            assert stage.event in escalation.EVENTS
            assert WARNING.transition(stage.event).to_status is None  # the status stays
            if stage.event == "reassigned":
                # The only new owner the policy can name from the regions.
                assert stage.to_owner_kind == "town_commission" and stage.extension is not None
