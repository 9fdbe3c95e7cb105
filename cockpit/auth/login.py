"""``/login`` and ``/logout``: the form, the throttle, the audit entries.

A failed login says the same thing whatever went wrong (unknown user, wrong
password, deactivated account). Before a password is checked, the failures
logged in the last COCKPIT_LOGIN_WINDOW_MINUTES are counted for the
username (limit COCKPIT_LOGIN_MAX_FAILURES) and for the address (four
times that); over either, the attempt is refused unchecked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import flask
from sqlalchemy import Connection

from cockpit.auth import audit, csrf, pages
from cockpit.auth.session import end_session, session_viewer, start_user_session
from cockpit.auth.users import authenticate, end_sessions
from cockpit.components import urls
from cockpit.context import current
from cockpit.settings import Settings
from cockpit.timewindow import TZ
from queries.audit import count_since
from queries.regions import get_region

FAILED = "用户名或密码错误。"
IP_FACTOR = 4  # one address may fail this many times as often as one username
USERNAME_LENGTH = 64  # users.USERNAME's longest; what is logged of a typed name
NOT_AFTER_LOGIN = (urls.LOGIN, urls.LOGOUT, urls.KIOSK + "/")


def safe_next(raw: str | None) -> str:
    """``raw`` when it is a path on this site to go to after login, else "/"."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return urls.HOME
    if any(ord(c) < 32 or ord(c) == 127 for c in raw):
        return urls.HOME
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or parts.path.startswith(NOT_AFTER_LOGIN):
        return urls.HOME
    return raw


def throttled_until(
    conn: Connection, settings: Settings, username: str, ip: str, now: datetime
) -> datetime | None:
    """When attempts for ``username`` from ``ip`` may resume, if they are
    refused now; None when they are not."""
    window = timedelta(minutes=settings.login_window_minutes)
    since = now - window
    limit = settings.login_max_failures
    over = count_since(conn, "login_failed", since, actor=username) >= limit
    if not over and ip:
        over = count_since(conn, "login_failed", since, ip=ip) >= limit * IP_FACTOR
    return now + window if over else None


def _subtitle() -> str:
    ctx = current()
    with ctx.engine.connect() as conn:
        root = get_region(conn, ctx.root_code)
    return f"{root.name} · 小微权力监督" if root else ""


def _form(next_path: str, status: int = 200, **values) -> flask.Response:
    return pages.login_page(csrf.token(), next_path, subtitle=_subtitle(), status=status, **values)


def login_form() -> flask.Response:
    return _form(safe_next(flask.request.args.get("next")))


def login_submit() -> flask.Response:
    """Check a login form (its CSRF token was checked by the gate)."""
    form = flask.request.form
    username = (form.get("username") or "").strip()[:USERNAME_LENGTH]
    password = form.get("password") or ""
    next_path = safe_next(form.get("next"))
    ctx, ip, now = current(), audit.client_ip(), datetime.now(UTC)
    with ctx.engine.begin() as conn:
        until = throttled_until(conn, ctx.settings, username, ip, now)
        if until is not None:
            audit.record(conn, username, "login_throttled", ip=ip, at=now)
        else:
            account = authenticate(conn, username, password) if username and password else None
            if account is None:
                audit.record(conn, username, "login_failed", ip=ip, at=now)
            else:
                audit.record(conn, account.username, "login", role=account.role, ip=ip, at=now)
    if until is not None:
        minutes = ctx.settings.login_window_minutes
        message = (
            f"登录失败次数过多，已暂停登录。请在 {until.astimezone(TZ):%H:%M} 之后"
            f"（约 {minutes} 分钟后）再试，或联系系统管理员。"
        )
        response = _form(next_path, 429, username=username, message=message, throttled=True)
        response.headers["Retry-After"] = str(minutes * 60)
        return response
    if account is None:
        return _form(next_path, username=username, message=FAILED)
    start_user_session(account)
    return flask.redirect(next_path, 303)


def logout_form() -> flask.Response:
    viewer = session_viewer()
    if viewer is None:
        return flask.redirect(urls.LOGIN)
    return pages.logout_page(csrf.token(), viewer.label)


def logout_submit() -> flask.Response:
    """End the session (its CSRF token was checked by the gate)."""
    viewer = session_viewer()
    if viewer is not None:
        with current().engine.begin() as conn:
            end_sessions(conn, viewer.user_id)
            audit.record_by(conn, viewer, "logout")
    end_session()
    return flask.redirect(urls.LOGIN, 303)


def install_login_routes(server: flask.Flask) -> None:
    server.add_url_rule(urls.LOGIN, "cockpit_login", login_form, methods=["GET"])
    server.add_url_rule(urls.LOGIN, "cockpit_login_submit", login_submit, methods=["POST"])
    server.add_url_rule(urls.LOGOUT, "cockpit_logout", logout_form, methods=["GET"])
    server.add_url_rule(urls.LOGOUT, "cockpit_logout_submit", logout_submit, methods=["POST"])
