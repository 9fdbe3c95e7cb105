"""Trusted browsers: the accounts that logged in successfully from this
browser before, kept in a signed cookie (OWASP's "device cookie").

Behind an office's NAT everyone shares one address. Without this, anyone
there (or anywhere, typing a username) who failed five times would lock the
account for everyone, its owner included. A browser that has logged in to an
account before is counted on its own instead (cockpit.auth.throttle): a
lockout of the username or the address does not reach it, and guessing from
it is still limited to COCKPIT_LOGIN_MAX_FAILURES per window.

The cookie holds a random browser id and up to ``MAX_NAMES`` usernames,
signed with the session key (so it cannot be made or edited), ``HttpOnly``,
``SameSite=Strict``, ``Secure`` in production, for ``DAYS`` days. It proves
only that this browser once knew the password; it signs nobody in.
"""

from __future__ import annotations

import secrets

import flask
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "cockpit_device"
SALT = "cockpit.trusted-device"
DAYS = 180
MAX_NAMES = 8
MAX_COOKIE_LENGTH = 2048


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(flask.current_app.secret_key, salt=SALT)


def _read(request: flask.Request) -> tuple[str, list[str]] | None:
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > MAX_COOKIE_LENGTH:
        return None
    try:
        value = _serializer().loads(raw, max_age=DAYS * 86400)
    except BadSignature:
        return None
    if not isinstance(value, dict):
        return None
    device, names = value.get("d"), value.get("u")
    if not isinstance(device, str) or not isinstance(names, list):
        return None
    return device, [n for n in names if isinstance(n, str)]


def trusted_device(request: flask.Request, username: str) -> str | None:
    """The browser's id when it has logged in to ``username`` before, else None."""
    found = _read(request)
    if found is None:
        return None
    device, names = found
    return device if username.casefold() in names else None


def remember(request: flask.Request, response: flask.Response, username: str, secure: bool) -> None:
    """After a successful login: add ``username`` to the browser's cookie
    (the newest first; the oldest dropped past MAX_NAMES)."""
    device, names = _read(request) or (secrets.token_urlsafe(16), [])
    name = username.casefold()
    names = [name, *(n for n in names if n != name)][:MAX_NAMES]
    response.set_cookie(
        COOKIE,
        _serializer().dumps({"d": device, "u": names}),
        max_age=DAYS * 86400,
        secure=secure,
        httponly=True,
        samesite="Strict",
        path="/login",
    )
