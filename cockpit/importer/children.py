"""Child rows: payment_approvals, project_bids and cadre_relatives.

Each row names its parent (a payment, project or cadre) by the parent's
external id (the mapping's ``parent``). A batch's parents are looked up in
one query; a row whose parent is not in the store is rejected
(``unknown_parent``). The row takes its parent's id and, where the table has
a village, the parent's village.

A child row is identified by its parent and ``Parent.key``: an approval by
(payment, role, approver, approved_at), a bid by (project, bidder, bid_at),
a relative by its external_id, which is made from the cadre's external id
and the relative's id number when the mapping does not give one. A row
already stored and identical is left alone; one that differs in its other
columns is updated; a new one is inserted. Nothing is deleted. Writing an
approval or a bid moves its parent's ``updated_at`` (the rule engine reads
the parent).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update

from cockpit.importer.convert import PARENT, Problem, parent_label
from cockpit.importer.report import Summary
from cockpit.importer.stages import Item, Stage, fingerprint
from cockpit.importer.targets import RowError

ID_LENGTH = 64


def relative_id(cadre: str, id_number: str) -> str:
    """A relative's external id when the file has none: ``cadre/id_number``,
    or ``R-`` and a hash of the two when that is over 64 characters."""
    made = f"{cadre}/{id_number}"
    if len(made) <= ID_LENGTH:
        return made
    return "R-" + hashlib.blake2b(made.encode(), digest_size=20).hexdigest()


def _plain(value: object) -> object:
    """A key value as compared: times in UTC."""
    return value.astimezone(UTC) if isinstance(value, datetime) else value


class ChildStage(Stage):
    """Check child rows, find their parents, write them by their key."""

    def __init__(self, conn, spec, mapping) -> None:
        super().__init__(conn, spec, mapping)
        self.parent = spec.parent
        self.by_external_id = self.parent.key == ("external_id",)
        self.made_ids = self.by_external_id and "external_id" not in mapping.columns

    def check_values(self, item: Item, region: dict | None) -> None:
        values = item.values
        parent = values.get(PARENT)
        if self.made_ids and parent and values.get("id_number"):
            values["external_id"] = relative_id(parent, values["id_number"])
        key = self._key(values)
        if key is not None:
            mark = fingerprint(*([] if self.by_external_id else [parent]), *key)
            if mark in self.seen:
                reason = "duplicate_id" if self.by_external_id and not self.made_ids else "duplicate_row"
                if self.made_ids:
                    labels = f"{parent_label(self.mapping)}/{self.label('id_number')}"
                else:
                    labels = "/".join(self.label(k) for k in self.parent.key)
                item.problems.append(Problem(labels, reason, " ".join(str(k) for k in key)))
            self.seen.add(mark)
        if item.problems:
            return
        try:
            item.built = self.spec.build(values, None)
        except RowError as error:
            item.problems.append(Problem(self.label(error.column), error.reason, error.detail))

    def _key(self, values: dict) -> tuple | None:
        if not values.get(PARENT):
            return None
        key = tuple(_plain(values.get(k)) for k in self.parent.key)
        return None if any(k is None for k in key) else key

    def resolve(self, conn: Connection, items: list[Item]) -> None:
        """Give each good row its parent's id and village; reject the orphans."""
        good = [item for item in items if not item.problems]
        if not good:
            return
        table = self.parent.table
        wanted = sorted({item.values[PARENT] for item in good})
        found = {
            row.external_id: row
            for row in conn.execute(
                select(table.c.id, table.c.external_id, table.c.village_code).where(
                    table.c.external_id.in_(wanted)
                )
            )
        }
        for item in good:
            parent = found.get(item.values[PARENT])
            if parent is None:
                item.problems.append(
                    Problem(parent_label(self.mapping), "unknown_parent", item.values[PARENT])
                )
                continue
            row = item.built[0]
            row[self.parent.fk] = parent.id
            if "village_code" in self.spec.table.c:
                row["village_code"] = parent.village_code

    def write(self, conn: Connection, items: list[Item], summary: Summary, written_at: datetime) -> None:
        table, fk = self.spec.table, self.parent.fk
        rows = [item.built[0] for item in items]
        stored = self._stored(conn, rows)
        new, changed, touched = [], [], set()
        for row in rows:
            if "updated_at" in table.c:
                row["updated_at"] = written_at
            old = stored.get(self._stored_key(row))
            if old is None:
                new.append(row)
                touched.add(row[fk])
            elif any(_plain(old[k]) != _plain(v) for k, v in row.items() if k != "updated_at"):
                changed.append((old["id"], row))
                touched.update((row[fk], old[fk]))
            else:
                summary.unchanged += 1
        if new:
            conn.execute(insert(table), new)
        for child_id, row in changed:
            conn.execute(update(table).where(table.c.id == child_id).values(row))
        if self.parent.touch and touched:
            parents = self.parent.table
            conn.execute(
                update(parents).where(parents.c.id.in_(sorted(touched))).values(updated_at=written_at)
            )
        summary.inserted += len(new)
        summary.updated += len(changed)

    def _stored_key(self, row: dict) -> tuple:
        if self.by_external_id:
            return (row["external_id"],)
        return (row[self.parent.fk], *(_plain(row[k]) for k in self.parent.key))

    def _stored(self, conn: Connection, rows: list[dict]) -> dict[tuple, dict]:
        """The stored rows the batch may match, by key (the first of equals)."""
        table = self.spec.table
        if self.by_external_id:
            query = select(table).where(table.c.external_id.in_([r["external_id"] for r in rows]))
        else:
            fk = table.c[self.parent.fk]
            query = (
                select(table).where(fk.in_(sorted({r[self.parent.fk] for r in rows}))).order_by(table.c.id)
            )
        stored: dict[tuple, dict] = {}
        for found in conn.execute(query):
            row = found._asdict()
            stored.setdefault(self._stored_key(row), row)
        return stored
