"""Migrations of the store with Alembic: create, upgrade and check a store.

    python -m cockpit.store.migrate upgrade [--url URL]   bring the store to the newest revision
    python -m cockpit.store.migrate current [--url URL]   print the store's revision
    python -m cockpit.store.migrate check [--url URL]     exit 1 unless at head and matching the code
    python -m cockpit.store.migrate revision -m MESSAGE [--url URL]   write a revision (autogenerate)

The URL defaults to COCKPIT_DATABASE_URL. The revisions live in
``cockpit/store/migrations/versions``; Alembic is configured here, in code (no
alembic.ini). ``create_store`` runs ``upgrade``, so the app, the scheduler, the
sample generator and the tests all go through the migrations. docs/store.md
("Migrations") says how to add a revision.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, MetaData, inspect

from cockpit.store import access, records, snapshots  # noqa: F401 - register their tables on metadata
from cockpit.store.schema import metadata

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"  # the first revision: the store as it was when migrations began


class StoreSchemaError(RuntimeError):
    """The store's tables are not something the migrations can take over."""


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built in code; ``connection`` is what env.py migrates."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


def target_metadata() -> MetaData:
    """The schema the code expects: every table of the cockpit."""
    return metadata


def context_options(connection: Connection) -> dict:
    """How Alembic migrates and compares the store (env.py and ``check`` share them).

    SQLite cannot alter most of a table in place, so its changes run in batch
    mode (copy the table, swap it in). Only the cockpit's own tables are
    compared: a store may share its database with other tables (the sample's
    demo tables, a city's own).
    """
    return {
        "render_as_batch": connection.dialect.name == "sqlite",
        "compare_type": True,
        "include_name": _only_the_cockpits_tables,
        "user_module_prefix": "schema.",  # UTCDateTime; revisions import cockpit.store.schema
    }


def _only_the_cockpits_tables(name: str | None, type_: str, _parent_names: dict) -> bool:
    return type_ != "table" or name in metadata.tables


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision the code knows."""
    head = _scripts().get_current_head()
    assert head is not None, f"no revisions in {MIGRATIONS / 'versions'}"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the store is at; None for a store not under migrations (new or older)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def baseline_metadata() -> MetaData:
    """The tables of the baseline revision, as that revision defines them."""
    return _scripts().get_revision(BASELINE).module.baseline_metadata()


def upgrade(engine: Engine, to: str = "head") -> None:
    """Bring the store to the head revision (or to revision ``to``, for tests
    of a revision that moves data).

    1. Read the store's revision and which of the cockpit's tables it has.
    2. None of them (a new database, or one whose tables were all dropped):
       forget any revision it recorded; every revision runs from the start.
    3. Tables but no revision (a store made before migrations, by
       ``metadata.create_all``): adopt it at the baseline revision
       (``_adopt``), or raise StoreSchemaError naming the columns it lacks.
    4. Run the revisions from the store's on; nothing when it is there already.
    """
    target = head_revision() if to == "head" else to
    with engine.begin() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
        tables = set(inspect(conn).get_table_names()) & set(metadata.tables)
        config = alembic_config(conn)
        if not tables:
            if revision is not None:
                command.stamp(config, "base", purge=True)
        elif revision is None:
            _adopt(conn, config)
        else:
            _known(revision)
            if revision == target:
                return
        command.upgrade(config, target)


def _known(revision: str) -> None:
    try:
        _scripts().get_revision(revision)
    except CommandError:
        raise StoreSchemaError(
            f"the store is at revision {revision}, which this version of the cockpit does not know "
            "(a newer version migrated it); run that version or a newer one"
        ) from None


def _adopt(conn: Connection, config: Config) -> None:
    """Take over a store made before migrations: it must have every column of
    the baseline revision's tables. Baseline tables and indexes it lacks are
    created (``create_all`` used to add them at every start, never indexes on
    existing tables); then the store is stamped at the baseline."""
    baseline = baseline_metadata()
    inspector = inspect(conn)
    existing = set(inspector.get_table_names())
    lacking = []
    for table in baseline.sorted_tables:
        if table.name in existing:
            have = {column["name"] for column in inspector.get_columns(table.name)}
            lacking.extend(f"{table.name}.{c.name}" for c in table.columns if c.name not in have)
    if lacking:
        raise StoreSchemaError(
            "the store was made before migrations by an older version and lacks columns of the "
            f"baseline revision {BASELINE}: {', '.join(lacking)}. Add them (docs/store.md gives each "
            "column's type), then run: python -m cockpit.store.migrate upgrade"
        )
    new = [table for table in baseline.sorted_tables if table.name not in existing]
    baseline.create_all(conn, tables=new, checkfirst=False)
    for table in baseline.sorted_tables:
        if table.name in existing:
            indexed = {index["name"] for index in inspector.get_indexes(table.name)}
            for index in sorted(table.indexes, key=lambda ix: ix.name):
                if index.name not in indexed:
                    index.create(conn)
    command.stamp(config, BASELINE)


def check(engine: Engine) -> list[str]:
    """What stands between the store and the code, one line each: [] when the
    store is at head and its tables, columns, types, indexes and constraints
    are what the metadata says."""
    problems = []
    head = head_revision()
    with engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
        if revision != head:
            problems.append(
                f"the store is at revision {revision or 'none'}, the code at {head}: "
                "run python -m cockpit.store.migrate upgrade"
            )
        context = MigrationContext.configure(conn, opts=context_options(conn))
        problems.extend(describe(diff) for diff in compare_metadata(context, target_metadata()))
    return problems


def describe(diff: tuple | list) -> str:
    """One of Alembic's differences (store against code) in words."""
    if isinstance(diff, list):  # modify_* differences of one column come grouped
        return "; ".join(describe(item) for item in diff)
    kind = diff[0]
    if kind in ("add_table", "remove_table"):
        where = "the store lacks" if kind == "add_table" else "the code has no"
        return f"{where} table {diff[1].name}"
    if kind in ("add_column", "remove_column"):
        where = "the store lacks" if kind == "add_column" else "the code has no"
        return f"{where} column {diff[2]}.{diff[3].name}"
    if kind in ("add_index", "remove_index", "add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        item = diff[1]
        what = {"index": "index", "constraint": "constraint", "fk": "foreign key"}[kind.split("_", 1)[1]]
        where = "the store lacks" if kind.startswith("add") else "the code has no"
        columns = ", ".join(column.name for column in item.columns)
        return f"{where} {what} {item.name or ''} on {item.table.name} ({columns})".replace("  ", " ")
    if kind.startswith("modify_"):
        _, _schema, table, column, _existing, store, code = diff
        return f"column {table}.{column}: {kind[7:]} is {store!r} in the store, {code!r} in the code"
    return repr(diff)


def new_revision(message: str, url: str | None = None) -> Path:
    """Write a revision for what the metadata has that the migrated schema
    lacks (Alembic's autogenerate), formatted with ruff; review it before
    committing. Compared against ``url`` (which must be at head) or, by
    default, a scratch SQLite store upgraded to head."""
    from cockpit.store.engine import make_engine

    head = head_revision()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(url or f"sqlite:///{folder}/scratch.sqlite3")
        try:
            if url is None:
                upgrade(engine)
            with engine.begin() as conn:
                script = command.revision(
                    alembic_config(conn),
                    message=message,
                    autogenerate=True,
                    rev_id=f"{int(head) + 1:04d}" if head.isdigit() else None,
                )
        finally:
            engine.dispose()
    _scripts.cache_clear()
    path = Path(script.path)
    for args in (["check", "--fix", "--quiet"], ["format", "--quiet"]):
        subprocess.run([sys.executable, "-m", "ruff", *args, str(path)], check=False)
    return path


def main(argv: list[str] | None = None) -> int:
    from cockpit.settings import Settings
    from cockpit.store.engine import make_engine

    parser = argparse.ArgumentParser(
        prog="python -m cockpit.store.migrate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("command", choices=("upgrade", "current", "check", "revision"))
    parser.add_argument("--url", help="SQLAlchemy URL of the store (default: COCKPIT_DATABASE_URL)")
    parser.add_argument("-m", "--message", help="revision: what the change does")
    args = parser.parse_args(argv)

    if args.command == "revision":
        if not args.message:
            parser.error("revision needs -m MESSAGE")
        print(new_revision(args.message, args.url))
        return 0
    engine = make_engine(args.url or Settings.from_env().database_url)
    try:
        if args.command == "upgrade":
            before = current_revision(engine) or "none"
            upgrade(engine)
            after = current_revision(engine)
            print(f"store at {after} (head)" if before == after else f"store upgraded: {before} -> {after}")
        elif args.command == "current":
            revision, head = current_revision(engine), head_revision()
            print(revision or "none", "(head)" if revision == head else f"(head is {head})")
        else:
            problems = check(engine)
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                return 1
            print(f"store at head {head_revision()}, its tables match the code")
    except StoreSchemaError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
