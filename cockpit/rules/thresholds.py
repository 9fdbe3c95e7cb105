"""Thresholds administrators set (/admin/thresholds), kept in ``rule_thresholds``.

The catalogue file (cockpit/rules/catalogue.yaml) gives every rule parameter
its default. A row of ``rule_thresholds`` replaces one default; a value set
back to the default deletes its row, so the table holds only what differs.
Each change is written to the audit log (action ``threshold``, target
``RULE:param``, detail ``old → new``) in the same transaction.

What a change does: ``Rule.version`` hashes the rule's definition with the
thresholds in force, so a changed threshold gives the rule a new version. On
the next refresh ``engine.evaluate`` sees that the version in ``rule_state``
differs and reads every record the rule watches again, not only those
changed since its watermark: a tightened threshold raises warnings about
past records too (each subject at most once), a loosened one raises fewer
from then on but withdraws none already raised. Setting the old value back
is a new version again, and another full read.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from cockpit.auth.audit import record
from cockpit.rules.catalogue import CatalogueError, Param, Rule, load_catalogue
from cockpit.store.access import rule_thresholds

log = logging.getLogger(__name__)

# Units of parameters that are switches, and of hours of the day.
FLAG_UNIT = "1=是/0=否"
HOUR_UNIT = "时"


class ThresholdError(ValueError):
    """A threshold we refuse; the message is for the administrator."""


@dataclass(frozen=True)
class Override:
    """One threshold an administrator set in place of the catalogue's default."""

    rule_code: str
    param: str
    value: Any
    changed_by: str
    changed_at: datetime


def list_overrides(conn: Connection) -> list[Override]:
    """Every stored threshold, by rule and parameter (whether or not it still
    fits the catalogue)."""
    rows = conn.execute(
        select(rule_thresholds).order_by(rule_thresholds.c.rule_code, rule_thresholds.c.param)
    )
    return [
        Override(row.rule_code, row.param, json.loads(row.value), row.changed_by, row.changed_at)
        for row in rows
    ]


def load_overrides(
    conn: Connection, catalogue: Mapping[str, Rule] | None = None
) -> dict[str, dict[str, Any]]:
    """Rule code -> {parameter: value} for ``engine.evaluate`` and the pages.

    A stored threshold that no longer fits the catalogue (its rule or
    parameter left the file, or the parameter changed kind) is skipped and
    logged: the rule runs on its default rather than not at all."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    found: dict[str, dict[str, Any]] = {}
    for override in list_overrides(conn):
        rule = catalogue.get(override.rule_code)
        try:
            if rule is None:
                raise ThresholdError(f"规则 {override.rule_code} 已不在规则目录中")
            value = check_value(rule, override.param, override.value)
        except ThresholdError as error:
            log.warning("ignoring stored threshold %s:%s: %s", override.rule_code, override.param, error)
            continue
        found.setdefault(rule.code, {})[override.param] = value
    return found


def find_param(rule: Rule, name: str) -> Param:
    for param in rule.params:
        if param.name == name:
            return param
    raise ThresholdError(f"规则 {rule.code} 没有参数 {name}。")


def check_value(rule: Rule, name: str, value: Any) -> Any:
    """``value`` as parameter ``name`` of ``rule`` keeps it (whole numbers as
    int, words stripped), or ThresholdError saying why not (in a few words,
    for a message next to the parameter)."""
    param = find_param(rule, name)
    if isinstance(param.default, list):
        words = value if isinstance(value, list | tuple) else None
        words = [w.strip() for w in words if isinstance(w, str) and w.strip()] if words else []
        if not words or len(words) != len(value):
            raise ThresholdError("须为一个或多个词。")
        value = list(dict.fromkeys(words))
    else:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ThresholdError("须为数字。")
        if value < 0:
            raise ThresholdError("不能为负数。")
        if param.unit == FLAG_UNIT and value not in (0, 1):
            raise ThresholdError("只能为 1（是）或 0（否）。")
        if param.unit == HOUR_UNIT and value > 24:
            raise ThresholdError("须在 0 到 24 时之间。")
        value = int(value) if float(value).is_integer() else float(value)
    try:
        return rule.thresholds({name: value})[name]
    except CatalogueError as error:  # the catalogue's own check, should ours miss a case
        raise ThresholdError(f"取值无效：{error}") from error


def show(value: Any) -> str:
    """A threshold as the pages and the audit log show it: 24, 0.5, 配偶、子女."""
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def set_threshold(
    conn: Connection,
    rule: Rule,
    param: str,
    value: Any,
    actor: str,
    now: datetime | None = None,
    role: str = "",
    ip: str = "",
) -> bool:
    """Put ``value`` in force for ``rule``'s ``param`` (the default: delete
    the override) and log it; False when it was in force already. Raises
    ThresholdError, with a message for the administrator, on a bad value."""
    value = check_value(rule, param, value)
    default = find_param(rule, param).default
    stored = _stored(conn, rule.code, param)
    old = default if stored is None else stored
    if value == old:
        return False
    now = now or datetime.now(UTC)
    where = (rule_thresholds.c.rule_code == rule.code, rule_thresholds.c.param == param)
    if value == default:
        conn.execute(delete(rule_thresholds).where(*where))
    else:
        row = {"value": json.dumps(value, ensure_ascii=False), "changed_by": actor[:64], "changed_at": now}
        if not conn.execute(update(rule_thresholds).where(*where).values(**row)).rowcount:
            try:
                with conn.begin_nested():
                    conn.execute(insert(rule_thresholds).values(rule_code=rule.code, param=param, **row))
            except IntegrityError:  # another administrator inserted it meanwhile
                conn.execute(update(rule_thresholds).where(*where).values(**row))
    detail = f"{show(old)} → {show(value)}" + ("（默认值）" if value == default else "")
    record(conn, actor, "threshold", f"{rule.code}:{param}", detail, role=role, ip=ip, at=now)
    return True


def reset_threshold(
    conn: Connection,
    rule: Rule,
    param: str,
    actor: str,
    now: datetime | None = None,
    role: str = "",
    ip: str = "",
) -> bool:
    """Put the catalogue's default back in force (and log it); False when it
    was in force already."""
    return set_threshold(conn, rule, param, find_param(rule, param).default, actor, now, role, ip)


def _stored(conn: Connection, rule_code: str, param: str) -> Any:
    raw = conn.execute(
        select(rule_thresholds.c.value).where(
            rule_thresholds.c.rule_code == rule_code, rule_thresholds.c.param == param
        )
    ).scalar()
    return None if raw is None else json.loads(raw)
