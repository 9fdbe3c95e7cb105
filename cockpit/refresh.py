"""The refresh job: what the scheduler runs every COCKPIT_REFRESH_SECONDS.

A plain function; APScheduler only wires it up (cockpit.scheduler) and the
tests call it directly.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, update
from sqlalchemy.exc import IntegrityError

from cockpit.lease import held
from cockpit.rules.catalogue import load_catalogue
from cockpit.rules.engine import evaluate
from cockpit.rules.escalation import escalate
from cockpit.rules.thresholds import load_overrides
from cockpit.snapshot import build as snapshot
from cockpit.snapshot.build import SnapshotRun
from cockpit.store.schema import refresh_state
from queries.refresh import RefreshStatus, data_version

log = logging.getLogger(__name__)

JOB = "refresh"
LEASE_TTL = timedelta(minutes=2)  # renewed every 40 s while a refresh runs
LEASE_WAIT = timedelta(minutes=2)


def refresh(engine: Engine, now: datetime | None = None, wait: timedelta = LEASE_WAIT) -> RefreshStatus:
    """Record what the cockpit's data looks like now, so open pages can tell
    whether to redraw and whether the data is stale.

    0. Take the ``refresh`` lease (cockpit.lease): one refresh at a time per
       store, across processes and machines. A refresh started while another
       runs waits for it (up to ``wait``, then raises LeaseBusyError, which
       the scheduler logs; the next run retries), so two refreshes started
       together run one after the other.

    1. Run the warning engine (cockpit.rules.engine.evaluate) over the business
       records new or changed since its last run, with the thresholds
       administrators set (cockpit.rules.thresholds; a changed threshold makes
       its rule read every record again), in its own
       transaction, so the warnings it raises are in this refresh's version
       and show at once. A failing rule evaluation is rolled back and logged;
       it does not stop the rest of the refresh (the next run retries it).
    2. Escalate overdue warnings (cockpit.rules.escalation.escalate: remind
       the owner, or hand the warning to the town's discipline committee),
       on every store, in its own transaction, failures logged and retried
       next run like step 1.
    3. Update the snapshot tables every view reads (cockpit.snapshot.build:
       incremental, one transaction; the first run builds them in full),
       failures logged and retried next run like step 1.
    4. Compute the data version: a fingerprint of petitions, warnings and
       their events (queries.refresh.data_version).
    5. Write it, with the time and how long it took, to ``refresh_state``
       (update the job's row; insert it the first time). Safe when two copies
       run at once: the loser of the insert race updates instead.
    6. Pages poll ``refresh_state``; when the version changes they re-query,
       and when ``refreshed_at`` grows old they say the data is stale.

    Raises whatever the database raises; the scheduler logs it and the next
    run retries.
    """
    with held(engine, JOB, ttl=LEASE_TTL, wait=wait):
        return _refresh(engine, now)


def _refresh(engine: Engine, now: datetime | None) -> RefreshStatus:
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    raise_warnings(engine, now)
    escalate_warnings(engine, now)
    update_snapshot(engine, now)
    with engine.begin() as conn:
        version = data_version(conn)
        values = {
            "refreshed_at": now,
            "data_version": version,
            "duration_ms": round((time.perf_counter() - started) * 1000),
            "error": None,
        }
        _upsert(conn, values)
    log.debug("refreshed: version %s in %d ms", version, values["duration_ms"])
    return RefreshStatus(job=JOB, **values)


def raise_warnings(engine: Engine, now: datetime) -> int | None:
    """Run the warning engine in its own transaction; the number of warnings
    it raised, or None when it failed (logged, rolled back).

    On the sample store too: its generator writes business records and its
    live demo adds more, and the engine raises their warnings here.
    """
    try:
        with engine.begin() as conn:
            catalogue = load_catalogue()
            runs = evaluate(conn, now, catalogue, load_overrides(conn, catalogue))
    except Exception:
        log.exception("warning rule evaluation failed; the refresh goes on and the next run retries it")
        return None
    raised = sum(run.raised for run in runs)
    if raised:
        log.info("warning engine raised %d new warning(s)", raised)
    return raised


def escalate_warnings(engine: Engine, now: datetime) -> int | None:
    """Apply the escalation policy in its own transaction; the number of
    warnings reminded or reassigned, or None when it failed (logged, rolled
    back; the next run retries it)."""
    try:
        with engine.begin() as conn:
            moved = escalate(conn, now)
    except Exception:
        log.exception("warning escalation failed; the refresh goes on and the next run retries it")
        return None
    if moved:
        log.info("escalation reminded or reassigned %d overdue warning(s)", moved)
    return moved


def update_snapshot(engine: Engine, now: datetime) -> SnapshotRun | None:
    """Bring the snapshot tables up to date (cockpit.snapshot.build), in
    their own transaction; None when it failed (logged, rolled back: the
    pages keep reading the previous snapshot and the next run retries)."""
    try:
        return snapshot.update_snapshot(engine, now)
    except Exception:
        log.exception("snapshot update failed; the previous snapshot stays and the next run retries it")
        return None


def _upsert(conn, values: dict) -> None:
    changed = conn.execute(update(refresh_state).where(refresh_state.c.job == JOB).values(**values)).rowcount
    if changed:
        return
    try:
        with conn.begin_nested():
            conn.execute(insert(refresh_state).values(job=JOB, **values))
    except IntegrityError:
        conn.execute(update(refresh_state).where(refresh_state.c.job == JOB).values(**values))
