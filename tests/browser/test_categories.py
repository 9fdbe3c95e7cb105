"""The region page coloured by a warning category (预警类别): the dropdown,
the map and the ranking following it, the choice kept in the URL."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

from cockpit.ids import RegionIds, WindowIds
from cockpit.timewindow import preset_window
from queries.scope import Scope
from queries.warnings import child_region_category_warnings, warning_categories
from tests.browser.helpers import css
from tests.browser.test_queues import choose

pytestmark = pytest.mark.browser

RANKING_ROWS = f"{css(RegionIds.RANKING)} tbody tr"


def town_and_category(city) -> tuple:
    """A town and a category whose open warnings differ between its villages
    (so colouring by it shows something), with those counts by village code."""
    window = preset_window("year")
    with city.engine.connect() as conn:
        for town in city.towns:
            for category in warning_categories(conn, Scope(town.code), window)["category"]:
                counts = child_region_category_warnings(conn, Scope(town.code), window, category)
                if counts["open"].nunique() > 1:
                    return town, category, dict(zip(counts["code"], counts["open"], strict=True))
    pytest.fail("no town whose villages differ in a category's open warnings")


def map_colouring(cockpit) -> tuple[str, dict[str, float]] | None:
    """(colour bar title, code -> value) of the map's coloured layer, once drawn."""
    return cockpit.driver.execute_script(
        """
        const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
        // _fullData: plotly's decoded copy (the figure sends z as a typed array).
        const layer = gd && gd._fullData && gd._fullData.find(t => t.type === 'choropleth' && t.showscale);
        if (!layer) return null;
        const values = {};
        const z = Array.from(layer.z);
        Array.from(layer.locations).forEach((code, i) => { values[code] = Number(z[i]); });
        return [layer.colorbar.title.text, values];
        """,
        css(RegionIds.MAP),
    )


def ranking(cockpit) -> tuple[list[str], list[list[str]]]:
    head = cockpit.texts(f"{css(RegionIds.RANKING)} thead th")
    rows = cockpit.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]))"
        "  .map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim()));",
        RANKING_ROWS,
    )
    return head, rows


def click_fresh(cockpit, selector: str) -> bool:
    try:
        found = cockpit.driver.find_elements(By.CSS_SELECTOR, selector)
        if not found:
            return False
        cockpit.click(found[0])
    except StaleElementReferenceException:
        return False
    return True


def test_choosing_a_warning_category_recolours_the_map_and_reorders_the_ranking(cockpit):
    town, category, open_by_village = town_and_category(cockpit.city)
    # Over 本年: a village of the test city gets a handful of petitions a
    # month, too few for a 5-day share on the map (grey, 样本不足) over 近30天.
    cockpit.open(f"/region/{town.code}?window=year", css(RegionIds.CATEGORY))
    title, _values = cockpit.wait(lambda: map_colouring(cockpit), "the map never drew its colours")
    assert title == "5日办结率"
    assert ranking(cockpit)[0][1] == "受理"

    choose(cockpit, RegionIds.CATEGORY, category)
    cockpit.wait_for_location(f"/region/{town.code}", {"window": "year", "category": category})
    coloured = cockpit.wait(
        lambda: (found := map_colouring(cockpit)) and category in found[0] and found,
        f"the map is not coloured by {category}",
    )
    assert coloured[1] == {code: float(n) for code, n in open_by_village.items()}
    _head, rows = cockpit.wait(
        lambda: (found := ranking(cockpit)) and found[0][1] == "未处置" and found[1] and found,
        "the ranking does not show the category's open warnings",
    )
    shown = {row[0]: int(row[1]) for row in rows}
    names = {v.code: v.name for v in cockpit.city.villages[town.code]}
    assert shown == {names[code]: n for code, n in open_by_village.items()}
    assert [int(row[1]) for row in rows] == sorted(shown.values(), reverse=True)
    assert any(category in t for t in cockpit.texts(".card-title-bar"))
    # Every drill-down link carries the category; the category table marks it.
    links = [
        a.get_attribute("href") for a in cockpit.driver.find_elements(By.CSS_SELECTOR, f"{RANKING_ROWS} a")
    ]
    assert links and all("category=" in href for href in links)
    assert cockpit.texts(f"{css(RegionIds.WARNING_CATEGORIES)} tr.selected td:first-child") == [category]
    cockpit.check()
    cockpit.screenshot("region-town-category")

    # A new window keeps the category.
    cockpit.click(
        cockpit.driver.find_element(
            By.XPATH, f"//*[@id='{WindowIds.PRESET}']//label[normalize-space()='全部']"
        )
    )
    cockpit.wait_for_location(f"/region/{town.code}", {"window": "all", "category": category})
    cockpit.wait(lambda: (found := map_colouring(cockpit)) and category in found[0], "the category was lost")

    # Back to 全部: the chosen row of the category table links to the page without it.
    # (Found afresh on each try: the table is redrawn when the page's data arrives.)
    chosen = f"{css(RegionIds.WARNING_CATEGORIES)} tr.selected a"
    cockpit.wait(lambda: click_fresh(cockpit, chosen), "could not click the chosen category")
    cockpit.wait_for_location(f"/region/{town.code}", {"window": "all"})
    cockpit.wait(
        lambda: (found := map_colouring(cockpit)) and found[0] == "5日办结率", "全部 did not come back"
    )
    cockpit.check()
