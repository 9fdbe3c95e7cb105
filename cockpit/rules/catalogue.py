"""The warning rule catalogue: a YAML file read into typed, validated rules.

A bad entry is refused with a message naming the rule and the field, never
guessed around: a rule the cockpit cannot explain or route must not run.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from cockpit.lifecycle import WARNING_OWNER_KINDS, WARNING_SEVERITIES

CATALOGUE_PATH = Path(__file__).with_name("catalogue.yaml")

SUBJECTS = MappingProxyType(
    {
        "labour": "用工",
        "payment": "三资支出",
        "payout": "惠民资金",
        "seal": "公章使用",
        "project": "工程采购",
        "disclosure": "三务公开",
        "query": "公开质询",
        "petition": "信访",
    }
)
CODE_PATTERN = re.compile(r"^[A-Z]{2,6}-\d{2}$")
DURATION_PATTERN = re.compile(r"^(\d+)([hd])$")
REQUIRED = ("code", "category", "name", "description", "subject", "severity", "owner")
REQUIRED += ("dispose_within", "params", "explanation")
OPTIONAL = ("department",)
PARAM_KEYS = {"default", "unit", "description"}


class CatalogueError(ValueError):
    """The catalogue file has an entry the engine cannot run."""


@dataclass(frozen=True)
class Param:
    name: str
    default: Any  # a number, or a list of strings
    unit: str
    description: str


@dataclass(frozen=True)
class Rule:
    code: str
    category: str
    name: str
    description: str
    subject: str
    severity: str
    owner_kind: str
    department: str | None
    dispose_within: timedelta
    params: tuple[Param, ...]
    explanation: str
    definition: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def thresholds(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The rule's parameters with ``overrides`` applied; an unknown name or
        a value of the wrong kind is refused."""
        values = self.defaults
        for name, value in (overrides or {}).items():
            if name not in values:
                raise CatalogueError(f"{self.code}: no parameter {name!r} (has {sorted(values)})")
            values[name] = _check_value(self.code, name, value, values[name])
        return values

    def version(self, overrides: Mapping[str, Any] | None = None) -> str:
        """A short hash of the rule's definition with the thresholds in force:
        it changes whenever the rule or a threshold changes."""
        body = {**self.definition, "params": self.thresholds(overrides)}
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]

    def explain(self, values: Mapping[str, Any]) -> str:
        return self.explanation.format(**values)


def load_catalogue(path: Path = CATALOGUE_PATH) -> dict[str, Rule]:
    """Every rule in the catalogue file, by code. Parsed once per version of
    the file (its modification time and size): parsing the YAML took 60-100
    ms, and every region page asks for the categories."""
    stat = Path(path).stat()
    return dict(_parsed(str(path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=8)
def _parsed(path: str, _mtime_ns: int, _size: int) -> dict[str, Rule]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CatalogueError(f"{path}: not valid YAML: {error}") from error
    return parse_catalogue(data, source=path)


def parse_catalogue(data: Any, source: str = "catalogue") -> dict[str, Rule]:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise CatalogueError(f"{source}: expected a mapping with a list under 'rules'")
    rules: dict[str, Rule] = {}
    for position, entry in enumerate(data["rules"], start=1):
        rule = parse_rule(entry, where=f"{source}: rule {position}")
        if rule.code in rules:
            raise CatalogueError(f"{source}: rule code {rule.code} appears twice")
        rules[rule.code] = rule
    return rules


def parse_rule(entry: Any, where: str = "rule") -> Rule:
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: expected a mapping, got {type(entry).__name__}")
    code = entry.get("code")
    where = f"{where} ({code})" if code else where
    missing = [key for key in REQUIRED if key not in entry]
    if missing:
        raise CatalogueError(f"{where}: missing {', '.join(missing)}")
    unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise CatalogueError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for key in ("code", "category", "name", "description", "explanation"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise CatalogueError(f"{where}: {key} must be non-empty text")
    if not CODE_PATTERN.match(code):
        raise CatalogueError(f"{where}: code must look like LAB-01")
    _one_of(where, "subject", entry["subject"], SUBJECTS)
    _one_of(where, "severity", entry["severity"], WARNING_SEVERITIES)
    _one_of(where, "owner", entry["owner"], WARNING_OWNER_KINDS)
    department = entry.get("department")
    if entry["owner"] == "department" and not department:
        raise CatalogueError(f"{where}: owner 'department' needs a department (e.g. 民政局)")
    params = _parse_params(where, entry["params"])
    _check_template(where, entry["explanation"])
    return Rule(
        code=code,
        category=entry["category"],
        name=entry["name"],
        description=entry["description"],
        subject=entry["subject"],
        severity=entry["severity"],
        owner_kind=entry["owner"],
        department=department,
        dispose_within=_parse_duration(where, entry["dispose_within"]),
        params=params,
        explanation=entry["explanation"],
        definition=MappingProxyType(dict(entry)),
    )


def _one_of(where: str, key: str, value: Any, allowed: Mapping) -> None:
    if value not in allowed:
        raise CatalogueError(f"{where}: {key} {value!r} is not one of {', '.join(allowed)}")


def _parse_duration(where: str, value: Any) -> timedelta:
    match = DURATION_PATTERN.match(str(value))
    if not match or int(match.group(1)) == 0:
        raise CatalogueError(f"{where}: dispose_within {value!r} must look like 72h or 5d")
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(hours=amount) if unit == "h" else timedelta(days=amount)


def _parse_params(where: str, raw: Any) -> tuple[Param, ...]:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: params must be a mapping of name -> {{default, unit, description}}")
    params = []
    for name, spec in raw.items():
        if not isinstance(spec, dict) or set(spec) != PARAM_KEYS:
            raise CatalogueError(f"{where}: parameter {name} needs exactly default, unit and description")
        default = spec["default"]
        is_number = isinstance(default, int | float) and not isinstance(default, bool)
        is_list = isinstance(default, list) and default and all(isinstance(v, str) for v in default)
        if not (is_number or is_list):
            raise CatalogueError(f"{where}: parameter {name} default must be a number or a list of words")
        if is_number and default < 0:
            raise CatalogueError(f"{where}: parameter {name} default must not be negative")
        params.append(Param(name, default, str(spec["unit"]), str(spec["description"])))
    return tuple(params)


def _check_template(where: str, template: str) -> None:
    try:
        fields = [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name]
    except ValueError as error:
        raise CatalogueError(f"{where}: explanation is not a valid template: {error}") from error
    if not fields:
        raise CatalogueError(f"{where}: explanation must show at least one value, e.g. {{amount}}")


def _check_value(code: str, name: str, value: Any, default: Any) -> Any:
    if isinstance(default, list):
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value) or not value:
            raise CatalogueError(f"{code}: parameter {name} must be a list of words")
        return list(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise CatalogueError(f"{code}: parameter {name} must be a non-negative number, got {value!r}")
    return value
