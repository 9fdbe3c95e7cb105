"""Import one file: stream its rows, check each, write the good ones in
batches, idempotently.

``import_file`` in steps:

1. Read the header; refuse (MappingError) when a mapped column is missing.
2. Stream the rows; convert and check each one on its own
   (cockpit.importer.convert, then the target's Stage: the factory builds
   the store row; a repeated external_id or child key is rejected).
3. Every ``batch`` rows (for petition_events: at the next petition's first
   row), check the batch against the store (parents, trails), report its
   rejects in line order, and write its good rows: a new row is inserted, a
   stored one that differs is updated (an event trail rebuilt), an
   identical one is left alone (its ``updated_at`` too). Written rows get
   ``updated_at`` = the time of writing, so the snapshot refresh and the
   rule engine pick them up.
4. The whole file is one transaction. By default any reject rolls it back
   (and writing stops at the first batch with a reject while checking goes
   on, so the report lists every bad row); with ``keep_good`` the good rows
   are committed. ``dry_run`` always rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine

from cockpit.importer.children import ChildStage
from cockpit.importer.convert import Problem
from cockpit.importer.derive import derive_cells
from cockpit.importer.limits import MAX_UNPACKED
from cockpit.importer.mapping import Mapping, MappingError
from cockpit.importer.readers import UnreadRow, open_rows
from cockpit.importer.report import Reject, RejectsFile, Summary
from cockpit.importer.stages import Item, RecordStage, Stage, filled_cells, fingerprint
from cockpit.importer.targets import target_spec
from cockpit.importer.trails import TrailStage, scattered_parents
from cockpit.store.history import mark_history

BATCH = 1000
STAGES = {"record": RecordStage, "child": ChildStage, "trail": TrailStage}


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
    max_unpacked: int = MAX_UNPACKED,
    history: bool = False,
) -> Summary:
    """Import ``path`` into ``mapping``'s target; the summary of what happened.

    ``on_commit`` runs in the import's transaction just before it commits
    (the command line writes its audit entry there). A file past the
    bounds of cockpit.importer.limits (an XLSX unpacking to more than
    ``max_unpacked`` bytes among them) is refused whole: RefusedFileError,
    a MappingError, before anything is written. A CSV row too long to read
    is rejected (``row_too_large``) like any bad row.

    ``history``: the file is old records (cockpit.store.history): the
    warning engine raises nothing about petitions closed by the time of
    this import. Recorded in the import's transaction.
    """
    path = Path(path)
    spec = target_spec(mapping.target)
    summary = Summary(file=path.name, target=spec.name, dry_run=dry_run)
    with (
        engine.connect() as conn,
        open_rows(path, mapping.encoding, mapping.sheet, mapping.delimiter, max_unpacked) as (
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
            _run(
                conn,
                spec,
                mapping,
                rows,
                summary,
                rejects,
                keep_good,
                batch,
                now,
                progress,
                progress_every,
                path,
                max_unpacked,
            )
            if summary.rejected and not keep_good:
                summary.inserted = summary.updated = summary.unchanged = 0
                transaction.rollback()
            elif dry_run:
                transaction.rollback()
            else:
                if history:
                    mark_history(conn, now or datetime.now(UTC))
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


def _checked(stage: Stage, mapping: Mapping, line: int, cells) -> Item:
    """``stage.check`` of the row with its derived fields (cockpit.importer.derive):
    a field that fails is its problem only (not also "blank"); the item keeps
    the file's own cells, for the rejects file."""
    if not mapping.derived or isinstance(cells, UnreadRow):
        return stage.check(line, cells)
    derived, failures = derive_cells(cells, mapping.derived)
    item = stage.check(line, derived)
    failed = {name for name, _reason, _detail in failures}
    item.problems = [Problem(*f) for f in failures] + [p for p in item.problems if p.column not in failed]
    item.cells = cells
    return item


def winning_lines(stage: RecordStage, mapping: Mapping, path: Path, max_unpacked: int) -> dict[int, int]:
    """A first pass over the file for the ``last`` and ``most_complete``
    duplicates policies: the line kept for each id (as a fingerprint) among
    its good copies. Bad copies do not compete: they are rejected."""
    best: dict[int, tuple[int, int]] = {}
    last = mapping.duplicates == "last"
    with open_rows(path, mapping.encoding, mapping.sheet, mapping.delimiter, max_unpacked) as (_header, rows):
        for line, cells in rows:
            if isinstance(cells, UnreadRow):
                continue
            item = _checked(stage, mapping, line, cells)
            external_id = item.values.get("external_id")
            if item.problems or not external_id:
                continue
            key, filled = fingerprint(external_id), filled_cells(item)
            if key not in best or last or filled > best[key][0]:
                best[key] = (filled, line)
    return {key: line for key, (_filled, line) in best.items()}


def _run(
    conn, spec, mapping, rows, summary, rejects, keep_good, batch, now, progress, every, path, limit
) -> None:
    stage: Stage = STAGES[spec.kind](conn, spec, mapping)
    if isinstance(stage, TrailStage):
        stage.scattered = scattered_parents(path, mapping)
    if isinstance(stage, RecordStage) and mapping.duplicates in ("last", "most_complete"):
        if progress:
            progress(f"{summary.file}: 比较同编号的各行（duplicates: {mapping.duplicates}）")
        stage.winners = winning_lines(STAGES[spec.kind](conn, spec, mapping), mapping, path, limit)
    items: list[Item] = []

    def flush() -> None:
        stage.resolve(conn, items)
        for item in items:
            if item.kept_instead is not None:
                kept, column = f"保留第 {item.kept_instead} 行", stage.label("external_id")
                reject = Reject(summary.file, item.line, column, "duplicate_set_aside", kept)
                summary.set_aside += 1
                summary.add_reject(reject)
                if rejects:
                    rejects.write(item.cells, reject)
            if item.problems:
                summary.rejected += 1
            for problem in item.problems:
                reject = Reject(summary.file, item.line, problem.column, problem.reason, problem.detail)
                summary.add_reject(reject)
                if rejects:
                    rejects.write(item.cells, reject)
        good = [item for item in items if not item.problems and item.kept_instead is None]
        if good and (keep_good or not summary.rejected):
            stage.write(conn, good, summary, now or datetime.now(UTC))
        items.clear()

    for line, cells in rows:
        summary.read += 1
        item = _checked(stage, mapping, line, cells)
        if isinstance(stage, RecordStage):
            stage.choose(item)
        if isinstance(cells, UnreadRow):  # checked for its petition or id only; nothing of it is kept
            item.cells, item.problems = {}, [Problem(cells.column, "row_too_large", cells.detail)]
        if len(items) >= batch and stage.splits(items[-1], item):
            flush()
        items.append(item)
        if progress and summary.read % every == 0:
            progress(f"{summary.file}: 已读取 {summary.read} 行，拒绝 {summary.rejected} 行")
    flush()
    if progress:
        progress(f"{summary.file}: 读完 {summary.read} 行，拒绝 {summary.rejected} 行")
