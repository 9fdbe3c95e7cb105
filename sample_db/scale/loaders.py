"""Bulk loading for the scale store, one way per database.

Rows arrive as columns (name -> numpy array): times as int64 epoch seconds
(``NULL_TIME`` for empty), strings as object arrays (None for empty), NaN
for an empty number. Each loader encodes a chunk into what its database
ingests fastest and sends it on the engine's raw DBAPI connection:

- PostgreSQL: ``COPY … FROM STDIN`` in text format (psycopg 3's
  ``cursor.copy``), ``synchronous_commit`` off for the session;
- MySQL/MariaDB: multi-row ``INSERT … VALUES (…), (…)`` statements of up to
  about 4 MB, built from escaped literals (PyMySQL's ``executemany`` with
  the same batches took 1.7 times as long, not counting the values it has
  to be given), ``foreign_key_checks`` and ``unique_checks`` off for the
  session;
- SQLite: ``executemany`` in one transaction per chunk, with
  ``synchronous=OFF`` and foreign keys off for the connection while it loads
  (a throwaway store: a crash mid-load may leave a broken file).

Before loading, every loader drops the secondary indexes of the tables it is
about to fill (exactly the metadata's ``Index`` objects) and creates them
again afterwards, which is much faster than keeping them up to date row by
row. PostgreSQL also drops those tables' foreign keys and unique
constraints and adds them again afterwards under the same names and
definitions, which checks every row at once; MariaDB does the same for the
unique constraints (with ``unique_checks`` off it would not check them).
Foreign keys not checked while loading (MariaDB, SQLite) are checked
afterwards with one query each (``check_references``). Then the tables are
analyzed (on PostgreSQL, vacuumed too).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

import numpy as np
from pymysql.converters import escape_string
from sqlalchemy import Boolean, Engine, Float, Integer, Numeric, Table, inspect, select
from sqlalchemy.schema import CreateIndex, DropIndex

from cockpit.store.schema import UTCDateTime
from sample_db.scale.clock import NULL_TIME, replace

Columns = dict[str, np.ndarray]
T = TypeVar("T")
BATCH_ROWS = 50_000  # rows formatted at once (bounds the memory of a big chunk of events)
STATEMENT_BYTES = 4_000_000  # MariaDB: one INSERT statement (max_allowed_packet is 16 MB by default)


class Loader:
    """Writes chunks of rows into tables on one raw connection."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect
        self.raw = engine.raw_connection()
        self.cursor = self.raw.cursor()

    def execute(self, statement: str, *parameters) -> None:
        self.cursor.execute(statement, *parameters)

    def start(self, tables: Iterable[Table]) -> None:
        """Session settings for loading; drop the tables' secondary indexes."""
        for table in tables:
            for index in sorted(table.indexes, key=lambda i: i.name):
                self.execute(str(DropIndex(index).compile(dialect=self.dialect)))
        self.commit()

    def finish(self, tables: Iterable[Table]) -> None:
        """Create the indexes dropped by ``start`` again; restore the session."""
        for table in tables:
            for index in sorted(table.indexes, key=lambda i: i.name):
                self.execute(str(CreateIndex(index).compile(dialect=self.dialect)))
        self.commit()

    def analyze(self, tables: Iterable[Table]) -> None:
        for table in tables:
            self.execute(f"ANALYZE {table.name}")
        self.commit()

    def write(self, table: Table, rows: Columns) -> None:
        self.send(table, self.encode(table, rows))

    def encode(self, table: Table, rows: Columns) -> list:
        """The chunk as the database takes it, in batches of BATCH_ROWS rows;
        pure, so another thread may encode the next chunk while this
        connection sends one."""
        n = len(next(iter(rows.values())))
        batches = []
        for start in range(0, n, BATCH_ROWS):
            batch = {name: values[start : start + BATCH_ROWS] for name, values in rows.items()}
            batches.extend(self._encode(table, batch))
        return batches

    def _encode(self, table: Table, rows: Columns) -> list:
        raise NotImplementedError

    def send(self, table: Table, payloads: list) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        self.raw.commit()

    def close(self) -> None:
        self.cursor.close()
        self.raw.close()


class PostgresLoader(Loader):
    def start(self, tables: Iterable[Table]) -> None:
        tables = list(tables)
        self.execute("SET synchronous_commit = off")
        self.constraints = self._constraints(tables)
        for table, name, _definition in self.constraints:
            self.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        super().start(tables)

    def _constraints(self, tables: list[Table]) -> list[tuple[str, str, str]]:
        """(table, name, definition) of the tables' foreign keys and unique
        constraints, as the database has them; unique ones first (a foreign
        key of a later table may need them)."""
        self.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE contype IN ('f', 'u') AND conrelid = ANY(%s::regclass[]) ORDER BY contype DESC, conname",
            ([t.name for t in tables],),
        )
        return [(table, name, definition) for table, name, definition, _kind in self.cursor.fetchall()]

    def finish(self, tables: Iterable[Table]) -> None:
        self.execute("SET maintenance_work_mem = '1GB'")
        for table, name, definition in self.constraints:
            self.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        super().finish(tables)
        self.execute("RESET maintenance_work_mem")
        self.execute("RESET synchronous_commit")

    def analyze(self, tables: Iterable[Table]) -> None:
        """VACUUM (ANALYZE): statistics, and the visibility map and hint bits
        set now rather than by autovacuum and the first readers (a benchmark)."""
        self.commit()
        connection = self.raw.driver_connection
        connection.autocommit = True
        try:
            for table in tables:
                self.execute(f"VACUUM (ANALYZE) {table.name}")
        finally:
            connection.autocommit = False

    def _encode(self, table: Table, rows: Columns) -> list:
        cells = [_pg_cells(table.c[name], values) for name, values in rows.items()]
        data = "\n".join(map("\t".join, zip(*cells, strict=True))) + "\n"
        return [(tuple(rows), data.encode())]

    def send(self, table: Table, payloads: list) -> None:
        for names, data in payloads:
            with self.cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                copy.write(data)


class MariaDBLoader(Loader):
    def start(self, tables: Iterable[Table]) -> None:
        tables = list(tables)
        # Dropping an index a foreign key uses needs the checks off.
        self.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0")
        found = inspect(self.engine)
        self.uniques = [
            (table.name, u["name"], u["column_names"])
            for table in tables
            for u in found.get_unique_constraints(table.name)
        ]
        for table, name, _columns in self.uniques:
            self.execute(f"ALTER TABLE {table} DROP INDEX {name}")
        super().start(tables)

    def finish(self, tables: Iterable[Table]) -> None:
        for table, name, columns in self.uniques:
            self.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE ({', '.join(columns)})")
        super().finish(tables)
        self.execute("SET SESSION foreign_key_checks = 1, unique_checks = 1")

    def analyze(self, tables: Iterable[Table]) -> None:
        for table in tables:
            self.execute(f"ANALYZE TABLE {table.name}")
            self.cursor.fetchall()
        self.commit()

    def _encode(self, table: Table, rows: Columns) -> list:
        cells = [_mysql_literals(table.c[name], values) for name, values in rows.items()]
        tuples = ["(" + ",".join(row) + ")" for row in zip(*cells, strict=True)]
        head = f"INSERT INTO {table.name} ({', '.join(rows)}) VALUES "
        per_row = max(1, sum(len(t) for t in tuples[:200]) * 3 // min(200, len(tuples)))
        step = max(1, STATEMENT_BYTES // per_row)
        return [head + ",".join(tuples[start : start + step]) for start in range(0, len(tuples), step)]

    def send(self, table: Table, payloads: list) -> None:
        for statement in payloads:
            self.execute(statement)


class SQLiteLoader(Loader):
    def start(self, tables: Iterable[Table]) -> None:
        self.commit()
        self.execute("PRAGMA foreign_keys = OFF")
        self.execute("PRAGMA synchronous = OFF")
        self.execute("PRAGMA cache_size = -262144")  # 256 MB
        super().start(tables)

    def finish(self, tables: Iterable[Table]) -> None:
        super().finish(tables)
        self.execute("PRAGMA synchronous = FULL")
        self.execute("PRAGMA foreign_keys = ON")

    def analyze(self, tables: Iterable[Table]) -> None:
        self.execute("ANALYZE")
        self.commit()

    def _encode(self, table: Table, rows: Columns) -> list:
        cells = [_sqlite_values(table.c[name], values) for name, values in rows.items()]
        marks = ", ".join("?" for _ in rows)
        statement = f"INSERT INTO {table.name} ({', '.join(rows)}) VALUES ({marks})"
        return [(statement, cells)]

    def send(self, table: Table, payloads: list) -> None:
        for statement, cells in payloads:
            self.cursor.executemany(statement, zip(*cells, strict=True))


def loader_for(engine: Engine) -> Loader:
    name = engine.dialect.name
    if name == "postgresql":
        return PostgresLoader(engine)
    if name in ("mysql", "mariadb"):
        return MariaDBLoader(engine)
    if name == "sqlite":
        return SQLiteLoader(engine)
    raise ValueError(f"no bulk loader for {name}")


def check_references(conn, tables: Iterable[Table]) -> list[str]:
    """Foreign keys of ``tables`` that point nowhere ("table.column": count),
    checked with one anti-join each (the loaders skip the row-by-row checks
    on MariaDB and SQLite)."""
    problems = []
    for table in tables:
        for fk in table.foreign_keys:
            parent = fk.column.table
            missing = conn.execute(
                select(fk.parent).where(fk.parent.is_not(None), fk.parent.not_in(select(fk.column))).limit(5)
            ).all()
            if missing:
                problems.append(f"{table.name}.{fk.parent.name} -> {parent.name}: e.g. {missing}")
    return problems


def _nulls(values: np.ndarray) -> np.ndarray | None:
    if values.dtype == object:
        return np.equal(values, None)
    if values.dtype.kind == "f":
        return np.isnan(values)
    return None


def _time_text(values: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(values.astype("datetime64[s]"), unit="s")


def _number_text(column, values: np.ndarray) -> list[str]:
    type_ = column.type
    if isinstance(type_, Float):
        return values.astype(str).tolist()
    if isinstance(type_, Numeric):
        return [f"{v:.2f}" for v in values.tolist()]
    if values.dtype.kind == "f":
        values = np.nan_to_num(values).astype(np.int64)
    return list(map(str, values.tolist()))


def _pg_cells(column, values: np.ndarray) -> list[str]:
    type_ = column.type
    if isinstance(type_, UTCDateTime):
        text = np.strings.add(_time_text(values), "+00")
        return np.where(values == NULL_TIME, "\\N", text).tolist()
    if isinstance(type_, Boolean):
        return np.where(values, "t", "f").tolist()
    nulls = _nulls(values)
    if isinstance(type_, Integer | Numeric | Float):
        text = _number_text(column, values)
    else:
        text = values.tolist()
        present = [t for t in text if t is not None]
        if any(c in "\x1f".join(present) for c in "\\\t\n\r"):
            text = [None if t is None else _pg_escape(t) for t in text]
    if nulls is not None and nulls.any():
        text = ["\\N" if null else t for t, null in zip(text, nulls.tolist(), strict=True)]
    return text


def _pg_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _mysql_literals(column, values: np.ndarray) -> list[str]:
    type_ = column.type
    if isinstance(type_, UTCDateTime):
        text = np.strings.add(np.strings.add("'", _time_text(values)), "'")
        return np.where(values == NULL_TIME, "NULL", text).tolist()
    if isinstance(type_, Boolean):
        return np.where(values, "1", "0").tolist()
    nulls = _nulls(values)
    if isinstance(type_, Integer | Numeric | Float):
        text = _number_text(column, values)
    else:
        text = values.tolist()
        present = [t for t in text if t is not None]
        joined = "\x1f".join(present)
        if "\\" in joined or "'" in joined or "\x00" in joined:
            text = [None if t is None else "'" + escape_string(t) + "'" for t in text]
        else:
            text = [None if t is None else "'" + t + "'" for t in text]
    if nulls is not None and nulls.any():
        text = ["NULL" if null else t for t, null in zip(text, nulls.tolist(), strict=True)]
    return text


def _sqlite_values(column, values: np.ndarray) -> list:
    """Python values as SQLAlchemy would bind them on SQLite (times as
    ``YYYY-MM-DD HH:MM:SS.ffffff`` UTC text, booleans as 0/1)."""
    type_ = column.type
    if isinstance(type_, UTCDateTime):
        text = np.strings.add(replace(_time_text(values), "T", " "), ".000000").astype(object)
        return np.where(values == NULL_TIME, None, text).tolist()
    if isinstance(type_, Boolean):
        return values.astype(int).tolist()
    nulls = _nulls(values)
    if values.dtype.kind == "f":
        if isinstance(type_, Integer):
            out = np.nan_to_num(values).astype(np.int64).tolist()
        elif isinstance(type_, Float):
            out = values.tolist()
        else:
            out = np.round(values, 2).tolist()
        return [None if null else v for v, null in zip(out, nulls.tolist(), strict=True)]
    return values.tolist()


_END = object()


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def ahead(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """``items``, produced by a background thread up to ``depth`` items
    ahead of the consumer: the next chunk is drawn and encoded while the
    database takes this one (numpy, the drivers' socket waits and SQLite
    release the GIL). An error in the producer is raised in the consumer."""
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_END)
        except BaseException as error:  # handed to the consumer, which raises it
            put(_Failed(error))

    thread = threading.Thread(target=produce, name="scale-producer", daemon=True)
    thread.start()
    try:
        while True:
            item = slots.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()
