"""The import form's values: an uploaded file's bytes (within the size limit),
the mapping it is read with, and a safe name to write the upload under."""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path

import yaml

import cockpit
from cockpit.importer import Mapping, MappingError, load_mapping, parse_mapping

MAX_BYTES = 20 * 1024 * 1024
# An uploaded XLSX may unpack to at most this (a real export unpacks to 5-10
# times its size; cockpit.importer.limits has the other bounds).
MAX_UNPACKED = 20 * MAX_BYTES
EXAMPLES = Path(cockpit.__file__).resolve().parent.parent / "examples" / "import"
DATA_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
TOO_BIG = (
    "文件超过 {limit} MB，无法在网页上导入。请在服务器上用命令行导入："
    "python -m cockpit.importer 文件 --mapping 映射.yaml（docs/import.md）。"
)
UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


class UploadError(ValueError):
    """An upload the importer cannot be given; the message says why, for users."""


def example_mappings() -> list[str]:
    """The file names of the example mappings offered as a starting point."""
    return sorted(p.name for p in EXAMPLES.glob("*.yaml")) if EXAMPLES.is_dir() else []


def example_targets() -> dict[str, str]:
    """Each example mapping's file name -> its target table ("" if unreadable)."""
    found = {}
    for name in example_mappings():
        try:
            raw = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            raw = None
        found[name] = str(raw.get("target", "")) if isinstance(raw, dict) else ""
    return found


def decoded(contents: str, what: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a dcc.Upload's ``data:…;base64,…``; UploadError when
    the file is over ``limit`` (checked before decoding) or empty."""
    encoded = contents.partition(";base64,")[2]
    if len(encoded) * 3 // 4 > limit:
        raise UploadError(TOO_BIG.format(limit=limit // (1024 * 1024)))
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise UploadError(f"{what}上传不完整，请重新选择文件。") from None
    if len(data) > limit:
        raise UploadError(TOO_BIG.format(limit=limit // (1024 * 1024)))
    if not data:
        raise UploadError(f"{what}是空文件。")
    return data


def plain_name(filename: str) -> str:
    """``filename`` without any folder and with only plain characters."""
    return UNSAFE.sub("_", Path(filename.replace("\\", "/")).name).strip("._") or "upload"


def safe_name(filename: str) -> str:
    """A plain name to write the uploaded data file under (its suffix
    decides CSV or XLSX); UploadError unless it is one of those."""
    name = plain_name(filename)
    if not name.lower().endswith(DATA_SUFFIXES):
        raise UploadError("数据文件须为 CSV 或 XLSX（.csv / .xlsx）。")
    return name


def uploaded_mapping(data: bytes) -> Mapping:
    """The mapping in an uploaded YAML file; MappingError when unusable."""
    try:
        raw = yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MappingError("映射文件须为 UTF-8 编码的 YAML") from None
    except yaml.YAMLError as error:
        raise MappingError(f"not valid YAML: {error}") from None
    return parse_mapping(raw)


def example_mapping(name: str) -> Mapping:
    """One of ``example_mappings()`` by its file name."""
    if name not in example_mappings():
        raise UploadError("请选择映射文件。")
    return load_mapping(EXAMPLES / name)
