"""The weekly pack in the cockpit: the /weekly page, 导出周报 on the region
pages and the archive's download route, called directly (no browser) on the
hand-worked store of tests/fixture_city.py in SQLite. Building a real pack
needs Chromium; the rest does not."""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import dash_bootstrap_components as dbc
import pytest
from dash import no_update
from sqlalchemy import select

from cockpit.app import create_app
from cockpit.components.export import FAILED, download_pack, week_options
from cockpit.export import render
from cockpit.export.render import NO_BROWSER, find_browser
from cockpit.export.week import IsoWeek
from cockpit.ids import ExportIds, RegionIds, VillageIds, WeeklyIds
from cockpit.pages import region, weekly
from cockpit.settings import Settings
from cockpit.store.access import audit_log
from tests import fixture_city as city
from tests.layout import hrefs, ids, text, walk
from tests.viewers import LEADER, add_account, as_viewer, login

WEEK = "2026-W46"  # 9 to 15 November 2026, the fixture's busy week
PACK = f"周报_示例市_{city.CITY}_{WEEK}.zip"

needs_browser = pytest.mark.skipif(find_browser() is None, reason="Chromium is not installed")


@pytest.fixture
def export_dir(tmp_path) -> Path:
    return tmp_path / "exports"


def make_app(engine, export_dir: Path, **settings):
    return create_app(Settings(database_url=str(engine.url), export_dir=str(export_dir), **settings), engine)


@pytest.fixture
def app(sqlite_engine, export_dir):
    with sqlite_engine.begin() as conn:
        city.load(conn)
    return make_app(sqlite_engine, export_dir)


@pytest.fixture
def in_request(app):
    with as_viewer(app, LEADER):
        yield app


@pytest.fixture
def client(app, sqlite_engine):
    """A test client logged in as a city leader."""
    add_account(sqlite_engine)
    return login(app)


@pytest.fixture
def own_renderer(monkeypatch):
    """The process-wide renderer, for this test only: closed afterwards, and
    whatever renderer the process had before put back."""
    monkeypatch.setattr(render, "_shared", None)
    yield
    if render._shared is not None:
        render._shared.close()


def props(layout, component_id: str) -> dict:
    return next(n for n in walk(layout) if n["props"].get("id") == component_id)["props"]


# --- the /weekly page --------------------------------------------------------


def test_the_weekly_page_offers_recent_weeks_and_the_regions(in_request):
    layout = weekly.layout()
    assert {WeeklyIds.WEEK, WeeklyIds.REGION, WeeklyIds.BUILD, WeeklyIds.DOWNLOAD, WeeklyIds.STATUS} <= ids(
        layout
    )
    shown = text(layout)
    assert "生成并下载" in shown and "已归档的周报" in shown
    assert all(part in shown for part in ("PNG", "A4 横版 PDF", "Excel"))
    week = props(layout, WeeklyIds.WEEK)
    assert week["value"] == IsoWeek.last_full(datetime.now(UTC)).code
    assert len(week["options"]) == 26
    # The week in progress comes first and says so; the weeks that ended do not.
    assert "进行中" in week["options"][0]["label"] and "暂定" in week["options"][0]["label"]
    assert not any("进行中" in o["label"] for o in week["options"][1:])
    # The root first, then every region with regions under it (no villages).
    assert props(layout, WeeklyIds.REGION)["options"] == [
        {"label": "示例市", "value": city.CITY},
        {"label": "东区", "value": city.EAST},
        {"label": "青岚市", "value": city.QINGLAN},
        {"label": "东区 · 甲镇", "value": city.JIA},
        {"label": "东区 · 乙镇", "value": city.YI},
        {"label": "青岚市 · 丙镇", "value": city.BING},
    ]
    assert props(layout, WeeklyIds.REGION)["value"] == city.CITY
    assert "周报" in text(next(n for n in walk(layout) if "active" in str(n["props"].get("className"))))


def test_week_labels_name_the_dates_and_mark_only_the_week_in_progress():
    sunday_noon = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)
    options = week_options(sunday_noon)
    assert options[0] == {"label": "2026年第47周（11月16日—11月22日） · 进行中（暂定）", "value": "2026-W47"}
    assert options[1] == {"label": "2026年第46周（11月9日—11月15日）", "value": "2026-W46"}
    assert options[-1]["value"] == "2026-W22"


def test_the_weekly_page_takes_the_region_from_the_url(in_request):
    assert props(weekly.layout(region=city.JIA), WeeklyIds.REGION)["value"] == city.JIA
    # A village is not listed, but one asked for in the URL is offered.
    dropdown = props(weekly.layout(region=[city.V1]), WeeklyIds.REGION)
    assert dropdown["value"] == city.V1
    assert dropdown["options"][-1] == {"label": "东区 · 甲镇 · 一村", "value": city.V1}


@pytest.mark.parametrize("code", ["42", "000000000000", city.CITY + "0"])
def test_an_unknown_region_in_the_url_gets_the_not_found_message(in_request, code):
    layout = weekly.layout(region=code)
    assert "未找到该地区" in text(layout) and code in text(layout)
    assert "/weekly" in hrefs(layout)
    assert WeeklyIds.BUILD not in ids(layout)


def test_the_weekly_page_answers_200_like_other_pages_with_a_query(client):
    assert client.get("/weekly").status_code == 200
    assert client.get(f"/weekly?region={city.JIA}").status_code == 200
    # As /warnings?region=… and /screen?region=…: the page draws the message.
    assert client.get("/weekly?region=42").status_code == 200


# --- the archive -------------------------------------------------------------


def archive(export_dir: Path, *names: str) -> None:
    export_dir.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        (export_dir / name).write_bytes(b"PK" + b"x" * (2048 * (i + 1)))


def test_the_archive_lists_packs_newest_week_first_with_download_links(in_request, export_dir):
    older = f"周报_示例市_{city.CITY}_2026-W45.zip"
    archive(export_dir, older, PACK, f".{PACK}.part", "notes.txt")
    layout = weekly.layout()
    rows = [n for n in walk(props(layout, WeeklyIds.ARCHIVE)["children"]) if n["type"] == "Tr"][1:]
    assert [text(row).split()[:2] for row in rows] == [
        ["2026年第46周（11月9日—11月15日）", PACK],
        ["2026年第45周（11月2日—11月8日）", older],
    ]
    assert "4 KB" in text(rows[0]) and "2 KB" in text(rows[1])
    assert hrefs(rows[0]) == [f"/exports/weekly/{quote(PACK)}"]
    assert "每周一 07:00（北京时间）自动生成上一周示例市的周报" in text(layout)


def test_an_empty_archive_says_so_and_when_packs_are_made(sqlite_engine, export_dir):
    with sqlite_engine.begin() as conn:
        city.load(conn)
    app = make_app(sqlite_engine, export_dir, weekly_pack_at="off")
    with as_viewer(app, LEADER):
        shown = text(weekly.layout())
    assert "暂无归档的周报" in shown and "自动归档已关闭" in shown


def test_the_archive_route_serves_an_archived_pack_as_an_attachment(client, export_dir, sqlite_engine):
    archive(export_dir, PACK)
    response = client.get(f"/exports/weekly/{quote(PACK)}")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert quote(PACK) in response.headers["Content-Disposition"]
    assert response.data == (export_dir / PACK).read_bytes()
    with sqlite_engine.connect() as conn:
        logged = conn.execute(select(audit_log.c.actor, audit_log.c.action, audit_log.c.target)).all()
    assert ("leader", "export", f"archive:{PACK}") in logged


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "..%2Fx",
        "%2e%2e%2fx",
        "..%5Cx",
        "..",
        "foo.zip",
        "notes.txt",
        f".{PACK}.part",
        f"周报_示例市_{city.CITY}_2026-W44.zip",  # a pack's name, not in the archive
        f"..%2F..%2F{quote(PACK)}",
        f"%2Fetc%2F{quote(PACK)}",
    ],
)
def test_the_archive_route_answers_404_for_anything_but_an_archived_pack(client, export_dir, name):
    archive(export_dir, PACK, "notes.txt", f".{PACK}.part")
    # The same name one folder up: a traversal would find it.
    (export_dir.parent / PACK).write_bytes(b"outside")
    response = client.get(f"/exports/weekly/{name}")
    assert response.status_code == 404
    # The cockpit's own not-found page, as for any wrong URL.
    assert "_dash-config" in response.get_data(as_text=True)


# --- building a pack -----------------------------------------------------------


@needs_browser
def test_generating_a_pack_downloads_a_zip_and_says_how_long_it_took(in_request, own_renderer):
    download, status = download_pack(1, WEEK, city.V1)
    assert download["filename"] == f"周报_一村_{city.V1}_{WEEK}.zip" and download["base64"] is True
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(download["content"]))) as pack:
        assert pack.testzip() is None
        suffixes = {Path(name).suffix for name in pack.namelist()}
    assert {".pdf", ".xlsx", ".png"} <= suffixes
    assert download["filename"] in text(status) and "用时" in text(status) and "秒" in text(status)


def test_without_chromium_the_page_says_so_and_downloads_nothing(sqlite_engine, export_dir, own_renderer):
    with sqlite_engine.begin() as conn:
        city.load(conn)
    app = make_app(sqlite_engine, export_dir, browser=str(export_dir / "no-chromium"))
    with as_viewer(app, LEADER):
        download, status = download_pack(1, WEEK, city.JIA)
    assert download is no_update
    assert isinstance(status, dbc.Alert) and status.children == NO_BROWSER


def test_both_buttons_run_the_same_callback_on_their_own_page(app):
    """生成并下载 on /weekly (the region from its dropdown) and 导出周报 on a
    region page (the region the page shows)."""
    wired = {
        key: ([i["id"] for i in c["inputs"]], [(s["id"], s["property"]) for s in c["state"]])
        for key, c in app.callback_map.items()
        if getattr(c.get("callback"), "__wrapped__", None) is download_pack
    }
    assert wired == {
        f"..{WeeklyIds.DOWNLOAD}.data...{WeeklyIds.STATUS}.children..": (
            [WeeklyIds.BUILD],
            [(WeeklyIds.WEEK, "value"), (WeeklyIds.REGION, "value")],
        ),
        f"..{ExportIds.DOWNLOAD}.data...{ExportIds.STATUS}.children..": (
            [ExportIds.BUTTON],
            [(ExportIds.WEEK, "value"), (ExportIds.REGION, "data")],
        ),
    }


@pytest.mark.parametrize(
    ("week", "region_code", "message"),
    [
        ("2026-W99", city.CITY, "2026 年没有第 99 周"),
        ("46", city.CITY, "周的写法应为 2026-W46"),
        (None, city.CITY, "请选择周和区域"),
        (WEEK, "42", "地区代码 42 不在本驾驶舱的管辖范围内"),
        (WEEK, None, "请选择周和区域"),
    ],
)
def test_a_bad_week_or_region_gets_a_message_not_a_pack(in_request, week, region_code, message):
    download, status = download_pack(1, week, region_code)
    assert download is no_update and message in status.children


def test_an_unexpected_failure_is_logged_and_told_plainly(in_request, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("cockpit.components.export.build_pack", broken)
    download, status = download_pack(1, WEEK, city.JIA)
    assert download is no_update and status.children == FAILED
    assert "disk full" in caplog.text


# --- 导出周报 on the region pages ---------------------------------------------


@pytest.mark.parametrize("code", [city.CITY, city.JIA, city.V1])
def test_the_region_and_village_pages_export_the_region_they_show(in_request, code):
    layout = region.layout(code=code)
    assert {ExportIds.REGION, ExportIds.WEEK, ExportIds.BUTTON, ExportIds.DOWNLOAD, ExportIds.STATUS} <= ids(
        layout
    )
    assert props(layout, ExportIds.REGION)["data"] == code
    assert props(layout, ExportIds.WEEK)["value"] == IsoWeek.last_full(datetime.now(UTC)).code
    assert "导出周报" in text(layout)
    # The page's own panels are all still there.
    assert (RegionIds.MAP if code != city.V1 else VillageIds.PETITIONS) in ids(layout)
