"""Keeping the pages up while the store is unreachable.

A database restart, a network blink or a failover must not blank a wall
screen that has run for months. Three pieces:

- ``LastGood``: each web process keeps the last answer of every page layout
  and data callback it served (keyed by the arguments: a region, a window),
  bounded to the most recent ``LastGood.limit``. When the store cannot be
  reached, ``keep_last_good`` answers from it instead of failing.
- ``Outage``: when the store last answered and since when it has not. The
  shell's poll turns it into the banner "数据源连接中断，显示 14:05 的数据".
- Nothing to do when the store returns: the engine's pool checks every
  connection before use (``pool_pre_ping``), the next callback reads live
  data again, and the banner goes at the next poll. The scheduler side is
  ``cockpit.scheduler.retry_store``: backoff, no restart.

What counts as "unreachable" is ``store_down``: the driver's connection
errors as SQLAlchemy wraps them, not a bad query (a bug stays a bug).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import wraps
from typing import Any

import flask
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

log = logging.getLogger(__name__)

STORE_DOWN = (OperationalError, PoolTimeoutError)
OUTAGE_MESSAGE = "数据源连接中断"
# A data callback's answer is given again for the same arguments and data
# version for this long (its "today", "overdue" and rolling windows move with
# the clock, so not longer).
REUSE_SECONDS = 20
# How long a request waits for another thread reading the same answer before
# it reads the store itself (a hung read must not hang every page behind it).
READ_WAIT_SECONDS = 15


class StoreUnavailableError(Exception):
    """The store cannot be reached and there is no earlier answer to show."""

    message = "数据源连接中断，暂时无法读取数据；连接恢复后页面会自动更新。"


# What the drivers say when the server is down, restarting, refusing or gone:
# psycopg ("connection failed", "server closed the connection unexpectedly",
# "terminating connection due to administrator command", "is not currently
# accepting connections", "the database system is shutting down"), PyMySQL
# ("Can't connect to MySQL server", "Lost connection", "server has gone
# away"), SQLite ("unable to open database file").
DOWN_WORDS = ("connect", "gone away", "shutting down", "starting up", "unable to open database")


def store_down(error: BaseException) -> bool:
    """Whether ``error`` says the store is unreachable, rather than that a
    query is wrong (SQLite's "no such table" is an OperationalError too: a
    bug or a broken store, reported as such)."""
    if isinstance(error, PoolTimeoutError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError):
        return False
    message = str(getattr(error, "orig", error)).lower()
    return any(word in message for word in DOWN_WORDS)


@dataclass
class Outage:
    """When the store last answered this process, and since when it has not."""

    last_ok: datetime | None = None
    down_since: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def ok(self, now: datetime | None = None) -> None:
        with self._lock:
            if self.down_since is not None:
                log.info("the store answers again (down since %s)", self.down_since.isoformat())
            self.last_ok, self.down_since = now or datetime.now(UTC), None

    def failed(self, error: BaseException, now: datetime | None = None) -> None:
        with self._lock:
            if self.down_since is None:
                self.down_since = now or datetime.now(UTC)
                log.warning("the store cannot be reached: %s", str(error).splitlines()[0][:200])

    @property
    def is_down(self) -> bool:
        return self.down_since is not None


@dataclass
class LastGood:
    """The last answers served, newest last, at most ``limit`` of them."""

    limit: int = 512
    _answers: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _reading: dict = field(default_factory=dict, repr=False)

    def put(self, key: str, value: Any, tag: str = "") -> None:
        with self._lock:
            self._answers[key] = (value, time.monotonic(), tag)
            self._answers.move_to_end(key)
            while len(self._answers) > self.limit:
                self._answers.popitem(last=False)

    def get(self, key: str) -> Any | None:
        with self._lock:
            found = self._answers.get(key)
        return None if found is None else found[0]

    def recent(self, key: str, tag: str, max_age: float) -> Any | None:
        """The answer kept under ``key`` if it was given for ``tag`` (a data
        version) less than ``max_age`` seconds ago."""
        with self._lock:
            found = self._answers.get(key)
        if found is None or found[2] != tag or time.monotonic() - found[1] >= max_age:
            return None
        return found[0]

    @contextmanager
    def one_reader(self, key: str, wait_seconds: float = READ_WAIT_SECONDS) -> Iterator[None]:
        """Hold while reading the answer for ``key``: the other threads asking
        for the same key wait here (up to ``wait_seconds``), then find the
        answer just put. Thirty wall screens seeing a new data version at once
        then cost one read per process, not thirty."""
        with self._lock:
            entry = self._reading.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        got = entry[0].acquire(timeout=wait_seconds)
        try:
            yield
        finally:
            if got:
                entry[0].release()
            with self._lock:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._reading[key]


def _key(name: str, args: tuple, kwargs: dict) -> str:
    """The answer's key: what was asked, and by whom (a town officer never
    gets the answer a city leader was given)."""
    who = flask.g.get("viewer") if flask.has_request_context() else None
    asker = [who.name, who.role, list(who.regions)] if who is not None else None
    return json.dumps([name, asker, args, kwargs], sort_keys=True, default=str, ensure_ascii=False)


def keep_last_good(
    fn: Callable,
    name: str | None = None,
    context: Callable[[], Any] | None = None,
    ignore: tuple[int, ...] = (),
    reuse_seconds: float = 0,
) -> Callable:
    """``fn`` (a layout or a data callback), answering from its last good
    answer for the same arguments when the store is unreachable; raises
    StoreUnavailableError when there is none. ``ignore``: positions of
    arguments that do not change the answer (the data version a callback is
    triggered by). ``reuse_seconds``: a data callback asked again with the
    same arguments and the same data version (the ``ignore``d ones) within
    that many seconds gets the same answer without reading the store: its
    output depends on nothing else but the clock, hence the limit.
    ``context``: where the LastGood and Outage live (default: the app's
    CockpitContext)."""
    label = name or f"{fn.__module__}.{fn.__qualname__}"

    @wraps(fn)
    def answer(*args, **kwargs):
        ctx = context() if context is not None else _cockpit()
        key = _key(label, tuple(a for i, a in enumerate(args) if i not in ignore), kwargs)
        tag = json.dumps([a for i, a in enumerate(args) if i in ignore], default=str)
        return remembered(ctx, key, lambda: fn(*args, **kwargs), tag, reuse_seconds)

    return answer


def _cockpit():
    from cockpit.context import current

    return current()


def remembered(ctx, key: str, read: Callable[[], Any], tag: str = "", reuse_seconds: float = 0) -> Any:
    """``read()``, remembered under ``key``; while the store is unreachable,
    the value it last gave (StoreUnavailableError when there is none).
    With ``reuse_seconds``, an answer given for the same ``tag`` (the data
    version) less than that long ago is given again without reading, and
    requests asking for it at the same moment wait for one read
    (LastGood.one_reader)."""
    if not reuse_seconds:
        return _read_or_keep(ctx, key, read, tag)
    again = ctx.last_good.recent(key, tag, reuse_seconds)
    if again is not None:
        return again
    with ctx.last_good.one_reader(key):
        again = ctx.last_good.recent(key, tag, reuse_seconds)
        if again is not None:
            return again
        return _read_or_keep(ctx, key, read, tag)


def _read_or_keep(ctx, key: str, read: Callable[[], Any], tag: str) -> Any:
    try:
        value = read()
    except STORE_DOWN as error:
        if not store_down(error):
            raise
        ctx.outage.failed(error)
        kept = ctx.last_good.get(key)
        if kept is None:
            raise StoreUnavailableError() from error
        return kept
    ctx.last_good.put(key, value, tag)
    ctx.outage.ok()
    return value


def install_outage_handler(server: flask.Flask) -> None:
    """Answer 503 with a plain message when the store is unreachable and
    there is nothing earlier to show (never a 500 with a stack trace)."""

    @server.errorhandler(StoreUnavailableError)
    def _unavailable(error: StoreUnavailableError) -> flask.Response:
        if flask.request.path.startswith("/_dash-"):
            return flask.make_response(flask.jsonify(error=error.message), 503)
        body = f"<!doctype html><meta charset=utf-8><title>{OUTAGE_MESSAGE}</title><p>{error.message}</p>"
        response = flask.make_response(body, 503)
        response.headers["Retry-After"] = "30"
        return response
