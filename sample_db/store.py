"""Checks and chores around the sample store: is it a sample, is it empty,
reset it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, func, inspect, select
from sqlalchemy.engine import make_url

from cockpit.store.engine import create_store, make_engine
from cockpit.store.schema import metadata, petitions, regions, store_meta, warnings
from sample_db.plans import drop_plan_tables

SAMPLE_GENERATOR = "sample"


class StoreNotEmptyError(RuntimeError):
    """The store already holds data and we were not told to replace it."""


class NotSampleStoreError(RuntimeError):
    """The store was not built by the sample generator, so we will not write to it."""


class NoDemoPlanError(NotSampleStoreError):
    """A sample store without the live demo's tables (built before the demo
    had plans): the demo leaves it alone."""


def is_sample_store(conn: Connection) -> bool:
    """True when store_meta says the sample generator built this store."""
    if not inspect(conn).has_table(store_meta.name):
        return False
    value = conn.execute(select(store_meta.c.value).where(store_meta.c.key == "generator")).scalar()
    return value == SAMPLE_GENERATOR


def store_has_data(engine: Engine) -> bool:
    """True when any of the store's main tables has a row."""
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        for table in (regions, petitions, warnings, store_meta):
            if table.name in present and conn.execute(select(func.count()).select_from(table)).scalar():
                return True
    return False


def reset_store(url: str) -> None:
    """Make the store at ``url`` empty so a new sample can be generated.

    Only a store the sample generator built (store_meta generator=sample), or
    one without data, is touched; anything else raises NotSampleStoreError.
    SQLite: delete the file (and its WAL/SHM files). Other databases: drop
    and recreate the tables (the sample-only demo tables too).
    """
    engine = make_engine(url)
    try:
        if store_has_data(engine):
            with engine.connect() as conn:
                if not is_sample_store(conn):
                    raise NotSampleStoreError(
                        "refusing to replace a store not built by the sample generator "
                        "(store_meta has no generator=sample)"
                    )
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            drop_plan_tables(engine)
            metadata.drop_all(engine)
            create_store(engine)
            return
    finally:
        engine.dispose()
    if parsed.database and parsed.database != ":memory:":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
