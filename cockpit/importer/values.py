"""Turning one source cell into a store value, or saying why not.

Each parser takes the raw cell (a string from CSV; a string, number or
datetime from XLSX) and returns the value, or raises CellError with a
machine code from REASONS and a Chinese message.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

# Every reason a row can be rejected for: machine code -> Chinese label.
REASONS = {
    "blank_required": "必填项为空",
    "bad_date": "日期无法识别",
    "bad_number": "金额或数量不是数字",
    "bad_integer": "不是整数",
    "bad_boolean": "无法识别的是/否",
    "too_long": "内容超过字段长度",
    "row_too_large": "整行内容过长，未读取（常见原因：引号未闭合）",
    "unknown_region": "找不到地区",
    "ambiguous_region": "地区名称对应多个地区",
    "not_a_village": "地区不是村（社区）级",
    "unknown_category": "未知的类别",
    "unknown_status": "未知的状态",
    "unknown_value": "不在允许取值之内",
    "duplicate_id": "文件内编号重复",
    "duplicate_set_aside": "文件内编号重复，按映射的 duplicates 规则保留了同编号的另一行",
    "closed_before_received": "办结时间早于受理时间",
    "closed_without_time": "状态为已办结但没有办结时间",
    "closed_time_but_open": "有办结时间但状态未办结",
    "disposed_before_raised": "处置时间早于预警时间",
    "disposed_without_time": "状态为已处置但没有处置时间",
    "disposed_time_but_open": "有处置时间但状态未处置",
    "feedback_before_resolved": "未办理完成就有满意度评价",
    "unknown_parent": "找不到所属记录",
    "duplicate_row": "文件内记录重复",
    "unknown_event": "未知的办理环节",
    "events_not_grouped": "同一诉求的流转记录不连续",
    "bad_transition": "流转顺序不符合办理流程",
    "event_before_received": "流转时间早于受理时间",
    "trail_rejected": "同一诉求的其他流转记录有误，整条流转未导入",
    "no_match": "不符合派生字段的规则（regex）",
    "not_in_lookup": "对照表中没有这个值",
}

TRUE_WORDS = frozenset({"是", "实名", "true", "yes", "y", "1", "t", "√", "有"})
FALSE_WORDS = frozenset({"否", "匿名", "false", "no", "n", "0", "f", "×", "无", ""})


class CellError(ValueError):
    """One cell cannot be used: ``reason`` is a code from REASONS."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{REASONS[reason]}{'：' + detail if detail else ''}")
        self.reason = reason
        self.detail = detail


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


# What a Text column holds on every store: MariaDB's TEXT takes 65,535 bytes
# (PostgreSQL and SQLite have no limit), and refuses a longer value outright.
TEXT_BYTES = 65_535


def parse_text(raw: object, length: int | None, max_bytes: int | None = None) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # an id typed into Excel as a number
    text = str(raw).strip()
    if length is not None and len(text) > length:
        raise CellError("too_long", f"{len(text)} 字，上限 {length}")
    if max_bytes is not None and len(text) * 4 > max_bytes and len(text.encode()) > max_bytes:
        raise CellError("too_long", f"{len(text.encode()):,} 字节（UTF-8），上限 {max_bytes:,}")
    return text


class DateParser:
    """Parses text against a list of formats, trying first the one that
    matched last (an export usually sticks to one format)."""

    def __init__(self, formats: tuple[str, ...], zone: ZoneInfo) -> None:
        self.formats = list(formats)
        self.zone = zone

    def __call__(self, raw: object) -> datetime:
        """An aware datetime: XLSX cells arrive as datetimes already; text is
        tried against the formats. Times without an offset are in the zone."""
        if isinstance(raw, datetime):
            value = raw
        elif isinstance(raw, date):
            value = datetime.combine(raw, time())
        else:
            value = self._parse(str(raw).strip())
        return value.replace(tzinfo=self.zone) if value.tzinfo is None else value

    def _parse(self, text: str) -> datetime:
        for index, fmt in enumerate(self.formats):
            try:
                value = datetime.strptime(text, fmt)
            except ValueError:
                continue
            if index:
                self.formats.insert(0, self.formats.pop(index))
            return value
        raise CellError("bad_date", text)


def parse_decimal(raw: object, places: int) -> Decimal:
    text = str(raw).strip().replace(",", "").replace("，", "").removesuffix("元")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError("bad_number", text) from None
    if not value.is_finite():
        raise CellError("bad_number", text)
    return value.quantize(Decimal(1).scaleb(-places))


def parse_int(raw: object) -> int:
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = str(raw).strip()
    try:
        return int(text)
    except ValueError:
        raise CellError("bad_integer", text) from None


def parse_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = parse_text(raw, None).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError("bad_boolean", text)
