"""Stream a CSV or XLSX file as (line number, {column: cell}) pairs.

Neither reader loads the file whole: CSV is read line by line, each row held
to MAX_ROW_CHARS (cockpit.importer.csvlines; a longer row comes as an
``UnreadRow``), XLSX through openpyxl's read-only mode once
cockpit.importer.xlsxcheck has found it within its bounds. Line numbers are
the ones a person sees when opening the file (the header is line 1). A CSV
cell loses the single quote a spreadsheet export (our rejects file among
them) puts before a formula-like text (cockpit.export.cells).
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cockpit.export.cells import csv_unescape
from cockpit.importer.csvlines import RowLines
from cockpit.importer.limits import MAX_COLUMNS, MAX_ROW_CHARS, MAX_UNPACKED, RefusedFileError
from cockpit.importer.mapping import MappingError
from cockpit.importer.xlsxcheck import check_xlsx

Rows = Iterator[tuple[int, dict[str, object]]]
PROBE_BYTES = 1 << 20
EXCEL_ROWS = 1_048_576
# What openpyxl raises on a part it cannot make sense of.
XLSX_ERRORS = (KeyError, TypeError, ValueError, SyntaxError, zipfile.BadZipFile, zlib.error, EOFError)


class UnreadRow(dict):
    """A CSV row too long to read (over MAX_ROW_CHARS): only its cells
    before the one in which it passed the limit (enough to tell whose row it
    is), that cell's column, and what to tell the user."""

    def __init__(self, header: list[str], fields: list[str]) -> None:
        *before, _cut = fields
        super().__init__(zip(header, map(csv_unescape, before), strict=False))
        index = len(before)
        self.column = header[index] if index < len(header) and header[index] else f"第 {index + 1} 列"
        self.detail = f"超过 {MAX_ROW_CHARS:,} 字"


def detect_encoding(path: Path) -> str:
    """utf-8-sig when the file starts with a BOM, utf-8 when its first
    megabyte decodes as UTF-8, otherwise gb18030 (what Chinese Excel writes)."""
    with path.open("rb") as handle:
        head = handle.read(PROBE_BYTES)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the probe's end
            return "gb18030"
    return "utf-8"


@contextmanager
def open_rows(
    path: str | Path,
    encoding: str = "auto",
    sheet: str | None = None,
    delimiter: str = ",",
    max_unpacked: int = MAX_UNPACKED,
):
    """A context giving (header, rows) for ``path`` (by its suffix: .xlsx or
    CSV); RefusedFileError for a file past the bounds of
    cockpit.importer.limits (an XLSX unpacking to more than
    ``max_unpacked`` bytes among them)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        with _xlsx(path, sheet, max_unpacked) as opened:
            yield opened
    else:
        with _csv(path, encoding, delimiter) as opened:
            yield opened


@contextmanager
def _csv(path: Path, encoding: str, delimiter: str):
    encoding = detect_encoding(path) if encoding == "auto" else encoding
    with path.open(encoding=encoding, newline="") as handle:
        lines = RowLines(handle, delimiter, path.name)
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = [csv_unescape(h.strip()) for h in next(reader)]
        except StopIteration:
            raise MappingError(f"{path.name}: the file is empty") from None
        except UnicodeDecodeError as error:
            raise MappingError(f"{path.name}: not {encoding} ({error})") from None
        if lines.end_row() is not None:
            raise RefusedFileError(
                f"{path.name}: the header is over {MAX_ROW_CHARS:,} characters", f"{path.name} 的表头过长"
            )
        _check_width(path, header)

        def rows() -> Rows:
            start = reader.line_num + 1
            try:
                for cells in reader:
                    cut = lines.end_row()
                    if cut is not None:
                        yield start, UnreadRow(header, cut)
                    elif any(c.strip() for c in cells):
                        yield start, dict(zip(header, map(csv_unescape, cells), strict=False))
                    start = reader.line_num + 1
            except UnicodeDecodeError as error:
                raise MappingError(f"{path.name} near line {start}: not {encoding} ({error})") from None
            except csv.Error as error:
                raise RefusedFileError(
                    f"{path.name} near line {start}: {error}",
                    f"{path.name} 第 {start} 行附近无法读取：{error}",
                ) from None

        yield header, rows()


def _check_width(path: Path, header: list) -> None:
    if len(header) > MAX_COLUMNS:
        raise RefusedFileError(
            f"{path.name}: the header has {len(header):,} columns (at most {MAX_COLUMNS:,})",
            f"{path.name} 的表头有 {len(header):,} 列，超过上限 {MAX_COLUMNS:,} 列",
        )


@contextmanager
def _xlsx(path: Path, sheet: str | None, max_unpacked: int):
    from openpyxl import load_workbook

    check_xlsx(path, max_unpacked)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except XLSX_ERRORS as error:
        raise _unreadable(path, error) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise MappingError(f"{path.name}: no sheet {sheet!r} (has {', '.join(book.sheetnames)})")
        if not book.worksheets:
            raise MappingError(f"{path.name}: the workbook has no sheet of cells")
        ws = book[sheet] if sheet else book.worksheets[0]
        if not hasattr(ws, "reset_dimensions"):
            raise MappingError(f"{path.name}: sheet {sheet!r} is a chart, not a table")
        ws.reset_dimensions()  # the sheet's own claim of its size is not trusted: rows are cut to the header
        try:
            first = next(ws.iter_rows(max_row=1, max_col=MAX_COLUMNS + 1, values_only=True), ())
        except XLSX_ERRORS as error:
            raise _unreadable(path, error) from None
        header = ["" if h is None else str(h).strip() for h in first]
        while header and not header[-1]:
            header.pop()
        if not header:
            raise MappingError(f"{path.name}: the sheet's first row (the header) is empty")
        _check_width(path, header)
        width = len(header)

        def rows() -> Rows:
            cells = ws.iter_rows(min_row=2, max_row=EXCEL_ROWS, max_col=width, values_only=True)
            try:
                for line, values in enumerate(cells, start=2):
                    if values.count(None) < width and any(v is not None and str(v).strip() for v in values):
                        yield line, dict(zip(header, values, strict=False))
            except XLSX_ERRORS as error:
                raise _unreadable(path, error) from None

        yield header, rows()
    finally:
        book.close()


def _unreadable(path: Path, error: Exception) -> RefusedFileError:
    return RefusedFileError(
        f"{path.name}: not a readable XLSX file ({error!r})", f"{path.name} 无法作为 XLSX 读取"
    )
