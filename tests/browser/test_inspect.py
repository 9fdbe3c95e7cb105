"""The inspector analytics (/inspect, 督查分析) in a browser: every section at
city, town and village level draws its figures with no console error, the
tabs keep the window, and a list links to the records behind it."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from cockpit.components.urls import inspect_href
from cockpit.ids import InspectIds
from cockpit.pages.inspect.sections import SECTIONS
from tests.browser.helpers import css

pytestmark = pytest.mark.browser

BODY = css(InspectIds.BODY)
KPIS = f"{BODY} .kpi-card"


def test_every_section_draws_at_city_town_and_village_level(cockpit):
    city = cockpit.city
    town = city.towns[0]
    village = city.villages[town.code][0]
    for code in (city.root.code, town.code, village.code):
        for key, section in SECTIONS.items():
            query = {"section": key} | ({"window": "year"} if section.windowed else {})
            cockpit.open(inspect_href(code, city.root.code, query), KPIS)
            assert cockpit.text(f"{KPIS} .kpi-value"), f"{key} at {code}: no figure"
            assert section.label in cockpit.text(f"{css(InspectIds.TABS)} .nav-link.active")
            cockpit.check(f"{key} at {code}")
            if code == city.root.code:
                cockpit.screenshot(f"inspect-{key}")
            elif code == village.code and key == "disclosure":
                cockpit.screenshot("inspect-village-disclosure")


def test_the_tabs_keep_the_window_and_a_list_opens_its_petition(cockpit):
    root = cockpit.city.root.code
    cockpit.open(inspect_href(root, root, {"section": "escalation", "window": "year"}), KPIS)
    tab = next(
        a
        for a in cockpit.driver.find_elements(By.CSS_SELECTOR, f"{css(InspectIds.TABS)} a")
        if a.text == "超期督办"
    )
    cockpit.click(tab)
    cockpit.wait_for_location("/inspect", {"section": "overdue", "window": "year"})
    cockpit.wait_visible(KPIS)
    links = cockpit.driver.find_elements(By.CSS_SELECTOR, f"{BODY} a[href^='/petition/']")
    assert links, "the sample city has no overdue petition to open"
    href = links[0].get_attribute("href")
    cockpit.click(links[0])
    cockpit.wait_for_location(href.split(cockpit.base, 1)[1])
    cockpit.wait_visible(".summary")
    cockpit.check()
