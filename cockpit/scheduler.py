"""Wiring the cockpit's jobs into APScheduler.

Only one scheduler may run per store. ``python app.py`` runs one inside the
web process (COCKPIT_SCHEDULER=embedded), guarded by an exclusive file lock so
a second web process on the same machine (a reloader, several workers) skips
it. In production run it as its own process::

    COCKPIT_SCHEDULER=off gunicorn -w 4 "app:create_server()"
    python -m cockpit.scheduler

Across machines a file lock is not enough: the refresh itself takes a lease
row in the store (cockpit.lease), so schedulers on two machines never
refresh together and a dead one's lease expires after two minutes.

Jobs have fixed ids, ``coalesce`` and ``max_instances=1``; a job that fails is
logged and simply runs again at its next interval. While the store cannot
be reached, the refresh and the demo retry with backoff (``retry_store``)
and carry on by themselves when it returns. The weekly pack job
(COCKPIT_WEEKLY_PACK_AT, Monday 07:00 Beijing time by default) is retried a
few times a few minutes apart when it fails, since the next regular run is a
week away.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import logging
import os
import tempfile
import time
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
from cockpit.store.hierarchy import resolve_root
from cockpit.store.schema import store_meta
from cockpit.timewindow import TZ

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
        retry_store(lambda: refresh(engine), "refresh"),
        "interval",
        id="refresh",
        name="refresh cockpit data",
        seconds=settings.refresh_seconds,
        next_run_time=now,
        **common,
    )
    if demo_enabled(settings, engine):
        from sample_db.demo import demo_tick

        tick = functools.partial(demo_tick, intensity=settings.demo_intensity)
        scheduler.add_job(
            retry_store(_demo_then_refresh(tick, engine), "demo", give_up_after=60),
            "interval",
            id="demo",
            name="live demo",
            seconds=settings.demo_seconds,
            next_run_time=now,
            **common,
        )
        log.info("live demo job on: every %d s, intensity %g", settings.demo_seconds, settings.demo_intensity)
    if settings.weekly_pack_at != "off":
        day, clock = settings.weekly_pack_at.split()
        hour, minute = (int(part) for part in clock.split(":"))
        scheduler.add_job(
            weekly_pack_job(settings, engine),
            "cron",
            id="weekly-pack",
            name="weekly pack of the root region",
            day_of_week=day,
            hour=hour,
            minute=minute,
            timezone=TZ,
            **{**common, "misfire_grace_time": 6 * 3600},
        )
        log.info("weekly pack job on: %s Beijing time, into %s", settings.weekly_pack_at, settings.export_dir)


PACK_RETRIES = (300, 900, 1800)  # seconds after a failure
STORE_BACKOFF = (2, 4, 8, 16, 30, 60)  # seconds between tries while the store is unreachable, then 60 s


def retry_store(
    job: Callable[[], object],
    name: str,
    give_up_after: float = 600,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Callable[[], None]:
    """``job``, tried again with backoff (2, 4, 8, 16, 30, then every 60 s)
    while the store is unreachable, for up to ``give_up_after`` seconds; then
    the failure is raised (and logged by the scheduler) and the job's next
    run starts over. Any other error is raised at once. So a refresh picks
    up by itself, seconds after the store returns, with no restart."""
    from cockpit.outage import STORE_DOWN, store_down

    def run() -> None:
        started, attempt = clock(), 0
        while True:
            try:
                job()
            except STORE_DOWN as error:
                if not store_down(error):
                    raise
                wait = STORE_BACKOFF[min(attempt, len(STORE_BACKOFF) - 1)]
                if clock() - started + wait > give_up_after:
                    raise
                attempt += 1
                log.warning(
                    "%s: the store cannot be reached (attempt %d); retrying in %d s: %s",
                    name,
                    attempt,
                    wait,
                    str(error).splitlines()[0][:160],
                )
                sleep(wait)
            else:
                if attempt:
                    log.info("%s: the store answers again after %d attempt(s)", name, attempt + 1)
                return

    return run


def weekly_pack_job(
    settings: Settings,
    engine: Engine,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Callable[[], None]:
    """Build last week's pack of the root region into the archive; on failure
    log it and try again after 5, 15 and 30 minutes, then give up until next
    week (the failure is in the log)."""
    from cockpit.export.pack import build_last_week
    from cockpit.export.render import shared_renderer

    def job() -> None:
        for attempt, wait in enumerate((*PACK_RETRIES, None), start=1):
            try:
                with engine.connect() as conn:
                    root = resolve_root(conn, settings.root_region)
                path = build_last_week(
                    engine, root, Path(settings.export_dir), shared_renderer(settings.browser), clock()
                )
            except Exception:
                if wait is None:
                    raise
                log.exception("weekly pack failed (attempt %d); retrying in %d s", attempt, wait)
                sleep(wait)
            else:
                log.info("weekly pack archived: %s", path)
                return

    return job


def _demo_then_refresh(demo_tick: Callable, engine: Engine) -> Callable[[], None]:
    """One demo step, then a refresh so open pages pick it up at once."""

    def job() -> None:
        demo_tick(engine)
        refresh(engine)

    return job


def _log_failure(event: JobExecutionEvent) -> None:
    log.error("job %s failed; it runs again at its next interval", event.job_id, exc_info=event.exception)


# The embedded schedulers' locks, held for the life of the process. A lock
# only a local variable referred to was closed when it was collected, and the
# next gunicorn worker then started a second scheduler.
_HELD_LOCKS: list[SchedulerLock] = []


def start_embedded(
    settings: Settings, engine: Engine, lock_folder: Path | None = None
) -> BackgroundScheduler | None:
    """Start a background scheduler in this process, unless another process
    on this machine already runs one for the same store."""
    lock = SchedulerLock(settings.database_url, lock_folder)
    if not lock.acquire():
        log.info("another process runs the scheduler for this store (%s); not starting one", lock.path)
        return None
    _HELD_LOCKS.append(lock)
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
