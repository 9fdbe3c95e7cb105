"""Petition and warning lifecycles, defined once, as data.

Every status, its Chinese label, whether it is open, and every allowed
transition (event kind -> from statuses -> to status) lives here. The sample
generator, the live demo job, the queries and the pages all ask this module;
nothing else spells out a status by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


class TransitionError(ValueError):
    """An event was applied to a record in a status that does not allow it."""


@dataclass(frozen=True)
class Status:
    code: str
    label: str
    is_open: bool
    colour: str = ""  # queue colour for warnings: red / yellow / green


@dataclass(frozen=True)
class Transition:
    event: str
    label: str
    from_statuses: frozenset[str]  # empty: the event creates the record
    to_status: str | None  # None: the status does not change


@dataclass(frozen=True)
class Lifecycle:
    name: str
    statuses: tuple[Status, ...]
    transitions: tuple[Transition, ...]

    def status(self, code: str) -> Status:
        for status in self.statuses:
            if status.code == code:
                return status
        raise KeyError(f"{self.name}: unknown status {code!r}")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.statuses)

    @property
    def open_codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.statuses if s.is_open)

    @property
    def closed_codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.statuses if not s.is_open)

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(t.event for t in self.transitions)

    def transition(self, event: str) -> Transition:
        for t in self.transitions:
            if t.event == event:
                return t
        raise KeyError(f"{self.name}: unknown event {event!r}")

    def next_status(self, current: str | None, event: str) -> str:
        """The status after ``event`` happens to a record in ``current``.

        ``current`` is None for a record that does not exist yet.
        """
        t = self.transition(event)
        if current is None:
            if t.from_statuses:
                raise TransitionError(f"{self.name}: {event!r} cannot create a record")
            assert t.to_status is not None
            return t.to_status
        if current not in t.from_statuses:
            raise TransitionError(f"{self.name}: {event!r} is not allowed from {current!r}")
        return current if t.to_status is None else t.to_status

    def allowed_events(self, current: str) -> tuple[str, ...]:
        return tuple(t.event for t in self.transitions if current in t.from_statuses)


PETITION = Lifecycle(
    name="petition",
    statuses=(
        Status("received", "已受理", True),
        Status("assigned", "办理中", True),
        Status("resolved", "待反馈", True),
        Status("closed", "已办结", False),
    ),
    transitions=(
        Transition("received", "受理", frozenset(), "received"),
        Transition("assigned", "交办", frozenset({"received", "assigned"}), "assigned"),
        Transition("escalated", "上报上级", frozenset({"received", "assigned"}), "assigned"),
        Transition("resolved", "办理完成", frozenset({"received", "assigned"}), "resolved"),
        Transition("feedback", "群众反馈", frozenset({"resolved", "closed"}), None),
        Transition("closed", "办结", frozenset({"resolved"}), "closed"),
        Transition("reopened", "重新办理", frozenset({"closed", "resolved"}), "assigned"),
    ),
)

WARNING = Lifecycle(
    name="warning",
    statuses=(
        Status("new", "待处置", True, "red"),
        Status("pending", "处置中", True, "yellow"),
        Status("disposed", "已处置", False, "green"),
    ),
    transitions=(
        Transition("raised", "系统预警", frozenset(), "new"),
        Transition("accepted", "签收处置", frozenset({"new"}), "pending"),
        Transition("reminded", "催办提醒", frozenset({"new", "pending"}), None),
        Transition("reassigned", "转交", frozenset({"new", "pending"}), None),
        Transition("disposed", "处置完毕", frozenset({"new", "pending"}), "disposed"),
        Transition("reopened", "重新处置", frozenset({"disposed"}), "pending"),
    ),
)

COLOUR_LABELS = MappingProxyType({"red": "红色", "yellow": "黄色", "green": "绿色"})
COLOUR_HEX = MappingProxyType({"red": "#e5484d", "yellow": "#f5a524", "green": "#30a46c"})

# Reference value sets: code -> Chinese label. Stored as plain strings in the store.
CHANNELS = MappingProxyType(
    {
        "wechat": "微信监督群",
        "miniprogram": "小程序",
        "qrcode": "扫码反映",
        "hotline": "热线电话",
        "visit": "来访",
    }
)
COMPLEXITY = MappingProxyType({"general": "一般", "complex": "复杂"})
COMPLEXITY_LIMIT_DAYS = MappingProxyType({"general": 5, "complex": 15})
# A 5-day share over fewer decided petitions (closed within or late) than
# this is not coloured or ranked on maps and the wall screen: "样本不足"
# (one late petition would paint a village 0% red; docs/metrics.md).
MIN_SHARE_SAMPLE = 5
HANDLING_LEVELS = MappingProxyType({"village": "村级", "town": "镇级", "county": "县级", "city": "市级"})
HANDLING_LEVEL_ORDER = ("village", "town", "county", "city")
WARNING_SEVERITIES = MappingProxyType({"high": "高", "medium": "中", "low": "低"})
WARNING_OWNER_KINDS = MappingProxyType(
    {"village": "村级组织", "town_commission": "乡镇纪委", "department": "职能部门"}
)
DISPOSITIONS = MappingProxyType({"confirmed": "属实", "false_alarm": "误报", "rectified": "已整改"})
SATISFACTION = MappingProxyType({1: "不满意", 2: "基本满意", 3: "满意"})
