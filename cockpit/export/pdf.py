"""The pack's PDF: an A4 landscape HTML page printed by Chromium.

Text stays text (selectable, searchable): the KPI summary and the tables are
HTML, the charts inline SVG (the maps too).
Long tables break across pages with their header row repeated; rows never
split. Every page's footer names the region, the week and the data time and
numbers the pages; the last section defines every figure.
"""

from __future__ import annotations

import base64
import math
from datetime import datetime
from html import escape

import pandas as pd

from cockpit.export.content import Chart, Column, Kpi, Pack, Table
from cockpit.figures.theme import FONT_FAMILY
from cockpit.timewindow import format_local

CSS = """
@page {
  size: A4 landscape;
  margin: 12mm 12mm 14mm;
  @bottom-left { content: "FOOTER"; font: 8pt FONT; color: #4b5563; }
  @bottom-right {
    content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font: 8pt FONT; color: #4b5563;
  }
}
* { box-sizing: border-box; }
body { font-family: FONT; color: #111827; font-size: 10.5pt; margin: 0; }
h1 { font-size: 22pt; margin: 0 0 2mm; }
h2 { font-size: 14pt; margin: 0 0 3mm; border-left: 2mm solid #1f6feb; padding-left: 3mm; }
.subtitle { font-size: 13pt; color: #374151; margin-bottom: 1mm; }
.meta { color: #4b5563; font-size: 9.5pt; margin-bottom: 5mm; }
section { break-before: page; }
section.first { break-before: auto; }
figure { margin: 0; }
figure svg, figure img { width: 100%; height: auto; display: block; }
.note { color: #4b5563; font-size: 9pt; margin-top: 2mm; }
.note.above { margin: 0 0 2mm; }
h2.spaced { margin-top: 7mm; }
ul.highlights { margin: 0; padding-left: 6mm; font-size: 11.5pt; line-height: 1.8; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th { background: #eef2f7; font-weight: bold; }
th, td { border: 0.3mm solid #cbd5e1; padding: 1.4mm 2mm; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.text { white-space: nowrap; }
td.up { color: #b91c1c; } td.down { color: #047857; }
table.kpis td.value { font-size: 13pt; font-weight: bold; }
dl { margin: 0; }
dt { font-weight: bold; margin-top: 3mm; }
dd { margin: 1mm 0 0 0; line-height: 1.55; }
.empty { color: #6b7280; padding: 6mm 0; }
"""


def fmt_value(value, kind: str) -> str:
    """A cell or KPI as printed: 1,234 · 89.7% · 22.8 · 2026-11-09 · 1,200.00."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "share":
        return f"{float(value) * 100:.1f}%"
    if kind == "hours":
        return f"{float(value):.1f}"
    if kind == "money":
        return f"{float(value):,.2f}"
    if kind == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if kind == "time":
        return format_local(pd.Timestamp(value).to_pydatetime())
    return str(value)


def fmt_change(kpi: Kpi) -> tuple[str, str]:
    """The change from last week and its CSS class (red when it got worse)."""
    change = kpi.change
    if change is None:
        return ("—" if kpi.previous is not None else "", "")
    if kpi.kind == "share":
        text = f"{change * 100:+.1f} 个百分点"
    elif kpi.kind == "hours":
        text = f"{change:+.1f} 小时"
    else:
        text = f"{int(change):+,} {kpi.unit}".rstrip()
    if change == 0:
        return text, ""
    # Higher is better only for the share and for disposed warnings.
    better_when_up = kpi.kind == "share" or kpi.label == "处置完毕预警"
    worse = (change < 0) if better_when_up else (change > 0)
    return text, "up" if worse else "down"


def _kpi_table(kpis: list[Kpi]) -> str:
    rows = []
    for k in kpis:
        change, tone = fmt_change(k)
        unit = f" {k.unit}" if k.unit else ""
        previous = "" if k.previous is None else fmt_value(k.previous, k.kind) + unit
        value = fmt_value(k.value, k.kind) + unit
        rows.append(
            f"<tr><td>{escape(k.label)}</td><td class='num value'>{escape(value)}</td>"
            f"<td class='num'>{escape(previous)}</td><td class='num {tone}'>{escape(change)}</td>"
            f"<td>{escape(k.note)}</td></tr>"
        )
    head = "".join(
        f"<th class='{kind}'>{name}</th>"
        for name, kind in (("指标", ""), ("本周", "num"), ("上周", "num"), ("较上周", "num"), ("说明", ""))
    )
    head = f"<tr>{head}</tr>"
    return f"<table class='kpis'><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _cell_class(column: Column) -> str:
    if column.kind in ("int", "share", "hours", "money"):
        return "num"
    return "" if column.kind == "long" else "text"


def _data_table(frame: pd.DataFrame, columns: tuple[Column, ...]) -> str:
    if frame.empty:
        return "<p class='empty'>暂无数据</p>"
    numeric = ("int", "share", "hours", "money")
    head = "".join(
        f"<th class='{'num' if c.kind in numeric else ''}'>{escape(c.header)}</th>" for c in columns
    )
    body = []
    for row in frame.itertuples(index=False):
        values = row._asdict()
        cells = "".join(
            f"<td class='{_cell_class(c)}'>{escape(fmt_value(values[c.key], c.kind))}</td>" for c in columns
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _chart_section(chart: Chart, image: bytes, fmt: str) -> str:
    if fmt == "svg":
        drawing = image.decode("utf-8")
    else:
        data = base64.b64encode(image).decode()
        drawing = f"<img alt='{escape(chart.title)}' src='data:image/png;base64,{data}'>"
    kind = "map" if chart.slug.split("-", 1)[-1].startswith("map") else "chart"
    return (
        f"<section><h2>{escape(chart.title)}</h2><figure class='{kind}'>{drawing}</figure>"
        f"<p class='note'>{escape(chart.note)}</p></section>"
    )


def _table_section(table: Table) -> str:
    return (
        f"<section><h2>{escape(table.title)}</h2><p class='note above'>{escape(table.note)}</p>"
        f"{_data_table(table.data.frame, table.data.columns)}</section>"
    )


def _highlights(notes: list[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return f"<h2 class='spaced'>本周要点</h2><ul class='highlights'>{items}</ul>"


def _definitions(pack: Pack) -> str:
    items = "".join(f"<dt>{escape(term)}</dt><dd>{escape(text)}</dd>" for term, text in pack.definitions)
    return f"<section><h2>指标口径</h2><dl>{items}</dl></section>"


def footer_text(pack: Pack) -> str:
    return (
        f"{pack.region.name} · {pack.week.label} · 数据截至 {format_local(pack.as_of)}（北京时间）"
        " · 口径见末页"
    )


def pack_html(pack: Pack, drawings: dict[str, tuple[bytes, str]], generated_at: datetime) -> str:
    """The whole document; ``drawings`` maps each chart's slug to (bytes, "svg" or "png")."""
    # Inside a CSS string in a <style>: no quotes, backslashes or tags.
    footer = footer_text(pack)
    for bad, good in (("\\", " "), ('"', "'"), ("<", "＜"), (">", "＞")):
        footer = footer.replace(bad, good)
    css = CSS.replace("FONT", FONT_FAMILY).replace("FOOTER", footer)
    cover = (
        "<section class='first'>"
        f"<h1>{escape(pack.title)}</h1>"
        f"<div class='subtitle'>{escape(pack.week.label)} · {escape(pack.region.name)}"
        f"（{escape(pack.region.level_label)}，区划代码 {escape(pack.region.code)}）</div>"
        f"<div class='meta'>统计周期：{escape(pack.week.dates)}（北京时间）· 数据截至 "
        f"{escape(format_local(pack.as_of))} · 生成于 {escape(format_local(generated_at))}</div>"
        f"<h2>本周指标与上周比较</h2>{_kpi_table(pack.kpis)}"
        "<p class='note'>较上周一栏：红色为变差，绿色为改善。各指标的计算方法见末页“指标口径”。</p>"
        f"{_highlights(pack.highlights)}"
        "</section>"
    )
    charts = "".join(_chart_section(c, *drawings[c.slug]) for c in pack.charts)
    tables = "".join(_table_section(t) for t in pack.tables)
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{escape(pack.title)} {escape(pack.week.code)}</title>"
        f"<style>{css}</style></head>"
        f"<body>{cover}{charts}{tables}{_definitions(pack)}</body></html>"
    )
