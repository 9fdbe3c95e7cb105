"""A threshold as typed into its input, and back."""

from __future__ import annotations

import re
from typing import Any

from cockpit.rules.catalogue import Param, Rule
from cockpit.rules.thresholds import ThresholdError, find_param, show

WORD_SEPARATORS = re.compile(r"[、,，;；\s]+")


def row_key(rule: Rule, param: Param) -> str:
    """The key of a parameter's row: "LAB-01:grace_hours"."""
    return f"{rule.code}:{param.name}"


def find(catalogue: dict[str, Rule], key: str) -> tuple[Rule, Param]:
    code, _, name = str(key).partition(":")
    if code not in catalogue:
        raise ThresholdError(f"规则目录中没有规则 {code}。")
    return catalogue[code], find_param(catalogue[code], name)


def parse_value(param: Param, raw: Any) -> Any:
    """What was typed, as the parameter's kind: words (separated by 、 , ; or
    spaces) for a list, else a number. ThresholdError says what is wrong."""
    if isinstance(param.default, list):
        words = [word for word in WORD_SEPARATORS.split(str(raw or "")) if word]
        if not words:
            raise ThresholdError("请输入至少一个词，词与词之间用“、”或逗号隔开。")
        return words
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ThresholdError("请输入一个数（输入框中不是有效数字时也显示此提示）。")
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return raw
    try:
        return float(str(raw).strip())
    except ValueError as error:
        raise ThresholdError(f"“{raw}”不是数字。") from error


def input_value(value: Any) -> Any:
    """What the input shows for ``value``: the number, or the words joined by 、."""
    return show(value) if isinstance(value, list | tuple) else value
