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
from sqlalchemy import func, insert, select

from cockpit.importer import MappingError, import_file, load_mapping, parse_mapping
from cockpit.importer.__main__ import run
from cockpit.importer.regions import RegionImportError, import_regions
from cockpit.store.access import audit_log
from cockpit.store.records import cadre_relatives, cadres, payment_approvals, payments, project_bids, projects
from cockpit.store.schema import petition_events, petitions, region_tree, regions, warnings
from tests import fixture_city
from tests.fixture_city import JIA, V1, V2, V3, V4, local

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
    # Line 10: closed a day before it was received; both times are shown.
    assert summary.rejects[5].detail == "办结 2026-11-05 09:00，受理 2026-11-06 09:00"
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


def test_the_example_hotline_export_and_its_trails_load_into_the_sample_city(sample_city, tmp_path):
    import shutil

    from cockpit.store import make_engine

    # A copy of the test run's sample city (the generator's, as make run builds it).
    shutil.copy(sample_city["engine"].url.database, tmp_path / "sample.sqlite3")
    engine = make_engine(f"sqlite:///{tmp_path / 'sample.sqlite3'}")
    examples = ROOT / "examples" / "import"
    orders = (examples / "hotline-12345-sample.csv", load_mapping(examples / "hotline-12345.yaml"))
    trails = (
        examples / "hotline-12345-events-sample.csv",
        load_mapping(examples / "hotline-12345-events.yaml"),
    )
    try:
        first = import_file(engine, *orders, now=NOW)
        events = import_file(engine, *trails, now=NOW)
        again = [import_file(engine, *orders, now=LATER), import_file(engine, *trails, now=LATER)]
        with engine.connect() as conn:
            stored = {
                row.external_id: row
                for row in conn.execute(select(petitions).where(petitions.c.external_id.like("12345-%")))
            }
            escalated = conn.execute(
                select(petition_events.c.kind, petition_events.c.level, petition_events.c.unit)
                .where(petition_events.c.petition_id == stored["12345-2026110008"].id)
                .order_by(petition_events.c.id)
            ).all()
    finally:
        engine.dispose()
    assert (first.read, first.inserted, first.rejected, first.committed) == (20, 20, 0, True)
    assert (events.read, events.inserted, events.updated, events.rejected) == (24, 15, 9, 0)
    assert [(s.inserted, s.updated, s.unchanged) for s in again] == [(0, 0, 20), (0, 0, 24)]
    assert escalated == [
        ("received", "village", "岚岭村村委会"),
        ("escalated", "town", "坞店镇人民政府"),
        ("escalated", "county", "市农业农村局"),
    ]
    order = stored["12345-2026110008"]
    assert (order.status, order.handling_level, order.handling_unit) == ("assigned", "county", "市农业农村局")
    assert {stored[n].updated_at for n in ("12345-2026110001", "12345-2026110008")} == {NOW}
    assert stored["12345-2026110002"].updated_at == NOW  # not in the trails file: as the orders left it


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


EVENTS = textwrap.dedent(
    """\
    target: petition_events
    parent: {column: 工单编号}
    date_formats: ["%Y-%m-%d %H:%M"]
    columns:
      kind: 环节
      at: 时间
      level: 层级
      unit: 承办单位
      note: 备注
      satisfaction: 满意度
    values:
      kind: {派单: assigned, 回访: feedback}
    """
)
EVENTS_HEADER = ["工单编号", "时间", "环节", "层级", "承办单位", "备注", "满意度"]
# Trails of the fixture city's petitions (tests/fixture_city.py), by line.
MESSY_EVENTS = [
    (2, ["P4", "2026-11-05 09:00", "受理", "村级", "村委会", "", ""]),
    (3, ["P4", "2026-11-05 10:00", "派单", "", "", "", ""]),
    (4, ["P4", "2026-11-06 09:00", "上报上级", "镇级", "甲镇人民政府", "村级无法解决", ""]),
    (5, ["P4", "2026-11-08 09:00", "escalated", "county", "东区住建局", "", ""]),
    (6, ["P5", "2026-11-19 09:00", "办理完成", "", "", "", ""]),  # before its 交办 in the file
    (7, ["P5", "2026-11-18 10:00", "交办", "", "", "", ""]),
    (8, ["P5", "2026-11-19 12:00", "办结", "", "", "", ""]),
    (9, ["P5", "2026-11-20 09:00", "回访", "", "", "", "基本满意"]),
    (10, ["P9", "2026-11-20 09:00", "办结", "", "", "", ""]),
    (11, ["P9", "2026-11-20 10:00", "回访", "", "", "", "满意"]),
    (12, ["P12", "2026-08-31 09:00", "交办", "", "", "", ""]),
    (13, ["PX", "2026-11-05 09:00", "交办", "", "", "", ""]),
    (14, ["P1", "2026-11-02 09:00", "受理", "", "", "", ""]),
    (15, ["P1", "2026-11-02 25:00", "交办", "", "", "", ""]),
    (16, ["P1", "2026-11-03 09:00", "吃饭", "", "", "", ""]),
    (17, ["P2", "2026-11-03 10:00", "受理", "", "", "", ""]),
    (18, ["P3", "2026-11-04 08:00", "受理", "", "", "", ""]),  # P3's trail as it is
    (19, ["P3", "2026-11-10 08:00", "办理完成", "", "", "", ""]),
    (20, ["P3", "2026-11-10 08:00", "办结", "", "", "", ""]),
    (21, ["P2", "2026-11-04 09:00", "交办", "", "", "", ""]),  # P2 again, after P3
    (22, ["", "2026-11-05 09:00", "交办", "", "", "", ""]),
    (23, ["P6", "2026-11-10 15:00", "交办", "省级", "", "", ""]),
]
EXPECTED_EVENT_REJECTS = [
    (10, "环节", "bad_transition"),
    (11, "工单编号", "trail_rejected"),
    (12, "时间", "event_before_received"),
    (13, "工单编号", "unknown_parent"),
    (14, "工单编号", "trail_rejected"),
    (15, "时间", "bad_date"),
    (16, "环节", "unknown_event"),
    (17, "工单编号", "events_not_grouped"),
    (21, "工单编号", "events_not_grouped"),
    (22, "工单编号", "blank_required"),
    (23, "层级", "unknown_value"),
]


def _write_rows(path: Path, header: list[str], rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(cells for _line, cells in rows)
    return path


def _trail(engine, external_id: str) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(
            select(
                petition_events.c.kind, petition_events.c.at, petition_events.c.level, petition_events.c.unit
            )
            .join(petitions)
            .where(petitions.c.external_id == external_id)
            .order_by(petition_events.c.id)
        ).all()


def test_a_messy_events_file_is_refused_whole_with_every_bad_row_reported(store, tmp_path):
    source = _write_rows(tmp_path / "events.csv", EVENTS_HEADER, MESSY_EVENTS)
    before = _imported(store, "P")

    summary = import_file(store, source, _mapping(tmp_path, EVENTS), now=NOW)

    assert (summary.read, summary.rejected, summary.good, summary.committed) == (22, 11, 11, False)
    assert [(r.line, r.column, r.reason) for r in summary.rejects] == EXPECTED_EVENT_REJECTS
    details = {r.line: r.detail for r in summary.rejects}
    assert details[10] == "已受理之后不能办结"
    assert details[11] == "P9 见第 10 行"
    assert details[12] == "受理于 2026-09-01 09:00"
    assert details[13] == "PX"
    assert _imported(store, "P") == before


def test_keep_good_replaces_the_good_trails_and_derives_their_petitions(store, tmp_path):
    source = _write_rows(tmp_path / "events.csv", EVENTS_HEADER, MESSY_EVENTS)
    before = _imported(store, "P")

    summary = import_file(store, source, _mapping(tmp_path, EVENTS), keep_good=True, now=NOW)

    # P4: 2 events it had (updated), 2 new; P5: 4 new; P3: its trail as it was
    assert (summary.inserted, summary.updated, summary.unchanged, summary.rejected) == (6, 2, 3, 11)
    stored = _imported(store, "P")
    p4, p5 = stored["P4"], stored["P5"]
    assert (p4["status"], p4["handling_level"], p4["handling_unit"]) == ("assigned", "county", "东区住建局")
    assert (p4["closed_at"], p4["satisfaction"], p4["updated_at"]) == (None, None, NOW)
    assert _trail(store, "P4") == [
        ("received", local(11, 5, 9), "village", "村委会"),
        ("assigned", local(11, 5, 10), "village", "村委会"),
        ("escalated", local(11, 6, 9), "town", "甲镇人民政府"),
        ("escalated", local(11, 8, 9), "county", "东区住建局"),
    ]
    assert (p5["status"], p5["closed_at"], p5["satisfaction"]) == ("closed", local(11, 19, 12), 2)
    assert [kind for kind, *_ in _trail(store, "P5")] == [
        "received",
        "assigned",
        "resolved",
        "closed",
        "feedback",
    ]
    for untouched in ("P1", "P2", "P3", "P6", "P9", "P12"):
        assert stored[untouched] == before[untouched]


def test_a_second_import_of_the_same_events_changes_nothing(store, tmp_path):
    source, mapping = (
        _write_rows(tmp_path / "events.csv", EVENTS_HEADER, MESSY_EVENTS),
        _mapping(tmp_path, EVENTS),
    )
    import_file(store, source, mapping, keep_good=True, now=NOW)
    trails = {n: _trail(store, n) for n in ("P3", "P4", "P5")}

    again = import_file(store, source, mapping, keep_good=True, now=LATER)

    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 11, 11)
    assert {n: _trail(store, n) for n in trails} == trails
    assert {_imported(store, "P")[n]["updated_at"] for n in ("P4", "P5")} == {NOW}


def test_an_edited_trail_replaces_the_old_one_and_only_that_one(store, tmp_path):
    mapping = _mapping(tmp_path, EVENTS)
    good = [(line, cells) for line, cells in MESSY_EVENTS if cells[0] in ("P4", "P5")]
    import_file(store, _write_rows(tmp_path / "events.csv", EVENTS_HEADER, good), mapping, now=NOW)
    reopened = [*good, (10, ["P5", "2026-11-20 10:00", "重新办理", "镇级", "甲镇人民政府", "回访不满意", ""])]

    summary = import_file(
        store, _write_rows(tmp_path / "edited.csv", EVENTS_HEADER, reopened), mapping, now=LATER
    )

    assert (summary.inserted, summary.updated, summary.unchanged, summary.rejected) == (1, 4, 4, 0)
    p5 = _imported(store, "P")["P5"]
    assert (p5["status"], p5["closed_at"], p5["satisfaction"]) == ("assigned", None, 2)
    assert (p5["handling_level"], p5["handling_unit"], p5["updated_at"]) == ("town", "甲镇人民政府", LATER)
    assert _imported(store, "P")["P4"]["updated_at"] == NOW
    assert [kind for kind, *_ in _trail(store, "P5")][-2:] == ["feedback", "reopened"]


def _load_parents(engine) -> None:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(payments),
            [
                {"external_id": ext, "village_code": village, "applicant": "王会计", "payee": "某工程队",
                 "amount": Decimal("100.00"), "purpose": "修路", "land_linked": False, "applied_at": at,
                 "updated_at": at}
                for ext, village in (("F1", V1), ("F2", V4))
            ],
        )  # fmt: skip
        conn.execute(
            insert(projects),
            {"external_id": "G1", "village_code": V2, "name": "道路硬化", "kind": "works",
             "amount": Decimal("50000.00"), "announced_at": at, "no_stake_pledge": False, "updated_at": at},
        )  # fmt: skip
        conn.execute(
            insert(cadres),
            {"external_id": "C1", "village_code": V3, "name": "张书记", "id_number": "330100197001010011",
             "role": "书记", "updated_at": at},
        )  # fmt: skip


APPROVALS = textwrap.dedent(
    """\
    target: payment_approvals
    parent: 付款单号
    date_formats: ["%Y-%m-%d %H:%M"]
    columns: {role: 角色, approver: 审批人, approved_at: 审批时间}
    """
)
MESSY_APPROVALS = [
    (2, ["F1", "报账员", "王会计", "2026-11-02 10:00"]),
    (3, ["F1", "村党组织书记", "李书记", "2026-11-02 11:00"]),
    (4, ["F1", "secretary", "李书记", "2026-11-02 11:00"]),  # line 3 again, by its code
    (5, ["F9", "报账员", "王会计", "2026-11-02 10:00"]),
    (6, ["F2", "会计", "张三", "2026-11-03 09:00"]),
    (7, ["F2", "报账员", "", "2026-11-03 09:00"]),
    (8, ["", "报账员", "王会计", "2026-11-03 09:00"]),
    (9, ["F2", "supervisor", "赵主任", "2026-11-03"]),
    (10, ["F2", "member", "钱委员", "2026-11-04 09:00"]),
]


def test_a_messy_approvals_file_finds_each_payment_and_is_idempotent(store, tmp_path):
    _load_parents(store)
    source = _write_rows(
        tmp_path / "approvals.csv", ["付款单号", "角色", "审批人", "审批时间"], MESSY_APPROVALS
    )
    mapping = _mapping(tmp_path, APPROVALS)

    refused = import_file(store, source, mapping, now=NOW)
    summary = import_file(store, source, mapping, keep_good=True, now=NOW)

    assert (refused.read, refused.rejected, refused.committed) == (9, 6, False)
    expected = [
        (4, "角色/审批人/审批时间", "duplicate_row"),
        (5, "付款单号", "unknown_parent"),
        (6, "角色", "unknown_value"),
        (7, "审批人", "blank_required"),
        (8, "付款单号", "blank_required"),
        (9, "审批时间", "bad_date"),
    ]
    assert [(r.line, r.column, r.reason) for r in refused.rejects] == expected
    assert [(r.line, r.column, r.reason) for r in summary.rejects] == expected
    assert (summary.inserted, summary.updated, summary.unchanged, summary.rejected) == (3, 0, 0, 6)
    with store.connect() as conn:
        chain = conn.execute(
            select(payments.c.external_id, payment_approvals.c.role, payment_approvals.c.approved_at)
            .join(payments)
            .order_by(payment_approvals.c.id)
        ).all()
        touched = dict(conn.execute(select(payments.c.external_id, payments.c.updated_at)).all())
    assert chain == [
        ("F1", "bookkeeper", local(11, 2, 10)),
        ("F1", "secretary", local(11, 2, 11)),
        ("F2", "member", local(11, 4, 9)),
    ]
    assert touched == {"F1": NOW, "F2": NOW}  # the rule engine reads the payments again

    again = import_file(store, source, mapping, keep_good=True, now=LATER)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 6)
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(payment_approvals)).scalar() == 3
        assert set(conn.execute(select(payments.c.updated_at)).scalars()) == {NOW}


RELATIVES = textwrap.dedent(
    """\
    target: cadre_relatives
    parent: {column: 干部编号}
    columns: {name: 姓名, id_number: 身份证号, relation: 关系}
    """
)


def test_relatives_take_their_cadres_village_and_are_keyed_by_id_number(store, tmp_path):
    _load_parents(store)
    header = ["干部编号", "姓名", "身份证号", "关系"]
    rows = [
        (2, ["C1", "张小", "330100199501010021", "子女"]),
        (3, ["C1", "李芳", "330100197201010022", "配偶"]),
        (4, ["C9", "王五", "330100197201010033", "配偶"]),
        (5, ["C1", "张小", "330100199501010021", "子女"]),
    ]
    mapping = _mapping(tmp_path, RELATIVES)
    summary = import_file(
        store, _write_rows(tmp_path / "r.csv", header, rows), mapping, keep_good=True, now=NOW
    )

    assert [(r.line, r.column, r.reason) for r in summary.rejects] == [
        (4, "干部编号", "unknown_parent"),
        (5, "干部编号/身份证号", "duplicate_row"),
    ]
    with store.connect() as conn:
        stored = conn.execute(
            select(
                cadre_relatives.c.external_id, cadre_relatives.c.village_code, cadre_relatives.c.relation
            ).order_by(cadre_relatives.c.id)
        ).all()
    assert stored == [("C1/330100199501010021", V3, "子女"), ("C1/330100197201010022", V3, "配偶")]

    edited = [(2, ["C1", "张小", "330100199501010021", "兄弟姐妹"]), (3, rows[1][1])]
    again = import_file(store, _write_rows(tmp_path / "e.csv", header, edited), mapping, now=LATER)
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 1)


def test_a_changed_bid_is_updated_and_moves_its_project(store, tmp_path):
    _load_parents(store)
    mapping = _mapping(
        tmp_path,
        "target: project_bids\nparent: 项目编号\ndate_formats: ['%Y-%m-%d %H:%M']\n"
        "columns: {bidder: 投标人, amount: 报价, bid_at: 投标时间}\n",
    )
    header = ["项目编号", "投标人", "报价", "投标时间"]
    bids = [
        (2, ["G1", "甲建筑", "48,000", "2026-11-03 09:00"]),
        (3, ["G1", "乙建筑", "49000元", "2026-11-03 10:00"]),
    ]
    first = import_file(store, _write_rows(tmp_path / "b.csv", header, bids), mapping, now=NOW)
    bids[1] = (3, ["G1", "乙建筑", "47500", "2026-11-03 10:00"])

    again = import_file(store, _write_rows(tmp_path / "b2.csv", header, bids), mapping, now=LATER)

    assert (first.inserted, again.inserted, again.updated, again.unchanged) == (2, 0, 1, 1)
    with store.connect() as conn:
        amounts = conn.execute(select(project_bids.c.amount).order_by(project_bids.c.id)).scalars().all()
        assert conn.execute(select(projects.c.updated_at)).scalar() == LATER
    assert amounts == [Decimal("48000.00"), Decimal("47500.00")]


def test_a_parent_mapping_mistake_is_refused_before_any_row():
    columns = {"role": "角色", "approver": "人", "approved_at": "时间"}
    with pytest.raises(MappingError, match="parent: name the column"):
        parse_mapping({"target": "payment_approvals", "columns": columns})
    with pytest.raises(MappingError, match="take the village of their payments"):
        parse_mapping(
            {"target": "payment_approvals", "parent": "单号", "columns": columns, "region": {"code": "村"}}
        )
    with pytest.raises(MappingError, match="no parent record"):
        parse_mapping({"target": "petitions", "parent": "单号", "columns": {}, "region": {"code": "村"}})


def test_every_reason_is_in_the_reasons_table_of_the_docs():
    from cockpit.importer import REASONS

    text = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    assert [code for code, label in REASONS.items() if f"| `{code}` | {label}" not in text] == []
