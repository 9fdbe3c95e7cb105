"""Cross-site request forgery: one random token per session.

Every POST must carry the session's token: HTML forms (login, logout) in a
hidden field, Dash's callbacks in the ``X-CSRFToken`` header, which Dash's
renderer copies from the ``_csrf_token`` cookie (``csrf_token_name`` and
``csrf_header_name`` in dash-renderer). The cookie is readable by our own
pages' scripts (not HttpOnly) and never sent with another site's requests
(SameSite=Strict); another site can neither read it nor guess it.
"""

from __future__ import annotations

import hmac
import secrets

import flask

SESSION_KEY = "csrf"
FIELD = "csrf_token"  # the hidden form field
COOKIE = "_csrf_token"  # dash-renderer's default csrf_token_name
HEADER = "X-CSRFToken"  # dash-renderer's default csrf_header_name
SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "TRACE"))
FORM_TYPES = frozenset(("application/x-www-form-urlencoded", "multipart/form-data"))


class CsrfError(Exception):
    """A state-changing request without the session's CSRF token."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def token() -> str:
    """The session's token, made on first use."""
    found = flask.session.get(SESSION_KEY)
    if not found:
        found = secrets.token_urlsafe(32)
        flask.session[SESSION_KEY] = found
    return found


def check() -> None:
    """Refuse (CsrfError) a request with a side-effecting method that does
    not carry the session's token in the header or the form field."""
    request = flask.request
    if request.method in SAFE_METHODS:
        return
    expected = flask.session.get(SESSION_KEY)
    sent = request.headers.get(HEADER)
    if sent is None and request.mimetype in FORM_TYPES:
        sent = request.form.get(FIELD)
    if not expected:
        raise CsrfError("会话已过期，请刷新页面后重试。")
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfError("请求缺少有效的安全令牌（CSRF），请刷新页面后重试。")


def sync_cookie(response: flask.Response, secure: bool) -> None:
    """Keep the cookie Dash reads equal to the session's token (or gone)."""
    expected = flask.session.get(SESSION_KEY)
    sent = flask.request.cookies.get(COOKIE)
    if expected and sent != expected:
        response.set_cookie(COOKIE, expected, secure=secure, httponly=False, samesite="Strict", path="/")
    elif not expected and sent:
        response.delete_cookie(COOKIE, path="/", secure=secure, httponly=False, samesite="Strict")
