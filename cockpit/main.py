"""Entry points: ``python app.py`` (everything in one process, the README's
run command) and ``create_server()`` for a production WSGI server."""

from __future__ import annotations

import logging
import sys

import flask
from sqlalchemy import Engine

from cockpit.auth.production import refuse_unsafe_production
from cockpit.settings import Settings, SettingsError
from cockpit.store import create_store, make_engine, missing_columns
from cockpit.store.migrate import StoreSchemaError

log = logging.getLogger("cockpit")


def configure_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def open_store(settings: Settings) -> Engine:
    """The engine for the configured store, upgraded to the code's schema
    (cockpit.store.migrate); on the default URL, the sample store is generated
    first when it is missing."""
    if settings.is_default_sample:
        from sample_db.build import ensure_sample_store

        ensure_sample_store(settings)
    engine = make_engine(settings.database_url)
    try:
        create_store(engine)
    except StoreSchemaError as error:
        raise SystemExit(f"存储结构无法升级 / the store cannot be upgraded: {error}") from None
    stale = missing_columns(engine)
    if stale:
        raise SystemExit(
            "存储结构早于本版本，缺少字段 / the store was created by an older version and lacks "
            f"columns: {', '.join(stale)}. Add them (see docs/store.md) before starting the cockpit."
        )
    return engine


def create_server(settings: Settings | None = None) -> flask.Flask:
    """The Flask server of the cockpit, for gunicorn: ``gunicorn "app:create_server()"``.

    Starts no scheduler unless COCKPIT_SCHEDULER=embedded (then one per
    machine, see cockpit.scheduler). In production mode, refuses
    (SystemExit) to start without COCKPIT_SECRET_KEY or on a sample store.
    """
    from cockpit.app import create_app
    from cockpit.scheduler import start_embedded

    configure_logging()
    settings = settings or Settings.from_env()
    refuse_unsafe_production(settings)
    engine = open_store(settings)
    refuse_unsafe_production(settings, engine)
    if settings.scheduler == "embedded":
        start_embedded(settings, engine)
    return create_app(settings, engine).server


def main() -> None:
    """Run the cockpit on COCKPIT_HOST:COCKPIT_PORT (default the sample city)."""
    from cockpit.app import create_app
    from cockpit.auth.demo import DEMO_KIOSK_TOKEN, DEMO_PASSWORD, ensure_demo_accounts
    from cockpit.auth.headers import QuietRequestHandler
    from cockpit.components.urls import LOGIN, kiosk_href
    from cockpit.scheduler import start_embedded

    configure_logging()
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        sys.exit(f"配置错误 / bad setting: {error}")
    refuse_unsafe_production(settings)
    engine = open_store(settings)
    refuse_unsafe_production(settings, engine)
    demo = ensure_demo_accounts(settings, engine)
    if settings.scheduler == "embedded":
        # Its refresh job runs at once, in the background: the cockpit listens
        # meanwhile (after a big import the first refresh takes minutes), its
        # pages read the raw tables and say the data is being prepared. With
        # COCKPIT_SCHEDULER=off, the scheduler's own process refreshes.
        start_embedded(settings, engine)
    app = create_app(settings, engine)
    base = f"http://{settings.host}:{settings.port}"
    log.info("监督驾驶舱 on %s/  (wall screen: /screen)", base)
    if demo:
        log.info(
            "sample store: log in at %s%s as demo-leader, demo-admin, demo-town or demo-inspector, "
            "password %s; wall screen without login: %s%s",
            base,
            LOGIN,
            DEMO_PASSWORD,
            base,
            kiosk_href(DEMO_KIOSK_TOKEN),
        )
    app.run(
        host=settings.host,
        port=settings.port,
        debug=settings.debug,
        use_reloader=False,
        dev_tools_disable_version_check=True,
        request_handler=QuietRequestHandler,
    )
