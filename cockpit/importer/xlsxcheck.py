"""Refuse an XLSX that would cost far more to read than its size says,
before openpyxl opens it.

An XLSX is a zip of XML parts. openpyxl's read-only mode streams a sheet's
rows, but unpacks each part it reads, keeps the shared strings and every
other part it reads whole, and holds a sheet's content outside its rows and
one row at a time. ``check_xlsx`` in steps (bounds in
cockpit.importer.limits):

1. The zip's end record, read by hand: a directory of at most MAX_DIRECTORY
   bytes (zipfile reads a directory of any size into memory).
2. The directory: at most MAX_PARTS parts, none encrypted, each stored or
   deflated (all OOXML allows), each over RATIO_FROM bytes unpacking to at
   most MAX_RATIO times its packed size, all together to at most
   ``max_unpacked``. zipfile never gives more of a part than the directory
   says it holds (it stops there and checks the CRC), so a part cannot lie
   its way past these sums.
3. The parts openpyxl will read, found as openpyxl finds them (content
   types, the workbook, relationships, fixed names), each streamed through
   expat (cockpit.importer.xmlshape) before anything parses it: a sheet's
   rows and the shared strings one by one, everything else whole. A part
   openpyxl reads two ways is held to the stricter (read whole).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.packaging.workbook import WorkbookPackage
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_CORE,
    ARC_CUSTOM,
    ARC_STYLE,
    ARC_THEME,
    ARC_WORKBOOK,
    SHARED_STRINGS,
    XLSM,
    XLSX,
    XLTM,
    XLTX,
)
from openpyxl.xml.functions import fromstring

from cockpit.importer.limits import (
    MAX_DIRECTORY,
    MAX_PARTS,
    MAX_RATIO,
    MAX_UNPACKED,
    RATIO_FROM,
    RefusedFileError,
    megabytes,
)
from cockpit.importer.xmlshape import ROW, STRING, Budget, NotXmlError, ShapeError, scan

END = struct.Struct("<4s4H2LH")  # end of central directory record
END64_LOCATOR = struct.Struct("<4sLQL")
END64 = struct.Struct("<4sQ2H2L4Q")
NOT_XLSX = "不是有效的 XLSX 文件"


def check_xlsx(path: Path, max_unpacked: int = MAX_UNPACKED) -> None:
    """RefusedFileError unless ``path`` keeps the bounds (module docstring)."""
    try:
        with path.open("rb") as handle:
            directory = _directory_size(handle, path.stat().st_size)
        if directory > MAX_DIRECTORY:
            raise RefusedFileError("its zip directory is too large", "压缩包目录过大（文件过多）")
        with zipfile.ZipFile(path) as archive:
            _check_directory([i for i in archive.infolist() if not i.is_dir()], max_unpacked)
            _Reads(archive).check()
    except RefusedFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise RefusedFileError(
            f"not a valid XLSX file ({error})", f"{NOT_XLSX}（无法作为 zip 压缩包读取）"
        ) from None
    except (KeyError, TypeError, ValueError, SyntaxError) as error:  # openpyxl's parts in a broken file
        raise RefusedFileError(
            f"not a valid XLSX file ({error!r})", f"{NOT_XLSX}（内容不完整或已损坏）"
        ) from None


def _directory_size(handle, size: int) -> int:
    """The size of the directory zipfile will read: from the end record, or
    from the zip64 end record just before it, as zipfile reads them."""
    tail = min(size, END.size + 0xFFFF)
    handle.seek(size - tail)
    data = handle.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or at + END.size > len(data):
        raise zipfile.BadZipFile("File is not a zip file")
    directory = END.unpack_from(data, at)[5]
    start = size - tail + at - END64_LOCATOR.size - END64.size
    if start >= 0:
        handle.seek(start)
        block = handle.read(END64.size + END64_LOCATOR.size)
        if block.startswith(b"PK\x06\x06") and block[END64.size :].startswith(b"PK\x06\x07"):
            directory = END64.unpack_from(block)[8]
    return directory


def _check_directory(parts: list[zipfile.ZipInfo], max_unpacked: int) -> None:
    if len(parts) > MAX_PARTS:
        raise RefusedFileError(f"it holds {len(parts):,} parts (at most {MAX_PARTS:,})", "压缩包内文件过多")
    for info in parts:
        name = info.filename
        if info.flag_bits & 0x1:
            raise RefusedFileError(f"part {name} is encrypted", f"文件中的 {name} 已加密，无法读取")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise RefusedFileError(
                f"part {name} uses compression method {info.compress_type}, which XLSX does not allow",
                f"文件中的 {name} 使用了 XLSX 不允许的压缩方式",
            )
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * info.compress_size:
            ratio = info.file_size / max(info.compress_size, 1)
            raise RefusedFileError(
                f"part {name} unpacks to {megabytes(info.file_size)}, {ratio:,.0f} times its packed size "
                f"(at most {MAX_RATIO} times): refused as a possible zip bomb",
                f"文件中的 {name} 解压后 {megabytes(info.file_size)}，是压缩后大小的 {ratio:,.0f} 倍"
                f"（上限 {MAX_RATIO} 倍），疑似“压缩炸弹”",
            )
    total = sum(info.file_size for info in parts)
    if total > max_unpacked:
        raise RefusedFileError(
            f"it unpacks to {megabytes(total)} (at most {megabytes(max_unpacked)})",
            f"文件解压后共 {megabytes(total)}，超过上限 {megabytes(max_unpacked)}",
        )


class _Reads:
    """Walk the parts openpyxl's read-only ``load_workbook`` reads, in its
    order (openpyxl.reader.excel.ExcelReader.read), scanning each part read
    whole before it is parsed here, and the sheets and shared strings last,
    once it is known that nothing reads them whole."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        self.budget = Budget()
        self.whole: set[str] = set()
        self.units: dict[str, str] = {}  # part -> the unit openpyxl lets go of in it

    def check(self) -> None:
        manifest = Manifest.from_tree(self.parse(ARC_CONTENT_TYPES))
        strings = manifest.find(SHARED_STRINGS)
        if strings is not None:
            self.units[strings.PartName[1:]] = STRING
        workbook = _workbook_part(manifest)
        relations = get_dependents(self.archive, self.read_whole(get_rels_path(workbook), required=True))
        package = WorkbookPackage.from_tree(self.parse(workbook))
        for link in package.externalReferences:  # load_workbook keeps links by default
            target = relations.get(link.id).target
            self.read_whole(target)
            self.read_whole(get_rels_path(target))
        for name in (ARC_CORE, ARC_CUSTOM, ARC_STYLE):
            self.read_whole(name)
        if ARC_THEME in self.names:  # kept as bytes, not parsed
            self.budget.add_bytes(self.archive.getinfo(ARC_THEME).file_size)
        for sheet in package.sheets:
            relation = relations.get(sheet.id) if sheet.id else None
            if relation is None or relation.target not in self.names:
                continue
            if "chartsheet" in relation.Type:
                self.read_tree(relation.target)
            else:
                self.units[relation.target] = ROW if relation.target not in self.units else None
                self.read_whole(get_rels_path(relation.target))
        for name, unit in self.units.items():
            if name in self.names and name not in self.whole:
                self.scan(name, unit)

    def parse(self, name: str):
        """The parsed root of a part openpyxl reads whole (scanned first)."""
        self.read_whole(name, required=True)
        return fromstring(self.archive.read(name))

    def read_whole(self, name: str, required: bool = False) -> str:
        """Scan ``name`` as a part read whole (once); its name."""
        if name not in self.names:
            if required:
                raise KeyError(f"no part {name}")
            return name
        if name not in self.whole:
            self.whole.add(name)
            self.scan(name, None)
        return name

    def read_tree(self, name: str, depth: int = 0) -> None:
        """A chart sheet: the part, and whatever its relationships lead to
        (drawings, charts, images), read whole."""
        if name in self.whole or name not in self.names or depth > 4:
            return
        self.read_whole(name)
        relations = get_rels_path(name)
        if relations in self.names:
            for relation in get_dependents(self.archive, self.read_whole(relations)):
                if relation.TargetMode != "External":
                    self.read_tree(relation.target, depth + 1)

    def scan(self, name: str, unit: str | None) -> None:
        try:
            with self.archive.open(name) as stream:
                scan(stream, unit, self.budget)
        except NotXmlError:
            self.budget.add_bytes(self.archive.getinfo(name).file_size)  # an image: read as bytes
        except expat.ExpatError as error:
            raise RefusedFileError(
                f"part {name} is not well-formed XML ({error})",
                f"文件中的 {name} 不是有效的 XML，文件可能已损坏",
            ) from None
        except ShapeError as error:
            raise RefusedFileError(
                f"part {name} has {error}", f"文件中的 {name} 结构异常：{error.chinese}"
            ) from None


def _workbook_part(manifest: Manifest) -> str:
    """The workbook's part name, as openpyxl.reader.excel._find_workbook_part."""
    for content_type in (XLTM, XLTX, XLSM, XLSX):
        part = manifest.find(content_type)
        if part:
            return part.PartName[1:]
    if {p.ContentType for p in manifest.Default} & {XLTM, XLTX, XLSM, XLSX}:
        return ARC_WORKBOOK
    raise KeyError("no workbook part")
