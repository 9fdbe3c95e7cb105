"""The weekly pack: one week of the sample city exported as a ZIP of PNGs, a
PDF and an XLSX, and checked from the outside (pdfinfo/pdftotext, Pillow,
openpyxl) against the queries; plus the pieces that need no browser."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from PIL import Image, ImageStat

from cockpit.export import pdf, xlsx
from cockpit.export.content import Kpi, Pack, collect, highlights
from cockpit.export.pack import (
    PNG_SCALE,
    archive_pack,
    archived_path,
    build_pack,
    list_archive,
)
from cockpit.export.render import ExportUnavailableError, Renderer, find_browser
from cockpit.export.week import IsoWeek, WeekError, recent_weeks
from cockpit.scheduler import PACK_RETRIES, add_jobs, weekly_pack_job
from cockpit.settings import Settings, SettingsError
from cockpit.store.hierarchy import resolve_root
from queries import petitions
from queries.regions import Region
from queries.scope import Scope

WEEK = IsoWeek(2026, 46)  # Monday 9 to Sunday 15 November 2026, the last full week at SAMPLE_NOW

needs_browser = pytest.mark.skipif(find_browser() is None, reason="Chromium is not installed")


# --- weeks -------------------------------------------------------------------


def test_iso_weeks_run_monday_to_sunday_in_beijing_time():
    assert IsoWeek.parse("2026-W46") == WEEK
    assert (WEEK.monday, WEEK.sunday) == (date(2026, 11, 9), date(2026, 11, 15))
    assert WEEK.label == "2026年第46周（11月9日—11月15日）"
    assert WEEK.previous == IsoWeek(2026, 45) and IsoWeek(2026, 1).previous == IsoWeek(2025, 52)
    assert IsoWeek(2021, 1).previous == IsoWeek(2020, 53)  # a 53-week year
    window = WEEK.window(datetime(2026, 11, 21, tzinfo=UTC))
    # Monday 00:00 Beijing is Sunday 16:00 UTC.
    assert window.start == datetime(2026, 11, 8, 16, tzinfo=UTC)
    assert window.end == datetime(2026, 11, 15, 16, tzinfo=UTC)


def test_the_last_full_week_turns_over_at_monday_midnight_beijing_time():
    sunday_night = datetime(2026, 11, 22, 15, 59, tzinfo=UTC)  # Sunday 23:59 Beijing
    monday_morning = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # Monday 00:00 Beijing
    assert IsoWeek.last_full(sunday_night) == IsoWeek(2026, 46)
    assert IsoWeek.last_full(monday_morning) == IsoWeek(2026, 47)
    weeks = recent_weeks(monday_morning, 3)
    assert [w.code for w in weeks] == ["2026-W48", "2026-W47", "2026-W46"]


@pytest.mark.parametrize("bad", ["2026-46", "2026-W54", "2025-W53", "W46", "", "2026-W46; drop"])
def test_a_malformed_week_is_refused_with_a_message(bad):
    with pytest.raises(WeekError, match="周"):
        IsoWeek.parse(bad)


def test_the_weekly_pack_time_setting_is_a_weekday_and_a_time_or_off():
    assert Settings.from_env({"COCKPIT_WEEKLY_PACK_AT": "Mon 7:00"}).weekly_pack_at == "mon 07:00"
    assert Settings.from_env({"COCKPIT_WEEKLY_PACK_AT": "off"}).weekly_pack_at == "off"
    for bad in ("monday 07:00", "mon 24:00", "mon", "07:00"):
        with pytest.raises(SettingsError, match="COCKPIT_WEEKLY_PACK_AT"):
            Settings.from_env({"COCKPIT_WEEKLY_PACK_AT": bad})


# --- the pieces, without a browser -------------------------------------------


def _kpi(label, kind, value, previous):
    return Kpi(label, "件", kind, value, previous)


def test_changes_from_last_week_are_red_when_worse_and_green_when_better():
    assert pdf.fmt_change(_kpi("受理诉求", "int", 264, 280)) == ("-16 件", "down")
    assert pdf.fmt_change(_kpi("超5日办结或未结", "int", 30, 20)) == ("+10 件", "up")
    assert pdf.fmt_change(_kpi("5日办结率", "share", 0.9, 0.8)) == ("+10.0 个百分点", "down")
    assert pdf.fmt_change(_kpi("5日办结率", "share", 0.7, 0.8)) == ("-10.0 个百分点", "up")
    assert pdf.fmt_change(_kpi("处置完毕预警", "int", 5, 9)) == ("-4 件", "up")
    assert pdf.fmt_change(_kpi("5日办结率", "share", float("nan"), 0.8)) == ("—", "")
    assert pdf.fmt_change(_kpi("红色预警（当前）", "int", 5, None)) == ("", "")


def test_highlights_name_the_weakest_regions_and_the_commonest_problems():
    kpis = [Kpi("5日办结率", "", "share", 0.9, 0.85)]
    metrics = pd.DataFrame(
        {
            "name": ["甲镇", "乙镇", "丙镇", "丁镇"],
            "received": [10, 10, 3, 10],
            "in_progress": [0, 2, 0, 0],
            "share_5d": [0.8, 0.75, 0.1, 1.0],  # 丙镇 has too few outcomes to be named
            "red": [0, 4, 9, 1],
        }
    )
    categories = pd.DataFrame({"category": ["道路", "低保"], "received": [7, 5]})
    by_category = pd.DataFrame({"category": ["三资支出", "村级用工"], "raised": [0, 3]})
    assert highlights(kpis, metrics, "乡镇", categories, by_category) == [
        "本周5日办结率 90.0%，较上周+5.0个百分点。",
        "5日办结率最低的乡镇：乙镇（75.0%）、甲镇（80.0%）、丁镇（100.0%）。",
        "当前红色预警最多的乡镇：丙镇（9 条）、乙镇（4 条）、丁镇（1 条）。",
        "本周受理最多的问题：道路（7 件）、低保（5 件）。",
        "本周新增预警最多的类别：村级用工（3 条）。",
    ]


def test_sheet_names_are_valid_and_unique():
    taken = {"说明"}
    assert xlsx.sheet_name("各乡镇（街道）5日办结率", taken) == "各乡镇（街道）5日办结率"
    assert xlsx.sheet_name("a/b:c*d?[e]", taken) == "abcde"
    long = "很长的标题" * 10
    first, second = xlsx.sheet_name(long, taken), xlsx.sheet_name(long, taken)
    assert len(first) <= 31 and len(second) <= 31 and first != second


def test_cells_store_numbers_as_numbers_and_times_in_beijing_time():
    assert xlsx.cell_value(3, "int") == 3 and isinstance(xlsx.cell_value(3.0, "int"), int)
    assert xlsx.cell_value(0.897, "share") == 0.897
    assert xlsx.cell_value(float("nan"), "share") is None
    stamp = pd.Timestamp("2026-11-15 16:30", tz="UTC")
    assert xlsx.cell_value(stamp, "time") == datetime(2026, 11, 16, 0, 30)


def _tiny_pack(name: str) -> Pack:
    region = Region("1", name, "town", None, None, None, False)
    return Pack(region, WEEK, datetime(2026, 11, 21, tzinfo=UTC), [], [], [])


def test_region_names_cannot_break_the_pdf_page():
    html = pdf.pack_html(
        _tiny_pack('镇"</style><script>x()</script>'), {}, datetime(2026, 11, 21, tzinfo=UTC)
    )
    assert "<script>" not in html
    style = html[html.index("<style>") : html.index("</style>")]
    assert "</" not in style[1:] and "content: \"镇'＜/style＞" in style


def test_only_pack_names_are_served_from_the_archive(tmp_path):
    good = "周报_青岚市_990181000000_2026-W46.zip"
    (tmp_path / good).write_bytes(b"PK")
    (tmp_path / "secret.zip").write_bytes(b"x")
    assert archived_path(tmp_path, good) == tmp_path / good
    for bad in (
        "secret.zip",
        "../" + good,
        "周报_../../etc_1_2026-W46.zip",
        good + "/",
        "周报_x_1_2026-W46.zip",
    ):
        assert archived_path(tmp_path, bad) is None
    assert [p.name for p in list_archive(tmp_path)] == [good]
    assert list_archive(tmp_path / "missing") == []


def test_without_chromium_exports_fail_with_a_message_for_users(tmp_path):
    renderer = Renderer(str(tmp_path / "no-chromium"))
    assert renderer.available is False
    with pytest.raises(ExportUnavailableError, match="Chromium"):
        renderer.pdf("<html></html>")
    with pytest.raises(ExportUnavailableError, match="Chromium"):
        renderer.image(go.Figure(), "png", 10, 10)


# --- one week of the sample city ---------------------------------------------


@pytest.fixture(scope="module")
def renderer():
    if find_browser() is None:
        pytest.skip("Chromium is not installed")
    r = Renderer()
    yield r
    r.close()


@pytest.fixture(scope="module")
def exported(sample_city, renderer, tmp_path_factory):
    engine, now = sample_city["engine"], sample_city["now"]
    with engine.connect() as conn:
        root = resolve_root(conn)
    built = build_pack(engine, root, WEEK, renderer, now)
    folder = tmp_path_factory.mktemp("pack")
    with zipfile.ZipFile(io.BytesIO(built.zip_bytes)) as archive:
        names = archive.namelist()
        archive.extractall(folder)
    files = {Path(n).suffix: folder / n for n in names if not n.endswith(".png")}
    return {
        "built": built,
        "names": names,
        "root": root,
        "engine": engine,
        "now": now,
        "pdf": files[".pdf"],
        "xlsx": files[".xlsx"],
        "pngs": sorted(folder / n for n in names if n.endswith(".png")),
    }


def _pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


def test_the_zip_holds_one_pdf_one_workbook_and_a_png_per_chart(exported):
    pack = exported["built"].pack
    stem = f"周报_青岚市_{exported['root']}_2026-W46"
    assert exported["built"].filename == f"{stem}.zip"
    assert sorted(exported["names"]) == sorted(
        [
            f"{stem}/{stem}.pdf",
            f"{stem}/数据_青岚市_{exported['root']}_2026-W46.xlsx",
            *(f"{stem}/图表/{c.slug}_{c.title.replace(' ', '')}.png" for c in pack.charts),
        ]
    )
    # The root's towns drawn as maps, the petition and warning charts, in order.
    assert [c.slug for c in pack.charts] == [
        "01-map-share", "02-map-received", "03-map-red", "04-top-categories", "05-share-daily",
        "06-share-weekly", "07-handling-time", "08-warnings-daily", "09-warnings-weekly",
    ]  # fmt: skip


def test_every_png_is_high_resolution_and_not_blank(exported):
    assert len(exported["pngs"]) == 9
    for path in exported["pngs"]:
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (1400 * PNG_SCALE, 840 * PNG_SCALE), path.name
            grey = image.convert("L")
            # Not one flat colour: a chart has ink on at least 2% of its pixels.
            assert ImageStat.Stat(grey).stddev[0] > 5, path.name
            inked = sum(count for value, count in enumerate(grey.histogram()) if value < 245)
            assert inked > 0.02 * grey.width * grey.height, path.name


def test_the_pdf_is_a4_landscape_and_says_what_it_shows(exported):
    path = exported["pdf"]
    pages = _pdf_pages(path)
    pack = exported["built"].pack
    # A page per section (cover, each chart, each table, the definitions), and
    # the 100 red warnings take more than one.
    assert pages > 1 + len(pack.charts) + len(pack.tables) + 1
    assert pages <= 1 + len(pack.charts) + len(pack.tables) + 1 + 6
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "841.92 x 594.96 pts (A4)" in info
    text = _pdf_text(path)
    for expected in (
        "青岚市监督驾驶舱周报",
        "2026年第46周（11月9日—11月15日）",
        "2026-11-09 至 2026-11-15",
        "数据截至 2026-11-21 12:00",
        "指标口径",
        "5×24 小时（恰好 120 小时算 5 日内）",
        "办理中",
    ):
        assert expected in text, expected
    # Every page is numbered out of the right total and names the region and week.
    for page in range(1, pages + 1):
        page_text = " ".join(_pdf_text(path, page).split())
        assert f"第 {page} 页 / 共 {pages} 页" in page_text
        assert "青岚市 · 2026年第46周" in page_text


def test_long_tables_continue_across_pages_with_their_header(exported):
    path = exported["pdf"]
    pages = [_pdf_text(path, p) for p in range(1, _pdf_pages(path) + 1)]
    red_pages = [p for p in pages if "预警内容" in p]
    assert len(red_pages) >= 2  # the header row repeats on every page of the table
    red = exported["built"].pack.tables[-1].data.frame
    assert len(red) == 100
    # Nothing clipped: every warning's raising time is printed exactly once.
    printed = "\n".join(red_pages)
    for raised in red["raised_at"]:
        assert printed.count(pdf.fmt_value(raised, "time")) >= 1


def test_the_pdf_kpis_are_the_queries_figures(exported):
    window = WEEK.window(exported["now"])
    with exported["engine"].connect() as conn:
        received = int(petitions.count_received(conn, Scope(exported["root"]), window)["received"].iloc[0])
        before = int(
            petitions.count_received(conn, Scope(exported["root"]), WEEK.previous.window(exported["now"]))[
                "received"
            ].iloc[0]
        )
    cover = " ".join(_pdf_text(exported["pdf"], 1).split())
    assert f"受理诉求 {received:,} 件 {before:,} 件 {received - before:+,} 件" in cover


def test_the_workbook_has_a_sheet_per_chart_and_table_with_typed_cells(exported):
    book = openpyxl.load_workbook(exported["xlsx"])
    pack = exported["built"].pack
    assert book.sheetnames == [
        "说明",
        "本周指标",
        *(c.title for c in pack.charts),
        *(t.title for t in pack.tables),
    ]
    about = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert about["区域"].startswith("青岚市") and "2026-11-09 至 2026-11-15" in about["统计周期"]
    assert about["5日办结率"].startswith("本周受理的诉求中")

    # The top-categories sheet against its query, cell by cell.
    sheet = book["高频问题（受理诉求最多的 10 类）"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("问题类别", "受理诉求（件）", "占本周受理", "5日内办结（件）", "5日办结率")
    with exported["engine"].connect() as conn:
        expected = petitions.top_categories(conn, Scope(exported["root"]), WEEK.window(exported["now"]))
    assert [r[0] for r in rows[1:]] == list(expected["category"])
    assert [r[1] for r in rows[1:]] == list(expected["received"])
    assert all(isinstance(r[1], int) for r in rows[1:])
    assert [r[4] for r in rows[1:]] == pytest.approx(list(expected["share_5d"]))
    assert sheet.cell(row=2, column=5).number_format == "0.0%"

    kpis = {row[0]: row for row in book["本周指标"].iter_rows(min_row=2, values_only=True)}
    share = pack.kpis[1]
    assert kpis["5日办结率"][2] == pytest.approx(share.value) and kpis["5日办结率"][3] == pytest.approx(
        share.previous
    )


def test_a_town_pack_maps_its_villages(sample_city, renderer):
    engine, now = sample_city["engine"], sample_city["now"]
    with engine.connect() as conn:
        root = resolve_root(conn)
        town = conn.exec_driver_sql(
            "SELECT code FROM regions WHERE parent_code = ? ORDER BY sort_order LIMIT 1", (root,)
        ).scalar()
        pack = collect(conn, town, WEEK, now)
    assert pack.charts[0].title == "各村（社区）5日办结率"
    assert pack.tables[0].data.frame["name"].nunique() == len(pack.tables[0].data.frame) > 20


# --- the archive and the Monday job ------------------------------------------


def test_archived_packs_are_written_whole_and_listed_newest_first(exported, tmp_path):
    path = archive_pack(exported["built"], tmp_path)
    assert path.read_bytes() == exported["built"].zip_bytes
    assert [p.name for p in list_archive(tmp_path)] == [path.name]
    assert not list(tmp_path.glob(".*part"))


def test_the_scheduler_builds_last_weeks_pack_on_monday_morning(sqlite_engine, tmp_path):
    settings = Settings(database_url=str(sqlite_engine.url), export_dir=str(tmp_path), demo=False)
    scheduler = BackgroundScheduler(timezone=UTC)
    add_jobs(scheduler, settings, sqlite_engine)
    job = scheduler.get_job("weekly-pack")
    assert str(job.trigger.timezone) == "Asia/Shanghai"
    sunday = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # Sunday 20:00 Beijing
    fire = job.trigger.get_next_fire_time(None, sunday)
    assert fire == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # Monday 07:00 Beijing
    off = BackgroundScheduler(timezone=UTC)
    add_jobs(
        off, Settings(database_url=str(sqlite_engine.url), weekly_pack_at="off", demo=False), sqlite_engine
    )
    assert off.get_job("weekly-pack") is None


def test_a_failing_weekly_pack_is_logged_and_retried_then_raised(sample_city, tmp_path, caplog):
    settings = Settings(
        database_url=str(sample_city["engine"].url), export_dir=str(tmp_path), browser=str(tmp_path / "none")
    )
    waits = []
    job = weekly_pack_job(settings, sample_city["engine"], sleep=waits.append)
    with pytest.raises(ExportUnavailableError):
        job()
    assert waits == list(PACK_RETRIES)
    assert caplog.text.count("weekly pack failed") == len(PACK_RETRIES)
    assert list(tmp_path.iterdir()) == []


@needs_browser
def test_the_weekly_job_archives_last_weeks_pack(sample_city, tmp_path):
    monday = datetime(2026, 11, 16, 0, 0, tzinfo=UTC) - timedelta(hours=1)  # Monday 07:00 Beijing
    settings = Settings(database_url=str(sample_city["engine"].url), export_dir=str(tmp_path))
    weekly_pack_job(settings, sample_city["engine"], sleep=lambda _: None, clock=lambda: monday)()
    archived = list_archive(tmp_path)
    assert [p.week_code for p in archived] == ["2026-W46"]
