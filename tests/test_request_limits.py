"""Request bodies are held to a size by who sends them (cockpit.auth.limits):
a body declared too large is refused with 413 before a byte of it is read;
one sent without a length is cut off at the limit."""

from __future__ import annotations

import io

import pytest

from cockpit.auth.limits import ADMIN_BYTES, ANONYMOUS_BYTES, KIOSK_BYTES, USER_BYTES
from cockpit.auth.users import create_kiosk_token, create_user
from tests import fixture_city as city
from tests.test_auth_web import PASSWORD, SHELL_POLL, csrf_header, form_token, log_in, make_app

HUGE = 150 * 1024 * 1024


class Endless(io.RawIOBase):
    """A request body of ``size`` bytes made as it is read, counting what was read."""

    def __init__(self, size: int):
        self.left, self.read_bytes = size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left)
        buffer[:n] = b"a" * n
        self.left -= n
        self.read_bytes += n
        return n


@pytest.fixture
def store(sqlite_engine):
    with sqlite_engine.begin() as conn:
        city.load(conn)
        create_user(conn, "leader1", PASSWORD, "leader")
        create_user(conn, "admin1", PASSWORD, "admin")
    return sqlite_engine


@pytest.fixture
def app(store):
    return make_app(store)


def post_endless(client, path: str, size: int, declared: bool, headers: dict | None = None):
    body = Endless(size)
    environ = {"wsgi.input": body}
    if declared:
        environ["CONTENT_LENGTH"] = str(size)
    else:
        environ["wsgi.input_terminated"] = True  # what a server says of a chunked body
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    answer = client.post(
        path,
        environ_overrides=environ,
        content_type="application/x-www-form-urlencoded" if path == "/login" else "application/json",
        headers=headers or {},
    )
    return answer, body.read_bytes


def test_an_anonymous_150_mb_login_is_refused_unread(app):
    client = app.server.test_client()
    answer, read = post_endless(client, "/login", HUGE, declared=True)
    assert answer.status_code == 413
    assert "请求内容过大" in answer.text and "16 KB" in answer.text
    assert read == 0


def test_a_login_body_without_a_length_is_cut_off_at_the_limit(app):
    client = app.server.test_client()
    form_token(client)  # a session with a CSRF token, so the form is read
    answer, read = post_endless(client, "/login", HUGE, declared=False)
    assert answer.status_code == 413
    assert read <= ANONYMOUS_BYTES + 64 * 1024


def test_a_normal_login_fits(app):
    client = app.server.test_client()
    assert log_in(client).status_code == 303


def test_a_wall_screens_150_mb_callback_is_refused_unread(app, store):
    with store.begin() as conn:
        token = create_kiosk_token(conn, "大厅大屏")
    client = app.server.test_client()
    client.get(f"/kiosk/{token}")
    answer, read = post_endless(client, "/_dash-update-component", HUGE, True, csrf_header(client))
    assert answer.status_code == 413 and read == 0
    assert answer.json["error"].startswith("请求内容过大") and "64 KB" in answer.json["error"]
    cut, read = post_endless(client, "/_dash-update-component", HUGE, False, csrf_header(client))
    assert cut.status_code == 413 and read <= KIOSK_BYTES + 64 * 1024
    # Its real callbacks still run.
    polled = client.post("/_dash-update-component", json=SHELL_POLL, headers=csrf_header(client))
    assert polled.status_code == 200


@pytest.mark.parametrize(("username", "limit"), [("leader1", USER_BYTES), ("admin1", ADMIN_BYTES)])
def test_a_users_callback_is_held_to_the_roles_limit(app, username, limit):
    client = app.server.test_client()
    log_in(client, username)
    over, read = post_endless(client, "/_dash-update-component", limit + 1, True, csrf_header(client))
    assert over.status_code == 413 and read == 0
    polled = client.post("/_dash-update-component", json=SHELL_POLL, headers=csrf_header(client))
    assert polled.status_code == 200


def test_a_large_body_on_a_page_gets_a_chinese_page(app):
    client = app.server.test_client()
    log_in(client)
    answer, read = post_endless(client, "/", HUGE, declared=True, headers={"Accept": "text/html"})
    assert answer.status_code == 413 and read == 0
    assert "请求过大" in answer.text and "<html" in answer.text


def test_a_form_field_is_not_read_before_the_csrf_check_is_sized(app):
    """The login form is parsed only after the size check: the CSRF token is
    still read from a normal form."""
    client = app.server.test_client()
    token = form_token(client)
    answer = client.post("/login", data={"username": "x", "password": "y", "csrf_token": token})
    assert answer.status_code == 200 and "用户名或密码错误" in answer.text
