"""Shared fixtures: a fresh, empty store on each of the three databases.

PostgreSQL and MariaDB run on the machine (see .ci/run). Each test session
creates its own throwaway database on each server, so several test runs on
one machine never see each other's rows, and drops it at the end.

Set COCKPIT_TEST_DATABASES=sqlite to run against SQLite only (quick local
loops); CI always runs all three.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, Engine, create_engine, text

from cockpit.store import create_store, make_engine, metadata

PG_ADMIN_URL = os.environ.get("COCKPIT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MARIADB_ADMIN_URL = os.environ.get("COCKPIT_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
ALL_DATABASES = ("sqlite", "postgresql", "mariadb")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items) -> None:
    """``make test`` runs two pytest-xdist workers (``--dist loadgroup``): a
    module's tests on one database stay together in one worker, so its
    module-scoped stores are built once (they are built per database anyway);
    every browser test runs in one worker, since dash_duo serves on one
    fixed port. (xdist reads a group after the last "@" of a test's id, and
    only if no "]" follows it.)"""
    for item in items:
        if item.get_closest_marker("browser"):
            group = "browser"
        elif "sample_city" in getattr(item, "fixturenames", ()):
            group = "sample_city"  # the full city takes a minute to build: once, in one worker
        else:
            params = getattr(getattr(item, "callspec", None), "params", {})
            database = next((v for v in params.values() if isinstance(v, str) and v in ALL_DATABASES), "")
            group = f"{item.module.__name__}-{database}" if database else item.module.__name__
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_setup_options():
    """Chromium options for dash[testing]'s browser tests: the system
    Chromium, and nothing that reaches for the internet (see offline.md)."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1920,1080",
        '--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"',
    ):
        options.add_argument(flag)
    return options


def _selected_databases() -> tuple[str, ...]:
    raw = os.environ.get("COCKPIT_TEST_DATABASES", "")
    if not raw:
        return ALL_DATABASES
    chosen = tuple(name.strip() for name in raw.split(",") if name.strip())
    unknown = set(chosen) - set(ALL_DATABASES)
    if unknown:
        raise pytest.UsageError(f"COCKPIT_TEST_DATABASES: unknown {sorted(unknown)}")
    return chosen


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory) -> Iterator[dict[str, dict[str, str]]]:
    """For each selected server, URLs of two fresh databases for this test
    session: "scratch" (emptied by each test that uses it) and "city" (the
    read-only hand-worked fixture)."""
    token = uuid.uuid4().hex[:10]
    urls: dict[str, dict[str, str]] = {}
    cleanups = []
    selected = _selected_databases()
    purposes = ("scratch", "city")
    if "sqlite" in selected:
        folder = tmp_path_factory.mktemp("sqlite")
        urls["sqlite"] = {p: f"sqlite:///{folder / p}.sqlite3" for p in purposes}
    if "postgresql" in selected:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        urls["postgresql"] = {}
        for purpose in purposes:
            name = f"cockpit_test_{token}_{purpose}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            urls["postgresql"][purpose] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
            cleanups.append((admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if "mariadb" in selected:
        admin = create_engine(MARIADB_ADMIN_URL)
        urls["mariadb"] = {}
        for purpose in purposes:
            name = f"cockpit_test_{token}_{purpose}"
            with admin.begin() as conn:
                conn.execute(
                    text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
                )
            urls["mariadb"][purpose] = MARIADB_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
            cleanups.append((admin, f"DROP DATABASE IF EXISTS `{name}`"))
    yield urls
    for admin, statement in cleanups:
        with admin.begin() as conn:
            conn.execute(text(statement))
    for admin in {id(a): a for a, _ in cleanups}.values():
        admin.dispose()


def _fresh_store(url: str) -> Engine:
    from sample_db.plans import plan_metadata

    engine = make_engine(url)
    plan_metadata.drop_all(engine)
    metadata.drop_all(engine)
    create_store(engine)
    return engine


@pytest.fixture(params=ALL_DATABASES)
def engine(request, database_urls) -> Iterator[Engine]:
    """An empty store, once per database (the test runs three times)."""
    if request.param not in database_urls:
        pytest.skip(f"{request.param} not selected by COCKPIT_TEST_DATABASES")
    engine = _fresh_store(database_urls[request.param]["scratch"])
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    """An empty SQLite store, for tests that are about Python, not SQL."""
    engine = _fresh_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module", params=ALL_DATABASES)
def city(request, database_urls) -> Iterator[Engine]:
    """The hand-worked store of tests/fixture_city.py, once per database and
    test module (read-only: tests must not write to it)."""
    from tests import fixture_city

    yield from hand_worked_store(request, database_urls, fixture_city.load)


def hand_worked_store(request, database_urls, load: Callable[[Connection], None]) -> Iterator[Engine]:
    """A read-only hand-worked store on the request's database, for a test
    module's own module-scoped fixture (params=ALL_DATABASES): a fresh store
    in the session's "city" database, filled by ``load``. Modules run one at a
    time, so each module's store replaces the previous one."""
    if request.param not in database_urls:
        pytest.skip(f"{request.param} not selected by COCKPIT_TEST_DATABASES")
    engine = _fresh_store(database_urls[request.param]["city"])
    with engine.begin() as conn:
        load(conn)
    yield engine
    engine.dispose()


# The full sample city, built once per test run (about a minute) and shared by
# every module that needs a store of real size. Read-only: copy it to change it.
SAMPLE_NOW = datetime(2026, 11, 21, 4, 0, tzinfo=UTC)  # Saturday noon in Asia/Shanghai


@pytest.fixture(scope="session")
def sample_city(tmp_path_factory) -> dict:
    from sample_db import generate

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('sample') / 'sample.sqlite3'}")
    create_store(engine)
    summary = generate(engine, now=SAMPLE_NOW, progress=lambda _: None)
    return {"engine": engine, "summary": summary, "now": SAMPLE_NOW}
