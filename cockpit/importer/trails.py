"""petition_events: a file of petitions' trails (流转记录), one row per event.

Each row names its petition by external id (the mapping's ``parent``); the
petition must already be in the store. A petition's rows must come together
(one after another; any order inside): the file is read twice, the first
time only for the petition ids, and every row of a petition whose rows are
split by another petition's is rejected (``events_not_grouped``). So only
one petition's rows, and one batch of petitions, are held at a time.

For each petition in the file, ``resolve`` in steps:

1. Order its events by time (events at the same time keep the file's order).
2. Begin the trail with the file's 受理 (received) event when it is the
   first, otherwise with the stored trail's (or one at the petition's
   ``received_at``). No event may be before ``received_at``
   (``event_before_received``).
3. Replay the events through the PETITION lifecycle with the same code that
   builds every petition (cockpit.store.factories.apply_petition_step); the
   first one the lifecycle refuses is ``bad_transition``.
4. Derive the petition's status, closed_at, handling_level and
   handling_unit (those the last event left; an event with a blank level or
   unit keeps the previous one) and satisfaction (the last 群众反馈 that
   gives one).

A row with a problem rejects its whole petition: its other rows are
rejected as ``trail_rejected``, so a petition's trail is never written in
part. ``write`` then replaces each petition's trail as a whole, unless it
and the derived columns are what the store has (then nothing is written,
``updated_at`` included).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from cockpit.importer.convert import PARENT, Problem, parent_id, parent_label
from cockpit.importer.derive import derive_cells
from cockpit.importer.mapping import Mapping
from cockpit.importer.readers import open_rows
from cockpit.importer.report import Summary
from cockpit.importer.stages import Item, Stage, fingerprint
from cockpit.importer.targets import EVENT_KINDS
from cockpit.importer.values import CellError
from cockpit.lifecycle import PETITION, TransitionError
from cockpit.store.factories import Step, apply_petition_step
from cockpit.store.schema import petition_events, petitions

DERIVED = ("status", "closed_at", "handling_level", "handling_unit", "satisfaction")
LOOKED_UP = ("id", "external_id", "received_at", *DERIVED)
EVENT_COLUMNS = ("kind", "at", "level", "unit", "note")


def scattered_parents(path: str | Path, mapping: Mapping) -> set[int]:
    """Fingerprints of the petitions whose rows in ``path`` are not all
    together (a blank petition id also breaks a run)."""
    seen: set[int] = set()
    scattered: set[int] = set()
    previous = None
    with open_rows(path, mapping.encoding, mapping.sheet, mapping.delimiter) as (_header, rows):
        for _line, cells in rows:
            if mapping.derived and isinstance(cells, dict):
                cells, _failures = derive_cells(cells, mapping.derived)  # a derived parent id
            try:
                mark = fingerprint(parent_id(cells, mapping))
            except CellError:
                previous = None
                continue
            if mark != previous:
                if mark in seen:
                    scattered.add(mark)
                seen.add(mark)
            previous = mark
    return scattered


@dataclass
class Trail:
    """One petition's trail as the file gives it, checked."""

    petition_id: int
    derived: dict
    events: list[dict]
    changed: bool
    new_rows: int  # rows whose (kind, at) the stored trail did not have


class TrailStage(Stage):
    """Check petitions' trails against the lifecycle and replace them."""

    def __init__(self, conn, spec, mapping) -> None:
        super().__init__(conn, spec, mapping)
        self.scattered: set[int] = set()
        self.trails: dict[str, Trail] = {}

    def check_values(self, item: Item, region: dict | None) -> None:
        parent = item.values.get(PARENT)
        if parent and fingerprint(parent) in self.scattered:
            item.problems.append(Problem(parent_label(self.mapping), "events_not_grouped", parent))

    def splits(self, previous: Item, item: Item) -> bool:
        before = previous.values.get(PARENT)
        return before is None or before != item.values.get(PARENT)

    def resolve(self, conn: Connection, items: list[Item]) -> None:
        self.trails.clear()
        groups = _groups(items)
        wanted = sorted({parent for parent, _group in groups if parent is not None})
        found: dict[str, dict] = {}
        if wanted:
            query = select(*petitions.c[LOOKED_UP]).where(petitions.c.external_id.in_(wanted))
            found = {row.external_id: row._asdict() for row in conn.execute(query)}
        stored = _stored_events(conn, [p["id"] for p in found.values()])
        for parent, group in groups:
            if parent is None:
                continue
            petition = found.get(parent)
            if petition is None:
                for item in group:
                    if not item.problems:
                        item.problems.append(Problem(parent_label(self.mapping), "unknown_parent", parent))
                continue
            bad = next((item for item in group if item.problems), None)
            if bad is None:
                trail = self._trail(petition, stored.get(petition["id"], []), group)
                if isinstance(trail, Trail):
                    self.trails[parent] = trail
                    continue
                bad = trail
            for item in group:
                if not item.problems:
                    item.problems.append(
                        Problem(parent_label(self.mapping), "trail_rejected", f"{parent} 见第 {bad.line} 行")
                    )

    def _trail(self, petition: dict, stored: list[dict], group: list[Item]) -> Trail | Item:
        """The checked trail, or the first item it fails on (with its problem)."""
        ordered = sorted(group, key=lambda item: item.values["at"])
        received_at = petition["received_at"]
        for item in ordered:
            if item.values["at"] < received_at:
                local = received_at.astimezone(self.mapping.timezone)
                item.problems.append(
                    Problem(self.label("at"), "event_before_received", f"受理于 {local:%Y-%m-%d %H:%M}")
                )
                return item
        first = stored[0] if stored and stored[0]["kind"] == "received" else None
        level = first["level"] if first else "village"
        unit = first["unit"] if first else petition["handling_unit"]
        if ordered[0].values["kind"] == "received":
            head = ordered.pop(0).values
            received = {
                "kind": "received",
                "at": head["at"],
                "level": head.get("level") or level,
                "unit": head.get("unit") or unit,
                "note": head.get("note") or "",
            }
        elif first is not None:
            received = {column: first[column] for column in EVENT_COLUMNS}
        else:
            received = {"kind": "received", "at": received_at, "level": level, "unit": unit, "note": ""}
        state = {
            "external_id": petition["external_id"],
            "status": PETITION.next_status(None, "received"),
            "handling_level": received["level"],
            "handling_unit": received["unit"],
            "closed_at": None,
            "satisfaction": None,
            "updated_at": received["at"],
        }
        events = [received]
        for item in ordered:
            values = item.values
            kind = values["kind"]
            feedback = values.get("satisfaction") if kind == "feedback" else None
            step = Step(
                kind,
                values["at"],
                values.get("level"),
                values.get("unit"),
                values.get("note") or "",
                feedback,
            )
            before, satisfaction = state["status"], state["satisfaction"]
            try:
                events.append(apply_petition_step(state, step))
            except TransitionError:
                detail = f"{PETITION.status(before).label}之后不能{EVENT_KINDS[kind]}"
                item.problems.append(Problem(self.label("kind"), "bad_transition", detail))
                return item
            except ValueError:  # before the stored receipt the trail begins with
                local = received["at"].astimezone(self.mapping.timezone)
                item.problems.append(
                    Problem(self.label("at"), "event_before_received", f"受理于 {local:%Y-%m-%d %H:%M}")
                )
                return item
            if kind == "feedback" and feedback is None:
                state["satisfaction"] = satisfaction
        derived = {column: state[column] for column in DERIVED}
        old_events = [tuple(e[c] for c in EVENT_COLUMNS) for e in stored]
        new_events = [tuple(e[c] for c in EVENT_COLUMNS) for e in events]
        changed = old_events != new_events or any(petition[c] != v for c, v in derived.items())
        known = [(e["kind"], e["at"]) for e in stored]
        new_rows = 0
        for item in group:
            mark = (item.values["kind"], item.values["at"])
            if mark in known:
                known.remove(mark)
            else:
                new_rows += 1
        return Trail(petition["id"], derived, events, changed, new_rows)

    def write(self, conn: Connection, items: list[Item], summary: Summary, written_at: datetime) -> None:
        """Replace the changed trails (and their petitions' derived columns)."""
        rows = {parent: len(group) for parent, group in _groups(items)}
        changed = []
        for parent, count in rows.items():
            trail = self.trails[parent]
            if not trail.changed:
                summary.unchanged += count
                continue
            changed.append(trail)
            summary.inserted += trail.new_rows
            summary.updated += count - trail.new_rows
        if not changed:
            return
        ids = [trail.petition_id for trail in changed]
        conn.execute(
            update(petitions)
            .where(petitions.c.id == bindparam("b_id"))
            .values({c: bindparam(f"b_{c}", type_=petitions.c[c].type) for c in (*DERIVED, "updated_at")}),
            [
                {"b_id": t.petition_id, "b_updated_at": written_at}
                | {f"b_{c}": v for c, v in t.derived.items()}
                for t in changed
            ],
        )
        conn.execute(delete(petition_events).where(petition_events.c.petition_id.in_(ids)))
        conn.execute(
            insert(petition_events),
            [{**event, "petition_id": t.petition_id} for t in changed for event in t.events],
        )


def _groups(items: list[Item]) -> list[tuple[str | None, list[Item]]]:
    """Runs of items with the same petition id, in file order."""
    groups: list[tuple[str | None, list[Item]]] = []
    for item in items:
        parent = item.values.get(PARENT)
        if groups and parent is not None and groups[-1][0] == parent:
            groups[-1][1].append(item)
        else:
            groups.append((parent, [item]))
    return groups


def _stored_events(conn: Connection, ids: list[int]) -> dict[int, list[dict]]:
    if not ids:
        return {}
    found: dict[int, list[dict]] = {}
    query = (
        select(petition_events)
        .where(petition_events.c.petition_id.in_(ids))
        .order_by(petition_events.c.petition_id, petition_events.c.id)
    )
    for row in conn.execute(query):
        found.setdefault(row.petition_id, []).append(row._asdict())
    return found
