"""Text that looks like a formula stays text in every spreadsheet the cockpit
writes (cockpit.export.cells): the weekly pack's workbook, built here from a
store whose region names, categories and warning titles are hostile, and
the importer's rejects file; numbers stay numbers."""

from __future__ import annotations

import csv
import io
import textwrap
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest
import yaml
from openpyxl import Workbook
from sqlalchemy import update

from cockpit.export import xlsx
from cockpit.export.cells import append_row, csv_text, csv_unescape, formula_like
from cockpit.export.content import collect
from cockpit.export.week import IsoWeek
from cockpit.importer import import_file, parse_mapping
from cockpit.importer.readers import open_rows
from cockpit.store.factories import (
    Step,
    WarningStep,
    build_petition,
    build_warning,
    write_petitions,
    write_warnings,
)
from cockpit.store.schema import regions
from tests import fixture_city as city
from tests.fixture_city import local

HOSTILE = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+2",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]
WEEK = IsoWeek(2026, 46)  # 9 to 15 November 2026


# --- the rule ------------------------------------------------------------------


def test_formula_like_text_gets_a_quote_in_csv_and_numbers_are_left_alone():
    for text in [*HOSTILE, "=1", "\x00x", "＝1＋1", "－1", "＠x", "+86 138 0000 0000", "-12.5"]:
        assert formula_like(text), text
        assert csv_text(text) == "'" + text
        assert csv_unescape(csv_text(text)) == text
    for value in ["青岚市", "", " =1", "'=1", "1-2", "a=b", -12.5, 3, None, datetime(2026, 11, 9)]:
        assert not formula_like(value)
        assert csv_text(value) == value
    assert csv_unescape("'青岚") == "'青岚"  # only a quote the escape put there is taken off


def test_xlsx_text_cells_are_never_formulas_and_keep_their_text():
    book = Workbook()
    ws = book.active
    cells = append_row(ws, [*HOSTILE, -12.5, 7, "预警\x0b标题", "普通"])
    assert [c.data_type for c in cells] == ["s"] * 6 + ["n", "n", "s", "s"]
    assert [c.quotePrefix for c in cells] == [True] * 6 + [False] * 4
    assert cells[0].value == HOSTILE[0]  # the text itself is unchanged
    assert cells[8].value == "预警\ufffd标题"  # a character XML cannot hold, replaced instead of failing


# --- the weekly pack's workbook ---------------------------------------------------


def _hostile_store(engine) -> None:
    """The fixture city's regions under hostile names, and petitions and
    warnings whose categories and titles are hostile: three received in
    week 45, one in week 46, every category of the list once."""
    with engine.begin() as conn:
        city.load_regions(conn)
        hostile_names = (city.CITY, city.EAST, city.QINGLAN, city.JIA, city.V1, city.V4)
        for code, name in zip(hostile_names, HOSTILE, strict=True):
            conn.execute(update(regions).where(regions.c.code == code).values(name=name))
        received = [local(11, 3, 9), local(11, 4, 9), local(11, 5, 9), local(11, 10, 9)]
        write_petitions(
            conn,
            [
                build_petition(
                    external_id=f"H{i}",
                    village_code=(city.V1, city.V4)[i % 2],
                    received_at=at,
                    category=HOSTILE[i],
                    unit="村委会",
                    steps=[Step("resolved", at.replace(hour=12)), Step("closed", at.replace(hour=12))],
                )
                for i, at in enumerate(received)
            ],
        )
        write_warnings(
            conn,
            [
                build_warning(
                    external_id=f"HW{i}",
                    rule_code="R-01",
                    category=text,
                    title=text,
                    village_code=(city.V1, city.V4)[i % 2],
                    raised_at=local(11, 10, 9),
                    due_at=local(11, 30, 9),
                    owner_kind="town_commission",
                    owner_name=text,
                    amount=-12.5,
                    steps=[WarningStep("accepted", local(11, 11, 9))] if i % 2 else [],
                )
                for i, text in enumerate(HOSTILE)
            ],
        )


def test_a_pack_of_hostile_names_has_no_formula_anywhere_in_its_workbook(engine):
    _hostile_store(engine)
    with engine.connect() as conn:
        pack = collect(conn, city.CITY, WEEK, city.NOW)
    data = xlsx.pack_workbook(pack, datetime(2026, 11, 20, 4, tzinfo=UTC))

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert len(sheets) == 2 + len(pack.charts) + len(pack.tables)
        for name in sheets:
            xml = archive.read(name)
            assert b"<f>" not in xml and b"<f " not in xml, name

    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if isinstance(c.value, str)}
    for hostile in HOSTILE[:4]:  # every sheet kind: the ranking, categories, red warnings
        assert hostile in texts, hostile
    about = {row[0].value: row[1] for row in book["说明"].iter_rows()}
    assert about["区域"].value.startswith(HOSTILE[0]) and about["区域"].quotePrefix
    assert all(c.quotePrefix for c in cells if formula_like(c.value))

    # Numbers stay numbers: received 1 this week against 3 last week is -2.
    kpis = {row[0].value: row for row in book["本周指标"].iter_rows(min_row=2)}
    this, last, change = kpis["受理诉求"][2:5]
    assert (this.value, last.value, change.value) == (1, 3, -2)
    assert {this.data_type, last.data_type, change.data_type} == {"n"}


# --- the importer's rejects file ------------------------------------------------

MAPPING = textwrap.dedent(
    """\
    target: petitions
    date_formats: ["%Y-%m-%d %H:%M"]
    region: {code: 村编码}
    columns: {external_id: 编号, received_at: 受理时间, category: 类别, summary: 内容}
    """
)


def test_the_rejects_file_quotes_formula_like_cells_and_reads_back_as_written(sqlite_engine, tmp_path):
    with sqlite_engine.begin() as conn:
        city.load(conn)
    source = tmp_path / "hostile.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["编号", "受理时间", "类别", "村编码", "内容", "=备注"])
        writer.writerow(["OK-1", "2026-11-02 09:00", "道路", city.V1, "-12.5", "x"])
        for i, text in enumerate(HOSTILE):
            writer.writerow([f"BAD-{i}", "2026-13-45 09:00", text, city.V1, text, "-12.5"])
    rejects = tmp_path / "rejects.csv"
    mapping = parse_mapping(yaml.safe_load(MAPPING))
    summary = import_file(sqlite_engine, source, mapping, keep_good=True, rejects_path=rejects)
    assert (summary.inserted, summary.rejected) == (1, len(HOSTILE))

    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["编号", "受理时间", "类别", "村编码", "内容", "'=备注", "行号", "列", "原因", "说明"]
    for row, text in zip(lines[1:], HOSTILE, strict=True):
        assert row[2] == row[4] == "'" + text and row[5] == "'-12.5"
        assert row[6].isdigit() and row[8] == "bad_date"
    assert all(not formula_like(cell) for row in lines for cell in row)

    # The importer reads the rejects file back as the cells it was made from.
    with open_rows(rejects) as (header, rows):
        assert header[5] == "=备注"
        assert [cells["类别"] for _line, cells in rows] == HOSTILE


@pytest.mark.parametrize("text", HOSTILE)
def test_an_imported_formula_like_text_is_stored_as_it_was(sqlite_engine, tmp_path, text):
    with sqlite_engine.begin() as conn:
        city.load(conn)
    source = tmp_path / "one.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["编号", "受理时间", "类别", "村编码", "内容"],
                ["T-1", "2026-11-02 09:00", "道路", city.V1, "'" + text],
            ]
        )
    mapping = parse_mapping(yaml.safe_load(MAPPING))
    assert import_file(sqlite_engine, source, mapping).inserted == 1
    with sqlite_engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT summary FROM petitions WHERE external_id = 'T-1'").scalar()
    assert stored == text.strip()
