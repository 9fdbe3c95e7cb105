"""How large a request body may be, by who sends it and where.

An anonymous 150 MB ``POST /login`` once added 300 MB to the server, and a
wall screen's 150 MB callback 436 MB: Flask read and parsed whatever came.
Now every request gets a limit before anything reads its body (the gate calls
``limit_body`` right after it knows the viewer, before the CSRF check reads a
form and before the wall screen's check reads a callback):

- nobody signed in (the login and logout forms): ``ANONYMOUS_BYTES``;
- a wall screen (its polls and panels): ``KIOSK_BYTES``;
- a signed-in user's callbacks: ``USER_BYTES``;
- an administrator, whose import page uploads a 20 MB file as base64 in a
  callback: ``ADMIN_BYTES``.

A body declared larger (``Content-Length``) is refused at once with 413 and
a Chinese message, without reading a byte of it. One sent without a length
(chunked) is read through Flask's own ``request.max_content_length``, which
stops at the limit (werkzeug would then hand on a silently cut body), so the
gate reads it up to the limit itself and refuses it with the same 413 when
more follows. ``MAX_CONTENT_LENGTH`` (the largest limit) guards any path
the gate does not see.

Flask's per-request ``max_content_length`` (3.1) is the mechanism; a library
(flask-limiter, for instance) limits request rates, not sizes, so none is added.
"""

from __future__ import annotations

import flask
from werkzeug.exceptions import RequestEntityTooLarge

from cockpit.auth import pages
from cockpit.components import urls
from queries.scope import Viewer

KIB, MIB = 1024, 1024 * 1024
ANONYMOUS_BYTES = 16 * KIB  # a login form is under 1 KB
KIOSK_BYTES = 64 * KIB  # a wall screen's largest callback is under 2 KB
USER_BYTES = 1 * MIB  # an inspector's largest callback is a few KB
ADMIN_BYTES = 32 * MIB  # a 20 MB upload as base64 (26.7 MB) and its mapping
LARGEST = ADMIN_BYTES
BODYLESS = frozenset(("GET", "HEAD", "OPTIONS", "TRACE"))
TOO_LARGE = "请求内容过大（超过 {limit}），已拒绝。"
UPLOAD_HINT = "如需导入大文件，请在服务器上用命令行导入。"  # only an administrator uploads


class BodyTooLarge(RequestEntityTooLarge):
    """413 with the limit that was passed, for the Chinese answer."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit


def body_limit(viewer: Viewer | None) -> int:
    """The most bytes a request body of ``viewer`` (None: not signed in) may hold."""
    if viewer is None:
        return ANONYMOUS_BYTES
    if viewer.role == "kiosk":
        return KIOSK_BYTES
    if viewer.role == "admin":
        return ADMIN_BYTES
    return USER_BYTES


def limit_body(viewer: Viewer | None) -> None:
    """Hold this request's body to ``viewer``'s limit: refuse (BodyTooLarge)
    one declared larger now; one of unknown length is cut off while read."""
    request = flask.request
    limit = body_limit(viewer)
    request.max_content_length = limit
    if request.content_length is not None:
        if request.content_length > limit:
            raise BodyTooLarge(limit)
        return
    if request.method in BODYLESS or not request.environ.get("wsgi.input_terminated"):
        return  # no body, or werkzeug reads none without a length
    data = request.get_data(cache=True)  # at most ``limit`` bytes; kept for the form or JSON
    if len(data) >= limit and request.environ["wsgi.input"].read(1):
        raise BodyTooLarge(limit)


def _size(limit: int) -> str:
    return f"{limit // MIB} MB" if limit >= MIB else f"{limit // KIB} KB"


def answer_too_large(error: RequestEntityTooLarge) -> flask.Response:
    """413 in Chinese: JSON for Dash's requests, a page otherwise."""
    limit = getattr(error, "limit", None) or flask.request.max_content_length or LARGEST
    message = TOO_LARGE.format(limit=_size(limit)) + (UPLOAD_HINT if limit >= ADMIN_BYTES else "")
    if flask.request.path.startswith("/_dash-"):
        response = flask.make_response(flask.jsonify(error=message), 413)
    else:
        response = pages.message_page(413, "请求过大", message, urls.HOME, "返回首页")
    response.headers["Connection"] = "close"  # the unread body must not be taken for the next request
    return response


def install_limits(server: flask.Flask) -> None:
    server.config["MAX_CONTENT_LENGTH"] = LARGEST
    server.register_error_handler(RequestEntityTooLarge, answer_too_large)
