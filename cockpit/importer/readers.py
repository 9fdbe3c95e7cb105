"""Stream a CSV or XLSX file as (line number, {column: cell}) pairs.

Neither reader loads the file whole: CSV is read line by line, XLSX through
openpyxl's read-only mode. Line numbers are the ones a person sees when
opening the file (the header is line 1).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cockpit.importer.mapping import MappingError

Rows = Iterator[tuple[int, dict[str, object]]]
PROBE_BYTES = 1 << 20


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
def open_rows(path: str | Path, encoding: str = "auto", sheet: str | None = None, delimiter: str = ","):
    """A context giving (header, rows) for ``path`` (by its suffix: .xlsx or CSV)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        with _xlsx(path, sheet) as opened:
            yield opened
    else:
        with _csv(path, encoding, delimiter) as opened:
            yield opened


@contextmanager
def _csv(path: Path, encoding: str, delimiter: str):
    encoding = detect_encoding(path) if encoding == "auto" else encoding
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise MappingError(f"{path.name}: the file is empty") from None
        except UnicodeDecodeError as error:
            raise MappingError(f"{path.name}: not {encoding} ({error})") from None

        def rows() -> Rows:
            start = reader.line_num + 1
            try:
                for cells in reader:
                    if any(c.strip() for c in cells):
                        yield start, dict(zip(header, cells, strict=False))
                    start = reader.line_num + 1
            except UnicodeDecodeError as error:
                raise MappingError(f"{path.name} near line {start}: not {encoding} ({error})") from None

        yield header, rows()


@contextmanager
def _xlsx(path: Path, sheet: str | None):
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise MappingError(f"{path.name}: no sheet {sheet!r} (has {', '.join(book.sheetnames)})")
        cells = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
        first = next(cells, None)
        if first is None:
            raise MappingError(f"{path.name}: the sheet is empty")
        header = ["" if h is None else str(h).strip() for h in first]

        def rows() -> Rows:
            for line, values in enumerate(cells, start=2):
                if any(v is not None and str(v).strip() for v in values):
                    yield line, dict(zip(header, values, strict=False))

        yield header, rows()
    finally:
        book.close()
