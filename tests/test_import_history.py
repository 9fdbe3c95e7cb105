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
