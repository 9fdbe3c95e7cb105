"""A small, readable store whose figures are worked out by hand in
tests/test_queries_*.py. Every time is written in Asia/Shanghai local time.

Four levels, to prove the hierarchy has any depth:

    示例市 990100000000 (city)
    ├── 东区 990102000000 (county)
    │   ├── 甲镇 990102001000 (town)
    │   │   ├── 一村 990102001001
    │   │   └── 二村 990102001002
    │   └── 乙镇 990102002000 (town)
    │       └── 三村 990102002001
    └── 青岚市 990181000000 (county)
        └── 丙镇 990181001000 (town)
            └── 四村 990181001001

"Now" is 2026-11-20 12:00 local; the window is 2026-11-01 to 2026-11-20.

Petitions (received → closed, hours taken):
    P1  一村 道路 11-02 09:00 → 11-03 09:00   24 h   within 5 days
    P2  一村 道路 11-03 10:00 → 11-08 10:00  120 h   within (exactly 5 days)
    P3  一村 低保 11-04 08:00 → 11-10 08:00  144 h   late
    P4  一村 道路 11-05 09:00 → open (15 days at now): late, overdue
    P5  一村 环境 11-18 09:00 → open (2 days): in progress
    P6  二村 环境 11-10 14:00 → 11-10 20:00    6 h   within
    P7  二村 低保 11-12 09:00 → 11-19 09:00  168 h   late (complex: 15-day limit)
    P8  二村 道路 10-31 23:30 → 11-01 10:00          before the window
    P9  三村 村务 11-20 08:00 → open (today): in progress
    P10 三村 环境 11-01 00:00 → 11-02 12:00   36 h   within (at the window's start)
    P11 四村 道路 11-06 10:00 → 11-07 10:00   24 h   within
    P12 四村 道路 09-01 09:00 → open: before the window, overdue
    P3, P7 and P9 are real-name (reporters in P3_REPORTER …); P7's summary
    and its escalation's note give a phone number (the summary an identity
    number too) and name its reporter.

Warnings:
    W1 一村 村级用工 raised 11-15, new (red), due 11-18: overdue
    W2 一村 三资支出 raised 11-10, accepted 11-11 (yellow), due 11-25
    W3 二村 村级用工 raised 11-05, accepted 11-06, disposed 11-08 (green)
    W4 三村 惠民资金 raised 10-01, disposed 10-05 (green, before the window)
    W5 四村 惠民资金 raised 09-20, new (red), due 09-27: overdue
    W6 三村 公章使用 raised 11-19, new (red), due 11-26
    W7 二村 三资支出 raised 10-20, accepted 10-21, disposed 11-02 (green)
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import Connection, insert

from cockpit.store.factories import (
    Step,
    WarningStep,
    build_petition,
    build_warning,
    write_petitions,
    write_warnings,
)
from cockpit.store.hierarchy import rebuild_region_tree
from cockpit.store.schema import regions
from cockpit.timewindow import TZ, Window, custom_window

CITY, EAST, QINGLAN = "990100000000", "990102000000", "990181000000"
JIA, YI, BING = "990102001000", "990102002000", "990181001000"
V1, V2, V3, V4 = "990102001001", "990102001002", "990102002001", "990181001001"

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=TZ).astimezone(UTC)


def local(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


def window() -> Window:
    return custom_window(date(2026, 11, 1), date(2026, 11, 20), now=NOW)


def _square(x: float, y: float) -> str:
    ring = [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


REGIONS = [
    (CITY, "示例市", "city", None),
    (EAST, "东区", "county", CITY),
    (QINGLAN, "青岚市", "county", CITY),
    (JIA, "甲镇", "town", EAST),
    (YI, "乙镇", "town", EAST),
    (BING, "丙镇", "town", QINGLAN),
    (V1, "一村", "village", JIA),
    (V2, "二村", "village", JIA),
    (V3, "三村", "village", YI),
    (V4, "四村", "village", BING),
]


def _petition(n, village, category, received, steps=(), complexity="general", **reporter):
    return build_petition(
        external_id=f"P{n}",
        village_code=village,
        received_at=received,
        category=category,
        unit="村委会",
        complexity=complexity,
        steps=steps,
        **reporter,
    )


# Who filed the real-name petitions (P3, P7, P9; the rest are anonymous), for
# the masking tests (tests/test_masking.py).
P3_REPORTER = {"real_name": True, "reporter_name": "林小明", "reporter_phone": "13812341234"}
P7_REPORTER = {
    "real_name": True,
    "reporter_name": "欧阳晓明",
    "reporter_phone": "0571-87654321",
    "summary": "欧阳晓明反映低保评定不公，请回电 13912345678，身份证号 330102199001011234。",
}
P7_NOTE = "反映人欧阳晓明来电催办，电话 13912345678"
P9_REPORTER = {"real_name": True, "reporter_name": "司马光", "reporter_phone": "13700001111"}


def _closed(resolved_at: datetime) -> list[Step]:
    return [Step("resolved", resolved_at), Step("closed", resolved_at)]


PETITIONS = [
    _petition(1, V1, "道路", local(11, 2, 9), _closed(local(11, 3, 9))),
    _petition(2, V1, "道路", local(11, 3, 10), _closed(local(11, 8, 10))),
    _petition(3, V1, "低保", local(11, 4, 8), _closed(local(11, 10, 8)), **P3_REPORTER),
    _petition(4, V1, "道路", local(11, 5, 9), [Step("assigned", local(11, 5, 10))]),
    _petition(5, V1, "环境", local(11, 18, 9)),
    _petition(6, V2, "环境", local(11, 10, 14), _closed(local(11, 10, 20))),
    _petition(
        7,
        V2,
        "低保",
        local(11, 12, 9),
        [
            Step("escalated", local(11, 13, 9), level="town", unit="甲镇人民政府", note=P7_NOTE),
            *_closed(local(11, 19, 9)),
        ],
        complexity="complex",
        **P7_REPORTER,
    ),
    _petition(8, V2, "道路", local(10, 31, 23, 30), _closed(local(11, 1, 10))),
    _petition(9, V3, "村务", local(11, 20, 8), **P9_REPORTER),
    _petition(10, V3, "环境", local(11, 1, 0), _closed(local(11, 2, 12))),
    _petition(11, V4, "道路", local(11, 6, 10), _closed(local(11, 7, 10))),
    _petition(12, V4, "道路", local(9, 1, 9)),
]


def _warning(n, village, category, raised, due, steps=()):
    return build_warning(
        external_id=f"W{n}",
        rule_code=f"R-{n:02d}",
        category=category,
        title=f"预警{n}",
        village_code=village,
        raised_at=raised,
        due_at=due,
        owner_kind="town_commission",
        owner_name="镇纪委",
        subject_id=f"S{n}",
        amount=1000 * n,
        steps=steps,
    )


WARNINGS = [
    _warning(1, V1, "村级用工", local(11, 15, 9), local(11, 18, 9)),
    _warning(
        2, V1, "三资支出", local(11, 10, 9), local(11, 25, 9), [WarningStep("accepted", local(11, 11, 9))]
    ),
    _warning(
        3,
        V2,
        "村级用工",
        local(11, 5, 9),
        local(11, 12, 9),
        [
            WarningStep("accepted", local(11, 6, 9)),
            WarningStep("disposed", local(11, 8, 9), disposition="rectified"),
        ],
    ),
    _warning(
        4,
        V3,
        "惠民资金",
        local(10, 1, 9),
        local(10, 8, 9),
        [WarningStep("disposed", local(10, 5, 9), disposition="false_alarm")],
    ),
    _warning(5, V4, "惠民资金", local(9, 20, 9), local(9, 27, 9)),
    _warning(6, V3, "公章使用", local(11, 19, 10), local(11, 26, 10)),
    _warning(
        7,
        V2,
        "三资支出",
        local(10, 20, 9),
        local(10, 27, 9),
        [
            WarningStep("accepted", local(10, 21, 9)),
            WarningStep("disposed", local(11, 2, 9), disposition="confirmed"),
        ],
    ),
]


def load(conn: Connection) -> None:
    """Write the fixture into an empty store."""
    load_regions(conn)
    write_petitions(conn, PETITIONS)
    write_warnings(conn, WARNINGS)


def load_regions(conn: Connection) -> None:
    """Only the regions (and their closure), for fixtures of their own records."""
    conn.execute(
        insert(regions),
        [
            {
                "code": code,
                "name": name,
                "level": level,
                "parent_code": parent,
                "centroid_lon": 120.0 + i * 0.1,
                "centroid_lat": 30.0,
                "boundary": _square(120.0 + i * 0.1, 30.0),
                "sort_order": i,
            }
            for i, (code, name, level, parent) in enumerate(REGIONS)
        ],
    )
    rebuild_region_tree(conn)
