"""Honest HTTP status codes for page URLs.

Dash serves the same single-page index for every path and draws "not found"
in the browser, so a monitor or a link checker would see 200 for a wrong
URL. This hook gives the index a 404 when the path names no page or a record
that does not exist (in the cockpit's root scope); the page shown is the same.
"""

from __future__ import annotations

import re

import flask

from cockpit.context import current
from queries.petitions import get_petition
from queries.regions import region_path
from queries.warnings import get_warning

STATIC_PAGES = {"/", "/screen", "/warnings", "/rules"}
RECORD_PAGES = re.compile(r"^/(region|petition|warning)/([^/]+)$")


def page_exists(path: str) -> bool:
    """Whether ``path`` names a page of the cockpit and what it shows exists."""
    path = path.rstrip("/") or "/"
    if path in STATIC_PAGES:
        return True
    match = RECORD_PAGES.match(path)
    if match is None:
        return False
    kind, key = match.groups()
    ctx = current()
    with ctx.engine.connect() as conn:
        if kind == "region":
            return bool(region_path(conn, key, ctx.root_code))
        if not key.isdigit() or len(key) > 18:
            return False
        found = get_petition(conn, int(key)) if kind == "petition" else get_warning(conn, int(key))
        return found is not None


def install_status_hook(server: flask.Flask) -> None:
    """Answer 404 for page URLs that show "not found"."""

    @server.after_request
    def _not_found_status(response: flask.Response) -> flask.Response:
        request = flask.request
        if (
            request.method == "GET"
            and response.status_code == 200
            and response.mimetype == "text/html"
            and not request.path.startswith(("/_dash", "/assets", "/_favicon", "/_reload"))
            and not page_exists(request.path)
        ):
            response.status_code = 404
        return response
