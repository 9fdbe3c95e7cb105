"""Wall screens: ``/kiosk/<token>`` starts a long-lived session that may
load the wall screen and nothing else.

Opening the link never changes who a signed-in user is: a browser with a
user's session gets a page saying so (409) and keeps its session; the user
logs out first to make it a wall screen. A browser with no user session
starts the wall screen at once when the link was typed, bookmarked, given on
a command line or followed from the cockpit itself (``Sec-Fetch-Site``
``none`` or ``same-origin``, or no such header); a link followed from another
site only gets a page with a button, a POST with the CSRF token, so a
cross-site link cannot turn a browser into a wall screen unasked.

A kiosk session may fetch ``/screen``, the assets, Dash's own endpoints
and the favicon. Of Dash's callbacks it may run only those whose outputs
are all on the screen's or the shell's components (cockpit.ids.ScreenIds,
ShellIds), and Dash's page router only for ``/screen``; anything else is
refused with AccessDeniedError (403).
"""

from __future__ import annotations

import flask
from dash.dash import _ID_CONTENT, _ID_LOCATION, _ID_STORE

from cockpit.auth import audit, csrf, pages
from cockpit.auth.session import session_viewer, start_kiosk_session
from cockpit.auth.users import kiosk_token_id, load_kiosk_viewer
from cockpit.callback_keys import callback_outputs, outputs_match
from cockpit.components import urls
from cockpit.context import current
from cockpit.ids import ScreenIds, ShellIds
from queries.scope import AccessDeniedError, Viewer

DASH_UPDATE = "/_dash-update-component"
KIOSK_PAGES = frozenset((urls.SCREEN, urls.SCREEN + "/"))
# /_reload-hash: Dash's hot reload, polled in debug mode (it returns a hash of the assets).
KIOSK_PREFIXES = ("/assets/", "/_dash-", "/_favicon.ico", "/_reload-hash", urls.KIOSK + "/")
KIOSK_OUTPUTS = frozenset(str(i) for i in (*ScreenIds, *ShellIds))
# Dash's page router: fills the page container for a pathname.
ROUTER_OUTPUTS = frozenset((_ID_CONTENT, _ID_STORE))
MAX_TOKEN_LENGTH = 256
# What Sec-Fetch-Site says of a navigation the user made here, not another site.
OWN_NAVIGATION = frozenset(("none", "same-origin"))
SIGNED_IN = (
    "此浏览器已以 {who} 的身份登录，打开大屏链接不会替换当前登录。"
    "如要把这台电脑用作大屏，请先退出登录，再打开此链接。"
)


def kiosk_login(token: str) -> flask.Response:
    """GET: start the wall screen, or ask first (see the module's docstring)."""
    own = flask.request.headers.get("Sec-Fetch-Site", "none") in OWN_NAVIGATION
    return _open(token, ask=not own)


def kiosk_confirm(token: str) -> flask.Response:
    """POST (its CSRF token checked by the gate): the button of the page a
    link from another site gets."""
    return _open(token, ask=False)


def _open(token: str, ask: bool) -> flask.Response:
    """Start the screen of ``token``, unless it is unknown (404), the browser
    is a signed-in user's (409), or ``ask``: then the page with the button."""
    token_id, screen = _token(token)
    if token_id is None or screen is None:
        return _invalid()
    user = _signed_in_user()
    if user is not None:
        return pages.message_page(409, "已登录", SIGNED_IN.format(who=user.label), urls.LOGOUT, "退出登录")
    if ask:
        return pages.kiosk_confirm_page(csrf.token(), flask.request.path, screen.name.removeprefix("kiosk:"))
    with current().engine.begin() as conn:
        audit.record_by(conn, screen, "kiosk_login", str(token_id))
    start_kiosk_session(token_id)
    return flask.redirect(urls.SCREEN, 303 if flask.request.method == "POST" else 302)


def _token(token: str) -> tuple[int | None, Viewer | None]:
    ctx = current()
    with ctx.engine.connect() as conn:
        token_id = kiosk_token_id(conn, token) if len(token) <= MAX_TOKEN_LENGTH else None
        screen = load_kiosk_viewer(conn, token_id, ctx.root_code) if token_id is not None else None
    return token_id, screen


def _signed_in_user() -> Viewer | None:
    viewer = session_viewer()
    return viewer if viewer is not None and viewer.role != "kiosk" else None


def _invalid() -> flask.Response:
    return pages.message_page(
        404,
        "大屏链接无效",
        "该大屏链接不存在或已被撤销。请联系系统管理员获取新的大屏链接。",
    )


def _router_pathname(body: dict) -> str | None:
    for item in body.get("inputs") or []:
        if isinstance(item, dict) and item.get("id") == _ID_LOCATION and item.get("property") == "pathname":
            value = item.get("value")
            return value if isinstance(value, str) else None
    return None


def screen_callback(body: object) -> bool:
    """Whether a ``/_dash-update-component`` body is one a wall screen may
    run: the callback its key names (which is what Dash runs) has only the
    screen's or the shell's outputs, or is the page router for /screen, and
    its ``outputs`` are exactly those."""
    if not isinstance(body, dict):
        return False
    key = body.get("output")
    if not isinstance(key, str) or not outputs_match(body.get("outputs"), key):
        return False
    ids = {raw_id for raw_id, _ in callback_outputs(key)}
    if ids <= KIOSK_OUTPUTS:
        return True
    return ids == ROUTER_OUTPUTS and _router_pathname(body) in KIOSK_PAGES


def check_kiosk_request(request: flask.Request) -> None:
    """Refuse (AccessDeniedError) what a wall screen may not ask for."""
    path = request.path
    if path == DASH_UPDATE:
        if not screen_callback(request.get_json(silent=True)):
            raise AccessDeniedError("大屏只能显示驾驶舱大屏的内容。")
        return
    if path in KIOSK_PAGES or path.startswith(KIOSK_PREFIXES):
        return
    raise AccessDeniedError("大屏只能打开驾驶舱大屏（/screen）。")


def install_kiosk_route(server: flask.Flask) -> None:
    rule = f"{urls.KIOSK}/<path:token>"
    server.add_url_rule(rule, "cockpit_kiosk", kiosk_login, methods=["GET"])
    server.add_url_rule(rule, "cockpit_kiosk_confirm", kiosk_confirm, methods=["POST"])
