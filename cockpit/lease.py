"""Leases in the store: a job that must run once at a time across processes
and machines (the refresh) takes a lease row before it starts.

A lease is a row of ``leases``: who holds it and until when. Taking it is one
conditional UPDATE (free, expired, or already ours) or, the first time, an
INSERT that only one of two racing takers wins; each in its own short
transaction, so it works the same on SQLite, PostgreSQL and MariaDB without
advisory locks. While the holder works, a background thread renews it every
third of its time to live; a holder that dies stops renewing, and its lease
lapses after ``ttl`` for the next taker. A file lock (cockpit.scheduler)
only keeps one scheduler per machine; this keeps one refresh per store.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, and_, insert, or_, update
from sqlalchemy.exc import IntegrityError

from cockpit.store.schema import leases

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(seconds=120)


class LeaseBusyError(RuntimeError):
    """Another holder kept the lease for as long as we were willing to wait."""


def holder_id() -> str:
    """Who we are, readable in the table: host, process id, a random tag
    (two leases taken by one process are different holders)."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _utcnow() -> datetime:
    return datetime.now(UTC)


def try_acquire(engine: Engine, name: str, holder: str, ttl: timedelta, now: datetime | None = None) -> bool:
    """Take the lease ``name`` if it is free, expired or already ``holder``'s."""
    now = now or _utcnow()
    values = {"holder": holder, "acquired_at": now, "expires_at": now + ttl}
    with engine.begin() as conn:
        taken = conn.execute(
            update(leases)
            .where(leases.c.name == name, or_(leases.c.expires_at <= now, leases.c.holder == holder))
            .values(**values)
        ).rowcount
    if taken:
        return True
    try:
        with engine.begin() as conn:
            conn.execute(insert(leases).values(name=name, **values))
    except IntegrityError:
        return False  # the row exists and someone else holds it (or just took it)
    return True


def renew(engine: Engine, name: str, holder: str, ttl: timedelta, now: datetime | None = None) -> bool:
    """Push the lease's expiry on; False when ``holder`` no longer holds it."""
    now = now or _utcnow()
    with engine.begin() as conn:
        return bool(
            conn.execute(
                update(leases)
                .where(leases.c.name == name, leases.c.holder == holder, leases.c.expires_at > now)
                .values(expires_at=now + ttl)
            ).rowcount
        )


def release(engine: Engine, name: str, holder: str, now: datetime | None = None) -> None:
    """Let the lease go at once (only if ``holder`` still holds it)."""
    now = now or _utcnow()
    with engine.begin() as conn:
        conn.execute(
            update(leases)
            .where(and_(leases.c.name == name, leases.c.holder == holder))
            .values(expires_at=now)
        )


class Lease:
    """A lease being held: ``lost`` turns true if a renewal failed (the work
    ran longer than the lease without renewing, or the database was away)."""

    def __init__(self, engine: Engine, name: str, holder: str, ttl: timedelta):
        self.engine, self.name, self.holder, self.ttl = engine, name, holder, ttl
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew_loop, name=f"lease-{name}", daemon=True)

    def _renew_loop(self) -> None:
        interval = self.ttl.total_seconds() / 3
        said = None
        while not self._stop.wait(interval):
            try:
                if not renew(self.engine, self.name, self.holder, self.ttl):
                    self.lost = True
                    log.error(
                        "lease %s lost by %s: another holder may run the job now", self.name, self.holder
                    )
                    return
            except Exception as error:  # the database blinked, or is busy: try again at the next beat
                # One line, once per kind of failure: SQLite takes one writer at
                # a time, and a long refresh's own transaction keeps the renewal
                # out ("database is locked") every beat until it commits.
                line = str(getattr(error, "orig", error)).splitlines()[0][:200]
                if line != said:
                    log.warning("lease %s not renewed (retrying every %.0f s): %s", self.name, interval, line)
                    said = line

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def held(
    engine: Engine,
    name: str,
    ttl: timedelta = DEFAULT_TTL,
    wait: timedelta = timedelta(0),
    poll: float = 0.2,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[Lease]:
    """Hold the lease ``name`` for the ``with`` block, renewing it meanwhile;
    wait up to ``wait`` for another holder to finish, then raise
    LeaseBusyError."""
    holder = holder_id()
    deadline = time.monotonic() + wait.total_seconds()
    while not try_acquire(engine, name, holder, ttl):
        if time.monotonic() >= deadline:
            raise LeaseBusyError(f"lease {name} is held by another process")
        sleep(poll)
    lease = Lease(engine, name, holder, ttl)
    lease.start()
    try:
        yield lease
    finally:
        lease.stop()
        try:
            release(engine, name, holder)
        except Exception:  # it lapses by itself after ttl
            log.warning("could not release lease %s; it expires at its ttl", name, exc_info=True)
