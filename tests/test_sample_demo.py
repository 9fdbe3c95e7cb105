"""The live demo job, on a small sample city, on every database."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update

from cockpit.store.factories import Step, apply_petition_step
from cockpit.store.schema import petition_events, petitions, regions, store_meta, warning_events, warnings
from sample_db import NotSampleStoreError, demo_tick, generate, is_sample_store
from sample_db import demo as demo_module
from sample_db.consistency import inconsistencies

GENERATED = datetime(2026, 11, 21, 4, 0, tzinfo=UTC)  # noon in Asia/Shanghai


def quiet(_message: str) -> None:
    pass


@pytest.fixture
def sample(engine):
    generate(engine, now=GENERATED, towns=2, villages_per_town=3, progress=quiet)
    return engine


def counts(engine) -> dict:
    with engine.connect() as conn:
        return {
            "petitions": conn.execute(select(func.count()).select_from(petitions)).scalar(),
            "petition_events": conn.execute(select(func.count()).select_from(petition_events)).scalar(),
            "warnings": conn.execute(select(func.count()).select_from(warnings)).scalar(),
            "warning_events": conn.execute(select(func.count()).select_from(warning_events)).scalar(),
            "statuses": Counter(conn.execute(select(warnings.c.status)).scalars()),
        }


def run_ticks(engine, n: int, seed: int = 1) -> Counter:
    rng, total = random.Random(seed), Counter()
    for i in range(n):
        total.update(demo_tick(engine, now=GENERATED + timedelta(seconds=5 * (i + 1)), rng=rng))
    return total


def test_the_demo_adds_and_moves_records_and_keeps_them_consistent(sample, monkeypatch):
    # A small city has few open records: move them often enough to see it.
    monkeypatch.setattr(demo_module, "PETITION_HAZARD", 0.5)
    monkeypatch.setattr(demo_module, "RED_HAZARD", 0.2)
    monkeypatch.setattr(demo_module, "YELLOW_HAZARD", 0.1)
    monkeypatch.setattr(demo_module, "WARNING_RATE", 1.0)
    before = counts(sample)
    done = run_ticks(sample, 30)
    after = counts(sample)

    assert done["petitions_added"] > 0 and done["petitions_moved"] > 0
    assert done["warnings_added"] > 0 and done["warnings_accepted"] > 0 and done["warnings_disposed"] > 0
    assert after["petitions"] == before["petitions"] + done["petitions_added"]
    assert after["warnings"] == before["warnings"] + done["warnings_added"]
    assert (
        after["petition_events"]
        == before["petition_events"] + done["petitions_added"] + done["petitions_moved"]
    )
    assert after["warning_events"] == (
        before["warning_events"]
        + done["warnings_added"]
        + done["warnings_accepted"]
        + done["warnings_disposed"]
    )
    with sample.connect() as conn:
        assert inconsistencies(conn) == []


def test_new_records_continue_the_days_id_sequence(sample, monkeypatch):
    monkeypatch.setattr(demo_module, "PETITION_RATE", 2.0)
    run_ticks(sample, 5)
    with sample.connect() as conn:
        ids = conn.execute(select(petitions.c.external_id).where(petitions.c.external_id.like("SQ20261121%")))
        numbers = sorted(int(external_id[-4:]) for external_id in ids.scalars())
    assert numbers == list(range(1, len(numbers) + 1))


def test_new_petitions_are_received_at_now_and_open(sample, monkeypatch):
    monkeypatch.setattr(demo_module, "PETITION_RATE", 2.0)
    monkeypatch.setattr(demo_module, "PETITION_HAZARD", 0.0)
    now = GENERATED + timedelta(minutes=1)
    with sample.connect() as conn:
        last_id = conn.execute(select(func.max(petitions.c.id))).scalar()
    added = sum(demo_tick(sample, now=now, rng=random.Random(s))["petitions_added"] for s in range(3))
    with sample.connect() as conn:
        rows = conn.execute(select(petitions).where(petitions.c.id > last_id)).all()
    assert len(rows) == added > 0
    assert all(
        r.received_at == now and r.status == "received" and r.handling_level == "village" for r in rows
    )


def test_a_move_is_skipped_when_the_row_changed_meanwhile(sample):
    with sample.begin() as conn:
        row = dict(
            conn.execute(select(petitions).where(petitions.c.status.in_(("received", "assigned"))).limit(1))
            .mappings()
            .one()
        )
        conn.execute(
            update(petitions)
            .where(petitions.c.id == row["id"])
            .values(updated_at=row["updated_at"] + timedelta(seconds=1))
        )
        events_before = conn.execute(select(func.count()).select_from(petition_events)).scalar()
        after = dict(row)
        step = Step("escalated", GENERATED + timedelta(minutes=5), level="town", unit="某镇人民政府")
        event = apply_petition_step(after, step)
        moved = demo_module._record(conn, petitions, petition_events, "petition_id", row, after, event)
        events_after = conn.execute(select(func.count()).select_from(petition_events)).scalar()
    assert moved is False
    assert events_after == events_before


def test_the_demo_refuses_a_store_not_built_by_the_generator(engine):
    with engine.begin() as conn:
        conn.execute(insert(regions).values(code="990100000000", name="真实市", level="city", sort_order=0))
        conn.execute(insert(store_meta).values(key="generator", value="import"))
    with pytest.raises(NotSampleStoreError):
        demo_tick(engine, now=GENERATED, rng=random.Random(1))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(petitions)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(warnings)).scalar() == 0
        assert is_sample_store(conn) is False


def test_the_demo_refuses_an_empty_store(engine):
    with pytest.raises(NotSampleStoreError):
        demo_tick(engine, now=GENERATED, rng=random.Random(1))


def test_zero_intensity_changes_nothing(sample):
    before = counts(sample)
    done = Counter()
    for seed in range(5):
        done.update(
            demo_tick(sample, now=GENERATED + timedelta(seconds=5), rng=random.Random(seed), intensity=0)
        )
    assert sum(done.values()) == 0
    assert counts(sample) == before


def test_it_runs_with_the_clock_and_a_fresh_random_source(sample):
    done = demo_tick(sample)
    assert set(done) == {
        "petitions_added",
        "petitions_moved",
        "warnings_added",
        "warnings_accepted",
        "warnings_disposed",
    }
