"""Honest HTTP status codes for page URLs.

Dash serves the same single-page index for every path and draws "not found"
in the browser, so a monitor or a link checker would see 200 for a wrong
URL. This hook gives the index a 404 when the path names no page or a record
that does not exist (or is outside the viewer's regions), a 403 for a region
outside them; the page shown says the same.
"""

from __future__ import annotations

import re

import dash
import flask

from cockpit.components.urls import ADMIN
from cockpit.context import current
from queries.petitions import petition_village
from queries.regions import region_path
from queries.scope import Viewer, granted
from queries.warnings import warning_village

NOT_FOUND_PAGE = "/404"


def _region_status(conn, code: str, who: Viewer) -> int:
    if not region_path(conn, code, current().root_code):
        return 404
    return 200 if granted(conn, who, code) else 403


def _record_status(village_of):
    """A record outside the viewer's regions answers as one that does not
    exist: its number tells nothing."""

    def status(conn, key: str, who: Viewer) -> int:
        if not (key.isdigit() and len(key) <= 18):
            return 404
        village = village_of(conn, int(key))
        return 200 if village is not None and granted(conn, who, village) else 404

    return status


# What must exist (and be the viewer's to see) for a page with a path
# variable to show something, by the variable's name in the page's
# path_template (see cockpit.pages.register).
RECORD_CHECKS = {
    "code": _region_status,
    "petition_id": _record_status(petition_village),
    "warning_id": _record_status(warning_village),
}


def _template_pattern(template: str) -> re.Pattern:
    parts = re.split(r"<(\w+)>", template)
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(f"^{pattern}$")


def page_status(path: str, who: Viewer) -> int:
    """200 when ``path`` names a registered page and what it shows exists
    and is the viewer's to see; 403 for a region outside its regions and for
    the administrator's pages to anyone else; 404 otherwise."""
    path = path.rstrip("/") or "/"
    if (path == ADMIN or path.startswith(ADMIN + "/")) and not who.is_admin:
        return 403
    for page in dash.page_registry.values():
        template = page.get("path_template")
        if not template:
            if page["path"] == path and path != NOT_FOUND_PAGE:
                return 200
            continue
        match = _template_pattern(template).match(path)
        if match is None:
            continue
        with current().engine.connect() as conn:
            codes = [RECORD_CHECKS[name](conn, value, who) for name, value in match.groupdict().items()]
        return next((code for code in codes if code != 200), 200)
    return 404


def install_status_hook(server: flask.Flask) -> None:
    """Answer 404 for page URLs that show "not found"."""

    @server.after_request
    def _not_found_status(response: flask.Response) -> flask.Response:
        request = flask.request
        who = flask.g.get("viewer")
        if (
            who is not None
            and request.method == "GET"
            and response.status_code == 200
            and response.mimetype == "text/html"
            and not request.path.startswith(("/_dash", "/assets", "/_favicon", "/_reload"))
        ):
            response.status_code = page_status(request.path, who)
        return response
