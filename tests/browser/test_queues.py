"""The warning queues, /warnings: three columns, filters in the URL.

The test works on the village with the shortest queues: Dash 4.4's renderer
takes seconds per hundred cards on a small machine, so a quiet village keeps
the browser suite fast while still exercising every queue and filter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from cockpit.ids import QueueIds
from cockpit.pages.queue.callbacks import QUEUE_LIMIT
from queries.scope import Scope
from queries.warnings import warning_queue
from tests.browser.helpers import css, number

pytestmark = pytest.mark.browser

COLUMNS = (QueueIds.RED, QueueIds.YELLOW, QueueIds.GREEN)
COUNTS = {
    QueueIds.RED: QueueIds.RED_COUNT,
    QueueIds.YELLOW: QueueIds.YELLOW_COUNT,
    QueueIds.GREEN: QueueIds.GREEN_COUNT,
}
EMPTY = "没有符合条件的预警"


def quiet_village_with_overdue_warnings(city):
    """(village, category of an overdue warning there): the village with an
    overdue warning whose queues are shortest, so the page draws quickly."""
    now = datetime.now(UTC)
    best = None
    with city.engine.connect() as conn:
        for villages in city.villages.values():
            for village in villages:
                overdue = warning_queue(conn, Scope(village.code), now, overdue_only=True)
                if overdue.empty:
                    continue
                size = len(warning_queue(conn, Scope(village.code), now))
                if best is None or size < best[0]:
                    best = (size, village, overdue["category"].iloc[0])
    assert best is not None, "the sample city has no overdue warning"
    return best[1], best[2]


def items(cockpit, column: str) -> list[dict]:
    """The cards of one queue: title, meta line, whether marked overdue, link."""
    return cockpit.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0] + ' .queue-item')).map(a => ({"
        "  title: a.querySelector('.queue-item-title').innerText,"
        "  meta: a.querySelector('.queue-item-meta').innerText,"
        "  overdue: a.classList.contains('overdue'),"
        "  href: a.getAttribute('href'),"
        "}));",
        css(column),
    )


def queues(cockpit) -> dict[str, list[dict]] | None:
    """Every queue's cards, once the callback has answered: each column
    shows cards (or the empty message) and a count that agrees with them."""
    more = cockpit.driver.find_elements(By.CSS_SELECTOR, ".queue-list .markup-more")
    if more:  # a long queue shows its first cards until 显示更多: ask for all
        cockpit.driver.execute_script("arguments[0].click();", more[0])
        return None
    shown = {c: items(cockpit, c) for c in COLUMNS}
    for column, count_id in COUNTS.items():
        count = cockpit.texts(css(count_id))
        if not count or not count[0].endswith(" 条"):
            return None
        total = number(count[0].removesuffix(" 条"))
        if len(shown[column]) != min(total, QUEUE_LIMIT):
            return None
        if not shown[column] and EMPTY not in " ".join(cockpit.texts(css(column))):
            return None
    return shown


def cards(shown: dict[str, list[dict]]) -> list[dict]:
    return [item for column in COLUMNS for item in shown[column]]


def choose(cockpit, dropdown_id: str, label: str) -> None:
    """Pick ``label`` in a dcc.Dropdown (closing any menu left open first:
    an open menu covers the controls next to it)."""
    ActionChains(cockpit.driver).send_keys(Keys.ESCAPE).perform()
    cockpit.click(cockpit.driver.find_element(By.CSS_SELECTOR, css(dropdown_id)))
    option = cockpit.wait(
        lambda: next(
            (
                o
                for o in cockpit.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
                if o.text == label
            ),
            None,
        ),
        f"no option {label} in {dropdown_id}",
    )
    # Scroll within the open menu only (scrolling the page would move it
    # away from the pointer), then click the option where it now is.
    cockpit.driver.execute_script("arguments[0].scrollIntoView({block: 'nearest'});", option)
    cockpit.wait(lambda: _click_once(option), f"could not click the option {label}")
    ActionChains(cockpit.driver).send_keys(Keys.ESCAPE).perform()


def _click_once(element) -> bool:
    try:
        element.click()
    except ElementClickInterceptedException:
        return False
    return True


def test_queues_filter_by_category_and_overdue_and_open_a_warning(cockpit):
    village, category = quiet_village_with_overdue_warnings(cockpit.city)
    cockpit.open(f"/warnings?region={village.code}", css(QueueIds.RED))
    before = cockpit.wait(lambda: queues(cockpit), "the queues were not filled")
    titles = [t.splitlines()[0] for t in cockpit.texts(".queue-title")]
    assert titles == ["红色 · 待处置", "黄色 · 处置中", "绿色 · 已处置"]
    assert before[QueueIds.GREEN], "the village has no disposed warning"
    assert all(f"{village.name} · " in item["meta"] for item in cards(before))
    assert village.name in cockpit.text(css(QueueIds.REGION))
    cockpit.check()
    cockpit.screenshot("warnings")

    choose(cockpit, QueueIds.CATEGORY, category)
    cockpit.wait_for_location("/warnings", {"region": village.code, "category": category})
    in_category = cockpit.wait(
        lambda: (
            (shown := queues(cockpit))
            and all(item["meta"].endswith(f" · {category}") for item in cards(shown))
            and shown
        ),
        f"the queues still show warnings outside {category}",
    )
    assert len(cards(in_category)) < len(cards(before))
    cockpit.check()

    cockpit.click(cockpit.driver.find_element(By.CSS_SELECTOR, f"label[for='{QueueIds.OVERDUE}']"))
    cockpit.wait_for_location("/warnings", {"region": village.code, "category": category, "overdue": "1"})
    overdue = cockpit.wait(
        lambda: (
            (shown := queues(cockpit))
            and all(item["overdue"] for item in cards(shown))
            and not shown[QueueIds.GREEN]
            and shown
        ),
        "the queues still show warnings that are not overdue",
    )
    assert cards(overdue), "the overdue warning is missing"
    cockpit.check()

    first = cards(overdue)[0]
    cockpit.click(cockpit.driver.find_element(By.CSS_SELECTOR, f".queue-item[href='{first['href']}']"))
    cockpit.wait_for_location(first["href"], {})
    cockpit.wait_text(".page-title", lambda t: t == first["title"], "the warning's title")
    assert "超期" in cockpit.text(".field-list")
    cockpit.wait_visible(".timeline .timeline-item")
    cockpit.check()
