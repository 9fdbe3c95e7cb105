"""Fixtures of the browser tests: one small generated city per session, an
app on it, and a browser that fails the test on any SEVERE console entry or
any request that leaves the cockpit's own server.

Run with ``pytest tests/browser --headless``. Set COCKPIT_SCREENSHOTS=<dir>
to save 1920x1080 screenshots of the pages the tests visit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.app import create_app
from cockpit.refresh import refresh
from cockpit.settings import Settings
from cockpit.store import make_engine
from sample_db.build import generate
from tests.browser.helpers import (
    LEADER,
    CockpitBrowser,
    ConsoleWatch,
    SampleCity,
    add_accounts,
    describe_city,
)

SEED = 20260302
TOWNS, VILLAGES_PER_TOWN = 4, 5
# Selenium 4.2 (pinned by dash[testing]) calls an urllib3 method deprecated in 1.26.
SELENIUM_NOISE = "ignore:HTTPResponse.getheader:DeprecationWarning"
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings(SELENIUM_NOISE))


@pytest.fixture(scope="session")
def sample_city(tmp_path_factory) -> Iterator[SampleCity]:
    """A small generated city in a SQLite file, its history ending a minute
    ago (so today's, this month's and the last 30 days' windows have data).
    Read-only: a test that writes works on ``city_copy``."""
    path = tmp_path_factory.mktemp("browser") / "city.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    now = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    generate(engine, seed=SEED, now=now, towns=TOWNS, villages_per_town=VILLAGES_PER_TOWN, progress=_quiet)
    add_accounts(engine)
    city = describe_city(engine, url, path)
    yield city
    engine.dispose()


@pytest.fixture
def city_copy(sample_city, tmp_path) -> Iterator[SampleCity]:
    """A private copy of the session's city, for a test that adds rows."""
    path = tmp_path / "city-copy.sqlite3"
    with sqlite3.connect(sample_city.path) as source, sqlite3.connect(path) as target:
        source.backup(target)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    yield replace(sample_city, url=url, path=path, engine=engine)
    engine.dispose()


@pytest.fixture
def start_cockpit(dash_duo, console) -> Callable[..., CockpitBrowser]:
    """``start_cockpit(city, user=LEADER, **settings)``: serve the cockpit on
    ``city`` (just refreshed, so pages show a fresh "数据更新于") and return
    the browser, which logs in as ``user`` on its first page (None: it does not)."""

    def start(city: SampleCity, user: str | None = LEADER, **settings) -> CockpitBrowser:
        refresh(city.engine)
        app = create_app(Settings(database_url=city.url, **settings), city.engine)
        dash_duo.start_server(app, navigate=False)
        return CockpitBrowser(dash_duo, console, city, user)

    return start


@pytest.fixture
def cockpit(start_cockpit, sample_city) -> CockpitBrowser:
    """The cockpit on the session's city with default settings, in a browser."""
    return start_cockpit(sample_city)


@pytest.fixture(autouse=True)
def console(request) -> Iterator[ConsoleWatch | None]:
    """For every test that drives a browser: at the end, no SEVERE console
    entry and no request to anywhere but our own server (checked also after
    each page load and interaction by CockpitBrowser)."""
    if "dash_duo" not in request.fixturenames:
        yield None
        return
    duo = request.getfixturevalue("dash_duo")
    duo.driver.implicitly_wait(0)  # waits are explicit; absent elements answer at once
    watch = ConsoleWatch(duo)
    yield watch
    watch.assert_clean("at the end of the test")


def _quiet(_message: str) -> None:
    pass
