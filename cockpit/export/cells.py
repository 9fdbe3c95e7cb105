"""Text cells that stay text when a spreadsheet opens them (formula injection).

A spreadsheet may take a cell whose text starts with ``=``, ``+``, ``-`` or
``@`` for a formula (Excel does, for CSV too, and for a tab or a carriage
return before them; every spreadsheet does for an XLSX cell openpyxl wrote
as a formula, which is any str starting with "="): a warning titled
``=HYPERLINK("http://evil","点击")`` was a live link in the pack's workbook.
Every text cell the cockpit writes goes through ``formula_like``, the one
rule: OWASP's CSV Injection list, NUL (ASVS 1.2.10), and the full-width
＝＋－＠ a Chinese input method types, as a precaution (LibreOffice 7.4 reads
those as text; Excel and WPS were not at hand to try).

- CSV (the importer's rejects file): ``csv_text`` puts a single quote before
  such a text, OWASP's advice; the spreadsheet shows it as text.
- XLSX (the weekly pack's workbook): ``append_row`` stores such a cell as a
  string (openpyxl writes any str starting with "=" as a formula) with
  Excel's quotePrefix style, so it stays text even when someone edits it;
  the text itself is unchanged. Characters XML cannot hold (control
  characters other than tab, LF and CR) become U+FFFD instead of failing
  the whole workbook.
- Reading a CSV back (the importer), ``csv_unescape`` takes that quote off,
  so a fixed rejects file imports the values it was made from.

Numbers, dates and booleans are not text and are left alone: -12.5 stored as
a number stays a number. A number held as text ("-12.5" read from a CSV) is
text and gets the quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TRIGGERS = frozenset("=+-@\t\r\0＝＋－＠")
QUOTE = "'"
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def formula_like(value: object) -> bool:
    """Whether a spreadsheet could read ``value`` as a formula: a str whose
    first character is one of TRIGGERS."""
    return isinstance(value, str) and value[:1] in TRIGGERS


def csv_text(value: object) -> object:
    """``value`` for a CSV cell: a formula-like text behind a single quote,
    anything else as it is."""
    return QUOTE + value if formula_like(value) else value


def csv_unescape(text: str) -> str:
    """A CSV cell as it was before ``csv_text`` (one leading quote before a
    trigger character removed; any other text unchanged)."""
    return text[1:] if text[:1] == QUOTE and formula_like(text[1:]) else text


def xlsx_value(value: object) -> object:
    """``value`` with the characters an XLSX cannot hold replaced (openpyxl
    refuses them)."""
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def append_row(ws, values: Iterable[object]) -> tuple:
    """Append ``values`` to the openpyxl worksheet ``ws`` as a new row, every
    text cell kept text; the row's cells."""
    values = [xlsx_value(v) for v in values]
    ws.append(values)
    row = tuple(ws.cell(row=ws.max_row, column=i) for i in range(1, len(values) + 1))
    for cell in row:
        if formula_like(cell.value):
            cell.data_type = "s"  # openpyxl made "=…" a formula ("f")
            cell.quotePrefix = True
    return row
