"""The refresh lease, on every database: one holder at a time, expiry of a
dead holder, renewal while working, and refreshes started together running
one after the other."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from cockpit import refresh as refresh_module
from cockpit.lease import LeaseBusyError, held, release, renew, try_acquire
from cockpit.store.schema import leases

T0 = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
TTL = timedelta(seconds=60)


def test_one_holder_at_a_time_until_it_releases_or_expires(engine: Engine):
    assert try_acquire(engine, "job", "a", TTL, now=T0)
    assert not try_acquire(engine, "job", "b", TTL, now=T0 + timedelta(seconds=30))
    assert try_acquire(engine, "job", "a", TTL, now=T0 + timedelta(seconds=30))  # a takes it again: renewed
    assert try_acquire(engine, "other", "b", TTL, now=T0)  # leases are per name
    # a died at T0+30s: its lease lapses 60 s later, and b takes it.
    assert not try_acquire(engine, "job", "b", TTL, now=T0 + timedelta(seconds=89))
    assert try_acquire(engine, "job", "b", TTL, now=T0 + timedelta(seconds=90))
    assert not renew(engine, "job", "a", TTL, now=T0 + timedelta(seconds=91))  # a lost it
    assert renew(engine, "job", "b", TTL, now=T0 + timedelta(seconds=91))
    release(engine, "job", "a", now=T0 + timedelta(seconds=92))  # not a's to release: nothing happens
    assert not try_acquire(engine, "job", "c", TTL, now=T0 + timedelta(seconds=92))
    release(engine, "job", "b", now=T0 + timedelta(seconds=93))
    assert try_acquire(engine, "job", "c", TTL, now=T0 + timedelta(seconds=93))
    with engine.connect() as conn:
        row = conn.execute(select(leases).where(leases.c.name == "job")).one()
    assert (row.holder, row.expires_at) == ("c", T0 + timedelta(seconds=93) + TTL)


def test_of_two_takers_racing_for_a_new_lease_exactly_one_wins(engine: Engine):
    def take(barrier: threading.Barrier, won: list[str], name: str, holder: str) -> None:
        barrier.wait()
        if try_acquire(engine, name, holder, TTL, now=T0):
            won.append(holder)

    for round_ in range(10):
        barrier = threading.Barrier(2)
        won: list[str] = []
        threads = [threading.Thread(target=take, args=(barrier, won, f"race-{round_}", h)) for h in "ab"]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(won) == 1, won


def test_a_busy_lease_is_waited_for_then_refused(engine: Engine):
    assert try_acquire(engine, "job", "someone", TTL)
    slept = []
    with (
        pytest.raises(LeaseBusyError),
        held(engine, "job", wait=timedelta(seconds=0.3), poll=0.1, sleep=slept.append),
    ):
        pass
    assert slept  # it polled before giving up


def test_a_dead_holders_lease_is_taken_once_it_expires(engine: Engine):
    assert try_acquire(engine, "job", "crashed", timedelta(seconds=1))  # never renewed, never released
    started = time.monotonic()
    with held(engine, "job", wait=timedelta(seconds=10), poll=0.1) as lease:
        assert not lease.lost
    assert time.monotonic() - started >= 0.5  # it waited for the expiry (held() gives up after 10 s)


def test_a_holder_renews_its_lease_while_it_works(engine: Engine):
    ttl = timedelta(seconds=0.9)
    with held(engine, "job", ttl=ttl) as lease:
        time.sleep(2.0)  # over twice the ttl: only the renewals keep it
        assert not try_acquire(engine, "job", "intruder", ttl)
        assert not lease.lost
    assert try_acquire(engine, "job", "next", ttl)  # released at the end of the block


def test_two_refreshes_started_together_run_one_after_the_other(engine: Engine, monkeypatch):
    spans: list[tuple[float, float]] = []
    real = refresh_module._refresh

    def slow_refresh(engine_, now):
        started = time.monotonic()
        time.sleep(0.5)
        status = real(engine_, now)
        spans.append((started, time.monotonic()))
        return status

    monkeypatch.setattr(refresh_module, "_refresh", slow_refresh)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            refresh_module.refresh(engine)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(spans) == 2
    (_, first_end), (second_start, _) = sorted(spans)
    assert second_start >= first_end, "the two refreshes overlapped"


def test_a_busy_store_is_said_once_per_reason_without_a_traceback(engine: Engine, monkeypatch, caplog):
    """On SQLite a long refresh keeps the renewal out ("database is locked")
    at every beat: one line in the log, not a traceback every 40 s."""
    import cockpit.lease as lease_module

    def busy(*args, **kwargs):
        raise RuntimeError("database is locked\n[SQL: UPDATE leases ...]")

    monkeypatch.setattr(lease_module, "renew", busy)
    with (
        caplog.at_level(logging.WARNING, logger="cockpit.lease"),
        held(engine, "job", ttl=timedelta(seconds=0.3)),
    ):
        time.sleep(1.0)  # about ten beats
    said = [r for r in caplog.records if "not renewed" in r.getMessage()]
    assert len(said) == 1 and said[0].exc_info is None
    assert said[0].getMessage().endswith("database is locked")
