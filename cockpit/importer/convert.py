"""One source row -> checked values for its target, or every problem with it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from cockpit.importer.mapping import Mapping
from cockpit.importer.targets import Column, TargetSpec
from cockpit.importer.values import (
    CellError,
    is_blank,
    parse_bool,
    parse_decimal,
    parse_int,
    parse_text,
)
from cockpit.store.schema import regions

UNKNOWN_REASON = {"category": "unknown_category", "status": "unknown_status"}
PARENT = "parent"  # the key of a child row's parent external id in convert_row's values


@dataclass(frozen=True)
class Problem:
    """Why one cell (``column``: the source column, or the target's when no
    single source column is to blame) stops a row from loading."""

    column: str
    reason: str
    detail: str = ""


class RegionIndex:
    """Every region in the store, to find a row's village by code or by a
    path of names (镇/村), without a query per row."""

    def __init__(self, conn: Connection) -> None:
        rows = conn.execute(select(regions.c.code, regions.c.name, regions.c.parent_code)).all()
        self.by_code = {code: {"code": code, "name": name, "parent": parent} for code, name, parent in rows}
        self.parents = {parent for _c, _n, parent in rows if parent}
        self.by_name: dict[str, list[str]] = {}
        for code, name, _parent in rows:
            self.by_name.setdefault(name, []).append(code)

    def by_code_cell(self, code: str) -> dict:
        region = self.by_code.get(code)
        if region is None:
            raise CellError("unknown_region", code)
        if code in self.parents:
            raise CellError("not_a_village", f"{code} {region['name']}")
        return region

    def by_path(self, names: list[str]) -> dict:
        """The leaf region named ``names[-1]`` whose ancestors' names end with
        ``names[:-1]`` (blank names are skipped: any ancestor matches)."""
        names = [n for n in names if n]
        matches = [
            code for code in self.by_name.get(names[-1], []) if self._ancestors_match(code, names[:-1])
        ]
        if not matches:
            raise CellError("unknown_region", "/".join(names))
        if len(matches) > 1:
            raise CellError("ambiguous_region", "/".join(names))
        return self.by_code_cell(matches[0])

    def _ancestors_match(self, code: str, names: list[str]) -> bool:
        node = self.by_code[code]["parent"]
        for name in reversed(names):
            while node is not None and self.by_code[node]["name"] != name:
                node = self.by_code[node]["parent"]
            if node is None:
                return False
            node = self.by_code[node]["parent"]
        return True


def _value(raw: object, column: Column, mapping: Mapping):
    if raw is None:
        raw = ""
    key = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
    mapped = mapping.values.get(column.name, {})
    if key in mapped:
        raw = key = str(mapped[key])
    if column.codes is not None:
        key = column.labels.get(key, key)
        if key not in column.codes:
            raise CellError(column.unknown or UNKNOWN_REASON.get(column.name, "unknown_value"), key)
        raw = key
    allowed = mapping.allowed.get(column.name)
    if allowed is not None and key not in allowed:
        raise CellError(UNKNOWN_REASON.get(column.name, "unknown_value"), key)
    if column.kind == "datetime":
        return mapping.parse_date(raw)
    if column.kind == "decimal":
        return parse_decimal(raw, column.places)
    if column.kind == "int":
        return parse_int(raw)
    if column.kind == "bool":
        return parse_bool(raw)
    return parse_text(raw, column.length, column.max_bytes)


def convert_row(
    cells: dict[str, object], mapping: Mapping, spec: TargetSpec, places: RegionIndex
) -> tuple[dict, dict | None, list[Problem]]:
    """(values by target column, the row's region, problems) for one row.
    A child row's or event's parent external id is ``values[PARENT]``."""
    values: dict = {}
    problems: list[Problem] = []
    if mapping.parent is not None:
        try:
            values[PARENT] = parent_id(cells, mapping)
        except CellError as error:
            problems.append(Problem(parent_label(mapping), error.reason, error.detail))
    for name, source in mapping.columns.items():
        column = spec.columns[name]
        raw = cells.get(source.column) if source.column else source.value
        if is_blank(raw) and source.default is not None:
            raw = source.default
        label = source.column or name
        if is_blank(raw) and not (column.name in mapping.values and "" in mapping.values[column.name]):
            if name in spec.required:
                problems.append(Problem(label, "blank_required"))
            values[name] = None
            continue
        try:
            values[name] = _value(raw, column, mapping)
        except CellError as error:
            problems.append(Problem(label, error.reason, error.detail))
    region = None
    if mapping.region_code:
        raw = cells.get(mapping.region_code)
        if is_blank(raw):
            if spec.region_required:
                problems.append(Problem(mapping.region_code, "blank_required"))
        else:
            try:
                region = places.by_code_cell(parse_text(raw, None))
            except CellError as error:
                problems.append(Problem(mapping.region_code, error.reason, error.detail))
    elif mapping.region_path:
        names = [
            "" if is_blank(cells.get(c)) else parse_text(cells.get(c), None) for c in mapping.region_path
        ]
        label = "/".join(mapping.region_path)
        if not names[-1]:
            problems.append(Problem(mapping.region_path[-1], "blank_required"))
        else:
            try:
                region = places.by_path(names)
            except CellError as error:
                problems.append(Problem(label, error.reason, error.detail))
    return values, region, problems


def parent_id(cells: dict[str, object], mapping: Mapping) -> str:
    """The parent external id a row names (CellError when blank or too long)."""
    source = mapping.parent
    raw = cells.get(source.column) if source.column else source.value
    if is_blank(raw) and source.default is not None:
        raw = source.default
    if is_blank(raw):
        raise CellError("blank_required")
    return parse_text(raw, 64)


def parent_label(mapping: Mapping) -> str:
    return mapping.parent.column or "parent"
