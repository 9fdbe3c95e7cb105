"""Wall screens: ``/kiosk/<token>`` starts a long-lived session that may
load the wall screen and nothing else.

A kiosk session may fetch ``/screen``, the assets, Dash's own endpoints
and the favicon. Of Dash's callbacks it may run only those whose outputs
are all on the screen's or the shell's components (cockpit.ids.ScreenIds,
ShellIds), and Dash's page router only for ``/screen``; anything else is
refused with AccessDeniedError (403).
"""

from __future__ import annotations

import flask
from dash.dash import _ID_CONTENT, _ID_LOCATION, _ID_STORE

from cockpit.auth import audit, pages
from cockpit.auth.session import start_kiosk_session
from cockpit.auth.users import kiosk_token_id, load_kiosk_viewer
from cockpit.components import urls
from cockpit.context import current
from cockpit.ids import ScreenIds, ShellIds
from queries.scope import AccessDeniedError

DASH_UPDATE = "/_dash-update-component"
KIOSK_PAGES = frozenset((urls.SCREEN, urls.SCREEN + "/"))
# /_reload-hash: Dash's hot reload, polled in debug mode (it returns a hash of the assets).
KIOSK_PREFIXES = ("/assets/", "/_dash-", "/_favicon.ico", "/_reload-hash", urls.KIOSK + "/")
KIOSK_OUTPUTS = frozenset(str(i) for i in (*ScreenIds, *ShellIds))
# Dash's page router: fills the page container for a pathname.
ROUTER_OUTPUTS = frozenset((_ID_CONTENT, _ID_STORE))
MAX_TOKEN_LENGTH = 256


def kiosk_login(token: str) -> flask.Response:
    ctx = current()
    with ctx.engine.begin() as conn:
        token_id = kiosk_token_id(conn, token) if len(token) <= MAX_TOKEN_LENGTH else None
        viewer = load_kiosk_viewer(conn, token_id, ctx.root_code) if token_id is not None else None
        if viewer is not None:
            audit.record_by(conn, viewer, "kiosk_login", str(token_id))
    if viewer is None:
        return pages.message_page(
            404,
            "大屏链接无效",
            "该大屏链接不存在或已被撤销。请联系系统管理员获取新的大屏链接。",
        )
    start_kiosk_session(token_id)
    return flask.redirect(urls.SCREEN)


def _router_pathname(body: dict) -> str | None:
    for item in body.get("inputs") or []:
        if isinstance(item, dict) and item.get("id") == _ID_LOCATION and item.get("property") == "pathname":
            value = item.get("value")
            return value if isinstance(value, str) else None
    return None


def screen_callback(body: object) -> bool:
    """Whether a ``/_dash-update-component`` body is one a wall screen may run."""
    if not isinstance(body, dict):
        return False
    outputs = body.get("outputs")
    if isinstance(outputs, dict):
        outputs = [outputs]
    if not isinstance(outputs, list) or not outputs:
        return False
    ids = [o.get("id") if isinstance(o, dict) else None for o in outputs]
    if not all(isinstance(i, str) for i in ids):
        return False  # pattern-matching ids: none on the screen
    if all(i in KIOSK_OUTPUTS for i in ids):
        return True
    return set(ids) == ROUTER_OUTPUTS and _router_pathname(body) in KIOSK_PAGES


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
    server.add_url_rule(f"{urls.KIOSK}/<path:token>", "cockpit_kiosk", kiosk_login, methods=["GET"])
