"""Hand-built XLSX files for the importer's bounds (tests/test_import_limits.py,
tests/test_admin_import.py): a zip of the few parts openpyxl needs, written
with zipfile so each part can be as strange as a test wants."""

from __future__ import annotations

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="工单" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)


def inline_row(cells: list[str], number: int | None = None) -> str:
    """One <row> of inline-string cells (no cell references: openpyxl counts)."""
    attribute = f' r="{number}"' if number else ""
    return (
        f"<row{attribute}>" + "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells) + "</row>"
    )


def sheet(rows: str, head: str = "", tail: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{head}<worksheet xmlns="{MAIN}">'
        f"<sheetData>{rows}</sheetData>{tail}</worksheet>"
    ).encode()


def xlsx(sheet_xml: bytes, sheet_type: str = SHEET_TYPE, extra: dict[str, bytes] | None = None) -> bytes:
    """An XLSX of one sheet (``sheet_xml``, declared as ``sheet_type``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheet_type=sheet_type))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb(header: list[str], row: list[str], unpacked: int = 20 << 20) -> bytes:
    """Some 20 KB that unpack to a sheet of ``unpacked`` bytes: ``row`` over
    and over (deflate packs a repeated text about a thousand to one)."""
    one = inline_row(row)
    return xlsx(sheet(inline_row(header) + one * (unpacked // len(one.encode()))))


def lying_sizes(data: bytes, part: str, claimed: int) -> bytes:
    """``data`` (a zip) with ``part``'s directory entry claiming ``claimed``
    bytes unpacked instead of its real size."""
    name = part.encode()
    at = data.rindex(b"PK\x01\x02", 0, data.rindex(name))
    return data[: at + 24] + claimed.to_bytes(4, "little") + data[at + 28 :]
