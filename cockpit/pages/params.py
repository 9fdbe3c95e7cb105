"""What a callback may be given, checked before it is used.

A browser sends what our layouts put in the page; a hand-made request can
send anything. Each function here takes one raw value of a callback (a
params store, a dropdown's value, a row's id) and returns it in the shape
the callback expects, or raises BadRequestError with a message for users;
the web layer answers that with 400 (cockpit.auth.errors). ``dash_request``
checks the envelope of a ``/_dash-update-component`` body the same way,
before Dash reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cockpit.callback_keys import is_id, outputs_match, same_id
from cockpit.pages.common import WINDOW_KEYS, window_of
from cockpit.timewindow import WindowError

MAX_TEXT = 200
CODE = re.compile(r"[0-9A-Za-z_-]{1,64}")
LOCATION_PROPS = frozenset(("pathname", "search", "hash", "href"))  # dcc.Location's: always text
BAD_PAYLOAD = "请求格式有误，请刷新页面后重试。"


class BadRequestError(Exception):
    """Input no page or callback can use; ``message`` says why, for users."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def text(value: Any, what: str, max_length: int = MAX_TEXT) -> str | None:
    """A short piece of text, or None for nothing chosen."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > max_length or "\x00" in value:
        raise BadRequestError(f"{what}无效。")
    return value


def region_code(value: Any, required: bool = False) -> str | None:
    """A region code as the store keeps them (digits, letters, - and _)."""
    if value is None or value == "":
        if required:
            raise BadRequestError("缺少地区代码。")
        return None
    if not isinstance(value, str) or not CODE.fullmatch(value):
        raise BadRequestError("地区代码无效。")
    return value


def clicks(value: Any) -> int:
    """A button's n_clicks or an interval's n_intervals (0 when never)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadRequestError("点击次数无效。")
    return value


def scalar(value: Any, what: str) -> str | int | float | None:
    """What an input box holds: text or a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return text(value, what)


def flag(value: Any) -> bool:
    """A checkbox: a bool, or a checklist's list of ticked values."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, list) and all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
        return bool(value)
    raise BadRequestError("勾选项无效。")


def code_list(value: Any) -> list[str]:
    """A multi-select of region codes."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 1_000:
        raise BadRequestError("地区列表无效。")
    return [region_code(v, required=True) for v in value]


def row_key(button_id: Any) -> int:
    """The row a pattern-matching button belongs to: ``{"type": …, "key": id}``."""
    key = button_id.get("key") if isinstance(button_id, Mapping) else None
    if isinstance(key, bool) or not isinstance(key, int) or not 0 < key < 2**63:
        raise BadRequestError("行标识无效。")
    return key


def text_key(button_id: Any) -> str:
    """A pattern-matching id whose key is text (a threshold's ``rule:param``)."""
    key = button_id.get("key") if isinstance(button_id, Mapping) else None
    found = text(key, "行标识")
    if found is None:
        raise BadRequestError("行标识无效。")
    return found


def window_params(raw: Any) -> dict[str, str]:
    """A window as the params store keeps it: ``window`` or ``from`` and ``to``,
    text that makes a window (WindowError's message otherwise)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping) or set(raw) - set(WINDOW_KEYS):
        raise BadRequestError("时间范围无效。")
    args = {k: v for k in WINDOW_KEYS if (v := text(raw.get(k), "时间范围", 40))}
    try:
        window_of(args)
    except WindowError as error:
        raise BadRequestError(f"时间范围无效：{error}") from None
    except (OverflowError, ValueError):
        raise BadRequestError("时间范围无效：日期超出范围。") from None
    return args


def region_params(raw: Any) -> dict:
    """A region or village page's params store: ``code``, ``window`` and an
    optional warning ``category``."""
    if not isinstance(raw, Mapping) or set(raw) - {"code", "window", "category"}:
        raise BadRequestError("页面参数无效，请刷新页面。")
    return {
        "code": region_code(raw.get("code"), required=True),
        "window": window_params(raw.get("window")),
        "category": text(raw.get("category"), "预警类别"),
    }


def inspect_params(raw: Any, sections: Iterable[str]) -> dict:
    """The inspector analytics' params store: ``code``, ``window`` and the
    ``section`` shown (one of ``sections``)."""
    if not isinstance(raw, Mapping) or set(raw) - {"code", "window", "section"}:
        raise BadRequestError("页面参数无效，请刷新页面。")
    section = text(raw.get("section"), "分析内容", 40)
    if section not in set(sections):
        raise BadRequestError("页面参数无效，请刷新页面。")
    return {
        "code": region_code(raw.get("code"), required=True),
        "window": window_params(raw.get("window")),
        "section": section,
    }


def queue_params(raw: Any) -> dict:
    """The warning queue's params store (cockpit.pages.queue.filters)."""
    if not isinstance(raw, Mapping) or set(raw) - {"region", "category", "owner", "overdue"}:
        raise BadRequestError("页面参数无效，请刷新页面。")
    return {
        "region": region_code(raw.get("region")),
        "category": text(raw.get("category"), "预警类别"),
        "owner": text(raw.get("owner"), "责任主体"),
        "overdue": flag(raw.get("overdue")),
    }


def code_sequence(value: Any) -> list[str]:
    """The wall screen's rotation: region codes."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 1_000:
        raise BadRequestError("轮播地区无效。")
    return [region_code(v, required=True) for v in value]


# --- Dash's envelope ---------------------------------------------------------------


def _items(found: Any, specs: list) -> None:
    if not isinstance(found, list) or len(found) != len(specs):
        raise BadRequestError(BAD_PAYLOAD)
    for item, spec in zip(found, specs, strict=True):
        if isinstance(item, list):  # an ALL wildcard: one item per component matched
            _items(item, [spec] * len(item))
            continue
        if not isinstance(item, Mapping) or not is_id(item.get("id")):
            raise BadRequestError(BAD_PAYLOAD)
        if item.get("property") != spec["property"] or not same_id(item["id"], spec["id"]):
            raise BadRequestError(BAD_PAYLOAD)
        value = item.get("value")
        if spec["property"] in LOCATION_PROPS and not (value is None or isinstance(value, str)):
            raise BadRequestError(BAD_PAYLOAD)
        if spec["property"] == "pathname" and not (isinstance(value, str) and value.startswith("/")):
            raise BadRequestError("页面地址无效。")


def dash_request(body: Any, callback_map: Mapping) -> None:
    """Raise BadRequestError unless ``body`` is a ``/_dash-update-component``
    request for a callback of ``callback_map``, with its outputs, inputs and
    states in place (the values themselves are the callback's to check)."""
    if not isinstance(body, Mapping):
        raise BadRequestError(BAD_PAYLOAD)
    key = body.get("output")
    if not isinstance(key, str) or key not in callback_map:
        raise BadRequestError(BAD_PAYLOAD)
    spec = callback_map[key]
    if "callback" not in spec:  # runs in the browser only
        raise BadRequestError(BAD_PAYLOAD)
    if not outputs_match(body.get("outputs"), key):
        raise BadRequestError(BAD_PAYLOAD)
    _items(body.get("inputs"), spec["inputs"])
    _items(body.get("state", []), spec["state"])
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise BadRequestError(BAD_PAYLOAD)
