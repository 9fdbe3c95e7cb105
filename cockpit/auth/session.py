"""What a session cookie holds, and the viewer it stands for.

The cookie is Flask's signed session. A user's session holds the account id,
its ``session_stamp`` and the login time; a wall screen's holds its token id.
Both are checked against the store on every request (cockpit.auth.gate), so a
deactivated account, a changed password, a logout (which ends the account's
sessions everywhere: ``users.sessions_valid_after``) or a revoked token ends
the session at once; a user's session also ends COCKPIT_SESSION_HOURS after
login.
"""

from __future__ import annotations

import logging
import time

import flask

from cockpit.auth import csrf
from cockpit.auth.users import Account, load_kiosk_viewer, load_viewer, session_stamp
from cockpit.context import current
from cockpit.outage import remembered
from queries.scope import Viewer

log = logging.getLogger(__name__)

USER_ID = "uid"
STAMP = "stamp"
LOGIN_AT = "login_at"  # seconds since the epoch
KIOSK_TOKEN = "kiosk"


def start_user_session(account: Account) -> None:
    """A fresh session for ``account`` (nothing of the anonymous one is kept,
    not even its CSRF token), ending with the browser or after the session hours."""
    flask.session.clear()
    flask.session.permanent = False
    flask.session[USER_ID] = account.id
    flask.session[STAMP] = session_stamp(account)
    flask.session[LOGIN_AT] = time.time()
    csrf.token()


def start_kiosk_session(token_id: int) -> None:
    """A long-lived wall-screen session (PERMANENT_SESSION_LIFETIME) for a token."""
    flask.session.clear()
    flask.session.permanent = True
    flask.session[KIOSK_TOKEN] = token_id
    csrf.token()


def end_session() -> None:
    flask.session.clear()


def session_viewer() -> Viewer | None:
    """The viewer of the request's session, or None when there is none or it
    has ended (expired, account deactivated, password changed, token revoked)."""
    session = flask.session
    if KIOSK_TOKEN not in session and USER_ID not in session:
        return None
    ctx = current()
    try:
        if KIOSK_TOKEN in session:
            token_id = int(session[KIOSK_TOKEN])
            return _checked(
                f"kiosk:{token_id}", lambda conn: load_kiosk_viewer(conn, token_id, ctx.root_code)
            )
        login_at = float(session.get(LOGIN_AT, 0))
        if time.time() - login_at > ctx.settings.session_hours * 3600:
            return None
        user_id, stamp = int(session[USER_ID]), str(session.get(STAMP, ""))
    except (TypeError, ValueError):  # a cookie signed by us but of an older shape
        return None
    key = f"user:{user_id}:{stamp}:{login_at}"
    return _checked(key, lambda conn: load_viewer(conn, user_id, stamp, ctx.root_code, login_at))


def _checked(key: str, load) -> Viewer | None:
    """The session's viewer as the store says now; while the store is
    unreachable, as it said last (nothing can be revoked meanwhile: revoking
    writes to the store). A session never checked before gets
    StoreUnavailableError (503)."""
    ctx = current()

    def read() -> Viewer | None:
        with ctx.engine.connect() as conn:
            return load(conn)

    return remembered(ctx, f"session:{key}", read)
