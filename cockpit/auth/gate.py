"""The check in front of every request, and the answers to a refusal.

Every request but the login and logout pages, a wall screen's token link,
the assets and the favicon needs a live session: its viewer is put on
``flask.g.viewer`` (read with cockpit.context.viewer()). Without one, a
page asks the browser to log in first (302 to /login) and anything else is
answered 401. The body is then held to the viewer's size limit
(cockpit.auth.limits), before anything reads it. A wall screen's session is
held to the wall screen (cockpit.auth.kiosk). Then every POST must carry the
CSRF token.
"""

from __future__ import annotations

import logging

import flask

from cockpit.auth import audit, csrf, pages
from cockpit.auth.kiosk import check_kiosk_request
from cockpit.auth.limits import install_limits, limit_body
from cockpit.auth.session import KIOSK_TOKEN, USER_ID, end_session, session_viewer
from cockpit.components import urls
from queries.scope import AccessDeniedError

log = logging.getLogger(__name__)

PUBLIC_PATHS = frozenset((urls.LOGIN, urls.LOGOUT, "/_favicon.ico"))
PUBLIC_PREFIXES = ("/assets/", urls.KIOSK + "/")
DASH_PREFIX = "/_dash-"


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _is_page_request(request: flask.Request) -> bool:
    """A browser asking for a page (to send to the login form), not a script."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(DASH_PREFIX)
        and (request.accept_mimetypes.accept_html or not request.accept_mimetypes)
    )


def _wants_json(request: flask.Request) -> bool:
    return request.path.startswith(DASH_PREFIX) or request.is_json


def _here(request: flask.Request) -> str:
    query = request.query_string.decode("latin-1")
    return f"{request.path}?{query}" if query else request.path


def require_session() -> flask.Response | None:
    """``before_request``: the viewer of the session on ``g``, or a refusal."""
    request = flask.request
    if is_public(request.path):
        limit_body(None)
        csrf.check()
        return None
    viewer = session_viewer()
    limit_body(viewer)
    if viewer is None:
        if USER_ID in flask.session or KIOSK_TOKEN in flask.session:
            end_session()  # expired, deactivated, password changed or token revoked
        if _is_page_request(request):
            return flask.redirect(urls.login_href(_here(request)))
        return flask.make_response(flask.jsonify(error="请先登录。", login=urls.LOGIN), 401)
    flask.g.viewer = viewer
    if viewer.role == "kiosk":
        check_kiosk_request(request)
    csrf.check()
    return None


def refuse_access(error: AccessDeniedError) -> flask.Response:
    """403 for AccessDeniedError (queries.scope), wherever it was raised;
    logged as ``denied`` (best effort: the refusal is answered regardless)."""
    request = flask.request
    viewer = flask.g.get("viewer")
    try:
        audit.log_request(
            "denied",
            request.path,
            error.message,
            actor=viewer.name if viewer else "anonymous",
            role=viewer.role if viewer else "",
        )
    except Exception:  # the store may be what failed; the answer must not
        log.exception("could not log a refused request to %s", request.path)
    if _wants_json(request):
        return flask.make_response(flask.jsonify(error=error.message), 403)
    home = urls.SCREEN if viewer is not None and viewer.role == "kiosk" else urls.HOME
    return pages.message_page(403, "无权访问", error.message, home, "返回首页")


def refuse_csrf(error: csrf.CsrfError) -> flask.Response:
    request = flask.request
    log.warning("refused %s %s: %s", request.method, request.path, error.message)
    if _wants_json(request):
        return flask.make_response(flask.jsonify(error=error.message), 400)
    back = urls.LOGIN if request.path == urls.LOGIN else urls.HOME
    return pages.message_page(400, "请求已失效", error.message, back, "重新打开页面")


def install_gate(server: flask.Flask) -> None:
    install_limits(server)
    server.before_request(require_session)
    server.register_error_handler(AccessDeniedError, refuse_access)
    server.register_error_handler(csrf.CsrfError, refuse_csrf)
