"""The wall screen read from across the room (docs/screen.md, "Wall screen
design"): every visible text on the 1920x1080 canvas measured in the
browser, for the kiosk and for logged-in city, town, village and
two-village screens.

- no text under 22 px; panel titles at least 28 px; headline figures at
  least 64 px; map labels at least 20 px, each with a halo;
- every text at a contrast of at least 4.5:1 (WCAG 2) on its background,
  computed here: the background is every layer under the text (background
  colours and gradient stops, composited), taken at its worst (the
  brightest under light text, the darkest under dark text); a text with a
  halo is read against its halo;
- the map at least 35% of the canvas.
"""

from __future__ import annotations

import pytest

from cockpit.components import urls
from cockpit.ids import ScreenIds
from tests.browser.helpers import INSPECTOR, KIOSK_TOKEN, TOWN_OFFICER, css

pytestmark = pytest.mark.browser

MIN_TEXT, MIN_TITLE, MIN_FIGURE, MIN_MAP_LABEL = 22, 28, 64, 20
MIN_CONTRAST = 4.5
MIN_MAP_SHARE = 0.35

# Every visible text node of the canvas: its text, font size (CSS px on the
# 1920x1080 canvas), contrast, and what it is.
MEASURE = """
const canvas = document.querySelector('.screen-canvas');
const box = canvas.getBoundingClientRect();
const scale = box.width / 1920;
const BODY = [3, 10, 28, 1];
function colours(text) {
  return (text.match(/rgba?\\([^)]*\\)|#[0-9a-fA-F]{6}\\b/g) || []).map(c => {
    if (c[0] === '#') return [1, 3, 5].map(i => parseInt(c.substr(i, 2), 16)).concat([1]);
    const p = c.slice(c.indexOf('(') + 1, -1).split(',').map(parseFloat);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  });
}
function over(top, base) {
  const a = top[3];
  return [0, 1, 2].map(i => top[i] * a + base[i] * (1 - a)).concat([1]);
}
function lum(c) {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
}
function contrast(a, b) {
  const x = lum(a), y = lum(b);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}
function backgrounds(el) {
  // The brightest and the darkest the layers under el can composite to.
  const chain = [];
  for (let e = el; e; e = e.parentElement) {
    chain.push(e);
    if (e === canvas) break;
  }
  let bright = BODY, dark = BODY;
  for (const e of chain.reverse()) {
    if (e instanceof SVGElement && !(e instanceof SVGSVGElement)) continue;
    const s = getComputedStyle(e);
    const layer = colours(s.backgroundColor).filter(c => c[3] > 0).concat(colours(s.backgroundImage));
    if (!layer.length) continue;
    const solid = colours(s.backgroundColor).some(c => c[3] >= 1);
    const tops = layer.map(c => [over(c, bright), over(c, dark)]).flat();
    if (!solid) tops.push(bright, dark);
    tops.sort((a, b) => lum(a) - lum(b));
    dark = tops[0]; bright = tops[tops.length - 1];
  }
  return [bright, dark];
}
function clipped(el) {
  // The part of the canvas el can show through: overflow-clipping ancestors.
  let r = {left: box.left, top: box.top, right: box.right, bottom: box.bottom};
  for (let e = el.parentElement; e && e !== canvas; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.overflow !== 'visible' || s.overflowX !== 'visible' || s.overflowY !== 'visible') {
      const b = e.getBoundingClientRect();
      r = {left: Math.max(r.left, b.left), top: Math.max(r.top, b.top),
           right: Math.min(r.right, b.right), bottom: Math.min(r.bottom, b.bottom)};
    }
  }
  return r;
}
function shows(rect, r) {
  const w = Math.min(rect.right, r.right) - Math.max(rect.left, r.left);
  const h = Math.min(rect.bottom, r.bottom) - Math.max(rect.top, r.top);
  return w > 2 && h > 2;
}
const found = [];
const walker = document.createTreeWalker(canvas, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const text = node.nodeValue.trim();
  const el = node.parentElement;
  if (!text || !el || !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
  const range = document.createRange();
  range.selectNodeContents(node);
  const area = clipped(el);
  const rects = el instanceof SVGElement ? [el.getBoundingClientRect()] : Array.from(range.getClientRects());
  if (!rects.some(rect => shows(rect, area))) continue;
  const s = getComputedStyle(el);
  const colour = colours(el instanceof SVGElement ? s.fill : s.color)[0] || [0, 0, 0, 1];
  const halo = s.textShadow && s.textShadow !== 'none' ? colours(s.textShadow)[0] : null;
  let ratio;
  if (halo) {
    ratio = contrast(colour, over(halo, BODY));
  } else {
    const [bright, dark] = backgrounds(el);
    ratio = Math.min(contrast(over(colour, bright), bright), contrast(over(colour, dark), dark));
  }
  let kind = 'text';
  if (el.closest('.panel-title')) kind = 'title';
  else if (el.closest('.kpi-group .kpi-value')) kind = 'figure';  // the headline figures
  else if (el.closest('.scattergeo')) kind = 'map-label';
  found.push({text: text.slice(0, 40), size: parseFloat(s.fontSize), contrast: Math.round(ratio * 100) / 100,
              kind, halo: !!halo});
}
const map = document.querySelector('.panel-map').getBoundingClientRect();
return {texts: found, mapShare: (map.width * map.height) / (box.width * box.height), scale};
"""


def measure(cockpit) -> dict:
    return cockpit.driver.execute_script(MEASURE)


def open_wall(cockpit, path: str) -> None:
    cockpit.open(path, css(ScreenIds.CANVAS))
    cockpit.wait_kpis(ScreenIds.KPIS)
    cockpit.wait(
        lambda: cockpit.driver.execute_script(
            "return document.querySelectorAll('.screen-canvas .js-plotly-plot .main-svg').length > 0"
            " && !document.querySelector('[data-dash-is-loading=\"true\"]');"
        ),
        "the screen's charts were never drawn",
    )


def assert_legible(report: dict, where: str) -> None:
    texts = report["texts"]
    assert len(texts) > 30, f"{where}: only {len(texts)} texts found"
    small = [t for t in texts if t["size"] < MIN_TEXT - 0.01]
    assert small == [], f"{where}: text under {MIN_TEXT}px"
    titles = [t for t in texts if t["kind"] == "title"]
    assert titles and all(t["size"] >= MIN_TITLE for t in titles), f"{where}: {titles}"
    figures = [t for t in texts if t["kind"] == "figure"]
    assert len(figures) >= 7 and all(t["size"] >= MIN_FIGURE for t in figures), f"{where}: {figures}"
    labels = [t for t in texts if t["kind"] == "map-label"]
    assert all(t["size"] >= MIN_MAP_LABEL and t["halo"] for t in labels), f"{where}: {labels}"
    faint = [t for t in texts if t["contrast"] < MIN_CONTRAST]
    assert faint == [], f"{where}: contrast under {MIN_CONTRAST}"
    assert report["mapShare"] >= MIN_MAP_SHARE, f"{where}: the map is {report['mapShare']:.1%} of the canvas"


def test_the_kiosk_screen_is_legible_from_across_the_room(start_cockpit, sample_city):
    cockpit = start_cockpit(sample_city, user=None)
    cockpit.driver.get(cockpit.base + urls.kiosk_href(KIOSK_TOKEN))
    cockpit.wait_for_location(urls.SCREEN)
    open_wall(cockpit, urls.SCREEN)
    report = measure(cockpit)
    assert_legible(report, "kiosk")
    labels = {t["text"] for t in report["texts"] if t["kind"] == "map-label"}
    assert labels == {town.name for town in sample_city.towns}  # every town named on the map
    cockpit.check()


@pytest.mark.parametrize("scope", ["city", "town", "village"])
def test_the_logged_in_screen_is_legible_at_every_scope(cockpit, scope):
    city = cockpit.city
    town = city.towns[0]
    region = {"city": None, "town": town.code, "village": city.villages[town.code][0].code}[scope]
    open_wall(cockpit, urls.SCREEN + (f"?region={region}" if region else ""))
    report = measure(cockpit)
    assert_legible(report, scope)
    if scope == "town":
        labels = {t["text"] for t in report["texts"] if t["kind"] == "map-label"}
        assert labels == {v.name for v in city.villages[town.code]}
    cockpit.check()


@pytest.mark.parametrize("user", [TOWN_OFFICER, INSPECTOR])
def test_a_town_officers_and_an_inspectors_screens_are_legible(start_cockpit, sample_city, user):
    cockpit = start_cockpit(sample_city, user=user)
    open_wall(cockpit, urls.SCREEN)
    assert_legible(measure(cockpit), user)
    cockpit.check()


@pytest.mark.parametrize(
    "panels",
    [("handling", "escalation", "overdue", "repeated"), ("disclosure", "queries", "satisfaction", "links")],
    ids=",".join,
)
def test_every_panel_the_setting_offers_is_legible(start_cockpit, sample_city, panels):
    cockpit = start_cockpit(sample_city, screen_panels=panels)
    open_wall(cockpit, urls.SCREEN)
    assert_legible(measure(cockpit), ",".join(panels))
    cockpit.check()
