"""What each rule looks for: one check per rule code.

A check reads the candidate records (those changed since ``since``, or every
record whose own time falls in ``window`` for a back-test) with one portable
query, then tests each candidate in plain Python against the thresholds and
returns its hits. Checks never write. The thresholds and the explanation text
come from the catalogue (catalogue.yaml); a check only supplies the values.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, false, func, or_, select, true

from cockpit.rules.calendar import is_holiday, is_working_day, working_days_between
from cockpit.store.records import (
    APPROVAL_ROLES,
    DISCLOSURE_CATEGORIES,
    cadre_relatives,
    cadres,
    deaths,
    disclosures,
    labour,
    land_contracts,
    payment_approvals,
    payments,
    payouts,
    project_bids,
    projects,
    public_queries,
    public_servants,
    seal_uses,
)
from cockpit.store.schema import petitions, regions
from cockpit.timewindow import TZ, Window

CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class Hit:
    """One record a rule finds suspicious, with what the explanation needs."""

    subject_type: str
    subject_id: str  # the subject record's external_id
    village_code: str
    amount: Decimal | None
    values: dict[str, Any]
    records: tuple[tuple[str, str], ...] = field(default=())  # (table, external_id) behind it


@dataclass(frozen=True)
class Check:
    """How to find a rule's hits.

    ``watched``: the tables whose changes can create a hit (their updated_at
    moves the rule's watermark). ``run(conn, since, window, params, now)``.
    ``clock``: the rule is about something not done in time (a payout not
    paid, a disclosure not published): the passing of time alone can make a
    hit, so the engine runs it on every refresh, and it reads the records
    still open as well as those changed since ``since``.
    """

    watched: tuple[Table, ...]
    run: Callable[[Connection, datetime | None, Window | None, dict, datetime], list[Hit]]
    clock: bool = False


CHECKS: dict[str, Check] = {}


def check(code: str, *watched: Table, clock: bool = False):
    def register(fn):
        CHECKS[code] = Check(watched, fn, clock)
        return fn

    return register


def _changed(since: datetime | None, *tables: Table) -> ColumnElement[bool]:
    """Any of ``tables``' rows in the join changed after ``since``."""
    if since is None:
        return true()
    return or_(*(t.c.updated_at > since for t in tables))


def _in(column, window: Window | None) -> ColumnElement[bool]:
    if window is None:
        return true()
    return and_(column >= window.start, column < window.end)


def chunks(values: Sequence) -> Iterable[Sequence]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _same_villages(conn, table: Table, rows: Sequence, at: str, span: timedelta, *where) -> Iterable:
    """The rows of ``table`` in the villages of ``rows`` whose ``at`` column
    lies from ``span`` before the earliest of ``rows`` to the latest, in
    time order: one query per CHUNK villages (not one per village)."""
    if not rows:
        return
    column = table.c[at]
    first = min(getattr(r, at) for r in rows) - span
    last = max(getattr(r, at) for r in rows)
    for chunk in chunks(sorted({row.village_code for row in rows})):
        query = select(table).where(table.c.village_code.in_(chunk), column >= first, column <= last, *where)
        yield from conn.execute(query.order_by(column, table.c.id))


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


# ---- 村级用工 ---------------------------------------------------------------


def _labour(conn, since, window, *where):
    query = select(labour).where(_changed(since, labour), _in(labour.c.filed_at, window), *where)
    return conn.execute(query.order_by(labour.c.id)).all()


def _unpaid_or_above(amount: Decimal | None, floor: float) -> bool:
    """A floor added to a rule that judged every amount: 0 keeps it so."""
    return not floor or amount is None or amount > floor


def _labour_hit(row, **values) -> Hit:
    return Hit(
        "labour",
        row.external_id,
        row.village_code,
        row.amount_paid,
        {"worker": row.worker, "filed_at": row.filed_at, "work_start": row.work_start, **values},
        (("labour", row.external_id),),
    )


@check("LAB-01", labour)
def labour_before_application(conn, since, window, params, now) -> list[Hit]:
    grace = timedelta(hours=params["grace_hours"])
    floor = params["min_amount"]
    return [
        _labour_hit(row, lead_hours=_hours(row.filed_at - row.work_start))
        for row in _labour(conn, since, window)
        if row.work_start < row.filed_at - grace and (row.amount_paid is None or row.amount_paid > floor)
    ]


@check("LAB-02", labour)
def labour_declared_too_soon(conn, since, window, params, now) -> list[Hit]:
    """Declared less than ``min_hours`` after the application was filed;
    unpaid, or paid more than ``min_amount`` (0: any amount)."""
    limit, floor = timedelta(hours=params["min_hours"]), params["min_amount"]
    return [
        _labour_hit(
            row,
            declared_at=row.declared_at,
            gap_hours=_hours(row.declared_at - row.filed_at),
            min_hours=params["min_hours"],
        )
        for row in _labour(conn, since, window, labour.c.declared_at.is_not(None))
        if row.declared_at - row.filed_at < limit and _unpaid_or_above(row.amount_paid, floor)
    ]


@check("LAB-03", labour, cadres)
def labour_paid_to_cadre(conn, since, window, params, now) -> list[Hit]:
    """Paid to a worker marked as a cadre, or (when ``check_registry`` is 1)
    whose id number is in the village's cadre registry."""
    by_registry = cadres.c.id.is_not(None) if params["check_registry"] else false()
    joined = labour.outerjoin(
        cadres,
        and_(cadres.c.id_number == labour.c.worker_id_number, cadres.c.village_code == labour.c.village_code),
    )
    query = (
        select(labour, cadres.c.external_id.label("cadre_external_id"))
        .select_from(joined)
        .where(
            _changed(since, labour, cadres),
            _in(labour.c.filed_at, window),
            labour.c.amount_paid > params["min_amount"],
            or_(labour.c.is_cadre == true(), by_registry),
        )
        .order_by(labour.c.id)
    )
    hits: dict[str, Hit] = {}
    for row in conn.execute(query):
        hit = _labour_hit(row, amount_paid=row.amount_paid)
        if row.cadre_external_id and params["check_registry"]:
            hit = Hit(**{**hit.__dict__, "records": (*hit.records, ("cadres", row.cadre_external_id))})
        hits.setdefault(row.external_id, hit)
    return list(hits.values())


# ---- 三资支出 ---------------------------------------------------------------


def _payments(conn, since, window, *where):
    query = select(payments).where(_changed(since, payments), _in(payments.c.applied_at, window), *where)
    return conn.execute(query.order_by(payments.c.id)).all()


def _approvals(conn, payment_ids: Sequence[int]) -> dict[int, list]:
    """Each payment's approvals, oldest first."""
    found: dict[int, list] = defaultdict(list)
    for chunk in chunks(payment_ids):
        query = (
            select(payment_approvals)
            .where(payment_approvals.c.payment_id.in_(chunk))
            .order_by(payment_approvals.c.payment_id, payment_approvals.c.approved_at, payment_approvals.c.id)
        )
        for row in conn.execute(query):
            found[row.payment_id].append(row)
    return found


def _payment_hit(row, **values) -> Hit:
    return Hit(
        "payment",
        row.external_id,
        row.village_code,
        row.amount,
        {"payee": row.payee, "amount": row.amount, "purpose": row.purpose, **values},
        (("payments", row.external_id),),
    )


@check("FUN-01", payments)
def payment_without_approval(conn, since, window, params, now) -> list[Hit]:
    rows = _payments(conn, since, window, payments.c.paid_at.is_not(None))
    approvals = _approvals(conn, [row.id for row in rows])
    return [
        _payment_hit(row, paid_at=row.paid_at)
        for row in rows
        if not approvals.get(row.id) and row.amount > params["min_amount"]
    ]


def chain_problem(approvals: Sequence, chain: Sequence[str]) -> str | None:
    """What is wrong with an approval chain (approvals oldest first), in
    Chinese, or None when every required role signed, in order."""
    first_signed: dict[str, datetime] = {}
    for approval in approvals:
        first_signed.setdefault(approval.role, approval.approved_at)
    missing = [role for role in chain if role not in first_signed]
    if missing:
        return "缺少环节：" + "、".join(APPROVAL_ROLES.get(role, role) for role in missing)
    for earlier, later in pairwise(chain):
        if first_signed[later] < first_signed[earlier]:
            return (
                f"顺序错误：{APPROVAL_ROLES.get(later, later)}先于{APPROVAL_ROLES.get(earlier, earlier)}签批"
            )
    return None


@check("FUN-02", payments)
def payment_chain_broken(conn, since, window, params, now) -> list[Hit]:
    """Judged once the chain is over (the payment approved or paid): a chain
    still collecting signatures is not yet incomplete. A payment below
    ``short_chain_below`` (when above 0) is judged against ``short_chain``."""
    below, short, full = params["short_chain_below"], params["short_chain"], params["chain"]
    rows = _payments(
        conn,
        since,
        window,
        or_(payments.c.approved_at.is_not(None), payments.c.paid_at.is_not(None)),
        payments.c.amount > params["min_amount"],
    )
    approvals = _approvals(conn, [row.id for row in rows])
    hits = []
    for row in rows:
        signed = approvals.get(row.id)
        chain = short if row.amount < below else full
        problem = chain_problem(signed, chain) if signed else None
        if problem:
            hits.append(_payment_hit(row, problem=problem))
    return hits


@check("FUN-03", payments, land_contracts)
def land_compensation_without_land(conn, since, window, params, now) -> list[Hit]:
    """Land-linked payments to a payee with no land contract in the village.
    (A new land contract can only remove a hit, so only payments are watched
    for new hits; land_contracts is watched so the watermark covers it.)"""
    rows = _payments(
        conn, since, window, payments.c.land_linked == true(), payments.c.amount > params["min_amount"]
    )
    numbers = sorted({row.payee_id_number for row in rows if row.payee_id_number})
    contracted: set[tuple[str, str]] = set()
    for chunk in chunks(numbers):
        query = select(land_contracts.c.id_number, land_contracts.c.village_code).where(
            land_contracts.c.id_number.in_(chunk)
        )
        contracted.update((n, v) for n, v in conn.execute(query))
    return [_payment_hit(row) for row in rows if (row.payee_id_number, row.village_code) not in contracted]


# ---- 公章使用 ---------------------------------------------------------------


@check("SEAL-01", seal_uses)
def seal_used_before_approval(conn, since, window, params, now) -> list[Hit]:
    grace = timedelta(minutes=params["grace_minutes"])
    query = select(seal_uses).where(
        _changed(since, seal_uses), _in(seal_uses.c.used_at, window), seal_uses.c.approved_at.is_not(None)
    )
    return [
        Hit(
            "seal",
            row.external_id,
            row.village_code,
            None,
            {"matter": row.matter, "used_at": row.used_at, "approved_at": row.approved_at},
            (("seal_uses", row.external_id),),
        )
        for row in conn.execute(query.order_by(seal_uses.c.id))
        if row.used_at < row.approved_at - grace
    ]


# ---- 惠民资金 ---------------------------------------------------------------


def _payout_hit(row, registry: str, registry_id: str, **values) -> Hit:
    return Hit(
        "payout",
        row.external_id,
        row.village_code,
        row.amount,
        {"recipient": row.recipient, "programme": row.programme, "amount": row.amount, **values},
        (("payouts", row.external_id), (registry, registry_id)),
    )


@check("SUB-01", payouts, deaths)
def payout_to_dead_person(conn, since, window, params, now) -> list[Hit]:
    grace = timedelta(days=params["grace_days"])
    floor = params["min_amount"]
    query = (
        select(payouts, deaths.c.died_at, deaths.c.external_id.label("death_external_id"))
        .select_from(payouts.join(deaths, deaths.c.id_number == payouts.c.id_number))
        .where(
            _changed(since, payouts, deaths), _in(payouts.c.due_at, window), payouts.c.paid_at.is_not(None)
        )
        .order_by(payouts.c.id)
    )
    hits: dict[str, Hit] = {}
    for row in conn.execute(query):
        if row.died_at + grace < row.paid_at and row.amount > floor:
            hit = _payout_hit(row, "deaths", row.death_external_id, died_at=row.died_at, paid_at=row.paid_at)
            hits.setdefault(row.external_id, hit)
    return list(hits.values())


@check("SUB-02", payouts, public_servants)
def payout_to_public_servant(conn, since, window, params, now) -> list[Hit]:
    query = (
        select(
            payouts,
            public_servants.c.employer,
            public_servants.c.external_id.label("servant_external_id"),
        )
        .select_from(payouts.join(public_servants, public_servants.c.id_number == payouts.c.id_number))
        .where(
            _changed(since, payouts, public_servants),
            _in(payouts.c.due_at, window),
            payouts.c.amount > params["min_amount"],
            payouts.c.programme.in_(list(params["programmes"])),
        )
        .order_by(payouts.c.id)
    )
    hits: dict[str, Hit] = {}
    for row in conn.execute(query):
        hit = _payout_hit(row, "public_servants", row.servant_external_id, employer=row.employer)
        hits.setdefault(row.external_id, hit)
    return list(hits.values())


# ---- shared helpers for the rules added with issue 3's second batch ----------


def _days(delta: timedelta) -> int:
    """Whole days in ``delta`` (at least 1 when it is positive)."""
    return max(1, delta.days) if delta > timedelta(0) else 0


def _open_or_changed(
    since,
    table: Table,
    still_open: ColumnElement[bool],
    started: ColumnElement,
    now: datetime,
    least: timedelta,
) -> ColumnElement[bool]:
    """For a clock rule: rows changed since ``since``, or still open and
    started (due, used, asked, received: ``started``) at least ``least``
    before ``now``: the shortest time the rule allows, so an open row read
    again can already be late. Rows not yet due are not re-read on every
    refresh (the generator writes disclosures 60 days ahead)."""
    if since is None:
        return true()
    return or_(table.c.updated_at > since, and_(still_open, started < now - least))


def _working_days_after(start: datetime, end: datetime, skip_weekends: bool) -> int:
    """Days after ``start``'s local date up to ``end``'s local date by the
    shared calendar: its working days (make-up days in, weekends and public
    holidays out) when ``skip_weekends``, else every day but public holidays."""
    first, last = start.astimezone(TZ).date(), end.astimezone(TZ).date()
    if skip_weekends:
        return working_days_between(first, last)
    days = (first + timedelta(days=n) for n in range(1, (last - first).days + 1))
    return sum(not is_holiday(day) for day in days)


def _late(due: datetime, done: datetime | None, now: datetime, grace: timedelta) -> tuple[bool, int, str]:
    """Whether something due at ``due`` (done at ``done``, or not yet at
    ``now``) is late beyond ``grace``; the days late; what happened, in Chinese."""
    end = done if done is not None else now
    late = end > due + grace
    state = f"{done.astimezone(TZ):%Y-%m-%d} 才完成" if done is not None else "至今未完成"
    return late, _days(end - due), state


# ---- 村级用工 (more) ---------------------------------------------------------


@check("LAB-04", labour)
def labour_pay_above_daily_cap(conn, since, window, params, now) -> list[Hit]:
    """Paid more per working day than the cap; days = the work's length in
    ``hours_per_day`` blocks, at least one. Work starting on a rest day (a
    weekend day that is not a make-up working day, or a public holiday, by the
    shared calendar) has its cap raised by ``rest_day_extra_pct`` percent.
    Only amounts above ``min_amount``."""
    cap, per_day = Decimal(str(params["daily_cap"])), params["hours_per_day"]
    rest_cap = cap * (1 + Decimal(str(params["rest_day_extra_pct"])) / 100)
    hits = []
    where = (
        labour.c.work_end.is_not(None),
        labour.c.amount_paid.is_not(None),
        labour.c.amount_paid > params["min_amount"],
    )
    for row in _labour(conn, since, window, *where):
        hours = _hours(row.work_end - row.work_start)
        days = max(1, math.ceil(hours / per_day)) if per_day else 1
        daily = row.amount_paid / days
        if daily > (cap if is_working_day(row.work_start.astimezone(TZ).date()) else rest_cap):
            hits.append(_labour_hit(row, amount_paid=row.amount_paid, days=days, daily=daily))
    return hits


@check("LAB-05", labour)
def labour_overlapping(conn, since, window, params, now) -> list[Hit]:
    """The same person (id number) on two labour records whose working times
    overlap by more than the threshold; the later record is the subject, when
    it is unpaid or paid more than ``min_amount`` (0: any amount)."""
    least = timedelta(hours=params["min_overlap_hours"])
    floor = params["min_amount"]
    rows = [
        row
        for row in _labour(
            conn, since, window, labour.c.work_end.is_not(None), labour.c.worker_id_number.is_not(None)
        )
        if _unpaid_or_above(row.amount_paid, floor)
    ]
    numbers = sorted({row.worker_id_number for row in rows})
    by_person: dict[str, list] = defaultdict(list)
    for chunk in chunks(numbers):
        query = select(labour).where(labour.c.worker_id_number.in_(chunk), labour.c.work_end.is_not(None))
        for other in conn.execute(query.order_by(labour.c.id)):
            by_person[other.worker_id_number].append(other)
    hits = []
    for row in rows:
        for other in by_person[row.worker_id_number]:
            if other.id == row.id:
                continue
            overlap = min(row.work_end, other.work_end) - max(row.work_start, other.work_start)
            later = (row.work_start, row.id) > (other.work_start, other.id)
            if later and overlap > least:
                hit = _labour_hit(row, other=other.external_id, other_start=other.work_start,
                                  overlap_hours=_hours(overlap))  # fmt: skip
                hits.append(Hit(**{**hit.__dict__, "records": (*hit.records, ("labour", other.external_id))}))
                break
    return hits


# ---- 三资支出 (more) ---------------------------------------------------------


@check("FUN-05", payments)
def payment_paid_before_approval(conn, since, window, params, now) -> list[Hit]:
    """Paid more than ``grace_hours`` before it was approved; a payment whose
    purpose names an emergency (``emergency_words``: 抢险, 防汛 …) is allowed
    ``emergency_extra_hours`` more."""
    grace = timedelta(hours=params["grace_hours"])
    extra = timedelta(hours=params["emergency_extra_hours"])
    words = params["emergency_words"]

    def allowed(row) -> timedelta:
        return grace + extra if any(word in row.purpose for word in words) else grace

    rows = _payments(
        conn,
        since,
        window,
        payments.c.paid_at.is_not(None),
        payments.c.approved_at.is_not(None),
        payments.c.amount > params["min_amount"],
    )
    return [
        _payment_hit(row, paid_at=row.paid_at, approved_at=row.approved_at)
        for row in rows
        if row.paid_at < row.approved_at - allowed(row)
    ]


@check("FUN-06", payments)
def payment_split(conn, since, window, params, now) -> list[Hit]:
    """Several payments of one village to one payee (by id number, else by
    name), each just under the limit, applied for within ``window_days`` and
    together reaching it: the payment completing the run is the hit."""
    limit = Decimal(str(params["limit"]))
    low = limit * (1 - Decimal(str(params["margin_pct"])) / 100)
    span, need = timedelta(days=params["window_days"]), params["min_count"]
    near = and_(payments.c.amount >= low, payments.c.amount < limit)
    rows = _payments(conn, since, window, near)

    def payee(row) -> str:
        return row.payee_id_number or row.payee

    group: dict[tuple[str, str], list] = defaultdict(list)
    for other in _same_villages(conn, payments, rows, "applied_at", span, near):
        group[other.village_code, payee(other)].append(other)
    hits = []
    for row in rows:
        run = [
            o
            for o in group[row.village_code, payee(row)]
            if row.applied_at - span <= o.applied_at and (o.applied_at, o.id) <= (row.applied_at, row.id)
        ]
        total = sum((o.amount for o in run), Decimal(0))
        if need > 0 and len(run) >= need and total >= limit:
            hit = _payment_hit(row, count=len(run), total=total, **params)
            others = tuple(("payments", o.external_id) for o in run if o.id != row.id)
            hits.append(Hit(**{**hit.__dict__, "records": (*hit.records, *others)}))
    return hits


def _relatives(conn, numbers: Sequence[str], relations: Sequence[str]) -> dict[tuple[str, str], Any]:
    """Close relatives of cadres by (id number, the cadre's village)."""
    found: dict[tuple[str, str], Any] = {}
    for chunk in chunks(sorted(set(numbers))):
        query = (
            select(
                cadre_relatives.c.external_id,
                cadre_relatives.c.id_number,
                cadre_relatives.c.relation,
                cadres.c.name.label("cadre"),
                cadres.c.role,
                cadres.c.village_code,
                regions.c.name.label("village"),
            )
            .select_from(
                cadre_relatives.join(cadres, cadres.c.id == cadre_relatives.c.cadre_id).outerjoin(
                    regions, regions.c.code == cadres.c.village_code
                )
            )
            .where(cadre_relatives.c.id_number.in_(chunk), cadre_relatives.c.relation.in_(list(relations)))
        )
        for row in conn.execute(query.order_by(cadre_relatives.c.id)):
            found.setdefault((row.id_number, row.village_code), row)
    return found


def _relative_of(relatives: dict, number: str | None, village: str, any_village: bool) -> tuple[Any, str]:
    """The cadre relative with id ``number`` in ``village`` (else, when
    ``any_village``, in any village) and where the cadre serves, in Chinese."""
    found = relatives.get((number, village))
    if found is not None:
        return found, "本村"
    if any_village:
        for (other_number, _village), relative in relatives.items():
            if other_number == number:
                return relative, relative.village or relative.village_code
    return None, ""


@check("FUN-04", payments, cadre_relatives, cadres)
def payment_to_cadre_relative(conn, since, window, params, now) -> list[Hit]:
    """Paid to a close relative of one of the village's own cadres (of any
    village's when ``other_villages`` is 1). (A new relative in the registry
    flags old payments: the registry is watched and, when it changed, every
    payment is read.)"""
    relatives_changed = (
        since is not None
        and conn.execute(
            select(func.count()).select_from(cadre_relatives).where(cadre_relatives.c.updated_at > since)
        ).scalar()
    )
    rows = _payments(
        conn,
        None if relatives_changed else since,
        window,
        payments.c.payee_id_number.is_not(None),
        payments.c.amount > params["min_amount"],
    )
    relatives = _relatives(conn, [row.payee_id_number for row in rows], params["relations"])
    any_village = bool(params["other_villages"])
    hits = []
    for row in rows:
        relative, where = _relative_of(relatives, row.payee_id_number, row.village_code, any_village)
        if relative is not None:
            hit = _payment_hit(
                row, cadre=relative.cadre, role=relative.role, relation=relative.relation, cadre_village=where
            )
            hits.append(
                Hit(**{**hit.__dict__, "records": (*hit.records, ("cadre_relatives", relative.external_id))})
            )
    return hits


# ---- 公章使用 (more) ---------------------------------------------------------


def _seal_hit(row, **values) -> Hit:
    return Hit(
        "seal",
        row.external_id,
        row.village_code,
        None,
        {"matter": row.matter, "used_at": row.used_at, "approved_at": row.approved_at, **values},
        (("seal_uses", row.external_id),),
    )


WEEKDAYS = "一二三四五六日"


@check("SEAL-02", seal_uses)
def seal_used_out_of_hours(conn, since, window, params, now) -> list[Hit]:
    """Used before ``work_start_hour`` or from ``work_end_hour`` (local time),
    on a public holiday, or on a weekend day that is not a make-up working day
    (when ``weekends`` is 1); holidays and make-up days from the shared
    calendar (cockpit/rules/calendar.py); or in the lunch break, from
    ``lunch_start_hour`` to ``lunch_end_hour`` (none while they are equal)."""
    start, end, weekends = params["work_start_hour"], params["work_end_hour"], params["weekends"]
    lunch_start, lunch_end = params["lunch_start_hour"], params["lunch_end_hour"]
    query = select(seal_uses).where(_changed(since, seal_uses), _in(seal_uses.c.used_at, window))
    hits = []
    for row in conn.execute(query.order_by(seal_uses.c.id)):
        local = row.used_at.astimezone(TZ)
        hour = local.hour + local.minute / 60
        if is_holiday(local.date()):
            when = "节假日"
        elif weekends and not is_working_day(local.date()):
            when = "周" + WEEKDAYS[local.weekday()]
        elif hour < start or hour >= end:
            when = "非工作时间"
        elif lunch_start <= hour < lunch_end:
            when = "午休时间"
        else:
            continue
        hits.append(_seal_hit(row, when=when))
    return hits


@check("SEAL-03", seal_uses, clock=True)
def seal_used_without_approval(conn, since, window, params, now) -> list[Hit]:
    """Used, and still no approval recorded ``grace_hours`` later."""
    grace = timedelta(hours=params["grace_hours"])
    unapproved = seal_uses.c.approved_at.is_(None)
    query = select(seal_uses).where(
        _open_or_changed(since, seal_uses, unapproved, seal_uses.c.used_at, now, grace),
        _in(seal_uses.c.used_at, window),
        unapproved,
    )
    return [
        _seal_hit(row, hours=_hours(now - row.used_at))
        for row in conn.execute(query.order_by(seal_uses.c.id))
        if row.used_at + grace < now
    ]


# ---- 惠民资金 (more) ---------------------------------------------------------


def _payouts(conn, since, window, *where):
    query = select(payouts).where(_changed(since, payouts), _in(payouts.c.due_at, window), *where)
    return conn.execute(query.order_by(payouts.c.id)).all()


@check("SUB-03", payouts, land_contracts)
def payout_area_above_land(conn, since, window, params, now) -> list[Hit]:
    """An area-based subsidy declared on more land than the recipient holds
    under contract in the village, beyond both tolerances. (A changed land
    contract re-reads every payout.)"""
    tolerance = Decimal(str(params["tolerance_mu"]))
    share = Decimal(str(params["tolerance_pct"])) / 100
    land_changed = (
        since is not None
        and conn.execute(
            select(func.count()).select_from(land_contracts).where(land_contracts.c.updated_at > since)
        ).scalar()
    )
    rows = _payouts(
        conn,
        None if land_changed else since,
        window,
        payouts.c.declared_area.is_not(None),
        payouts.c.programme.in_(list(params["programmes"])),
        payouts.c.amount > params["min_amount"],
    )
    held: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    contracts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for chunk in chunks(sorted({row.id_number for row in rows})):
        query = select(land_contracts).where(land_contracts.c.id_number.in_(chunk))
        for contract in conn.execute(query.order_by(land_contracts.c.id)):
            held[contract.id_number, contract.village_code] += contract.area
            contracts[contract.id_number, contract.village_code].append(contract.external_id)
    hits = []
    for row in rows:
        registered = held[row.id_number, row.village_code]
        excess = row.declared_area - registered
        if excess > max(tolerance, registered * share):
            hits.append(
                Hit(
                    "payout",
                    row.external_id,
                    row.village_code,
                    row.amount,
                    {"recipient": row.recipient, "programme": row.programme, "amount": row.amount,
                     "declared_area": row.declared_area, "registered_area": registered, "excess": excess},
                    (("payouts", row.external_id),
                     *(("land_contracts", ext) for ext in contracts[row.id_number, row.village_code])),
                )
            )  # fmt: skip
    return hits


@check("SUB-04", payouts, clock=True)
def payout_late(conn, since, window, params, now) -> list[Hit]:
    """Paid more than ``grace_days`` after it was due, or still unpaid then;
    programmes paid in batches (``batch_programmes``) are allowed
    ``batch_extra_days`` more."""
    grace = timedelta(days=params["grace_days"])
    batch = set(params["batch_programmes"])
    extra = timedelta(days=params["batch_extra_days"])
    unpaid = payouts.c.paid_at.is_(None)
    query = select(payouts).where(
        _open_or_changed(since, payouts, unpaid, payouts.c.due_at, now, grace),
        _in(payouts.c.due_at, window),
        payouts.c.amount > params["min_amount"],
    )
    hits = []
    for row in conn.execute(query.order_by(payouts.c.id)):
        allowed = grace + extra if row.programme in batch else grace
        late, days, state = _late(row.due_at, row.paid_at, now, allowed)
        if late:
            state = state.replace("完成", "发放")
            hits.append(
                Hit(
                    "payout",
                    row.external_id,
                    row.village_code,
                    row.amount,
                    {"recipient": row.recipient, "programme": row.programme, "amount": row.amount,
                     "due_at": row.due_at, "paid_at": row.paid_at, "state": state, "late_days": days},
                    (("payouts", row.external_id),),
                )
            )  # fmt: skip
    return hits


@check("SUB-05", payouts)
def payout_repeated(conn, since, window, params, now) -> list[Hit]:
    """The same person paid the same programme ``min_count`` times or more
    with due dates within ``window_days``; each payout that completes such a
    run is a hit."""
    span = timedelta(days=params["window_days"])
    need = params["min_count"]
    rows = _payouts(conn, since, window, payouts.c.amount > params["min_amount"])
    if since is None and window is None:  # every payout read already
        others = sorted(rows, key=lambda o: (o.due_at, o.id))
    else:
        others = []
        for chunk in chunks(sorted({row.id_number for row in rows})):
            query = select(payouts).where(
                payouts.c.id_number.in_(chunk), payouts.c.amount > params["min_amount"]
            )
            others.extend(conn.execute(query.order_by(payouts.c.due_at, payouts.c.id)))
    same: dict[tuple[str, str], list] = defaultdict(list)
    order: dict[tuple[str, str], list] = defaultdict(list)  # (due_at, id) of each, for bisect
    for other in others:
        same[other.id_number, other.programme].append(other)
        order[other.id_number, other.programme].append((other.due_at, other.id))
    hits = []
    for row in rows:
        key = (row.id_number, row.programme)
        first = bisect_left(order[key], (row.due_at - span,))
        earlier = same[key][first : bisect_right(order[key], (row.due_at, row.id))]
        if len(earlier) >= need and need > 0:
            hits.append(
                Hit(
                    "payout",
                    row.external_id,
                    row.village_code,
                    row.amount,
                    {"recipient": row.recipient, "programme": row.programme, "amount": row.amount,
                     "due_at": row.due_at, "count": len(earlier)},
                    tuple(("payouts", o.external_id) for o in earlier),
                )
            )  # fmt: skip
    return hits


# ---- 工程采购 ---------------------------------------------------------------


def _projects(conn, since, window, *where):
    query = select(projects).where(_changed(since, projects), _in(projects.c.announced_at, window), *where)
    return conn.execute(query.order_by(projects.c.id)).all()


def _above_floors(params) -> ColumnElement[bool]:
    """Amount above ``min_amount``, and a purchase above its own floor
    ``procurement_min_amount`` as well."""
    return and_(
        projects.c.amount > params["min_amount"],
        or_(projects.c.kind != "procurement", projects.c.amount > params["procurement_min_amount"]),
    )


def _bids(conn, project_ids: Sequence[int]) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for chunk in chunks(project_ids):
        query = select(project_bids).where(project_bids.c.project_id.in_(chunk))
        for row in conn.execute(query.order_by(project_bids.c.project_id, project_bids.c.id)):
            found[row.project_id].append(row)
    return found


def _project_hit(row, extra: Iterable[tuple[str, str]] = (), **values) -> Hit:
    return Hit(
        "project",
        row.external_id,
        row.village_code,
        row.amount,
        {"project": row.name, "amount": row.amount, "winner": row.winner, **values},
        (("projects", row.external_id), *extra),
    )


@check("PRJ-01", projects)
def project_split(conn, since, window, params, now) -> list[Hit]:
    """Several projects of one village, each just under the limit (within
    ``margin_pct`` of it), won by the same winner within ``window_days``,
    together reaching the limit: the project completing the run is the hit."""
    limit = Decimal(str(params["limit"]))
    low = limit * (1 - Decimal(str(params["margin_pct"])) / 100)
    span, need = timedelta(days=params["window_days"]), params["min_count"]
    near = and_(projects.c.amount >= low, projects.c.amount < limit, projects.c.winner.is_not(None))
    rows = _projects(conn, since, window, near)
    group: dict[tuple[str, str], list] = defaultdict(list)
    for other in _same_villages(conn, projects, rows, "announced_at", span, near):
        group[other.village_code, other.winner].append(other)
    hits = []
    for row in rows:
        run = [
            o
            for o in group[row.village_code, row.winner]
            if row.announced_at - span <= o.announced_at
            and (o.announced_at, o.id) <= (row.announced_at, row.id)
        ]
        total = sum((o.amount for o in run), Decimal(0))
        if need > 0 and len(run) >= need and total >= limit:
            hits.append(
                _project_hit(row, (("projects", o.external_id) for o in run if o.id != row.id),
                             count=len(run), total=total, **params)
            )  # fmt: skip
    return hits


@check("PRJ-02", projects)
def project_without_pledge(conn, since, window, params, now) -> list[Hit]:
    """Under the tendering limit (so decided in the village), above the
    floors (a purchase's own too), and the cadres signed no no-stake pledge."""
    rows = _projects(
        conn,
        since,
        window,
        projects.c.amount < params["limit"],
        _above_floors(params),
        projects.c.no_stake_pledge == false(),
    )
    return [_project_hit(row, **params) for row in rows]


@check("PRJ-03", projects, cadre_relatives, cadres)
def project_bid_by_cadre_relative(conn, since, window, params, now) -> list[Hit]:
    """A bidder (or the winner) is a close relative of one of the village's
    own cadres (of any village's when ``other_villages`` is 1); only the
    winner when ``winner_only`` is 1. Bids carry the id number; the project
    is the subject."""
    any_village, winner_only = bool(params["other_villages"]), bool(params["winner_only"])
    relatives_changed = (
        since is not None
        and conn.execute(
            select(func.count()).select_from(cadre_relatives).where(cadre_relatives.c.updated_at > since)
        ).scalar()
    )
    rows = _projects(
        conn, None if relatives_changed else since, window, projects.c.amount > params["min_amount"]
    )
    bids = _bids(conn, [row.id for row in rows])
    numbers = [b.bidder_id_number for row in rows for b in bids[row.id] if b.bidder_id_number]
    relatives = _relatives(conn, numbers, params["relations"])
    hits = []
    for row in rows:
        for bid in bids[row.id]:
            if winner_only and bid.bidder != row.winner:
                continue
            relative, where = _relative_of(relatives, bid.bidder_id_number, row.village_code, any_village)
            if relative is not None:
                role = "中标" if bid.bidder == row.winner else "投标"
                hits.append(
                    _project_hit(row, (("cadre_relatives", relative.external_id),), bidder=bid.bidder,
                                 cadre=relative.cadre, relation=relative.relation, part=role,
                                 cadre_village=where)
                )  # fmt: skip
                break
    return hits


@check("PRJ-04", projects)
def project_single_bidder(conn, since, window, params, now) -> list[Hit]:
    """Awarded with fewer bidders than required, above the floors (a
    purchase's own too)."""
    rows = _projects(conn, since, window, projects.c.awarded_at.is_not(None), _above_floors(params))
    bids = _bids(conn, [row.id for row in rows])
    hits = []
    for row in rows:
        bidders = {bid.bidder for bid in bids[row.id]}
        if len(bidders) < params["min_bidders"]:
            hits.append(_project_hit(row, bidders=len(bidders), **params))
    return hits


@check("PRJ-05", projects)
def project_identical_bids(conn, since, window, params, now) -> list[Hit]:
    """At least ``min_same`` bids from different bidders whose amounts differ
    by no more than ``tolerance_pct`` percent (identical at 0); when
    ``winner_among`` is 1, only if the winner is one of them."""
    share = Decimal(str(params["tolerance_pct"])) / 100
    need, winner_among = params["min_same"], bool(params["winner_among"])
    rows = _projects(conn, since, window, projects.c.amount > params["min_amount"])
    bids = _bids(conn, [row.id for row in rows])
    hits = []
    for row in rows:
        ordered = sorted(bids[row.id], key=lambda b: b.amount)
        best: list = []
        for i, first in enumerate(ordered):
            close = [b for b in ordered[i:] if b.amount - first.amount <= first.amount * share]
            if len({b.bidder for b in close}) > len({b.bidder for b in best}):
                best = close
        if winner_among and row.winner not in {b.bidder for b in best}:
            continue
        if need > 0 and len({b.bidder for b in best}) >= need:
            names = "、".join(dict.fromkeys(b.bidder for b in best))
            hits.append(_project_hit(row, bidders=names, bid=best[0].amount, count=len(best)))
    return hits


@check("PRJ-06", projects)
def project_awarded_too_soon(conn, since, window, params, now) -> list[Hit]:
    """Awarded less than the minimum announcement period after it was
    announced (works and purchases have their own minimum; a project of at
    least ``large_amount`` needs ``large_min_days`` if that is longer)."""
    large = Decimal(str(params["large_amount"]))
    rows = _projects(
        conn, since, window, projects.c.awarded_at.is_not(None), projects.c.amount > params["min_amount"]
    )
    minimum = {"works": params["works_min_days"], "procurement": params["procurement_min_days"]}
    hits = []
    for row in rows:
        days = minimum.get(row.kind, params["works_min_days"])
        if row.amount >= large:
            days = max(days, params["large_min_days"])
        gap = row.awarded_at - row.announced_at
        if gap < timedelta(days=days):
            hits.append(
                _project_hit(row, announced_at=row.announced_at, awarded_at=row.awarded_at,
                             gap_days=gap.total_seconds() / 86400, min_days=days)
            )  # fmt: skip
    return hits


# ---- 三务公开, 公开质询 ------------------------------------------------------


@check("DIS-01", disclosures, clock=True)
def disclosure_overdue(conn, since, window, params, now) -> list[Hit]:
    """Published after its due date plus the category's grace days, or still
    unpublished then."""
    graces = {key: timedelta(days=params[f"{key}_grace_days"]) for key in DISCLOSURE_CATEGORIES}
    unpublished = disclosures.c.published_at.is_(None)
    query = select(disclosures).where(
        _open_or_changed(since, disclosures, unpublished, disclosures.c.due_at, now, timedelta(0)),
        _in(disclosures.c.due_at, window),
    )
    hits = []
    for row in conn.execute(query.order_by(disclosures.c.id)):
        grace = graces.get(row.category, timedelta(0))
        late, days, state = _late(row.due_at, row.published_at, now, grace)
        if late:
            hits.append(
                Hit(
                    "disclosure",
                    row.external_id,
                    row.village_code,
                    None,
                    {"item": row.item, "category": DISCLOSURE_CATEGORIES.get(row.category, row.category),
                     "period": row.period, "due_at": row.due_at, "published_at": row.published_at,
                     "state": state.replace("完成", "公开"), "late_days": days},
                    (("disclosures", row.external_id),),
                )
            )  # fmt: skip
    return hits


@check("QRY-01", public_queries, clock=True)
def query_unanswered(conn, since, window, params, now) -> list[Hit]:
    """Answered after more than ``limit_days`` working days (by the shared
    calendar when ``skip_weekends`` is 1, so a make-up Saturday counts;
    public holidays are always left out), or still unanswered after them."""
    limit, skip = params["limit_days"], bool(params["skip_weekends"])
    unanswered = public_queries.c.answered_at.is_(None)
    query = select(public_queries).where(
        # A limit of N working days spans at least N calendar days.
        _open_or_changed(
            since, public_queries, unanswered, public_queries.c.asked_at, now, timedelta(days=limit)
        ),
        _in(public_queries.c.asked_at, window),
    )
    hits = []
    for row in conn.execute(query.order_by(public_queries.c.id)):
        end = row.answered_at or now
        days = _working_days_after(row.asked_at, end, skip)
        if days > limit:
            state = f"{row.answered_at.astimezone(TZ):%Y-%m-%d} 才答复" if row.answered_at else "至今未答复"
            hits.append(
                Hit(
                    "query",
                    row.external_id,
                    row.village_code,
                    None,
                    {"question": row.question[:40], "asked_at": row.asked_at, "answered_at": row.answered_at,
                     "state": state, "days": days, "limit_days": limit},
                    (("public_queries", row.external_id),),
                )
            )  # fmt: skip
    return hits


# ---- 信访 -------------------------------------------------------------------

COMPLEXITY_NAMES = {"general": "一般", "complex": "复杂"}


def _petition_hit(row, records=None, **values) -> Hit:
    return Hit(
        "petition",
        row.external_id,
        row.village_code,
        None,
        {"category": row.category, "received_at": row.received_at, **values},
        records or (("petitions", row.external_id),),
    )


@check("PET-01", petitions, clock=True)
def petition_overdue(conn, since, window, params, now) -> list[Hit]:
    """Closed after its time limit (general or complex, counted from
    receipt), or still open after it. The limit is in calendar days, or in
    working days by the shared calendar when ``working_days`` is 1 (then
    counted over local dates: working days after the day of receipt up to
    the day of closing, or today)."""
    limits = {"general": params["general_days"], "complex": params["complex_days"]}
    by_working_days = bool(params["working_days"])
    still_open = petitions.c.closed_at.is_(None)
    query = select(petitions).where(
        _open_or_changed(
            since, petitions, still_open, petitions.c.received_at, now, timedelta(days=min(limits.values()))
        ),
        _in(petitions.c.received_at, window),
    )
    hits = []
    for row in conn.execute(query.order_by(petitions.c.id)):
        days = limits.get(row.complexity, params["general_days"])
        if by_working_days:
            end = (row.closed_at or now).astimezone(TZ).date()
            taken = working_days_between(row.received_at.astimezone(TZ).date(), end)
            late, late_days = taken > days, taken - days
            state = f"{end:%Y-%m-%d} 才完成" if row.closed_at else "至今未完成"
        else:
            late, late_days, state = _late(
                row.received_at + timedelta(days=days), row.closed_at, now, timedelta(0)
            )
        if late:
            hits.append(
                _petition_hit(row, complexity=COMPLEXITY_NAMES.get(row.complexity, row.complexity),
                              limit_days=days, state=state.replace("完成", "办结"), late_days=late_days,
                              day_unit="个工作日" if by_working_days else "天")
            )  # fmt: skip
    return hits


def _received(row) -> datetime:
    return row.received_at


def _received_and_id(row) -> tuple[datetime, int]:
    return row.received_at, row.id


@check("PET-02", petitions)
def petition_repeated(conn, since, window, params, now) -> list[Hit]:
    """At least ``min_count`` petitions of one village in one category within
    ``window_days``: the one completing the run is the hit."""
    span, need = timedelta(days=params["window_days"]), params["min_count"]
    query = select(petitions).where(_changed(since, petitions), _in(petitions.c.received_at, window))
    rows = conn.execute(query.order_by(petitions.c.id)).all()
    same: dict[tuple[str, str], list] = defaultdict(list)
    for other in _same_villages(conn, petitions, rows, "received_at", span):
        same[other.village_code, other.category].append(other)
    hits = []
    for row in rows:
        # The group is in (received_at, id) order (_same_villages): the run
        # is a slice, found by bisection (a scan of the whole group per row
        # was quadratic: 56.6 s for 6,000 petitions of one village and category).
        group = same[row.village_code, row.category]
        first = bisect_left(group, row.received_at - span, key=_received)
        last = bisect_right(group, (row.received_at, row.id), key=_received_and_id)
        run = group[first:last]
        if need > 0 and len(run) >= need:
            records = tuple(("petitions", o.external_id) for o in reversed(run))
            hits.append(_petition_hit(row, records, count=len(run), window_days=params["window_days"]))
    return hits
