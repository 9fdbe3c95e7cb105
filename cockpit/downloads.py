"""Archived weekly packs as files: ``GET /exports/weekly/<name>``.

Only viewers who may see the whole root region get them (a pack covers
it all); each download is logged. Only a name the archive lists is served
(``archived_path`` refuses any other: other files, separators, ``..``).
Any other name gets what a wrong page URL gets (cockpit.http_status): the
cockpit's not-found page, with a 404.
"""

from __future__ import annotations

from pathlib import Path

import dash
import flask

from cockpit.auth.audit import log_request
from cockpit.components.urls import ARCHIVED_PACKS
from cockpit.context import current, viewer
from cockpit.export.pack import archived_path
from queries.scope import AccessDeniedError, granted


def install_download_routes(app: dash.Dash) -> None:
    """Serve the archive's packs from ``app``'s server."""

    @app.server.get(f"{ARCHIVED_PACKS}/<name>")
    def archived_pack(name: str) -> flask.Response:
        ctx, who = current(), viewer()
        with ctx.engine.connect() as conn:
            if not (who.may_export and granted(conn, who, ctx.root_code)):
                raise AccessDeniedError("归档周报汇总全域数据，仅限可查看全域的账号下载。")
        path = archived_path(Path(ctx.settings.export_dir), name)
        if path is None:
            return flask.make_response(app.index(), 404)
        log_request("export", f"archive:{name}")
        return flask.send_file(path, mimetype="application/zip", as_attachment=True, download_name=name)
