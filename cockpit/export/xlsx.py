"""The pack's workbook: the data behind every chart and table, one sheet each.

Headers are Chinese; numbers are stored as numbers (shares as fractions with
a percent format, so 0.897 shows as 89.7% and sums and averages still work);
dates as dates. A 说明 sheet comes first with the region, the week, the data
time and the definitions. Every row goes through ``cells.append_row``, so a
region name, category or title that looks like a formula stays text.
"""

from __future__ import annotations

import io
import math
import re
from datetime import datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cockpit.export.cells import append_row
from cockpit.export.content import Column, Pack, Sheet
from cockpit.timewindow import TZ, format_local

NUMBER_FORMATS = {
    "int": "#,##0",
    "share": "0.0%",
    "hours": "0.0",
    "money": "#,##0.00",
    "date": "yyyy-mm-dd",
    "time": "yyyy-mm-dd hh:mm",
}
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
BOLD = Font(bold=True)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("", title)[:28] or "数据"
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:26]}_{n}", n + 1
    taken.add(name)
    return name


def cell_value(value, kind: str):
    """What a cell stores: numbers as numbers, times as local naive datetimes
    (Excel has no time zones; the 说明 sheet says they are Beijing time)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind == "int":
        return int(value)
    if kind in ("share", "hours", "money"):
        return float(value)
    if kind == "date":
        return pd.Timestamp(value).date()
    if kind == "time":
        ts = pd.Timestamp(value)
        if ts.tzinfo is not None:
            ts = ts.tz_convert(TZ)
        return ts.tz_localize(None).to_pydatetime()
    return str(value)


def _write_sheet(ws, sheet: Sheet) -> None:
    columns: tuple[Column, ...] = sheet.columns
    for cell in append_row(ws, [c.header for c in columns]):
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in sheet.frame.itertuples(index=False):
        values = row._asdict()
        append_row(ws, [cell_value(values[c.key], c.kind) for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.kind in NUMBER_FORMATS:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = NUMBER_FORMATS[column.kind]
        longest = max([len(column.header) * 2, *(len(str(v)) * 2 for v in sheet.frame[column.key].head(200))])
        ws.column_dimensions[letter].width = min(60, max(10, longest * 0.9))
    ws.freeze_panes = "A2"


def _write_about(ws, pack: Pack, generated_at: datetime) -> None:
    rows = [
        ("报告", pack.title),
        ("区域", f"{pack.region.name}（{pack.region.level_label}，区划代码 {pack.region.code}）"),
        ("统计周期", f"{pack.week.label}，{pack.week.dates}"),
        ("数据截至", f"{format_local(pack.as_of)}（北京时间）"),
        ("生成时间", f"{format_local(generated_at)}（北京时间）"),
        (
            "说明",
            "每张工作表是 PDF 中一张图或一张表背后的数据；时间均为北京时间；比率以小数存储、按百分比显示。",
        ),
        ("", ""),
        ("指标", "口径"),
        *pack.definitions,
    ]
    for row in rows:
        append_row(ws, row)
    for cell in ws["A"]:
        cell.font = BOLD
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 110
    for (cell,) in ws.iter_rows(min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def pack_workbook(pack: Pack, generated_at: datetime) -> bytes:
    """The workbook as XLSX bytes."""
    book = Workbook()
    about = book.active
    about.title = "说明"
    taken = {"说明"}
    _write_about(about, pack, generated_at)
    summary = book.create_sheet(sheet_name("本周指标", taken))
    kpis = pd.DataFrame(
        {
            "label": [k.label for k in pack.kpis],
            "unit": [k.unit for k in pack.kpis],
            "value": [k.value for k in pack.kpis],
            "previous": [k.previous for k in pack.kpis],
            "change": [k.change for k in pack.kpis],
            "note": [k.note for k in pack.kpis],
        }
    )
    _write_kpis(summary, kpis, [k.kind for k in pack.kpis])
    for chart in pack.charts:
        _write_sheet(book.create_sheet(sheet_name(chart.title, taken)), chart.data)
    for table in pack.tables:
        _write_sheet(book.create_sheet(sheet_name(table.title, taken)), table.data)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_kpis(ws, kpis: pd.DataFrame, kinds: list[str]) -> None:
    """KPIs have a kind per row, not per column: format cell by cell."""
    for cell in append_row(ws, ["指标", "单位", "本周", "上周", "较上周", "说明"]):
        cell.font, cell.fill = BOLD, HEADER_FILL
    for row, kind in zip(kpis.itertuples(index=False), kinds, strict=True):
        values = [
            cell_value(v, "hours" if kind == "hours" else kind) for v in (row.value, row.previous, row.change)
        ]
        if kind == "int" and values[2] is not None:
            values[2] = int(values[2])
        for cell in append_row(ws, [row.label, row.unit, *values, row.note])[2:5]:
            cell.number_format = NUMBER_FORMATS[kind]
    for letter, width in zip("ABCDEF", (22, 8, 12, 12, 12, 36), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
