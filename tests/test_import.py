"""Importers (cockpit.importer): a messy export in, exact counts and
reasons out; all-or-nothing, --keep-good, idempotent re-imports, streaming."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from cockpit.importer import MappingError, import_file, load_mapping, parse_mapping
from cockpit.importer.__main__ import run
from cockpit.importer.regions import RegionImportError, import_regions
from cockpit.store.access import audit_log
from cockpit.store.records import payments
from cockpit.store.schema import petition_events, petitions, region_tree, regions, warnings
from tests import fixture_city
from tests.fixture_city import JIA, V1, V2, V3, V4

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)

MAPPING = textwrap.dedent(
    """\
    target: petitions
    date_formats: ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y年%m月%d日"]
    region: {code: 村编码}
    columns:
      external_id: 编号
      received_at: 受理时间
      category: 类别
      status: 状态
      closed_at: 办结时间
      real_name: 实名
      summary: 内容
      handling_unit: {value: 村委会}
    values:
      status: {已办结: closed, 办理中: assigned, 已受理: received}
      category: {修路: 道路}
    allowed:
      category: [道路, 环境, 低保]
    """
)
HEADER = ["编号", "受理时间", "类别", "村编码", "状态", "办结时间", "实名", "内容"]
# (first line, cells): the multi-line summary of A10 takes lines 13-14, line 17 is blank.
MESSY = [
    (2, ["A1", "2026-11-02 09:00:00", "道路", V1, "已办结", "2026-11-03 09:00:00", "是", "路面破损"]),
    (3, ["A2", "2026/11/03 10:00", "修路", V2, "办理中", "", "否", ""]),
    (4, ["A3", "2026年11月04日", "环境", V3, "已受理", "", "", ""]),
    (5, ["A4", "2026-13-45 09:00:00", "道路", V1, "已受理", "", "", ""]),
    (6, ["", "2026-11-05 09:00:00", "道路", V1, "已受理", "", "", ""]),
    (7, ["A1", "2026-11-05 09:00:00", "道路", V1, "已受理", "", "", ""]),
    (8, ["A5", "2026-11-05 09:00:00", "道路", "990199999999", "已受理", "", "", ""]),
    (9, ["A6", "2026-11-05 09:00:00", "占卜", V1, "已受理", "", "", ""]),
    (10, ["A7", "2026-11-06 09:00:00", "道路", V4, "已办结", "2026-11-05 09:00:00", "", ""]),
    (11, ["A8", "2026-11-06 09:00:00", "道路", V4, "作废", "", "", ""]),
    (12, ["A9", "2026-11-06 09:00:00", "道路", JIA, "已受理", "", "", ""]),
    (13, ["A10", "2026-11-07 09:00:00", "低保", V4, "已受理", "", "否", "第一行\n第二行"]),
    (15, ["A11", "11/07/2026", "道路", "X", "已受理", "", "", ""]),
    (16, ["A12", "2026-11-08 09:00:00", "环境", V1, "已办结", "2026/11/09 10:30", "", ""]),
    (18, ["A13", "2026-11-09 09:00:00", "道路", V2, "", "", "", ""]),
]
EXPECTED_REJECTS = [
    (5, "受理时间", "bad_date"),
    (6, "编号", "blank_required"),
    (7, "编号", "duplicate_id"),
    (8, "村编码", "unknown_region"),
    (9, "类别", "unknown_category"),
    (10, "办结时间", "closed_before_received"),
    (11, "状态", "unknown_status"),
    (12, "村编码", "not_a_village"),
    (15, "受理时间", "bad_date"),
    (15, "村编码", "unknown_region"),
]
GOOD = ["A1", "A2", "A3", "A10", "A12", "A13"]


def _write_csv(path: Path, rows=MESSY, encoding="utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for line, cells in rows:
            if line == 18:
                handle.write("\r\n")  # a blank line is skipped, but still counts as a line
            writer.writerow(cells)
    return path


def _mapping(tmp_path: Path, text: str = MAPPING):
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return load_mapping(path)


@pytest.fixture
def store(engine):
    with engine.begin() as conn:
        fixture_city.load(conn)
    return engine


def _imported(engine, prefix: str = "A") -> dict[str, dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(petitions).where(petitions.c.external_id.like(f"{prefix}%"))).all()
    return {row.external_id: row._asdict() for row in rows}


def test_a_messy_file_is_refused_whole_with_every_bad_row_reported(store, tmp_path):
    summary = import_file(store, _write_csv(tmp_path / "messy.csv"), _mapping(tmp_path), now=NOW)

    assert (summary.read, summary.rejected, summary.good) == (15, 9, 6)
    assert (summary.inserted, summary.updated, summary.unchanged, summary.committed) == (0, 0, 0, False)
    assert [(r.line, r.column, r.reason) for r in summary.rejects] == EXPECTED_REJECTS
    assert {r.file for r in summary.rejects} == {"messy.csv"}
    assert summary.rejects[0].detail == "2026-13-45 09:00:00"
    assert dict(summary.by_reason) == {
        "bad_date": 2,
        "blank_required": 1,
        "duplicate_id": 1,
        "unknown_region": 2,
        "unknown_category": 1,
        "closed_before_received": 1,
        "unknown_status": 1,
        "not_a_village": 1,
    }
    assert _imported(store) == {}
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(petitions)).scalar() == 12


def test_keep_good_loads_the_good_rows_and_writes_the_rejects(store, tmp_path):
    rejects = tmp_path / "rejects.csv"
    summary = import_file(
        store,
        _write_csv(tmp_path / "messy.csv"),
        _mapping(tmp_path),
        keep_good=True,
        rejects_path=rejects,
        now=NOW,
    )

    assert (summary.inserted, summary.updated, summary.unchanged, summary.rejected) == (6, 0, 0, 9)
    assert summary.committed
    stored = _imported(store)
    assert sorted(stored) == sorted(GOOD)
    assert stored["A1"]["status"] == "closed"
    assert stored["A1"]["closed_at"] == datetime(2026, 11, 3, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    assert stored["A1"]["real_name"] is True
    assert stored["A2"]["category"] == "道路"  # 修路, through the value map
    assert stored["A2"]["status"] == "assigned"
    assert stored["A3"]["received_at"] == datetime(2026, 11, 3, 16, 0, tzinfo=UTC)
    assert stored["A10"]["summary"] == "第一行\n第二行"
    assert stored["A13"]["status"] == "received"  # blank status, no closed_at
    assert stored["A12"]["due_at"] == datetime(2026, 11, 13, 1, 0, tzinfo=UTC)  # general: 5 days
    assert {row["updated_at"] for row in stored.values()} == {NOW}

    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == [*HEADER, "行号", "列", "原因", "说明"]
    assert [(int(r[-4]), r[-3], r[-2]) for r in lines[1:]] == EXPECTED_REJECTS
    assert lines[1][:8] == MESSY[3][1]
    assert lines[1][-1] == "日期无法识别：2026-13-45 09:00:00"


def test_an_imported_petition_agrees_with_its_event_trail(store, tmp_path):
    import_file(store, _write_csv(tmp_path / "messy.csv"), _mapping(tmp_path), keep_good=True, now=NOW)
    with store.connect() as conn:
        trail = conn.execute(
            select(petition_events.c.kind, petition_events.c.at)
            .join(petitions)
            .where(petitions.c.external_id == "A1")
            .order_by(petition_events.c.id)
        ).all()
    received, closed = datetime(2026, 11, 2, 1, tzinfo=UTC), datetime(2026, 11, 3, 1, tzinfo=UTC)
    assert trail == [("received", received), ("resolved", closed), ("closed", closed)]


def test_a_second_import_of_the_same_file_changes_nothing(store, tmp_path):
    source, mapping = _write_csv(tmp_path / "messy.csv"), _mapping(tmp_path)
    import_file(store, source, mapping, keep_good=True, now=NOW)
    with store.connect() as conn:
        events_before = conn.execute(select(func.count()).select_from(petition_events)).scalar()

    again = import_file(store, source, mapping, keep_good=True, now=LATER)

    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 6, 9)
    assert {row["updated_at"] for row in _imported(store).values()} == {NOW}
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(petition_events)).scalar() == events_before


def test_an_edited_row_is_updated_and_only_that_one(store, tmp_path):
    mapping = _mapping(tmp_path)
    import_file(store, _write_csv(tmp_path / "messy.csv"), mapping, keep_good=True, now=NOW)
    edited = [
        (line, ["A2", *cells[1:4], "已办结", "2026-11-05 18:00:00", *cells[6:]])
        if cells[0] == "A2"
        else (line, cells)
        for line, cells in MESSY
    ]

    summary = import_file(
        store, _write_csv(tmp_path / "edited.csv", edited), mapping, keep_good=True, now=LATER
    )

    assert (summary.inserted, summary.updated, summary.unchanged) == (0, 1, 5)
    stored = _imported(store)
    assert stored["A2"]["status"] == "closed"
    assert stored["A2"]["closed_at"] == datetime(2026, 11, 5, 10, 0, tzinfo=UTC)
    assert stored["A2"]["updated_at"] == LATER
    assert stored["A1"]["updated_at"] == NOW
    with store.connect() as conn:
        kinds = conn.execute(
            select(petition_events.c.kind)
            .where(petition_events.c.petition_id == stored["A2"]["id"])
            .order_by(petition_events.c.id)
        ).scalars()
        assert list(kinds) == ["received", "resolved", "closed"]


def test_a_dry_run_counts_but_writes_nothing(sqlite_engine, tmp_path):
    with sqlite_engine.begin() as conn:
        fixture_city.load(conn)
    good = [(line, cells) for line, cells in MESSY if cells[0] in GOOD and line != 7]
    summary = import_file(
        sqlite_engine, _write_csv(tmp_path / "good.csv", good), _mapping(tmp_path), dry_run=True
    )

    assert (summary.inserted, summary.rejected, summary.committed) == (6, 0, False)
    assert _imported(sqlite_engine) == {}


def test_an_xlsx_export_imports_like_the_csv(sqlite_engine, tmp_path):
    with sqlite_engine.begin() as conn:
        fixture_city.load(conn)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for _line, cells in MESSY:
        sheet.append(cells)
    sheet["B2"] = datetime(2026, 11, 2, 9, 0)  # a real Excel date cell
    book.save(tmp_path / "messy.xlsx")

    summary = import_file(sqlite_engine, tmp_path / "messy.xlsx", _mapping(tmp_path), keep_good=True, now=NOW)

    assert (summary.read, summary.inserted, summary.rejected) == (15, 6, 9)
    # one spreadsheet row per record: the lines after the multi-line cell move up
    assert [(r.line, r.reason) for r in summary.rejects][-2:] == [(14, "bad_date"), (14, "unknown_region")]
    assert _imported(sqlite_engine)["A1"]["received_at"] == datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def test_a_gb18030_csv_is_recognised(sqlite_engine, tmp_path):
    with sqlite_engine.begin() as conn:
        fixture_city.load(conn)
    good = [(line, cells) for line, cells in MESSY if cells[0] in GOOD and line != 7]
    summary = import_file(
        sqlite_engine, _write_csv(tmp_path / "gbk.csv", good, "gb18030"), _mapping(tmp_path), keep_good=True
    )

    assert (summary.inserted, summary.rejected) == (6, 0)
    assert _imported(sqlite_engine)["A10"]["summary"] == "第一行\n第二行"


PAYMENTS = textwrap.dedent(
    """\
    target: payments
    region: {path: [镇, 村]}
    columns:
      external_id: 单号
      applicant: 申请人
      payee: 收款人
      amount: 金额
      purpose: {column: 用途, default: 其他}
      applied_at: 申请时间
      land_linked: {column: 涉地, default: 否}
    """
)


def test_business_records_check_amounts_and_find_villages_by_name(store, tmp_path):
    source = tmp_path / "payments.csv"
    source.write_text(
        "单号,镇,村,申请人,收款人,金额,用途,申请时间,涉地\n"
        'F1,甲镇,一村,王会计,某建材店,"12,345.60",修路材料,2026-11-02 09:00:00,是\n'
        "F2,甲镇,二村,王会计,某工程队,一万元,,2026-11-03 09:00:00,\n"
        "F3,乙镇,一村,王会计,某工程队,100,,2026-11-03 09:00:00,\n"
        "F4,,三村,王会计,李四,88,,,\n"
        "F5,,四村,王会计,张三,99.5,,2026-11-04 09:00:00,\n",
        encoding="utf-8",
    )
    mapping = _mapping(tmp_path, PAYMENTS)

    summary = import_file(store, source, mapping, keep_good=True, now=NOW)

    assert [(r.line, r.column, r.reason) for r in summary.rejects] == [
        (3, "金额", "bad_number"),
        (4, "镇/村", "unknown_region"),
        (5, "申请时间", "blank_required"),
    ]
    assert (summary.inserted, summary.rejected) == (2, 3)
    with store.connect() as conn:
        rows = {r.external_id: r for r in conn.execute(select(payments))}
    assert rows["F1"].amount == Decimal("12345.60")
    assert rows["F1"].village_code == V1
    assert rows["F1"].land_linked is True
    assert rows["F5"].purpose == "其他"
    assert rows["F5"].village_code == V4

    again = import_file(store, source, mapping, keep_good=True, now=LATER)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)


WARNINGS = textwrap.dedent(
    """\
    target: warnings
    region: {code: 村}
    columns:
      external_id: 编号
      rule_code: {value: EXT-01}
      category: 类别
      title: 标题
      raised_at: 预警时间
      due_at: 期限
      owner_kind: {value: village}
      owner_name: 责任单位
      severity: 等级
      disposed_at: 处置时间
      disposition: 结论
      amount: 金额
    """
)


def test_warnings_are_built_along_their_lifecycle(sqlite_engine, tmp_path):
    with sqlite_engine.begin() as conn:
        fixture_city.load(conn)
    source = tmp_path / "warnings.csv"
    source.write_text(
        f"编号,类别,标题,村,预警时间,期限,责任单位,等级,处置时间,结论,金额\n"
        f"X1,三资支出,大额支出未公示,{V1},2026-11-02 09:00:00,2026-11-09 09:00:00,一村村委会,高,"
        f"2026-11-04 09:00:00,属实,5000\n"
        f"X2,三资支出,拆分支付,{V2},2026-11-05 09:00:00,2026-11-12 09:00:00,二村村委会,中,"
        f"2026-11-04 09:00:00,,\n"
        f"X3,三资支出,拆分支付,{V2},2026-11-05 09:00:00,2026-11-12 09:00:00,二村村委会,紧急,,,abc\n",
        encoding="utf-8",
    )
    summary = import_file(sqlite_engine, source, _mapping(tmp_path, WARNINGS), keep_good=True)

    assert [(r.line, r.column, r.reason) for r in summary.rejects] == [
        (3, "处置时间", "disposed_before_raised"),
        (4, "等级", "unknown_value"),
        (4, "金额", "bad_number"),
    ]
    with sqlite_engine.connect() as conn:
        row = conn.execute(select(warnings).where(warnings.c.external_id == "X1")).one()
    assert (row.status, row.severity, row.disposition, row.amount) == ("disposed", "high", "confirmed", 5000)


def test_a_mapping_mistake_is_refused_before_any_row(sqlite_engine, tmp_path):
    with pytest.raises(MappingError, match="no column"):
        parse_mapping({"target": "petitions", "columns": {"colour": "颜色"}, "region": {"code": "村"}})
    with pytest.raises(MappingError, match="target must be one of"):
        parse_mapping({"target": "people"})
    with pytest.raises(MappingError, match="required column"):
        parse_mapping({"target": "petitions", "columns": {"external_id": "编号"}, "region": {"code": "村"}})
    source = _write_csv(tmp_path / "messy.csv")
    mapping = _mapping(tmp_path, MAPPING.replace("村编码", "村代码"))
    with pytest.raises(MappingError, match="村代码"):
        import_file(sqlite_engine, source, mapping)


def test_the_command_refuses_a_bad_file_and_loads_a_good_one(store, tmp_path, capsys):
    source, mapping = _write_csv(tmp_path / "messy.csv"), tmp_path / "map.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")

    assert run(store, [str(source), "--mapping", str(mapping)]) == 1
    out = capsys.readouterr().out
    assert "messy.csv 第 7 行 [编号] duplicate_id: 文件内编号重复（A1）" in out
    assert "拒绝 9" in out

    rejects = tmp_path / "rejects.csv"
    assert run(store, [str(source), "--mapping", str(mapping), "--keep-good", "--rejects", str(rejects)]) == 0
    assert rejects.exists()
    with store.connect() as conn:
        entries = conn.execute(select(audit_log.c.actor, audit_log.c.action, audit_log.c.target)).all()
    assert entries == [("cli", "import", str(source))]


def test_regions_and_boundaries_of_any_depth_are_imported(sqlite_engine, tmp_path):
    source = tmp_path / "regions.csv"
    source.write_text(
        "区划代码,名称,层级,上级代码\n"
        "330281101201,石桥村,村,330281101000\n"  # before its parent: order does not matter
        "330281000000,余姚市,县级市,\n"
        "330281101000,云溪镇,镇,330281000000\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "regions.yaml"
    mapping.write_text(
        "target: regions\ncolumns: {code: 区划代码, name: 名称, level: 层级, parent_code: 上级代码}\n",
        encoding="utf-8",
    )
    square = [[[121.0, 30.0], [121.2, 30.0], [121.2, 30.2], [121.0, 30.2], [121.0, 30.0]]]
    boundaries = tmp_path / "areas.geojson"
    boundaries.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"adcode": 330281101201},
                        "geometry": {"type": "Polygon", "coordinates": square},
                    },
                    {
                        "type": "Feature",
                        "properties": {"adcode": "999"},
                        "geometry": {"type": "Polygon", "coordinates": square},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )

    report = import_regions(
        sqlite_engine,
        regions_path=source,
        mapping_path=mapping,
        boundaries_path=boundaries,
        code_property="adcode",
    )

    assert "新增 3" in report and "跳过未知编码 1 个" in report
    with sqlite_engine.connect() as conn:
        village = conn.execute(select(regions).where(regions.c.code == "330281101201")).one()
        assert conn.execute(select(func.count()).select_from(region_tree)).scalar() == 6
    assert (village.level, village.parent_code) == ("village", "330281101000")
    assert json.loads(village.boundary)["type"] == "Polygon"
    assert 121.0 < village.centroid_lon < 121.2 and 30.0 < village.centroid_lat < 30.2

    source.write_text("区划代码,名称,层级,上级代码\n1,甲,镇,404\n", encoding="utf-8")
    with pytest.raises(RegionImportError, match="404"):
        import_regions(sqlite_engine, regions_path=source, mapping_path=mapping)


def test_the_example_hotline_export_loads_into_the_sample_city(sample_city, tmp_path):
    import shutil

    from cockpit.store import make_engine

    # A copy of the test run's sample city (the generator's, as make run builds it).
    shutil.copy(sample_city["engine"].url.database, tmp_path / "sample.sqlite3")
    engine = make_engine(f"sqlite:///{tmp_path / 'sample.sqlite3'}")
    mapping = load_mapping(ROOT / "examples" / "import" / "hotline-12345.yaml")
    try:
        summary = import_file(engine, ROOT / "examples" / "import" / "hotline-12345-sample.csv", mapping)
    finally:
        engine.dispose()
    assert (summary.read, summary.inserted, summary.rejected, summary.committed) == (20, 20, 0, True)


STREAM = """
import csv, resource, sys, time
from cockpit.importer import import_file, parse_mapping
from cockpit.store import create_store, make_engine
from tests import fixture_city

path, url, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(path, "w", encoding="utf-8", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["编号", "受理时间", "类别", "村编码", "办结时间"])
    for n in range(rows):
        closed = "2026-11-03 09:00:00" if n % 2 else ""
        writer.writerow([f"S{n:07d}", "2026-11-02 09:00:00", "道路", fixture_city.V1, closed])
engine = make_engine(url)
create_store(engine)
with engine.begin() as conn:
    fixture_city.load(conn)
mapping = parse_mapping({
    "target": "petitions", "region": {"code": "村编码"},
    "columns": {
        "external_id": "编号", "received_at": "受理时间", "category": "类别", "closed_at": "办结时间",
    },
})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.monotonic()
lines = []
summary = import_file(engine, path, mapping, progress=lines.append, progress_every=50_000)
growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(summary.inserted, summary.rejected, len(lines), round(growth), round(time.monotonic() - start, 1))
"""


def test_a_200000_row_file_streams_in_bounded_memory(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            STREAM,
            str(tmp_path / "big.csv"),
            f"sqlite:///{tmp_path / 's.sqlite3'}",
            "200000",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    inserted, rejected, progress_lines, growth_mb, _seconds = result.stdout.split()
    assert (int(inserted), int(rejected), int(progress_lines)) == (200_000, 0, 5)
    assert int(growth_mb) < 100
