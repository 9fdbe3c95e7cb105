"""The sections of the inspector analytics, in the order of their tabs.

Each section is a module with ``render(ctx) -> list`` of cards; the
registry below names it, says in one line what it shows and which of its
figures follow the page's time window (docs/metrics.md, "Inspector
analytics", defines each figure).
"""

from __future__ import annotations

from cockpit.pages.inspect.sections import (
    disclosure,
    escalation,
    links,
    overdue,
    queries,
    recurrence,
    satisfaction,
)
from cockpit.pages.inspect.sections.common import Context, Section

SECTIONS: dict[str, Section] = {
    "escalation": Section(
        "流转层级",
        "期内受理的诉求在村、镇、县、市各级的流转、办结与用时；承办单位按办理时长中位数和超期数排名。",
        escalation.render,
    ),
    "disclosure": Section(
        "三务公开",
        "期内到期的党务、村务、财务公开事项是否按时公开；“已到期未公开”按当前时刻统计。",
        disclosure.render,
    ),
    "overdue": Section(
        "超期督办",
        "当前未办结且已超过办理时限（一般件 5 天、复杂件 15 天）的诉求，按承办单位；"
        "以及 24 小时内到期的诉求。",
        overdue.render,
        windowed=False,
    ),
    "recurrence": Section(
        "重复与共性问题",
        "同一村同类问题反复反映、类别环比上升、同一类别在多个村集中出现；均按当前时刻往前计。",
        recurrence.render,
        windowed=False,
    ),
    "satisfaction": Section(
        "群众满意度",
        "期内受理且已办结的诉求的群众评价，按下级地区和承办单位。",
        satisfaction.render,
    ),
    "queries": Section(
        "公开质询",
        "期内提出的质询的答复率与答复用时；未答复清单按当前时刻统计，时限取预警规则 QRY-01 的生效值。",
        queries.render,
    ),
    "links": Section(
        "诉求预警关联",
        "同一村的诉求与预警涉及同一人员、项目（点名反映），或同类事项且前后 30 天内（同类事项）；"
        "期内受理的诉求或期内产生的预警。",
        links.render,
    ),
}
DEFAULT_SECTION = "escalation"

__all__ = ["DEFAULT_SECTION", "SECTIONS", "Context", "Section"]
