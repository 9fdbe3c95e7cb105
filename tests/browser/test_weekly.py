"""The weekly pack in a browser: the /weekly page with its archive, and
导出周报 on a town's page when the server has no Chromium. (Building and
downloading a real pack is tested without a browser: tests/test_export_pages.py.)"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By

from cockpit.components.export import IN_PROGRESS
from cockpit.export import render
from cockpit.export.render import NO_BROWSER
from cockpit.export.week import IsoWeek
from cockpit.ids import ExportIds, RegionIds, WeeklyIds
from cockpit.timewindow import TZ
from tests.browser.helpers import css
from tests.browser.test_queues import choose

pytestmark = pytest.mark.browser

ARCHIVE_ROWS = f"{css(WeeklyIds.ARCHIVE)} tbody tr"


@pytest.fixture
def export_dir(sample_city, tmp_path):
    """An archive holding the root's packs of the last two full weeks."""
    folder = tmp_path / "exports"
    folder.mkdir()
    last = IsoWeek.last_full(datetime.now(UTC))
    for week, size in ((last, 1_700_000), (last.previous, 1_600_000)):
        name = f"周报_{sample_city.root.name}_{sample_city.root.code}_{week.code}.zip"
        (folder / name).write_bytes(b"PK" + os.urandom(size))
    return folder


@pytest.fixture
def no_chromium(monkeypatch, tmp_path) -> str:
    """A browser setting naming nothing; the process's renderer is put back afterwards."""
    monkeypatch.setattr(render, "_shared", None)
    return str(tmp_path / "no-chromium")


def test_the_weekly_page_offers_weeks_regions_and_the_archive(start_cockpit, sample_city, export_dir):
    cockpit = start_cockpit(sample_city, export_dir=str(export_dir))
    cockpit.open("/weekly", css(WeeklyIds.BUILD))
    last = IsoWeek.last_full(datetime.now(UTC))
    assert cockpit.text(".page-title") == "周报"
    assert cockpit.text(".cockpit-navbar .nav-link.active") == "周报"
    assert cockpit.text(css(WeeklyIds.BUILD)) == "生成并下载"
    assert all(part in cockpit.text(".weekly-contents") for part in ("PNG", "A4 横版 PDF", "Excel"))
    cockpit.wait_text(css(WeeklyIds.WEEK), lambda t: last.label in t, "the week should be the last full one")
    assert cockpit.text(css(WeeklyIds.REGION)) == sample_city.root.name

    rows = cockpit.texts(ARCHIVE_ROWS)
    assert len(rows) == 2
    assert rows[0].startswith(last.label) and last.code in rows[0] and "1.6 MB" in rows[0]
    assert rows[1].startswith(last.previous.label)
    links = [
        a.get_attribute("href") for a in cockpit.driver.find_elements(By.CSS_SELECTOR, f"{ARCHIVE_ROWS} a")
    ]
    names = sorted((p.name for p in export_dir.iterdir()), reverse=True)
    assert links == [f"{cockpit.base}/exports/weekly/{quote(name)}" for name in names]
    cockpit.check()
    cockpit.screenshot("weekly")

    # The week in progress may be chosen; it says its figures are provisional.
    this_week = IsoWeek.of(datetime.now(UTC).astimezone(TZ).date())
    choose(cockpit, WeeklyIds.WEEK, f"{this_week.label} · {IN_PROGRESS}")
    cockpit.wait_text(css(WeeklyIds.WEEK), lambda t: IN_PROGRESS in t, "the week in progress is not chosen")
    cockpit.check()
    cockpit.screenshot("weekly-in-progress")


def test_without_chromium_the_export_says_why_and_the_page_keeps_working(
    start_cockpit, sample_city, export_dir, no_chromium
):
    cockpit = start_cockpit(sample_city, export_dir=str(export_dir), browser=no_chromium)
    town = sample_city.towns[0]
    cockpit.open(f"/region/{town.code}", css(ExportIds.BUTTON))
    assert cockpit.text(css(ExportIds.BUTTON)) == "导出周报"
    last = IsoWeek.last_full(datetime.now(UTC))
    cockpit.wait_text(css(ExportIds.WEEK), lambda t: last.label in t, "the week should be the last full one")
    cockpit.wait_kpis(RegionIds.KPIS)
    button = cockpit.driver.find_element(By.CSS_SELECTOR, css(ExportIds.BUTTON))
    cockpit.click(button)
    cockpit.wait_text(f"{css(ExportIds.STATUS)} .export-alert", lambda t: t == NO_BROWSER, "no alert")
    cockpit.wait(button.is_enabled, "the button stays disabled after the export")
    assert cockpit.kpis(RegionIds.KPIS), "the page's panels went away"
    cockpit.check()
    cockpit.screenshot("region-export-unavailable")

    cockpit.open("/weekly", css(WeeklyIds.BUILD))
    cockpit.click(cockpit.driver.find_element(By.CSS_SELECTOR, css(WeeklyIds.BUILD)))
    cockpit.wait_text(f"{css(WeeklyIds.STATUS)} .export-alert", lambda t: t == NO_BROWSER, "no alert")
    assert len(cockpit.texts(ARCHIVE_ROWS)) == 2
    cockpit.check()
