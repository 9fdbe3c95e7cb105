"""Village business records for the warning rules, on fixture_city's
villages (一村 V1, 二村 V2, 三村 V3, 四村 V4). Times are Asia/Shanghai local;
every record was last written at UPDATED (2026-11-20 10:00), before NOW.

Rows marked ANOMALY raise exactly the warning named; every other row is
clean and must raise nothing.

Labour (村级用工)
    L1 一村 张三  filed 11-02 08:00, started 11-03 08:00, declared 11-03 18:00    clean
    L2 一村 李四  filed 11-03 09:00, started 11-01 08:00                          ANOMALY LAB-01
    L3 二村 王五  filed 11-05 09:00, declared 11-05 11:30 (2.5 h)                 ANOMALY LAB-02
    L4 二村 赵六  marked cadre, paid 300                                         ANOMALY LAB-03
    L5 三村 孙七  not marked, but in 三村's cadre registry (C1), paid 250          ANOMALY LAB-03
    L6 三村 周六  filed 11-08 08:00, declared 11-08 14:00 (6 h)                   clean (LAB-02 at 8 h)
    (L4 is also LAB-04's near miss: 300 for 8 hours, exactly the 300-a-day cap)
    L8 四村 冯五  paid 1200 for 8 hours                                          ANOMALY LAB-04
    L9 一村 张三 again (L1's id), 11-03 10:00-18:00, L1 runs 08:00-16:00         ANOMALY LAB-05
    L10 二村 王五 again (L3's id), from 17:30 while L3 runs to 18:00 (0.5 h)     clean

Payments (三资支出); the full chain is bookkeeper → secretary → supervisor → member
    PAY1 一村 某建材店 5000 道路维修, full chain, paid                            clean
    PAY2 一村 某餐馆 1200 接待费, paid 11-04, no approvals                        ANOMALY FUN-01
    PAY3 二村 某劳务公司 8000, no supervisor signature                           ANOMALY FUN-02
    PAY4 二村 某苗木场 3000, secretary signed before the bookkeeper               ANOMALY FUN-02
    PAY5 三村 吴九 1500 青苗补偿, land-linked, 吴九 has land in 三村 (LC1)         clean
    PAY6 四村 郑十 21270 青苗补偿, land-linked, 郑十's land is in 三村 (LC2) only  ANOMALY FUN-03
    PAY7 四村 某五金店 600, applied, not approved, not paid                       clean
    PAY8 一村 某印刷店 900, only the bookkeeper signed so far, not paid          clean (in progress)
    PAY9 一村 周小八 2000, child of 一村's secretary 周八 (CR1)                  ANOMALY FUN-04
    PAY10 一村 孙小七 1000, child of 三村's cadre 孙七 (CR2), another village     clean
    PAY11 三村 某砂石场 6000, paid 11-11, approved 11-13                          ANOMALY FUN-05
    PAY12 四村 某运输队 700, paid 11-14 09:00, approved 15:00 (within 24 h)      clean
    PAY13 二村 某装修队 28000, applied 11-15                                      clean (first of the run)
    PAY14 二村 某装修队 29000, applied 11-16: with PAY13, 57000 in a day          ANOMALY FUN-06
    PAY15 三村 某装修队 29000: another village                                    clean

Seal use (公章使用)
    S1 一村 approved 11-03 09:00, used 11-03 10:00                               clean
    S2 三村 approved 11-10 15:00, used 11-10 09:00                               ANOMALY SEAL-01
    S3 二村 used 11-12 09:00, no approval recorded                                ANOMALY SEAL-03
    S4 四村 used Saturday 11-14 10:00                                             ANOMALY SEAL-02
    S5 二村 used Wednesday 11-11 21:30                                            ANOMALY SEAL-02
    S6 一村 used Friday 11-13 17:50                                               clean
    S7 一村 used 11-20 09:00, no approval yet (3 h before NOW, 24 h allowed)      clean

Payouts (惠民资金) and the registries they are checked against
    PO1 一村 钱一 低保金 800, paid 11-10                                          clean
    PO2 一村 陈二 低保金 800, paid 11-10; died 10-01 (D1)                         ANOMALY SUB-01
    PO3 二村 林三 低保金 800, paid 11-10; died 11-15 (D2), after the payout       clean
    PO4 三村 黄四 耕地地力保护补贴 350.50; a public servant (PS1)                  ANOMALY SUB-02
    PO5 三村 吴九 declares 5 mu, holds 3.5 (LC1)                                  ANOMALY SUB-03
    PO6 三村 郑十 declares 2.05 mu, holds 2 (LC2): 0.05 over, 0.1 allowed        clean
    PO7 四村 王婆 due 11-01, paid 11-10                                           ANOMALY SUB-04
    PO8 四村 刘六 due 11-01, paid 11-03 (3 days' grace)                           clean
    PO9 二村 何七 due 11-10, unpaid at NOW                                        ANOMALY SUB-04
    PO10 一村 钱一 低保金 again, due 11-12 (PO1 11-10)                            ANOMALY SUB-05
    PO11 二村 林三 低保金 due 10-10, 31 days before PO3 (25 allowed)              clean

Projects (工程采购), their bids and the cadres' relatives (CR1, CR2)
    PJ1 一村 村道硬化一期 29000 某建筑队 10-20; 孙小七 (三村 relative) bids       clean
    PJ2 一村 村道硬化二期 28500 某建筑队 11-01: with PJ1, 57500 in 12 days       ANOMALY PRJ-01
    PJ3/PJ4 二村 水渠修缮 29500 / 29000 某工程队, five months apart;
        PJ4's bids 29000 and 29001 are close, not identical                     clean
    PJ5 三村 文化礼堂桌椅 12000, no pledge                                        ANOMALY PRJ-02
    PJ6 三村 村委会办公楼维修 45000, no pledge, but above the 30000 limit          clean
    PJ7 四村 垃圾中转站, awarded exactly 5 days after announcement                clean
    PJ8 一村 路灯采购 18000: 周小八 (CR1) bids                                     ANOMALY PRJ-03
    PJ9 四村 垃圾清运, awarded on one bid                                         ANOMALY PRJ-04
    PJ10 四村 公厕改造, one bid so far, not awarded                               clean
    PJ11 二村 小公园绿化: 戊公司 and 己公司 both bid 26000                          ANOMALY PRJ-05
    PJ12 三村 排污管道, awarded 2 days after announcement                         ANOMALY PRJ-06

Disclosures (三务公开) and public queries (公开质询)
    DC1 一村 财务 due 11-10, published 11-11 (no grace for finance)               ANOMALY DIS-01
    DC2 一村 村务 due 11-10, published 11-12 (3 days' grace)                      clean
    DC3 二村 党务 due 11-01, unpublished                                          ANOMALY DIS-01
    DC4 二村 财务 due 11-25, unpublished                                          clean (not yet due)
    DC5 三村 村务 published a day early                                           clean
    Q1 一村 asked 11-02, answered 11-04                                           clean
    Q2 二村 asked 11-05, unanswered                                               ANOMALY QRY-01
    Q3 三村 asked Friday 11-06, answered Friday 11-13: 5 working days            clean

Petitions: fixture_city's. P3 (closed on day 6), P4 and P12 (open) raise
PET-01, P4 (一村's third 道路 petition in 3 days) PET-02; P2 closed on day 5
and P7 (complex) on day 7 are clean; 四村's two 道路 petitions are 66 days apart.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, Table, insert

from cockpit.store.factories import sync_sequences
from cockpit.store.records import (
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
from tests.fixture_city import NOW, V1, V2, V3, V4, local

UPDATED = local(11, 20, 10)


def idn(n: int) -> str:
    """A made-up 18-digit id number."""
    return f"990102199001{n:06d}"


def _labour(n, village, worker, filed, start, declared, paid=200, is_cadre=False, id_number=None):
    return {
        "external_id": f"L{n}",
        "village_code": village,
        "worker": worker,
        "worker_id_number": id_number or idn(n),
        "is_cadre": is_cadre,
        "filed_at": filed,
        "work_start": start,
        "work_end": start + timedelta(hours=8),
        "declared_at": declared,
        "amount_paid": Decimal(paid),
        "updated_at": UPDATED,
    }


LABOUR = [
    _labour(1, V1, "张三", local(11, 2, 8), local(11, 3, 8), local(11, 3, 18)),
    _labour(2, V1, "李四", local(11, 3, 9), local(11, 1, 8), local(11, 4, 18)),  # LAB-01
    _labour(3, V2, "王五", local(11, 5, 9), local(11, 5, 10), local(11, 5, 11, 30)),  # LAB-02
    _labour(4, V2, "赵六", local(11, 6, 8), local(11, 7, 8), local(11, 8, 8), 300, is_cadre=True),  # LAB-03
    # LAB-03: 孙七 is in 三村's cadre registry (C1) by id number
    _labour(5, V3, "孙七", local(11, 6, 8), local(11, 7, 8), local(11, 7, 8), 250, id_number=idn(501)),
    _labour(6, V3, "周六", local(11, 8, 8), local(11, 8, 9), local(11, 8, 14)),
    _labour(8, V4, "冯五", local(11, 9, 8), local(11, 10, 8), local(11, 10, 18), 1200),  # LAB-04
    # LAB-05: 张三 again (L1's id number), 11-03 10:00-18:00 while L1 runs 08:00-16:00
    _labour(9, V1, "张三", local(11, 2, 9), local(11, 3, 10), local(11, 3, 19), id_number=idn(1)),
    # 王五 again (L3's id number), 17:30 while L3 runs to 18:00: half an hour only
    _labour(10, V2, "王五", local(11, 5, 9), local(11, 5, 17, 30), local(11, 6, 9), id_number=idn(3)),
]

CADRES = [
    {"id": 1, "external_id": "C1", "village_code": V3, "name": "孙七", "id_number": idn(501), "role": "委员"},
    {"id": 2, "external_id": "C2", "village_code": V1, "name": "周八", "id_number": idn(502), "role": "书记"},
]


def _payment(
    n, village, payee, amount, purpose, applied, paid, land_linked=False, payee_id=None, approved=None
):
    return {
        "id": n,
        "external_id": f"PAY{n}",
        "village_code": village,
        "applicant": "报账员",
        "payee": payee,
        "payee_id_number": payee_id,
        "amount": Decimal(amount),
        "purpose": purpose,
        "land_linked": land_linked,
        "applied_at": applied,
        "approved_at": approved or (None if paid is None else paid - timedelta(hours=2)),
        "paid_at": paid,
        "updated_at": UPDATED,
    }


PAYMENTS = [
    _payment(1, V1, "某建材店", 5000, "道路维修", local(11, 2, 8), local(11, 3, 9)),
    _payment(2, V1, "某餐馆", 1200, "接待费", local(11, 4, 8), local(11, 4, 9)),  # FUN-01
    _payment(3, V2, "某劳务公司", 8000, "清淤工程", local(11, 5, 8), local(11, 6, 9)),  # FUN-02
    _payment(4, V2, "某苗木场", 3000, "绿化苗木", local(11, 5, 8), local(11, 6, 9)),  # FUN-02
    _payment(5, V3, "吴九", 1500, "青苗补偿", local(11, 7, 8), local(11, 8, 9), True, idn(9)),
    _payment(6, V4, "郑十", "21270", "青苗补偿", local(11, 7, 8), local(11, 8, 9), True, idn(10)),  # FUN-03
    _payment(7, V4, "某五金店", 600, "办公用品", local(11, 9, 8), None),
    _payment(8, V1, "某印刷店", 900, "公开栏印刷", local(11, 19, 8), None),
    _payment(9, V1, "周小八", 2000, "劳务费", local(11, 9, 8), local(11, 10, 9), payee_id=idn(601)),  # FUN-04
    _payment(10, V1, "孙小七", 1000, "劳务费", local(11, 9, 8), local(11, 10, 9), payee_id=idn(602)),
    # FUN-05: paid 11-11, approved two days later
    _payment(
        11, V3, "某砂石场", 6000, "砂石料", local(11, 10, 8), local(11, 11, 9), approved=local(11, 13, 9)
    ),
    _payment(
        12, V4, "某运输队", 700, "运输费", local(11, 13, 8), local(11, 14, 9), approved=local(11, 14, 15)
    ),
    _payment(13, V2, "某装修队", 28000, "村部装修", local(11, 15, 8), local(11, 16, 9)),
    _payment(14, V2, "某装修队", 29000, "村部装修二期", local(11, 16, 8), local(11, 17, 9)),  # FUN-06
    _payment(15, V3, "某装修队", 29000, "文化室装修", local(11, 16, 8), local(11, 17, 9)),  # another village
]

FULL_CHAIN = ("bookkeeper", "secretary", "supervisor", "member")


def _chain(payment_id: int, roles=FULL_CHAIN, start: datetime | None = None) -> list[dict]:
    """Approvals one hour apart, in the order given."""
    start = start or PAYMENTS[payment_id - 1]["applied_at"]
    return [
        {
            "payment_id": payment_id,
            "role": role,
            "approver": f"{role}-{payment_id}",
            "approved_at": start + timedelta(hours=i + 1),
        }
        for i, role in enumerate(roles)
    ]


APPROVALS = [
    *_chain(1),
    # PAY2: none at all
    *_chain(3, ("bookkeeper", "secretary", "member")),  # no supervisor
    *_chain(4, ("secretary", "bookkeeper", "supervisor", "member")),  # secretary first
    *_chain(5),
    *_chain(6),
    *_chain(8, ("bookkeeper",)),  # the chain is still running
    *_chain(9),
    *_chain(10),
    *_chain(11),
    *_chain(12),
    *_chain(13),
    *_chain(14),
    *_chain(15),
]


def _person(ext, village, name, n, name_column="name", **fields):
    return {"external_id": ext, "village_code": village, name_column: name, "id_number": idn(n), **fields}


LAND_CONTRACTS = [
    _person("LC1", V3, "吴九", 9, "household", area=Decimal("3.5")),
    _person("LC2", V3, "郑十", 10, "household", area=Decimal("2")),  # not in 四村, where PAY6 is
]

SEAL_USES = [
    {"external_id": "S1", "village_code": V1, "matter": "村委会证明", "applicant": "张三",
     "approved_at": local(11, 3, 9), "used_at": local(11, 3, 10)},
    {"external_id": "S2", "village_code": V3, "matter": "出具收入证明", "applicant": "孙七",
     "approved_at": local(11, 10, 15), "used_at": local(11, 10, 9)},  # SEAL-01
    {"external_id": "S3", "village_code": V2, "matter": "合同盖章", "applicant": "王五",
     "approved_at": None, "used_at": local(11, 12, 9)},  # SEAL-03
    {"external_id": "S4", "village_code": V4, "matter": "租赁合同", "applicant": "冯五",
     "approved_at": local(11, 14, 9), "used_at": local(11, 14, 10)},  # SEAL-02 (Saturday)
    {"external_id": "S5", "village_code": V2, "matter": "开具证明", "applicant": "王五",
     "approved_at": local(11, 11, 20), "used_at": local(11, 11, 21, 30)},  # SEAL-02 (evening)
    {"external_id": "S6", "village_code": V1, "matter": "开具证明", "applicant": "张三",
     "approved_at": local(11, 13, 17), "used_at": local(11, 13, 17, 50)},
    {"external_id": "S7", "village_code": V1, "matter": "村委会证明", "applicant": "张三",
     "approved_at": None, "used_at": local(11, 20, 9)},
]  # fmt: skip


def _payout(n, village, recipient, programme, amount, id_number, due=None, paid="due", area=None):
    due = due or local(11, 10, 9)
    return {
        "external_id": f"PO{n}",
        "village_code": village,
        "programme": programme,
        "recipient": recipient,
        "id_number": id_number,
        "amount": Decimal(amount),
        "declared_area": None if area is None else Decimal(area),
        "due_at": due,
        "paid_at": due if paid == "due" else paid,
        "updated_at": UPDATED,
    }


PAYOUTS = [
    _payout(1, V1, "钱一", "低保金", 800, idn(101)),
    _payout(2, V1, "陈二", "低保金", 800, idn(102)),  # SUB-01
    _payout(3, V2, "林三", "低保金", 800, idn(103)),
    _payout(4, V3, "黄四", "耕地地力保护补贴", "350.50", idn(104)),  # SUB-02
    _payout(5, V3, "吴九", "耕地地力保护补贴", 525, idn(9), area="5.0"),  # SUB-03: LC1 holds 3.5 mu
    _payout(6, V3, "郑十", "耕地地力保护补贴", 300, idn(10), area="2.05"),  # LC2 holds 2: within 0.1
    _payout(7, V4, "王婆", "低保金", 800, idn(107), local(11, 1, 9), local(11, 10, 9)),  # SUB-04
    _payout(8, V4, "刘六", "低保金", 800, idn(108), local(11, 1, 9), local(11, 3, 9)),  # 2 days: grace 3
    _payout(9, V2, "何七", "低保金", 800, idn(109), local(11, 10, 9), None),  # SUB-04: unpaid
    _payout(10, V1, "钱一", "低保金", 800, idn(101), local(11, 12, 9)),  # SUB-05: PO1 was 11-10
    _payout(11, V2, "林三", "低保金", 800, idn(103), local(10, 10, 9)),  # 31 days before PO3
]

DEATHS = [
    _person("D1", V1, "陈二", 102, died_at=local(10, 1, 6)),
    _person("D2", V2, "林三", 103, died_at=local(11, 15, 6)),  # after the payout
]
PUBLIC_SERVANTS = [_person("PS1", None, "黄四", 104, employer="青岚市财政局")]

CADRE_RELATIVES = [
    _person("CR1", V1, "周小八", 601, cadre_id=2, relation="子女"),  # 一村书记周八's child
    _person("CR2", V3, "孙小七", 602, cadre_id=1, relation="子女"),  # 三村委员孙七's child
]


def _project(n, village, name, kind, amount, winner, announced, awarded, pledge=True):
    return {
        "id": n, "external_id": f"PJ{n}", "village_code": village, "name": name, "kind": kind,
        "amount": Decimal(amount), "winner": winner, "announced_at": announced, "awarded_at": awarded,
        "no_stake_pledge": pledge, "updated_at": UPDATED,
    }  # fmt: skip


PROJECTS = [
    _project(1, V1, "村道硬化一期", "works", 29000, "某建筑队", local(10, 20, 9), local(10, 28, 9)),
    _project(2, V1, "村道硬化二期", "works", 28500, "某建筑队", local(11, 1, 9), local(11, 8, 9)),  # PRJ-01
    _project(3, V2, "水渠修缮一期", "works", 29500, "某工程队", local(6, 1, 9), local(6, 10, 9)),
    # 5 months on
    _project(4, V2, "水渠修缮二期", "works", 29000, "某工程队", local(11, 1, 9), local(11, 9, 9)),
    # PRJ-02
    _project(5, V3, "文化礼堂桌椅", "procurement", 12000, "戊公司", local(11, 2, 9), local(11, 9, 9), False),
    _project(6, V3, "村委会办公楼维修", "works", 45000, "庚公司", local(10, 10, 9), local(10, 20, 9), False),
    # exactly 5 days
    _project(7, V4, "垃圾中转站", "works", 20000, "辛公司", local(11, 2, 9), local(11, 7, 9)),
    _project(8, V1, "路灯采购", "procurement", 18000, "丙公司", local(11, 2, 9), local(11, 7, 9)),  # PRJ-03
    # PRJ-04
    _project(9, V4, "垃圾清运", "procurement", 20000, "某保洁公司", local(11, 1, 9), local(11, 6, 9)),
    _project(10, V4, "公厕改造", "works", 15000, None, local(11, 18, 9), None),  # not yet awarded
    _project(11, V2, "小公园绿化", "works", 26000, "庚公司", local(11, 1, 9), local(11, 10, 9)),  # PRJ-05
    _project(12, V3, "排污管道", "works", 15000, "辛公司", local(11, 10, 9), local(11, 12, 9)),  # PRJ-06
]  # fmt: skip


def _bids(project_id: int, *bids: tuple) -> list[dict]:
    """(bidder, amount) or (bidder, amount, id number) per bid."""
    announced = PROJECTS[project_id - 1]["announced_at"]
    return [
        {"project_id": project_id, "bidder": bid[0], "amount": Decimal(bid[1]),
         "bidder_id_number": bid[2] if len(bid) > 2 else None, "bid_at": announced + timedelta(days=1)}
        for bid in bids
    ]  # fmt: skip


BIDS = [
    *_bids(1, ("某建筑队", 29000), ("甲公司", 29800), ("乙公司", 29900), ("孙小七", 29950, idn(602))),
    *_bids(2, ("某建筑队", 28500), ("甲公司", 28900), ("乙公司", 29100)),
    *_bids(3, ("某工程队", 29500), ("丙公司", 29700)),
    *_bids(4, ("某工程队", 29000), ("丙公司", 29001), ("丁公司", 29500)),  # close, not identical
    *_bids(5, ("戊公司", 12000), ("己公司", 12500)),
    *_bids(6, ("庚公司", 45000), ("辛公司", 46000)),
    *_bids(7, ("辛公司", 20000), ("壬公司", 20500)),
    *_bids(8, ("丙公司", 18000), ("周小八", 18500, idn(601)), ("丁公司", 19000)),
    *_bids(9, ("某保洁公司", 20000)),
    *_bids(10, ("壬公司", 15000)),
    *_bids(11, ("庚公司", 25800), ("戊公司", 26000), ("己公司", 26000)),
    *_bids(12, ("辛公司", 15000), ("壬公司", 15300), ("癸公司", 15600)),
]


def _disclosure(n, village, category, item, period, due, published):
    return {
        "external_id": f"DC{n}", "village_code": village, "category": category, "item": item,
        "period": period, "due_at": due, "published_at": published, "updated_at": UPDATED,
    }  # fmt: skip


DISCLOSURES = [
    _disclosure(1, V1, "finance", "财务收支明细", "2026-10", local(11, 10, 9), local(11, 11, 9)),  # DIS-01
    _disclosure(2, V1, "village", "村务决策事项", "2026-10", local(11, 10, 9), local(11, 12, 9)),  # grace 3
    _disclosure(3, V2, "party", "党员发展情况", "2026Q3", local(11, 1, 9), None),  # DIS-01
    _disclosure(4, V2, "finance", "财务收支明细", "2026-11", local(11, 25, 9), None),  # not yet due
    _disclosure(5, V3, "village", "村务决策事项", "2026-10", local(11, 10, 9), local(11, 9, 9)),
]


def _query(n, village, question, asked, answered):
    return {
        "external_id": f"Q{n}", "village_code": village, "disclosure_id": None, "question": question,
        "asked_at": asked, "answered_at": answered, "updated_at": UPDATED,
    }  # fmt: skip


QUERIES = [
    _query(1, V1, "道路维修款为何超支", local(11, 2, 10), local(11, 4, 10)),
    _query(2, V2, "低保名单是否有村干部亲属", local(11, 5, 10), None),  # QRY-01
    # Friday to Friday: 7 days, 5 working days
    _query(3, V3, "绿化苗木单价", local(11, 6, 10), local(11, 13, 10)),
]

# The warnings the fixture must raise: (rule, subject id) -> title.
EXPECTED = {
    ("LAB-01", "L2"): "李四 用工开始 2026-11-01 08:00 早于申请提交 2026-11-03 09:00",
    ("LAB-02", "L3"): "王五 用工申请提交 2026-11-05 09:00 后 2.5 小时即申报（2026-11-05 11:30），不足 4 小时",
    ("LAB-03", "L4"): "村干部 赵六 领取务工补贴 300.00 元",
    ("LAB-03", "L5"): "村干部 孙七 领取务工补贴 250.00 元",
    ("FUN-01", "PAY2"): "向 某餐馆 支付 1200.00 元（接待费）于 2026-11-04，无审批记录",
    ("FUN-02", "PAY3"): "向 某劳务公司 支付 8000.00 元的审批缺少环节：村务监督委员会主任",
    ("FUN-02", "PAY4"): "向 某苗木场 支付 3000.00 元的审批顺序错误：村党组织书记先于报账员签批",
    ("FUN-03", "PAY6"): "郑十 在本村无土地承包记录，却领取青苗补偿 21270.00 元",
    ("SEAL-01", "S2"): "公章用于「出具收入证明」2026-11-10 09:00，早于审批 2026-11-10 15:00",
    ("SUB-01", "PO2"): "陈二 已于 2026-10-01 死亡，仍于 2026-11-10 发放低保金 800.00 元",
    ("SUB-02", "PO4"): "公职人员 黄四（青岚市财政局）领取耕地地力保护补贴 350.50 元",
    ("LAB-04", "L8"): "冯五 务工 1 天领取补贴 1200.00 元，日均 1200.00 元，超过 300 元/天",
    ("LAB-05", "L9"): "张三 用工 2026-11-03 10:00 与另一条用工记录 L1（2026-11-03 08:00 开始）重叠 6.0 小时",
    ("FUN-04", "PAY9"): "向 周小八 支付 2000.00 元（劳务费），其为本村书记周八的子女",
    ("FUN-05", "PAY11"): "向 某砂石场 支付 6000.00 元于 2026-11-11 09:00，审批通过却在 2026-11-13 09:00",
    ("FUN-06", "PAY14"): (
        "60 天内向 某装修队 支付 2 笔略低于 30000 元的款项，"
        "合计 57000.00 元（本笔 29000.00 元，村部装修二期）"
    ),
    ("SEAL-02", "S4"): "公章于周六（2026-11-14 10:00）用于「租赁合同」",
    ("SEAL-02", "S5"): "公章于非工作时间（2026-11-11 21:30）用于「开具证明」",
    ("SEAL-03", "S3"): "公章用于「合同盖章」2026-11-12 09:00，195 小时后仍无审批记录",
    ("SUB-03", "PO5"): "吴九 申报耕地地力保护补贴面积 5.00 亩，本村登记承包面积 3.50 亩，超出 1.50 亩",
    ("SUB-04", "PO7"): "王婆 的低保金 800.00 元应于 2026-11-01 发放，2026-11-10 才发放，逾期 9 天",
    ("SUB-04", "PO9"): "何七 的低保金 800.00 元应于 2026-11-10 发放，至今未发放，逾期 10 天",
    ("SUB-05", "PO10"): "钱一 在 25 天内第 2 次领取低保金（本次应发 2026-11-12，800.00 元）",
    ("PRJ-01", "PJ2"): (
        "某建筑队 在 90 天内承接本村 2 个略低于 30000 元的项目，"
        "合计 57500.00 元（本项目「村道硬化二期」28500.00 元）"
    ),
    ("PRJ-02", "PJ5"): "项目「文化礼堂桌椅」12000.00 元低于 30000 元限额，村干部未签署不参与承诺",
    ("PRJ-03", "PJ8"): "项目「路灯采购」18000.00 元的投标人 周小八 是本村村干部周八的子女",
    ("PRJ-04", "PJ9"): "项目「垃圾清运」20000.00 元仅 1 家投标即定标（某保洁公司），少于 2 家",
    ("PRJ-05", "PJ11"): "项目「小公园绿化」有 2 家报价雷同（戊公司、己公司，26000.00 元）",
    (
        "PRJ-06",
        "PJ12",
    ): "项目「排污管道」2026-11-10 09:00 发布，2026-11-12 09:00 即定标，公告期 2.0 天不足 5 天",
    (
        "DIS-01",
        "DC1",
    ): "财务公开「财务收支明细」（2026-10）应于 2026-11-10 公开，2026-11-11 才公开，逾期 1 天",
    ("DIS-01", "DC3"): "党务公开「党员发展情况」（2026Q3）应于 2026-11-01 公开，至今未公开，逾期 19 天",
    (
        "QRY-01",
        "Q2",
    ): "质询「低保名单是否有村干部亲属」2026-11-05 提出，至今未答复，已 11 个工作日，超过 5 个工作日时限",
    # on fixture_city's petitions (P2 closed in exactly 5 days, P7 complex in 7: clean)
    ("PET-01", "P3"): "一般信访（低保）2026-11-04 08:00 受理，时限 5 天，2026-11-10 才办结，逾期 1 天",
    ("PET-01", "P4"): "一般信访（道路）2026-11-05 09:00 受理，时限 5 天，至今未办结，逾期 10 天",
    ("PET-01", "P12"): "一般信访（道路）2026-09-01 09:00 受理，时限 5 天，至今未办结，逾期 75 天",
    ("PET-02", "P4"): "本村 30 天内第 3 次就「道路」信访（本次 2026-11-05）",
}


def _stamped(rows: list[dict]) -> list[dict]:
    return [{"updated_at": UPDATED, **row} for row in rows]


def load(conn: Connection) -> None:
    """Write the records into a store that holds fixture_city's regions."""
    tables: list[tuple[Table, list[dict]]] = [
        (labour, LABOUR),
        (cadres, _stamped(CADRES)),
        (payments, PAYMENTS),
        (payment_approvals, APPROVALS),
        (land_contracts, _stamped(LAND_CONTRACTS)),
        (seal_uses, _stamped(SEAL_USES)),
        (payouts, PAYOUTS),
        (deaths, _stamped(DEATHS)),
        (public_servants, _stamped(PUBLIC_SERVANTS)),
        (cadre_relatives, _stamped(CADRE_RELATIVES)),
        (projects, PROJECTS),
        (project_bids, BIDS),
        (disclosures, DISCLOSURES),
        (public_queries, QUERIES),
    ]
    for table, rows in tables:
        conn.execute(insert(table), rows)
    sync_sequences(conn, (cadres, payments, projects))


__all__ = ["EXPECTED", "NOW", "UPDATED", "V4", "load"]
