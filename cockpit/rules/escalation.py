"""Overdue escalation: what happens to an open warning as its deadline nears
and passes.

The policy is data, in one place (``POLICY``): for each owner kind, the
stages an open warning goes through, each beginning at an offset from its
``due_at``. Village-owned warnings (the efficiency rules: seals, disclosures,
queries, petitions) are first reminded, a day before the deadline, and go to
the town's discipline committee for supervision (督办) when it passes, with a
new deadline; warnings owned by a town commission or a department (the
compliance rules, routed to the responsible department when raised) are
reminded once when their deadline passes. ``due_stage`` is the pure decision.

``escalate(conn, now)`` is the refresh step; in the caller's transaction it:

1. reads the open warnings that have reached a stage by ``now`` (one query);
2. reads what the system already did to them: its latest reminder and
   whether it ever reassigned them (one grouped query per chunk of ids);
3. picks for each the latest stage begun, unless done already (a reminder
   counts as done when one was sent since the stage began; a reassignment
   when the system has ever reassigned the warning), so it never escalates a
   warning twice the same way and a second run does nothing;
4. applies it through ``apply_warning_step`` (the lifecycle checks it; the
   row change and the event come from the same code), stamped ``now`` and
   signed by the warning system;
5. writes each change with an UPDATE conditional on the status and
   ``updated_at`` it read, so a warning moved meanwhile (by its owner, or by
   another escalation running at once) is left alone and looked at again
   next run (one UPDATE per warning moved: a few per run once caught up);
   then inserts the events of the rows it moved, in one statement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

from sqlalchemy import Connection, and_, func, insert, or_, select

from cockpit.lifecycle import WARNING
from cockpit.rules.checks import chunks
from cockpit.rules.engine import SYSTEM, commission
from cockpit.store.factories import WarningStep, apply_warning_step, write_moved
from cockpit.store.schema import regions, warning_events, warnings
from cockpit.timewindow import TZ


@dataclass(frozen=True)
class Stage:
    """One step of the policy for an owner kind."""

    event: str  # a warning lifecycle event: "reminded" or "reassigned"
    offset: timedelta  # begins at due_at + offset (negative: before the deadline)
    note: str  # str.format template over owner, due, to, new_due (times local)
    to_owner_kind: str | None = None  # reassigned: the new owner kind
    extension: timedelta | None = None  # reassigned: the new due_at is the time of it plus this


POLICY: Mapping[str, tuple[Stage, ...]] = MappingProxyType(
    {
        "village": (
            Stage(
                "reminded",
                -timedelta(hours=24),
                "处置期限 {due:%Y-%m-%d %H:%M} 将至，请{owner}尽快处置",
            ),
            Stage(
                "reassigned",
                timedelta(0),
                "逾期未处置，转{to}督办，处置期限延至 {new_due:%Y-%m-%d %H:%M}",
                to_owner_kind="town_commission",
                extension=timedelta(days=3),
            ),
        ),
        "town_commission": (
            Stage("reminded", timedelta(0), "已超过处置期限 {due:%Y-%m-%d %H:%M}，请{owner}尽快处置"),
        ),
        "department": (
            Stage("reminded", timedelta(0), "已超过处置期限 {due:%Y-%m-%d %H:%M}，请{owner}尽快处置"),
        ),
    }
)

EVENTS = ("reminded", "reassigned")  # what the policy's stages do
# What an escalation may change; the conditional UPDATE sets these.
MOVED = ("status", "owner_kind", "owner_name", "due_at", "updated_at")


def due_stage(
    owner_kind: str,
    due_at: datetime,
    now: datetime,
    last_reminded: datetime | None = None,
    reassigned: bool = False,
) -> Stage | None:
    """The stage to apply at ``now`` to an open warning of ``owner_kind`` due
    at ``due_at``, or None. ``last_reminded``: when the system last reminded
    it; ``reassigned``: whether the system ever reassigned it."""
    begun = [stage for stage in POLICY.get(owner_kind, ()) if due_at + stage.offset <= now]
    if not begun:
        return None
    stage = begun[-1]
    if stage.event == "reassigned":
        return None if reassigned else stage
    started = due_at + stage.offset
    return None if last_reminded is not None and last_reminded >= started else stage


def escalate(conn: Connection, now: datetime) -> int:
    """Apply the policy to the open warnings at ``now``; the number of
    warnings reminded or reassigned. Idempotent; see the module docstring."""
    candidates = _candidates(conn, now)
    if not candidates:
        return 0
    done = _done(conn, [row["id"] for row in candidates])
    planned = []
    for row in candidates:
        last_reminded, reassigned = done.get(row["id"], (None, False))
        stage = due_stage(row["owner_kind"], row["due_at"], now, last_reminded, reassigned)
        if stage is not None:
            planned.append((row, stage))
    going_up = {row["village_code"] for row, stage in planned if stage.to_owner_kind}
    commissions = _town_commissions(conn, going_up)
    events = []
    for row, stage in planned:
        after = dict(row)
        event = apply_warning_step(after, stage_step(row, stage, now, commissions))
        if write_moved(conn, warnings, row, after, MOVED):
            events.append({**event, "warning_id": row["id"]})
    if events:
        conn.execute(insert(warning_events), events)
    return len(events)


def stage_step(row: dict, stage: Stage, now: datetime, commissions: Mapping[str, str]) -> WarningStep:
    """The step that applies ``stage`` at ``now`` to a warning ``row``
    (owner_kind, owner_name, due_at, village_code); ``commissions``: village
    code -> its town's discipline body."""
    to = commissions.get(row["village_code"]) if stage.to_owner_kind == "town_commission" else None
    new_due = now + stage.extension if stage.extension is not None else None
    note = stage.note.format(
        owner=row["owner_name"],
        due=row["due_at"].astimezone(TZ),
        to=to or "",
        new_due=new_due.astimezone(TZ) if new_due is not None else None,
    )
    return WarningStep(
        stage.event,
        now,
        actor=SYSTEM,
        note=note,
        owner_kind=stage.to_owner_kind,
        owner_name=to,
        due_at=new_due,
    )


def _candidates(conn: Connection, now: datetime) -> list[dict]:
    """Open warnings that have reached a stage of their owner kind's policy
    (and whose latest event is not after ``now``)."""
    reached = [
        and_(warnings.c.owner_kind == kind, warnings.c.due_at <= now - min(s.offset for s in stages))
        for kind, stages in POLICY.items()
        if stages
    ]
    query = (
        select(*(warnings.c[column] for column in ("id", "village_code", *MOVED)))
        .where(
            warnings.c.status.in_(WARNING.open_codes),
            warnings.c.updated_at <= now,
            or_(*reached),
        )
        .order_by(warnings.c.id)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def _done(conn: Connection, ids: list[int]) -> dict[int, tuple[datetime | None, bool]]:
    """For each warning the system reminded or reassigned: when it last
    reminded it, and whether it ever reassigned it."""
    done: dict[int, tuple[datetime | None, bool]] = {}
    e = warning_events
    for chunk in chunks(ids):
        query = (
            select(e.c.warning_id, e.c.kind, func.max(e.c.at))
            .where(e.c.warning_id.in_(chunk), e.c.kind.in_(EVENTS), e.c.actor == SYSTEM)
            .group_by(e.c.warning_id, e.c.kind)
        )
        for warning_id, kind, at in conn.execute(query):
            last_reminded, reassigned = done.get(warning_id, (None, False))
            if kind == "reminded":
                last_reminded = at
            else:
                reassigned = True
            done[warning_id] = (last_reminded, reassigned)
    return done


def _town_commissions(conn: Connection, villages: set[str]) -> dict[str, str]:
    """Village code -> its town's discipline committee (``<镇>纪委``), named
    as the engine names a town_commission owner."""
    if not villages:
        return {}
    town = regions.alias("town")
    query = (
        select(regions.c.code, regions.c.name, town.c.name)
        .select_from(regions.outerjoin(town, town.c.code == regions.c.parent_code))
        .where(regions.c.code.in_(sorted(villages)))
    )
    return {code: commission(town_name or name) for code, name, town_name in conn.execute(query)}
