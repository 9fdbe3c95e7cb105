"""Village business records for the sample store: what the warning rules read.

Per village, over the history and a little beyond ``now``:

- records that arrive at calibrated rates (labour, payments, projects and
  their bids, seal uses, public queries), each drawn *clean*: with margin on
  the right side of every rule's default thresholds;
- records on a schedule (the 27 disclosure items per period, monthly,
  quarterly and yearly benefit payouts), also clean;
- the reference registries (cadres and their close relatives, land
  contracts, public servants, deaths);
- anomalies, at per-rule rates (ANOMALY_RATES, anomalies per village per
  year, scaled by the village's calibrated warning rate): each is built
  backwards from the moment ``d`` it becomes detectable (a record written
  at ``d``, or a deadline passing at ``d``) and recorded as ground truth
  (``truth``: rule, subject, detectable_at) apart from the warnings. The
  warning engine, not this module, raises the warnings.

What happens after ``now`` (a payout paid, a disclosure published, a query
answered, labour declared) is not in the rows: it goes to ``plans`` for the
live demo (sample_db.plans, record kind = the table).

The live demo uses the same makers for the records it adds.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from cockpit.rules.calendar import is_working_day
from sample_db.people import Folk, Person, Registry
from sample_db.timing import LOCAL, local_day_start

# Clean records per village per year.
RATES = {"labour": 24.0, "payments": 40.0, "projects": 6.0, "seal_uses": 36.0, "public_queries": 1.5}
# Anomalies per village per year for a village of average warning rate
# (AVERAGE_WARNINGS); PET-01 and PET-02 come from the petitions themselves.
ANOMALY_RATES = {
    "LAB-01": 4.0, "LAB-02": 3.5, "LAB-03": 1.0, "LAB-04": 2.0, "LAB-05": 1.2,
    "FUN-01": 1.6, "FUN-02": 3.5, "FUN-03": 0.7, "FUN-04": 0.8, "FUN-05": 2.0, "FUN-06": 1.0,
    "SEAL-01": 3.0, "SEAL-02": 2.0, "SEAL-03": 1.5,
    "SUB-01": 0.8, "SUB-02": 0.6, "SUB-03": 1.0, "SUB-04": 2.5, "SUB-05": 0.8,
    "PRJ-01": 0.8, "PRJ-02": 2.0, "PRJ-03": 0.6, "PRJ-04": 1.2, "PRJ-05": 0.6, "PRJ-06": 1.2,
    "DIS-01": 8.0, "QRY-01": 0.1,
}  # fmt: skip
AVERAGE_WARNINGS = 58.0  # sample_db.city draws 44-72 warnings per village per year
LIMIT = 30000  # the tendering limit; clean amounts stay out of [NEAR_LIMIT, LIMIT)
NEAR_LIMIT = 27000
PREFIX = {
    "labour": "LW",
    "payments": "ZC",
    "payouts": "FF",
    "projects": "XM",
    "seal_uses": "YZ",
    "disclosures": "GK",
    "public_queries": "ZX",
    "deaths": "SW",
    "public_servants": "GZ",
    "land_contracts": "CB",
    "cadres": "GB",
    "cadre_relatives": "QS",
}
CHILD_TABLES = ("payment_approvals", "project_bids")
CHAIN = ("bookkeeper", "secretary", "supervisor", "member")

# 三务公开: 27 items in three categories, each with its period (H: half-year, Q: quarter).
DISCLOSURE_ITEMS = {
    "party": ("H", ("党组织换届选举情况", "党员发展情况", "党费收缴使用情况", "三会一课开展情况",
                    "主题党日活动情况", "党员评议结果", "党组织重要决策", "党员先锋岗设置")),
    "village": ("Q", ("村级重大事项决策", "村级工程项目进展", "集体资产资源出租", "低保及救助对象",
                      "宅基地审批情况", "征地补偿分配", "村民代表会议决议", "惠民政策落实", "村规民约执行",
                      "为民办实事进展")),
    "finance": ("Q", ("财务收支明细", "集体资金使用", "工程款支付", "务工补贴发放", "惠民资金发放",
                      "债权债务情况", "招待费支出", "集体经营收入", "村干部报酬")),
}  # fmt: skip
ITEMS_PER_YEAR = 4 * 19 + 2 * 8  # quarterly village and finance items, half-yearly party items
PROGRAMMES = {  # name: (months due, day of month, amount range per payout)
    "低保金": (tuple(range(1, 13)), 10, (560, 900)),
    "残疾人补贴": (tuple(range(1, 13)), 15, (90, 200)),
    "高龄补贴": ((3, 6, 9, 12), 20, (300, 300)),
    "耕地地力保护补贴": ((5,), 20, None),  # per mu
}
SUBSIDY_PER_MU = Decimal("112.50")
PAYMENT_PURPOSES = (
    "道路维修",
    "水利设施维护",
    "办公用品",
    "环境卫生保洁",
    "路灯电费",
    "绿化养护",
    "会议误工补贴",
    "防汛物资",
)
RESIDENT_PURPOSES = ("误工补贴", "劳务费", "保洁员工资", "护林员补助")
LAND_PURPOSES = ("青苗补偿", "土地征用补偿", "流转土地租金")
WORKS = ("村道硬化", "沟渠清淤", "文化礼堂修缮", "路灯安装", "公厕改造", "河道护岸", "停车场铺装", "池塘清淤")
PURCHASES = ("办公设备采购", "防汛物资采购", "保洁工具采购", "绿化苗木采购", "监控设备采购")
SEAL_MATTERS = (
    "出具证明",
    "合同签订",
    "工程款支付审批表",
    "低保申请材料",
    "土地流转协议",
    "宅基地审批表",
    "上报材料",
)
QUESTIONS = ("{item}中的数字与实际不符，请说明", "{item}为何未列明明细", "请解释{item}的支出依据",
             "{item}公开内容不完整", "{item}中的金额如何计算")  # fmt: skip


@dataclass
class Ledger:
    """Rows per table (ids assigned here, from ``first_ids``), ground truth,
    and steps after ``now`` for the live demo."""

    first_ids: dict[str, int] = field(default_factory=dict)
    rows: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    truth: list[dict] = field(default_factory=list)
    plans: list[dict] = field(default_factory=list)

    def add(self, table: str, **values) -> dict:
        rows = self.rows[table]
        row_id = self.first_ids.get(table, 1) + len(rows)
        row = {"id": row_id, **values}
        if table in PREFIX:
            row["external_id"] = f"{PREFIX[table]}{row_id:08d}"
        rows.append(row)
        return row

    def plan(self, table: str, row: dict, at: datetime, **values) -> None:
        """Set ``values`` (and updated_at) on ``row`` at ``at``, after now."""
        self.plans.append(
            {
                "table": table,
                "record_id": row["id"],
                "external_id": row["external_id"],
                "at": at,
                "values": values,
            }
        )

    def anomaly(self, rule: str, row: dict, detectable_at: datetime, village_code: str) -> None:
        self.truth.append(
            {
                "rule_code": rule,
                "subject_id": row["external_id"],
                "village_code": village_code,
                "detectable_at": detectable_at,
            }
        )

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


@dataclass
class Book:
    """Writing one village's records: its people, the clock and the ledger."""

    ledger: Ledger
    folk: Folk
    rng: random.Random
    now: datetime
    registry: Registry
    busy: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=lambda: defaultdict(list))
    one_offs: dict[str, list[datetime]] = field(default_factory=dict)
    published: list[dict] = field(default_factory=list)  # the demo's: recent disclosures queries may refer to

    @property
    def code(self) -> str:
        return self.folk.village_code


# ---- times -------------------------------------------------------------------


def working_day(day: date, forward: bool = True) -> date:
    step = timedelta(days=1 if forward else -1)
    while not is_working_day(day):
        day += step
    return day


def office_time(rng: random.Random, day: date, earliest: float = 8.5, latest: float = 17.5) -> datetime:
    """A local time on ``day`` between the given hours, as UTC."""
    hour = rng.uniform(earliest, latest)
    return (local_day_start(day) + timedelta(hours=hour)).replace(microsecond=0).astimezone(UTC)


def at_hour(day: date, hour: float) -> datetime:
    return (local_day_start(day) + timedelta(hours=hour)).astimezone(UTC)


def local_date(at: datetime) -> date:
    return at.astimezone(LOCAL).date()


def later_office(rng: random.Random, after: datetime, min_hours: float, max_hours: float) -> datetime:
    """A time ``min_hours``-``max_hours`` after ``after``, moved into office
    hours of a working day (forward)."""
    at = after + timedelta(hours=rng.uniform(min_hours, max_hours))
    local = at.astimezone(LOCAL)
    day, hour = local.date(), local.hour + local.minute / 60
    if not is_working_day(day) or hour >= 17.5:
        day = working_day(day + timedelta(days=1))
        return office_time(rng, day, 8.5, 11.0)
    if hour < 8.5:
        return office_time(rng, day, 8.5, 11.0)
    return at.replace(microsecond=0)


def _yuan(value: float, step: int = 10) -> Decimal:
    return Decimal(int(round(value / step) * step))


def clean_amount(rng: random.Random, median: float, sigma: float, low: int, high: int) -> Decimal:
    """A lognormal amount in [low, high], never within [NEAR_LIMIT, LIMIT)."""
    while True:
        amount = _yuan(min(high, max(low, rng.lognormvariate(math.log(median), sigma))))
        if not NEAR_LIMIT <= amount < LIMIT:
            return amount


def _past(at: datetime | None, now: datetime) -> datetime | None:
    return at if at is not None and at <= now else None


# ---- registries ------------------------------------------------------------------


def write_registries(book: Book, start: datetime) -> None:
    """Cadres, their relatives, land contracts and public servants, as
    registered before the history starts."""
    ledger, folk, code = book.ledger, book.folk, book.code
    cadre_ids = {}
    for cadre in folk.cadres:
        row = ledger.add("cadres", village_code=code, name=cadre.person.name,
                         id_number=cadre.person.id_number, role=cadre.role, updated_at=start)  # fmt: skip
        cadre_ids[cadre.person.id_number] = row["id"]
    for relative in folk.relatives:
        ledger.add("cadre_relatives", village_code=code, cadre_id=cadre_ids[relative.cadre.person.id_number],
                   name=relative.person.name, id_number=relative.person.id_number,
                   relation=relative.relation, updated_at=start)  # fmt: skip
    for holder, areas in folk.land.values():
        for area in areas:
            ledger.add("land_contracts", village_code=code, household=holder.name,
                       id_number=holder.id_number, area=Decimal(str(area)), updated_at=start)  # fmt: skip
    for person, employer in folk.servants:
        ledger.add("public_servants", village_code=code, name=person.name, id_number=person.id_number,
                   employer=employer, updated_at=start)  # fmt: skip


def write_death(book: Book, person: Person, died: datetime) -> datetime:
    """Register a death (1-12 days after it, not after now); returns when."""
    registered = min(book.now, died + timedelta(days=book.rng.uniform(1, 12)))
    book.ledger.add("deaths", village_code=book.code, name=person.name, id_number=person.id_number,
                    died_at=died, updated_at=registered)  # fmt: skip
    return registered


# ---- labour ------------------------------------------------------------------


def _free_worker(book: Book, start: datetime, end: datetime) -> Person:
    for _ in range(20):
        person = book.rng.choice(book.folk.residents)
        if all(end <= s or start >= e for s, e in book.busy[person.id_number]):
            return person
    return book.registry.person(book.code)  # everyone asked is busy: a newcomer


def labour(book: Book, filed: datetime, worker: Person | None = None, *, is_cadre: bool = False,
           start: datetime | None = None, days: int | None = None, declared_after: float | None = None,
           amount: Decimal | None = None, end: datetime | None = None) -> dict:  # fmt: skip
    """A labour record filed at ``filed`` (clean unless told otherwise)."""
    rng = book.rng
    days = days or rng.choice((1, 1, 2, 2, 3, 4))
    if start is None:
        first = working_day(local_date(filed) + timedelta(days=rng.randint(1, 3)))
        start = at_hour(first, 8)
    if end is None:
        end = at_hour(local_date(start) + timedelta(days=days - 1), 17)
    worker = worker or _free_worker(book, start, end)
    book.busy[worker.id_number].append((start, end))
    declared = (
        later_office(rng, max(end, filed + timedelta(hours=4)), 2, 48)
        if declared_after is None
        else filed + timedelta(hours=declared_after)
    )
    amount = amount if amount is not None else Decimal(days * rng.randrange(150, 290, 10))
    row = book.ledger.add(
        "labour",
        village_code=book.code,
        worker=worker.name,
        worker_id_number=worker.id_number,
        is_cadre=is_cadre,
        filed_at=filed,
        work_start=start,
        work_end=_past(end, book.now),
        declared_at=_past(declared, book.now),
        amount_paid=amount if declared <= book.now else None,
        updated_at=max(t for t in (filed, _past(end, book.now), _past(declared, book.now)) if t is not None),
    )
    if declared > book.now:
        values = {"declared_at": declared, "amount_paid": amount}
        if end > book.now:
            book.ledger.plan("labour", row, end, work_end=end)
        book.ledger.plan("labour", row, declared, **values)
    return row


# ---- payments ----------------------------------------------------------------


def payment(book: Book, applied: datetime, *, payee: Person | str | None = None, amount: Decimal | None = None,  # noqa: E501
            purpose: str | None = None, land_linked: bool = False, chain: tuple[str, ...] = CHAIN,
            approved: bool = True, paid_gap_hours: tuple[float, float] = (2, 72),
            paid_before_approval: bool = False) -> dict:  # fmt: skip
    """A payment applied for at ``applied``, approved by ``chain`` in that
    order (clean unless told otherwise)."""
    rng, folk = book.rng, book.folk
    if payee is None:
        if rng.random() < 0.08 and folk.land:
            land_linked = True
            payee = rng.choice(list(folk.land.values()))[0]
            purpose = rng.choice(LAND_PURPOSES)
        elif rng.random() < 0.35:
            payee = rng.choice(folk.residents)
            purpose = rng.choice(RESIDENT_PURPOSES)
        else:
            payee = rng.choice(folk.firms)
    purpose = purpose or rng.choice(PAYMENT_PURPOSES)
    amount = amount if amount is not None else clean_amount(rng, 2500, 1.0, 100, 80000)
    signatures, at = [], applied
    for role in chain:
        at = later_office(rng, at, 0.5, 30)
        signatures.append((role, at))
    approved_at = signatures[-1][1] if approved and signatures else None
    if paid_before_approval:
        paid = approved_at - timedelta(days=rng.uniform(2, 6))
        paid = max(paid, applied + timedelta(hours=1))
        approved_at = max(approved_at, paid + timedelta(hours=25))
        signatures[-1] = (signatures[-1][0], approved_at)
    else:
        paid = later_office(rng, approved_at or at, *paid_gap_hours)
    name, number = (payee.name, payee.id_number) if isinstance(payee, Person) else (payee, None)
    done = [
        t
        for t in (applied, *(s[1] for s in signatures), approved_at, paid)
        if t is not None and t <= book.now
    ]
    row = book.ledger.add(
        "payments",
        village_code=book.code,
        applicant=folk.bookkeeper.person.name,
        payee=name,
        payee_id_number=number,
        amount=amount,
        purpose=purpose,
        land_linked=land_linked,
        applied_at=applied,
        approved_at=_past(approved_at, book.now),
        paid_at=_past(paid, book.now),
        updated_at=max(done),
    )
    for role, signed in signatures:
        if signed <= book.now:
            book.ledger.add("payment_approvals", payment_id=row["id"], role=role, approver=folk.signer(role),
                            approved_at=signed)  # fmt: skip
    return row


# ---- projects ----------------------------------------------------------------

MIN_DAYS = {"works": 5, "procurement": 3}


def project(book: Book, announced: datetime, *, amount: Decimal | None = None, winner: str | None = None,
            bidders: list[tuple[str, str | None]] | None = None, same_bids: bool = False,
            pledge: bool = True, award_days: float | None = None,
            kind: str | None = None) -> dict:  # fmt: skip
    """A project announced at ``announced`` with its bids (clean unless told
    otherwise): at least two bidders with different amounts, awarded after
    the minimum announcement period, the cadres' pledge signed."""
    rng, folk = book.rng, book.folk
    kind = kind or rng.choice(("works", "works", "works", "procurement", "procurement"))
    amount = amount if amount is not None else clean_amount(rng, 14000, 0.8, 2000, 300000)
    if bidders is None:
        names = rng.sample(folk.firms, min(len(folk.firms), rng.randint(2, 4)))
        if winner is not None and winner not in names:
            names[0] = winner
        bidders = [(name, None) for name in names]
    winner = winner or bidders[0][0]
    bids, above = [], amount
    for i, (name, number) in enumerate(bidders):
        if name == winner or (same_bids and i == 1):
            bid = amount
        else:  # each losing bid at least 1% above the previous one
            above += max(Decimal(1), Decimal(int(amount * Decimal(rng.uniform(0.01, 0.04)))))
            bid = above
        bids.append((name, number, bid))
    days = award_days if award_days is not None else MIN_DAYS[kind] + rng.uniform(0.6, 6)
    awarded = announced + timedelta(days=days)
    bid_times = [announced + timedelta(days=rng.uniform(0.2, max(0.3, days - 0.3))) for _ in bids]
    place = rng.choice("一二三四五六七八") + "组"
    name = place + rng.choice(WORKS) if kind == "works" else rng.choice(PURCHASES)
    past_awarded = _past(awarded, book.now)
    done = [t for t in (announced, past_awarded, *bid_times) if t is not None and t <= book.now]
    row = book.ledger.add(
        "projects",
        village_code=book.code,
        name=f"{name}（{local_date(announced):%Y年%m月}）",
        kind=kind,
        amount=amount,
        winner=winner if past_awarded else None,
        announced_at=announced,
        awarded_at=past_awarded,
        no_stake_pledge=pledge,
        updated_at=max(done),
    )
    for (bidder, number, bid), at in zip(bids, bid_times, strict=True):
        if at <= book.now:
            book.ledger.add("project_bids", project_id=row["id"], bidder=bidder, bidder_id_number=number,
                            amount=bid, bid_at=at)  # fmt: skip
    return row


# ---- seals -----------------------------------------------------------------------


def seal_use(book: Book, day: date, *, approved: datetime | None = None, used: datetime | None = None,
             unapproved: bool = False) -> dict | None:  # fmt: skip
    """A seal use approved and then used in office hours of working ``day``
    (clean unless told otherwise). None when it would be used after now."""
    rng = book.rng
    if used is None:
        approved = approved or office_time(rng, day, 8.5, 15.5)
        local_hour = approved.astimezone(LOCAL).hour + approved.astimezone(LOCAL).minute / 60
        used = office_time(rng, day, local_hour + 0.1, 17.5)
    if used > book.now:
        return None
    return book.ledger.add(
        "seal_uses",
        village_code=book.code,
        matter=rng.choice(SEAL_MATTERS),
        applicant=rng.choice(book.folk.cadres).person.name,
        approved_at=None if unapproved else _past(approved, book.now),
        used_at=used,
        updated_at=max(
            t for t in (used, None if unapproved else approved) if t is not None and t <= book.now
        ),
    )


# ---- scheduled records: disclosures and payouts -------------------------------------


def periods(start: datetime, until: datetime) -> list[tuple[str, str, date, date]]:
    """(cadence, label, first day, due day) of every disclosure period whose
    due day falls in [start, until] (local): due on the 10th of the month
    after the period ends."""
    found = []
    for year in range(local_date(start).year - 1, local_date(until).year + 1):
        for q in range(1, 5):
            first = date(year, 3 * q - 2, 1)
            due = date(year + (q == 4), (3 * q) % 12 + 1, 10)
            found.append(("Q", f"{year}年第{q}季度", first, due))
        for h in (1, 2):
            first = date(year, 6 * h - 5, 1)
            due = date(year + (h == 2), (6 * h) % 12 + 1, 10)
            found.append(("H", f"{year}年{'上' if h == 1 else '下'}半年", first, due))
    return [p for p in found if local_date(start) <= p[3] <= local_date(until)]


GRACE_DAYS = {"party": 3, "village": 3, "finance": 0}  # DIS-01's default graces


def disclosures_for(book: Book, start: datetime, until: datetime, late_chance: float = 0.0) -> list[dict]:
    """Every item the village owes for periods due in [start, until],
    published on time (1-8 days before the due day's end), except that each
    is late with ``late_chance`` (DIS-01): published 1-30 days after its due
    time and grace, or not at all."""
    rng, rows = book.rng, []
    for cadence, label, first, due_day in periods(start, until):
        due = at_hour(due_day, 17.5)
        for category, (item_cadence, items) in DISCLOSURE_ITEMS.items():
            if item_cadence != cadence:
                continue
            for item in items:
                deadline = due + timedelta(days=GRACE_DAYS[category])
                if rng.random() < late_chance:
                    published = None if rng.random() < 0.25 else later_office(rng, deadline, 24, 30 * 24)
                    row = disclosure(book, category, item, label, first, due, published)
                    book.ledger.anomaly("DIS-01", row, deadline, book.code)
                else:
                    published = later_office(rng, due - timedelta(days=rng.uniform(2, 9)), 0, 1)
                    row = disclosure(book, category, item, label, first, due, min(published, due))
                rows.append(row)
    return rows


def disclosure(book: Book, category: str, item: str, label: str, first: date, due: datetime,
               published: datetime | None) -> dict:  # fmt: skip
    opened = max(at_hour(first, 0), book.now - timedelta(days=800))
    done = _past(published, book.now)
    row = book.ledger.add(
        "disclosures",
        village_code=book.code,
        category=category,
        item=item,
        period=label,
        due_at=due,
        published_at=done,
        updated_at=done or min(opened, book.now),
    )
    if published is not None and done is None:
        book.ledger.plan("disclosures", row, published, published_at=published)
    return row


def payout(book: Book, programme: str, person: Person, due: datetime, amount: Decimal,
           paid: datetime | None, declared_area: Decimal | None = None) -> dict | None:  # fmt: skip
    """A payout listed five days before it is due (None when that is after now)."""
    listed = due - timedelta(days=5)
    if listed > book.now:
        return None
    done = _past(paid, book.now)
    row = book.ledger.add(
        "payouts",
        village_code=book.code,
        programme=programme,
        recipient=person.name,
        id_number=person.id_number,
        amount=amount,
        declared_area=declared_area,
        due_at=due,
        paid_at=done,
        updated_at=done or listed,
    )
    if paid is not None and done is None:
        book.ledger.plan("payouts", row, paid, paid_at=paid)
    return row


def on_time(rng: random.Random, due: datetime) -> datetime:
    return due + timedelta(hours=rng.uniform(1, 60))


def scheduled_dues(programme: str, start: datetime, until: datetime) -> list[datetime]:
    months, day, _ = PROGRAMMES[programme]
    dues = []
    for year in range(local_date(start).year, local_date(until).year + 1):
        for month in months:
            due = at_hour(working_day(date(year, month, day), forward=False), 9)
            if start <= due <= until:
                dues.append(due)
    return dues


@dataclass(frozen=True)
class PayoutChances:
    """Per payout: the chance it is late (SUB-04: monthly programmes),
    duplicated (SUB-05: quarterly and yearly ones) or declared on too much
    land (SUB-03: the land subsidy)."""

    late: float = 0.0
    duplicate: float = 0.0
    inflated: float = 0.0


def payouts_for(
    book: Book,
    start: datetime,
    until: datetime,
    deaths: dict[str, tuple[datetime, datetime]],
    paid_after_death: set[str] = frozenset(),
    chances: PayoutChances = PayoutChances(),
) -> None:
    """Every scheduled payout due in [start, until], paid on time and none
    after the recipient's death, except for the anomalies: a recipient in
    ``paid_after_death`` gets one more payout after dying (SUB-01), and
    ``chances`` draws the others."""
    rng, folk, ledger = book.rng, book.folk, book.ledger
    lists = {"低保金": folk.poor, "残疾人补贴": folk.disabled, "高龄补贴": folk.elderly}
    for programme, people in lists.items():
        low, high = PROGRAMMES[programme][2]
        monthly = len(PROGRAMMES[programme][0]) == 12
        for person in people:
            amount = _yuan(rng.uniform(low, high))
            died, registered = deaths.get(person.id_number, (None, None))
            for due in scheduled_dues(programme, start, until):
                paid = on_time(rng, due)
                if died is not None and paid >= died:
                    if person.id_number in paid_after_death:
                        row = payout(book, programme, person, due, amount, paid)
                        if row is not None:
                            ledger.anomaly("SUB-01", row, max(paid, registered), book.code)
                    break
                if monthly and died is None and rng.random() < chances.late:
                    late = None if rng.random() < 0.2 else due + timedelta(days=rng.uniform(4, 40))
                    row = payout(book, programme, person, due, amount, late)
                    if row is not None:
                        ledger.anomaly("SUB-04", row, due + timedelta(days=3), book.code)
                    continue
                payout(book, programme, person, due, amount, paid)
                if not monthly and died is None and rng.random() < chances.duplicate:
                    _duplicate(book, programme, person, due, amount, None)
    for due in scheduled_dues("耕地地力保护补贴", start, until):
        for holder, _areas in folk.land.values():
            if holder.id_number in deaths and deaths[holder.id_number][0] <= due + timedelta(days=3):
                continue
            area = Decimal(str(folk.area(holder.id_number)))
            inflated = rng.random() < chances.inflated
            declared = (
                (area * Decimal("1.3") + Decimal("0.5")).quantize(Decimal("0.01")) if inflated else area
            )
            amount = (declared * SUBSIDY_PER_MU).quantize(Decimal("0.01"))
            row = payout(
                book, "耕地地力保护补贴", holder, due, amount, on_time(rng, due), declared_area=declared
            )
            if row is not None and inflated:
                ledger.anomaly("SUB-03", row, row["updated_at"], book.code)
            elif row is not None and rng.random() < chances.duplicate:
                _duplicate(book, "耕地地力保护补贴", holder, due, amount, declared)


def _duplicate(book: Book, programme: str, person: Person, due: datetime, amount, area) -> None:
    """SUB-05: the same payout listed again 3-20 days later."""
    again = due + timedelta(days=book.rng.uniform(3, 20))
    row = payout(book, programme, person, again, amount, on_time(book.rng, again), declared_area=area)
    if row is not None:
        book.ledger.anomaly("SUB-05", row, row["updated_at"], book.code)


def query(
    book: Book, asked: datetime, answered: datetime | None, disclosure_id: int | None, item: str
) -> dict:
    done = _past(answered, book.now)
    row = book.ledger.add(
        "public_queries",
        village_code=book.code,
        disclosure_id=disclosure_id,
        question=book.rng.choice(QUESTIONS).format(item=f"「{item}」"),
        asked_at=asked,
        answered_at=done,
        updated_at=done or asked,
    )
    if answered is not None and done is None:
        book.ledger.plan("public_queries", row, answered, answered_at=answered)
    return row


# The makers of the records that arrive at RATES, by table: (book, time) -> row.
Maker = Callable[[Book, datetime], object]


def arrival_makers(published: list[dict]) -> dict[str, Maker]:
    def make_query(book: Book, asked: datetime):
        items = [d for d in published if d["published_at"] and d["published_at"] < asked]
        target = book.rng.choice(items[-40:]) if items else None
        answered = later_office(book.rng, asked, 2, 72)
        return query(
            book, asked, answered, target and target["id"], target["item"] if target else "财务收支明细"
        )

    return {
        "labour": lambda book, t: labour(book, t),
        "payments": lambda book, t: payment(book, t),
        "projects": lambda book, t: project(book, t),
        "seal_uses": lambda book, t: seal_use(book, local_date(t)),
        "public_queries": make_query,
    }
