"""Maintaining the snapshot: a full build, or an incremental update in time
proportional to what changed. Called by the refresh job under its lease.

Each run is one transaction: the contributions, the aggregates, the open
lists and ``snap_state`` change together or not at all, so a refresh killed
midway leaves the previous snapshot whole, and a reader sees either the
old snapshot or the new one (PostgreSQL and MariaDB read at REPEATABLE READ
for the same reason; see queries.snapshot).

Incremental: the petitions and warnings whose ``updated_at`` moved since the
last run (minus LOOKBACK, for writers whose transactions commit late) are
read; for each, its old contribution row is subtracted and its new one added
at every region above its village, at day and at month grain. Re-reading an
unchanged row adds nothing, so the look-back is harmless.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    union_all,
    update,
)

from cockpit.lifecycle import PETITION, WARNING
from cockpit.snapshot import contrib
from cockpit.store.engine import consistent
from cockpit.store.schema import metadata, petitions, region_tree, regions, warnings
from cockpit.store.snapshots import (
    AGGREGATE_TABLES,
    BUCKET_COLUMNS,
    CONTRIBUTION_TABLES,
    DAY,
    MONTH,
    OPEN_TABLES,
    PETITION_MEASURES,
    RECORD_TABLES,
    RULE_MEASURES,
    WARNING_MEASURES,
    snap_open_petitions,
    snap_open_warning_days,
    snap_open_warnings,
    snap_petition_hist,
    snap_petition_stats,
    snap_petitions,
    snap_record_counts,
    snap_rule_stats,
    snap_state,
    snap_warning_stats,
    snap_warnings,
)

log = logging.getLogger(__name__)

NAME = "main"
LOOKBACK = timedelta(minutes=5)
CHUNK = 100_000  # raw rows read at once by a full build
IN_BATCH = 1_000  # ids per IN (...) list
SET_UPSERT_ROWS = 500  # from this many rows, PostgreSQL upserts through a staging table
_COLOURS = ("red", "yellow", "green")  # snap_rule_stats' counts by status now (RULE_MEASURES' order)


@dataclass(frozen=True)
class SnapshotRun:
    """What one run did."""

    kind: str  # "full" or "incremental"
    version: int
    petitions: int  # raw petitions read
    warnings: int  # raw warnings read
    rows_written: int  # aggregate rows inserted or updated
    duration_ms: int


def update_snapshot(engine: Engine, now: datetime, full: bool = False) -> SnapshotRun:
    """Bring the snapshot up to date as of ``now``: a full build when there
    is none yet, when the region hierarchy changed or when ``full``; else
    an incremental update. One transaction."""
    started = time.perf_counter()
    with engine.connect() as raw_conn:
        conn = consistent(raw_conn)
        with conn.begin():
            state = conn.execute(select(snap_state).where(snap_state.c.name == NAME)).mappings().first()
            key = regions_key(conn)
            if full or state is None or state["regions_key"] != key:
                counts = _full_build(conn)
                kind = "full"
            else:
                counts = _incremental(conn, state)
                kind = "incremental"
            version = _write_state(conn, state, now, key, kind, counts)
    if kind == "full" and engine.dialect.name == "postgresql":
        _vacuum(engine)
    duration = round((time.perf_counter() - started) * 1000)
    run = SnapshotRun(kind, version, counts.petitions, counts.warnings, counts.rows, duration)
    log.log(logging.INFO if kind == "full" else logging.DEBUG, "snapshot %s", run)
    return run


def _vacuum(engine: Engine) -> None:
    """Set PostgreSQL's visibility map on the open lists and the petition
    contributions after a full build, so their counts and exact percentiles
    are read from the indexes alone (autovacuum keeps it up
    afterwards). VACUUM cannot run inside a transaction."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in (snap_petitions, *OPEN_TABLES):
            conn.execute(text(f"VACUUM (ANALYZE) {table.name}"))


def regions_key(conn: Connection) -> str:
    """A fingerprint of the region hierarchy: a new region, a removed one or
    a changed depth forces a full build (see docs/store.md, "Snapshots")."""
    parts = [
        *conn.execute(select(func.count(), func.min(regions.c.code), func.max(regions.c.code))).one(),
        *conn.execute(select(func.count(), func.sum(region_tree.c.distance))).one(),
    ]
    return hashlib.sha1(repr([str(p) for p in parts]).encode()).hexdigest()[:16]


@dataclass
class _Counts:
    petitions: int = 0
    warnings: int = 0
    rows: int = 0
    petitions_mark: datetime | None = None
    warnings_mark: datetime | None = None
    records_mark: datetime | None = None


def _write_state(conn, state, now: datetime, key: str, kind: str, counts: _Counts) -> int:
    values = {
        "as_of": now,
        "petitions_mark": counts.petitions_mark or (state and state["petitions_mark"]),
        "warnings_mark": counts.warnings_mark or (state and state["warnings_mark"]),
        "records_mark": counts.records_mark or (state and state["records_mark"]),
        "regions_key": key,
        "updated_at": now,
    }
    if kind == "full" or state is None:
        values["built_at"] = now
    if state is None:
        conn.execute(insert(snap_state).values(name=NAME, version=1, **values))
        return 1
    version = state["version"] + 1
    conn.execute(update(snap_state).where(snap_state.c.name == NAME).values(version=version, **values))
    return version


# -- the full build -----------------------------------------------------------------------------

_PETITION_COLUMNS = [petitions.c[name] for name in contrib.PETITION_INPUT]
_WARNING_COLUMNS = [warnings.c[name] for name in contrib.WARNING_INPUT]


def _full_build(conn: Connection) -> _Counts:
    if conn.dialect.name == "postgresql":
        # The GROUP BYs below sort tens of millions of rows at national scale.
        conn.execute(text("SET LOCAL work_mem = '256MB'"))
    for table in (*AGGREGATE_TABLES, *OPEN_TABLES, *CONTRIBUTION_TABLES, snap_record_counts):
        conn.execute(delete(table))
    counts = _Counts()
    for chunk in _chunks(conn, petitions, _PETITION_COLUMNS):
        counts.petitions += len(chunk)
        counts.petitions_mark = _later(counts.petitions_mark, chunk["updated_at"].max())
        _bulk_insert(conn, snap_petitions, contrib.petition_contributions(chunk))
    for chunk in _chunks(conn, warnings, _WARNING_COLUMNS):
        counts.warnings += len(chunk)
        counts.warnings_mark = _later(counts.warnings_mark, chunk["updated_at"].max())
        _bulk_insert(conn, snap_warnings, contrib.warning_contributions(chunk))
    tree = region_tree
    sp = snap_petitions
    for grain, period in ((DAY, sp.c.day), (MONTH, sp.c.month)):
        buckets = [func.sum(case((sp.c.bucket == i, 1), else_=0)) for i in range(len(BUCKET_COLUMNS))]
        counts.rows += _insert_grouped(
            conn,
            snap_petition_stats,
            [tree.c.ancestor_code, literal(grain), period, sp.c.category],
            [
                func.count(),
                func.sum(sp.c.closed),
                func.sum(sp.c.closed_within),
                func.coalesce(func.sum(sp.c.millis), 0),
                *buckets,
            ],
            sp,
            sp.c.village_code,
        )
        counts.rows += _insert_grouped(
            conn,
            snap_petition_hist,
            [tree.c.ancestor_code, literal(grain), period, sp.c.bin],
            [func.count(), func.sum(sp.c.millis)],
            sp,
            sp.c.village_code,
            sp.c.bin.is_not(None),
        )
    sw = snap_warnings
    for grain, raised_period, green_period in (
        (DAY, sw.c.raised_day, sw.c.green_day),
        (MONTH, sw.c.raised_month, sw.c.green_month),
    ):
        # A warning counts as raised in one period and, once green, as disposed in another.
        events = union_all(
            select(
                sw.c.village_code,
                sw.c.category,
                raised_period.label("period"),
                literal(1).label("raised"),
                literal(0).label("green"),
            ),
            select(sw.c.village_code, sw.c.category, green_period, literal(0), literal(1)).where(
                green_period.is_not(None)
            ),
        ).subquery()
        counts.rows += _insert_grouped(
            conn,
            snap_warning_stats,
            [tree.c.ancestor_code, literal(grain), events.c.period, events.c.category],
            [func.sum(events.c.raised), func.sum(events.c.green)],
            events,
            events.c.village_code,
        )
    counts.rows += _insert_grouped(
        conn,
        snap_open_warning_days,
        [tree.c.ancestor_code, sw.c.open_status, sw.c.category, sw.c.due_day],
        [func.count()],
        sw,
        sw.c.village_code,
        sw.c.open_status.is_not(None),
    )
    _insert_grouped(
        conn,
        snap_rule_stats,
        [tree.c.ancestor_code, sw.c.rule_code, sw.c.category, sw.c.owner_kind, sw.c.subject_type],
        [
            func.count(),
            *(func.sum(case((sw.c.status == contrib.STATUS_OF_COLOUR[c], 1), else_=0)) for c in _COLOURS),
            func.sum(sw.c.false_alarm),
        ],
        sw,
        sw.c.village_code,
    )
    counts.rows += _insert_open_petitions(conn, None)
    counts.rows += _insert_open_warnings(conn, None)
    counts.records_mark = _count_all_records(conn)
    if conn.dialect.name == "postgresql":
        for table in (*CONTRIBUTION_TABLES, *AGGREGATE_TABLES, *OPEN_TABLES, snap_record_counts):
            conn.execute(text(f"ANALYZE {table.name}"))
    # Not every driver reports how many rows an INSERT ... SELECT wrote.
    counts.rows = sum(
        conn.execute(select(func.count()).select_from(table)).scalar()
        for table in (*AGGREGATE_TABLES, *OPEN_TABLES, snap_record_counts)
    )
    return counts


def _count_all_records(conn: Connection) -> datetime | None:
    """snap_record_counts in full: each record table's rows per region above
    their village. Returns the newest updated_at among them."""
    mark = None
    for name in RECORD_TABLES:
        table = metadata.tables[name]
        _insert_grouped(
            conn,
            snap_record_counts,
            [literal(name), region_tree.c.ancestor_code],
            [func.count()],
            table,
            table.c.village_code,
        )
        mark = _later(mark, conn.execute(select(func.max(table.c.updated_at))).scalar())
    return mark


def _chunks(conn: Connection, table: Table, columns) -> Iterable[pd.DataFrame]:
    """The raw table in id order, CHUNK rows at a time, with updated_at."""
    last = 0
    names = [c.name for c in columns] + ["updated_at"]
    while True:
        rows = conn.execute(
            select(*columns, table.c.updated_at).where(table.c.id > last).order_by(table.c.id).limit(CHUNK)
        ).all()
        if not rows:
            return
        yield pd.DataFrame(rows, columns=names)
        last = rows[-1][0]


def _grouped(keys, measures, contributions: Table, village, *where):
    return (
        select(*keys, *measures)
        .select_from(contributions.join(region_tree, region_tree.c.descendant_code == village))
        .where(*where)
        .group_by(*[k for k in keys if not _is_literal(k)])
        # Written in key order, a region's rows sit together on disk and a
        # window reads a few pages rather than one page per row.
        .order_by(*[k for k in keys if not _is_literal(k)])
    )


def _is_literal(element) -> bool:
    return getattr(element, "__visit_name__", "") == "bindparam"


def _insert_grouped(conn, target: Table, keys, measures, contributions: Table, village, *where) -> int:
    query = _grouped(keys, measures, contributions, village, *where)
    return max(conn.execute(insert(target).from_select(list(target.c.keys()), query)).rowcount or 0, 0)


def _later(a: datetime | None, b) -> datetime | None:
    if b is None or pd.isna(b):
        return a
    b = pd.Timestamp(b).to_pydatetime()
    return b if a is None or b > a else a


# -- the incremental update ---------------------------------------------------------------------


def _incremental(conn: Connection, state) -> _Counts:
    counts = _Counts()
    counts.petitions, counts.petitions_mark, rows = _update_changed(
        conn, petitions, _PETITION_COLUMNS, state["petitions_mark"], snap_petitions,
        contrib.petition_contributions, _apply_petitions, snap_open_petitions, _insert_open_petitions,
    )  # fmt: skip
    counts.rows += rows
    counts.warnings, counts.warnings_mark, rows = _update_changed(
        conn, warnings, _WARNING_COLUMNS, state["warnings_mark"], snap_warnings,
        contrib.warning_contributions, _apply_warnings, snap_open_warnings, _insert_open_warnings,
    )  # fmt: skip
    counts.rows += rows
    counts.records_mark, rows = _recount_records(conn, state["records_mark"])
    counts.rows += rows
    return counts


def _recount_records(conn: Connection, mark: datetime | None) -> tuple[datetime | None, int]:
    """Count again, in every record table, the villages where a record was
    written since ``mark`` (less LOOKBACK), and add the difference to every
    region above them. Returns (the new mark or None, rows written)."""
    newest, frames = None, []
    for name in RECORD_TABLES:
        table = metadata.tables[name]
        query = select(table.c.village_code, table.c.updated_at)
        if mark is not None:
            query = query.where(table.c.updated_at > mark - LOOKBACK)
        touched = pd.DataFrame(conn.execute(query).all(), columns=["village_code", "updated_at"])
        if touched.empty:
            continue
        newest = _later(newest, touched["updated_at"].max())
        villages = sorted(set(touched["village_code"].dropna()))
        frames.append(_record_delta(conn, name, table, villages))
    delta = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if delta.empty:
        return newest, 0
    expanded = delta.merge(_ancestors(conn, set(delta["village_code"])), on="village_code")
    sums = _sum(expanded, ["table_name", "region_code"], ["n"])
    return newest, _upsert_add(conn, snap_record_counts, sums, ["n"])


def _record_delta(conn: Connection, name: str, table: Table, villages: list[str]) -> pd.DataFrame:
    """Per village: its rows in ``table`` now, less what the snapshot counts."""
    now, before = {}, {}
    rc = snap_record_counts.c
    for batch in _batches(villages):
        now.update(
            conn.execute(
                select(table.c.village_code, func.count())
                .where(table.c.village_code.in_(batch))
                .group_by(table.c.village_code)
            ).all()
        )
        before.update(
            conn.execute(
                select(rc.region_code, rc.n).where(rc.table_name == name, rc.region_code.in_(batch))
            ).all()
        )
    return pd.DataFrame(
        [(name, v, int(now.get(v, 0)) - int(before.get(v, 0))) for v in villages],
        columns=["table_name", "village_code", "n"],
    )


def _update_changed(
    conn, raw: Table, columns, mark, contributions: Table, make, apply, open_list: Table, insert_open
):
    """One raw table's changes since ``mark``: subtract the old contributions,
    add the new ones, replace the contribution and open-list rows. Returns
    (rows read, the new mark or None, rows written)."""
    key = contributions.primary_key.columns.values()[0]
    changed = _changed(conn, raw, columns, mark, key)
    if changed.empty:
        return 0, None, 0
    ids = changed["id"].astype("int64").tolist()
    new = make(changed)
    delta = _signed(_read_in(conn, contributions, key, ids), new)
    written = apply(conn, delta, _ancestors(conn, set(delta["village_code"])))
    _replace(conn, contributions, key, ids, new)
    _delete_in(conn, open_list, open_list.c[key.name], ids)
    written += insert_open(conn, ids)
    return len(changed), _later(None, changed["updated_at"].max()), written


def _changed(conn: Connection, table: Table, columns, mark: datetime | None, key) -> pd.DataFrame:
    """Rows changed since ``mark`` (less LOOKBACK) that the snapshot has not
    seen at their present updated_at, and rows newer than any in the
    snapshot whatever their updated_at (an import of old records). Two
    queries, each on its index (updated_at, the primary key): OR-ed in one,
    PostgreSQL scans the whole table.

    The look-back re-reads rows a late-committing writer may have hidden
    from the last run; the contribution's own ``updated_at`` says which of
    them it already counted. Without that check, an import that wrote all
    its rows within LOOKBACK of its last one had every one of them re-read by
    every refresh for as long as nothing newer arrived (issue 18: 341,194
    petitions every 30 s)."""
    names = [c.name for c in columns] + ["updated_at"]
    query = select(*columns, table.c.updated_at)
    if mark is None:
        return pd.DataFrame(conn.execute(query).all(), columns=names)
    seen = key.table
    unseen = ~exists().where(seen.c[key.name] == table.c.id, seen.c.updated_at == table.c.updated_at)
    newest = conn.execute(select(func.max(key))).scalar() or 0
    rows = {}
    for condition in (and_(table.c.updated_at > mark - LOOKBACK, unseen), table.c.id > newest):
        for row in conn.execute(query.where(condition)):
            rows[row[0]] = row
    return pd.DataFrame(list(rows.values()), columns=names)


def _batches(ids: Sequence) -> Iterable[list]:
    ids = list(ids)
    for start in range(0, len(ids), IN_BATCH):
        yield ids[start : start + IN_BATCH]


def _read_in(conn: Connection, table: Table, key, ids: Sequence[int]) -> pd.DataFrame:
    frames = [
        pd.DataFrame(conn.execute(select(table).where(key.in_(batch))).all(), columns=list(table.c.keys()))
        for batch in _batches(ids)
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(table.c.keys()))


def _delete_in(conn: Connection, table: Table, key, ids: Sequence[int]) -> None:
    for batch in _batches(ids):
        conn.execute(delete(table).where(key.in_(batch)))


def _replace(conn: Connection, table: Table, key, ids: Sequence[int], rows: pd.DataFrame) -> None:
    _delete_in(conn, table, key, ids)
    _bulk_insert(conn, table, rows)


def _signed(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Old contributions with sign -1, new ones with +1."""
    old = old.assign(sign=-1) if len(old) else old.assign(sign=pd.Series(dtype="int64"))
    frames = [f for f in (old, new.assign(sign=1)) if len(f)]
    return pd.concat(frames, ignore_index=True)


def _ancestors(conn: Connection, villages: set[str]) -> pd.DataFrame:
    rows = []
    for batch in _batches(sorted(villages)):
        rows.extend(
            conn.execute(
                select(region_tree.c.descendant_code, region_tree.c.ancestor_code).where(
                    region_tree.c.descendant_code.in_(batch)
                )
            ).all()
        )
    return pd.DataFrame(rows, columns=["village_code", "region_code"])


def _by_grain(df: pd.DataFrame, day: str, month: str) -> pd.DataFrame:
    """Each row twice: at day grain (period = its day) and month grain."""
    days = df.assign(grain=DAY, period=df[day])
    months = df.assign(grain=MONTH, period=df[month])
    return pd.concat([days, months], ignore_index=True)


def _apply_petitions(conn: Connection, delta: pd.DataFrame, ancestors: pd.DataFrame) -> int:
    sign = delta["sign"].to_numpy()
    measures = pd.DataFrame(
        {
            "received": sign,
            "closed": sign * delta["closed"].astype("int64").to_numpy(),
            "closed_within": sign * delta["closed_within"].astype("int64").to_numpy(),
            "millis": sign * pd.to_numeric(delta["millis"]).fillna(0).astype("int64").to_numpy(),
        }
    )
    bucket = pd.to_numeric(delta["bucket"]).fillna(-1).astype("int64").to_numpy()
    for i, name in enumerate(BUCKET_COLUMNS):
        measures[name] = sign * (bucket == i)
    keyed = pd.concat([delta[["village_code", "category", "day", "month"]], measures], axis=1)
    expanded = _by_grain(keyed.merge(ancestors, on="village_code"), "day", "month")
    stats = _sum(expanded, ["region_code", "grain", "period", "category"], PETITION_MEASURES)
    written = _upsert_add(conn, snap_petition_stats, stats, PETITION_MEASURES)
    closed = delta[delta["bin"].notna()]
    hist = pd.DataFrame(
        {
            "village_code": closed["village_code"],
            "day": closed["day"],
            "month": closed["month"],
            "bin": pd.to_numeric(closed["bin"]).astype("int64"),
            "n": closed["sign"].astype("int64"),
            "millis": closed["sign"].astype("int64") * pd.to_numeric(closed["millis"]).astype("int64"),
        }
    )
    expanded = _by_grain(hist.merge(ancestors, on="village_code"), "day", "month")
    hist = _sum(expanded, ["region_code", "grain", "period", "bin"], ["n", "millis"])
    return written + _upsert_add(conn, snap_petition_hist, hist, ["n", "millis"])


def _apply_warnings(conn: Connection, delta: pd.DataFrame, ancestors: pd.DataFrame) -> int:
    sign = delta["sign"].to_numpy()
    raised = pd.DataFrame(
        {
            "village_code": delta["village_code"],
            "category": delta["category"],
            "day": delta["raised_day"],
            "month": delta["raised_month"],
            "raised": sign,
            "green": 0,
        }
    )
    disposed = delta[delta["green_day"].notna()]
    green = pd.DataFrame(
        {
            "village_code": disposed["village_code"],
            "category": disposed["category"],
            "day": disposed["green_day"],
            "month": disposed["green_month"],
            "raised": 0,
            "green": disposed["sign"].astype("int64"),
        }
    )
    both = pd.concat([raised, green], ignore_index=True)
    expanded = _by_grain(both.merge(ancestors, on="village_code"), "day", "month")
    stats = _sum(expanded, ["region_code", "grain", "period", "category"], WARNING_MEASURES)
    written = _upsert_add(conn, snap_warning_stats, stats, WARNING_MEASURES)
    opened = delta[delta["open_status"].notna()]
    open_days = pd.DataFrame(
        {
            "village_code": opened["village_code"],
            "status": opened["open_status"],
            "category": opened["category"],
            "due_day": opened["due_day"],
            "n": opened["sign"].astype("int64"),
        }
    ).merge(ancestors, on="village_code")
    open_days = _sum(open_days, ["region_code", "status", "category", "due_day"], ["n"])
    written += _upsert_add(conn, snap_open_warning_days, open_days, ["n"])
    status = delta["status"].to_numpy()
    totals = delta[["village_code", "rule_code", "category", "owner_kind", "subject_type"]].assign(
        hits=sign,
        **{c: sign * (status == contrib.STATUS_OF_COLOUR[c]) for c in _COLOURS},
        false_alarms=sign * delta["false_alarm"].astype("int64").to_numpy(),
    )
    keys = ["region_code", "rule_code", "category", "owner_kind", "subject_type"]
    totals = _sum(totals.merge(ancestors, on="village_code"), keys, RULE_MEASURES)
    return written + _upsert_add(conn, snap_rule_stats, totals, RULE_MEASURES)


def _sum(df: pd.DataFrame, keys: list[str], measures: Sequence[str]) -> pd.DataFrame:
    """Sums per key, without the groups where every sum is zero (nothing changed)."""
    if df.empty:
        return pd.DataFrame(columns=[*keys, *measures])
    grouped = df.groupby(keys, sort=False)[list(measures)].sum().reset_index()
    return grouped[(grouped[list(measures)] != 0).any(axis=1)]


def _upsert_add(conn: Connection, table: Table, rows: pd.DataFrame, measures: Sequence[str]) -> int:
    """Add ``rows``' measures to the rows with the same key, inserting the
    ones not there yet. One statement per 1,000 rows on every database."""
    if rows.empty:
        return 0
    records = _records(rows[list(table.c.keys())])
    dialect = conn.dialect.name
    if dialect == "postgresql" and len(records) >= SET_UPSERT_ROWS:
        return _upsert_add_staged(conn, table, records, measures)
    if dialect in ("postgresql", "sqlite"):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as upsert
        else:
            from sqlalchemy.dialects.sqlite import insert as upsert
        statement = upsert(table)
        statement = statement.on_conflict_do_update(
            index_elements=[c.name for c in table.primary_key.columns],
            set_={m: table.c[m] + statement.excluded[m] for m in measures},
        )
    elif dialect in ("mysql", "mariadb"):
        from sqlalchemy.dialects.mysql import insert as upsert

        statement = upsert(table)
        statement = statement.on_duplicate_key_update(
            {m: table.c[m] + statement.inserted[m] for m in measures}
        )
    else:  # pragma: no cover - the cockpit supports the three above
        raise NotImplementedError(dialect)
    for start in range(0, len(records), 1000):
        conn.execute(statement, records[start : start + 1000])
    return len(records)


def _upsert_add_staged(conn: Connection, table: Table, records: list[dict], measures: Sequence[str]) -> int:
    """_upsert_add on PostgreSQL for many rows: COPY them into a temporary
    table, then one INSERT ... SELECT ... ON CONFLICT. Row by row, each
    upsert is a statement: 0.1 ms apiece, seconds for the ~20,000 rows that
    1,000 changed petitions move at national scale. The rows' keys are
    unique (``_sum`` grouped them)."""
    staging = f"staged_{table.name}"
    names = list(table.c.keys())
    conn.execute(
        text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} (LIKE {table.name}) ON COMMIT DELETE ROWS")
    )
    conn.execute(text(f"TRUNCATE {staging}"))
    _copy(conn, staging, names, records)
    keys = ", ".join(c.name for c in table.primary_key.columns)
    sets = ", ".join(f"{m} = {table.name}.{m} + excluded.{m}" for m in measures)
    conn.execute(
        text(
            f"INSERT INTO {table.name} ({', '.join(names)}) SELECT {', '.join(names)} FROM {staging} "
            f"ORDER BY {keys} ON CONFLICT ({keys}) DO UPDATE SET {sets}"
        )
    )
    return len(records)


def _records(df: pd.DataFrame) -> list[dict]:
    """Plain Python values (no numpy scalars, None for missing) for the drivers."""
    out = df.astype(object).where(df.notna(), None)
    records = out.to_dict("records")
    for record in records:
        for key, value in record.items():
            if isinstance(value, np.integer):
                record[key] = int(value)
    return records


def _bulk_insert(conn: Connection, table: Table, rows: pd.DataFrame) -> None:
    """Insert ``rows`` (columns named as the table's) in the connection's
    transaction: COPY on PostgreSQL, batched INSERTs elsewhere."""
    if rows.empty:
        return
    names = list(table.c.keys())
    records = _records(rows[names])
    if conn.dialect.name == "postgresql":
        _copy(conn, table.name, names, records)
        return
    for start in range(0, len(records), 5000):
        conn.execute(insert(table), records[start : start + 5000])


def _copy(conn: Connection, table_name: str, names: list[str], records: list[dict]) -> None:
    """COPY ``records`` into ``table_name`` (PostgreSQL), in the connection's transaction."""
    cursor = conn.connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table_name} ({', '.join(names)}) FROM STDIN") as copy:
        for record in records:
            copy.write_row([record[n] for n in names])


def _insert_open_petitions(conn: Connection, ids: Sequence[int] | None) -> int:
    """The open list rows of petitions ``ids`` (all when None) that are open
    by status or have no closing time, at every region above their village."""
    p = petitions
    is_open = p.c.status.in_(PETITION.open_codes)
    unclosed = p.c.closed_at.is_(None)
    query = (
        select(
            region_tree.c.ancestor_code,
            p.c.id,
            p.c.category,
            p.c.received_at,
            p.c.due_at,
            case((is_open, 1), else_=0),
            case((unclosed, 1), else_=0),
        )
        .join(region_tree, region_tree.c.descendant_code == p.c.village_code)
        .where(is_open | unclosed)
    )
    return _insert_for(conn, snap_open_petitions, query, p.c.id, ids)


def _insert_open_warnings(conn: Connection, ids: Sequence[int] | None) -> int:
    w = warnings
    query = (
        select(region_tree.c.ancestor_code, w.c.id, w.c.status, w.c.category, w.c.owner_kind, w.c.due_at)
        .join(region_tree, region_tree.c.descendant_code == w.c.village_code)
        .where(w.c.status.in_(WARNING.open_codes))
    )
    return _insert_for(conn, snap_open_warnings, query, w.c.id, ids)


def _insert_for(conn: Connection, table: Table, query, key, ids: Sequence[int] | None) -> int:
    columns = list(table.c.keys())
    if ids is None:
        return max(conn.execute(insert(table).from_select(columns, query)).rowcount or 0, 0)
    written = 0
    for batch in _batches(ids):
        written += max(
            conn.execute(insert(table).from_select(columns, query.where(key.in_(batch)))).rowcount or 0, 0
        )
    return written
