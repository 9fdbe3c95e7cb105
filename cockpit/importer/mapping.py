"""The mapping file (YAML): how one city's export maps onto one store table.

See docs/import.md for the format. ``load_mapping`` reads and checks it;
every mistake in the mapping itself is a MappingError, raised before any
row is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from cockpit.importer.derive import Derived, DeriveError, parse_derived
from cockpit.importer.values import DateParser

DEFAULT_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
)
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gb18030")


# What to do with a second row of a petition, warning or record id already
# in the file: reject it (a reject like any other: nothing is written
# without --keep-good); keep the first copy; keep the last; keep the most
# complete (the copy with the most filled cells; on a tie, the earlier).
# A copy set aside is listed in the report and the rejects file, not counted
# as rejected.
DUPLICATE_POLICIES = ("reject", "first", "last", "most_complete")


class MappingError(ValueError):
    """The mapping file is not usable."""


@dataclass(frozen=True)
class Source:
    """Where a target column's value comes from: a source column or a constant."""

    column: str | None = None
    value: object = None
    default: object = None


@dataclass(frozen=True)
class Mapping:
    target: str
    columns: dict[str, Source]
    region_code: str | None = None
    region_path: tuple[str, ...] = ()
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    allowed: dict[str, frozenset[str]] = field(default_factory=dict)
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    encoding: str = "auto"
    sheet: str | None = None
    delimiter: str = ","
    parent: Source | None = None  # child rows and events: the parent's external id
    derived: dict[str, Derived] = field(default_factory=dict)  # cockpit.importer.derive
    duplicates: str = "reject"  # a record id twice in the file: see DUPLICATE_POLICIES

    @cached_property
    def parse_date(self) -> DateParser:
        return DateParser(self.date_formats, self.timezone)

    @property
    def source_columns(self) -> set[str]:
        """The file's columns the mapping reads (a derived field's name is
        not one, unless a piece reads it)."""
        named = {s.column for s in self.columns.values() if s.column}
        if self.parent is not None and self.parent.column:
            named.add(self.parent.column)
        named |= set(self.region_path) | ({self.region_code} if self.region_code else set())
        pieces = {column for d in self.derived.values() for column in d.columns}
        return (named - set(self.derived)) | pieces


def _source(target: str, spec: object) -> Source:
    if isinstance(spec, str):
        return Source(column=spec)
    if isinstance(spec, dict) and set(spec) <= {"column", "value", "default"}:
        if ("column" in spec) == ("value" in spec):
            raise MappingError(f"columns.{target}: give either column or value")
        return Source(spec.get("column"), spec.get("value"), spec.get("default"))
    raise MappingError(
        f"columns.{target}: a source column name, or {{column: …, default: …}} or {{value: …}}"
    )


def parse_mapping(raw: dict, folder: Path | None = None) -> Mapping:
    """A Mapping from the YAML document ``raw`` (already parsed); lookup
    files of derived fields are found relative to ``folder``."""
    from cockpit.importer.targets import target_spec

    if not isinstance(raw, dict):
        raise MappingError("the mapping must be a YAML mapping (key: value)")
    unknown = set(raw) - {
        "target", "columns", "region", "values", "allowed", "date_formats",
        "timezone", "encoding", "sheet", "delimiter", "parent", "derived", "duplicates",
    }  # fmt: skip
    if unknown:
        raise MappingError(f"unknown keys: {', '.join(sorted(unknown))}")
    spec = target_spec(str(raw.get("target", "")))
    columns = {name: _source(name, s) for name, s in (raw.get("columns") or {}).items()}
    bad = set(columns) - set(spec.columns)
    if bad:
        raise MappingError(f"{spec.name} has no column(s) {', '.join(sorted(bad))}")
    missing = [c for c in spec.required if c not in columns]
    parent = _parent(spec, raw.get("parent"))
    region = raw.get("region") or {}
    code, path = region.get("code"), tuple(region.get("path") or ())
    if spec.parent is not None and (code or path):
        raise MappingError(
            f"region: {spec.name} rows take the village of their "
            f"{spec.parent.table.name} record; remove region"
        )
    if code and path:
        raise MappingError("region: give either code (a column) or path (a list of columns), not both")
    if spec.region_required and not (code or path):
        raise MappingError("region: give code (a column of region codes) or path (columns of names)")
    if missing:
        raise MappingError(f"required column(s) not mapped: {', '.join(missing)}")
    try:
        zone = ZoneInfo(str(raw.get("timezone", "Asia/Shanghai")))
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(f"unknown timezone {raw.get('timezone')!r}") from None
    encoding = str(raw.get("encoding", "auto")).lower()
    if encoding not in ENCODINGS:
        raise MappingError(f"encoding must be one of {', '.join(ENCODINGS)}")
    values = {
        str(k): {str(a).strip(): b for a, b in (v or {}).items()}
        for k, v in (raw.get("values") or {}).items()
    }
    allowed = {str(k): frozenset(str(x) for x in v) for k, v in (raw.get("allowed") or {}).items()}
    formats = tuple(raw.get("date_formats") or DEFAULT_DATE_FORMATS)
    try:
        derived = parse_derived(raw.get("derived"), folder)
    except DeriveError as error:
        raise MappingError(str(error)) from None
    duplicates = str(raw.get("duplicates", "reject"))
    if duplicates not in DUPLICATE_POLICIES:
        raise MappingError(f"duplicates must be one of {', '.join(DUPLICATE_POLICIES)}")
    if duplicates != "reject" and spec.kind != "record":
        raise MappingError(f"duplicates: {spec.name} rows have no record id of their own; remove it")
    return Mapping(
        target=spec.name,
        columns=columns,
        region_code=code,
        region_path=path,
        values=values,
        allowed=allowed,
        date_formats=formats,
        timezone=zone,
        encoding=encoding,
        sheet=raw.get("sheet"),
        delimiter=str(raw.get("delimiter", ",")),
        parent=parent,
        derived=derived,
        duplicates=duplicates,
    )


def _parent(spec, raw: object) -> Source | None:
    """``parent``: where a child row's or event's parent external id comes from."""
    if spec.parent is None:
        if raw is not None:
            raise MappingError(f"parent: {spec.name} rows have no parent record; remove parent")
        return None
    if raw is None:
        raise MappingError(
            f"parent: name the column holding the {spec.parent.table.name} record's external id, "
            "e.g. parent: {column: 付款单号}"
        )
    return _source("parent", raw)


def load_mapping(path: str | Path) -> Mapping:
    """Read and check the mapping file at ``path``."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise MappingError(f"{path}: not valid YAML: {error}") from None
    return parse_mapping(raw, Path(path).parent)
