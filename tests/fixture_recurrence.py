"""The hand-worked store of tests/test_queries_overdue.py and
tests/test_queries_recurrence.py: tests/fixture_city.py (regions, P1-P12,
W1-W7) plus the petitions below. Every time is Asia/Shanghai local time.
"Now" is Friday 2026-11-20 12:00 (04:00 UTC).

    甲镇: 一村 V1, 二村 V2    乙镇: 三村 V3    丙镇: 四村 V4

Open petitions, for the overdue lists (P4, P5, P9, P12 are fixture_city's;
due = received + 5 days general, + 15 days complex):

    id  village kind    received     status    with (level)          due          at now
    P12 四村   general  09-01 09:00  received  村委会 (village)       09-06 09:00  75.125 days over
    O5  三村   general  10-10 09:00  resolved  三村村委会 (village)   10-15 09:00  36.125 days over
    O6  一村   complex  10-10 12:00  assigned  东区住建局 (county)    10-25 12:00  26.0 days over
    P4  一村   general  11-05 09:00  assigned  村委会 (village)       11-10 09:00  10.125 days over
    O1  二村   complex  11-01 12:00  assigned  甲镇民政办 (town)      11-16 12:00   4.0 days over
    O2  三村   complex  11-05 12:00  received  三村村委会 (village)   11-20 12:00  due exactly now: 0 h left
    O3  四村   complex  11-05 20:00  received  四村村委会 (village)   11-20 20:00  8 h left
    O4  一村   complex  11-06 12:00  received  一村村委会 (village)   11-21 12:00  24 h left: not "soon"
    P5  一村   general  11-18 09:00  received  村委会                 11-23 09:00  69 h left
    P9  三村   general  11-20 08:00  received  村委会                 11-25 08:00
    O1 is real-name (O1_REPORTER): its summary names 诸葛亮 and gives his phone.
    O1 低保; O2-O6 其他 (no other 其他 petition).

Closed petitions for the recurrence figures, R1-R19, each closed an hour
after receipt (so none is open or overdue):

    R1  一村 饮水 11-07 00:00   last week, at its first instant
    R2  一村 饮水 11-13 23:59   last week, its last minute
    R3  一村 饮水 11-14 00:00   this week, at its first instant
    R4  二村 饮水 11-16 10:00
    R5  三村 饮水 11-17 10:00
    R6  四村 饮水 11-18 10:00
    R7  四村 饮水 11-19 10:00
    R8  二村 饮水 11-20 11:00
    R9  一村 饮水 11-06 23:59   one minute before last week
    R10-R14 一村 治安 11-14 .. 11-18, 09:00 each day
    R15 三村 环境 11-15 10:00
    R16 二村 环境 10-25 10:00
    R17 四村 环境 10-26 10:00
    R18 三村 环境 10-21 12:00   exactly 30 days before now
    R19 三村 环境 10-21 11:59   30 days and one minute before now

Weeks at now (local midnights): this week [11-14 00:00, now), last week
[11-07 00:00, 11-14 00:00). Surge periods of 7 days: current
[11-14, now), then [11-07, 11-14), [10-31, 11-07), [10-24, 10-31),
[10-17, 10-24).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection

from cockpit.store.factories import Step, build_petition, write_petitions
from tests import fixture_city
from tests.fixture_city import NOW, V1, V2, V3, V4, local

__all__ = ["NOW", "O1_REPORTER", "PETITIONS", "load"]

O1_REPORTER = {
    "real_name": True,
    "reporter_name": "诸葛亮",
    "reporter_phone": "13800001111",
    "summary": "诸葛亮反映低保名单有误，电话 13800001111。",
}


def _open(name, village, category, received, unit, complexity="general", steps=(), **extra):
    return build_petition(
        external_id=name,
        village_code=village,
        received_at=received,
        category=category,
        unit=unit,
        complexity=complexity,
        steps=steps,
        **extra,
    )


def _closed(n, village, category, received):
    """R<n>: received, resolved and closed an hour later."""
    done = received + timedelta(hours=1)
    return build_petition(
        external_id=f"R{n}",
        village_code=village,
        received_at=received,
        category=category,
        unit="村委会",
        steps=[Step("resolved", done), Step("closed", done)],
    )


PETITIONS = [
    _open(
        "O1",
        V2,
        "低保",
        local(11, 1, 12),
        "二村村委会",
        "complex",
        [Step("escalated", local(11, 2, 9), level="town", unit="甲镇民政办")],
        **O1_REPORTER,
    ),
    _open("O2", V3, "其他", local(11, 5, 12), "三村村委会", "complex"),
    _open("O3", V4, "其他", local(11, 5, 20), "四村村委会", "complex"),
    _open("O4", V1, "其他", local(11, 6, 12), "一村村委会", "complex"),
    _open("O5", V3, "其他", local(10, 10, 9), "三村村委会", steps=[Step("resolved", local(10, 12, 9))]),
    _open(
        "O6",
        V1,
        "其他",
        local(10, 10, 12),
        "一村村委会",
        "complex",
        [Step("escalated", local(10, 11, 9), level="county", unit="东区住建局")],
    ),
    _closed(1, V1, "饮水", local(11, 7, 0, 0)),
    _closed(2, V1, "饮水", local(11, 13, 23, 59)),
    _closed(3, V1, "饮水", local(11, 14, 0, 0)),
    _closed(4, V2, "饮水", local(11, 16, 10)),
    _closed(5, V3, "饮水", local(11, 17, 10)),
    _closed(6, V4, "饮水", local(11, 18, 10)),
    _closed(7, V4, "饮水", local(11, 19, 10)),
    _closed(8, V2, "饮水", local(11, 20, 11)),
    _closed(9, V1, "饮水", local(11, 6, 23, 59)),
    *[_closed(10 + i, V1, "治安", local(11, 14 + i, 9)) for i in range(5)],
    _closed(15, V3, "环境", local(11, 15, 10)),
    _closed(16, V2, "环境", local(10, 25, 10)),
    _closed(17, V4, "环境", local(10, 26, 10)),
    _closed(18, V3, "环境", local(10, 21, 12, 0)),
    _closed(19, V3, "环境", local(10, 21, 11, 59)),
]


def load(conn: Connection) -> None:
    """fixture_city's store plus O1-O6 and R1-R19."""
    fixture_city.load(conn)
    write_petitions(conn, PETITIONS)
