"""Import one file: stream its rows, check each, write the good ones in
batches, idempotently by external_id.

``import_file`` in steps:

1. Read the header; refuse (MappingError) when a mapped column is missing.
2. Stream the rows; convert and check each one (cockpit.importer.convert),
   build the store row with the target's factory, and reject a row whose
   external_id came earlier in the file.
3. Every ``batch`` good rows, look their external_ids up in the store: a new
   one is inserted, a stored one that differs is updated (its event trail
   rebuilt), an identical one is left alone (its ``updated_at`` too).
   Written rows get ``updated_at`` = the time of writing, so the snapshot
   refresh and the rule engine pick them up.
4. The whole file is one transaction. By default any reject rolls it back
   (and writing stops at the first one while checking goes on, so the report
   lists every bad row); with ``keep_good`` the good rows are committed.
   ``dry_run`` always rolls back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, insert, select, update

from cockpit.importer.convert import Problem, RegionIndex, convert_row
from cockpit.importer.mapping import Mapping, MappingError
from cockpit.importer.readers import open_rows
from cockpit.importer.report import Reject, RejectsFile, Summary
from cockpit.importer.targets import RowError, TargetSpec, target_spec
from cockpit.store.factories import Built, sync_sequences, write_petitions, write_warnings
from cockpit.store.schema import petition_events, warning_events

BATCH = 1000
EVENTS = {"petitions": (petition_events, "petition_id"), "warnings": (warning_events, "warning_id")}


def _fingerprint(external_id: str) -> int:
    """8 bytes standing for an external id, to spot duplicates in a file of
    millions of rows without keeping every id."""
    return int.from_bytes(hashlib.blake2b(external_id.encode(), digest_size=8).digest(), "big")


def import_file(
    engine: Engine,
    path: str | Path,
    mapping: Mapping,
    *,
    keep_good: bool = False,
    dry_run: bool = False,
    rejects_path: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    progress_every: int = 10_000,
    batch: int = BATCH,
    now: datetime | None = None,
    on_commit: Callable[[Connection, Summary], None] | None = None,
) -> Summary:
    """Import ``path`` into ``mapping``'s target; the summary of what happened.

    ``on_commit`` runs in the import's transaction just before it commits
    (the command line writes its audit entry there).
    """
    path = Path(path)
    spec = target_spec(mapping.target)
    summary = Summary(file=path.name, target=spec.name, dry_run=dry_run)
    with (
        engine.connect() as conn,
        open_rows(path, mapping.encoding, mapping.sheet, mapping.delimiter) as (
            header,
            rows,
        ),
    ):
        missing = sorted(mapping.source_columns - set(header))
        if missing:
            raise MappingError(f"{path.name}: no column(s) {', '.join(missing)} (has {', '.join(header)})")
        rejects = RejectsFile(rejects_path, header) if rejects_path else None
        transaction = conn.begin()
        try:
            _run(conn, spec, mapping, rows, summary, rejects, keep_good, batch, now, progress, progress_every)
            if summary.rejected and not keep_good:
                summary.inserted = summary.updated = summary.unchanged = 0
                transaction.rollback()
            elif dry_run:
                transaction.rollback()
            else:
                if on_commit is not None:
                    on_commit(conn, summary)
                transaction.commit()
                summary.committed = True
        except BaseException:
            transaction.rollback()
            raise
        finally:
            if rejects:
                rejects.close()
    return summary


def _run(conn, spec, mapping, rows, summary, rejects, keep_good, batch, now, progress, every) -> None:
    places = RegionIndex(conn)
    seen: set[int] = set()
    pending: list[tuple[dict, list[dict]]] = []
    for line, cells in rows:
        summary.read += 1
        problems = _check(cells, mapping, spec, places, seen, pending)
        if problems:
            summary.rejected += 1
            for problem in problems:
                reject = Reject(summary.file, line, problem.column, problem.reason, problem.detail)
                summary.add_reject(reject)
                if rejects:
                    rejects.write(cells, reject)
        if len(pending) >= batch:
            _flush(conn, spec, pending, summary, now, write=keep_good or not summary.rejected)
        if progress and summary.read % every == 0:
            progress(f"{summary.file}: 已读取 {summary.read} 行，拒绝 {summary.rejected} 行")
    _flush(conn, spec, pending, summary, now, write=keep_good or not summary.rejected)
    if progress:
        progress(f"{summary.file}: 读完 {summary.read} 行，拒绝 {summary.rejected} 行")


def _check(cells, mapping, spec, places, seen, pending) -> list[Problem]:
    values, region, problems = convert_row(cells, mapping, spec, places)
    external_id = values.get("external_id")
    if external_id:
        fingerprint = _fingerprint(external_id)
        if fingerprint in seen:
            problems.append(Problem(_label(mapping, "external_id"), "duplicate_id", external_id))
        seen.add(fingerprint)
    if problems:
        return problems
    try:
        pending.append(spec.build(values, region))
    except RowError as error:
        return [Problem(_label(mapping, error.column), error.reason, error.detail)]
    return []


def _label(mapping: Mapping, column: str) -> str:
    source = mapping.columns.get(column)
    return source.column if source is not None and source.column else column


def _flush(conn: Connection, spec: TargetSpec, pending: list, summary: Summary, now, write: bool) -> None:
    """Write ``pending`` (then empty it): insert the new, update the changed."""
    if not write:
        pending.clear()
        return
    table = spec.table
    written_at = now or datetime.now(UTC)
    ids = [row["external_id"] for row, _events in pending]
    stored = {
        row.external_id: row._asdict()
        for row in conn.execute(select(table).where(table.c.external_id.in_(ids)))
    }
    new, changed = [], []
    for row, events in pending:
        old = stored.get(row["external_id"])
        row["updated_at"] = written_at
        if old is None:
            new.append(Built(row, events))
        elif any(old[k] != v for k, v in row.items() if k != "updated_at"):
            changed.append((old["id"], row, events))
        else:
            summary.unchanged += 1
    pending.clear()
    _insert(conn, spec, new)
    for record_id, row, events in changed:
        conn.execute(update(table).where(table.c.id == record_id).values(row))
        if spec.name in EVENTS:
            event_table, fk = EVENTS[spec.name]
            conn.execute(delete(event_table).where(event_table.c[fk] == record_id))
            conn.execute(insert(event_table), [{**e, fk: record_id} for e in events])
    summary.inserted += len(new)
    summary.updated += len(changed)


def _insert(conn: Connection, spec: TargetSpec, new: list[Built]) -> None:
    if not new:
        return
    if spec.name == "petitions":
        write_petitions(conn, new)
    elif spec.name == "warnings":
        write_warnings(conn, new)
    else:
        conn.execute(insert(spec.table), [b.row for b in new])
        sync_sequences(conn, (spec.table,))
