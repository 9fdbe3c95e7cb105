"""Petition histories: when they arrive, how they travel up the levels, how
long they take, what residents say at the end.

The calibration knob is each town's ``share_target`` (share closed within 5
days): it sets how likely a general and a complex case is to be closed in
time. Everything else (levels, feedback, reopening) is drawn per petition.
Histories are planned in full and then cut at ``now``, so recent petitions
are naturally still open; the rest of the plan is what the live demo plays
out after ``now``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from cockpit.lifecycle import HANDLING_LEVEL_ORDER
from cockpit.store.factories import Step, build_petition
from sample_db import catalog
from sample_db.catalog import Category
from sample_db.names import PERSON_SURNAMES
from sample_db.people import GIVEN
from sample_db.plans import Plan
from sample_db.timing import LOCAL, OFFICE_HOURS, ONLINE_HOURS, Clock, hours, split, working_time

SLA = timedelta(days=5)
# A stuck petition (the overdue tail) is closed only this long, plus up to
# STUCK_EXTRA, after receipt.
STUCK_FOR, STUCK_EXTRA = timedelta(days=45), timedelta(days=10)

# Where petitions end up being solved (the highest level they reach).
LEVEL_WEIGHTS = {"general": (80, 17, 2.5, 0.5), "complex": (30, 42, 22, 6)}
SATISFACTION_WEIGHTS = {True: (4, 16, 80), False: (15, 30, 55)}  # by "closed in time"; for 1, 2, 3
FEEDBACK_RATE = 0.86
REOPEN_RATE = 0.4  # of petitions rated "not satisfied"
# Reopened petitions close a second time, mostly after 5 days: aim this much
# higher so that the measured share lands on the town's target.
REOPEN_LOSS = 0.012
# Real-name reporters' invented mobile numbers start like a real carrier's.
MOBILE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "158", "159", "187", "188", "189")
CALL_BACK_RATE = 0.125  # of real-name petitions, whose summary gives the number


@dataclass(frozen=True)
class Place:
    """Where a petition is: the village, its town and the city around it."""

    village_code: str
    village_name: str
    village_unit: str
    town: object  # sample_db.city.Town or any object with name, commission, government
    city: str
    prefecture: str

    def unit(self, level: str, category: Category) -> str:
        return catalog.unit_for(
            level,
            category,
            village_unit=self.village_unit,
            town=self.town,
            city=self.city,
            prefecture=self.prefecture,
        )


@dataclass(frozen=True)
class Arrival:
    received_at: datetime
    place: Place
    channel: str


def draw_arrivals(rng: random.Random, places_rates: list[tuple[Place, float]], clock: Clock) -> list[Arrival]:
    """Receipt times for every village at its yearly rate, sorted by time."""
    channels = list(catalog.CHANNEL_WEIGHTS)
    weights = list(catalog.CHANNEL_WEIGHTS.values())
    years = (clock.now - clock.start) / timedelta(days=365)
    arrivals = []
    for place, per_year in places_rates:
        for _ in range(poisson(rng, per_year * years)):
            channel = rng.choices(channels, weights)[0]
            profile = OFFICE_HOURS if channel in ("hotline", "visit") else ONLINE_HOURS
            arrivals.append(Arrival(clock.draw(rng, profile), place, channel))
    arrivals.sort(key=lambda a: (a.received_at, a.place.village_code))
    return arrivals


def external_ids(prefix: str, times: list[datetime]) -> list[str]:
    """``SQ202603010007``-style ids: prefix, local date, sequence within the day."""
    ids, counts = [], {}
    for at in times:
        day = at.astimezone(LOCAL).strftime("%Y%m%d")
        counts[day] = counts.get(day, 0) + 1
        ids.append(f"{prefix}{day}{counts[day]:04d}")
    return ids


def plan_petition(
    rng: random.Random,
    arrival: Arrival,
    external_id: str,
    now: datetime,
    *,
    share_target: float,
    stuck_rate: float,
    category: Category | None = None,
    summary: str | None = None,
) -> Plan:
    """A petition planned from receipt to its last step, cut at ``now``:
    the record as of ``now`` and the steps still to come. ``category`` and
    ``summary`` are drawn unless given (a tip's: sample_db.tips)."""
    if category is None:
        category = rng.choices(catalog.CATEGORIES, catalog.CATEGORY_WEIGHTS)[0]
    complexity = "complex" if rng.random() < category.complex_rate else "general"
    stuck = rng.random() < stuck_rate
    # Stuck petitions are late: the others make up for them.
    in_time = not stuck and rng.random() < _in_time_chance(share_target / (1 - stuck_rate), complexity)
    level = rng.choices(HANDLING_LEVEL_ORDER, LEVEL_WEIGHTS[complexity])[0]
    if not in_time and level == "village" and rng.random() < 0.35:
        level = "town"
    received = arrival.received_at
    steps = _history(rng, arrival.place, category, received, level, in_time, complexity, stuck)
    place = arrival.place
    past, later = split(steps, now)
    real_name = rng.random() < catalog.REAL_NAME_RATE[arrival.channel]
    if summary is None:
        summary = catalog.summary(rng, category, place.village_name)
    reporter_name, reporter_phone, summary = _reporter(external_id, real_name, summary)
    built = build_petition(
        external_id=external_id,
        village_code=place.village_code,
        received_at=received,
        category=category.name,
        unit=place.village_unit,
        channel=arrival.channel,
        complexity=complexity,
        real_name=real_name,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        summary=summary,
        steps=past,
    )
    return Plan(built, later, past + later)


def _reporter(external_id: str, real_name: bool, summary: str) -> tuple[str | None, str | None, str]:
    """Who filed a real-name petition: an invented name and mobile number
    (anonymous: None, None). Drawn from a generator seeded by the petition's
    id, not from the city's, so adding reporters moved no other figure; one
    in eight asks in its summary to be called back, so that the masking of
    numbers in free text shows."""
    if not real_name:
        return None, None, summary
    rng = random.Random(f"reporter:{external_id}")
    name = rng.choice(PERSON_SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    phone = rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
    if rng.random() < CALL_BACK_RATE:
        summary = f"{summary}请回电 {phone}。"
    return name, phone, summary


def _in_time_chance(share_target: float, complexity: str) -> float:
    """Chance to close in 5 days, so that ~10% complex cases and the rest
    general ones give the town its ``share_target``."""
    share_target += REOPEN_LOSS
    complex_chance = min(0.9, max(0.05, (share_target - 0.75) * 3.6))
    if complexity == "complex":
        return complex_chance
    return min(0.999, (share_target - 0.1 * complex_chance) / 0.9)


def _duration(rng: random.Random, complexity: str, level: str, in_time: bool) -> timedelta:
    """Receipt to closure."""
    extra = {"village": 0, "town": 10, "county": 24, "city": 36}[level]
    if in_time:
        for _ in range(20):
            value = rng.lognormvariate(math.log(20 if complexity == "general" else 60), 0.75) + extra
            if 1.0 <= value <= 119.0:
                return hours(value)
        return hours(rng.uniform(60, 119))
    if complexity == "general":
        return hours(120.5 + min(rng.expovariate(1 / 60), 360))
    if rng.random() < 0.7:
        return hours(rng.uniform(121, 359))
    return hours(360.5 + min(rng.expovariate(1 / 96), 600))


def _history(
    rng: random.Random,
    place: Place,
    category: Category,
    received: datetime,
    level: str,
    in_time: bool,
    complexity: str,
    stuck: bool,
) -> list[Step]:
    total = _duration(rng, complexity, level, in_time)
    closed = received + total
    resolved = closed - min(total * 0.3, hours(rng.uniform(0.5, 20)))
    assigned = received + min(total * 0.2, hours(min(12, rng.lognormvariate(math.log(1.5), 0.9))))
    assigned = working_time(assigned, latest=received + total * 0.25)
    steps = [Step("assigned", assigned, note=f"交办{place.village_unit}办理")]

    climbs = HANDLING_LEVEL_ORDER[1 : HANDLING_LEVEL_ORDER.index(level) + 1]
    previous = assigned
    for i, higher in enumerate(climbs, start=1):
        at = assigned + (resolved - assigned) * (i / (len(climbs) + 1)) * rng.uniform(0.8, 1.1)
        at = max(previous, working_time(at, latest=resolved))
        unit = place.unit(higher, category)
        steps.append(Step("escalated", at, level=higher, unit=unit, note=_escalation_note(higher, unit)))
        previous = at
    if stuck:  # nobody moves it for weeks, then it is solved at last
        closed = received + STUCK_FOR + STUCK_EXTRA * rng.random()
        resolved, in_time = closed - hours(rng.uniform(2, 48)), False

    resolved = max(previous, working_time(resolved, latest=closed))
    steps.append(Step("resolved", resolved, note=rng.choice(category.results)))
    satisfaction = None
    if rng.random() < FEEDBACK_RATE:
        satisfaction = rng.choices((1, 2, 3), SATISFACTION_WEIGHTS[in_time])[0]
        at = resolved + (closed - resolved) * rng.uniform(0.3, 0.9)
        steps.append(_feedback(rng, at, satisfaction))
    steps.append(Step("closed", closed, note="已回复群众，办结"))
    if satisfaction == 1 and rng.random() < REOPEN_RATE:
        steps.extend(_reopening(rng, category, closed))
    return steps


def _reopening(rng: random.Random, category: Category, closed: datetime) -> list[Step]:
    reopened = closed + hours(rng.uniform(12, 72))
    resolved = reopened + hours(rng.uniform(24, 96))
    feedback = resolved + hours(rng.uniform(2, 20))
    return [
        Step("reopened", reopened, note="群众不满意，重新办理"),
        Step("resolved", resolved, note=rng.choice(category.results)),
        _feedback(rng, feedback, rng.choice((2, 3, 3))),
        Step("closed", feedback + hours(rng.uniform(0.5, 6)), note="已回复群众，办结"),
    ]


def _feedback(rng: random.Random, at: datetime, satisfaction: int) -> Step:
    note = rng.choice(catalog.FEEDBACK_NOTES[satisfaction])
    return Step("feedback", at, note=note, satisfaction=satisfaction)


def _escalation_note(level: str, unit: str) -> str:
    return {
        "town": f"村级无法解决，上报{unit}",
        "county": f"镇级协调未果，提请{unit}办理",
        "city": f"涉及跨区域政策，报请{unit}协调",
    }[level]


def open_at(steps: list[Step], at: datetime) -> bool:
    """Whether a petition planned with ``steps`` is open at ``at``."""
    closed = False
    for step in steps:
        if step.at > at:
            break
        if step.kind in ("closed", "reopened"):
            closed = step.kind == "closed"
    return not closed


def closure_after(steps: list[Step], at: datetime) -> datetime | None:
    """When a petition planned with ``steps`` is next closed after ``at``."""
    return next((s.at for s in steps if s.kind == "closed" and s.at > at), None)


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (normal approximation above 50; exact below)."""
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k
