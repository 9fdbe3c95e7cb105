"""Regions from a CSV / XLSX file and outlines from GeoJSON.

``import_regions`` in steps:

1. Read the regions file (columns code, name, level, parent_code and
   optionally sort_order, renamed by the mapping's ``columns``); levels may be
   written in Chinese (镇, 街道, 村, 社区 …). Any bad row refuses the whole file.
2. Insert the new regions and update the changed ones (by code), parents
   attached after every row is in, so the file may list them in any order.
   The words pages show for each level (区 rather than 县（市、区）) come from
   the mapping's ``level_labels``, else from the file: a level all of whose
   regions the file lists, each written with the same Chinese word, is
   shown with that word (queries.regions.level_labels).
3. Read the GeoJSON features; each one's ``code_property`` names its region
   (any depth). Its geometry is stored as ``boundary`` and a point inside it
   as the centroid. Features of unknown regions are counted and skipped.
4. Rebuild region_tree (refuses a cycle or an unknown parent) and commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml
from shapely.geometry import mapping as geometry_mapping
from shapely.geometry import shape
from shapely.ops import unary_union
from sqlalchemy import Connection, Engine, insert, select, update

from cockpit.importer.mapping import MappingError
from cockpit.importer.readers import UnreadRow, open_rows
from cockpit.importer.values import is_blank, parse_int, parse_text
from cockpit.store.hierarchy import RegionError, rebuild_region_tree
from cockpit.store.meta import LEVEL_WORD, LEVELS, level_words, set_level_words
from cockpit.store.schema import regions

LEVEL_WORDS = {
    "省": "province", "自治区": "province", "直辖市": "province",
    "市": "city", "地级市": "city", "州": "city",
    "县": "county", "区": "county", "县级市": "county", "旗": "county",
    "镇": "town", "乡": "town", "街道": "town", "苏木": "town",
    "村": "village", "社区": "village", "居委会": "village", "嘎查": "village",
}  # fmt: skip
FIELDS = ("code", "name", "level", "parent_code", "sort_order")
LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级", "town": "乡级", "village": "村级"}


class RegionImportError(ValueError):
    """The regions file or the boundaries cannot be imported; nothing was written."""


def _regions_mapping(path: str | Path | None) -> dict:
    raw = {}
    if path:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        if raw.get("target", "regions") != "regions":
            raise MappingError("a regions mapping has target: regions")
    columns = {field: field for field in FIELDS} | dict(raw.get("columns") or {})
    levels = LEVEL_WORDS | {str(k): v for k, v in ((raw.get("values") or {}).get("level") or {}).items()}
    return {
        "columns": columns,
        "levels": levels,
        "level_labels": _level_labels(raw.get("level_labels")),
        "encoding": raw.get("encoding", "auto"),
        "sheet": raw.get("sheet"),
    }


def _level_labels(raw: object) -> dict[str, str]:
    """The mapping's ``level_labels: {county: 区, town: 街道}``, checked."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise MappingError("level_labels 应为“层级: 名称”的映射，如 {county: 区, town: 街道}")
    for level, word in raw.items():
        if level not in LEVELS:
            raise MappingError(f"level_labels：未知的层级 {level}（可用 {', '.join(LEVELS)}）")
        if not isinstance(word, str) or not LEVEL_WORD.fullmatch(word):
            raise MappingError(f"level_labels：{level} 的名称应为 1–12 个汉字（可含括号、顿号）")
    return {str(level): str(word) for level, word in raw.items()}


def _read_regions(path: Path, mapping: dict) -> list[dict]:
    columns, levels = mapping["columns"], mapping["levels"]
    found, problems, seen = [], [], set()
    with open_rows(path, mapping["encoding"], mapping["sheet"]) as (header, rows):
        missing = [columns[f] for f in ("code", "name", "level") if columns[f] not in header]
        if missing:
            raise MappingError(f"{path.name}: no column(s) {', '.join(missing)}")
        for line, cells in rows:
            if isinstance(cells, UnreadRow):
                problems.append(f"第 {line} 行：内容过长（{cells.detail}），未读取")
                continue
            code = "" if is_blank(cells.get(columns["code"])) else parse_text(cells[columns["code"]], 32)
            name = "" if is_blank(cells.get(columns["name"])) else parse_text(cells[columns["name"]], 128)
            word = parse_text(cells.get(columns["level"]) or "", None)
            level = levels.get(word, word)
            parent = cells.get(columns["parent_code"])
            parent = None if is_blank(parent) else parse_text(parent, 32)
            order = cells.get(columns["sort_order"])
            if not code or not name:
                problems.append(f"第 {line} 行：编码或名称为空")
            elif code in seen:
                problems.append(f"第 {line} 行：编码 {code} 重复")
            elif level not in LEVELS:
                problems.append(f"第 {line} 行：未知的层级 {level}")
            else:
                seen.add(code)
                found.append(
                    {
                        "code": code,
                        "name": name,
                        "level": level,
                        "parent_code": parent,
                        "sort_order": 0 if is_blank(order) else parse_int(order),
                        "word": word,
                    }
                )
    if problems:
        raise RegionImportError(f"{path.name}: " + "；".join(problems))
    return found


def _write_regions(conn: Connection, rows: list[dict]) -> tuple[int, int]:
    stored = {r.code: r._asdict() for r in conn.execute(select(regions))}
    known = set(stored) | {r["code"] for r in rows}
    unknown = [
        f"{r['code']} 的上级 {r['parent_code']}"
        for r in rows
        if r["parent_code"] and r["parent_code"] not in known
    ]
    if unknown:
        raise RegionImportError("找不到上级地区：" + "；".join(unknown[:20]))
    new = [r for r in rows if r["code"] not in stored]
    changed = [r for r in rows if r["code"] in stored and any(stored[r["code"]][k] != r[k] for k in FIELDS)]
    if new:
        conn.execute(insert(regions), [{**r, "parent_code": None} for r in new])
    for row in [*changed, *(r for r in new if r["parent_code"])]:
        conn.execute(update(regions).where(regions.c.code == row["code"]).values(row))
    return len(new), len(changed)


def _write_level_labels(
    conn: Connection, words: dict[str, tuple[str, str]], explicit: dict[str, str]
) -> dict[str, str]:
    """Store the words pages show for each level: the mapping's, else the
    file's word for a level it lists whole (every region of the level in
    the store) and writes the same way throughout. A level the file lists
    whole in mixed words goes back to the default. The words stored."""
    stored = level_words(conn)
    in_store: dict[str, set[str]] = {}
    for code, level in conn.execute(select(regions.c.code, regions.c.level)):
        in_store.setdefault(level, set()).add(code)
    for level, codes in in_store.items():
        listed = {code: word for code, (lvl, word) in words.items() if lvl == level}
        if level in explicit or set(listed) != codes:
            continue
        spelled = set(listed.values())
        word = spelled.pop() if len(spelled) == 1 else None
        if word and LEVEL_WORD.fullmatch(word):
            stored[level] = word
        else:
            stored.pop(level, None)
    stored |= explicit
    named = {level: stored[level] for level in LEVELS if level in stored}
    set_level_words(conn, named)
    return named


def _write_boundaries(conn: Connection, path: Path, code_property: str) -> tuple[int, list[str]]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    features = (
        collection.get("features", []) if collection.get("type") == "FeatureCollection" else [collection]
    )
    codes = set(conn.execute(select(regions.c.code)).scalars())
    written, unknown = 0, []
    names = [name.strip() for name in code_property.split(",") if name.strip()]
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        value = next((properties[n] for n in names if properties.get(n) not in (None, "")), None)
        code = "" if value is None else str(value).strip()
        if code not in codes:
            unknown.append(code or f"#{number}")
            continue
        geometry = shape(feature["geometry"])
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
            raise RegionImportError(f"{path.name} 第 {number} 个要素（{code}）不是面：{geometry.geom_type}")
        _set_outline(conn, code, geometry)
        written += 1
    return written, unknown


def _set_outline(conn: Connection, code: str, geometry) -> None:
    point = geometry.representative_point()
    conn.execute(
        update(regions)
        .where(regions.c.code == code)
        .values(
            boundary=json.dumps(geometry_mapping(geometry), ensure_ascii=False),
            centroid_lon=round(point.x, 6),
            centroid_lat=round(point.y, 6),
        )
    )


def _outlines_from_children(conn: Connection) -> list[str]:
    """Give each region without an outline, all of whose children have one,
    the union of theirs (the city's outline is its districts' together),
    from the lowest level up. The codes filled."""
    rows = conn.execute(select(regions.c.code, regions.c.parent_code, regions.c.boundary)).all()
    outline = {r.code: shape(json.loads(r.boundary)) for r in rows if r.boundary}
    children: dict[str, list[str]] = {}
    for r in rows:
        if r.parent_code:
            children.setdefault(r.parent_code, []).append(r.code)
    filled = []
    changed = True
    while changed:
        changed = False
        for code, kids in children.items():
            if code in outline or not all(k in outline for k in kids):
                continue
            union = unary_union([outline[k] for k in kids])
            if union.geom_type not in ("Polygon", "MultiPolygon") or union.is_empty:
                continue
            outline[code] = union
            _set_outline(conn, code, union)
            filled.append(code)
            changed = True
    return filled


def import_regions(
    engine: Engine,
    *,
    regions_path: str | Path | None = None,
    mapping_path: str | Path | None = None,
    boundaries_path: str | Path | None = None,
    code_property: str = "code",
    dry_run: bool = False,
    on_commit: Callable[[Connection, object], None] | None = None,
) -> str:
    """Import regions and/or boundaries in one transaction; the report."""
    lines = []
    with engine.connect() as conn, conn.begin() as transaction:
        if regions_path:
            mapping = _regions_mapping(mapping_path)
            rows = _read_regions(Path(regions_path), mapping)
            words = {r["code"]: (r["level"], r.pop("word")) for r in rows}
            inserted, updated = _write_regions(conn, rows)
            lines.append(f"地区：读取 {len(rows)} 个，新增 {inserted}，更新 {updated}")
            named = _write_level_labels(conn, words, mapping["level_labels"])
            if named:
                lines.append("层级名称：" + "，".join(f"{LEVEL_NAMES[k]}称“{v}”" for k, v in named.items()))
        if boundaries_path:
            written, unknown = _write_boundaries(conn, Path(boundaries_path), code_property)
            lines.append(
                f"边界：写入 {written} 个地区" + (f"，跳过未知编码 {len(unknown)} 个" if unknown else "")
            )
            if unknown:
                lines.append("  未知编码：" + ", ".join(unknown[:20]) + (" ……" if len(unknown) > 20 else ""))
            filled = _outlines_from_children(conn)
            if filled:
                named = ", ".join(filled[:5]) + (" ……" if len(filled) > 5 else "")
                lines.append(f"边界：由下级合成 {len(filled)} 个地区（{named}）")
        try:
            lines.append(f"地区层级：{rebuild_region_tree(conn)} 条")
        except RegionError as error:
            raise RegionImportError(str(error)) from None
        report = "\n".join(lines)
        if dry_run:
            transaction.rollback()
            return report + "\n试运行，未写入"
        if on_commit is not None:
            on_commit(conn, report)
    return report
