"""Engines for any database SQLAlchemy reaches, set up the same way."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url

from cockpit.store.schema import metadata


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for ``url`` with the settings the cockpit relies on.

    SQLite gets foreign keys on and a busy timeout (the web app reads while the
    scheduler writes); PostgreSQL runs without JIT compilation; MySQL/MariaDB
    talks utf8mb4 so Chinese survives;
    every pool checks connections before use so a restarted database is
    picked up again without restarting the cockpit.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    options: dict = {"pool_pre_ping": True}
    if backend == "sqlite":
        options["connect_args"] = {"timeout": 30, "check_same_thread": False}
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    elif backend == "postgresql":
        # No JIT: compiling a query costs 0.2-0.6 s, far more than the
        # snapshot reads it would speed up (measured on the national store).
        options["connect_args"] = {"options": "-c jit=off"}
    elif backend in ("mysql", "mariadb"):
        query = dict(parsed.query)
        query.setdefault("charset", "utf8mb4")
        parsed = parsed.set(query=query)
        options["pool_recycle"] = 3600
    options.update(kwargs)
    engine = create_engine(parsed, **options)
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def consistent(conn: Connection) -> Connection:
    """``conn`` set to read one consistent state for its whole transaction:
    REPEATABLE READ on PostgreSQL and MySQL/MariaDB (a page's several
    queries, or a snapshot refresh, never see a commit land halfway through).
    SQLite's transactions already read one state. Call before the first
    statement."""
    if conn.dialect.name in ("postgresql", "mysql", "mariadb"):
        return conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def create_store(engine: Engine) -> None:
    """Bring the store to the code's schema through the migrations
    (cockpit.store.migrate.upgrade): an empty database gets every table, a
    store made before migrations is adopted, a store at head is left alone.
    Raises StoreSchemaError when the store cannot be taken over."""
    from cockpit.store.migrate import upgrade

    upgrade(engine)


def missing_columns(engine: Engine) -> list[str]:
    """Columns the cockpit's tables need that the database's existing tables
    lack ("table.column"), e.g. a store created by an older version or altered
    by hand. Tables that do not exist at all are not listed. ``python -m
    cockpit.store.migrate check`` compares everything (types, indexes too)."""
    inspector = inspect(engine)
    existing = set(inspector.get_table_names())
    missing = []
    for table in metadata.sorted_tables:
        if table.name not in existing:
            continue
        have = {column["name"] for column in inspector.get_columns(table.name)}
        missing.extend(f"{table.name}.{column.name}" for column in table.columns if column.name not in have)
    return missing
