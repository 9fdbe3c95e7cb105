"""The web layer (cockpit.auth.web) through Flask's test client, on
tests/fixture_city.py in SQLite: sessions, login and its throttle, CSRF,
the security headers, wall-screen tokens, production mode, the CLI."""

from __future__ import annotations

import io
import re
import stat
from datetime import UTC, datetime

import flask
import pytest
from sqlalchemy import insert

from cockpit.app import create_app
from cockpit.auth import csrf
from cockpit.auth.__main__ import main as cli
from cockpit.auth.demo import DEMO_KIOSK_TOKEN, DEMO_PASSWORD, ensure_demo_accounts
from cockpit.auth.login import safe_next
from cockpit.auth.production import key_problem, refuse_unsafe_production, secret_key
from cockpit.auth.users import (
    authenticate,
    create_kiosk_token,
    create_user,
    get_account,
    kiosk_token_id,
    list_accounts,
    revoke_kiosk_token,
    set_active,
    set_password,
)
from cockpit.auth.web import SESSION_COOKIE
from cockpit.components.navbar import navbar
from cockpit.components.refresh import Freshness
from cockpit.ids import RegionIds, ScreenIds, ShellIds
from cockpit.settings import Settings
from cockpit.store.schema import store_meta
from queries.audit import audit_entries
from tests import fixture_city as city
from tests.viewers import ADMIN, TOWN, as_viewer

PASSWORD = "correct-horse-9"
KEY = "Zq3v8N-xT1pL0eRw9KcY2uHs7BfM4aJd6GnQ"  # what secrets.token_urlsafe makes
HTML = {"Accept": "text/html"}


@pytest.fixture
def store(sqlite_engine):
    with sqlite_engine.begin() as conn:
        city.load(conn)
        create_user(conn, "leader1", PASSWORD, "leader", display_name="李领导")
        create_user(conn, "town1", PASSWORD, "town", [city.JIA])
    return sqlite_engine


def make_app(engine, **settings):
    return create_app(Settings(database_url=str(engine.url), secret_key=KEY, **settings), engine)


@pytest.fixture
def app(store):
    return make_app(store)


@pytest.fixture
def client(app):
    return app.server.test_client()


def form_token(client) -> str:
    page = client.get("/login")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def log_in(client, username="leader1", password=PASSWORD, next_path="/", ip="127.0.0.1"):
    data = {"username": username, "password": password, "csrf_token": form_token(client), "next": next_path}
    return client.post("/login", data=data, environ_overrides={"REMOTE_ADDR": ip})


def audit(engine) -> list[tuple]:
    """(action, actor, role, target, ip) of every entry, oldest first."""
    with engine.connect() as conn:
        rows = audit_entries(conn, limit=1000)
    return [tuple(r) for r in rows[["action", "actor", "role", "target", "ip"]].itertuples(index=False)][::-1]


def actions(engine) -> list[str]:
    return [row[0] for row in audit(engine)]


def csrf_header(client) -> dict[str, str]:
    return {csrf.HEADER: client.get_cookie(csrf.COOKIE).value}


# Bodies of /_dash-update-component as the renderer sends them.
SHELL_POLL = {
    "output": (
        f"..{ShellIds.DATA_VERSION}.data...{ShellIds.STATUS_VIEW}.data...{ShellIds.STATUS_KEY}.data.."
    ),
    "outputs": [
        {"id": ShellIds.DATA_VERSION, "property": "data"},
        {"id": ShellIds.STATUS_VIEW, "property": "data"},
        {"id": ShellIds.STATUS_KEY, "property": "data"},
    ],
    "inputs": [{"id": ShellIds.POLL, "property": "n_intervals", "value": 1}],
    "state": [
        {"id": ShellIds.DATA_VERSION, "property": "data", "value": None},
        {"id": ShellIds.STATUS_KEY, "property": "data", "value": None},
    ],
    "changedPropIds": [f"{ShellIds.POLL}.n_intervals"],
}
REGION_PANELS = {
    "output": f"..{RegionIds.KPIS}.children..",
    "outputs": [{"id": RegionIds.KPIS, "property": "children"}],
    "inputs": [{"id": RegionIds.PARAMS, "property": "data", "value": {"code": city.CITY}}],
    "changedPropIds": [f"{RegionIds.PARAMS}.data"],
}
NEXT_FOCUS = {
    "output": f"{ScreenIds.FOCUS}.data",
    "outputs": {"id": ScreenIds.FOCUS, "property": "data"},
    "inputs": [{"id": ScreenIds.ROTATE, "property": "n_intervals", "value": 1}],
    "state": [
        {"id": ScreenIds.ROTATION, "property": "data", "value": [city.CITY, city.EAST]},
        {"id": ScreenIds.FOCUS, "property": "data", "value": city.CITY},
    ],
    "changedPropIds": [f"{ScreenIds.ROTATE}.n_intervals"],
}


def router(pathname: str) -> dict:
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }


# --- the gate ------------------------------------------------------------------


def test_a_page_without_a_session_redirects_to_the_login_page(client):
    answer = client.get(f"/region/{city.EAST}?window=month", headers=HTML)
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/login?next=%2Fregion%2F{city.EAST}%3Fwindow%3Dmonth"
    assert client.get("/", headers=HTML).headers["Location"] == "/login"


def test_dash_requests_without_a_session_get_401(client):
    answer = client.post("/_dash-update-component", json=SHELL_POLL)
    assert answer.status_code == 401
    assert answer.json == {"error": "请先登录。", "login": "/login"}
    assert client.get("/_dash-layout", headers=HTML).status_code == 401
    assert client.get("/_dash-dependencies").status_code == 401


def test_the_login_page_and_the_assets_need_no_session(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert "用户名" in page.text and "密码" in page.text and 'name="csrf_token"' in page.text
    assert "示例市" in page.text  # the root region's name
    assert "<script" not in page.text
    assert client.get("/assets/auth.css").status_code == 200
    assert client.get("/assets/vendor/bootstrap.min.css").status_code == 200
    assert client.get("/_favicon.ico").status_code == 200


# --- logging in and out -----------------------------------------------------------


def test_a_good_login_starts_a_session_and_returns_to_next(client, store):
    answer = log_in(client, next_path=f"/region/{city.EAST}?window=month")
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/region/{city.EAST}?window=month"
    assert client.get("/warnings", headers=HTML).status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    assert audit(store) == [("login", "leader1", "leader", "", "127.0.0.1")]


def test_a_login_gets_a_new_csrf_token(client):
    before = form_token(client)
    log_in(client)
    with client.session_transaction() as session:
        assert session[csrf.SESSION_KEY] != before
    assert client.get_cookie(csrf.COOKIE).value != before


@pytest.mark.parametrize(
    ("username", "password"),
    [("leader1", "wrong-password-1"), ("nobody", PASSWORD), ("leader1", "")],
)
def test_a_failed_login_says_one_generic_thing(client, store, username, password):
    answer = log_in(client, username, password)
    assert answer.status_code == 200
    assert "用户名或密码错误" in answer.text
    assert client.get("/", headers=HTML).status_code == 302
    assert audit(store) == [("login_failed", username, "", "", "127.0.0.1")]


def test_a_deactivated_account_cannot_log_in(client, store):
    with store.begin() as conn:
        set_active(conn, "leader1", False)
    assert "用户名或密码错误" in log_in(client).text
    assert actions(store) == ["login_failed"]


def test_the_typed_username_is_logged_truncated(client, store):
    log_in(client, "x" * 300, "whatever-1234")
    assert audit(store)[0][:2] == ("login_failed", "x" * 64)


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("/region/990102000000?window=month", "/region/990102000000?window=month"),
        ("/warnings", "/warnings"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/login?next=/x", "/"),
        ("/logout", "/"),
        ("/kiosk/abc", "/"),
    ],
)
def test_after_login_only_a_local_path_is_followed(raw, safe):
    assert safe_next(raw) == safe


def test_logout_asks_first_then_ends_the_session(client, store):
    log_in(client)
    confirm = client.get("/logout")
    assert confirm.status_code == 200 and "确认退出" in confirm.text and "李领导" in confirm.text
    assert client.post("/logout").status_code == 400  # no CSRF token
    token = re.search(r'name="csrf_token" value="([^"]+)"', confirm.text).group(1)
    answer = client.post("/logout", data={"csrf_token": token})
    assert answer.status_code == 303 and answer.headers["Location"] == "/login"
    assert client.get("/", headers=HTML).status_code == 302
    assert actions(store) == ["login", "logout"]
    assert client.get("/logout").headers["Location"] == "/login"


def test_logging_out_ends_the_sessions_of_the_account_everywhere(app, store):
    here, there = app.server.test_client(), app.server.test_client()
    log_in(here)
    log_in(there)
    copied = here.get_cookie(SESSION_COOKIE).value  # a cookie someone copied before the logout
    token = re.search(r'name="csrf_token" value="([^"]+)"', here.get("/logout").text).group(1)
    assert here.post("/logout", data={"csrf_token": token}).status_code == 303
    assert there.get("/", headers=HTML).status_code == 302
    thief = app.server.test_client()
    thief.set_cookie(SESSION_COOKIE, copied)
    assert thief.get("/", headers=HTML).status_code == 302
    assert thief.post("/_dash-update-component", json=SHELL_POLL).status_code == 401
    # A new login works at once.
    assert log_in(there).status_code == 303 and there.get("/", headers=HTML).status_code == 200


# --- throttling -------------------------------------------------------------------


def test_five_failures_lock_the_username_even_against_the_right_password(client, store):
    for _ in range(5):
        assert log_in(client, password="wrong-password-1").status_code == 200
    answer = log_in(client)
    assert answer.status_code == 429
    assert "登录失败次数过多" in answer.text and "之后" in answer.text
    assert 15 * 60 - 60 <= int(answer.headers["Retry-After"]) <= 15 * 60
    assert client.get("/", headers=HTML).status_code == 302
    assert actions(store) == ["login_failed"] * 5 + ["login_throttled"]
    # Another account from the same address is not locked.
    assert log_in(client, "town1").status_code == 303


def test_one_address_is_throttled_after_four_times_the_limit(store):
    client = make_app(store, login_max_failures=2).server.test_client()
    for n in range(8):
        log_in(client, f"guess{n}", "wrong-password-1", ip="10.0.0.7")
    assert log_in(client, "town1", ip="10.0.0.7").status_code == 429
    assert audit(store)[-1] == ("login_throttled", "town1", "", "", "10.0.0.7")
    assert log_in(client, "town1", ip="10.0.0.8").status_code == 303


def test_failures_older_than_the_window_do_not_count(client, store):
    from cockpit.store.access import login_throttle

    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    with store.begin() as conn:
        conn.execute(
            insert(login_throttle),
            [
                {"bucket": key, "window_started_at": long_ago, "attempts": 99, "refused": 7}
                for key in ("user:leader1", "ip:127.0.0.1")
            ],
        )
    assert log_in(client).status_code == 303


# --- sessions ending ----------------------------------------------------------------


def test_a_changed_password_ends_the_session(client, store):
    log_in(client)
    with store.begin() as conn:
        set_password(conn, "leader1", "another-horse-7")
    assert client.get("/warnings", headers=HTML).status_code == 302
    assert client.post("/_dash-update-component", json=SHELL_POLL).status_code == 401


def test_a_deactivated_account_ends_the_session(client, store):
    log_in(client)
    with store.begin() as conn:
        set_active(conn, "leader1", False)
    assert client.get("/warnings", headers=HTML).status_code == 302


def test_a_session_ends_after_the_session_hours(client):
    log_in(client)
    with client.session_transaction() as session:
        session["login_at"] -= 10 * 3600 + 1
    assert client.get("/warnings", headers=HTML).status_code == 302
    with client.session_transaction() as session:
        assert "uid" not in session


def test_a_user_session_cookie_ends_with_the_browser(client):
    answer = log_in(client)
    session_cookie = next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith("cockpit_session="))
    assert (
        "Expires" not in session_cookie and "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    )


# --- CSRF -----------------------------------------------------------------------------


def test_a_login_without_the_csrf_token_is_refused(client, store):
    form_token(client)
    data = {"username": "leader1", "password": PASSWORD}
    missing = client.post("/login", data=data)
    assert missing.status_code == 400 and "请求已失效" in missing.text
    wrong = client.post("/login", data={**data, "csrf_token": "forged"})
    assert wrong.status_code == 400
    assert client.get("/", headers=HTML).status_code == 302
    assert actions(store) == []


def test_a_dash_callback_needs_the_csrf_header(client):
    log_in(client)
    missing = client.post("/_dash-update-component", json=SHELL_POLL)
    assert missing.status_code == 400 and "CSRF" in missing.json["error"]
    wrong = client.post("/_dash-update-component", json=SHELL_POLL, headers={csrf.HEADER: "forged"})
    assert wrong.status_code == 400
    right = client.post("/_dash-update-component", json=SHELL_POLL, headers=csrf_header(client))
    assert right.status_code == 200


def test_the_csrf_cookie_is_readable_by_dash_and_strict(client):
    answer = client.get("/login")
    cookie = next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith(f"{csrf.COOKIE}="))
    assert "HttpOnly" not in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie


# --- headers ----------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(app, client):
    log_in(client)
    for path in ("/login", "/", "/_dash-layout", "/assets/auth.css"):
        headers = client.get(path, headers=HTML).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "object-src 'none'" in policy and "unsafe-eval" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
        assert "Strict-Transport-Security" not in headers
    index = client.get("/", headers=HTML)
    scripts = re.search(r"script-src ([^;]+)", index.headers["Content-Security-Policy"]).group(1).split()
    assert scripts == ["'self'", *app.csp_hashes()]
    assert index.headers["Cache-Control"] == "no-store"
    callback = client.post("/_dash-update-component", json=SHELL_POLL, headers=csrf_header(client))
    assert callback.headers["Cache-Control"] == "no-store"
    assert client.get("/assets/auth.css").headers.get("Cache-Control") != "no-store"


def test_the_server_banner_names_no_software_or_version(app):
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    from cockpit.auth.headers import QuietRequestHandler

    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/login") as answer:
            assert answer.headers["Server"] == "cockpit"
    finally:
        server.shutdown()


def test_production_sends_hsts_and_secure_cookies(store):
    client = make_app(store, production=True).server.test_client()
    answer = client.get("/login")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    assert all("Secure" in c for c in answer.headers.getlist("Set-Cookie"))


# --- production mode ------------------------------------------------------------------


def test_production_refuses_to_start_without_a_good_key(store):
    with pytest.raises(SystemExit, match="COCKPIT_SECRET_KEY"):
        create_app(Settings(database_url=str(store.url), production=True), store)
    with pytest.raises(SystemExit, match="32"):
        create_app(Settings(database_url=str(store.url), production=True, secret_key="short"), store)


@pytest.mark.parametrize(
    "key",
    [
        "k" * 40,  # the attacker's finding: accepted before
        "abcd" * 10,
        "abcdefghijklmnop" * 2,
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "aabbccddeeffgghhiijjkkllmmnnooppqq",
        "0000000011111111222222223333333344",
    ],
)
def test_production_refuses_a_key_that_is_not_random(store, key):
    assert len(key) >= 32
    with pytest.raises(SystemExit, match="不够随机"):
        create_app(Settings(database_url=str(store.url), production=True, secret_key=key), store)


def test_production_accepts_generated_keys():
    import secrets

    for make in (lambda: secrets.token_urlsafe(24), lambda: secrets.token_hex(16), lambda: KEY):
        for _ in range(200):
            key = make()
            assert key_problem(key) is None, key


def test_the_production_server_refuses_before_building_anything(tmp_path, monkeypatch):
    from cockpit.main import create_server

    monkeypatch.setattr("cockpit.main.open_store", lambda settings: pytest.fail("opened the store"))
    with pytest.raises(SystemExit, match="COCKPIT_SECRET_KEY"):
        create_server(Settings(database_url=f"sqlite:///{tmp_path}/x.sqlite3", production=True))
    with pytest.raises(SystemExit, match="sample store"):
        create_server(Settings(production=True, secret_key=KEY))


def test_production_refuses_the_sample_store(store):
    with pytest.raises(SystemExit, match="sample store"):
        refuse_unsafe_production(Settings(production=True, secret_key=KEY))
    settings = Settings(database_url=str(store.url), production=True, secret_key=KEY)
    refuse_unsafe_production(settings, store)  # a real store: fine
    with store.begin() as conn:
        conn.execute(insert(store_meta), {"key": "generator", "value": "sample"})
    with pytest.raises(SystemExit, match="sample generator"):
        refuse_unsafe_production(settings, store)


def test_without_a_key_outside_production_one_is_kept_in_a_private_file(tmp_path):
    path = tmp_path / ".secret_key"
    first = secret_key(Settings(), path)
    assert len(first) >= 32 and secret_key(Settings(), path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(Settings(secret_key=KEY), path) == KEY


# --- wall screens -----------------------------------------------------------------------


@pytest.fixture
def kiosk(store, client):
    """A client signed in as a wall screen, and its token id."""
    with store.begin() as conn:
        token = create_kiosk_token(conn, "大厅大屏")
        token_id = kiosk_token_id(conn, token)
    answer = client.get(f"/kiosk/{token}")
    assert answer.status_code == 302 and answer.headers["Location"] == "/screen"
    return token_id


def test_a_kiosk_token_starts_a_long_wall_screen_session(store, kiosk, client):
    assert client.get("/screen", headers=HTML).status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    assert audit(store) == [("kiosk_login", "kiosk:大厅大屏", "kiosk", str(kiosk), "127.0.0.1")]
    with client.session_transaction() as session:
        assert session.permanent


def test_a_kiosk_session_cookie_lasts(store, client):
    with store.begin() as conn:
        token = create_kiosk_token(conn, "大厅大屏")
    cookie = next(
        c
        for c in client.get(f"/kiosk/{token}").headers.getlist("Set-Cookie")
        if c.startswith("cockpit_session=")
    )
    assert "Expires=" in cookie


def test_a_kiosk_may_not_open_other_pages(store, kiosk, client):
    for path in (f"/region/{city.EAST}", "/", "/warnings", "/admin"):
        answer = client.get(path, headers=HTML)
        assert answer.status_code == 403, path
        assert "无权访问" in answer.text and "/screen" in answer.text
    denied = [row for row in audit(store) if row[0] == "denied"]
    assert denied[0] == ("denied", "kiosk:大厅大屏", "kiosk", f"/region/{city.EAST}", "127.0.0.1")


def test_a_kiosk_may_run_only_the_screens_callbacks(kiosk, client):
    def post(body):
        return client.post("/_dash-update-component", json=body, headers=csrf_header(client))

    assert post(SHELL_POLL).status_code == 200
    assert post(NEXT_FOCUS).status_code == 200
    refused = post(REGION_PANELS)
    assert refused.status_code == 403 and refused.json == {"error": "大屏只能显示驾驶舱大屏的内容。"}
    assert post(router(f"/region/{city.EAST}")).status_code == 403
    assert post({"outputs": [{"id": {"type": "x", "index": 1}, "property": "children"}]}).status_code == 403
    assert post(router("/screen")).status_code == 200


def test_a_revoked_token_ends_the_kiosk_session(store, kiosk, client):
    with store.begin() as conn:
        revoke_kiosk_token(conn, kiosk)
    assert client.get("/screen", headers=HTML).status_code == 302
    assert client.post("/_dash-update-component", json=SHELL_POLL).status_code == 401


def test_a_kiosk_link_never_logs_a_signed_in_user_out(store, client):
    """The attacker's finding: a link to /kiosk/<token> (from any site) turned
    a signed-in inspector's browser into a wall screen."""
    with store.begin() as conn:
        token = create_kiosk_token(conn, "大厅大屏")
    log_in(client)
    for site in ("cross-site", "none", "same-origin"):
        answer = client.get(f"/kiosk/{token}", headers={**HTML, "Sec-Fetch-Site": site})
        assert answer.status_code == 409 and "已以 李领导" in answer.text
    posted = client.post(f"/kiosk/{token}", data={"csrf_token": form_token(client)})
    assert posted.status_code == 409
    assert client.get(f"/region/{city.EAST}", headers=HTML).status_code == 200  # still the leader
    assert "kiosk_login" not in actions(store)


def test_a_kiosk_link_from_another_site_asks_before_starting(store, client):
    with store.begin() as conn:
        token = create_kiosk_token(conn, "大厅大屏")
    answer = client.get(f"/kiosk/{token}", headers={**HTML, "Sec-Fetch-Site": "cross-site"})
    assert answer.status_code == 200 and "在此浏览器上打开大屏" in answer.text and "大厅大屏" in answer.text
    assert client.get("/screen", headers=HTML).status_code == 302  # nothing started yet
    assert "kiosk_login" not in actions(store)
    token_field = re.search(r'name="csrf_token" value="([^"]+)"', answer.text).group(1)
    assert client.post(f"/kiosk/{token}").status_code == 400  # no CSRF token: refused
    started = client.post(f"/kiosk/{token}", data={"csrf_token": token_field})
    assert started.status_code == 303 and started.headers["Location"] == "/screen"
    assert client.get("/screen", headers=HTML).status_code == 200
    assert actions(store) == ["kiosk_login"]


def test_an_unknown_or_revoked_token_is_not_found(store, client):
    assert client.get("/kiosk/not-a-token").status_code == 404
    with store.begin() as conn:
        token = create_kiosk_token(conn, "旧大屏")
        revoke_kiosk_token(conn, kiosk_token_id(conn, token))
    answer = client.get(f"/kiosk/{token}")
    assert answer.status_code == 404 and "大屏链接无效" in answer.text
    assert client.get("/screen", headers=HTML).status_code == 302


# --- the navbar ---------------------------------------------------------------------------


def _texts(component) -> list[str]:
    found, stack = [], [component]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, list | tuple):
            stack.extend(node)
        elif hasattr(node, "children"):
            stack.append(node.children)
    return found


def _find(component, kind: str) -> list:
    found, stack = [], [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
        elif hasattr(node, "children"):
            if type(node).__name__ == kind:
                found.append(node)
            stack.append(node.children)
    return found


def test_the_navbar_shows_who_is_signed_in_and_a_logout_button(app):
    with as_viewer(app, TOWN):
        bar = navbar("analysis", Freshness("数据更新于 12:00:00", stale=False))
        token = flask.session[csrf.SESSION_KEY]
    texts = _texts(bar)
    assert "甲镇纪委" in texts and "乡镇纪检干部" in texts and "管理" not in texts
    (form,) = _find(bar, "Form")
    assert form.action == "/logout" and form.method == "post"
    (button,) = _find(form, "Button")
    assert button.children == "退出" and button.name == "csrf_token" and button.value == token


def test_administrators_get_the_admin_item(app):
    with as_viewer(app, ADMIN):
        bar = navbar("admin", Freshness("数据更新于 12:00:00", stale=False))
    links = {link.children: link.href for link in _find(bar, "Link")}
    assert links["管理"] == "/admin"


# --- demo accounts and the CLI -----------------------------------------------------------


def test_demo_accounts_are_made_only_on_a_sample_store(store):
    settings = Settings(database_url=str(store.url))
    assert ensure_demo_accounts(settings, store) is False
    with store.begin() as conn:
        conn.execute(insert(store_meta), {"key": "generator", "value": "sample"})
    assert ensure_demo_accounts(Settings(production=True, secret_key=KEY), store) is False
    assert ensure_demo_accounts(settings, store) is True
    assert ensure_demo_accounts(settings, store) is True  # idempotent
    with store.connect() as conn:
        made = {
            a.username: (a.role, a.regions) for a in list_accounts(conn) if a.username.startswith("demo-")
        }
        assert made == {
            "demo-leader": ("leader", ()),
            "demo-admin": ("admin", ()),
            "demo-town": ("town", (city.JIA,)),
            "demo-inspector": ("inspector", (city.V1, city.V3)),
        }
        assert authenticate(conn, "demo-inspector", DEMO_PASSWORD) is not None
        assert kiosk_token_id(conn, DEMO_KIOSK_TOKEN) is not None


def test_the_cli_creates_the_first_administrator(store, monkeypatch, capsys):
    monkeypatch.setenv("COCKPIT_DATABASE_URL", str(store.url))
    assert cli(["create-admin", "root-admin", "--password-stdin"], io.StringIO("a-Strong-pass-1\n")) == 0
    assert "root-admin" in capsys.readouterr().out
    with store.connect() as conn:
        assert authenticate(conn, "root-admin", "a-Strong-pass-1").role == "admin"
    assert audit(store)[-1] == ("user_admin", "cli", "", "root-admin", "")


def test_the_cli_refuses_a_weak_password_and_changes_nothing(store, monkeypatch, capsys):
    monkeypatch.setenv("COCKPIT_DATABASE_URL", str(store.url))
    assert cli(["create-admin", "root-admin", "--password-stdin"], io.StringIO("short\n")) == 1
    assert "密码至少" in capsys.readouterr().err
    with store.connect() as conn:
        assert get_account(conn, "root-admin") is None


def test_the_cli_manages_users_and_kiosk_tokens(store, monkeypatch, capsys):
    monkeypatch.setenv("COCKPIT_DATABASE_URL", str(store.url))
    args = ["create-user", "yi-town", "--role", "town", "--region", city.YI, "--password-stdin"]
    assert cli(args, io.StringIO("river-stone-42\n")) == 0
    assert cli(["deactivate", "yi-town"]) == 0
    assert cli(["kiosk-token", "--name", "大厅大屏"]) == 0
    out = capsys.readouterr().out
    token = re.search(r"/kiosk/(\S+)", out).group(1)
    with store.connect() as conn:
        assert get_account(conn, "yi-town").active is False
        token_id = kiosk_token_id(conn, token)
    assert token_id is not None
    assert cli(["kiosk-token", "--revoke", str(token_id)]) == 0
    assert cli(["kiosk-token", "--revoke", str(token_id)]) == 1  # already revoked
    assert cli(["list-users"]) == 0
    assert "yi-town" in capsys.readouterr().out
    with store.connect() as conn:
        assert kiosk_token_id(conn, token) is None
    assert [row[:2] for row in audit(store)] == [("user_admin", "cli")] * 2 + [("kiosk_admin", "cli")] * 2


def test_the_cli_takes_the_store_from_url(store, monkeypatch, capsys):
    monkeypatch.delenv("COCKPIT_DATABASE_URL", raising=False)
    url = store.url.render_as_string(hide_password=False)
    assert (
        cli(["--url", url, "create-admin", "url-admin", "--password-stdin"], io.StringIO("a-Strong-pass-1\n"))
        == 0
    )
    assert "注意" not in capsys.readouterr().err  # a store was named: no note about the sample
    with store.connect() as conn:
        assert authenticate(conn, "url-admin", "a-Strong-pass-1").role == "admin"
