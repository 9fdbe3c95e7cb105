"""Warnings for the scale store, a chunk of days at a time, with numpy.

What the engine would have raised, in the sample's mix (each rule as often
as sample_db.ledger.ANOMALY_RATES injects its anomaly; the petition rules
PET-01/PET-02 are left out, as the scale store's warnings are not tied to
its petitions), at office-hour times, each with its rule's category,
severity, owner and deadline from the catalogue. Their handling is the
sample's (sample_db.warnings_gen): disposition by rule, some false alarms
dismissed straight from red, heavy-tailed red and yellow times stretched by
the town's speed; and the escalation the refresh job applies on the way
(cockpit.rules.escalation.POLICY: a village's warning reminded a day before
its deadline and handed to the town commission when it passes, the others
reminded once overdue). Cut at ``now``. Left out: false alarms reopened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from cockpit.lifecycle import DISPOSITIONS as DISPOSITION_CODES
from cockpit.rules.catalogue import load_catalogue
from cockpit.rules.engine import SYSTEM, warning_key
from cockpit.rules.escalation import POLICY
from sample_db.ledger import ANOMALY_RATES
from sample_db.rules import CATEGORY_NOTES, NOTES, dispositions
from sample_db.scale.clock import DAY, HOUR, NULL_TIME, Day, History, local_text, times_of_day
from sample_db.scale.petition_rows import _flat, _pick
from sample_db.scale.province import Villages
from sample_db.scale.titles import RuleText, Template, subject_ids, titles
from sample_db.timing import SYSTEM_HOURS
from sample_db.warnings_gen import DISPOSITIONS, QUICK_FALSE_ALARM, REFRESH_DELAY

YELLOW_MEDIAN_DAYS = {"high": 3.0, "medium": 7.0, "low": 12.0}
DELAY = int(REFRESH_DELAY.total_seconds())
ACCEPTED_NOTE = "已签收，开始核查"
REMIND_BEFORE, REASSIGN = POLICY["village"]
REMIND_OVERDUE = POLICY["town_commission"][0]
assert POLICY["department"][0].note == REMIND_OVERDUE.note and not REMIND_OVERDUE.offset
assert set(DISPOSITIONS) == set(DISPOSITION_CODES)


@dataclass
class WarningModel:
    villages: Villages
    village_p: np.ndarray
    town_speed: np.ndarray
    texts: list[RuleText]
    rule_p: np.ndarray

    @classmethod
    def draw(cls, rng: np.random.Generator, villages: Villages, town_speed: np.ndarray) -> WarningModel:
        """Villages raise warnings at 44-72 a year relative to each other
        (the sample's spread); rules in the sample's anomaly mix."""
        rates = rng.uniform(44, 72, len(villages.codes))
        catalogue = load_catalogue()
        texts = [RuleText.of(catalogue[code]) for code in ANOMALY_RATES]
        weights = np.array(list(ANOMALY_RATES.values()))
        return cls(villages, rates / rates.sum(), town_speed, texts, weights / weights.sum())


@dataclass
class Warnings:
    rows: dict[str, np.ndarray]
    events: dict[str, np.ndarray] | None


def warning_chunk(
    rng: np.random.Generator,
    model: WarningModel,
    history: History,
    days: list[Day],
    first_id: int,
    first_event_id: int,
    with_events: bool,
) -> Warnings:
    """The warnings raised on ``days``, ids from ``first_id`` in order of raising."""
    now = history.now
    counts = np.array([d.count for d in days])
    n = int(counts.sum())
    starts = np.repeat(np.array([d.start for d in days], dtype=np.int64), counts)
    raised = np.sort(times_of_day(rng, starts, np.array(SYSTEM_HOURS), now))
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    v = model.villages
    village = rng.choice(len(v.codes), n, p=model.village_p)
    town = np.asarray(v.town_index)[village]
    rule = rng.choice(len(model.texts), n, p=model.rule_p)
    rules = [t.rule for t in model.texts]

    def attribute(name: str) -> np.ndarray:
        return np.array([getattr(r, name) for r in rules], dtype=object)[rule]

    category, severity, owner_kind = attribute("category"), attribute("severity"), attribute("owner_kind")
    within = np.array([int(r.dispose_within.total_seconds()) for r in rules])[rule]
    committee = np.asarray(v.committees, dtype=object)[village]
    town_commission = np.asarray(v.town_commissions, dtype=object)[town]
    owner = np.where(
        owner_kind == "village",
        committee,
        np.where(owner_kind == "town_commission", town_commission, attribute("department")),
    )
    speed = model.town_speed[town]

    # Handling, in full (sample_db.warnings_gen._history).
    weights = np.array([dispositions(r.code) for r in rules])
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)[rule]
    disposition = (rng.random(n)[:, None] > cumulative).sum(axis=1).clip(0, 2)
    quick = (disposition == DISPOSITIONS.index("false_alarm")) & (rng.random(n) < QUICK_FALSE_ALARM)
    quick_at = raised + (np.minimum(rng.lognormal(np.log(6), 1.0, n), 96) * speed * HOUR).astype(np.int64)
    accepted = raised + (_red_days(rng, n, speed) * DAY).astype(np.int64)
    median = np.array([YELLOW_MEDIAN_DAYS[s] for s in severity])
    yellow = rng.lognormal(np.log(median), 0.8) * np.where(rng.random(n) < 0.08, 2.5, 1.0)
    disposed = np.where(quick, quick_at, accepted + (np.minimum(yellow * speed, 45) * DAY).astype(np.int64))
    accepted = np.where(quick, NULL_TIME, accepted)

    # Escalation while open (the refresh job's policy), as it would have run.
    due = raised + within
    by_village = owner_kind == "village"
    remind_at = np.where(by_village, np.maximum(raised, due + int(REMIND_BEFORE.offset.total_seconds())), due)
    remind_at = remind_at + DELAY
    reassign_at = np.where(by_village, due + DELAY, NULL_TIME)
    new_due = reassign_at + int(REASSIGN.extension.total_seconds())
    late_remind_at = np.where(by_village, new_due + DELAY, NULL_TIME)

    def by_now(at: np.ndarray) -> np.ndarray:
        return (at != NULL_TIME) & (at <= now)

    def open_then(at: np.ndarray) -> np.ndarray:
        return by_now(at) & (disposed > at)

    reminded = open_then(remind_at)
    reassigned = open_then(reassign_at)
    reminded_late = reassigned & open_then(late_remind_at)
    is_disposed, is_accepted = by_now(disposed), by_now(accepted)
    status = np.where(is_disposed, "disposed", np.where(is_accepted, "pending", "new")).astype(object)
    notes = _disposal_notes(rng, model, rule, disposition)
    disposition_code = np.asarray(DISPOSITIONS, dtype=object)[disposition]
    updated = raised.copy()
    for at, happened in (
        (accepted, is_accepted),
        (remind_at, reminded),
        (reassign_at, reassigned),
        (late_remind_at, reminded_late),
        (disposed, is_disposed),
    ):
        updated = np.where(happened, np.maximum(updated, at), updated)

    sids = np.empty(n, dtype=object)
    title = np.empty(n, dtype=object)
    evidence = np.empty(n, dtype=object)
    amount = np.full(n, np.nan)
    village_names = np.asarray(v.names, dtype=object)[village]
    for r, text in enumerate(model.texts):
        at = np.flatnonzero(rule == r)
        if not len(at):
            continue
        sids[at] = subject_ids(text.rule, ids[at])
        title[at], evidence[at], amount[at] = titles(rng, text, raised[at], village_names[at], sids[at])
    codes, subject_type = attribute("code"), attribute("subject")
    rows = {
        "id": ids,
        "external_id": np.array(
            [warning_key(*key) for key in zip(codes, subject_type, sids, strict=True)], dtype=object
        ),
        "rule_code": codes,
        "category": category,
        "title": title,
        "village_code": np.asarray(v.codes, dtype=object)[village],
        "subject_type": subject_type,
        "subject_id": sids,
        "amount": amount,
        "severity": severity,
        "raised_at": raised,
        "status": status,
        "owner_kind": np.where(reassigned, "town_commission", owner_kind).astype(object),
        "owner_name": np.where(reassigned, town_commission, owner),
        "due_at": np.where(reassigned, new_due, due),
        "disposed_at": np.where(is_disposed, disposed, NULL_TIME),
        "disposition": np.where(is_disposed, disposition_code, None),
        "note": np.where(is_disposed, notes, ""),
        "rule_version": np.array([t.version for t in model.texts], dtype=object)[rule],
        "evidence": evidence,
        "updated_at": updated,
    }
    events = None
    if with_events:
        trail = _Trail(ids, accepted)
        trail.add("raised", raised, None, "new", SYSTEM, "")

        def owner_at(at: np.ndarray) -> np.ndarray:
            return np.where(reassigned & (reassign_at < at), town_commission, owner)

        trail.add("accepted", np.where(is_accepted, accepted, NULL_TIME), "new", "pending",
                  owner_at(accepted), ACCEPTED_NOTE)  # fmt: skip
        before_due = reminded & by_village
        overdue = reminded & ~by_village
        first = np.where(reminded, remind_at, NULL_TIME)
        first_note = _note(REMIND_BEFORE.note, before_due, owner=owner, due=due)
        first_note[overdue] = _note(REMIND_OVERDUE.note, overdue, owner=owner, due=due)[overdue]
        trail.add_kept("reminded", first, first_note)
        trail.add_kept(
            "reassigned",
            np.where(reassigned, reassign_at, NULL_TIME),
            _note(REASSIGN.note, reassigned, to=town_commission, new_due=new_due),
        )
        trail.add_kept(
            "reminded",
            np.where(reminded_late, late_remind_at, NULL_TIME),
            _note(REMIND_OVERDUE.note, reminded_late, owner=town_commission, due=new_due),
        )
        before = np.where(quick, "new", "pending").astype(object)
        trail.add("disposed", np.where(is_disposed, disposed, NULL_TIME), before, "disposed",
                  owner_at(disposed), notes)  # fmt: skip
        events = trail.rows(first_event_id)
    return Warnings(rows, events)


def _red_days(rng: np.random.Generator, n: int, speed: np.ndarray) -> np.ndarray:
    """How long a warning stays red (sample_db.warnings_gen._red_time)."""
    draw = rng.random(n)
    days = np.where(
        draw < 0.35,
        rng.lognormal(np.log(5 / 24), 1.0, n),
        np.where(draw < 0.85, rng.uniform(1, 6, n), rng.uniform(6, 21, n)),
    )
    return np.minimum(days * speed, 40)


def _disposal_notes(
    rng: np.random.Generator, model: WarningModel, rule: np.ndarray, disposition: np.ndarray
) -> np.ndarray:
    """A note per warning (sample_db.rules.disposal_note): the generic notes
    of its disposition and its category's own."""
    lists = [
        NOTES[d] + CATEGORY_NOTES.get((t.rule.category, d), ()) for t in model.texts for d in DISPOSITIONS
    ]
    flat, offsets, lengths = _flat(lists)
    index = rule * len(DISPOSITIONS) + disposition
    return _pick(rng, flat, offsets[index], lengths[index])


def _note(template: str, where: np.ndarray, **fields: np.ndarray) -> np.ndarray:
    """A policy note (a str.format over owner, due, to, new_due; times shown
    in Asia/Shanghai) for the rows ``where`` is true; None elsewhere."""
    rows = np.flatnonzero(where)
    parsed = Template.parse(template)
    values = {
        name: (local_text(fields[name][rows], "m") if spec else fields[name][rows]).tolist()
        for name, spec in parsed.fields
    }
    out = np.full(len(where), None, dtype=object)
    out[rows] = parsed.render(values, len(rows))
    return out


class _Trail:
    """Collects warning events kind by kind, then orders them by warning and time."""

    ORDER: ClassVar[dict[str, int]] = {
        "raised": 0,
        "accepted": 1,
        "reminded": 2,
        "reassigned": 3,
        "disposed": 4,
    }

    def __init__(self, ids: np.ndarray, accepted: np.ndarray):
        self.ids, self.accepted = ids, accepted
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, kind, at, from_status, to_status, actor, note) -> None:
        rows = np.flatnonzero(at != NULL_TIME)
        n = len(rows)
        self.parts.append(
            {
                "warning_id": self.ids[rows],
                "kind": np.full(n, kind, dtype=object),
                "at": at[rows],
                "from_status": _column(from_status, rows),
                "to_status": _column(to_status, rows),
                "actor": _column(actor, rows),
                "note": _column(note, rows),
                "o": np.full(n, self.ORDER[kind]),
            }
        )

    def add_kept(self, kind: str, at: np.ndarray, note: np.ndarray) -> None:
        """A system step that keeps the status: new before signing, pending after."""
        accepted = (self.accepted != NULL_TIME) & (self.accepted <= at)
        status = np.where(accepted, "pending", "new").astype(object)
        self.add(kind, at, status, status, SYSTEM, note)

    def rows(self, first_id: int) -> dict[str, np.ndarray]:
        merged = {k: np.concatenate([p[k] for p in self.parts]) for k in self.parts[0]}
        order = np.lexsort((merged.pop("o"), merged["at"], merged["warning_id"]))
        return {"id": np.arange(first_id, first_id + len(order), dtype=np.int64)} | {
            k: v[order] for k, v in merged.items()
        }


def _column(value, rows: np.ndarray) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value[rows]
    return np.full(len(rows), value, dtype=object)
