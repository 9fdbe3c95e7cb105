"""The warning engine over tests/fixture_records.py, on every database."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, insert, select, update

from cockpit.rules.catalogue import load_catalogue
from cockpit.rules.checks import CHECKS
from cockpit.rules.engine import backtest, evaluate, warning_key
from cockpit.store.records import labour, payouts
from cockpit.store.schema import rule_state, warning_events, warnings
from cockpit.timewindow import Window
from tests import fixture_city, fixture_records
from tests.fixture_city import V2, V3, local
from tests.fixture_records import EXPECTED, NOW

LATER = NOW + timedelta(hours=1)


@pytest.fixture
def store(engine: Engine) -> Engine:
    with engine.begin() as conn:
        fixture_city.load(conn)
        fixture_records.load(conn)
    return engine


def raised(engine: Engine) -> dict[tuple[str, str], str]:
    """The engine's warnings (not the city fixture's): (rule, subject) -> title."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(warnings.c.rule_code, warnings.c.subject_id, warnings.c.title).where(
                warnings.c.rule_version.is_not(None)
            )
        ).all()
    return {(code, subject): title for code, subject, title in rows}


def run(engine: Engine, now=NOW, **kwargs):
    with engine.begin() as conn:
        return evaluate(conn, now, **kwargs)


def test_each_anomaly_raises_one_warning_explained_in_chinese_and_clean_records_none(store):
    runs = run(store)
    assert raised(store) == EXPECTED
    assert sum(r.raised for r in runs) == len(EXPECTED)


def test_a_warning_records_its_rule_version_thresholds_values_and_records(store):
    run(store)
    rule = load_catalogue()["LAB-02"]
    with store.connect() as conn:
        row = conn.execute(select(warnings).where(warnings.c.subject_id == "L3")).one()
        events = conn.execute(
            select(warning_events.c.kind).where(warning_events.c.warning_id == row.id)
        ).all()
    assert row.external_id == warning_key("LAB-02", "labour", "L3") == "LAB-02:labour:L3"
    assert (row.category, row.severity, row.status, row.subject_type) == (
        "村级用工",
        "medium",
        "new",
        "labour",
    )
    assert (row.owner_kind, row.owner_name) == ("town_commission", "甲镇纪委")
    assert row.raised_at == NOW and row.due_at == NOW + timedelta(days=5)
    assert row.amount == Decimal("200.00")
    assert row.rule_version == rule.version()
    assert json.loads(row.evidence) == {
        "rule_code": "LAB-02",
        "rule_version": rule.version(),
        "thresholds": {"min_hours": 4, "min_amount": 0},
        "values": {
            "worker": "王五",
            "filed_at": "2026-11-05T09:00:00+08:00",
            "work_start": "2026-11-05T10:00:00+08:00",
            "declared_at": "2026-11-05T11:30:00+08:00",
            "gap_hours": 2.5,
            "min_hours": 4,
        },
        "records": [{"table": "labour", "external_id": "L3"}],
    }
    assert events == [("raised",)]


def test_owners_follow_the_catalogue(store):
    run(store)
    with store.connect() as conn:
        query = select(warnings.c.subject_id, warnings.c.owner_name)
        owners = dict(conn.execute(query.where(warnings.c.rule_version.is_not(None))).all())
    assert owners["S2"] == "三村村委会"  # SEAL-01 routes to the village
    assert owners["PO2"] == "民政局"  # SUB-01 routes to a department
    assert owners["PAY6"] == "丙镇纪委"


def test_a_second_run_with_no_new_records_raises_nothing(store):
    run(store)
    again = run(store, now=LATER)
    assert sum(r.raised for r in again) == 0
    # nothing changed: no record was even read, except by the rules about
    # things still not done, which re-read the open records on every run
    # (and find them again, already raised)
    assert sum(r.hits for r in again if not CHECKS[r.rule_code].clock) == 0
    assert {r.rule_code for r in again if r.hits} <= {c for c, check in CHECKS.items() if check.clock}
    assert len(raised(store)) == len(EXPECTED)


def test_an_unchanged_open_record_is_raised_once_it_falls_late(store):
    run(store)
    assert ("DIS-01", "DC4") not in raised(store)  # due 25 November: not late at NOW
    # Nothing changes; a refresh after the due date and any grace re-reads
    # the open disclosure and finds it late.
    run(store, now=local(12, 10, 9))
    assert ("DIS-01", "DC4") in raised(store)


def test_a_changed_record_is_read_again_but_not_raised_twice(store):
    run(store)
    with store.begin() as conn:
        conn.execute(update(labour).where(labour.c.external_id == "L2").values(updated_at=LATER))
    again = run(store, now=LATER)
    lab01 = next(r for r in again if r.rule_code == "LAB-01")
    assert (lab01.hits, lab01.raised) == (1, 0)
    assert len(raised(store)) == len(EXPECTED)


def test_adding_one_anomalous_record_raises_exactly_one_warning(store):
    run(store)
    with store.begin() as conn:
        conn.execute(
            insert(labour).values(
                external_id="L7", village_code=V2, worker="钱七", worker_id_number="X7", is_cadre=True,
                filed_at=local(11, 20, 8), work_start=local(11, 20, 9), work_end=None,
                declared_at=local(11, 20, 20), amount_paid=Decimal("210"), updated_at=LATER,
            )
        )  # fmt: skip
    run(store, now=LATER + timedelta(minutes=5))
    assert set(raised(store)) - set(EXPECTED) == {("LAB-03", "L7")}


def test_a_new_registry_entry_flags_an_old_payout(store):
    run(store)
    with store.begin() as conn:
        conn.execute(
            insert(fixture_records.deaths).values(
                external_id="D3", village_code=V3, name="黄四", id_number=fixture_records.idn(104),
                died_at=local(11, 1), updated_at=LATER,
            )
        )  # fmt: skip
    run(store, now=LATER)
    assert set(raised(store)) - set(EXPECTED) == {("SUB-01", "PO4")}


def test_a_threshold_change_re_reads_history_without_duplicates(store):
    run(store)
    run(store, now=LATER, overrides={"LAB-02": {"min_hours": 8}})
    assert set(raised(store)) - set(EXPECTED) == {("LAB-02", "L6")}  # 6 h, under the new 8 h
    with store.connect() as conn:
        state = conn.execute(select(rule_state).where(rule_state.c.rule_code == "LAB-02")).one()
    assert state.rule_version == load_catalogue()["LAB-02"].version({"min_hours": 8})


def test_backtest_reports_what_a_threshold_would_raise_and_writes_nothing(store):
    with store.connect() as conn:
        default = backtest(conn, "LAB-02")
        stricter = backtest(conn, "LAB-02", {"min_hours": 8})
        looser = backtest(conn, "LAB-02", {"min_hours": 2})
        november_5 = Window(local(11, 5), local(11, 6), NOW)
        in_window = backtest(conn, "LAB-02", {"min_hours": 8}, november_5)
    assert [f.subject_id for f in default] == ["L3"]
    assert [f.subject_id for f in stricter] == ["L3", "L6"]
    assert looser == []
    assert [f.subject_id for f in in_window] == ["L3"]
    assert stricter[1].title == (
        "周六 用工申请提交 2026-11-08 08:00 后 6.0 小时即申报（2026-11-08 14:00），不足 8 小时"
    )
    assert raised(store) == {}


def test_backtest_of_the_approval_chain_with_a_shorter_chain(store):
    with store.connect() as conn:
        without_supervisor = backtest(conn, "FUN-02", {"chain": ["bookkeeper", "secretary", "member"]})
    assert [f.subject_id for f in without_supervisor] == ["PAY4"]


def test_a_death_after_the_payout_or_within_grace_is_not_flagged(store):
    with store.connect() as conn:
        assert [f.subject_id for f in backtest(conn, "SUB-01")] == ["PO2"]
        assert backtest(conn, "SUB-01", {"grace_days": 60}) == []
        # unpaid payouts are not payouts to the dead (yet)
    with store.begin() as conn:
        conn.execute(update(payouts).where(payouts.c.external_id == "PO2").values(paid_at=None))
    with store.connect() as conn:
        assert backtest(conn, "SUB-01") == []
