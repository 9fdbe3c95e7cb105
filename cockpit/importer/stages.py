"""How one kind of target checks and writes a batch of rows.

The import (cockpit.importer.load) streams the file through a Stage:
``check`` converts and checks one row on its own, ``resolve`` checks a
whole batch against the store (parents, trails), and ``write`` writes the
batch's good rows. RecordStage serves the targets with an external_id;
cockpit.importer.children and cockpit.importer.trails the others.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from cockpit.importer.convert import Problem, RegionIndex, convert_row
from cockpit.importer.mapping import Mapping
from cockpit.importer.report import Summary
from cockpit.importer.targets import RowError, TargetSpec
from cockpit.importer.values import is_blank
from cockpit.store.factories import Built, sync_sequences, write_petitions, write_warnings
from cockpit.store.schema import petition_events, warning_events

EVENTS = {"petitions": (petition_events, "petition_id"), "warnings": (warning_events, "warning_id")}


def fingerprint(*parts: object) -> int:
    """8 bytes standing for a key (an external id, or a child's parent and
    natural key), to spot duplicates in a file of millions of rows without
    keeping every key."""
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


@dataclass
class Item:
    """One source row on its way through a batch."""

    line: int
    cells: dict[str, object]
    problems: list[Problem] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    built: tuple[dict, list[dict]] | None = None  # the store row and its events, once known
    kept_instead: int | None = None  # set aside for this line's copy of the same id (duplicates policy)


class Stage:
    """Check and write one target's rows (see the module docstring)."""

    def __init__(self, conn: Connection, spec: TargetSpec, mapping: Mapping) -> None:
        self.spec, self.mapping = spec, mapping
        self.places = RegionIndex(conn) if spec.region_column else None
        self.seen: set[int] = set()

    def check(self, line: int, cells: dict[str, object]) -> Item:
        values, region, problems = convert_row(cells, self.mapping, self.spec, self.places)
        item = Item(line, cells, problems, values)
        self.check_values(item, region)
        return item

    def check_values(self, item: Item, region: dict | None) -> None:
        """Row-level checks after the cells are converted."""

    def splits(self, previous: Item, item: Item) -> bool:
        """Whether a batch may end between ``previous`` and ``item``."""
        return True

    def resolve(self, conn: Connection, items: list[Item]) -> None:
        """Checks that need the store, for a whole batch at once."""

    def write(self, conn: Connection, items: list[Item], summary: Summary, written_at: datetime) -> None:
        raise NotImplementedError

    def label(self, column: str) -> str:
        """The source column a target column comes from (for reports)."""
        source = self.mapping.columns.get(column)
        return source.column if source is not None and source.column else column


class RecordStage(Stage):
    """Petitions, warnings and top-level records: matched on external_id.

    A second row of an id already in the file is rejected; under the
    mapping's ``duplicates`` policy one good copy is kept and the others are
    set aside instead (Item.kept_instead): the first copy as the file
    streams by, or the line ``winners`` names (chosen by a first pass over
    the file, cockpit.importer.load)."""

    def __init__(self, conn: Connection, spec: TargetSpec, mapping: Mapping) -> None:
        super().__init__(conn, spec, mapping)
        self.first_lines: dict[int, int] = {}  # "first": id fingerprint -> the line kept
        self.winners: dict[int, int] | None = None  # "last", "most_complete": id fingerprint -> line

    def check_values(self, item: Item, region: dict | None) -> None:
        external_id = item.values.get("external_id")
        if external_id and self.mapping.duplicates == "reject":
            key = fingerprint(external_id)
            if key in self.seen:
                item.problems.append(Problem(self.label("external_id"), "duplicate_id", external_id))
            self.seen.add(key)
        if item.problems:
            return
        try:
            item.built = self.spec.build(item.values, region)
        except RowError as error:
            item.problems.append(Problem(self.label(error.column), error.reason, error.detail))

    def choose(self, item: Item) -> None:
        """Set a good copy aside when the duplicates policy keeps another."""
        external_id = item.values.get("external_id")
        if item.problems or not external_id or self.mapping.duplicates == "reject":
            return
        key = fingerprint(external_id)
        if self.winners is not None:
            kept = self.winners.get(key, item.line)
        else:
            kept = self.first_lines.setdefault(key, item.line)
        if kept != item.line:
            item.kept_instead = kept

    def write(self, conn: Connection, items: list[Item], summary: Summary, written_at: datetime) -> None:
        """Insert the new, update the changed, leave the identical alone."""
        table = self.spec.table
        ids = [item.built[0]["external_id"] for item in items]
        stored = {
            row.external_id: row._asdict()
            for row in conn.execute(select(table).where(table.c.external_id.in_(ids)))
        }
        new, changed = [], []
        for item in items:
            row, events = item.built
            old = stored.get(row["external_id"])
            row["updated_at"] = written_at
            if old is None:
                new.append(Built(row, events))
            elif any(old[k] != v for k, v in row.items() if k != "updated_at"):
                changed.append((old["id"], row, events))
            else:
                summary.unchanged += 1
        self._insert(conn, new)
        for record_id, row, events in changed:
            conn.execute(update(table).where(table.c.id == record_id).values(row))
            if self.spec.name in EVENTS:
                event_table, fk = EVENTS[self.spec.name]
                conn.execute(delete(event_table).where(event_table.c[fk] == record_id))
                conn.execute(insert(event_table), [{**e, fk: record_id} for e in events])
        summary.inserted += len(new)
        summary.updated += len(changed)

    def _insert(self, conn: Connection, new: list[Built]) -> None:
        if not new:
            return
        if self.spec.name == "petitions":
            write_petitions(conn, new)
        elif self.spec.name == "warnings":
            write_warnings(conn, new)
        else:
            conn.execute(insert(self.spec.table), [b.row for b in new])
            sync_sequences(conn, (self.spec.table,))


def filled_cells(item: Item) -> int:
    """How complete a row is: its cells that hold something."""
    return sum(not is_blank(v) for v in item.cells.values())
