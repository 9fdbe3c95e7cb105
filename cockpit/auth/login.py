"""``/login`` and ``/logout``: the form, the throttle, the audit entries.

A failed login says the same thing whatever went wrong (unknown user, wrong
password, deactivated account). Before a password is checked, the attempt
is taken from its throttle buckets (cockpit.auth.throttle: the username and
the address, or the trusted browser's own); when one is full, the attempt is
refused unchecked with 429.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import flask

from cockpit.auth import audit, csrf, device, pages, throttle
from cockpit.auth.session import end_session, session_viewer, start_user_session
from cockpit.auth.users import authenticate, end_sessions
from cockpit.components import urls
from cockpit.context import current
from cockpit.timewindow import TZ
from queries.regions import get_region

FAILED = "用户名或密码错误。"
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


def _subtitle() -> str:
    ctx = current()
    with ctx.engine.connect() as conn:
        root = get_region(conn, ctx.root_code)
    return f"{root.name} · 小微权力监督" if root else ""


def _form(next_path: str, status: int = 200, **values) -> flask.Response:
    return pages.login_page(csrf.token(), next_path, subtitle=_subtitle(), status=status, **values)


def login_form() -> flask.Response:
    return _form(safe_next(flask.request.args.get("next")))


def _throttled(refusal: throttle.Refusal, username: str, next_path: str) -> flask.Response:
    minutes = current().settings.login_window_minutes
    message = (
        f"登录失败次数过多，已暂停登录。请在 {refusal.until.astimezone(TZ):%H:%M} 之后"
        f"（最多约 {minutes} 分钟后）再试，或联系系统管理员。"
    )
    response = _form(next_path, 429, username=username, message=message, throttled=True)
    wait = max(1, int((refusal.until - datetime.now(UTC)).total_seconds()))
    response.headers["Retry-After"] = str(wait)
    return response


def _log_refusal(refusal: throttle.Refusal, username: str, ip: str, now: datetime) -> None:
    """The 1st, 10th, 100th … refusal of a bucket's window, in the audit log."""
    if not refusal.logged:
        return
    settings = current().settings
    detail = (
        f"{refusal.bucket.label} 在 {settings.login_window_minutes} 分钟内失败 {refusal.bucket.limit} 次，"
        f"暂停至 {refusal.until.astimezone(TZ):%H:%M}；本次为暂停期间第 {refusal.count} 次被拒"
    )
    with current().engine.begin() as conn:
        audit.record(conn, username, "login_throttled", detail=detail, ip=ip, at=now)


def login_submit() -> flask.Response:
    """Check a login form (its CSRF token was checked by the gate)."""
    request = flask.request
    form = request.form
    username = (form.get("username") or "").strip()[:USERNAME_LENGTH]
    password = form.get("password") or ""
    next_path = safe_next(form.get("next"))
    ctx, ip, now = current(), audit.client_ip(), datetime.now(UTC)
    window = timedelta(minutes=ctx.settings.login_window_minutes)
    buckets = throttle.buckets_for(ctx.settings, username, ip, device.trusted_device(request, username))
    refusal = throttle.take(ctx.engine, buckets, window, now)
    if refusal is not None:
        _log_refusal(refusal, username, ip, now)
        return _throttled(refusal, username, next_path)
    account = None
    if username and password:
        with ctx.engine.connect() as conn:
            account = authenticate(conn, username, password)
    if account is not None:
        throttle.give_back(ctx.engine, buckets, window, now)
    with ctx.engine.begin() as conn:
        if account is None:
            audit.record(conn, username, "login_failed", ip=ip, at=now)
        else:
            audit.record(conn, account.username, "login", role=account.role, ip=ip, at=now)
    if account is None:
        return _form(next_path, username=username, message=FAILED)
    start_user_session(account)
    response = flask.redirect(next_path, 303)
    device.remember(request, response, account.username, secure=ctx.settings.production)
    return response


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
