"""Warning histories: when rules fire, who owns each warning, how long it
stays red (new) and yellow (pending) before it turns green (disposed).

A town's ``speed`` (from its petition calibration: slower towns are slower
at everything) stretches both phases. The red and yellow durations are
heavy-tailed on purpose, so that at ``now`` there is a live queue: mostly
recent red warnings and yellow ones of which some are past due. Like
petitions, each warning is planned in full and cut at ``now``; the live demo
plays out the rest.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from cockpit.store.factories import WarningStep, build_warning
from sample_db.petitions import Place, closure_after, open_at, poisson
from sample_db.plans import Plan
from sample_db.rules import (
    DUE_DAYS,
    OVERDUE_PETITION,
    RULE_WEIGHTS,
    RULES,
    SUBJECT_PREFIX,
    Rule,
    disposal_note,
)
from sample_db.timing import LOCAL, SYSTEM_HOURS, Clock, hours, local_day_start, split, working_time

DISPOSITIONS = ("confirmed", "rectified", "false_alarm")
QUICK_FALSE_ALARM = 0.45  # of false alarms, dismissed straight from red
REOPEN_RATE = 0.06  # of false alarms, found true on review
ESCALATE_LATE_VILLAGE = 0.6  # village-owned warnings past due passed to the town commission
PETITION_NOTES = {
    "rectified": ("诉求已办结，已督促相关单位落实办理时限", "诉求已办结，已提醒责任单位"),
    "confirmed": ("经核查存在推诿拖延，已约谈责任人", "经核查办理不力，已通报批评"),
}


@dataclass(frozen=True)
class Raising:
    """A rule firing on a village's records, before its history is drawn."""

    raised_at: datetime
    place: Place
    rule: Rule
    speed: float
    petition: dict | None = None  # the overdue petition's row, for PET-01
    petition_closed: datetime | None = None  # when that petition is next closed (None: not planned)


def owner_of(rule: Rule, place: Place) -> tuple[str, str]:
    """(owner_kind, owner_name) a new warning of ``rule`` goes to."""
    if rule.owner_kind == "village":
        return "village", place.village_unit
    if rule.owner_kind == "department":
        return "department", place.city + rule.department
    return "town_commission", place.town.commission


def draw_raisings(
    rng: random.Random, places: list[tuple[Place, float, float]], clock: Clock
) -> list[Raising]:
    """Rule firings for every (place, warnings per year, speed)."""
    years = (clock.now - clock.start) / timedelta(days=365)
    raisings = []
    for place, per_year, speed in places:
        for _ in range(poisson(rng, per_year * years)):
            rule = rng.choices(RULES, RULE_WEIGHTS)[0]
            raisings.append(Raising(clock.draw(rng, SYSTEM_HOURS), place, rule, speed))
    return raisings


def overdue_petition_raising(petition: dict, steps: list, place: Place, speed: float) -> Raising | None:
    """PET-01 for a petition that goes past its time limit: raised by the
    nightly run after its due time when the petition (planned with
    ``steps``) is still open then. Whether that is before ``now`` or after
    is the caller's business."""
    due = petition["due_at"]
    local_due = due.astimezone(LOCAL)
    run = local_day_start(local_due.date()) + timedelta(hours=1, minutes=30)
    if run <= local_due:
        run += timedelta(days=1)
    run = run.astimezone(due.tzinfo)
    if not open_at(steps, run):
        return None
    return Raising(run, place, OVERDUE_PETITION, speed, petition, closure_after(steps, run))


def plan_warning(rng: random.Random, raising: Raising, external_id: str, now: datetime) -> Plan:
    """A warning planned from its raising to its last step, cut at ``now``:
    the record as of ``now`` and the steps still to come."""
    rule, place, raised = raising.rule, raising.place, raising.raised_at
    owner_kind, owner_name = owner_of(rule, place)
    if raising.petition is not None:
        petition = raising.petition
        limit = (petition["due_at"] - petition["received_at"]).days
        title, amount = (
            f"诉求 {petition['external_id']}（{petition['category']}）超过 {limit} 日时限未办结",
            None,
        )
        subject_id = petition["external_id"]
        steps = _petition_warning_steps(rng, raised, raising.petition_closed, raising.speed)
    else:
        title, amount = rule.title(rng, raised)
        year = raised.astimezone(LOCAL).year
        subject_id = f"{SUBJECT_PREFIX[rule.subject_type]}-{year}-{rng.randrange(1, 10**6):06d}"
        steps = _history(rng, rule, place, raised, raising.speed)
    past, later = split(steps, now)
    built = build_warning(
        external_id=external_id,
        rule_code=rule.code,
        category=rule.category,
        title=title,
        village_code=place.village_code,
        raised_at=raised,
        due_at=raised + timedelta(days=DUE_DAYS[rule.severity]),
        owner_kind=owner_kind,
        owner_name=owner_name,
        severity=rule.severity,
        subject_type=rule.subject_type,
        subject_id=subject_id,
        amount=amount,
        steps=past,
    )
    return Plan(built, later, past + later)


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


def _history(
    rng: random.Random, rule: Rule, place: Place, raised: datetime, speed: float
) -> list[WarningStep]:
    disposition = rng.choices(DISPOSITIONS, rule.dispositions)[0]
    if disposition == "false_alarm" and rng.random() < QUICK_FALSE_ALARM:
        at = raised + hours(min(rng.lognormvariate(math.log(6), 1.0), 96) * speed)
        at = working_time(at, latest=at + timedelta(days=1))
        return [_disposed(rng, rule, at, disposition)]
    accepted = raised + _red_time(rng, speed)
    accepted = working_time(accepted, latest=accepted + timedelta(days=1))
    steps = [WarningStep("accepted", accepted, note="已签收，开始核查")]
    disposed = accepted + _yellow_time(rng, rule.severity, speed)
    due = raised + timedelta(days=DUE_DAYS[rule.severity])
    if (
        rule.owner_kind == "village"
        and disposed > due + timedelta(days=1)
        and rng.random() < ESCALATE_LATE_VILLAGE
    ):
        at = max(accepted, due) + hours(rng.uniform(1, 8))
        commission = place.town.commission
        steps.append(
            WarningStep(
                "reassigned",
                at,
                actor="预警系统",
                note=f"逾期未处置，转{commission}督办",
                owner_kind="town_commission",
                owner_name=commission,
            )
        )
        disposed = max(disposed, at + hours(rng.uniform(4, 72)))
    disposed = working_time(disposed, latest=disposed + timedelta(days=1))
    steps.append(_disposed(rng, rule, disposed, disposition))
    if disposition == "false_alarm" and rng.random() < REOPEN_RATE:
        reopened = disposed + timedelta(days=rng.uniform(2, 10))
        steps.append(WarningStep("reopened", reopened, note="复查发现问题属实，重新处置"))
        steps.append(_disposed(rng, rule, reopened + timedelta(days=rng.uniform(1, 5)), "confirmed"))
    return steps


def _petition_warning_steps(
    rng: random.Random, raised: datetime, petition_closed: datetime | None, speed: float
) -> list[WarningStep]:
    accepted = raised + hours(min(rng.lognormvariate(math.log(7), 0.8), 72) * speed)
    accepted = working_time(accepted, latest=accepted + timedelta(days=1))
    steps = [WarningStep("accepted", accepted, note="已签收，督促办理")]
    if petition_closed is not None:
        at = max(accepted, petition_closed) + hours(rng.uniform(1, 30))
        disposition = "confirmed" if rng.random() < 0.3 else "rectified"
        steps.append(_disposed(rng, OVERDUE_PETITION, at, disposition))
    return steps


def _disposed(rng: random.Random, rule: Rule, at: datetime, disposition: str) -> WarningStep:
    if rule is OVERDUE_PETITION:
        note = rng.choice(PETITION_NOTES[disposition])
    else:
        note = disposal_note(rng, rule.category, disposition)
    return WarningStep("disposed", at, note=note, disposition=disposition)
