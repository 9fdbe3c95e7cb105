"""The store goes away mid-run, on the real PostgreSQL: the cockpit's
connections are cut and new ones refused (ALLOW_CONNECTIONS false). Pages
keep what they showed with a banner saying since when, the scheduler's
refresh retries with backoff, and both carry on by themselves when the
store returns: no restart."""

from __future__ import annotations

import json
import threading
import uuid
from types import SimpleNamespace

import dash
import flask
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from cockpit.app import create_app
from cockpit.ids import RegionIds, ShellIds
from cockpit.outage import LastGood, Outage, StoreUnavailableError, keep_last_good, store_down
from cockpit.refresh import refresh
from cockpit.scheduler import STORE_BACKOFF, retry_store
from cockpit.settings import Settings
from cockpit.store import create_store, make_engine
from cockpit.store.factories import build_petition, write_petitions
from tests import fixture_city as city
from tests.conftest import PG_ADMIN_URL, _selected_databases
from tests.layout import text as shown
from tests.test_access_http import call, readable
from tests.viewers import LEADER, TOWN, add_account, login

needs_postgresql = pytest.mark.skipif(
    "postgresql" not in _selected_databases(), reason="the outage is cut on PostgreSQL"
)
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-20"}


@pytest.fixture(scope="module")
def admin():
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def store(admin):
    """A fresh PostgreSQL store holding the fixture city, and its name."""
    name = f"cockpit_outage_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    create_store(engine)
    with engine.begin() as conn:
        city.load(conn)
    add_account(engine)
    yield engine, name
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def cut(admin, name: str) -> None:
    """Refuse new connections to the store and end every open one."""
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )


def restore(admin, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))


def region_panels(app, client, code: str, version: str = "v1"):
    return call(app, client, RegionIds.KPIS, version, {"code": code, "window": NOVEMBER})


def poll(app, client) -> str:
    answer = call(app, client, ShellIds.DATA_VERSION, 1, None, None)
    assert answer.status_code == 200
    return readable(answer.get_data(as_text=True))


def region_page(app, code: str):
    """The region page as Dash's router lays it out, for a city leader."""
    layout = dash.page_registry["cockpit.pages.region"]["layout"]
    with app.server.test_request_context():
        flask.g.viewer = LEADER
        return shown(layout(code=code, **NOVEMBER))


@needs_postgresql
def test_pages_keep_their_data_with_a_banner_and_recover_when_the_store_returns(store, admin):
    engine, name = store
    refresh(engine)
    app = create_app(Settings(database_url=str(engine.url), demo=False, secret_key="k" * 40), engine)
    client = login(app)
    before = region_panels(app, client, city.CITY)
    assert before.status_code == 200
    page_before = region_page(app, city.CITY)
    assert "数据源连接中断" not in poll(app, client)

    cut(admin, name)
    # What was shown stays: the same panels, the same page, every session still known.
    during = region_panels(app, client, city.CITY)
    assert during.status_code == 200 and during.get_data() == before.get_data()
    assert region_page(app, city.CITY) == page_before
    assert client.get("/").status_code == 200
    banner = poll(app, client)
    assert "数据源连接中断，显示" in banner and "的数据" in banner
    # Nothing was shown for 东区 before: a plain message, never a 500.
    unseen = region_panels(app, client, city.EAST)
    assert unseen.status_code == 503 and "数据源连接中断" in readable(unseen.get_data(as_text=True))
    assert "数据源连接中断" in region_page(app, city.EAST)

    restore(admin, name)
    with engine.begin() as conn:
        write_petitions(
            conn,
            [
                build_petition(
                    external_id="P-AFTER", village_code=city.V1, received_at=city.local(11, 10, 9),
                    category="道路", unit="村委会",
                )
            ],
        )  # fmt: skip
    refresh(engine)
    answer = poll(app, client)
    assert "数据源连接中断" not in answer and "数据更新于" in answer
    after = region_panels(app, client, city.CITY, "v2")  # the page re-asks with the new version
    assert after.status_code == 200 and after.get_data() != before.get_data()
    assert "11" in json.dumps(after.get_json(), ensure_ascii=False)  # 10 petitions before, 11 now


@needs_postgresql
def test_the_refresh_retries_with_backoff_and_carries_on_when_the_store_returns(store, admin):
    engine, name = store
    refresh(engine)
    cut(admin, name)
    waits = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            restore(admin, name)

    retry_store(lambda: refresh(engine), "refresh", sleep=sleep)()
    assert waits == list(STORE_BACKOFF[:3])
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM refresh_state")).scalar() == 1


@needs_postgresql
def test_the_refresh_gives_up_after_its_budget_and_the_next_run_starts_over(store, admin):
    engine, name = store
    cut(admin, name)
    clock = iter(range(0, 10_000, 10))
    job = retry_store(lambda: refresh(engine), "refresh", give_up_after=30, sleep=lambda _s: None,
                      clock=lambda: next(clock))  # fmt: skip
    with pytest.raises(Exception, match=r"(?i)connect|terminat|allow"):
        job()
    restore(admin, name)
    job()  # the next run: the store is back


# --- the pieces, without a database -----------------------------------------------


def _operational(message: str) -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception(message))


def test_only_connection_failures_count_as_the_store_being_down():
    assert store_down(
        _operational('connection failed: FATAL: database "x" is not currently accepting connections')
    )
    assert store_down(_operational("server closed the connection unexpectedly"))
    assert store_down(_operational("(2003, \"Can't connect to MySQL server on '127.0.0.1'\")"))
    assert store_down(_operational("(2006, 'MySQL server has gone away')"))
    assert not store_down(_operational("no such table: refresh_state"))  # a broken store, not an outage
    assert not store_down(ValueError("connection"))


def test_answers_are_kept_per_viewer_and_the_oldest_forgotten():
    server = flask.Flask(__name__)
    ctx = SimpleNamespace(last_good=LastGood(limit=2), outage=Outage())
    up = {"yes": True}

    def read(code: str) -> str:
        if not up["yes"]:
            raise _operational("connection refused")
        return f"{flask.g.viewer.name}:{code}"

    kept = keep_last_good(read, "read", context=lambda: ctx)
    with server.test_request_context():
        flask.g.viewer = LEADER
        assert kept("a") == "leader:a"
        flask.g.viewer = TOWN
        assert kept("a") == "town-jia:a"
        assert kept("b") == "town-jia:b"  # the third answer: the leader's is forgotten
        up["yes"] = False
        assert kept("a") == "town-jia:a" and ctx.outage.is_down
        flask.g.viewer = LEADER
        with pytest.raises(StoreUnavailableError):  # never the town officer's answer instead
            kept("a")


def test_a_data_callback_asked_again_for_the_same_version_is_not_read_again():
    server = flask.Flask(__name__)
    ctx = SimpleNamespace(last_good=LastGood(), outage=Outage())
    reads = []

    def panels(version: str, code: str) -> str:
        reads.append((version, code))
        return f"{code}@{version}"

    kept = keep_last_good(panels, "panels", context=lambda: ctx, ignore=(0,), reuse_seconds=60)
    with server.test_request_context():
        flask.g.viewer = LEADER
        assert [kept("v1", "a"), kept("v1", "a"), kept("v1", "b"), kept("v2", "a")] == [
            "a@v1", "a@v1", "b@v1", "a@v2",
        ]  # fmt: skip
    assert reads == [("v1", "a"), ("v1", "b"), ("v2", "a")]


def test_requests_asking_the_same_answer_at_once_read_it_once():
    """Thirty wall screens seeing a new data version at the same moment: one
    thread reads, the others wait and take its answer; another region is not
    held up behind it."""
    server = flask.Flask(__name__)
    ctx = SimpleNamespace(last_good=LastGood(), outage=Outage())
    reads = []
    started, release = threading.Event(), threading.Event()

    def panels(version: str, code: str) -> str:
        reads.append((version, code))
        if code == "city":
            started.set()
            release.wait(10)
        return f"{code}@{version}"

    kept = keep_last_good(panels, "panels", context=lambda: ctx, ignore=(0,), reuse_seconds=60)
    answers = []

    def screen(code: str) -> None:
        with server.test_request_context():
            flask.g.viewer = LEADER
            answers.append(kept("v1", code))

    first = threading.Thread(target=screen, args=("city",))
    first.start()
    assert started.wait(10)
    others = [threading.Thread(target=screen, args=("city",)) for _ in range(8)]
    for thread in others:
        thread.start()
    screen("town")  # not waiting for the city's reader
    release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert sorted(reads) == [("v1", "city"), ("v1", "town")]
    assert sorted(answers) == ["city@v1"] * 9 + ["town@v1"]
