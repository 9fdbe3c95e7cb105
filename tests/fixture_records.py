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

Payments (三资支出); the full chain is bookkeeper → secretary → supervisor → member
    PAY1 一村 某建材店 5000 道路维修, full chain, paid                            clean
    PAY2 一村 某餐馆 1200 接待费, paid 11-04, no approvals                        ANOMALY FUN-01
    PAY3 二村 某劳务公司 8000, no supervisor signature                           ANOMALY FUN-02
    PAY4 二村 某苗木场 3000, secretary signed before the bookkeeper               ANOMALY FUN-02
    PAY5 三村 吴九 1500 青苗补偿, land-linked, 吴九 has land in 三村 (LC1)         clean
    PAY6 四村 郑十 21270 青苗补偿, land-linked, 郑十's land is in 三村 (LC2) only  ANOMALY FUN-03
    PAY7 四村 某五金店 600, applied, not approved, not paid                       clean
    PAY8 一村 某印刷店 900, only the bookkeeper signed so far, not paid          clean (in progress)

Seal use (公章使用)
    S1 一村 approved 11-03 09:00, used 11-03 10:00                               clean
    S2 三村 approved 11-10 15:00, used 11-10 09:00                               ANOMALY SEAL-01
    S3 二村 used 11-12 09:00, no approval recorded                                clean for SEAL-01

Payouts (惠民资金) and the registries they are checked against
    PO1 一村 钱一 低保金 800, paid 11-10                                          clean
    PO2 一村 陈二 低保金 800, paid 11-10; died 10-01 (D1)                         ANOMALY SUB-01
    PO3 二村 林三 低保金 800, paid 11-10; died 11-15 (D2), after the payout       clean
    PO4 三村 黄四 耕地地力保护补贴 350.50; a public servant (PS1)                  ANOMALY SUB-02
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, Table, insert

from cockpit.store.factories import sync_sequences
from cockpit.store.records import (
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
]

CADRES = [
    {"id": 1, "external_id": "C1", "village_code": V3, "name": "孙七", "id_number": idn(501), "role": "委员"},
    {"id": 2, "external_id": "C2", "village_code": V1, "name": "周八", "id_number": idn(502), "role": "书记"},
]


def _payment(n, village, payee, amount, purpose, applied, paid, land_linked=False, payee_id=None):
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
        "approved_at": None if paid is None else paid - timedelta(hours=2),
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
     "approved_at": None, "used_at": local(11, 12, 9)},
]  # fmt: skip


def _payout(n, village, recipient, programme, amount, id_number):
    return {
        "external_id": f"PO{n}",
        "village_code": village,
        "programme": programme,
        "recipient": recipient,
        "id_number": id_number,
        "amount": Decimal(amount),
        "declared_area": None,
        "due_at": local(11, 10, 9),
        "paid_at": local(11, 10, 9),
        "updated_at": UPDATED,
    }


PAYOUTS = [
    _payout(1, V1, "钱一", "低保金", 800, idn(101)),
    _payout(2, V1, "陈二", "低保金", 800, idn(102)),  # SUB-01
    _payout(3, V2, "林三", "低保金", 800, idn(103)),
    _payout(4, V3, "黄四", "耕地地力保护补贴", "350.50", idn(104)),  # SUB-02
]

DEATHS = [
    _person("D1", V1, "陈二", 102, died_at=local(10, 1, 6)),
    _person("D2", V2, "林三", 103, died_at=local(11, 15, 6)),  # after the payout
]
PUBLIC_SERVANTS = [_person("PS1", None, "黄四", 104, employer="青岚市财政局")]

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
    ]
    for table, rows in tables:
        conn.execute(insert(table), rows)
    sync_sequences(conn, (cadres, payments))


__all__ = ["EXPECTED", "NOW", "UPDATED", "V4", "load"]
