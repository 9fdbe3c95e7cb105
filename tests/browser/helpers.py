"""Driving the cockpit in a browser: the city the tests run on, a watch on
the browser's console and network, and a thin wrapper over dash_duo with
the waits the tests share. Every wait is explicit (WebDriverWait)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import Engine, select

from cockpit.auth.users import create_kiosk_token, create_user
from cockpit.components import urls
from cockpit.store.factories import Step, build_petition, write_petitions
from cockpit.store.hierarchy import resolve_root
from cockpit.store.schema import petition_events, petitions
from queries.regions import Region, child_regions, get_region

VIEWPORT = (1920, 1080)  # the wall screen's design size; screenshots are this size
TIMEOUT = 20  # seconds; generous for a 2-core CI machine, only spent on failure
SCREENSHOTS_ENV = "COCKPIT_SCREENSHOTS"

# The accounts of the browser tests' city (add_accounts): every test's
# browser logs in as the leader through the real login form, unless it
# comes as the wall screen with its token.
LEADER = "browser-leader"
LEADER_NAME = "测试领导"
PASSWORD = "browser-tests-2026"
KIOSK_TOKEN = "browser-wall-screen"
TOWN_OFFICER = "browser-town"  # the first town's discipline officer
INSPECTOR = "browser-inspector"  # an inspector holding two villages, in two towns


@dataclass(frozen=True)
class SampleCity:
    url: str
    path: Path
    engine: Engine
    root: Region
    towns: tuple[Region, ...]
    villages: dict[str, tuple[Region, ...]]  # town code -> its villages


def describe_city(engine: Engine, url: str, path: Path) -> SampleCity:
    with engine.connect() as conn:
        root = get_region(conn, resolve_root(conn))
        towns = tuple(get_region(conn, c) for c in child_regions(conn, root.code)["code"])
        villages = {
            t.code: tuple(get_region(conn, c) for c in child_regions(conn, t.code)["code"]) for t in towns
        }
    return SampleCity(url, path, engine, root, towns, villages)


def add_accounts(engine: Engine) -> None:
    """The leader the tests log in as, a wall-screen token, a town officer
    and an inspector of two villages."""
    with engine.begin() as conn:
        create_user(conn, LEADER, PASSWORD, "leader", display_name=LEADER_NAME)
        create_kiosk_token(conn, "测试大屏", token=KIOSK_TOKEN)
        towns = list(child_regions(conn, resolve_root(conn))["code"])
        create_user(conn, TOWN_OFFICER, PASSWORD, "town", (towns[0],), display_name="测试乡镇干部")
        villages = [child_regions(conn, town)["code"].iloc[0] for town in towns[:2]]
        create_user(conn, INSPECTOR, PASSWORD, "inspector", villages, display_name="测试检查室干部")


def add_petition(
    city: SampleCity,
    village: Region,
    external_id: str,
    received_at: datetime,
    *,
    category: str = "道路硬化与维修",
    summary: str = "浏览器测试：村道破损，希望尽快修复。",
    steps: Sequence[Step] = (),
) -> int:
    """Write one general petition to ``city`` (a test's ``city_copy``, never
    the shared city): received by ``village``'s committee (the unit its
    sample petitions were received by) at ``received_at``, then taken
    through ``steps``. Returns its id. The snapshot sees it after the next
    refresh (start_cockpit runs one; a page already open needs ``refresh``)."""
    with city.engine.begin() as conn:
        unit = conn.execute(
            select(petition_events.c.unit)
            .join(petitions, petitions.c.id == petition_events.c.petition_id)
            .where(petitions.c.village_code == village.code, petition_events.c.kind == "received")
            .limit(1)
        ).scalar_one()
        built = build_petition(
            external_id=external_id,
            village_code=village.code,
            received_at=received_at,
            category=category,
            unit=unit,
            summary=summary,
            steps=steps,
        )
        [petition_id] = write_petitions(conn, [built])
    return petition_id


@dataclass
class ConsoleWatch:
    """The browser's SEVERE console entries (the driver hands each one out
    once) and the URLs the page fetched since the last check."""

    duo: object
    # The one console entry a deliberate visit to a missing page may cause:
    # the server answers the document itself with an honest 404.
    missing_document: str | None = None

    def foreign_requests(self) -> list[str]:
        """Resources fetched from anywhere but the app's own server."""
        base = self.duo.server.url.rstrip("/") + "/"
        names = self.duo.driver.execute_script(
            "const names = performance.getEntriesByType('resource').map(e => e.name);"
            "performance.clearResourceTimings();"
            "return names;"
        )
        return [n for n in names if not n.startswith((base, "data:", "blob:"))]

    def assert_clean(self, when: str) -> None:
        entries = list(self.duo.get_logs() or [])
        if self.missing_document:
            expected = (
                f"{self.missing_document} - Failed to load resource: "
                "the server responded with a status of 404"
            )
            entries = [e for e in entries if not str(e.get("message", "")).startswith(expected)]
        problems = [f"console {e.get('level')}: {e.get('message')}" for e in entries]
        problems += [f"request left the server: {url}" for url in self.foreign_requests()]
        assert not problems, f"browser problems {when}:\n" + "\n".join(problems)


def css(component_id: str) -> str:
    """A CSS selector for a component ID from cockpit.ids."""
    return f"#{component_id}"


def number(text: str) -> int:
    """ "1,234" -> 1234."""
    assert re.fullmatch(r"\d{1,3}(,\d{3})*", text), f"not a whole number: {text!r}"
    return int(text.replace(",", ""))


class CockpitBrowser:
    """dash_duo on a running cockpit, with the waits the tests share."""

    def __init__(self, duo, console: ConsoleWatch, city: SampleCity, user: str | None = LEADER):
        """``user``: the account the first ``open`` logs in as (None: none)."""
        self.duo = duo
        self.console = console
        self.city = city
        self.base = duo.server.url.rstrip("/")
        self.user = user
        self.signed_in = False
        self.set_viewport(*VIEWPORT)

    @property
    def driver(self):
        return self.duo.driver

    def set_viewport(self, width: int, height: int) -> None:
        """Make the page's viewport exactly ``width`` x ``height`` (the
        window is larger by whatever the browser keeps for itself)."""
        inner = self.driver.execute_script("return [innerWidth, innerHeight];")
        outer = self.driver.get_window_size()
        self.driver.set_window_size(width + outer["width"] - inner[0], height + outer["height"] - inner[1])
        self.wait(
            lambda: self.driver.execute_script("return [innerWidth, innerHeight];") == [width, height],
            f"the viewport did not become {width}x{height}",
        )

    # -- waiting -------------------------------------------------------------

    def wait(self, condition: Callable[[], object], message: str, timeout: float = TIMEOUT):
        """Wait until ``condition()`` is truthy and return its value."""
        return WebDriverWait(
            self.driver, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
        ).until(lambda _driver: condition(), message)

    def wait_visible(self, selector: str, timeout: float = TIMEOUT):
        def shown():
            found = self.driver.find_elements(By.CSS_SELECTOR, selector)
            return found[0] if found and found[0].is_displayed() else None

        return self.wait(shown, f"{selector} not visible on {self.driver.current_url}", timeout)

    def wait_text(self, selector: str, predicate: Callable[[str], bool], what: str, timeout: float = TIMEOUT):
        """Wait until the element's text satisfies ``predicate``; return the text."""

        def check():
            found = self.texts(selector)
            return found[0] if found and predicate(found[0]) else None

        return self.wait(check, f"{selector}: {what} (on {self.driver.current_url})", timeout)

    def wait_for_location(self, path: str, query: dict[str, str] | None = None) -> None:
        """Wait until the address bar shows ``path`` and, unless ``query`` is
        None, exactly that query ({}: none), and the page for it has come:
        until then the page left behind stays on screen, dimmed."""

        def arrived():
            at_path, at_query = self.location()
            return at_path == path and (query is None or at_query == query)

        self.wait(arrived, f"URL never became {path} {query or ''}; it is {self.driver.current_url}")
        self.wait_for_page()

    def wait_for_page(self) -> None:
        """Until Dash's page router has no page on its way."""
        loading = '#_pages_content[data-dash-is-loading="true"]'
        self.wait(
            lambda: not self.driver.find_elements(By.CSS_SELECTOR, loading), "the page never finished loading"
        )

    def location(self) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.driver.current_url)
        return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}

    # -- pages ---------------------------------------------------------------

    def open(self, path: str, ready: str, missing: bool = False) -> None:
        """Load ``path`` afresh and wait until ``ready`` (a CSS selector) shows.
        The page left behind is checked first: a new document drops its logs.
        ``missing``: the path names nothing, so the document comes with a 404."""
        if self.driver.current_url.startswith(self.base):
            self.check(f"before leaving {self.driver.current_url}")
        self.console.missing_document = self.base + path if missing else None
        if self.user and not self.signed_in:
            self.log_in(self.user, next_path=path)
        else:
            self.driver.get(self.base + path)
        self.wait_visible(ready)

    def log_in(self, username: str, password: str = PASSWORD, next_path: str = urls.HOME) -> None:
        """Log in through the login form, which then goes on to ``next_path``."""
        self.driver.get(self.base + urls.login_href(next_path))
        self.wait_visible("#username").send_keys(username)
        self.driver.find_element(By.CSS_SELECTOR, "#password").send_keys(password)
        self.check("on the login page")
        self.driver.find_element(By.CSS_SELECTOR, "form.auth-form button[type=submit]").click()
        self.wait(
            lambda: urlsplit(self.driver.current_url).path != urls.LOGIN,
            f"the login as {username} did not go through: {self.texts('.auth-message')}",
        )
        self.signed_in = True

    def check(self, when: str | None = None) -> None:
        """No SEVERE console entry and no foreign request so far."""
        self.console.assert_clean(when or f"on {self.driver.current_url}")

    def text(self, selector: str) -> str:
        """The rendered text of the first match (read in one go: Dash may
        replace the element at any moment)."""
        found = self.texts(selector)
        assert found, f"nothing matches {selector} on {self.driver.current_url}"
        return found[0]

    def texts(self, selector: str) -> list[str]:
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]))"
            "  .map(e => (e.innerText ?? e.textContent).trim());",
            selector,
        )

    def kpis(self, container_id: str) -> dict[str, str]:
        """label -> value of every KPI card under the container."""
        pairs = self.driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0] + ' .kpi-label')).map(label => {"
            "  const value = label.parentElement.querySelector('.kpi-value');"
            "  return [label.textContent, value ? value.textContent : null];"
            "});",
            css(container_id),
        )
        return dict(pairs)

    def wait_kpis(self, container_id: str) -> dict[str, str]:
        """The KPI cards, once the callback has filled them."""
        return self.wait(lambda: self.kpis(container_id) or None, f"no KPI cards in {container_id}")

    def click(self, element) -> None:
        """Scroll ``element`` to the middle of the viewport and click it,
        retrying while something (a sticky header, a layout still settling)
        is in the way."""

        stale: list[StaleElementReferenceException] = []
        covered: list[str] = []

        def clicked():
            try:
                self.driver.execute_script(
                    "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
                )
                element.click()
            except ElementClickInterceptedException as error:
                covered[:] = [error.msg or ""]
                return False
            except StaleElementReferenceException as error:
                # Redrawn since it was found: stop at once and say so (wait()
                # would otherwise keep retrying the detached element), so the
                # caller can find it afresh.
                stale.append(error)
            return True

        label = f"{element.tag_name} {element.text!r}"
        try:
            self.wait(clicked, f"could not click {label}")
        except TimeoutException as error:
            in_the_way = covered[-1] if covered else "nothing reported"
            raise TimeoutException(f"could not click {label}; in the way: {in_the_way}") from error
        if stale:
            raise stale[0]

    def screenshot(self, name: str) -> None:
        """Save a screenshot when COCKPIT_SCREENSHOTS names a folder."""
        folder = os.environ.get(SCREENSHOTS_ENV)
        if not folder:
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(Path(folder) / f"{name}.png"))

    # -- never a blank page ----------------------------------------------------

    def watch_for_empty_axes(self) -> None:
        """From now on, record every moment a chart on the page shows
        plotly's empty default axes (no data, x from -1 to 6: a dcc.Graph
        drawn before its figure came), checked on every DOM change and every
        animation frame until the page is left."""
        self.driver.execute_script(
            """
            window.__emptyAxes = [];
            const look = () => {
              document.querySelectorAll('.js-plotly-plot').forEach(gd => {
                const layout = gd._fullLayout;
                const xaxis = layout && layout.xaxis;
                if (!xaxis || xaxis.visible === false || (gd.data && gd.data.length)) return;
                const range = xaxis.range || [];
                if (range[0] === -1 && range[1] === 6) {
                  window.__emptyAxes.push((gd.closest('[id]') || {}).id || '?');
                }
              });
            };
            new MutationObserver(look).observe(document.body, {childList: true, subtree: true});
            const frame = () => { look(); window.requestAnimationFrame(frame); };
            window.requestAnimationFrame(frame);
            """
        )

    def empty_axes_seen(self) -> list[str]:
        return self.driver.execute_script("return window.__emptyAxes || null;")

    # -- the map ---------------------------------------------------------------

    def map_point(self, graph_id: str, region: Region) -> dict | None:
        """Where a point inside ``region``'s outline is in the viewport, once
        the map under ``graph_id`` (an SVG geo choropleth) is drawn with that
        region in it; else None."""
        return self.driver.execute_script(
            """
            const [selector, code] = arguments;
            const paths = document.querySelectorAll(selector + ' .choroplethlayer path.choroplethlocation');
            const path = Array.from(paths).find(p => p.__data__ && p.__data__.loc === code);
            if (!path) return null;
            const box = path.getBBox();
            const svg = path.ownerSVGElement;
            const probe = svg.createSVGPoint();
            // The box's centre, or the first point of a grid inside the outline.
            for (let step = 1; step <= 8; step *= 2) {
              for (let i = 1; i < 2 * step; i += 2) {
                for (let j = 1; j < 2 * step; j += 2) {
                  probe.x = box.x + box.width * i / (2 * step);
                  probe.y = box.y + box.height * j / (2 * step);
                  if (path.isPointInFill(probe)) {
                    const p = probe.matrixTransform(path.getScreenCTM());
                    return {x: p.x, y: p.y};
                  }
                }
              }
            }
            return null;
            """,
            css(graph_id),
            region.code,
        )

    def click_map_region(self, graph_id: str, region: Region) -> None:
        """Hover over ``region`` on the map until its tooltip names it, then
        click there (a real mouse, so plotly sees the events)."""
        self.driver.execute_script(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center', behavior: 'instant'});",
            css(graph_id),
        )
        point = self.wait(
            lambda: self.map_point(graph_id, region), f"map {graph_id} never showed {region.name}"
        )
        hover = f"{css(graph_id)} .hoverlayer .hovertext"
        moves = iter(range(10**6))

        def hovered():
            # Alternate by a pixel: a move to where the mouse already is fires no event.
            x, y = int(point["x"]) + next(moves) % 2, int(point["y"])
            ActionChains(self.driver).move_to_location(x, y).perform()
            return region.name in " ".join(self.texts(hover))

        self.wait(hovered, f"no tooltip for {region.name} on map {graph_id}")
        ActionChains(self.driver).click().perform()
