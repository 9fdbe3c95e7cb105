"""What each rule looks for: one check per rule code.

A check reads the candidate records (those changed since ``since``, or every
record whose own time falls in ``window`` for a back-test) with one portable
query, then tests each candidate in plain Python against the thresholds and
returns its hits. Checks never write. The thresholds and the explanation text
come from the catalogue (catalogue.yaml); a check only supplies the values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, or_, select, true

from cockpit.store.records import (
    APPROVAL_ROLES,
    cadres,
    deaths,
    labour,
    land_contracts,
    payment_approvals,
    payments,
    payouts,
    public_servants,
    seal_uses,
)
from cockpit.timewindow import Window

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
    moves the rule's watermark). ``run(conn, since, window, params)``.
    """

    watched: tuple[Table, ...]
    run: Callable[[Connection, datetime | None, Window | None, dict], list[Hit]]


CHECKS: dict[str, Check] = {}


def check(code: str, *watched: Table):
    def register(fn):
        CHECKS[code] = Check(watched, fn)
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


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


# ---- 村级用工 ---------------------------------------------------------------


def _labour(conn, since, window, *where):
    query = select(labour).where(_changed(since, labour), _in(labour.c.filed_at, window), *where)
    return conn.execute(query.order_by(labour.c.id)).all()


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
def labour_before_application(conn, since, window, params) -> list[Hit]:
    grace = timedelta(hours=params["grace_hours"])
    return [
        _labour_hit(row, lead_hours=_hours(row.filed_at - row.work_start))
        for row in _labour(conn, since, window)
        if row.work_start < row.filed_at - grace
    ]


@check("LAB-02", labour)
def labour_declared_too_soon(conn, since, window, params) -> list[Hit]:
    limit = timedelta(hours=params["min_hours"])
    return [
        _labour_hit(
            row, declared_at=row.declared_at, gap_hours=_hours(row.declared_at - row.filed_at), **params
        )
        for row in _labour(conn, since, window, labour.c.declared_at.is_not(None))
        if row.declared_at - row.filed_at < limit
    ]


@check("LAB-03", labour, cadres)
def labour_paid_to_cadre(conn, since, window, params) -> list[Hit]:
    """Paid to a worker marked as a cadre, or whose id number is in the
    village's cadre registry."""
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
            or_(labour.c.is_cadre == true(), cadres.c.id.is_not(None)),
        )
        .order_by(labour.c.id)
    )
    hits: dict[str, Hit] = {}
    for row in conn.execute(query):
        hit = _labour_hit(row, amount_paid=row.amount_paid)
        if row.cadre_external_id:
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
def payment_without_approval(conn, since, window, params) -> list[Hit]:
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
def payment_chain_broken(conn, since, window, params) -> list[Hit]:
    """Judged once the chain is over (the payment approved or paid): a chain
    still collecting signatures is not yet incomplete."""
    rows = _payments(
        conn, since, window, or_(payments.c.approved_at.is_not(None), payments.c.paid_at.is_not(None))
    )
    approvals = _approvals(conn, [row.id for row in rows])
    hits = []
    for row in rows:
        signed = approvals.get(row.id)
        problem = chain_problem(signed, params["chain"]) if signed else None
        if problem:
            hits.append(_payment_hit(row, problem=problem))
    return hits


@check("FUN-03", payments, land_contracts)
def land_compensation_without_land(conn, since, window, params) -> list[Hit]:
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
def seal_used_before_approval(conn, since, window, params) -> list[Hit]:
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
def payout_to_dead_person(conn, since, window, params) -> list[Hit]:
    grace = timedelta(days=params["grace_days"])
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
        if row.died_at + grace < row.paid_at:
            hit = _payout_hit(row, "deaths", row.death_external_id, died_at=row.died_at, paid_at=row.paid_at)
            hits.setdefault(row.external_id, hit)
    return list(hits.values())


@check("SUB-02", payouts, public_servants)
def payout_to_public_servant(conn, since, window, params) -> list[Hit]:
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
        )
        .order_by(payouts.c.id)
    )
    hits: dict[str, Hit] = {}
    for row in conn.execute(query):
        hit = _payout_hit(row, "public_servants", row.servant_external_id, employer=row.employer)
        hits.setdefault(row.external_id, hit)
    return list(hits.values())
