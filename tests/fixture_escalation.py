"""A small, readable store for the escalation, handling-unit and satisfaction
figures (tests/test_queries_escalation.py). Every time is Asia/Shanghai local.

Regions are tests/fixture_city.py's (示例市 > 东区 > 甲镇 > 一村, 二村;
东区 > 乙镇 > 三村; 青岚市 > 丙镇 > 四村); the petitions are this module's own
(E1 …), so the paths stay easy to follow. "Now" is 2026-11-20 12:00; the
window is 2026-11-01 to 2026-11-20 (fixture_city.window()).

Each petition's path, hours spent at each level (→ the next level, or to
closure), its end, its final unit and the resident's rating:

    E1  一村 11-02 09:00  村 24                      办结 11-03 09:00  一村村委会    满意
    E2  一村 11-03 09:00  村 48                      办结 11-05 09:00  一村村委会    基本满意
    E3  一村 11-04 09:00  村 12 → 镇 48              办结 11-06 21:00  甲镇人民政府  不满意
    E4  一村 11-05 09:00  村 24 → 镇 24 → 县 120      办结 11-12 09:00  东区住建局    (no rating)
                          (general, due 11-10 09:00: closed late)
    E5  一村 11-16 09:00  村 (open: 99 h at now)                       一村村委会
    E6  二村 11-06 09:00  村 6 → 镇 (open since 11-06 15:00: 333 h)     甲镇综治中心
                          (11-07 15:00 the town passes it to 甲镇综治中心: a new
                          unit at the same level, not a move; due 11-11 09:00: overdue)
    E7  二村 11-08 09:00  村 24 → 县 24 → 市 120      办结 11-15 09:00  示例市信访局  满意
                          (complex, due 11-23; skips the town)
    E8  二村 10-31 23:00  村 11 h                    办结 11-01 10:00  二村村委会    不满意
                          (received before the window: in no figure)
    E9  三村 11-01 00:00  村 6                       办结 11-01 06:00  三村村委会    满意
                          (received at the window's very start)
    E10 三村 11-10 09:00  村 24 → 镇 96              办结 11-15 09:00  乙镇人民政府  满意
                          (closed 11-13 09:00 rated 不满意, reopened 11-14 09:00,
                          closed again 11-15 09:00 rated 满意: exactly at its
                          due time, so on time)
    E11 四村 11-06 10:00  村 12 → 镇 24 → 县 (open since 11-07 22:00: 302 h)
                                                                        青岚市民政局
                          (due 11-11 10:00: overdue)
    E12 四村 11-19 10:00  村 (open: 26 h)                               四村村委会
    E13 三村 11-17 09:00  村 (open, 待反馈 since 11-18, rated 基本满意:  三村村委会
                          75 h at now; its rating counts once it is closed)
"""

from __future__ import annotations

from sqlalchemy import Connection

from cockpit.store.factories import Step, build_petition, write_petitions
from tests import fixture_city
from tests.fixture_city import V1, V2, V3, V4, local

__all__ = ["PETITIONS", "load"]

UNIT = {V1: "一村村委会", V2: "二村村委会", V3: "三村村委会", V4: "四村村委会"}


def _petition(n, village, received, steps=(), complexity="general"):
    return build_petition(
        external_id=f"E{n}",
        village_code=village,
        received_at=received,
        category="道路",
        unit=UNIT[village],
        complexity=complexity,
        steps=steps,
    )


def _up(level: str, unit: str, at) -> Step:
    return Step("escalated", at, level=level, unit=unit)


def _close(at, rating: int | None = None) -> list[Step]:
    """Resolved and closed at ``at``, rated just before when ``rating``."""
    feedback = [Step("feedback", at, satisfaction=rating)] if rating else []
    return [Step("resolved", at), *feedback, Step("closed", at)]


PETITIONS = [
    _petition(1, V1, local(11, 2, 9), _close(local(11, 3, 9), 3)),
    _petition(2, V1, local(11, 3, 9), _close(local(11, 5, 9), 2)),
    _petition(
        3, V1, local(11, 4, 9), [_up("town", "甲镇人民政府", local(11, 4, 21)), *_close(local(11, 6, 21), 1)]
    ),
    _petition(
        4,
        V1,
        local(11, 5, 9),
        [
            _up("town", "甲镇人民政府", local(11, 6, 9)),
            _up("county", "东区住建局", local(11, 7, 9)),
            *_close(local(11, 12, 9)),
        ],
    ),
    _petition(5, V1, local(11, 16, 9), [Step("assigned", local(11, 16, 10))]),
    _petition(
        6,
        V2,
        local(11, 6, 9),
        [
            _up("town", "甲镇人民政府", local(11, 6, 15)),
            Step("assigned", local(11, 7, 15), level="town", unit="甲镇综治中心"),
        ],
    ),
    _petition(
        7,
        V2,
        local(11, 8, 9),
        [
            _up("county", "东区住建局", local(11, 9, 9)),
            _up("city", "示例市信访局", local(11, 10, 9)),
            *_close(local(11, 15, 9), 3),
        ],
        complexity="complex",
    ),
    _petition(8, V2, local(10, 31, 23), _close(local(11, 1, 10), 1)),
    _petition(9, V3, local(11, 1, 0), _close(local(11, 1, 6), 3)),
    _petition(
        10,
        V3,
        local(11, 10, 9),
        [
            _up("town", "乙镇人民政府", local(11, 11, 9)),
            *_close(local(11, 13, 9), 1),
            Step("reopened", local(11, 14, 9)),
            *_close(local(11, 15, 9), 3),
        ],
    ),
    _petition(
        11,
        V4,
        local(11, 6, 10),
        [_up("town", "丙镇人民政府", local(11, 6, 22)), _up("county", "青岚市民政局", local(11, 7, 22))],
    ),
    _petition(12, V4, local(11, 19, 10), [Step("assigned", local(11, 19, 11))]),
    _petition(
        13,
        V3,
        local(11, 17, 9),
        [Step("resolved", local(11, 18, 9)), Step("feedback", local(11, 18, 10), satisfaction=2)],
    ),
]


def load(conn: Connection) -> None:
    """Write the fixture into an empty store: fixture_city's regions, these petitions."""
    fixture_city.load_regions(conn)
    write_petitions(conn, PETITIONS)
