"""Known anomalies, one maker per rule, and one village's records assembled.

Each maker writes the records of one anomaly through the clean makers of
sample_db.ledger with one thing changed, and records it as ground truth with
the moment the rule can first see it: when the record (or the last of the
records involved) was written, or when a deadline passed. Every other
record stays clean, so the engine should raise exactly the ground truth.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sample_db import ledger as rec
from sample_db.ledger import Book
from sample_db.people import Folk, Registry
from sample_db.petitions import poisson
from sample_db.timing import OFFICE_HOURS, Clock

# Anomalies drawn per record kind (the others ride on scheduled records).
ARRIVAL_RULES = (
    "LAB-01", "LAB-02", "LAB-03", "LAB-04", "LAB-05",
    "FUN-01", "FUN-02", "FUN-03", "FUN-04", "FUN-05", "FUN-06",
    "SEAL-01", "SEAL-02", "SEAL-03", "SUB-02",
    "PRJ-01", "PRJ-02", "PRJ-03", "PRJ-04", "PRJ-05", "PRJ-06",
)  # fmt: skip
# How long before now an anomaly's records must start so that they are
# complete (approved, paid, awarded) by now: payments and projects have no
# planned future in the demo.
LEAD = {"FUN": timedelta(days=8), "PRJ": timedelta(days=14), "SEAL": timedelta(days=1)}
OTHER_DEATHS_PER_YEAR = 3.0  # registered deaths of people on no payout list
ELDERLY_DEATH_RATE = 0.08  # per elderly recipient per year


def _key(book: Book, t: datetime, hours: tuple[float, float] = (8.5, 17.0)) -> datetime:
    """``t`` moved to office hours of a working day, not after now."""
    day = rec.working_day(rec.local_date(t))
    at = rec.office_time(book.rng, day, *hours)
    if at > book.now:
        day = rec.working_day(rec.local_date(book.now) - timedelta(days=1), forward=False)
        at = rec.office_time(book.rng, day, *hours)
    return at


def _truth(book: Book, rule: str, row: dict, *others: dict, ready: str | None = None) -> None:
    """Record ``row`` as an anomaly of ``rule``, seen when it and ``others``
    were last written; unless column ``ready`` (e.g. paid_at) is still empty
    on any of them at now: then it is seen when its plan fills the column
    (labour), or never (payments and projects have no planned future: such a
    record stays a latent anomaly no rule can see)."""
    rows = (row, *others)
    if ready is None or all(r[ready] is not None for r in rows):
        book.ledger.anomaly(rule, row, max(r["updated_at"] for r in rows), book.code)
        return
    planned = [
        p["at"] for p in book.ledger.plans if p["external_id"] == row["external_id"] and ready in p["values"]
    ]
    if planned and all(r[ready] is not None for r in others):  # labour: declared after now, by plan
        book.ledger.anomaly(rule, row, max(planned), book.code)


# ---- 村级用工 -------------------------------------------------------------------


def lab_01(book: Book, t: datetime) -> None:
    filed = _key(book, t)
    first = rec.working_day(rec.local_date(filed) - timedelta(days=book.rng.randint(1, 4)), forward=False)
    row = rec.labour(book, filed, start=rec.at_hour(first, 8), days=book.rng.randint(1, 2))
    _truth(book, "LAB-01", row)


def lab_02(book: Book, t: datetime) -> None:
    filed = _key(book, t, (8.5, 12))
    amount = Decimal(book.rng.randrange(150, 290, 10))
    row = rec.labour(book, filed, start=filed + timedelta(minutes=30), end=filed + timedelta(hours=2),
                   days=1, declared_after=book.rng.uniform(2.2, 3.9), amount=amount)  # fmt: skip
    _truth(book, "LAB-02", row, ready="declared_at")


def lab_03(book: Book, t: datetime) -> None:
    filed = _key(book, t)
    day = rec.working_day(rec.local_date(filed) + timedelta(days=book.rng.randint(1, 3)))
    start, end = rec.at_hour(day, 8), rec.at_hour(day, 17)
    free = [
        c
        for c in book.folk.cadres[1:]
        if all(end <= s or start >= e for s, e in book.busy[c.person.id_number])
    ]
    if not free:
        return
    amount = Decimal(book.rng.randrange(210, 310, 10))
    row = rec.labour(book, filed, book.rng.choice(free).person, is_cadre=book.rng.random() < 0.5, start=start,
                   end=end, days=1, amount=amount)  # fmt: skip
    _truth(book, "LAB-03", row, ready="amount_paid")


def lab_04(book: Book, t: datetime) -> None:
    filed = _key(book, t)
    day = rec.working_day(rec.local_date(filed) + timedelta(days=1))
    amount = Decimal(book.rng.randrange(450, 1200, 10))
    row = rec.labour(book, filed, start=rec.at_hour(day, 8), end=rec.at_hour(day, 16), days=1, amount=amount)
    _truth(book, "LAB-04", row, ready="amount_paid")


def lab_05(book: Book, t: datetime) -> None:
    filed = _key(book, t) - timedelta(days=2)
    person = book.registry.person(book.code)
    first = rec.labour(book, filed, person, days=3)
    start = first["work_start"] + timedelta(days=1)
    second = rec.labour(book, filed + timedelta(days=1), person, start=start, days=1)
    ends = [r for r in (first, second) if r["work_end"] is not None]
    if len(ends) == 2:
        _truth(book, "LAB-05", second, first)
    else:  # still working at now: seen when the later of them ends
        book.ledger.anomaly("LAB-05", second, book.now + timedelta(days=3), book.code)


# ---- 三资支出 ---------------------------------------------------------------------


def fun_01(book: Book, t: datetime) -> None:
    row = rec.payment(book, _key(book, t), chain=(), approved=False)
    _truth(book, "FUN-01", row, ready="paid_at")


def fun_02(book: Book, t: datetime) -> None:
    if book.rng.random() < 0.6:
        missing = book.rng.choice(rec.CHAIN[1:])
        chain = tuple(role for role in rec.CHAIN if role != missing)
    else:
        chain = ("secretary", "bookkeeper", "supervisor", "member")
    row = rec.payment(book, _key(book, t), chain=chain)
    _truth(book, "FUN-02", row, ready="approved_at")


def fun_03(book: Book, t: datetime) -> None:
    landless = [p for p in book.folk.residents if p.id_number not in book.folk.land]
    payee = book.rng.choice(landless) if landless else book.registry.person(book.code)
    amount = rec.clean_amount(book.rng, 8000, 0.6, 1500, 26000)
    purpose = book.rng.choice(rec.LAND_PURPOSES)
    row = rec.payment(book, _key(book, t), payee=payee, amount=amount, purpose=purpose,
                    land_linked=True)  # fmt: skip
    _truth(book, "FUN-03", row)


def fun_04(book: Book, t: datetime) -> None:
    relative = book.rng.choice(book.folk.relatives)
    amount = rec.clean_amount(book.rng, 2500, 0.7, 300, 9000)
    row = rec.payment(book, _key(book, t), payee=relative.person, amount=amount,
                    purpose=book.rng.choice(rec.RESIDENT_PURPOSES))  # fmt: skip
    _truth(book, "FUN-04", row)


def fun_05(book: Book, t: datetime) -> None:
    row = rec.payment(book, _key(book, t), paid_before_approval=True)
    _truth(book, "FUN-05", row, ready="approved_at")


def fun_06(book: Book, t: datetime) -> None:
    contractor = book.registry.person(book.code)
    second_at = _key(book, t)
    first_at = _key(book, second_at - timedelta(days=book.rng.uniform(3, 45)))
    purpose = book.rng.choice(rec.PAYMENT_PURPOSES)
    amounts = [Decimal(book.rng.randrange(27000, 29990, 10)) for _ in range(2)]
    first = rec.payment(book, first_at, payee=contractor, amount=amounts[0], purpose=purpose)
    second_at = max(second_at, first_at + timedelta(hours=1))
    second = rec.payment(book, second_at, payee=contractor, amount=amounts[1],
                       purpose=purpose)  # fmt: skip
    _truth(book, "FUN-06", second, first)


# ---- 公章使用 --------------------------------------------------------------------


def seal_01(book: Book, t: datetime) -> None:
    used = _key(book, t, (8.5, 15))
    approved = used + timedelta(hours=book.rng.uniform(0.5, 6))
    row = rec.seal_use(book, rec.local_date(used), approved=approved, used=used)
    if row is not None:
        _truth(book, "SEAL-01", row, ready="approved_at")


def seal_02(book: Book, t: datetime) -> None:
    day = rec.local_date(_key(book, t))
    if book.rng.random() < 0.5:
        approved = rec.office_time(book.rng, day, 8.5, 17)
        used = rec.office_time(book.rng, day, 18.5, 22)
    else:
        rest = day + timedelta(days=1)
        while rec.is_working_day(rest):
            rest += timedelta(days=1)
        approved = rec.office_time(book.rng, rest, 8.5, 11)
        used = rec.office_time(book.rng, rest, 11.5, 16)
    if used <= book.now:
        row = rec.seal_use(book, rec.local_date(used), approved=approved, used=used)
        _truth(book, "SEAL-02", row)


def seal_03(book: Book, t: datetime) -> None:
    used = _key(book, t)
    row = rec.seal_use(book, rec.local_date(used), used=used, unapproved=True)
    if row is not None:
        book.ledger.anomaly("SEAL-03", row, used + timedelta(hours=24), book.code)


# ---- 惠民资金 ----------------------------------------------------------------------


def sub_02(book: Book, t: datetime) -> None:
    """A one-off relief payment (临时救助金) to a public servant."""
    person, _employer = book.rng.choice(book.folk.servants)
    due = _key(book, t, (9, 10))
    past = book.one_offs.setdefault(person.id_number, [])
    if any(abs(due - other) < timedelta(days=40) for other in past):
        return
    past.append(due)
    amount = Decimal(book.rng.randrange(500, 3000, 100))
    row = rec.payout(book, "临时救助金", person, due, amount, rec.on_time(book.rng, due))
    if row is not None:
        _truth(book, "SUB-02", row)


# ---- 工程项目 ------------------------------------------------------------------------


def prj_01(book: Book, t: datetime) -> None:
    winner = book.registry.person(book.code).name + "工程队"
    second_at = _key(book, t)
    first_at = _key(book, second_at - timedelta(days=book.rng.uniform(10, 80)))
    first, second = (
        rec.project(
            book, at, amount=Decimal(book.rng.randrange(27000, 29990, 10)), winner=winner, kind="works"
        )
        for at in (first_at, second_at)
    )
    _truth(book, "PRJ-01", second, first, ready="winner")


def prj_02(book: Book, t: datetime) -> None:
    amount = rec.clean_amount(book.rng, 12000, 0.6, 3000, 26000)
    _truth(book, "PRJ-02", rec.project(book, _key(book, t), amount=amount, pledge=False))


def prj_03(book: Book, t: datetime) -> None:
    relative = book.rng.choice(book.folk.relatives)
    firms = book.rng.sample(book.folk.firms, 2)
    bidders = [(relative.person.name, relative.person.id_number), *((f, None) for f in firms)]
    if book.rng.random() < 0.5:
        bidders.append(bidders.pop(0))  # the relative bids and loses
    _truth(book, "PRJ-03", rec.project(book, _key(book, t), bidders=bidders), ready="awarded_at")


def prj_04(book: Book, t: datetime) -> None:
    row = rec.project(book, _key(book, t), bidders=[(book.rng.choice(book.folk.firms), None)])
    _truth(book, "PRJ-04", row, ready="awarded_at")


def prj_05(book: Book, t: datetime) -> None:
    bidders = [(f, None) for f in book.rng.sample(book.folk.firms, 3)]
    _truth(
        book, "PRJ-05", rec.project(book, _key(book, t), bidders=bidders, same_bids=True), ready="awarded_at"
    )


def prj_06(book: Book, t: datetime) -> None:
    kind = book.rng.choice(("works", "procurement"))
    days = book.rng.uniform(0.4, rec.MIN_DAYS[kind] - 0.5)
    _truth(book, "PRJ-06", rec.project(book, _key(book, t), kind=kind, award_days=days), ready="awarded_at")


MAKERS = {
    "LAB-01": lab_01, "LAB-02": lab_02, "LAB-03": lab_03, "LAB-04": lab_04, "LAB-05": lab_05,
    "FUN-01": fun_01, "FUN-02": fun_02, "FUN-03": fun_03, "FUN-04": fun_04, "FUN-05": fun_05,
    "FUN-06": fun_06, "SEAL-01": seal_01, "SEAL-02": seal_02, "SEAL-03": seal_03, "SUB-02": sub_02,
    "PRJ-01": prj_01, "PRJ-02": prj_02, "PRJ-03": prj_03, "PRJ-04": prj_04, "PRJ-05": prj_05,
    "PRJ-06": prj_06,
}  # fmt: skip


def late_query(book: Book, asked: datetime, disclosure: dict | None) -> None:
    """QRY-01: answered after 8-20 working days, or not at all."""
    deadline = _working_days_later(asked, 6)
    answered = (
        None
        if book.rng.random() < 0.3
        else rec.later_office(book.rng, _working_days_later(asked, book.rng.randint(8, 20)), 0, 6)
    )
    item = disclosure["item"] if disclosure else "财务收支明细"
    row = rec.query(book, asked, answered, disclosure and disclosure["id"], item)
    book.ledger.anomaly("QRY-01", row, deadline, book.code)


def _working_days_later(at: datetime, n: int) -> datetime:
    """The start (local midnight) of the n-th working day after ``at``'s day."""
    day, count = rec.local_date(at), 0
    while count < n:
        day += timedelta(days=1)
        count += rec.is_working_day(day)
    return rec.at_hour(day, 0)


# ---- one village ------------------------------------------------------------------


def village_ledger(
    book: Book, start: datetime, until: datetime, *, anomaly_scale: float = 1.0, volume: float = 1.0
) -> None:
    """Write one village's registries and records for [start, now] (and the
    scheduled ones due until ``until``), anomalies included."""
    rng, folk, now = book.rng, book.folk, book.now
    years = (now - start) / timedelta(days=365)
    clock = Clock(start, now, office=True)
    rate = {code: r * anomaly_scale * years for code, r in rec.ANOMALY_RATES.items()}
    rec.write_registries(book, start)

    deaths: dict[str, tuple[datetime, datetime]] = {}
    for person in folk.elderly:
        if rng.random() < ELDERLY_DEATH_RATE * years:
            died = clock.draw(rng, OFFICE_HOURS)
            deaths[person.id_number] = (died, rec.write_death(book, person, died))
    victims = set()
    for _ in range(poisson(rng, rate["SUB-01"])):
        living = [p for p in folk.poor + folk.elderly if p.id_number not in deaths]
        if living:
            person = rng.choice(living)
            died = clock.draw(rng, OFFICE_HOURS)
            deaths[person.id_number] = (died, rec.write_death(book, person, died))
            victims.add(person.id_number)
    for _ in range(poisson(rng, OTHER_DEATHS_PER_YEAR * years)):
        rec.write_death(book, book.registry.person(book.code, 1925, 1960), clock.draw(rng, OFFICE_HOURS))

    published = rec.disclosures_for(
        book, start, until, late_chance=rate["DIS-01"] / (rec.ITEMS_PER_YEAR * years)
    )
    monthly = (len(folk.poor) + len(folk.disabled)) * 12 * years
    yearly = len(folk.elderly) * 4 * years + len(folk.land) * years
    chances = rec.PayoutChances(
        late=min(0.5, rate["SUB-04"] / max(monthly, 1)),
        duplicate=min(0.5, rate["SUB-05"] / max(yearly, 1)),
        inflated=min(0.5, rate["SUB-03"] / max(len(folk.land) * years, 1)),
    )
    rec.payouts_for(book, start, until, deaths, victims, chances)

    makers = rec.arrival_makers(published)
    query_late = rec.ANOMALY_RATES["QRY-01"] * anomaly_scale / rec.RATES["public_queries"]
    for table, per_year in rec.RATES.items():
        for _ in range(poisson(rng, per_year * years * volume)):
            t = clock.draw(rng, OFFICE_HOURS)
            if table == "public_queries" and rng.random() < query_late:
                items = [d for d in published if d["published_at"] and d["published_at"] < t]
                late_query(book, _key(book, t), rng.choice(items[-40:]) if items else None)
            else:
                makers[table](book, _key(book, t))
    for code in ARRIVAL_RULES:
        lead = LEAD.get(code.split("-")[0], timedelta(0))
        late_clock = Clock(start, now - lead, office=True) if lead else clock
        for _ in range(poisson(rng, rate[code])):
            MAKERS[code](book, late_clock.draw(rng, OFFICE_HOURS))


def new_book(ledger: rec.Ledger, registry: Registry, rng: random.Random, now: datetime, village_code: str,
             households: int) -> Book:  # fmt: skip
    folk: Folk = registry.folk(village_code, households)
    return Book(ledger, folk, rng, now, registry)
