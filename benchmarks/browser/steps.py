"""The steps a person takes, in groups that one browser runs in turn.

A group is one run of each of its steps: it resets to its starting page
(loaded and settled, not measured unless the load is itself a step) and
measures its steps in turn; a click step starts from the settled page the
step before it left (the town page the ranking-row drill opened is where
the village drill starts; the inspect tabs are clicked one after another).
A step whose starting page did not settle is not measured in that run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from benchmarks.browser import chrome
from benchmarks.browser.measure import Recorder, Sample
from benchmarks.browser.settle import Target
from cockpit.ids import ScreenIds
from cockpit.pages.screen.panels import SLOT_IDS

SCREEN = Target(
    selectors=(
        f"#{ScreenIds.KPIS} > *",
        f"#{ScreenIds.MAP} .js-plotly-plot",
        *(f"#{slot} > *" for slot in SLOT_IDS),
        f"#{ScreenIds.TICKER} > *",
    )
)
REGION = ("h1.region-title", "#region-kpis > *", "#region-ranking a", "#region-red-list > *")
VILLAGE = ("h1.region-title", "#village-kpis > *", "#village-petitions > *", "#village-warnings > *")
QUEUE = ("#queue-red > *", "#queue-yellow > *", "#queue-green > *")
INSPECT = ("#inspect-tabs a.active", "#inspect-body > *")
NEW_WINDOW = ("year", "本年")


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    group: str


STEPS = (
    Step("screen-cold", "wall screen, cold cache (/kiosk/<token>)", "screen"),
    Step("screen-warm", "wall screen, warm cache", "screen"),
    Step("city", "city page / after login", "region"),
    Step("drill-map", "drill city → town: map click", "region"),
    Step("drill-table", "drill city → town: ranking row", "region"),
    Step("drill-village", "drill town → village: ranking row", "region"),
    Step("window", "window switch on / (本年)", "region"),
    Step("warnings", "/warnings page load", "warnings"),
    Step("warnings-filter", "/warnings category filter", "warnings"),
    Step("inspect", "/inspect page load", "inspect"),
    Step("inspect-tabs", "/inspect tab clicks (one row per tab)", "inspect"),
)

# --- the map: find a town and click it --------------------------------------------

MAP_TARGET_JS = """
var gd = document.getElementById("region-map").querySelector(".js-plotly-plot");
gd.scrollIntoView({block: "center", behavior: "instant"});
var paths = gd.querySelectorAll(".choroplethlayer path, .scatterlayer .js-fill");
for (var i = 0; i < paths.length; i++) {
  var p = paths[i], r = p.getBoundingClientRect();
  if (!r.width || !r.height) continue;
  var x = r.left + r.width / 2, y = r.top + r.height / 2;
  var inside = true;
  try {
    inside = p.isPointInFill(new DOMPoint(x, y).matrixTransform(p.getScreenCTM().inverse()));
  } catch (e) {}
  if (!inside) continue;
  var d = p.__data__, item = Array.isArray(d) ? d[0] : d, trace = (item && item.trace) || {};
  return {mode: "svg", x: x, y: y, code: (item && item.loc) || trace.meta || null};
}
var full = gd._fullLayout, sub = full.map && full.map._subplot;
if (!sub || !sub.map) return {mode: "none"};
// _fullData: plotly.py sends arrays base64-encoded; plotly.js decodes them there
var labels = gd._fullData.filter(function (t) { return t.type === "scattermap" && t.text; })[0];
var shapes = gd._fullData.filter(function (t) { return t.locations && t.customdata; })[0];
if (!labels || !shapes) return {mode: "none"};
var name = labels.text[0], code = null;
for (var j = 0; j < shapes.locations.length; j++)
  if (shapes.customdata[j][0] === name) code = shapes.locations[j];
var at = sub.map.project([labels.lon[0], labels.lat[0]]);
var box = sub.map.getContainer().getBoundingClientRect();
return {mode: "maplibre", x: box.left + at.x, y: box.top + at.y, code: code, name: name};
"""

LISTEN_MAP_JS = """
var gd = document.getElementById("region-map").querySelector(".js-plotly-plot");
gd.on("plotly_click", function (e) {
  var p = (e.points || [])[0] || {};
  window.__bench.mapClick = {location: p.location || null};
});
"""

EMIT_CLICK_JS = """
var gd = document.getElementById("region-map").querySelector(".js-plotly-plot"), code = arguments[0];
var curve = -1, point = -1;
gd._fullData.forEach(function (t, c) {
  var at = Array.prototype.indexOf.call(t.locations || [], code);
  if (at >= 0) { curve = c; point = at; }
});
var b = window.__bench;
b.click = performance.now();
sessionStorage.setItem("__bench_click", String(performance.timeOrigin + b.click));
gd.emit("plotly_click", {points: [{location: code, curveNumber: curve, pointNumber: point}]});
"""


SCROLL_JS = 'arguments[0].scrollIntoView({block: "center", behavior: "instant"});'


def into_view(driver, element):
    """Scroll ``element`` to the middle of the window at once (Bootstrap makes
    scrolling smooth, and a click computed mid-scroll misses)."""
    driver.execute_script(SCROLL_JS, element)
    return element


class Steps:
    """Runs the groups; records into ``rec``."""

    def __init__(self, rec: Recorder, token: str, username: str, password: str, chosen: set[str]):
        self.rec = rec
        self.driver = rec.driver
        self.token = token
        self.username = username
        self.password = password
        self.chosen = chosen
        self.tabs: list[tuple[str, str]] = []

    def want(self, key: str) -> bool:
        return key in self.chosen

    def safely(self, step: str, action) -> Sample | None:
        """Run one measurement; a browser error is recorded, not raised."""
        try:
            return action()
        except WebDriverException as error:
            message = (error.msg or type(error).__name__).splitlines()[0][:160]
            return self.rec.add(step, Sample(None, note=f"error: {message}"))

    def start(self, step: str, path: str, target: Target) -> Sample | None:
        """Load a click step's starting page (not measured); when it does not
        settle, the step's run is recorded as failed."""
        chrome.blank(self.driver)
        loaded = self.safely(step, lambda: self.rec.load(None, path, target))
        if loaded is not None and loaded.ms is None:
            self.rec.add(step, Sample(None, note=f"starting page {path} did not settle: {loaded.note}"))
        return loaded

    # --- setup -----------------------------------------------------------------

    def log_in(self) -> None:
        """Through the /login form, as a person would."""
        chrome.forget_session(self.driver)
        self.driver.get(self.rec.base + "/login")
        self.driver.find_element(By.ID, "username").send_keys(self.username)
        self.driver.find_element(By.ID, "password").send_keys(self.password)
        self.driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        deadline = time.monotonic() + 30
        while "/login" in self.driver.current_url and time.monotonic() < deadline:
            time.sleep(0.1)
        if "/login" in self.driver.current_url:
            raise RuntimeError(f"could not log in as {self.username}")

    def cold_visit(self, step: str, path: str, target: Target) -> None:
        """One visit with an empty cache, not in the timings: its time and bytes
        go in the step's notes."""
        chrome.cold(self.driver)
        chrome.blank(self.driver)
        try:
            sample = self.rec.load(None, path, target)
        finally:
            chrome.warm(self.driver)
        ms = f"{sample.ms:.0f} ms" if sample.ms is not None else "timeout"
        self.rec.note(step, f"cold first visit {ms}, {sample.kb:.0f} KB")

    # --- the groups ------------------------------------------------------------

    def screen(self, run: int) -> None:
        kiosk = f"/kiosk/{self.token}"
        if self.want("screen-cold"):
            chrome.forget_session(self.driver)
            chrome.cold(self.driver)
            self.safely("screen-cold", lambda: self.rec.load("screen-cold", kiosk, SCREEN))
            chrome.warm(self.driver)
        if self.want("screen-warm"):
            if run == 0:  # fill the cache once: the cold runs did not store anything
                chrome.forget_session(self.driver)
                self.safely("screen-warm", lambda: self.rec.load(None, kiosk, SCREEN))
            chrome.forget_session(self.driver)
            self.safely("screen-warm", lambda: self.rec.load("screen-warm", kiosk, SCREEN))

    def region(self, run: int) -> None:
        city = Target(selectors=REGION, url="/")
        if run == 0 and self.want("city"):
            self.cold_visit("city", "/", city)
        chrome.blank(self.driver)
        key = "city" if self.want("city") else None
        loaded = self.safely("city", lambda: self.rec.load(key, "/", city))
        if self.want("drill-map"):
            if loaded is None or loaded.ms is None:
                loaded = self.start("drill-map", "/", city)
            if loaded is not None and loaded.ms is not None:
                self.safely("drill-map", self.drill_map)
        if self.want("drill-table") or self.want("drill-village"):
            first = "drill-table" if self.want("drill-table") else "drill-village"
            town = self.start(first, "/", city)
            if town is not None and town.ms is not None:
                key = "drill-table" if self.want("drill-table") else None
                town = self.safely(first, lambda: self.drill_row(key, REGION))
                if town is not None and town.ms is None and key is None:
                    self.rec.add("drill-village", Sample(None, note="the town page did not settle"))
            if self.want("drill-village") and town is not None and town.ms is not None:
                self.safely("drill-village", lambda: self.drill_row("drill-village", VILLAGE))
        if self.want("window"):
            loaded = self.start("window", "/", city)
            if loaded is not None and loaded.ms is not None:
                self.safely("window", self.switch_window)

    def warnings(self, run: int) -> None:
        target = Target(selectors=QUEUE, url="/warnings")
        if run == 0 and self.want("warnings"):
            self.cold_visit("warnings", "/warnings", target)
        if self.want("warnings"):
            chrome.blank(self.driver)
            start = self.safely("warnings", lambda: self.rec.load("warnings", "/warnings", target))
        else:
            start = self.start("warnings-filter", "/warnings", target)
        if self.want("warnings-filter") and start is not None and start.ms is not None:
            self.safely("warnings-filter", self.filter_warnings)

    def inspect(self, run: int) -> None:
        target = Target(selectors=INSPECT, url="/inspect")
        if run == 0 and self.want("inspect"):
            self.cold_visit("inspect", "/inspect", target)
        if self.want("inspect"):
            chrome.blank(self.driver)
            start = self.safely("inspect", lambda: self.rec.load("inspect", "/inspect", target))
        else:
            self.rec.labels["tab start"] = "/inspect tabs: the starting page"
            start = self.start("tab start", "/inspect", target)
        if not self.want("inspect-tabs") or start is None or start.ms is None:
            return
        if not self.tabs:
            links = self.driver.find_elements(By.CSS_SELECTOR, "#inspect-tabs a")
            self.tabs = [(a.text.strip(), a.get_attribute("href").split("section=")[-1]) for a in links]
            for label, section in self.tabs:
                self.rec.labels[f"tab {section}"] = f"/inspect tab {label} ({section})"
        # every tab after the open one, then back to the first
        for label, section in [*self.tabs[1:], self.tabs[0]]:
            self.safely(f"tab {section}", lambda label=label, section=section: self.tab(label, section))

    # --- the clicks --------------------------------------------------------------

    def drill_map(self) -> Sample:
        spot = self.driver.execute_script(MAP_TARGET_JS)
        if spot["mode"] == "none":
            return self.rec.add("drill-map", Sample(None, note="no town found on the map"))
        self.driver.execute_script(LISTEN_MAP_JS)
        state = {"code": spot.get("code")}

        def act() -> str:
            actions = ActionChains(self.driver)
            pointer = actions.w3c_actions.pointer_action
            pointer.move_to_location(int(spot["x"]), int(spot["y"]))
            pointer.pause(0.2)  # the map computes what is under the pointer on move
            pointer.click()
            actions.perform()
            deadline = time.monotonic() + 1.5
            while time.monotonic() < deadline:
                found = self.driver.execute_script("return window.__bench.mapClick")
                if found:
                    state["code"] = found.get("location") or state["code"]
                    return f"real mouse click ({spot['mode']})"
                time.sleep(0.05)
            if not state["code"]:
                return f"real mouse click ({spot['mode']}) not taken, no code to emit"
            self.driver.execute_script(EMIT_CLICK_JS, state["code"])
            return f"emitted plotly_click ({spot['mode']}): the real click was not taken"

        url = "/region/"
        target = Target(selectors=REGION, url=url)
        sample = self.rec.click("drill-map", act, target)
        if state["code"] and f"{url}{state['code']}" not in self.driver.current_url:
            sample.note = "; ".join(x for x in (sample.note, "opened another region") if x)
        self.rec.note("drill-map", sample.note)
        return sample

    def drill_row(self, step: str | None, page: tuple[str, ...]) -> Sample:
        found = self.driver.find_element(By.CSS_SELECTOR, '#region-ranking a[href*="/region/"]')
        link = into_view(self.driver, found)
        name = link.text.strip()
        path = link.get_attribute("href").split("://", 1)[-1].split("/", 1)[-1].split("?")[0]
        target = Target(selectors=page, text=("h1.region-title", name), url=f"/{path}")
        return self.rec.click(step, link.click, target)

    def switch_window(self) -> Sample:
        value, label = NEW_WINDOW
        button = self.driver.find_element(
            By.XPATH, f"//*[@id='window-preset']//label[normalize-space()='{label}']"
        )
        into_view(self.driver, button)
        target = Target(selectors=REGION, text=("#window-preset label.active", label), url=f"window={value}")
        return self.rec.click("window", button.click, target)

    def filter_warnings(self) -> Sample:
        """Open the category dropdown (not measured), pick its first option."""
        into_view(self.driver, self.driver.find_element(By.ID, "queue-category")).click()
        option = None
        deadline = time.monotonic() + 5
        while option is None and time.monotonic() < deadline:
            found = self.driver.find_elements(By.CSS_SELECTOR, "[role=listbox] [role=option]")
            option = found[0] if found else None
            time.sleep(0.05)
        if option is None:
            return self.rec.add("warnings-filter", Sample(None, note="the category dropdown did not open"))
        label = option.text.strip()
        into_view(self.driver, option)
        target = Target(selectors=QUEUE, text=("#queue-category", label), url="category=")
        return self.rec.click("warnings-filter", option.click, target)

    def tab(self, label: str, section: str) -> Sample:
        link = self.driver.find_element(By.XPATH, f"//*[@id='inspect-tabs']//a[normalize-space()='{label}']")
        into_view(self.driver, link)
        target = Target(selectors=INSPECT, text=("#inspect-tabs a.active", label), url=f"section={section}")
        return self.rec.click(f"tab {section}", link.click, target)
