"""Petitions for the scale store, a chunk of days at a time, with numpy.

The model is the sample's (sample_db.petitions), drawn per column instead of
per petition: categories, channels, real-name and complex shares from
sample_db.catalog; each town a target share closed within 5 days and a stuck
rate; the chance to close in time set from them; where a petition ends up
being solved (village, town, county, city) and its duration from the
sample's distributions; its steps (受理, 交办, 上报, 办理完成, 群众反馈, 办结)
timed as the sample times them, and the history cut at ``now``. Left out:
reopening, and moving steps into working hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cockpit.lifecycle import COMPLEXITY_LIMIT_DAYS, HANDLING_LEVEL_ORDER
from sample_db.catalog import CATEGORIES, CHANNEL_WEIGHTS, FEEDBACK_NOTES, REAL_NAME_RATE
from sample_db.names import GROUP_NUMERALS
from sample_db.petitions import FEEDBACK_RATE, LEVEL_WEIGHTS, SATISFACTION_WEIGHTS, STUCK_EXTRA, STUCK_FOR
from sample_db.scale.clock import DAY, HOUR, NULL_TIME, Day, History, times_of_day, zfill
from sample_db.scale.province import Villages
from sample_db.timing import OFFICE_HOURS, ONLINE_HOURS

CHANNELS = tuple(CHANNEL_WEIGHTS)
CHANNEL_P = np.array([CHANNEL_WEIGHTS[c] for c in CHANNELS], dtype=float) / sum(CHANNEL_WEIGHTS.values())
REAL_NAME = np.array([REAL_NAME_RATE[c] for c in CHANNELS])
OFFICE_CHANNELS = np.array([c in ("hotline", "visit") for c in CHANNELS])
CATEGORY_P = np.array([c.weight for c in CATEGORIES], dtype=float)
CATEGORY_P /= CATEGORY_P.sum()
COMPLEX_RATE = np.array([c.complex_rate for c in CATEGORIES])
COMPLEX_SHARE = float(CATEGORY_P @ COMPLEX_RATE)
LEVELS = np.array(HANDLING_LEVEL_ORDER, dtype=object)
LEVEL_P = {k: np.array(w, dtype=float) / sum(w) for k, w in LEVEL_WEIGHTS.items()}
EXTRA_HOURS = np.array([0, 10, 24, 36])  # later levels take longer (sample_db.petitions._duration)
STUCK_RATE, STUCK_RATE_BAD = 0.006, 0.05  # as sample_db.build
ONLINE, OFFICE = np.array(ONLINE_HOURS), np.array(OFFICE_HOURS)
GROUPS = np.array([g + "组" for g in GROUP_NUMERALS[:8]], dtype=object)
AMOUNTS = np.array([3200, 5800, 8600, 12000, 24000, 36500, 58000])
ESCALATION_NOTES = ("", "村级无法解决，上报{}", "镇级协调未果，提请{}办理", "涉及跨区域政策，报请{}协调")
CLOSED_NOTE = "已回复群众，办结"
EVENT_ORDER = {"received": 0, "assigned": 1, "escalated": 2, "resolved": 3, "feedback": 4, "closed": 5}


def _flat(lists):
    """Lists of texts as one array and each list's (offset, length)."""
    flat = np.array([t for texts in lists for t in texts], dtype=object)
    lengths = np.array([len(texts) for texts in lists])
    return flat, np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths


SUMMARIES, SUMMARY_AT, SUMMARY_N = _flat([c.summaries for c in CATEGORIES])
RESULTS, RESULT_AT, RESULT_N = _flat([c.results for c in CATEGORIES])
FEEDBACK, FEEDBACK_AT, FEEDBACK_N = _flat([FEEDBACK_NOTES[s] for s in (1, 2, 3)])
TOWN_OFFICE = np.array([c.town_office for c in CATEGORIES], dtype=object)
COUNTY_BUREAU = np.array([c.county_bureau for c in CATEGORIES], dtype=object)
CITY_BUREAU = np.array([c.city_bureau for c in CATEGORIES], dtype=object)
CATEGORY_NAMES = np.array([c.name for c in CATEGORIES], dtype=object)


@dataclass
class PetitionModel:
    """Per village and per town, what the petitions are drawn from."""

    villages: Villages
    village_p: np.ndarray  # share of petitions per village
    town_share: np.ndarray  # each town's target share closed within 5 days
    town_stuck: np.ndarray  # each town's share of stuck petitions
    in_time: np.ndarray  # [town, complex]: chance to close in 5 days

    @classmethod
    def draw(cls, rng: np.random.Generator, villages: Villages) -> PetitionModel:
        """Villages petition at 17-37 a year relative to each other (the
        sample's spread); towns aim at 86-95% closed within 5 days, one in
        twenty clearly better (96-98%) and one in twenty clearly worse
        (74-80%, with 5% stuck petitions), as the sample's best and worst."""
        rates = rng.uniform(17, 37, len(villages.codes))
        n = len(villages.towns)
        kind = rng.random(n)
        share = np.where(
            kind < 0.05, rng.uniform(0.74, 0.80, n), np.where(kind > 0.95, rng.uniform(0.96, 0.98, n), 0)
        )
        share = np.where(share == 0, rng.uniform(0.86, 0.95, n), share)
        stuck = np.where(share < 0.81, STUCK_RATE_BAD, STUCK_RATE)
        return cls(villages, rates / rates.sum(), share, stuck, in_time_chances(share, stuck))

    @property
    def town_speed(self) -> np.ndarray:
        """How slow a town handles things (sample_db.city.Town.speed)."""
        return 1.0 + (0.9 - self.town_share) * 6


def in_time_chances(share: np.ndarray, stuck: np.ndarray) -> np.ndarray:
    """[town, complex] chance to close in 5 days so that the town, with its
    stuck petitions late, lands on ``share`` (the sample's split: complex
    cases much less often in time than general ones)."""
    target = share / (1 - stuck)
    complex_ = np.clip((target - 0.75) * 3.6, 0.05, 0.9)
    general = np.minimum(0.999, (target - COMPLEX_SHARE * complex_) / (1 - COMPLEX_SHARE))
    return np.stack([general, complex_], axis=1)


@dataclass
class Petitions:
    """One chunk: the rows for ``petitions`` and, when asked, ``petition_events``."""

    rows: dict[str, np.ndarray]
    events: dict[str, np.ndarray] | None


def petition_chunk(
    rng: np.random.Generator,
    model: PetitionModel,
    history: History,
    days: list[Day],
    first_id: int,
    first_event_id: int,
    id_width: int,
    with_events: bool,
) -> Petitions:
    """The petitions received on ``days`` (whole local days, in order), ids
    from ``first_id`` in order of receipt."""
    now = history.now
    counts = np.array([d.count for d in days])
    n = int(counts.sum())
    day = np.repeat(np.arange(len(days)), counts)
    starts = np.array([d.start for d in days], dtype=np.int64)[day]
    channel = rng.choice(len(CHANNELS), n, p=CHANNEL_P)
    received = np.empty(n, dtype=np.int64)
    office = OFFICE_CHANNELS[channel]
    received[office] = times_of_day(rng, starts[office], OFFICE, now)
    received[~office] = times_of_day(rng, starts[~office], ONLINE, now)
    order = np.lexsort((channel, received))
    received, channel = received[order], channel[order]
    first_of_day = np.concatenate([[0], np.cumsum(counts)[:-1]])
    seq = np.arange(n) - first_of_day[day] + 1
    labels = np.array(["SQ" + d.label for d in days], dtype=object)[day]
    external_id = labels + zfill(seq.astype(str), id_width).astype(object)

    v = model.villages
    village = rng.choice(len(v.codes), n, p=model.village_p)
    town = np.asarray(v.town_index)[village]
    category = rng.choice(len(CATEGORIES), n, p=CATEGORY_P)
    complex_ = rng.random(n) < COMPLEX_RATE[category]
    stuck = rng.random(n) < model.town_stuck[town]
    in_time = ~stuck & (rng.random(n) < model.in_time[town, complex_.astype(int)])
    level = np.where(complex_, rng.choice(4, n, p=LEVEL_P["complex"]), rng.choice(4, n, p=LEVEL_P["general"]))
    level[~in_time & (level == 0) & (rng.random(n) < 0.35)] = 1

    total = _duration_hours(rng, complex_, level, in_time)
    stuck_hours = (STUCK_FOR.total_seconds() + STUCK_EXTRA.total_seconds() * rng.random(n)) / HOUR
    total = np.where(stuck, stuck_hours, total)
    closed = received + (total * HOUR).astype(np.int64)
    to_resolve = np.minimum(0.3 * total, rng.uniform(0.5, 20, n))
    to_resolve = np.where(stuck, rng.uniform(2, 48, n), to_resolve)
    resolved = closed - (to_resolve * HOUR).astype(np.int64)
    to_assign = np.minimum(0.2 * total, np.minimum(12, rng.lognormal(np.log(1.5), 0.9, n)))
    assigned = received + (to_assign * HOUR).astype(np.int64)
    escalated = np.full((3, n), NULL_TIME, dtype=np.int64)
    previous = assigned
    for k in (1, 2, 3):
        at = assigned + ((resolved - assigned) * (k / (level + 1)) * rng.uniform(0.8, 1.1, n)).astype(
            np.int64
        )
        at = np.maximum(at, previous)
        escalated[k - 1] = np.where(level >= k, at, NULL_TIME)
        previous = np.where(level >= k, at, previous)
    gives_feedback = rng.random(n) < FEEDBACK_RATE
    feedback = resolved + ((closed - resolved) * rng.uniform(0.3, 0.9, n)).astype(np.int64)
    satisfaction = np.where(
        in_time,
        rng.choice((1, 2, 3), n, p=_p(SATISFACTION_WEIGHTS[True])),
        rng.choice((1, 2, 3), n, p=_p(SATISFACTION_WEIGHTS[False])),
    )

    # The history cut at now.
    happened = lambda at: (at != NULL_TIME) & (at <= now)  # noqa: E731
    is_closed, is_resolved, is_assigned = happened(closed), happened(resolved), happened(assigned)
    status = np.where(
        is_closed, "closed", np.where(is_resolved, "resolved", np.where(is_assigned, "assigned", "received"))
    ).astype(object)
    level_now = sum(happened(escalated[k]).astype(int) for k in range(3))
    fed_back = gives_feedback & happened(feedback)
    updated = received.copy()
    for at in (assigned, *escalated, resolved, np.where(gives_feedback, feedback, NULL_TIME), closed):
        updated = np.where(happened(at), np.maximum(updated, at), updated)
    place = _Place(v, village, town, category)
    limit = np.where(complex_, COMPLEXITY_LIMIT_DAYS["complex"], COMPLEXITY_LIMIT_DAYS["general"])
    rows = {
        "id": np.arange(first_id, first_id + n, dtype=np.int64),
        "external_id": external_id,
        "village_code": np.asarray(v.codes, dtype=object)[village],
        "channel": np.asarray(CHANNELS, dtype=object)[channel],
        "category": CATEGORY_NAMES[category],
        "summary": _summaries(rng, category, np.asarray(v.names, dtype=object)[village]),
        "complexity": np.where(complex_, "complex", "general").astype(object),
        "real_name": rng.random(n) < REAL_NAME[channel],
        "received_at": received,
        "due_at": received + limit * DAY,
        "status": status,
        "handling_level": LEVELS[level_now],
        "handling_unit": place.units(level_now, np.arange(n)),
        "closed_at": np.where(is_closed, closed, NULL_TIME),
        "satisfaction": np.where(fed_back, satisfaction, np.nan),
        "updated_at": updated,
    }
    events = None
    if with_events:
        steps = _Steps(rows["id"], place)
        steps.add("received", received, np.zeros(n, dtype=int), "")
        steps.add("assigned", assigned, np.zeros(n, dtype=int), None)
        for k in (1, 2, 3):
            steps.add("escalated", escalated[k - 1], np.full(n, k), ESCALATION_NOTES[k])
        steps.add("resolved", resolved, level, _pick(rng, RESULTS, RESULT_AT[category], RESULT_N[category]))
        fed = np.where(gives_feedback, feedback, NULL_TIME)
        notes = _pick(rng, FEEDBACK, FEEDBACK_AT[satisfaction - 1], FEEDBACK_N[satisfaction - 1])
        steps.add("feedback", fed, level, notes)
        steps.add("closed", closed, level, CLOSED_NOTE)
        events = steps.rows(now, first_event_id)
    return Petitions(rows, events)


def _p(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def _duration_hours(
    rng: np.random.Generator, complex_: np.ndarray, level: np.ndarray, in_time: np.ndarray
) -> np.ndarray:
    """Receipt to closure, in hours (sample_db.petitions._duration)."""
    n = len(level)
    median = np.where(complex_, 60.0, 20.0)
    quick = rng.lognormal(np.log(median), 0.75) + EXTRA_HOURS[level]
    for _ in range(20):
        outside = (quick < 1.0) | (quick > 119.0)
        if not outside.any():
            break
        quick[outside] = rng.lognormal(np.log(median[outside]), 0.75) + EXTRA_HOURS[level[outside]]
    outside = (quick < 1.0) | (quick > 119.0)
    quick[outside] = rng.uniform(60, 119, int(outside.sum()))
    late_general = 120.5 + np.minimum(rng.exponential(60, n), 360)
    late_complex = np.where(
        rng.random(n) < 0.7, rng.uniform(121, 359, n), 360.5 + np.minimum(rng.exponential(96, n), 600)
    )
    return np.where(in_time, quick, np.where(complex_, late_complex, late_general))


def _pick(rng: np.random.Generator, flat: np.ndarray, offsets: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """One text per row from its own list (``offsets``/``lengths`` into ``flat``)."""
    return flat[offsets + (rng.random(len(offsets)) * lengths).astype(int)]


def _summaries(rng: np.random.Generator, category: np.ndarray, village_names: np.ndarray) -> np.ndarray:
    n = len(category)
    templates = _pick(rng, SUMMARIES, SUMMARY_AT[category], SUMMARY_N[category])
    groups = GROUPS[rng.integers(0, len(GROUPS), n)]
    amounts = AMOUNTS[rng.integers(0, len(AMOUNTS), n)].tolist()
    months = rng.integers(2, 9, n).tolist()
    return np.array(
        [
            t.format(village=v, group=g, amount=a, months=m)
            for t, v, g, a, m in zip(templates, village_names, groups, amounts, months, strict=True)
        ],
        dtype=object,
    )


class _Place:
    """Who handles each petition at each level (sample_db.catalog.unit_for):
    the village committee, the town's office (its discipline committee for
    村干部作风), the county's bureau, the city's bureau."""

    def __init__(self, v: Villages, village: np.ndarray, town: np.ndarray, category: np.ndarray):
        self.committee = np.asarray(v.committees, dtype=object)[village]
        self.town_name = np.asarray(v.towns, dtype=object)[town]
        self.town_commission = np.asarray(v.town_commissions, dtype=object)[town]
        self.county = np.asarray(v.town_counties, dtype=object)[town]
        self.city = np.asarray(v.town_cities, dtype=object)[town]
        self.category = category

    def units(self, level: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The unit at ``level`` (per row) for the petitions at ``rows``."""
        out = np.empty(len(rows), dtype=object)
        cat = self.category[rows]
        for k in range(4):
            at = level == k
            r, c = rows[at], cat[at]
            if k == 0:
                out[at] = self.committee[r]
            elif k == 1:
                office = TOWN_OFFICE[c]
                out[at] = np.where(office == "纪委", self.town_commission[r], self.town_name[r] + office)
            elif k == 2:
                out[at] = self.county[r] + COUNTY_BUREAU[c]
            else:
                out[at] = self.city[r] + CITY_BUREAU[c]
        return out


class _Steps:
    """Collects petition events kind by kind, then orders them by petition
    and time."""

    def __init__(self, ids: np.ndarray, place: _Place):
        self.ids, self.place = ids, place
        self.parts: list[tuple] = []

    def add(self, kind: str, at: np.ndarray, level: np.ndarray, note) -> None:
        """Rows where ``at`` is set; ``note``: one text, a per-row array, a
        template for the unit ("{}"), or None for 交办<committee>办理."""
        self.parts.append((kind, at, level, note))

    def rows(self, now: int, first_id: int) -> dict[str, np.ndarray]:
        columns: dict[str, list] = {
            k: [] for k in ("petition_id", "kind", "at", "level", "unit", "note", "o")
        }
        for kind, at, level, note in self.parts:
            rows = np.flatnonzero((at != NULL_TIME) & (at <= now))
            lv = level[rows]
            unit = self.place.units(lv, rows)
            if note is None:
                text = "交办" + self.place.committee[rows] + "办理"
            elif isinstance(note, str) and "{}" in note:
                text = np.array([note.format(u) for u in unit], dtype=object)
            elif isinstance(note, str):
                text = np.full(len(rows), note, dtype=object)
            else:
                text = note[rows]
            columns["petition_id"].append(self.ids[rows])
            columns["kind"].append(np.full(len(rows), kind, dtype=object))
            columns["at"].append(at[rows])
            columns["level"].append(LEVELS[lv])
            columns["unit"].append(unit)
            columns["note"].append(text)
            columns["o"].append(np.full(len(rows), EVENT_ORDER[kind]))
        merged = {k: np.concatenate(v) for k, v in columns.items()}
        order = np.lexsort((merged.pop("o"), merged["at"], merged["petition_id"]))
        events = {k: v[order] for k, v in merged.items()}
        return {"id": np.arange(first_id, first_id + len(order), dtype=np.int64), **events}
