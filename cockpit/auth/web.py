"""The web layer: sessions, login, wall-screen tokens, CSRF and security
headers on the cockpit's Flask server (docs/security.md).

``install_web_layer(app)`` is called once by ``cockpit.app.create_app``,
after the cockpit's context is installed. The pieces:

- cockpit.auth.login: ``/login`` and ``/logout``, login throttling;
- cockpit.auth.kiosk: ``/kiosk/<token>`` and what a wall screen may fetch;
- cockpit.auth.gate: the session check before every request, the 403 and
  400 answers to a refusal;
- cockpit.auth.headers: CSP and the other headers, the CSRF cookie;
- cockpit.auth.production: the signing key and production mode's checks.
"""

from __future__ import annotations

from datetime import timedelta

import dash
from werkzeug.middleware.proxy_fix import ProxyFix

from cockpit.auth.gate import install_gate
from cockpit.auth.headers import install_headers
from cockpit.auth.kiosk import install_kiosk_route
from cockpit.auth.login import install_login_routes
from cockpit.auth.production import secret_key
from cockpit.context import EXTENSION_KEY, CockpitContext

SESSION_COOKIE = "cockpit_session"
KIOSK_SESSION_DAYS = 400  # the longest cookie lifetime browsers accept


def install_web_layer(app: dash.Dash) -> None:
    """Require a session for everything but the login page and the assets
    (see the module's docstring); refuses to start in production without a key."""
    server = app.server
    context: CockpitContext = server.extensions[EXTENSION_KEY]
    settings = context.settings
    server.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        PERMANENT_SESSION_LIFETIME=timedelta(days=KIOSK_SESSION_DAYS),
    )
    if settings.proxy_hops:
        hops = settings.proxy_hops
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops)
    install_login_routes(server)
    install_kiosk_route(server)
    install_gate(server)
    install_headers(app, production=settings.production)
