"""The inspector's region pages: drilling down by map and by ranking, and
the time window in the URL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from selenium.webdriver.common.by import By

from cockpit.ids import RegionIds, VillageIds, WindowIds
from tests.browser.helpers import add_petition, css

pytestmark = pytest.mark.browser

DEFAULT_WINDOW = {"window": "last30"}
CURRENT_CRUMB = ".breadcrumb .breadcrumb-item.active"
PETITION_ROWS = f"{css(VillageIds.PETITIONS)} tbody tr"


def wait_for_region_page(cockpit, region) -> None:
    """The analytics page of ``region`` is showing, its panels filled."""
    cockpit.wait_for_location(f"/region/{region.code}", DEFAULT_WINDOW)
    cockpit.wait_text(CURRENT_CRUMB, lambda t: t == region.name, f"breadcrumb should end at {region.name}")
    cockpit.wait_kpis(RegionIds.KPIS)
    cockpit.check()


def wait_for_village_page(cockpit, village) -> None:
    cockpit.wait_for_location(f"/region/{village.code}", DEFAULT_WINDOW)
    cockpit.wait_text(CURRENT_CRUMB, lambda t: t == village.name, f"breadcrumb should end at {village.name}")
    cockpit.wait_visible(PETITION_ROWS)
    cockpit.check()


def with_a_recent_petition(city, village) -> None:
    """Give ``village`` a petition received an hour ago: a small village of
    the sample city may have received none in the last 30 days (it depends
    on the day the city is generated), and then its list has no rows."""
    received = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    add_petition(city, village, f"SQ-BROWSER-{village.code}", received)


def test_clicking_the_map_drills_from_city_to_town_to_village(start_cockpit, city_copy):
    city = city_copy
    town = city.towns[1]
    village = city.villages[town.code][2]
    with_a_recent_petition(city, village)
    cockpit = start_cockpit(city)
    cockpit.open(f"/region/{city.root.code}", css(RegionIds.MAP))

    cockpit.click_map_region(RegionIds.MAP, town)
    wait_for_region_page(cockpit, town)
    crumbs = cockpit.texts(".breadcrumb .breadcrumb-item")
    assert crumbs == [city.root.name, town.name]
    cockpit.screenshot("region-town")

    cockpit.click_map_region(RegionIds.MAP, village)
    wait_for_village_page(cockpit, village)
    assert cockpit.texts(".breadcrumb .breadcrumb-item") == [city.root.name, town.name, village.name]
    cockpit.screenshot("region-village")


def ranking_link(cockpit, name: str):
    """The link in the ranking row of the region called ``name`` (asking
    for all rows when the first ones do not hold it)."""

    def find():
        for row in cockpit.driver.find_elements(By.CSS_SELECTOR, f"{css(RegionIds.RANKING)} tbody tr"):
            links = row.find_elements(By.CSS_SELECTOR, "td a")
            if links and links[0].text == name:
                return links[0]
        more = cockpit.driver.find_elements(By.CSS_SELECTOR, f"{css(RegionIds.RANKING)} .markup-more")
        if more:
            cockpit.driver.execute_script("arguments[0].click();", more[0])
        return None

    return cockpit.wait(find, f"no ranking row for {name}")


def test_clicking_a_ranking_row_drills_down(start_cockpit, city_copy):
    city = city_copy
    town = city.towns[-1]
    village = city.villages[town.code][0]
    with_a_recent_petition(city, village)
    cockpit = start_cockpit(city)
    cockpit.open("/", css(RegionIds.RANKING))
    cockpit.wait_kpis(RegionIds.KPIS)
    cockpit.screenshot("region-root")

    # Never a blank page: from the click until the next page is complete,
    # the old page stays and no chart shows plotly's empty default axes.
    cockpit.watch_for_empty_axes()
    cockpit.click(ranking_link(cockpit, town.name))
    wait_for_region_page(cockpit, town)
    assert cockpit.empty_axes_seen() == []  # still the same document: a drill reloads nothing

    cockpit.click(ranking_link(cockpit, village.name))
    wait_for_village_page(cockpit, village)
    assert cockpit.empty_axes_seen() == []


def test_the_empty_axes_watch_sees_a_chart_drawn_before_its_figure(cockpit):
    # The watch itself: a chart with no figure yet (what every page showed
    # while its callback ran) is caught.
    cockpit.open("/", css(RegionIds.MAP))
    cockpit.watch_for_empty_axes()
    cockpit.driver.execute_script(
        "const div = document.createElement('div'); document.body.appendChild(div);"
        "Plotly.newPlot(div, [], {});"
    )
    assert cockpit.wait(lambda: cockpit.empty_axes_seen() or None, "the watch missed empty axes")


def preset(cockpit) -> str | None:
    """The window preset that is checked now."""
    return cockpit.driver.execute_script(
        "const checked = document.querySelector(arguments[0] + ' input:checked');"
        "return checked ? checked.value : null;",
        css(WindowIds.PRESET),
    )


def ranking_hrefs(cockpit) -> list[str]:
    return [
        a.get_attribute("href")
        for a in cockpit.driver.find_elements(
            By.CSS_SELECTOR, f"{css(RegionIds.RANKING)} tbody tr td:first-child a"
        )
    ]


def test_window_selector_puts_the_window_in_the_url_and_back_returns(cockpit):
    town = cockpit.city.towns[0]
    cockpit.open(f"/region/{town.code}", css(WindowIds.PRESET))
    before = cockpit.wait_kpis(RegionIds.KPIS)
    before_links = cockpit.wait(lambda: ranking_hrefs(cockpit), "the ranking is empty")
    assert preset(cockpit) == "last30"
    assert all("window=last30" in href for href in before_links)

    cockpit.click(
        cockpit.driver.find_element(
            By.XPATH, f"//*[@id='{WindowIds.PRESET}']//label[normalize-space()='本月']"
        )
    )
    cockpit.wait_for_location(f"/region/{town.code}", {"window": "month"})
    cockpit.wait(lambda: preset(cockpit) == "month", "本月 is not checked after the click")
    cockpit.wait(
        lambda: (links := ranking_hrefs(cockpit)) and all("window=month" in h for h in links),
        "the ranking's links do not carry the new window",
    )
    cockpit.wait_kpis(RegionIds.KPIS)
    cockpit.check()

    cockpit.driver.back()
    cockpit.wait_for_location(f"/region/{town.code}", {})
    cockpit.wait(lambda: preset(cockpit) == "last30", "back did not restore 近30天")
    cockpit.wait(lambda: ranking_hrefs(cockpit) == before_links, "back did not restore the ranking")
    cockpit.wait(lambda: cockpit.kpis(RegionIds.KPIS) == before, "back did not restore the KPIs")
    cockpit.check()


def test_a_ten_year_window_opens_with_the_whole_history(cockpit):
    """A term of office or an imported history is one custom window (issue 18):
    the page opens, counts every petition of the decade, draws its trend."""
    from sqlalchemy import func, select

    from cockpit.store.schema import petitions
    from cockpit.timewindow import TZ

    with cockpit.city.engine.connect() as conn:
        received, newest = conn.execute(select(func.count(), func.max(petitions.c.received_at))).one()
    last = newest.astimezone(TZ).date()
    first = last.replace(year=last.year - 10)
    cockpit.open(f"/?from={first.isoformat()}&to={last.isoformat()}", css(RegionIds.KPIS))
    kpis = cockpit.wait_kpis(RegionIds.KPIS)
    assert kpis["受理诉求"] == f"{received:,}"
    # Dash 4 puts the picker's id on its start-date input.
    start = cockpit.driver.find_element(By.CSS_SELECTOR, css(WindowIds.RANGE))
    assert start.get_attribute("value") == first.isoformat()
    cockpit.check()
