"""Build the cockpit's Dash app. Starts no scheduler and builds no data."""

from __future__ import annotations

import dash
from sqlalchemy import Engine

from cockpit import pages
from cockpit.auth.errors import install_error_handlers
from cockpit.auth.web import install_web_layer
from cockpit.context import CockpitContext, install
from cockpit.delivery import install_delivery, serialize_dash_setup
from cockpit.downloads import install_download_routes
from cockpit.http_status import install_status_hook
from cockpit.outage import install_outage_handler
from cockpit.pages import shell
from cockpit.settings import PROJECT_ROOT, Settings
from cockpit.store import make_engine
from cockpit.store.hierarchy import resolve_root

ASSETS = PROJECT_ROOT / "assets"
TITLE = "监督驾驶舱"
# Bootstrap must load before our own CSS, but Dash loads files at the top of
# assets/ before those in sub-folders: so it is left out of the automatic list
# and linked first, as an "external" stylesheet served from our own assets.
BOOTSTRAP = "vendor/bootstrap.min.css"


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> dash.Dash:
    """The cockpit app for ``settings`` (default: from the environment) on ``engine``
    (default: one made from ``settings.database_url``). Every request but the
    login page needs a session (cockpit.auth.web); in production mode, refuses
    (SystemExit) to start without a secret key."""
    settings = settings or Settings.from_env()
    engine = engine or make_engine(settings.database_url)
    with engine.connect() as conn:
        root_code = resolve_root(conn, settings.root_region)
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        assets_ignore=r"bootstrap\.min\.css$",
        serve_locally=True,
        title=TITLE,
        update_title=None,
        suppress_callback_exceptions=True,
    )
    app.config.external_stylesheets.append(app.get_asset_url(BOOTSTRAP))
    install(app.server, CockpitContext(settings=settings, engine=engine, root_code=root_code))
    # First: Flask runs after-request hooks last-registered first, and the
    # compression must see the answer as the other hooks leave it.
    install_delivery(app.server)
    serialize_dash_setup(app)
    install_web_layer(app)
    install_error_handlers(app)
    install_status_hook(app.server)
    install_outage_handler(app.server)
    install_download_routes(app)
    app.layout = shell.layout
    pages.register(app)
    return app
