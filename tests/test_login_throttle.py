"""Login throttling (cockpit.auth.throttle) on SQLite, PostgreSQL and
MariaDB: logins sent at once cannot get past it, a trusted browser is not
locked out by others' failures, and refusals do not flood the audit log."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from cockpit.auth import login as login_module
from cockpit.auth.throttle import Bucket, take
from cockpit.auth.users import create_user
from cockpit.store.access import audit_log, login_throttle
from tests import fixture_city as city
from tests.test_auth_web import PASSWORD, form_token, log_in, make_app

WRONG = "wrong-password-1"
LIMIT = 5  # COCKPIT_LOGIN_MAX_FAILURES's default


@pytest.fixture
def store(engine):
    with engine.begin() as conn:
        city.load(conn)
        create_user(conn, "leader1", PASSWORD, "leader")
        create_user(conn, "town1", PASSWORD, "town", [city.JIA])
    return engine


@pytest.fixture
def server(store) -> Iterator[str]:
    """The cockpit on a real threaded HTTP server; its base URL."""
    app = make_app(store)
    http = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()


def audit_rows(engine, action: str) -> list:
    with engine.connect() as conn:
        return conn.execute(select(audit_log).where(audit_log.c.action == action)).all()


def test_fifty_logins_at_once_check_at_most_the_limit(store, server, monkeypatch):
    """The attacker's finding: 100 simultaneous POSTs checked 18 wrong
    passwords and accepted the right one on the 100th."""
    checked = []
    real = login_module.authenticate

    def counting(conn, username, password):
        checked.append(password)
        return real(conn, username, password)

    monkeypatch.setattr(login_module, "authenticate", counting)
    browsers = []
    for _ in range(50):
        browser = requests.Session()
        page = browser.get(f"{server}/login", timeout=30)
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        browsers.append((browser, token))
    barrier = threading.Barrier(len(browsers))
    answers: list[int] = []

    def attempt(n: int) -> None:
        browser, token = browsers[n]
        password = PASSWORD if n == len(browsers) - 1 else WRONG
        data = {"username": "leader1", "password": password, "csrf_token": token, "next": "/"}
        barrier.wait()
        answer = browser.post(f"{server}/login", data=data, allow_redirects=False, timeout=120)
        answers.append(answer.status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(answers)) in ([200, 429], [200, 303, 429])
    assert checked.count(WRONG) <= LIMIT  # the right one may free a slot: only failures count
    assert answers.count(429) >= 50 - LIMIT - 1
    assert len(audit_rows(store, "login_failed")) + len(audit_rows(store, "login")) == len(checked)


def test_the_owners_browser_logs_in_while_others_lock_the_account(store):
    """Behind one NAT address: someone fails at the owner's name until it
    locks, then at 20 names until the address locks; the owner's browser,
    which logged in before, still gets in; a new browser is refused until
    the window passes."""
    app = make_app(store)
    owner = app.server.test_client()
    assert log_in(owner, ip="10.0.0.7").status_code == 303
    owner.post("/logout", data={"csrf_token": form_token(owner)})
    colleague = app.server.test_client()
    for _ in range(LIMIT):
        log_in(colleague, password=WRONG, ip="10.0.0.7")
    assert log_in(colleague, ip="10.0.0.7").status_code == 429  # even with the right password
    for n in range(4 * LIMIT):
        log_in(colleague, f"guess{n}", WRONG, ip="10.0.0.7")
    assert log_in(app.server.test_client(), "town1", ip="10.0.0.7").status_code == 429  # the address is full
    assert log_in(owner, ip="10.0.0.7").status_code == 303  # the owner's own browser


def test_a_trusted_browser_is_still_limited_on_its_own(store):
    app = make_app(store)
    browser = app.server.test_client()
    assert log_in(browser).status_code == 303
    browser.post("/logout", data={"csrf_token": form_token(browser)})
    for _ in range(LIMIT):
        assert log_in(browser, password=WRONG).status_code == 200
    assert log_in(browser).status_code == 429


def test_a_forged_device_cookie_trusts_nothing(store):
    app = make_app(store)
    attacker = app.server.test_client()
    attacker.set_cookie("cockpit_device", "eyJkIjoieCIsInUiOlsibGVhZGVyMSJdfQ.forged", path="/login")
    for _ in range(LIMIT):
        log_in(attacker, password=WRONG)
    assert log_in(attacker).status_code == 429


def test_a_flood_of_refusals_writes_a_few_audit_rows(store):
    app = make_app(store)
    client = app.server.test_client()
    for _ in range(LIMIT):
        log_in(client, password=WRONG)
    for _ in range(120):
        assert log_in(client, password=WRONG).status_code == 429
    throttled = audit_rows(store, "login_throttled")
    assert [row.detail.rsplit("第 ", 1)[1] for row in throttled] == ["1 次被拒", "10 次被拒", "100 次被拒"]
    assert "用户名 leader1 在 15 分钟内失败 5 次" in throttled[0].detail
    with store.connect() as conn:
        refused = conn.execute(
            select(login_throttle.c.refused).where(login_throttle.c.bucket == "user:leader1")
        ).scalar()
    assert refused == 120


def test_usernames_are_one_bucket_whatever_their_case(store):
    app = make_app(store)
    client = app.server.test_client()
    for name in ("leader1", "LEADER1", "Leader1", "leadeR1", "LeAdEr1"):
        log_in(client, name, WRONG)
    assert log_in(client, "LEADER1", WRONG).status_code == 429


def test_a_bucket_opens_again_when_its_window_has_passed(store):
    bucket = [Bucket("user:x", 2, "用户名 x")]
    window, start = timedelta(minutes=15), datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert take(store, bucket, window, start) is None
    assert take(store, bucket, window, start + timedelta(minutes=1)) is None
    refusal = take(store, bucket, window, start + timedelta(minutes=2))
    assert refusal is not None and refusal.until == start + window and refusal.count == 1
    assert take(store, bucket, window, start + timedelta(minutes=15, seconds=1)) is None


def test_all_or_none_of_the_buckets_are_taken(store):
    window, now = timedelta(minutes=15), datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    full = Bucket("ip:10.0.0.9", 1, "地址 10.0.0.9")
    assert take(store, [full], window, now) is None
    user = Bucket("user:y", 5, "用户名 y")
    assert take(store, [user, full], window, now) is not None
    with store.connect() as conn:
        attempts = conn.execute(
            select(login_throttle.c.attempts).where(login_throttle.c.bucket == "user:y")
        ).scalar()
    assert not attempts  # the refused attempt took nothing from the user's bucket
