"""Every threshold of every rule is used: the catalogue's counts, each check
reading every parameter it declares, and back-tests showing each threshold
moving what a rule would raise (tests/fixture_records.py, every database)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, insert, select

from cockpit.rules.catalogue import load_catalogue
from cockpit.rules.checks import CHECKS
from cockpit.rules.engine import backtest, evaluate
from cockpit.store.records import cadre_relatives
from cockpit.store.schema import warnings
from tests import fixture_city, fixture_records
from tests.fixture_city import V1, local
from tests.fixture_records import EXPECTED, NOW


@pytest.fixture
def store(engine: Engine) -> Engine:
    with engine.begin() as conn:
        fixture_city.load(conn)
        fixture_records.load(conn)
    return engine


def test_the_catalogue_has_at_least_17_categories_and_60_thresholds():
    catalogue = load_catalogue()
    assert len({rule.category for rule in catalogue.values()}) >= 17
    assert sum(len(rule.params) for rule in catalogue.values()) >= 60


def test_every_rule_has_a_hand_worked_anomaly_in_the_fixture():
    assert {code for code, _subject in EXPECTED} == set(load_catalogue())


class Tracking(dict):
    """The thresholds, noting which ones a check reads."""

    def __init__(self, values):
        super().__init__(values)
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def test_every_check_reads_every_threshold_it_declares(store):
    unread = {}
    with store.connect() as conn:
        for code, rule in load_catalogue().items():
            params = Tracking(rule.thresholds())
            CHECKS[code].run(conn, None, None, params, NOW)
            if params.read != set(params):
                unread[code] = sorted(set(params) - params.read)
    assert unread == {}


# (rule, thresholds, the subjects the back-test then reports): each declared
# threshold moved to a value that changes what the rule finds.
SENSITIVITY = [
    ("LAB-01", {}, ["L2"]),
    ("LAB-01", {"grace_hours": 72}, []),
    ("LAB-01", {"min_amount": 500}, []),
    ("LAB-02", {"min_hours": 8}, ["L3", "L6"]),
    ("LAB-02", {"min_amount": 200}, []),  # L3 is paid 200
    ("LAB-03", {"min_amount": 260}, ["L4"]),
    ("LAB-03", {"check_registry": 0}, ["L4"]),  # L5 is only in the registry
    ("LAB-04", {}, ["L8"]),
    ("LAB-04", {"daily_cap": 250}, ["L4", "L8"]),
    ("LAB-04", {"hours_per_day": 1}, []),  # 8 days: 150 a day
    ("LAB-04", {"min_amount": 1200}, []),
    ("LAB-04", {"daily_cap": 250, "rest_day_extra_pct": 20}, ["L8"]),  # L4 starts Saturday 11-07: 300 allowed
    ("LAB-05", {}, ["L9"]),
    ("LAB-05", {"min_overlap_hours": 0.25}, ["L10", "L9"]),
    ("LAB-05", {"min_amount": 200}, []),  # L9 is paid 200
    ("FUN-01", {"min_amount": 1200}, []),
    ("FUN-02", {"min_amount": 5000}, ["PAY3"]),
    ("FUN-02", {"chain": ["bookkeeper", "secretary", "member"]}, ["PAY4"]),
    # below 10000 the short chain (bookkeeper, secretary) is enough: PAY3 (8000) passes
    ("FUN-02", {"short_chain_below": 10000}, ["PAY4"]),
    # PAY4's bookkeeper still signed before its supervisor; PAY3 has no supervisor
    ("FUN-02", {"short_chain_below": 10000, "short_chain": ["bookkeeper", "supervisor"]}, ["PAY3"]),
    ("FUN-03", {"min_amount": 30000}, []),
    ("FUN-04", {"min_amount": 2000}, []),
    ("FUN-04", {"relations": ["配偶"]}, []),
    ("FUN-04", {"other_villages": 1}, ["PAY10", "PAY9"]),  # 孙小七 is 三村's cadre's child
    ("FUN-06", {}, ["PAY14"]),
    ("FUN-06", {"limit": 29000}, []),  # PAY14 is no longer under it
    ("FUN-06", {"margin_pct": 1}, []),  # 28000 is no longer just under
    ("FUN-06", {"window_days": 0.5}, []),  # applied a day apart
    ("FUN-06", {"min_count": 3}, []),
    ("FUN-05", {"grace_hours": 1}, ["PAY11", "PAY12"]),
    ("FUN-05", {"grace_hours": 72}, []),
    ("FUN-05", {"min_amount": 6000}, []),
    ("FUN-05", {"emergency_extra_hours": 72}, ["PAY11"]),  # 砂石料 is no emergency
    ("FUN-05", {"emergency_extra_hours": 72, "emergency_words": ["砂石"]}, []),
    ("SEAL-01", {"grace_minutes": 600}, []),
    ("SEAL-02", {"weekends": 0}, ["S5"]),
    ("SEAL-02", {"work_end_hour": 22}, ["S4"]),
    ("SEAL-02", {"work_end_hour": 17.5}, ["S4", "S5", "S6"]),
    ("SEAL-02", {"work_start_hour": 10.5}, ["S1", "S2", "S3", "S4", "S5", "S7"]),
    ("SEAL-02", {"lunch_start_hour": 8.5, "lunch_end_hour": 10.5}, ["S1", "S2", "S3", "S4", "S5", "S7"]),
    ("SEAL-02", {"lunch_start_hour": 9.5, "lunch_end_hour": 10.5}, ["S1", "S4", "S5"]),
    ("SEAL-02", {"lunch_start_hour": 8.5, "lunch_end_hour": 9.5}, ["S2", "S3", "S4", "S5", "S7"]),
    ("SEAL-03", {"grace_hours": 1}, ["S3", "S7"]),
    ("SEAL-03", {"grace_hours": 500}, []),
    ("SUB-01", {"grace_days": 60}, []),
    ("SUB-01", {"min_amount": 800}, []),
    ("SUB-02", {"min_amount": 400}, []),
    ("SUB-02", {"programmes": ["低保金"]}, []),
    ("SUB-03", {"tolerance_mu": 0.01, "tolerance_pct": 0}, ["PO5", "PO6"]),
    ("SUB-03", {"tolerance_mu": 2}, []),
    ("SUB-03", {"tolerance_pct": 50}, []),  # 1.75 mu allowed
    ("SUB-03", {"min_amount": 600}, []),
    ("SUB-03", {"programmes": ["种粮补贴"]}, []),
    ("SUB-04", {"grace_days": 1}, ["PO7", "PO8", "PO9"]),
    ("SUB-04", {"grace_days": 10}, ["PO9"]),  # unpaid 10 days 3 hours
    ("SUB-04", {"min_amount": 800}, []),
    ("SUB-04", {"batch_extra_days": 30}, ["PO7", "PO9"]),  # 低保金 is not paid in batches
    ("SUB-04", {"batch_programmes": ["低保金"], "batch_extra_days": 7}, ["PO9"]),  # PO7: 9 days late
    ("SUB-04", {"batch_programmes": ["低保金"], "batch_extra_days": 30}, []),
    ("SUB-05", {"window_days": 40}, ["PO10", "PO3"]),
    ("SUB-05", {"min_count": 3}, []),
    ("SUB-05", {"min_amount": 800}, []),
    ("PRJ-01", {"window_days": 200}, ["PJ2", "PJ4"]),
    ("PRJ-01", {"window_days": 10}, []),
    ("PRJ-01", {"min_count": 3}, []),
    ("PRJ-01", {"limit": 29000}, []),  # PJ1 is no longer under it
    ("PRJ-01", {"margin_pct": 1}, []),  # 28500 is no longer just under
    ("PRJ-02", {"limit": 50000}, ["PJ5", "PJ6"]),
    ("PRJ-02", {"min_amount": 12000}, []),
    ("PRJ-02", {"procurement_min_amount": 12000}, []),  # PJ5 is a 12000 purchase
    ("PRJ-03", {"min_amount": 18000}, []),
    ("PRJ-03", {"relations": ["配偶"]}, []),
    ("PRJ-03", {"other_villages": 1}, ["PJ1", "PJ8"]),  # PJ1's bidder 孙小七 is 三村's
    ("PRJ-03", {"winner_only": 1}, []),  # 周小八 bid on PJ8, 丙公司 won
    ("PRJ-04", {"min_bidders": 3}, ["PJ3", "PJ5", "PJ6", "PJ7", "PJ9"]),
    ("PRJ-04", {"min_amount": 20000}, []),
    ("PRJ-04", {"procurement_min_amount": 20000}, []),  # PJ9 is a 20000 purchase
    ("PRJ-05", {"tolerance_pct": 0.01}, ["PJ11", "PJ4"]),
    ("PRJ-05", {"min_same": 3}, []),
    ("PRJ-05", {"min_amount": 26000}, []),
    ("PRJ-05", {"winner_among": 1}, []),  # PJ11 went to 庚公司's 25800
    ("PRJ-06", {"works_min_days": 6}, ["PJ12", "PJ7"]),
    ("PRJ-06", {"procurement_min_days": 6}, ["PJ12", "PJ8", "PJ9"]),
    ("PRJ-06", {"min_amount": 15000}, []),
    ("PRJ-06", {"large_min_days": 6}, ["PJ12", "PJ7", "PJ8", "PJ9"]),
    ("PRJ-06", {"large_min_days": 6, "large_amount": 19000}, ["PJ12", "PJ7", "PJ9"]),  # PJ8 is 18000
    ("DIS-01", {"finance_grace_days": 1}, ["DC3"]),
    ("DIS-01", {"village_grace_days": 1}, ["DC1", "DC2", "DC3"]),
    ("DIS-01", {"party_grace_days": 30}, ["DC1"]),
    ("QRY-01", {"skip_weekends": 0}, ["Q2", "Q3"]),
    ("QRY-01", {"limit_days": 20}, []),
    ("PET-01", {"general_days": 6}, ["P12", "P4"]),
    ("PET-01", {"complex_days": 5}, ["P12", "P3", "P4", "P7"]),
    ("PET-01", {"working_days": 1}, ["P12", "P4"]),  # P3: 6 days, 4 working days (11-05 .. 11-10)
    ("PET-02", {"min_count": 2}, ["P2", "P4"]),
    ("PET-02", {"window_days": 2}, []),
]


@pytest.mark.parametrize(("code", "params", "subjects"), SENSITIVITY, ids=lambda v: str(v)[:40])
def test_each_threshold_moves_what_the_backtest_reports(store, code, params, subjects):
    with store.connect() as conn:
        found = backtest(conn, code, params, now=NOW)
    assert sorted(f.subject_id for f in found) == subjects


@pytest.mark.parametrize(
    ("code", "params", "subject", "title"),
    [
        ("FUN-04", {"other_villages": 1}, "PAY10",
         "向 孙小七 支付 1000.00 元（劳务费），其为三村委员孙七的子女"),
        ("PRJ-03", {"other_villages": 1}, "PJ1",
         "项目「村道硬化一期」29000.00 元的投标人 孙小七 是三村村干部孙七的子女"),
        ("SEAL-02", {"lunch_start_hour": 9.5, "lunch_end_hour": 10.5}, "S1",
         "公章于午休时间（2026-11-03 10:00）用于「村委会证明」"),
        # 11-06, 11-09 .. 11-13, 11-16 .. 11-20: 11 working days, 6 beyond 5
        ("PET-01", {"working_days": 1}, "P4",
         "一般信访（道路）2026-11-05 09:00 受理，时限 5 个工作日，至今未办结，逾期 6 个工作日"),
    ],
)  # fmt: skip
def test_a_moved_threshold_explains_its_hit_in_plain_chinese(store, code, params, subject, title):
    with store.connect() as conn:
        found = {f.subject_id: f.title for f in backtest(conn, code, params, now=NOW)}
    assert found[subject] == title


def test_every_threshold_is_exercised_by_a_back_test():
    moved = {(code, name) for code, params, _ in SENSITIVITY for name in params}
    declared = {(code, p.name) for code, rule in load_catalogue().items() for p in rule.params}
    assert declared - moved == set()


def raised(engine: Engine) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        query = select(warnings.c.rule_code, warnings.c.subject_id).where(
            warnings.c.rule_version.is_not(None)
        )
        return set(conn.execute(query).all())


def test_time_alone_raises_a_warning_about_something_not_done(store):
    with store.begin() as conn:
        evaluate(conn, NOW)
    assert raised(store) == set(EXPECTED)
    later = local(11, 26, 9)  # DC4 was due 11-25; S7 (used 11-20) still has no approval
    with store.begin() as conn:
        runs = evaluate(conn, later)
    new = raised(store) - set(EXPECTED)
    assert {("DIS-01", "DC4"), ("SEAL-03", "S7")} <= new
    assert all(CHECKS[code].clock for code, _subject in new)
    with store.begin() as conn:
        again = evaluate(conn, later + timedelta(minutes=5))
    assert sum(r.raised for r in again) == 0 and sum(r.raised for r in runs) == len(new)


def test_a_new_relative_in_the_registry_flags_an_old_payment(store):
    with store.begin() as conn:
        evaluate(conn, NOW)
    with store.begin() as conn:
        conn.execute(
            insert(cadre_relatives).values(
                external_id="CR3", village_code=V1, cadre_id=2, name="某建材店主", id_number="X-PAY10",
                relation="配偶", updated_at=NOW,
            )
        )  # fmt: skip
        conn.execute(
            insert(cadre_relatives).values(
                external_id="CR4", village_code=V1, cadre_id=2, name="孙小七",
                id_number=fixture_records.idn(602), relation="兄弟姐妹", updated_at=NOW,
            )
        )  # fmt: skip
        evaluate(conn, NOW + timedelta(hours=1))
    new = raised(store) - set(EXPECTED)
    # 孙小七 is now also a relative of 一村's secretary: PAY10 and PJ1's bid
    assert new >= {("FUN-04", "PAY10"), ("PRJ-03", "PJ1")}
    assert {code for code, _ in new} <= {"FUN-04", "PRJ-03"} | {c for c, k in CHECKS.items() if k.clock}
