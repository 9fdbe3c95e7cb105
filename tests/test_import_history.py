"""Importing history (``--history``): years of closed cases count in every
statistic but raise no live warning; what is still open does (issue 18)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from cockpit.importer import import_file
from cockpit.rules.engine import evaluate
from cockpit.store.history import history_until, mark_history
from cockpit.store.schema import petitions, warnings
from cockpit.timewindow import TZ
from tests import fixture_city
from tests.fixture_city import V1
from tests.test_import import HEADER, MAPPING, _mapping

NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
FIRST = datetime(2024, 12, 1, 9, 0, tzinfo=UTC)
OPEN = {"HO1": datetime(2026, 11, 10, 9, 0, tzinfo=UTC), "HO2": datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        "HO3": datetime(2026, 11, 25, 9, 0, tzinfo=UTC)}  # fmt: skip


def _history_csv(path: Path) -> Path:
    """Two years of one village's 道路 petitions, every 12 days (three in any
    30: PET-02), every other one closed after 9 days (late: PET-01), then
    three still open, received in November."""
    fmt = "%Y-%m-%d %H:%M:%S"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(60):
            received = FIRST + timedelta(days=12 * i)
            closed = received + timedelta(days=9 if i % 2 == 0 else 2)
            writer.writerow(
                [f"H{i}", received.strftime(fmt), "道路", V1, "已办结", closed.strftime(fmt), "", ""]
            )
        for key, received in OPEN.items():
            writer.writerow([key, received.strftime(fmt), "道路", V1, "办理中", "", "", ""])
    return path


@pytest.fixture
def store(engine):
    with engine.begin() as conn:
        fixture_city.load(conn)
    return engine


def _warned(engine) -> set[str]:
    """The imported petitions some warning is about."""
    with engine.connect() as conn:
        rows = conn.execute(select(warnings.c.subject_id).where(warnings.c.subject_type == "petition")).all()
    return {r.subject_id for r in rows if r.subject_id.startswith("H")}


@pytest.mark.parametrize("history", [True, False])
def test_history_raises_warnings_only_for_matters_still_open(store, tmp_path, history):
    path = _history_csv(tmp_path / "history.csv")
    summary = import_file(store, path, _mapping(tmp_path, MAPPING), now=NOW, history=history)
    assert summary.committed and summary.inserted == 63
    with store.begin() as conn:
        evaluate(conn, NOW)
        rows = conn.execute(
            select(petitions.c.external_id, petitions.c.received_at, petitions.c.closed_at).where(
                petitions.c.external_id.like("H%"), petitions.c.closed_at.is_not(None)
            )
        ).all()
    late_closed = {r.external_id for r in rows if r.closed_at - r.received_at > timedelta(days=5)}
    warned = _warned(store)
    # HO1 and HO2 are past their 5 days; HO3 completes three in 30 days.
    assert set(OPEN) <= warned
    if history:
        assert warned == set(OPEN)
    else:  # the same file as a routine import: its late closures are warned about
        assert len(late_closed) == 30
        assert late_closed <= warned


def test_the_history_marker_only_moves_forward(store):
    with store.begin() as conn:
        assert history_until(conn) is None
        assert mark_history(conn, NOW) == NOW
        assert mark_history(conn, NOW - timedelta(days=1)) == NOW
        later = NOW + timedelta(hours=1)
        assert mark_history(conn, later) == later
        assert history_until(conn) == later


PAID_PAYMENTS = """\
target: payments
region: {path: [镇, 村]}
columns:
  external_id: 单号
  applicant: 申请人
  payee: 收款人
  amount: 金额
  purpose: 用途
  applied_at: 申请时间
  paid_at: 付款时间
"""


@pytest.mark.parametrize("history", [True, False])
def test_history_of_business_records_raises_nothing_for_payments_long_paid(store, tmp_path, history):
    """Ten payments paid in 2024 with no approval on record (FUN-01, 先付款后
    审批 and 无审批 alike): as history they are facts, not live warnings; a
    payment paid after the import is judged as ever."""
    path = tmp_path / "payments.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["单号", "镇", "村", "申请人", "收款人", "金额", "用途", "申请时间", "付款时间"])
        for i in range(10):
            day = f"2024-03-{1 + i:02d} 09:00:00"
            writer.writerow([f"HP{i}", "甲镇", "一村", "王会计", "某工程队", "20000", "修路", day, day])
    summary = import_file(store, path, _mapping(tmp_path, PAID_PAYMENTS), now=NOW, history=history)
    assert summary.committed and summary.inserted == 10
    with store.begin() as conn:
        evaluate(conn, NOW)
        warned = set(
            conn.execute(select(warnings.c.subject_id).where(warnings.c.subject_type == "payment")).scalars()
        ) - {f"S{n}" for n in range(1, 8)}  # the fixture's own warnings
    assert warned == (set() if history else {f"HP{i}" for i in range(10)})

    # A payment paid after the history import: a live matter, warned about.
    later = tmp_path / "later.csv"
    paid = NOW + timedelta(days=1)
    stamp = paid.astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S")
    later.write_text(
        "单号,镇,村,申请人,收款人,金额,用途,申请时间,付款时间\n"
        f"NP1,甲镇,一村,王会计,某工程队,20000,修路,{stamp},{stamp}\n",
        encoding="utf-8",
    )
    assert import_file(store, later, _mapping(tmp_path, PAID_PAYMENTS), now=paid).committed
    with store.begin() as conn:
        evaluate(conn, paid + timedelta(hours=1))
        warned = set(
            conn.execute(select(warnings.c.subject_id).where(warnings.c.subject_type == "payment")).scalars()
        )
    assert "NP1" in warned
