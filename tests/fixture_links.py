"""Petitions linked to warnings (queries.links), worked out by hand in
tests/test_queries_links.py. On top of tests/fixture_city.py (its regions,
its petitions P1-P12 and warnings W1-W7, none of which link: their
categories 道路/低保/环境/村务 are in no topic map and they name nobody).
Times are Asia/Shanghai local; "now" is fixture_city's 2026-11-20 12:00 and
its window 11-01 00:00 to 11-21 00:00.

Records the warnings are about (plain inserts):
    LB1 labour   一村 worker 龚静
    FF1 payouts  一村 recipient 陈小红, 低保金
    FF2 payouts  一村 recipient 钱多多, 高龄补贴
    XM1 projects 二村 村道硬化（2026年10月）, winner 鑫达工程队
    YZ1 seal     三村 applicant 王建国
    ZC1 payments 四村 applicant 赵会计, payee 恒通砂石场 (a firm)

Warnings (severity; status):
    LW1 一村 村级用工 raised 11-14 09:00 medium, new       about LB1; evidence values worker 龚静
    LW2 一村 惠民资金 raised 11-10 09:00 high,   new       about FF1; values recipient 陈小红
    LW3 二村 拆分发包 raised 11-16 09:00 low,    pending   about XM1; values project, winner
    LW4 三村 公章使用 raised 11-17 09:00 low,    new       about YZ1; values name nobody
    LW5 四村 三资支出 raised 11-03 09:00 medium, new       about ZC1; values payee 恒通砂石场
    LW6 一村 惠民资金 raised 10-25 09:00 medium, disposed 10-28   about FF2; values recipient 钱多多
    LW7 一村 信访超期 raised 11-13 09:00 medium, new       about the petition LP1 (never linked)

Petitions (category, received, summary):
    LP1  一村 环境卫生整治   11-12 10:00 "反映保洁员龚静经常不在岗却照领工资。"
    LP2  一村 惠民补贴发放   11-05 10:00 "反映本村有人冒领惠民补贴。"
    LP3  二村 道路硬化与维修 11-18 09:00 "二组村道硬化刚完工就开裂，怀疑偷工减料。"
    LP4  二村 道路硬化与维修 10-17 09:00 "通组道路破损严重。"   (exactly 30 days before LW3)
    LP5  二村 道路硬化与维修 10-17 08:59 "通组道路坑洼不平。"   (30 days and 1 minute before LW3)
    LP6  一村 惠民补贴发放   11-15 09:00 real name 张大山 (phone 13800001111):
                              "张大山反映陈小红已去世仍在领低保金，请回电 13800001111。"
    LP7  三村 村干部作风     11-18 15:00 "反映王建国未经审批私自使用公章。"
    LP8  四村 集体资金使用   11-19 09:00 "质疑村集体招待费支出是否合规。"
    LP9  三村 惠民补贴发放   11-10 09:00 "反映龚静、陈小红冒领补贴。"  (another village than theirs)
    LP10 一村 惠民补贴发放   10-20 00:00 "高龄补贴已停发三个月。"  (at local midnight)

The links (days = 30), worked out pair by pair:
    1  LW1-LP1  named 龚静 (evidence value; 环境卫生整治 maps to nothing)
    2  LW2-LP2  topic: 惠民补贴发放 -> 惠民资金, 4 d 23 h apart
    3  LW6-LP2  topic, 11 d 1 h
    4  LW3-LP3  named 村道硬化 (the project's name without "（2026年10月）"; a topic pair too)
    5  LW3-LP4  topic: 道路硬化与维修 -> 拆分发包, exactly 30 d (the limit is inclusive)
    6  LW2-LP6  named 陈小红 (LP6 is a topic pair of LW2 as well)
    7  LW6-LP6  topic, 21 d
    8  LW4-LP7  named 王建国: the seal record's applicant (the evidence names nobody)
    9  LW5-LP8  topic: 集体资金使用 -> 三资支出, 16 d
    10 LW6-LP10 topic, 5 d 9 h
    11 LW2-LP10 topic, 21 d 9 h
    Not linked: LW3-LP5 (30 d 1 min); LP9 names 龚静 and 陈小红 but is in 三村;
    LP9 and fixture_city's W4 (三村 惠民资金, 10-01) are 40 d apart; LP1 and LW7
    (LW7 is about a petition); LW1 and LP2/LP6/LP10 (惠民补贴发放 does not map to 村级用工).
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import Connection, insert

from cockpit.store.factories import (
    WarningStep,
    build_petition,
    build_warning,
    write_petitions,
    write_warnings,
)
from cockpit.store.records import labour, payments, payouts, projects, seal_uses
from tests import fixture_city
from tests.fixture_city import V1, V2, V3, V4, local

UPDATED = local(11, 1, 0)
LP6_REPORTER = {
    "real_name": True,
    "reporter_name": "张大山",
    "reporter_phone": "13800001111",
    "summary": "张大山反映陈小红已去世仍在领低保金，请回电 13800001111。",
}


def _records(conn: Connection) -> None:
    conn.execute(
        insert(labour),
        {
            "external_id": "LB1", "village_code": V1, "worker": "龚静", "worker_id_number": None,
            "is_cadre": False, "filed_at": local(11, 12, 9), "work_start": local(11, 12, 10),
            "work_end": None, "declared_at": local(11, 12, 11), "amount_paid": None, "updated_at": UPDATED,
        },
    )  # fmt: skip
    conn.execute(
        insert(payouts),
        [
            {
                "external_id": ext, "village_code": V1, "programme": programme, "recipient": recipient,
                "id_number": f"33010219900101{n:04d}", "amount": 800, "declared_area": None,
                "due_at": local(10, 10, 9), "paid_at": local(10, 10, 9), "updated_at": UPDATED,
            }
            for n, ext, programme, recipient in (
                (1, "FF1", "低保金", "陈小红"),
                (2, "FF2", "高龄补贴", "钱多多"),
            )
        ],
    )  # fmt: skip
    conn.execute(
        insert(projects),
        {
            "external_id": "XM1", "village_code": V2, "name": "村道硬化（2026年10月）", "kind": "works",
            "amount": 29000, "winner": "鑫达工程队", "announced_at": local(10, 10, 9),
            "awarded_at": local(10, 20, 9), "no_stake_pledge": True, "updated_at": UPDATED,
        },
    )  # fmt: skip
    conn.execute(
        insert(seal_uses),
        {
            "external_id": "YZ1", "village_code": V3, "matter": "出具证明", "applicant": "王建国",
            "approved_at": local(11, 16, 14), "used_at": local(11, 16, 10), "updated_at": UPDATED,
        },
    )  # fmt: skip
    conn.execute(
        insert(payments),
        {
            "external_id": "ZC1", "village_code": V4, "applicant": "赵会计", "payee": "恒通砂石场",
            "payee_id_number": None, "amount": 2940, "purpose": "接待费", "land_linked": False,
            "applied_at": local(11, 1, 9), "approved_at": None, "paid_at": local(11, 2, 9),
            "updated_at": UPDATED,
        },
    )  # fmt: skip


def _evidence(rule: str, values: dict, records: list[tuple[str, str]]) -> str:
    return json.dumps(
        {
            "rule_code": rule,
            "values": values,
            "records": [{"table": t, "external_id": e} for t, e in records],
        },
        ensure_ascii=False,
    )


def _warning(n, village, category, rule, raised, severity, subject, evidence, title, steps=()):
    subject_type, subject_id = subject
    return build_warning(
        external_id=f"LW{n}",
        rule_code=rule,
        category=category,
        title=title,
        village_code=village,
        raised_at=raised,
        due_at=raised + timedelta(days=5),
        owner_kind="town_commission",
        owner_name="镇纪委",
        severity=severity,
        subject_type=subject_type,
        subject_id=subject_id,
        evidence=evidence,
        steps=steps,
    )


WARNINGS = [
    _warning(
        1, V1, "村级用工", "LAB-02", local(11, 14, 9), "medium", ("labour", "LB1"),
        _evidence("LAB-02", {"worker": "龚静", "gap_hours": 1.0}, [("labour", "LB1")]),
        "龚静 用工申请提交后 1.0 小时即申报",
    ),
    _warning(
        2, V1, "惠民资金", "SUB-01", local(11, 10, 9), "high", ("payout", "FF1"),
        _evidence("SUB-01", {"recipient": "陈小红", "programme": "低保金"}, [("payouts", "FF1")]),
        "陈小红 已死亡，仍发放低保金 800.00 元",
    ),
    _warning(
        3, V2, "拆分发包", "PRJ-01", local(11, 16, 9), "low", ("project", "XM1"),
        _evidence(
            "PRJ-01", {"project": "村道硬化（2026年10月）", "winner": "鑫达工程队"}, [("projects", "XM1")]
        ),
        "鑫达工程队 承接本村 2 个略低于 30000 元的项目",
        [WarningStep("accepted", local(11, 17, 9))],
    ),
    _warning(
        4, V3, "公章使用", "SEAL-01", local(11, 17, 9), "low", ("seal", "YZ1"),
        _evidence("SEAL-01", {"matter": "出具证明"}, [("seal_uses", "YZ1")]),
        "公章用于「出具证明」早于审批",
    ),
    _warning(
        5, V4, "三资支出", "FUN-01", local(11, 3, 9), "medium", ("payment", "ZC1"),
        _evidence("FUN-01", {"payee": "恒通砂石场", "purpose": "接待费"}, [("payments", "ZC1")]),
        "向 恒通砂石场 支付 2940.00 元（接待费），无审批记录",
    ),
    _warning(
        6, V1, "惠民资金", "SUB-04", local(10, 25, 9), "medium", ("payout", "FF2"),
        _evidence("SUB-04", {"recipient": "钱多多", "programme": "高龄补贴"}, [("payouts", "FF2")]),
        "钱多多 的高龄补贴逾期发放",
        [WarningStep("disposed", local(10, 28, 9), disposition="rectified")],
    ),
    _warning(
        7, V1, "信访超期", "PET-01", local(11, 13, 9), "medium", ("petition", "LP1"),
        _evidence("PET-01", {"category": "环境卫生整治"}, [("petitions", "LP1")]),
        "一般信访（环境卫生整治）逾期",
    ),
]  # fmt: skip


def _petition(n, village, category, received, summary="", **reporter):
    return build_petition(
        external_id=f"LP{n}",
        village_code=village,
        received_at=received,
        category=category,
        unit="村委会",
        summary=reporter.pop("summary", summary),
        **reporter,
    )


PETITIONS = [
    _petition(1, V1, "环境卫生整治", local(11, 12, 10), "反映保洁员龚静经常不在岗却照领工资。"),
    _petition(2, V1, "惠民补贴发放", local(11, 5, 10), "反映本村有人冒领惠民补贴。"),
    _petition(3, V2, "道路硬化与维修", local(11, 18, 9), "二组村道硬化刚完工就开裂，怀疑偷工减料。"),
    _petition(4, V2, "道路硬化与维修", local(10, 17, 9), "通组道路破损严重。"),
    _petition(5, V2, "道路硬化与维修", local(10, 17, 8, 59), "通组道路坑洼不平。"),
    _petition(6, V1, "惠民补贴发放", local(11, 15, 9), **LP6_REPORTER),
    _petition(7, V3, "村干部作风", local(11, 18, 15), "反映王建国未经审批私自使用公章。"),
    _petition(8, V4, "集体资金使用", local(11, 19, 9), "质疑村集体招待费支出是否合规。"),
    _petition(9, V3, "惠民补贴发放", local(11, 10, 9), "反映龚静、陈小红冒领补贴。"),
    _petition(10, V1, "惠民补贴发放", local(10, 20, 0), "高龄补贴已停发三个月。"),
]


def load(conn: Connection) -> None:
    """fixture_city, then this module's records, warnings and petitions."""
    fixture_city.load(conn)
    _records(conn)
    write_warnings(conn, WARNINGS)
    write_petitions(conn, PETITIONS)
