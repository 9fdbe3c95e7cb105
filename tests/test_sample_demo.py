"""The live demo job, on small sample cities, on every database."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update

from cockpit.lifecycle import PETITION, WARNING
from cockpit.refresh import refresh
from cockpit.store.factories import Step, apply_petition_step
from cockpit.store.schema import petition_events, petitions, regions, store_meta, warning_events, warnings
from sample_db import NoDemoPlanError, NotSampleStoreError, demo_tick, generate, is_sample_store
from sample_db import demo as demo_module
from sample_db.calibration import measure
from sample_db.consistency import inconsistencies
from sample_db.plans import create_plan_tables, demo_clock, demo_plan, drop_plan_tables, sample_truth
from sample_db.simulate import figures, simulate
from sample_db.timing import OFFICE_HOURS, hour_slots

GENERATED = datetime(2026, 11, 21, 4, 0, tzinfo=UTC)  # noon in Asia/Shanghai
BUSY = 50_000.0  # an intensity that adds a few records on each 5-second tick of a tiny city


def quiet(_message: str) -> None:
    pass


@pytest.fixture
def sample(engine):
    # generate() empties the demo tables an earlier test may have left (the
    # shared fixture only knows the cockpit's own tables).
    generate(engine, now=GENERATED, towns=2, villages_per_town=3, progress=quiet)
    return engine


def counts(engine) -> dict:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar()
            for table in (petitions, petition_events, warnings, warning_events, demo_plan)
        }


def trail(engine) -> list[tuple]:
    """Every record and event, by external id (not by database id)."""
    with engine.connect() as conn:
        rows = [
            tuple(r)
            for table in (petitions, warnings)
            for r in conn.execute(
                select(*[c for c in table.c if c.name != "id"]).order_by(table.c.external_id)
            )
        ]
        for events, fk, table in (
            (petition_events, "petition_id", petitions),
            (warning_events, "warning_id", warnings),
        ):
            query = (
                select(table.c.external_id, *[c for c in events.c if c.name not in ("id", fk)])
                .join(table, table.c.id == events.c[fk])
                .order_by(table.c.external_id, events.c.at, events.c.kind)
            )
            rows.extend(tuple(r) for r in conn.execute(query))
    return rows


def due_plan_rows(engine, now: datetime) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(demo_plan).where(demo_plan.c.due_at <= now)
        ).scalar()


def run_ticks(engine, n: int, seed: int = 1, step: timedelta = timedelta(seconds=5), **options) -> Counter:
    rng, total = random.Random(seed), Counter()
    for i in range(n):
        total.update(demo_tick(engine, now=GENERATED + step * (i + 1), rng=rng, **options))
    return total


def test_the_generator_plans_the_rest_of_every_open_record(sample):
    with sample.connect() as conn:
        planned = conn.execute(select(demo_plan)).all()
        open_petitions = set(
            conn.execute(select(petitions.c.id).where(petitions.c.status.in_(PETITION.open_codes))).scalars()
        )
        open_warnings = set(
            conn.execute(select(warnings.c.id).where(warnings.c.status.in_(WARNING.open_codes))).scalars()
        )
    assert open_petitions and open_warnings
    assert all(p.due_at > GENERATED for p in planned)
    closes = {p.record_id for p in planned if p.record_kind == "petition" and '"closed"' in p.step}
    disposes = {p.record_id for p in planned if p.record_kind == "warning" and '"disposed"' in p.step}
    assert open_petitions <= closes
    assert open_warnings <= disposes


def test_a_simulated_fortnight_plays_out_the_model(engine):
    """Eleven simulated days in 6-hour ticks at a high intensity, so that a
    small city gets a few hundred petitions: they close within 5 days as
    often as the history's, every row agrees with its events, every planned
    step that came due was applied, and queues stay where Little's law puts
    them (at most ``intensity`` times the history's, never drained)."""
    intensity = 30.0
    generate(engine, now=GENERATED, towns=6, villages_per_town=4, progress=quiet)
    with engine.connect() as conn:
        history = measure(conn, GENERATED)
    run = simulate(engine, days=11, step=timedelta(hours=6), intensity=intensity, rng=random.Random(2))
    result = figures(engine, run)

    with engine.connect() as conn:
        assert inconsistencies(conn) == []
    assert due_plan_rows(engine, run.end) == 0
    share = result["share_5d"]
    assert share["received"] >= 250 and share["in_progress"] == 0
    assert 0.85 <= share["share"] <= 0.95
    assert abs(share["share"] - history["share_5d"]) <= 0.05
    history_per_day = history["petitions_per_village_year"]["mean"] * history["villages"] / 365
    assert 0.7 <= result["petitions_per_day"] / (intensity * history_per_day) <= 1.3
    start = run.snapshots[0]
    for snap in run.snapshots:
        assert start.red + start.yellow <= snap.red + snap.yellow <= intensity * (start.red + start.yellow)
    assert run.snapshots[-1].open_petitions >= 5 * start.open_petitions


@pytest.fixture(scope="module")
def played_in_short_ticks(tmp_path_factory) -> list[tuple]:
    """A small city played out with no arrivals in 12-hour ticks for 60 days
    (on SQLite)."""
    from cockpit.store.engine import make_engine

    store = make_engine(f"sqlite:///{tmp_path_factory.mktemp('ticks') / 'short.sqlite3'}")
    generate(store, **SMALL_WITH_OVERDUE)
    run_ticks(store, 120, seed=4, step=timedelta(hours=12), intensity=0)
    yield trail(store)
    store.dispose()


SMALL_WITH_OVERDUE = {"seed": 9, "now": GENERATED, "towns": 2, "villages_per_town": 3, "progress": quiet}


def test_one_long_tick_does_what_many_short_ones_do(engine, played_in_short_ticks):
    """With no arrivals, one tick 60 days on applies every planned step
    exactly as 120 twelve-hour ticks do."""
    generate(engine, **SMALL_WITH_OVERDUE)
    demo_tick(engine, now=GENERATED + timedelta(days=60), rng=random.Random(4), intensity=0)

    assert trail(engine) == played_in_short_ticks
    assert due_plan_rows(engine, GENERATED + timedelta(days=60)) == 0
    with engine.connect() as conn:
        assert inconsistencies(conn) == []
        for table, lifecycle in ((petitions, PETITION), (warnings, WARNING)):
            assert not conn.execute(select(table.c.id).where(table.c.status.in_(lifecycle.open_codes))).all()


def test_a_tick_after_a_long_pause_applies_every_due_step_but_adds_only_recent_arrivals(sample):
    later = GENERATED + timedelta(days=3)
    before = counts(sample)
    done = demo_tick(sample, now=later, rng=random.Random(3), intensity=500)
    assert done["petition_steps"] > 0 and done["warning_steps"] > 0 and done["petitions_added"] > 0
    assert done["records_added"] > 0 and done["anomalies_added"] > 0 and done["record_steps"] > 0
    assert due_plan_rows(sample, later) == 0
    with sample.connect() as conn:
        added = conn.execute(select(petitions.c.received_at).where(petitions.c.received_at > GENERATED)).all()
        assert inconsistencies(conn) == []
    assert len(added) == done["petitions_added"]
    assert all(later - demo_module.MAX_CATCH_UP <= r.received_at <= later for r in added)
    after = counts(sample)
    assert after["petition_events"] == before["petition_events"] + done["petition_events"]
    assert after["warning_events"] == before["warning_events"] + done["warning_events"]


def test_new_records_are_planned_in_full_and_counted(sample):
    before = counts(sample)
    done = run_ticks(sample, 30, intensity=BUSY)
    after = counts(sample)

    assert done["petitions_added"] > 0 and done["records_added"] > 0
    assert after["petitions"] == before["petitions"] + done["petitions_added"]
    assert after["warnings"] == before["warnings"]  # the demo never writes a warning: the engine does
    assert after["petition_events"] == before["petition_events"] + done["petition_events"]
    assert after["warning_events"] == before["warning_events"] + done["warning_events"]
    now = GENERATED + timedelta(seconds=150)
    with sample.connect() as conn:
        new = conn.execute(select(petitions).where(petitions.c.received_at > GENERATED)).all()
        closing = set(
            conn.execute(
                select(demo_plan.c.record_id).where(
                    demo_plan.c.record_kind == "petition", demo_plan.c.step.like('%"closed"%')
                )
            ).scalars()
        )
        assert inconsistencies(conn) == []
    assert all(GENERATED < p.received_at <= now and p.status == "received" for p in new)
    assert {p.id for p in new} <= closing


def test_new_records_continue_the_days_id_sequence(sample):
    run_ticks(sample, 20, intensity=BUSY)
    with sample.connect() as conn:
        for table, prefix in ((petitions, "SQ20261121"),):
            rows = conn.execute(
                select(table.c.external_id).where(table.c.external_id.like(prefix + "%")).order_by(table.c.id)
            )
            numbers = [int(external_id[-4:]) for external_id in rows.scalars()]
            assert len(numbers) > 5 and numbers == list(range(1, len(numbers) + 1))


def test_a_move_is_skipped_when_the_row_changed_meanwhile(sample):
    with sample.begin() as conn:
        row = dict(
            conn.execute(select(petitions).where(petitions.c.status.in_(("received", "assigned"))).limit(1))
            .mappings()
            .one()
        )
        changed = row["updated_at"] + timedelta(seconds=1)
        conn.execute(update(petitions).where(petitions.c.id == row["id"]).values(updated_at=changed))
        after = dict(row)
        apply_petition_step(after, Step("escalated", GENERATED + timedelta(minutes=5), level="town"))
        moved = demo_module._write_moved(conn, petitions, row, after)
        stored = conn.execute(select(petitions).where(petitions.c.id == row["id"])).mappings().one()
    assert moved is False
    assert stored["handling_level"] == row["handling_level"] and stored["updated_at"] == changed


def test_a_tick_claims_its_stretch_of_time_only_once(sample):
    with sample.connect() as conn:
        ticks = conn.execute(select(demo_clock.c.ticks)).scalar()
    demo_tick(sample, now=GENERATED + timedelta(minutes=1), rng=random.Random(1), intensity=BUSY)
    with sample.begin() as conn:  # a tick that read the clock before the one above moved it
        assert demo_module._advance_clock(conn, ticks, GENERATED + timedelta(minutes=2)) is False
    before = counts(sample)
    for seconds in (60, 30):  # the same time again, or an earlier one: nothing to do
        done = demo_tick(
            sample, now=GENERATED + timedelta(seconds=seconds), rng=random.Random(1), intensity=BUSY
        )
        assert sum(done.values()) == 0
    assert counts(sample) == before


def test_a_plan_that_no_longer_fits_its_record_is_dropped(sample):
    with sample.begin() as conn:
        planned = conn.execute(
            select(demo_plan)
            .where(demo_plan.c.record_kind == "petition")
            .order_by(demo_plan.c.due_at)
            .limit(1)
        ).one()
        conn.execute(  # someone else closed it
            update(petitions).where(petitions.c.id == planned.record_id).values(status="closed")
        )
    demo_tick(sample, now=GENERATED + timedelta(days=30), rng=random.Random(1), intensity=0)
    with sample.connect() as conn:
        left = conn.execute(
            select(func.count()).select_from(demo_plan).where(demo_plan.c.record_id == planned.record_id)
        ).scalar()
    assert left == 0


def test_zero_intensity_adds_nothing_but_planned_steps_still_happen(sample):
    before = counts(sample)
    done = run_ticks(sample, 4, step=timedelta(hours=12), intensity=0)
    after = counts(sample)
    assert done["petitions_added"] == 0
    assert after["petitions"] == before["petitions"]
    assert done["petition_steps"] + done["warning_steps"] > 0
    assert after["demo_plan"] < before["demo_plan"]
    assert after["warnings"] == before["warnings"]  # the engine raises warnings, in the refresh job


def test_the_demo_refuses_a_store_not_built_by_the_generator(engine):
    create_plan_tables(engine)  # even one that has the demo's tables
    with engine.begin() as conn:
        conn.execute(insert(regions).values(code="990100000000", name="真实市", level="city", sort_order=0))
        conn.execute(insert(store_meta).values(key="generator", value="import"))
    with pytest.raises(NotSampleStoreError):
        demo_tick(engine, now=GENERATED, rng=random.Random(1), intensity=BUSY)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(petitions)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(warnings)).scalar() == 0
        assert is_sample_store(conn) is False


def test_the_demo_leaves_a_sample_store_without_plans_alone(sample):
    drop_plan_tables(sample)  # as a store built before the demo had plans
    before = counts_without_plans(sample)
    with pytest.raises(NoDemoPlanError):
        demo_tick(sample, now=GENERATED + timedelta(hours=1), rng=random.Random(1), intensity=BUSY)
    assert counts_without_plans(sample) == before


def counts_without_plans(engine) -> list[int]:
    with engine.connect() as conn:
        return [
            conn.execute(select(func.count()).select_from(table)).scalar()
            for table in (petitions, petition_events, warnings, warning_events)
        ]


def test_the_demo_refuses_an_empty_store(engine):
    with pytest.raises(NotSampleStoreError):
        demo_tick(engine, now=GENERATED, rng=random.Random(1))


def test_it_runs_with_the_clock_and_a_fresh_random_source(sample):
    done = demo_tick(sample)
    assert set(done) == set(demo_module.COUNTS)
    with sample.connect() as conn:
        assert inconsistencies(conn) == []


def test_arrivals_are_proportional_to_the_time_elapsed_whatever_the_ticks():
    start = datetime(2026, 11, 23, 0, 17, tzinfo=UTC)
    whole = sum(w for _, _, w in hour_slots(start, start + timedelta(hours=6), OFFICE_HOURS, True))
    pieces = sum(
        w
        for i in range(6 * 720)
        for _, _, w in hour_slots(
            start + timedelta(seconds=5 * i), start + timedelta(seconds=5 * (i + 1)), OFFICE_HOURS, True
        )
    )
    assert pieces == pytest.approx(whole)
    day = datetime(2026, 11, 23, tzinfo=UTC) - timedelta(hours=8)  # a Monday, local midnight
    monday = sum(w for _, _, w in hour_slots(day, day + timedelta(days=1), OFFICE_HOURS, True))
    assert monday == pytest.approx(1.0 * 1.0, rel=0.15)  # weight 1 times the season


def test_the_engine_raises_the_demos_anomalies_and_the_next_tick_plans_their_handling(sample):
    """The demo writes records (updated_at = the tick's time, so the
    engine's next run reads them) and ground truth for its anomalies; the
    refresh job raises exactly those; the tick after plans their handling."""
    later = GENERATED + timedelta(hours=2)
    done = demo_tick(sample, now=later, rng=random.Random(5), intensity=BUSY)
    assert done["anomalies_added"] > 0
    refresh(sample, now=later)
    with sample.connect() as conn:
        truth = {
            (r.rule_code, r.subject_id)
            for r in conn.execute(select(sample_truth).where(sample_truth.c.detectable_at <= later))
        }
        raised = {  # the petition rules' truth comes from the history's plans only
            tuple(r)
            for r in conn.execute(
                select(warnings.c.rule_code, warnings.c.subject_id).where(
                    warnings.c.rule_code.not_in(("PET-01", "PET-02")) | (warnings.c.raised_at < later)
                )
            )
        }
        new = conn.execute(select(warnings.c.id).where(warnings.c.raised_at == later)).scalars().all()
    assert truth == raised and new
    after = demo_tick(sample, now=later + timedelta(minutes=1), rng=random.Random(6), intensity=0)
    assert after["warnings_planned"] == len(new)
    with sample.connect() as conn:
        planned = set(
            conn.execute(select(demo_plan.c.record_id).where(demo_plan.c.record_kind == "warning")).scalars()
        )
        assert inconsistencies(conn) == []
    assert set(new) <= planned  # every new warning has its handling planned
