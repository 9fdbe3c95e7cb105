"""Wiring the cockpit's jobs into APScheduler.

Only one scheduler may run per store. ``python app.py`` runs one inside the
web process (COCKPIT_SCHEDULER=embedded), guarded by an exclusive file lock so
a second web process on the same machine (a reloader, several workers) skips
it. In production run it as its own process::

    COCKPIT_SCHEDULER=off gunicorn -w 4 "app:create_server()"
    python -m cockpit.scheduler

Jobs have fixed ids, ``coalesce`` and ``max_instances=1``; a job that fails is
logged and simply runs again at its next interval.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine, select

from cockpit.refresh import refresh
from cockpit.settings import Settings
from cockpit.store.schema import store_meta

log = logging.getLogger(__name__)


class SchedulerLock:
    """An exclusive, non-blocking lock on a file named after the store.

    Held for the life of the process; the OS releases it when the process dies.
    """

    def __init__(self, database_url: str, folder: Path | None = None):
        digest = hashlib.sha1(database_url.encode()).hexdigest()[:12]
        self.path = (folder or Path(tempfile.gettempdir())) / f"cockpit-scheduler-{digest}.lock"
        self._file: IO | None = None

    def acquire(self) -> bool:
        handle = open(self.path, "a+")  # noqa: SIM115 - held open for the process's life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def demo_enabled(settings: Settings, engine: Engine) -> bool:
    """Whether to run the live demo job: only on a store the sample generator
    built, with the demo's plans in it (demo_tick checks again before every
    write)."""
    if not settings.demo:
        return False
    from sample_db.plans import has_plan_tables

    with engine.connect() as conn:
        generator = conn.execute(select(store_meta.c.value).where(store_meta.c.key == "generator")).scalar()
        if generator == "sample" and not has_plan_tables(conn):
            log.warning("sample store without the demo's plans (built by an older generator): demo off")
            return False
    return generator == "sample"


def add_jobs(scheduler: BaseScheduler, settings: Settings, engine: Engine) -> None:
    """Register the refresh job and, on a sample store, the live demo job."""
    now = datetime.now(UTC)
    common = {"coalesce": True, "max_instances": 1, "replace_existing": True, "misfire_grace_time": 30}
    scheduler.add_job(
        refresh,
        "interval",
        args=[engine],
        id="refresh",
        name="refresh cockpit data",
        seconds=settings.refresh_seconds,
        next_run_time=now,
        **common,
    )
    if demo_enabled(settings, engine):
        from sample_db.demo import demo_tick

        scheduler.add_job(
            _demo_then_refresh(demo_tick, engine),
            "interval",
            id="demo",
            name="live demo",
            seconds=settings.demo_seconds,
            next_run_time=now,
            **common,
        )
        log.info("live demo job on: every %d s", settings.demo_seconds)


def _demo_then_refresh(demo_tick: Callable, engine: Engine) -> Callable[[], None]:
    """One demo step, then a refresh so open pages pick it up at once."""

    def job() -> None:
        demo_tick(engine)
        refresh(engine)

    return job


def _log_failure(event: JobExecutionEvent) -> None:
    log.error("job %s failed; it runs again at its next interval", event.job_id, exc_info=event.exception)


def start_embedded(settings: Settings, engine: Engine) -> BackgroundScheduler | None:
    """Start a background scheduler in this process, unless another process
    on this machine already runs one for the same store."""
    lock = SchedulerLock(settings.database_url)
    if not lock.acquire():
        log.info("another process runs the scheduler for this store (%s); not starting one", lock.path)
        return None
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_listener(_log_failure, EVENT_JOB_ERROR)
    add_jobs(scheduler, settings, engine)
    scheduler.start()
    log.info("scheduler started in the web process: refresh every %d s", settings.refresh_seconds)
    return scheduler


def main() -> None:
    """Entry point of ``python -m cockpit.scheduler``: the scheduler alone."""
    from cockpit.main import configure_logging, open_store

    configure_logging()
    settings = Settings.from_env()
    engine = open_store(settings)
    lock = SchedulerLock(settings.database_url)
    if not lock.acquire():
        raise SystemExit(f"a scheduler for this store already runs on this machine (lock {lock.path})")
    scheduler = BlockingScheduler(timezone=UTC)
    scheduler.add_listener(_log_failure, EVENT_JOB_ERROR)
    add_jobs(scheduler, settings, engine)
    log.info("scheduler running: refresh every %d s; Ctrl-C stops it", settings.refresh_seconds)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        lock.release()


if __name__ == "__main__":
    main()
