"""Login throttling: how many passwords may be tried, counted atomically in
the store so that workers and machines share one count.

A login attempt is charged to buckets (docs/security.md, "Login throttling"):

- from a browser that has logged in to that account before (a trusted
  device, cockpit.auth.device): only to that browser's own bucket for the
  account, ``device:<browser>:<username>``, limit COCKPIT_LOGIN_MAX_FAILURES;
- from any other browser: to the username, ``user:<username>`` (the same
  limit), and to the client's address, ``ip:<address>`` (four times it).

Before a password is checked, ``take`` takes one attempt from every bucket
in one transaction, all or none, each with a conditional UPDATE (``attempts
< limit`` in a live window) that the database runs one at a time per row; so
however many requests arrive together, at most ``limit`` passwords are
checked per bucket and window. A bucket's window starts with its first
attempt and lasts COCKPIT_LOGIN_WINDOW_MINUTES; when it is full, attempts
are refused unchecked until the window has passed. A successful login gives
its attempts back (``give_back``): only failures fill a bucket.

Refusals are counted per bucket and window too; the audit log gets one
``login_throttled`` row at the 1st, 10th, 100th … refusal, so a flood of
attempts cannot grow the log without bound.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from cockpit.settings import Settings
from cockpit.store.access import login_throttle as table

log = logging.getLogger(__name__)
T = TypeVar("T")

IP_FACTOR = 4  # one address may fail this many times as often as one username
BUCKET_LENGTH = 200  # the column's length
INSERT_RETRIES = 5
TRANSACTION_RETRIES = 5


@dataclass(frozen=True)
class Bucket:
    """What an attempt is counted against: ``key`` and its ``limit`` per window."""

    key: str
    limit: int
    label: str  # what the audit log says it is: 用户名 leader1, 地址 10.0.0.7, 本浏览器


@dataclass(frozen=True)
class Refusal:
    """An attempt refused unchecked: by which bucket, until when, and
    whether this refusal is one the audit log records (1st, 10th, 100th …)."""

    bucket: Bucket
    until: datetime
    count: int

    @property
    def logged(self) -> bool:
        return str(self.count).strip("0") == "1"


def buckets_for(settings: Settings, username: str, ip: str, device: str | None) -> list[Bucket]:
    """The buckets an attempt at ``username`` from ``ip`` is charged to;
    ``device``: the browser's id when it has logged in to ``username`` before."""
    name = username.casefold()  # MariaDB compares usernames without case
    limit = settings.login_max_failures
    if device is not None:
        return [Bucket(f"device:{device}:{name}"[:BUCKET_LENGTH], limit, "本浏览器")]
    found = [Bucket(f"user:{name}"[:BUCKET_LENGTH], limit, f"用户名 {username}")]
    if ip:
        found.append(Bucket(f"ip:{ip}"[:BUCKET_LENGTH], limit * IP_FACTOR, f"地址 {ip}"))
    return found


def _reserve(
    conn: Connection, bucket: Bucket, window: timedelta, now: datetime, made: list[str]
) -> datetime | None:
    """Take one attempt from ``bucket``; None when taken, else when its
    window ends (it is full until then). A new bucket's key goes on ``made``."""
    live = table.c.window_started_at > now - window
    mine = table.c.bucket == bucket.key
    for _ in range(INSERT_RETRIES):
        taken = conn.execute(
            update(table)
            .where(mine, live, table.c.attempts < bucket.limit)
            .values(attempts=table.c.attempts + 1)
        )
        if taken.rowcount:
            return None
        renewed = conn.execute(
            update(table).where(mine, ~live).values(window_started_at=now, attempts=1, refused=0)
        )
        if renewed.rowcount:
            return None
        started = conn.execute(select(table.c.window_started_at).where(mine)).scalar()
        if started is not None:
            return started + window
        try:
            with conn.begin_nested():
                conn.execute(
                    insert(table).values(bucket=bucket.key, window_started_at=now, attempts=1, refused=0)
                )
            made.append(bucket.key)
            return None
        except IntegrityError:  # another attempt made the row first: count against it
            continue
    raise RuntimeError(f"could not take an attempt from {bucket.key}")


def _count_refusal(conn: Connection, bucket: Bucket, until: datetime) -> Refusal:
    conn.execute(update(table).where(table.c.bucket == bucket.key).values(refused=table.c.refused + 1))
    count = conn.execute(select(table.c.refused).where(table.c.bucket == bucket.key)).scalar()
    return Refusal(bucket, until, int(count or 1))


def take(engine: Engine, buckets: list[Bucket], window: timedelta, now: datetime) -> Refusal | None:
    """Take one attempt from every bucket, all or none; None when taken (the
    password may be checked), else the refusal of the first full bucket."""
    ordered = sorted(buckets, key=lambda b: b.key)  # one order everywhere
    made: list[str] = []

    def reserve_all(conn: Connection) -> None:
        made.clear()
        for bucket in ordered:
            until = _reserve(conn, bucket, window, now, made)
            if until is not None:
                raise _BucketFullError(bucket, until)  # rolls back what was taken from the others

    try:
        _retrying(engine, reserve_all)
    except _BucketFullError as error:
        full, until = error.bucket, error.until
        return _retrying(engine, lambda conn: _count_refusal(conn, full, until))
    if made:  # the table grew: forget what has long ended
        _forget_old(engine, window, now)
    return None


class _BucketFullError(Exception):
    def __init__(self, bucket: Bucket, until: datetime):
        super().__init__(bucket.key)
        self.bucket, self.until = bucket, until


def _retrying(engine: Engine, work: Callable[[Connection], T]) -> T:
    """``work`` in a short transaction, again when the database broke it off
    (a deadlock between attempts made at once, a busy SQLite)."""
    for attempt in range(TRANSACTION_RETRIES):
        try:
            with _short(engine) as conn:
                return work(conn)
        except OperationalError:
            if attempt == TRANSACTION_RETRIES - 1:
                raise
            log.info("login throttle: transaction broken off, trying again", exc_info=True)
    raise AssertionError("unreachable")


@contextmanager
def _short(engine: Engine) -> Iterator[Connection]:
    """A transaction at READ COMMITTED where the database has it: InnoDB then
    takes no gap locks for an UPDATE that finds no row, which made two first
    attempts at one bucket deadlock on their INSERTs."""
    with engine.connect() as conn:
        if conn.dialect.name in ("postgresql", "mysql", "mariadb"):
            conn = conn.execution_options(isolation_level="READ COMMITTED")
        with conn.begin():
            yield conn


def give_back(engine: Engine, buckets: list[Bucket], window: timedelta, now: datetime) -> None:
    """A successful login: return its attempts (in ``take``'s order, so the
    two never wait for each other's rows)."""

    def release(conn: Connection) -> None:
        for bucket in sorted(buckets, key=lambda b: b.key):
            conn.execute(
                update(table)
                .where(
                    table.c.bucket == bucket.key,
                    table.c.window_started_at > now - window,
                    table.c.attempts > 0,
                )
                .values(attempts=table.c.attempts - 1)
            )

    _retrying(engine, release)


def _forget_old(engine: Engine, window: timedelta, now: datetime) -> None:
    """Delete buckets whose window ended over a window ago (best effort: a
    busy database may skip it; the next login tries again)."""
    try:
        with _short(engine) as conn:
            conn.execute(delete(table).where(table.c.window_started_at < now - 2 * window))
    except DBAPIError:
        log.info("could not forget old login throttle rows; will try at the next login", exc_info=True)
