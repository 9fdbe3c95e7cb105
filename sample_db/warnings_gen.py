"""What happens to a warning after the engine raises it: how long it stays
red (new) and yellow (pending) before it turns green (disposed), and the
escalation the refresh job applies on the way (cockpit.rules.escalation).

The warnings themselves (rule, subject, explanation, evidence, owner,
deadline) are the engine's; this module only plans their handling. A town's
``speed`` (from its petition calibration: slower towns are slower at
everything) stretches both phases. The red and yellow durations are
heavy-tailed on purpose, so that at ``now`` there is a live queue: mostly
recent red warnings and yellow ones of which some are past due. Each warning
is planned in full and cut at ``now``; the live demo plays out the rest.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from cockpit.rules.escalation import POLICY, stage_step
from cockpit.store.factories import WarningStep, build_warning
from sample_db.plans import Plan
from sample_db.rules import disposal_note, dispositions
from sample_db.timing import hours, split, working_time

DISPOSITIONS = ("confirmed", "rectified", "false_alarm")
QUICK_FALSE_ALARM = 0.45  # of false alarms, dismissed straight from red
REOPEN_RATE = 0.06  # of false alarms, found true on review
# The refresh job runs every minute: escalation steps land this long after their time.
REFRESH_DELAY = timedelta(seconds=40)


def plan_warning(
    rng: random.Random,
    spec: dict,
    now: datetime,
    speed: float,
    commission: str,
    petition_closed: datetime | None = None,
) -> Plan:
    """The warning the engine raised (``spec``: build_warning's arguments,
    from cockpit.rules.engine.warning_specs) planned from its raising to its
    last step, escalation included, and cut at ``now``. ``commission``: the
    village's town discipline committee; ``petition_closed``: for PET-01,
    when the petition is next closed (None: not planned)."""
    raised = spec["raised_at"]
    if spec["rule_code"] == "PET-01":
        steps = _petition_warning_steps(rng, spec, raised, petition_closed, speed)
    else:
        steps = _history(rng, spec, raised, speed)
    # Escalation after now is the live refresh job's (cockpit.rules.escalation), not the plan's.
    past, _ = split(with_escalation(spec, steps, commission), now)
    _, later = split(steps, now)
    return Plan(build_warning(**spec, steps=past), later, past + later)


def handling_steps(rng: random.Random, row: dict, petition_closed: datetime | None, speed: float) -> list:
    """The handling still to come of a warning the engine raised in the
    live demo (``row``: the stored warning), escalation left to the refresh
    job."""
    if row["rule_code"] == "PET-01":
        return _petition_warning_steps(rng, row, row["raised_at"], petition_closed, speed)
    return _history(rng, row, row["raised_at"], speed)


def with_escalation(spec: dict, steps: list[WarningStep], commission: str) -> list[WarningStep]:
    """``steps`` with the reminders and reassignments the escalation policy
    adds while the warning is open (as cockpit.rules.escalation would at its
    refresh runs)."""
    row = {k: spec[k] for k in ("owner_kind", "owner_name", "due_at", "village_code")}
    done: set[tuple[str, str, datetime]] = set()
    result, pending = [], list(steps)
    open_ = True
    at = spec["raised_at"]
    while True:
        stage_time, stage = _next_stage(row, done, at)
        next_step = pending[0] if pending else None
        if open_ and stage is not None and (next_step is None or stage_time < next_step.at):
            step = stage_step(row, stage, stage_time, {row["village_code"]: commission})
            done.add((row["owner_kind"], stage.event, row["due_at"]))
            if step.owner_kind:
                row.update(owner_kind=step.owner_kind, owner_name=step.owner_name)
            if step.due_at:
                row["due_at"] = step.due_at
            result.append(step)
            at = stage_time
            continue
        if next_step is None:
            return result
        pending.pop(0)
        result.append(next_step)
        at = next_step.at
        if next_step.kind == "disposed":
            open_ = False
        elif next_step.kind == "reopened":
            open_ = True


def _next_stage(row: dict, done: set, at: datetime):
    """The first stage of the owner's policy not yet applied for this
    deadline, and when the refresh would apply it (not before ``at``)."""
    for stage in POLICY.get(row["owner_kind"], ()):
        if (row["owner_kind"], stage.event, row["due_at"]) in done:
            continue
        return max(at, row["due_at"] + stage.offset) + REFRESH_DELAY, stage
    return None, None


def _red_time(rng: random.Random, speed: float) -> timedelta:
    """How long a warning stays red before someone signs for it."""
    draw = rng.random()
    if draw < 0.35:
        days = rng.lognormvariate(math.log(5 / 24), 1.0)
    elif draw < 0.85:
        days = rng.uniform(1, 6)
    else:
        days = rng.uniform(6, 21)
    return timedelta(days=min(days * speed, 40))


def _yellow_time(rng: random.Random, severity: str, speed: float) -> timedelta:
    """How long handling takes once signed for."""
    median = {"high": 3.0, "medium": 7.0, "low": 12.0}[severity]
    days = rng.lognormvariate(math.log(median), 0.8) * (2.5 if rng.random() < 0.08 else 1.0)
    return timedelta(days=min(days * speed, 45))


def _history(rng: random.Random, spec: dict, raised: datetime, speed: float) -> list[WarningStep]:
    disposition = rng.choices(DISPOSITIONS, dispositions(spec["rule_code"]))[0]
    category = spec["category"]
    if disposition == "false_alarm" and rng.random() < QUICK_FALSE_ALARM:
        at = raised + hours(min(rng.lognormvariate(math.log(6), 1.0), 96) * speed)
        at = working_time(at, latest=at + timedelta(days=1))
        return [_disposed(rng, category, at, disposition)]
    accepted = raised + _red_time(rng, speed)
    accepted = working_time(accepted, latest=accepted + timedelta(days=1))
    steps = [WarningStep("accepted", accepted, note="已签收，开始核查")]
    disposed = accepted + _yellow_time(rng, spec["severity"], speed)
    disposed = working_time(disposed, latest=disposed + timedelta(days=1))
    steps.append(_disposed(rng, category, disposed, disposition))
    if disposition == "false_alarm" and rng.random() < REOPEN_RATE:
        reopened = disposed + timedelta(days=rng.uniform(2, 10))
        steps.append(WarningStep("reopened", reopened, note="复查发现问题属实，重新处置"))
        steps.append(_disposed(rng, category, reopened + timedelta(days=rng.uniform(1, 5)), "confirmed"))
    return steps


def _petition_warning_steps(
    rng: random.Random, spec: dict, raised: datetime, petition_closed: datetime | None, speed: float
) -> list[WarningStep]:
    accepted = raised + hours(min(rng.lognormvariate(math.log(7), 0.8), 72) * speed)
    accepted = working_time(accepted, latest=accepted + timedelta(days=1))
    steps = [WarningStep("accepted", accepted, note="已签收，督促办理")]
    if petition_closed is not None:
        at = max(accepted, petition_closed) + hours(rng.uniform(1, 30))
        disposition = "confirmed" if rng.random() < 0.3 else "rectified"
        steps.append(_disposed(rng, spec["category"], at, disposition))
    return steps


def _disposed(rng: random.Random, category: str, at: datetime, disposition: str) -> WarningStep:
    return WarningStep(
        "disposed", at, note=disposal_note(rng, category, disposition), disposition=disposition
    )
