"""Derived fields: values a city's export does not hold as such, computed
from its cells by the mapping's ``derived`` section (docs/import.md,
"Derived fields").

Real exports spell things their own way: a sub-district written "07" under
a district's name must become the 3-digit code "207"; 社区 / 村 / 居委会
suffixes come and go; codes are padded or not. A derived field is one
piece, or the concatenation of several; each piece takes a source column
(or a constant) through these steps, in this order, any of them optional:

    default        the value when the cell is blank
    regex          keep the first capture group (or the whole match) of the
                   first match; no match: the row is rejected (no_match)
    strip_suffix   remove the longest of these endings
    lookup         replace by the table's value (a CSV file next to the
                   mapping, or an inline mapping); missing: not_in_lookup
    pad            left-pad with zeros to this width

A derived field is named like a column and used wherever a column is: in
``columns``, ``region`` and ``parent``. Its name may be a column of the
file (a cleaned version replaces the raw one for the mapping; the rejects
file keeps the raw cell). Pieces read the file's own cells, never other
derived fields, so the order of the section does not matter.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from cockpit.importer.values import is_blank, parse_text

PIECE_KEYS = {"column", "value", "default", "regex", "strip_suffix", "lookup", "pad"}


class DeriveError(ValueError):
    """The ``derived`` section itself is unusable (a MappingError for the user)."""


@dataclass(frozen=True)
class Piece:
    column: str | None
    value: str | None
    default: str | None = None
    regex: re.Pattern | None = None
    suffixes: tuple[str, ...] = ()
    lookup: dict[str, str] | None = None
    pad: int = 0


@dataclass(frozen=True)
class Derived:
    name: str
    pieces: tuple[Piece, ...]
    separator: str = ""

    @property
    def columns(self) -> set[str]:
        return {p.column for p in self.pieces if p.column}


class PieceFailedError(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def parse_derived(raw: object, folder: Path | None) -> dict[str, Derived]:
    """The ``derived`` section: {name: one piece, or {concat: [pieces], separator: …}}."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DeriveError("derived: a mapping of field name -> how to compute it")
    fields = {}
    for name, spec in raw.items():
        where = f"derived.{name}"
        if isinstance(spec, dict) and "concat" in spec:
            pieces = spec["concat"]
            if set(spec) - {"concat", "separator"} or not isinstance(pieces, list) or not pieces:
                raise DeriveError(f"{where}: concat takes a list of pieces (and an optional separator)")
            parsed = tuple(_piece(f"{where}.concat[{i}]", p, folder) for i, p in enumerate(pieces))
            fields[str(name)] = Derived(str(name), parsed, str(spec.get("separator", "")))
        else:
            fields[str(name)] = Derived(str(name), (_piece(where, spec, folder),))
    return fields


def _piece(where: str, spec: object, folder: Path | None) -> Piece:
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict) or set(spec) - PIECE_KEYS:
        raise DeriveError(f"{where}: a column name, or a mapping with {', '.join(sorted(PIECE_KEYS))}")
    if ("column" in spec) == ("value" in spec):
        raise DeriveError(f"{where}: give either column or value")
    try:
        regex = re.compile(str(spec["regex"])) if "regex" in spec else None
    except re.error as error:
        raise DeriveError(f"{where}.regex: not a valid regular expression: {error}") from None
    suffixes = spec.get("strip_suffix") or ()
    if isinstance(suffixes, str):
        suffixes = (suffixes,)
    pad = spec.get("pad", 0)
    if not isinstance(pad, int) or isinstance(pad, bool) or not 0 <= pad <= 64:
        raise DeriveError(f"{where}.pad: a width from 0 to 64")
    return Piece(
        column=None if spec.get("column") is None else str(spec["column"]),
        value=None if spec.get("value") is None else str(spec["value"]),
        default=None if spec.get("default") is None else str(spec["default"]),
        regex=regex,
        suffixes=tuple(sorted((str(s) for s in suffixes), key=len, reverse=True)),
        lookup=_lookup(where, spec["lookup"], folder) if "lookup" in spec else None,
        pad=pad,
    )


def _lookup(where: str, spec: object, folder: Path | None) -> dict[str, str]:
    """An inline {from: to} mapping, or a CSV file (a header row, then the
    value found in the first column and its replacement in the second),
    relative to the mapping file."""
    if isinstance(spec, dict):
        return {str(k).strip(): str(v).strip() for k, v in spec.items()}
    path = Path(str(spec))
    if not path.is_absolute() and folder is not None:
        path = folder / path
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except OSError as error:
        raise DeriveError(f"{where}.lookup: cannot read {path}: {error.strerror}") from None
    table = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2:
            raise DeriveError(f"{where}.lookup: {path.name} line {number} has no second column")
        key = row[0].strip()
        if key in table and table[key] != row[1].strip():
            raise DeriveError(f"{where}.lookup: {path.name} gives {key!r} twice, differently")
        table[key] = row[1].strip()
    return table


def derive_cells(
    cells: dict[str, object], fields: dict[str, Derived]
) -> tuple[dict[str, object], list[tuple[str, str, str]]]:
    """``cells`` with every derived field set (None where it failed), and
    the failures as (field name, reason, detail): one per failed field."""
    if not fields:
        return cells, []
    out, problems = dict(cells), []
    for field in fields.values():
        try:
            parts = [_run(piece, cells) for piece in field.pieces]
        except PieceFailedError as failed:
            out[field.name] = None
            problems.append((field.name, failed.reason, failed.detail))
            continue
        out[field.name] = None if any(p is None for p in parts) else field.separator.join(parts)
    return out, problems


def _run(piece: Piece, cells: dict[str, object]) -> str | None:
    raw = cells.get(piece.column) if piece.column else piece.value
    text = "" if is_blank(raw) else parse_text(raw, None)
    if not text:
        if piece.default is None:
            return None  # blank: the mapping says whether that is allowed
        text = piece.default
    if piece.regex is not None:
        found = piece.regex.search(text)
        if found is None:
            raise PieceFailedError("no_match", f"{text} 不符合 {piece.regex.pattern}")
        text = (found.group(1) if found.re.groups else found.group(0)) or ""
    for suffix in piece.suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if piece.lookup is not None:
        if text not in piece.lookup:
            raise PieceFailedError("not_in_lookup", text)
        text = piece.lookup[text]
    return text.zfill(piece.pad) if piece.pad else text
