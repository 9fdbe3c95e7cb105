"""The bounds a data file must keep to be imported, and the error for one
that does not (docs/import.md, "Files the importer refuses").

The importer streams rows so that a file of millions of them runs in bounded
memory; these bounds keep that true for a hostile or broken file: a CSV row
that never ends (an unclosed quote), a header of a million columns, an XLSX
that unpacks to a thousand times its size or whose XML is built to make its
parser hold everything. Each is far above what a real export needs.
"""

from __future__ import annotations

from cockpit.importer.mapping import MappingError

MAX_COLUMNS = 1000  # in the header
MAX_ROW_CHARS = 1_000_000  # one CSV row (a record, all its lines) is read up to this, then skipped

# XLSX: a zip of XML parts.
MAX_UNPACKED = 4 << 30  # all parts together, unpacked (the command line; the import page passes less)
MAX_RATIO = 100  # a part over RATIO_FROM bytes may unpack to at most this many times its packed size
RATIO_FROM = 1 << 20
MAX_PARTS = 10_000
MAX_DIRECTORY = 1 << 20  # the zip's directory, bytes (read before zipfile parses it)
# The XML of each part, as openpyxl's read-only mode holds it: one row (or
# shared string) at a time, everything outside rows for the whole part.
MAX_DEPTH = 64
MAX_ROW_ELEMENTS = 65_536  # in one <row> or <si> (Excel: 16,384 cells a row)
MAX_ROW_XML = 8 << 20  # bytes of one <row> or <si>, and of any single tag or text
MAX_ROWS = 1 << 21  # <row>s or <si>s in one part (Excel: 1,048,576 rows a sheet)
MAX_OUTSIDE_ELEMENTS = 250_000  # elements outside rows (openpyxl keeps them all)
MAX_OUTSIDE_XML = 32 << 20  # bytes outside rows


class RefusedFileError(MappingError):
    """A data file the importer will not read: ``str()`` says why in English
    (the command line), ``chinese`` in Chinese (the import page)."""

    def __init__(self, english: str, chinese: str) -> None:
        super().__init__(english)
        self.chinese = chinese


def megabytes(size: int) -> str:
    return f"{size / (1 << 20):,.1f} MB"
