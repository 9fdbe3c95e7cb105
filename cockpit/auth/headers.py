"""Security headers on every response (docs/security.md).

The Content-Security-Policy allows scripts from our own server only, plus
the inline scripts Dash writes into its index page, by their hashes
(``Dash.csp_hashes``: the renderer's start-up line and inline clientside
callbacks such as the page router's title setter, which Dash adds at the
first request; so the hashes are taken per response). Styles may be inline:
React and plotly.js set them on elements. No worker is started (the maps
are SVG since they left MapLibre, whose worker came from a ``blob:`` URL).
"""

from __future__ import annotations

import dash
import flask
from werkzeug.serving import WSGIRequestHandler

from cockpit.auth import csrf

# Fetched by URL with a fingerprint or never personal: caching them is fine.
CACHEABLE_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
HSTS = "max-age=31536000"
SERVER_NAME = "cockpit"


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler (``python app.py``) without its banner:
    ``Server: cockpit`` instead of ``Werkzeug/3.x Python/3.11.x``, which told
    a visitor which versions to look up vulnerabilities for. (gunicorn says
    ``Server: gunicorn``, with no version.)"""

    def version_string(self) -> str:
        return SERVER_NAME


def content_security_policy(app: dash.Dash) -> str:
    scripts = " ".join(["'self'", *app.csp_hashes()])
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "object-src 'none'",
        )
    )


def install_headers(app: dash.Dash, production: bool) -> None:
    """Add the headers, and keep Dash's CSRF cookie in step with the session."""

    @app.server.after_request
    def _security_headers(response: flask.Response) -> flask.Response:
        path = flask.request.path
        headers = response.headers
        headers["Content-Security-Policy"] = content_security_policy(app)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if production:
            headers["Strict-Transport-Security"] = HSTS
        if not path.startswith(CACHEABLE_PREFIXES):
            headers["Cache-Control"] = "no-store"
            csrf.sync_cookie(response, secure=production)
        return response
