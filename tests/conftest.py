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
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from cockpit.store import create_store, make_engine, metadata

PG_ADMIN_URL = os.environ.get("COCKPIT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MARIADB_ADMIN_URL = os.environ.get("COCKPIT_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
ALL_DATABASES = ("sqlite", "postgresql", "mariadb")


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
def database_urls(tmp_path_factory) -> Iterator[dict[str, str]]:
    """URL of a fresh database per server for this test session."""
    name = f"cockpit_test_{uuid.uuid4().hex[:10]}"
    urls: dict[str, str] = {}
    cleanups = []
    selected = _selected_databases()
    if "sqlite" in selected:
        urls["sqlite"] = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'store.sqlite3'}"
    if "postgresql" in selected:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        urls["postgresql"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        cleanups.append((admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if "mariadb" in selected:
        admin = create_engine(MARIADB_ADMIN_URL)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
        urls["mariadb"] = MARIADB_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        cleanups.append((admin, f"DROP DATABASE IF EXISTS `{name}`"))
    yield urls
    for admin, statement in cleanups:
        with admin.begin() as conn:
            conn.execute(text(statement))
        admin.dispose()


def _fresh_store(url: str) -> Engine:
    engine = make_engine(url)
    metadata.drop_all(engine)
    create_store(engine)
    return engine


@pytest.fixture(params=ALL_DATABASES)
def engine(request, database_urls) -> Iterator[Engine]:
    """An empty store, once per database (the test runs three times)."""
    if request.param not in database_urls:
        pytest.skip(f"{request.param} not selected by COCKPIT_TEST_DATABASES")
    engine = _fresh_store(database_urls[request.param])
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    """An empty SQLite store, for tests that are about Python, not SQL."""
    engine = _fresh_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    yield engine
    engine.dispose()
