"""A village's petitions and warnings, and their detail pages with the
event trail."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from cockpit.ids import VillageIds
from cockpit.timewindow import preset_window
from queries.petitions import petition_trail, village_petitions
from queries.scope import Scope
from queries.warnings import village_warnings, warning_trail
from tests.browser.helpers import css

pytestmark = pytest.mark.browser

PETITION_LINKS = f"{css(VillageIds.PETITIONS)} tbody tr td:first-child a"
WARNING_LINKS = f"{css(VillageIds.WARNINGS)} tbody tr td:first-child a"
TIMELINE = ".timeline .timeline-item"


def busiest_village(city):
    """The village with the most petitions in the last 30 days that also has
    warnings; with its newest petition and warning."""
    window = preset_window("last30")
    best = None
    with city.engine.connect() as conn:
        for villages in city.villages.values():
            for village in villages:
                rows = village_petitions(conn, Scope(village.code), window)
                alerts = village_warnings(conn, Scope(village.code), window)
                if len(alerts) and (best is None or len(rows) > len(best[1])):
                    best = (village, rows, alerts)
    assert best is not None and len(best[1]), "the sample city has no village with petitions and warnings"
    return best


def first_link(cockpit, selector: str):
    cockpit.wait_visible(selector)
    return cockpit.driver.find_elements(By.CSS_SELECTOR, selector)[0]


def test_village_lists_petitions_and_each_opens_its_trail(cockpit):
    city = cockpit.city
    village, petitions, alerts = busiest_village(city)
    newest_petition, newest_warning = petitions.iloc[0], alerts.iloc[0]
    cockpit.open(f"/region/{village.code}", PETITION_LINKS)
    assert cockpit.texts(".region-title")[0].startswith(village.name)
    assert cockpit.texts(PETITION_LINKS)[0] == newest_petition["external_id"]
    cockpit.wait_visible(WARNING_LINKS)
    cockpit.check()

    cockpit.click(first_link(cockpit, PETITION_LINKS))
    cockpit.wait_for_location(f"/petition/{newest_petition['id']}", {})
    cockpit.wait_text(
        ".page-title", lambda t: t == f"诉求 {newest_petition['external_id']}", "petition title"
    )
    with city.engine.connect() as conn:
        trail = petition_trail(conn, Scope(village.code), int(newest_petition["id"]))
    titles = cockpit.wait(
        lambda: (t := cockpit.texts(f"{TIMELINE} .timeline-title")) and t, "the petition has no trail"
    )
    assert len(titles) == len(trail)
    assert titles[0].startswith("受理")
    assert cockpit.texts(".detail-crumbs .breadcrumb-item")[-1] == village.name
    cockpit.check()
    cockpit.screenshot("petition")

    cockpit.driver.back()
    cockpit.wait_for_location(f"/region/{village.code}")
    cockpit.click(first_link(cockpit, WARNING_LINKS))
    cockpit.wait_for_location(f"/warning/{newest_warning['id']}", {})
    cockpit.wait_text(".page-title", lambda t: t == newest_warning["title"], "warning title")
    with city.engine.connect() as conn:
        trail = warning_trail(conn, Scope(village.code), int(newest_warning["id"]))
    titles = cockpit.wait(
        lambda: (t := cockpit.texts(f"{TIMELINE} .timeline-title")) and t, "the warning has no trail"
    )
    assert len(titles) == len(trail)
    assert titles[0].startswith("系统预警")
    assert any(label in cockpit.text(".field-list") for label in ("待处置", "处置中", "已处置"))
    cockpit.check()
    cockpit.screenshot("warning")
