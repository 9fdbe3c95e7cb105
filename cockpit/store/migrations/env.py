"""Alembic's environment for the store, run by ``cockpit.store.migrate``.

There is no alembic.ini and no URL here: ``cockpit.store.migrate`` passes the
connection in (``config.attributes["connection"]``), made from the engine it
was given or from COCKPIT_DATABASE_URL.
"""

from alembic import context

from cockpit.store.migrate import context_options, target_metadata

connection = context.config.attributes.get("connection")
if context.is_offline_mode() or connection is None:
    raise RuntimeError("run the store's migrations with python -m cockpit.store.migrate (docs/store.md)")

context.configure(connection=connection, target_metadata=target_metadata(), **context_options(connection))
with context.begin_transaction():
    context.run_migrations()
