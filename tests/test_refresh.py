"""The refresh job and its scheduler wiring, called directly."""

from __future__ import annotations

import gc
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import String, delete, insert, select, update

from cockpit.refresh import refresh
from cockpit.rules.engine import evaluate
from cockpit.scheduler import SchedulerLock, add_jobs, demo_enabled, start_embedded
from cockpit.settings import Settings
from cockpit.store.factories import build_petition, write_petitions
from cockpit.store.schema import rule_state, store_meta, warnings
from queries.refresh import data_version, refresh_status
from sample_db.plans import plan_metadata
from tests import fixture_city, fixture_records

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


def _add_petition(engine, external_id: str) -> None:
    with engine.begin() as conn:
        write_petitions(
            conn,
            [
                build_petition(
                    external_id=external_id,
                    village_code=fixture_city.V1,
                    received_at=NOW,
                    category="道路",
                    unit="一村村委会",
                )
            ],
        )


def test_it_records_the_refresh_time_and_data_version(engine):
    with engine.begin() as conn:
        fixture_city.load(conn)
    status = refresh(engine, now=NOW)
    with engine.connect() as conn:
        stored = refresh_status(conn)
        version = data_version(conn)
    assert stored.refreshed_at == NOW
    assert stored.data_version == status.data_version == version
    assert stored.error is None


def test_the_version_changes_when_data_changes_and_only_then(engine):
    with engine.begin() as conn:
        fixture_city.load(conn)
    first = refresh(engine, now=NOW).data_version
    again = refresh(engine, now=NOW + timedelta(seconds=30))
    assert again.data_version == first
    _add_petition(engine, "NEW-1")
    after = refresh(engine, now=NOW + timedelta(seconds=60))
    assert after.data_version != first
    with engine.connect() as conn:
        assert refresh_status(conn).refreshed_at == NOW + timedelta(seconds=60)


def test_refresh_status_is_none_before_the_first_refresh(engine):
    with engine.connect() as conn:
        assert refresh_status(conn) is None


def test_only_one_process_holds_the_scheduler_lock(tmp_path):
    first = SchedulerLock("sqlite:///x", folder=tmp_path)
    second = SchedulerLock("sqlite:///x", folder=tmp_path)
    other_store = SchedulerLock("sqlite:///y", folder=tmp_path)
    assert first.acquire() is True
    assert second.acquire() is False
    assert other_store.acquire() is True
    first.release()
    assert second.acquire() is True
    second.release()
    other_store.release()


def test_the_embedded_scheduler_holds_its_lock_for_the_life_of_the_process(sqlite_engine, tmp_path):
    settings = Settings(database_url=str(sqlite_engine.url), demo=False, weekly_pack_at="off")
    first = start_embedded(settings, sqlite_engine, lock_folder=tmp_path)
    assert first is not None
    try:
        gc.collect()  # nothing but the process should keep the lock open
        assert start_embedded(settings, sqlite_engine, lock_folder=tmp_path) is None  # the next worker
    finally:
        first.shutdown(wait=True)


def test_the_demo_job_is_scheduled_only_on_a_sample_store(sqlite_engine):
    settings = Settings(database_url=str(sqlite_engine.url), demo=True, weekly_pack_at="off")
    assert demo_enabled(settings, sqlite_engine) is False
    scheduler = BackgroundScheduler(timezone=UTC)
    add_jobs(scheduler, settings, sqlite_engine)
    assert [job.id for job in scheduler.get_jobs()] == ["refresh"]

    with sqlite_engine.begin() as conn:
        conn.execute(insert(store_meta).values(key="generator", value="sample"))
    # A sample store from a generator that kept no plans: nothing to play out.
    assert demo_enabled(settings, sqlite_engine) is False
    plan_metadata.create_all(sqlite_engine)
    assert demo_enabled(settings, sqlite_engine) is True
    assert demo_enabled(Settings(database_url=str(sqlite_engine.url), demo=False), sqlite_engine) is False
    scheduler = BackgroundScheduler(timezone=UTC)
    add_jobs(scheduler, settings, sqlite_engine)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert sorted(jobs) == ["demo", "refresh"]
    assert jobs["refresh"].trigger.interval == timedelta(seconds=settings.refresh_seconds)
    assert jobs["refresh"].max_instances == 1 and jobs["refresh"].coalesce is True


def test_a_failing_refresh_is_logged_and_retried_at_the_next_run(sqlite_engine, caplog):
    import time

    from apscheduler.events import EVENT_JOB_ERROR

    from cockpit.scheduler import _log_failure

    settings = Settings(database_url=str(sqlite_engine.url), refresh_seconds=1)
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_listener(_log_failure, EVENT_JOB_ERROR)
    add_jobs(scheduler, settings, sqlite_engine)
    with sqlite_engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE refresh_state")
    with caplog.at_level(logging.ERROR, logger="cockpit.scheduler"):
        scheduler.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not caplog.records:
            time.sleep(0.1)
        # The table comes back (the database "returns"); the next run succeeds.
        from cockpit.store.schema import refresh_state

        refresh_state.create(sqlite_engine)
        deadline = time.monotonic() + 10
        recovered = None
        while time.monotonic() < deadline and recovered is None:
            time.sleep(0.2)
            with sqlite_engine.connect() as conn:
                recovered = refresh_status(conn)
        scheduler.shutdown(wait=True)
    assert any("job refresh failed" in record.getMessage() for record in caplog.records)
    assert recovered is not None


def _engine_warnings(engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(warnings.c.rule_code, warnings.c.subject_id).where(warnings.c.rule_version.is_not(None))
        ).all()
    return sorted((code, subject) for code, subject in rows)


def test_a_refresh_raises_the_rules_warnings_once_and_they_are_in_its_version(engine):
    with engine.begin() as conn:
        fixture_city.load(conn)
        version_before = data_version(conn)
        fixture_records.load(conn)
    first = refresh(engine, now=fixture_records.NOW)
    raised = _engine_warnings(engine)
    assert raised == sorted(fixture_records.EXPECTED)
    assert first.data_version != version_before
    with engine.connect() as conn:
        assert first.data_version == data_version(conn)
    second = refresh(engine, now=fixture_records.NOW + timedelta(minutes=5))
    assert _engine_warnings(engine) == raised
    assert second.data_version == first.data_version


def test_a_failing_rule_evaluation_is_logged_and_the_refresh_goes_on(engine, monkeypatch, caplog):
    with engine.begin() as conn:
        fixture_city.load(conn)
        fixture_records.load(conn)

    def broken(conn, now):
        evaluate(conn, now)  # writes warnings, then fails: all of it is rolled back
        raise RuntimeError("a broken rule")

    monkeypatch.setattr("cockpit.refresh.evaluate", broken)
    with caplog.at_level(logging.ERROR, logger="cockpit.refresh"):
        status = refresh(engine, now=NOW)
    assert any("rule evaluation failed" in record.getMessage() for record in caplog.records)
    assert _engine_warnings(engine) == []
    with engine.connect() as conn:
        assert refresh_status(conn).data_version == status.data_version == data_version(conn)
    monkeypatch.undo()
    refresh(engine, now=NOW + timedelta(minutes=1))
    assert _engine_warnings(engine) == sorted(fixture_records.EXPECTED)


def test_the_engine_runs_on_sample_stores_too(engine):
    """The sample generator writes business records and the demo adds more:
    the refresh job raises their warnings like any store's."""
    with engine.begin() as conn:
        fixture_city.load(conn)
        fixture_records.load(conn)
        conn.execute(insert(store_meta).values(key="generator", value="sample"))
    refresh(engine, now=fixture_records.NOW)
    assert _engine_warnings(engine) == sorted(fixture_records.EXPECTED)


def test_a_rule_never_doubles_a_warning_another_system_raised_about_the_same_subject(engine):
    with engine.begin() as conn:
        fixture_city.load(conn)
        fixture_records.load(conn)
    refresh(engine, now=fixture_records.NOW)
    raised = _engine_warnings(engine)
    with engine.begin() as conn:
        # The same warnings, as another system (an import, say) had written them under its own ids.
        conn.execute(update(warnings).values(external_id="IMPORTED-" + warnings.c.id.cast(String)))
        conn.execute(delete(rule_state))
    refresh(engine, now=fixture_records.NOW + timedelta(minutes=5))
    assert _engine_warnings(engine) == raised
