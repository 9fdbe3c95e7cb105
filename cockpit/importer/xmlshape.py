"""Measure one XML part of an XLSX as openpyxl would hold it, streaming it
through expat (nothing is kept), and stop at the first bound it passes.

openpyxl's read-only mode lets go of a sheet's ``<row>`` (and of a shared
string's ``<si>``) once read, but keeps everything else in the part it is
reading: ``scan`` counts, for a part read with ``unit`` (ROW, STRING or
None for a part read whole), the elements and bytes inside each unit and
those outside any, the latter against a ``Budget`` shared by the whole file.
A DTD is refused (XLSX parts have none, so no entity tricks).
"""

from __future__ import annotations

from xml.parsers import expat

from cockpit.importer.limits import (
    MAX_DEPTH,
    MAX_OUTSIDE_ELEMENTS,
    MAX_OUTSIDE_XML,
    MAX_ROW_ELEMENTS,
    MAX_ROW_XML,
    MAX_ROWS,
    megabytes,
)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROW, STRING = f"{MAIN} row", f"{MAIN} si"  # expat's names, namespace and local name
CHUNK = 1 << 20


class ShapeError(Exception):
    """A part past a bound: ``str()`` in English, ``chinese`` in Chinese."""

    def __init__(self, english: str, chinese: str) -> None:
        super().__init__(english)
        self.chinese = chinese


class NotXmlError(Exception):
    """The part is not XML from its first byte (an image, a binary part)."""


class Budget:
    """What the parts openpyxl keeps whole may hold, all together."""

    def __init__(self) -> None:
        self.elements = 0
        self.bytes = 0

    def element(self) -> None:
        self.elements += 1
        if self.elements > MAX_OUTSIDE_ELEMENTS:
            raise ShapeError(f"more than {MAX_OUTSIDE_ELEMENTS:,} elements outside rows", "行以外的元素过多")

    def check_bytes(self, more: int) -> None:
        if self.bytes + more > MAX_OUTSIDE_XML:
            raise ShapeError(f"more than {megabytes(MAX_OUTSIDE_XML)} outside rows", "行以外的内容过大")

    def add_bytes(self, more: int) -> None:
        self.check_bytes(more)
        self.bytes += more


class _Shape:
    def __init__(self, parser, unit: str | None, budget: Budget) -> None:
        self.parser, self.unit, self.budget = parser, unit, budget
        self.depth = 0
        self.unit_depth = 0  # depth of the open unit, 0 outside
        self.unit_start = 0  # its byte offset
        self.unit_elements = 0
        self.units = 0
        self.unit_bytes = 0  # bytes of all closed units
        self.last_tag = 0  # byte offset of the last tag

    def start(self, name: str, _attributes) -> None:
        at = self.last_tag = self.parser.CurrentByteIndex
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ShapeError(f"elements nested more than {MAX_DEPTH} deep", "元素嵌套过深")
        if self.unit_depth:
            self.unit_elements += 1
            if self.unit_elements > MAX_ROW_ELEMENTS:
                raise ShapeError(f"a row of more than {MAX_ROW_ELEMENTS:,} elements", "单行元素过多")
            if at - self.unit_start > MAX_ROW_XML:
                raise ShapeError(f"a row of more than {megabytes(MAX_ROW_XML)}", "单行内容过大")
        elif name == self.unit:
            self.units += 1
            if self.units > MAX_ROWS:
                raise ShapeError(f"more than {MAX_ROWS:,} rows", "行数过多")
            self.unit_depth, self.unit_start, self.unit_elements = self.depth, at, 0
        else:
            self.budget.element()

    def end(self, _name: str) -> None:
        self.last_tag = self.parser.CurrentByteIndex
        if self.depth == self.unit_depth:
            self.unit_depth = 0
            self.unit_bytes += self.last_tag - self.unit_start
        self.depth -= 1

    def outside(self, fed: int) -> int:
        """Bytes read so far that are not inside a unit."""
        open_unit = fed - self.unit_start if self.unit_depth else 0
        return fed - self.unit_bytes - open_unit

    def doctype(self, *_args) -> None:
        raise ShapeError("a DTD (XLSX parts have none)", "含有 DTD 声明（XLSX 文件不应有）")


def scan(stream, unit: str | None, budget: Budget) -> None:
    """Read ``stream`` (one part) to its end; ShapeError at the first bound
    passed, NotXmlError when it is not XML at all, expat.ExpatError when it
    is broken XML."""
    parser = expat.ParserCreate(namespace_separator=" ")
    shape = _Shape(parser, unit, budget)
    parser.StartElementHandler = shape.start
    parser.EndElementHandler = shape.end
    parser.StartDoctypeDeclHandler = shape.doctype
    fed = 0
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            fed += len(chunk)
            if fed - shape.last_tag > MAX_ROW_XML:
                raise ShapeError(f"a tag or text of more than {megabytes(MAX_ROW_XML)}", "单个标签或文本过大")
            budget.check_bytes(shape.outside(fed))
        parser.Parse(b"", True)
    except expat.ExpatError:
        if parser.ErrorByteIndex == 0:
            raise NotXmlError from None
        raise
    budget.add_bytes(shape.outside(fed))
