"""The answers to bad input and to our own mistakes: a plain message, never
a stack trace (docs/security.md).

- BadRequestError (cockpit.pages.params), raised by a callback or a layout
  that was given something it cannot use, is answered 400 with its message;
- a ``/_dash-update-component`` body Dash could not read (not JSON, nested
  too deep, keys missing, a callback that does not exist or runs in the
  browser only, inputs that do not match it) is refused with 400 before
  Dash reads it;
- anything else unexpected is logged in full and answered 500 with a short
  message that tells nothing about the code.

More specific handlers keep their answers (Flask picks the handler of the
nearest class): AccessDeniedError 403 and CsrfError 400 (cockpit.auth.gate),
Dash's PreventUpdate 204, and every HTTP error (404, 405, …) as it is.
"""

from __future__ import annotations

import logging

import dash
import flask
from werkzeug.exceptions import HTTPException

from cockpit.auth import pages
from cockpit.components import urls
from cockpit.pages.params import BAD_PAYLOAD, BadRequestError, dash_request

log = logging.getLogger(__name__)

DASH_PREFIX = "/_dash-"
DASH_UPDATE = "/_dash-update-component"
UNEXPECTED = "服务器内部错误，请稍后重试；原因已记入服务器日志。"


def _answer(status: int, title: str, message: str) -> flask.Response:
    if flask.request.path.startswith(DASH_PREFIX):
        return flask.make_response(flask.jsonify(error=message), status)
    return pages.message_page(status, title, message, urls.HOME, "返回首页")


def answer_bad_request(error: BadRequestError) -> flask.Response:
    request = flask.request
    log.info("bad request %s %s: %s", request.method, request.path, error.message)
    return _answer(400, "请求有误", error.message)


def answer_unexpected(error: Exception) -> flask.Response | HTTPException:
    if isinstance(error, HTTPException):  # 404, 405, 413, …: already a plain answer
        return error
    request = flask.request
    log.exception("unexpected error on %s %s", request.method, request.path)
    return _answer(500, "服务器出错", UNEXPECTED)


def answer_too_deep(error: RecursionError) -> flask.Response:
    """A request body nested deeper than the JSON parser goes (read by the
    wall screen's check or ours) is bad input; anywhere else, our mistake."""
    if flask.request.path == DASH_UPDATE:
        return answer_bad_request(BadRequestError(BAD_PAYLOAD))
    return answer_unexpected(error)


def check_callback_request(app: dash.Dash):
    """A ``before_request`` refusing (BadRequestError) a callback request Dash
    could not read; run after the session check, so nobody learns of it unasked."""

    def check() -> None:
        request = flask.request
        if request.method != "POST" or request.path != DASH_UPDATE:
            return
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # nested deeper than the parser goes
            raise BadRequestError(BAD_PAYLOAD) from None
        dash_request(body, app.callback_map)

    return check


def install_error_handlers(app: dash.Dash) -> None:
    """Call from cockpit.app.create_app after install_web_layer (see the
    module's docstring)."""
    server = app.server
    server.before_request(check_callback_request(app))
    server.register_error_handler(BadRequestError, answer_bad_request)
    server.register_error_handler(RecursionError, answer_too_deep)
    server.register_error_handler(Exception, answer_unexpected)
