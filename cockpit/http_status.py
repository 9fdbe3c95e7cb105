"""Honest HTTP status codes for page URLs.

Dash serves the same single-page index for every path and draws "not found"
in the browser, so a monitor or a link checker would see 200 for a wrong
URL. This hook gives the index a 404 when the path names no page or a record
that does not exist (in the cockpit's root scope); the page shown is the same.
"""

from __future__ import annotations

import re

import dash
import flask

from cockpit.context import current
from queries.petitions import get_petition
from queries.regions import region_path
from queries.warnings import get_warning

NOT_FOUND_PAGE = "/404"


def _region_exists(conn, code: str) -> bool:
    return bool(region_path(conn, code, current().root_code))


def _record_exists(getter):
    def exists(conn, key: str) -> bool:
        return key.isdigit() and len(key) <= 18 and getter(conn, int(key)) is not None

    return exists


# What must exist for a page with a path variable to show something, by the
# variable's name in the page's path_template (see cockpit.pages.register).
RECORD_CHECKS = {
    "code": _region_exists,
    "petition_id": _record_exists(get_petition),
    "warning_id": _record_exists(get_warning),
}


def _template_pattern(template: str) -> re.Pattern:
    parts = re.split(r"<(\w+)>", template)
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(f"^{pattern}$")


def page_exists(path: str) -> bool:
    """Whether ``path`` names a registered page and what it shows exists."""
    path = path.rstrip("/") or "/"
    for page in dash.page_registry.values():
        template = page.get("path_template")
        if not template:
            if page["path"] == path and path != NOT_FOUND_PAGE:
                return True
            continue
        match = _template_pattern(template).match(path)
        if match is None:
            continue
        with current().engine.connect() as conn:
            return all(RECORD_CHECKS[name](conn, value) for name, value in match.groupdict().items())
    return False


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
