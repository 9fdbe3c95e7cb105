"""Disclosure items (三务公开) and public queries (公开质询) on the region tree of
tests/fixture_city.py, for tests/test_queries_disclosure.py. Every time is
Asia/Shanghai local time; "now" is 2026-11-20 12:00 (a Friday), the window
2026-11-01 00:00 to 2026-11-21 00:00 (custom 11-01..11-20, so it ends after
now). Regions: 东区 > 甲镇 > 一村, 二村; 东区 > 乙镇 > 三村; 青岚市 > 丙镇 > 四村.

Disclosures (period; due → published; state at now). Due times are local:
    D1  一村 finance 财务收支明细     10月   11-10 17:30 → 11-08 10:00  on time
    D2  一村 finance 集体资金使用     10月   11-10 17:30 → 11-10 17:30  on time (exactly at due)
    D3  一村 village 村级重大事项决策 第3季度 11-10 17:30 → 11-12 09:00  late, 1 day (39.5 h)
    D4  一村 village 村级工程项目进展 第3季度 11-10 17:30 → never        missing, 9 days overdue
    D5  一村 party   党费收缴使用情况 下半年 11-20 15:00 → never        upcoming (due after now)
    D6  一村 party   党员发展情况     下半年 11-25 17:30 → 11-18 10:00  after the window
    D7  二村 finance 财务收支明细     10月   11-10 17:30 → 11-09 16:00  on time
    D8  二村 finance 集体资金使用     10月   11-10 17:30 → 11-21 09:00  missing (published after now)
    D9  二村 finance 工程款支付       9月    10-31 23:30 → never        before the window; 19 days overdue
    D10 三村 village 集体资产资源出租 第3季度 11-01 00:00 → 10-20 10:00  on time (due at the window's
                                                                     start, published before it)
    D11 四村 finance 财务收支明细     10月   11-05 17:30 → 11-06 09:00  late, 1 day (15.5 h)
    D12 四村 village 低保及救助对象   第2季度 09-10 17:30 → never        before the window; 70 days overdue
    (periods in full: 2026年10月, 2026年第3季度, …; D9 misses by 19 days, D4 and D8 by 9, D12 by 70)

Public queries (asked → answered; hours to answer; working days waited at now):
    Q1 一村 on D1 asked 11-09 09:00 → 11-09 15:00   6 h
    Q2 一村 on D3 asked 11-12 10:00 → 11-14 10:00  48 h
    Q3 一村 —     asked 11-18 09:00 → never         (2 working days) the question gives a phone number
    Q4 二村 on D7 asked 11-05 09:00 → never         (11 working days: overdue, limit 5)
    Q5 二村 on D8 asked 11-16 08:00 → 11-21 10:00   answered after now: unanswered (4 working days)
    Q6 三村 —     asked 10-30 09:00 → 11-02 09:00   before the window
    Q7 四村 —     asked 11-03 14:00 → 11-04 02:00  12 h
    Q8 四村 —     asked 10-20 10:00 → never         before the window (23 working days: overdue)
    Q9 三村 —     asked 11-13 09:00 → never         exactly 5 working days (11-16..11-20): not overdue

The ids are the numbers: D1 has id 1, Q1 id 1.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert

from cockpit.store.records import disclosures, public_queries
from tests import fixture_city
from tests.fixture_city import NOW, V1, V2, V3, V4, local, window

__all__ = ["NOW", "Q3_PHONE", "load", "window"]

Q3_PHONE = "13912345678"


def _at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return local(month, day, hour, minute)


DUE = _at(11, 10, 17, 30)
DISCLOSURES = [
    # (n, village, category, item, period, due_at, published_at)
    (1, V1, "finance", "财务收支明细", "2026年10月", DUE, _at(11, 8, 10)),
    (2, V1, "finance", "集体资金使用", "2026年10月", DUE, DUE),
    (3, V1, "village", "村级重大事项决策", "2026年第3季度", DUE, _at(11, 12, 9)),
    (4, V1, "village", "村级工程项目进展", "2026年第3季度", DUE, None),
    (5, V1, "party", "党费收缴使用情况", "2026年下半年", _at(11, 20, 15), None),
    (6, V1, "party", "党员发展情况", "2026年下半年", _at(11, 25, 17, 30), _at(11, 18, 10)),
    (7, V2, "finance", "财务收支明细", "2026年10月", DUE, _at(11, 9, 16)),
    (8, V2, "finance", "集体资金使用", "2026年10月", DUE, _at(11, 21, 9)),
    (9, V2, "finance", "工程款支付", "2026年9月", _at(10, 31, 23, 30), None),
    (10, V3, "village", "集体资产资源出租", "2026年第3季度", _at(11, 1), _at(10, 20, 10)),
    (11, V4, "finance", "财务收支明细", "2026年10月", _at(11, 5, 17, 30), _at(11, 6, 9)),
    (12, V4, "village", "低保及救助对象", "2026年第2季度", _at(9, 10, 17, 30), None),
]

QUERIES = [
    # (n, village, disclosure id, question, asked_at, answered_at)
    (1, V1, 1, "「财务收支明细」中的数字与实际不符，请说明", _at(11, 9, 9), _at(11, 9, 15)),
    (2, V1, 3, "「村级重大事项决策」为何未列明明细", _at(11, 12, 10), _at(11, 14, 10)),
    (3, V1, None, f"路灯电费支出依据是什么？请回电 {Q3_PHONE}", _at(11, 18, 9), None),
    (4, V2, 7, "请解释「财务收支明细」的支出依据", _at(11, 5, 9), None),
    (5, V2, 8, "「集体资金使用」公开内容不完整", _at(11, 16, 8), _at(11, 21, 10)),
    (6, V3, None, "「集体资产资源出租」中的金额如何计算", _at(10, 30, 9), _at(11, 2, 9)),
    (7, V4, None, "「财务收支明细」为何未列明明细", _at(11, 3, 14), _at(11, 4, 2)),
    (8, V4, None, "「低保及救助对象」公开内容不完整", _at(10, 20, 10), None),
    (9, V3, None, "村道硬化工程款为何未公开", _at(11, 13, 9), None),
]


def load(conn: Connection) -> None:
    """The city's regions (with its petitions and warnings), then the rows above."""
    fixture_city.load(conn)
    conn.execute(
        insert(disclosures),
        [
            {
                "id": n,
                "external_id": f"D{n}",
                "village_code": village,
                "category": category,
                "item": item,
                "period": period,
                "due_at": due,
                "published_at": published,
                "updated_at": min(published or NOW, NOW),
            }
            for n, village, category, item, period, due, published in DISCLOSURES
        ],
    )
    conn.execute(
        insert(public_queries),
        [
            {
                "id": n,
                "external_id": f"Q{n}",
                "village_code": village,
                "disclosure_id": disclosure_id,
                "question": question,
                "asked_at": asked,
                "answered_at": answered,
                "updated_at": min(answered or asked, NOW),
            }
            for n, village, disclosure_id, question, asked, answered in QUERIES
        ],
    )
