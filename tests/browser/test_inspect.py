"""The inspector analytics (/inspect, 督查分析) in a browser: every section at
city, town and village level draws its figures with no console error, the
tabs keep the window, and a list links to the records behind it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from selenium.webdriver.common.by import By

from cockpit.components.urls import inspect_href, petition_href
from cockpit.ids import InspectIds
from cockpit.pages.inspect.sections import SECTIONS
from cockpit.store.factories import Step
from tests.browser.helpers import add_petition, css

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


def test_the_tabs_keep_the_window_and_a_list_opens_its_petition(start_cockpit, city_copy):
    # The sample city's overdue petitions come and go with the date it is
    # generated on (some days it has none): add one, 8 days past receipt
    # against a 5-day limit, so the overdue list always has it.
    town = city_copy.towns[0]
    village = city_copy.villages[town.code][0]
    received = datetime.now(UTC).replace(microsecond=0) - timedelta(days=8)
    petition_id = add_petition(
        city_copy,
        village,
        "SQ-BROWSER-OVERDUE-1",
        received,
        steps=[Step("assigned", received + timedelta(hours=2), note="交办村委会办理")],
    )
    cockpit = start_cockpit(city_copy)
    root = city_copy.root.code
    cockpit.open(inspect_href(root, root, {"section": "escalation", "window": "year"}), KPIS)
    tab = next(
        a
        for a in cockpit.driver.find_elements(By.CSS_SELECTOR, f"{css(InspectIds.TABS)} a")
        if a.text == "超期督办"
    )
    cockpit.click(tab)
    cockpit.wait_for_location("/inspect", {"section": "overdue", "window": "year"})
    cockpit.wait_visible(KPIS)
    href = petition_href(petition_id)
    link = cockpit.wait_visible(f"{BODY} a[href='{href}']")
    assert link.text == "SQ-BROWSER-OVERDUE-1"
    cockpit.click(link)
    cockpit.wait_for_location(href)
    cockpit.wait_visible(".summary")
    cockpit.check()
