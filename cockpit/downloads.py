"""Archived weekly packs as files: ``GET /exports/weekly/<name>``.

Only a name the archive lists is served (``archived_path`` refuses any other:
other files, separators, ``..``). Any other name gets what a wrong page URL
gets (cockpit.http_status): the cockpit's not-found page, with a 404.
"""

from __future__ import annotations

from pathlib import Path

import dash
import flask

from cockpit.components.urls import ARCHIVED_PACKS
from cockpit.context import current
from cockpit.export.pack import archived_path


def install_download_routes(app: dash.Dash) -> None:
    """Serve the archive's packs from ``app``'s server."""

    @app.server.get(f"{ARCHIVED_PACKS}/<name>")
    def archived_pack(name: str) -> flask.Response:
        path = archived_path(Path(current().settings.export_dir), name)
        if path is None:
            return flask.make_response(app.index(), 404)
        return flask.send_file(path, mimetype="application/zip", as_attachment=True, download_name=name)
