"""Migrations (cockpit.store.migrate): every store, new or older, reaches the
code's schema through Alembic, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event, insert, inspect, select, text

from cockpit.store import create_store, metadata, store_meta
from cockpit.store.migrate import (
    BASELINE,
    StoreSchemaError,
    alembic_config,
    baseline_metadata,
    check,
    context_options,
    current_revision,
    head_revision,
    main,
    upgrade,
)
from cockpit.store.schema import leases
from cockpit.store.schema import warnings as warnings_table
from cockpit.store.snapshots import SNAPSHOT_TABLES

ROOT = Path(__file__).resolve().parent.parent


def _emptied(engine: Engine) -> Engine:
    """The database with none of the cockpit's tables and no recorded revision."""
    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    return engine


def _made_before_migrations(engine: Engine) -> Engine:
    """A store as create_store made it before Alembic: the tables of the
    baseline (no later table existed then), no revision."""
    baseline_metadata().create_all(_emptied(engine))
    return engine


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _schema(engine: Engine) -> dict:
    inspector = inspect(engine)
    return {
        name: (
            [column["name"] for column in inspector.get_columns(name)],
            sorted(index["name"] for index in inspector.get_indexes(name)),
        )
        for name in sorted(inspector.get_table_names())
    }


def _drop_column(engine: Engine, table: str, column: str) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))


def test_upgrading_an_empty_database_gives_the_schema_of_the_code(engine):
    upgrade(_emptied(engine))
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts=context_options(conn))
        assert compare_metadata(context, metadata) == []
    assert check(engine) == []


def test_upgrading_twice_changes_nothing(engine):
    create_store(_emptied(engine))
    with engine.begin() as conn:
        conn.execute(insert(store_meta).values(key="kept", value="yes"))
    before = _schema(engine)
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        upgrade(engine)
        create_store(engine)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert _schema(engine) == before
    assert current_revision(engine) == head_revision()
    writes = ("CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE")
    assert [s for s in statements if s.lstrip().upper().startswith(writes)] == []
    assert statements  # the listener saw the reads
    with engine.connect() as conn:
        assert conn.execute(select(store_meta.c.value).where(store_meta.c.key == "kept")).scalar() == "yes"


def test_a_store_made_before_migrations_is_stamped_not_rebuilt(engine):
    _made_before_migrations(engine)
    with engine.begin() as conn:
        conn.execute(insert(store_meta).values(key="kept", value="yes"))
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert check(engine) == []
    with engine.connect() as conn:
        assert conn.execute(select(store_meta.c.value)).scalars().all() == ["yes"]


def test_a_store_made_before_migrations_is_stamped_at_the_baseline_then_upgraded(engine):
    _made_before_migrations(engine)
    snapshots = {table.name for table in SNAPSHOT_TABLES}
    assert snapshots.isdisjoint(inspect(engine).get_table_names())
    upgrade(engine)
    assert snapshots <= set(inspect(engine).get_table_names())
    assert current_revision(engine) == head_revision() != BASELINE
    assert check(engine) == []


def test_a_store_at_the_baseline_is_upgraded_to_head_keeping_its_rows(engine):
    upgrade(_emptied(engine), to=BASELINE)
    assert current_revision(engine) == BASELINE
    assert "snap_state" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(insert(store_meta).values(key="kept", value="yes"))
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert check(engine) == []
    with engine.connect() as conn:
        assert conn.execute(select(store_meta.c.value)).scalars().all() == ["yes"]


def test_downgrading_to_the_baseline_drops_the_snapshot_tables_only(engine):
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), BASELINE)
    tables = set(inspect(engine).get_table_names())
    assert tables & {table.name for table in SNAPSHOT_TABLES} == set()
    assert set(baseline_metadata().tables) <= tables
    assert current_revision(engine) == BASELINE
    upgrade(engine)
    assert check(engine) == []


def test_a_store_made_before_migrations_gets_the_tables_and_indexes_it_lacks(engine):
    # Before migrations, create_all added new tables at every start but never
    # an index to an existing table; a store from before the leases table.
    _made_before_migrations(engine)
    leases.drop(engine)
    next(ix for ix in warnings_table.indexes if ix.name == "ix_warnings_rule_subject").drop(engine)
    upgrade(engine)
    assert check(engine) == []


def test_a_store_made_before_migrations_that_lacks_a_column_is_refused_by_name(engine):
    _made_before_migrations(engine)
    _drop_column(engine, "warnings", "evidence")
    with pytest.raises(StoreSchemaError, match=r"lacks columns .*: warnings\.evidence\."):
        upgrade(engine)
    assert current_revision(engine) is None
    assert "leases" in inspect(engine).get_table_names()


def test_check_fails_on_a_store_missing_a_column(engine, capsys):
    _drop_column(engine, "warnings", "evidence")
    assert check(engine) == ["the store lacks column warnings.evidence"]
    assert main(["check", "--url", _url(engine)]) == 1
    assert "warnings.evidence" in capsys.readouterr().err


ACCESS_TABLES = ("users", "user_regions", "kiosk_tokens", "audit_log", "rule_thresholds", "login_throttle")


def test_check_fails_on_a_store_behind_head(engine, capsys):
    _made_before_migrations(engine)
    problems = check(engine)
    assert problems[0] == (
        f"the store is at revision none, the code at {head_revision()}: "
        "run python -m cockpit.store.migrate upgrade"
    )
    # and what the revisions after the baseline add: the snapshot tables, the
    # access tables and the reporter's columns
    lacking = {f"the store lacks table {table.name}" for table in SNAPSHOT_TABLES}
    lacking |= {f"the store lacks table {name}" for name in ACCESS_TABLES}
    lacking |= {
        "the store lacks column petitions.reporter_name",
        "the store lacks column petitions.reporter_phone",
    }
    assert lacking <= set(problems[1:])
    assert all(
        " snap_" in p or any(f" {t}" in p for t in ACCESS_TABLES) for p in problems[1:] if p not in lacking
    )
    assert main(["check", "--url", _url(engine)]) == 1
    upgrade(engine)
    capsys.readouterr()
    assert main(["check", "--url", _url(engine)]) == 0
    assert capsys.readouterr().out == f"store at head {head_revision()}, its tables match the code\n"


def test_the_cli_prints_the_head_revision_after_upgrade(engine, capsys):
    _emptied(engine)
    assert main(["current", "--url", _url(engine)]) == 0
    assert capsys.readouterr().out == f"none (head is {head_revision()})\n"
    assert main(["upgrade", "--url", _url(engine)]) == 0
    assert capsys.readouterr().out == f"store upgraded: none -> {head_revision()}\n"
    assert main(["current", "--url", _url(engine)]) == 0
    assert capsys.readouterr().out == f"{head_revision()} (head)\n"


def test_the_command_reads_the_store_from_the_settings(sqlite_engine):
    env = {**os.environ, "COCKPIT_DATABASE_URL": _url(sqlite_engine)}
    result = subprocess.run(
        [sys.executable, "-m", "cockpit.store.migrate", "current"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == f"{head_revision()} (head)\n"


def test_downgrading_to_the_start_leaves_none_of_the_tables(engine):
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert set(inspect(engine).get_table_names()) & set(metadata.tables) == set()
    assert current_revision(engine) is None


def test_a_store_from_a_newer_version_is_refused(engine):
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreSchemaError, match=r"revision 9999, which this version .* does not know"):
        upgrade(engine)


def test_upgrading_a_store_with_a_0002_snapshot_has_the_next_refresh_rebuild_it(engine):
    from cockpit.snapshot.build import update_snapshot
    from tests import fixture_city as fc

    upgrade(_emptied(engine), to="0002")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO snap_state (name, version, as_of, regions_key, built_at, updated_at) "
                "VALUES ('main', 7, :at, 'k', :at, :at)"
            ),
            {"at": fc.NOW},
        )
        conn.execute(
            text(
                "INSERT INTO snap_warnings (warning_id, village_code, category, raised_day, raised_month) "
                "VALUES (1, :v, '村级用工', '2026-11-01', '2026-11-01')"
            ),
            {"v": fc.V1},
        )
    upgrade(engine)
    assert check(engine) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM snap_state")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM snap_warnings")).scalar() == 0
    with engine.begin() as conn:
        fc.load(conn)  # today's columns: loaded once the store is at head
    run = update_snapshot(engine, fc.NOW)
    assert (run.kind, run.version, run.warnings) == ("full", 1, 7)
