"""When is a page "settled", judged inside the page, and how long it took.

Two scripts run in the page:

- ``INSTALL_JS`` is added to every new document before any of the page's
  own scripts (CDP ``Page.addScriptToEvaluateOnNewDocument``). It counts DOM
  mutations with a MutationObserver and keeps the ``performance.now()`` of the
  last one, raises the resource-timing buffer, and, once armed, keeps the
  timestamp of the first pointerdown/mousedown/click (an event's
  ``timeStamp`` is on the ``performance.now()`` clock). The click's time is
  also kept in sessionStorage as an epoch, in case the click reloads the page.
- ``SETTLE_JS`` (an async script) polls every 50 ms until the page is
  settled: no ``[data-dash-is-loading="true"]`` element and no Dash callback
  in flight (``window.store``), every visible plotly graph drawn, the step's
  target present, and no DOM change (mutation count and element count) for
  ``quiet`` ms. The settle time is the last change before that quiet period.

Mutations inside ``IGNORED`` (the wall screen's ticking clock, the refresh
indicator the shell's poll may touch) do not count as changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

IGNORED = ("#screen-clock", "#shell-refresh-status")
POLL_MS = 50
QUIET_MS = 300
TIMEOUT_MS = 30_000

INSTALL_JS = """
(function () {
  if (window.__bench) return;
  var ignored = IGNORED_SELECTORS;
  var b = (window.__bench = {
    id: Math.random().toString(36).slice(2), mutations: 0, last: performance.now(),
    armed: false, click: null, mapClick: null,
  });
  try { performance.setResourceTimingBufferSize(10000); } catch (e) {}
  // main-thread frames over 50 ms, and the script that took most of each
  b.frames = [];
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        var top = (e.scripts || []).slice().sort(function (x, y) { return y.duration - x.duration; })[0];
        var src = top ? (top.sourceURL || top.invoker || "").split("/").pop().split("?")[0] : "";
        b.frames.push({ start: e.startTime, duration: e.duration, script: src.split(".v")[0] });
      });
    }).observe({ type: "long-animation-frame", buffered: true });
  } catch (e) {}
  function counts(record) {
    var node = record.target;
    var el = node.nodeType === 1 ? node : node.parentElement;
    if (!el || !el.closest) return true;
    for (var i = 0; i < ignored.length; i++) if (el.closest(ignored[i])) return false;
    return true;
  }
  new MutationObserver(function (records) {
    var n = 0;
    for (var i = 0; i < records.length; i++) if (counts(records[i])) n++;
    if (n) { b.mutations += n; b.last = performance.now(); }
  }).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  ["pointerdown", "mousedown", "click"].forEach(function (type) {
    window.addEventListener(type, function (event) {
      if (!b.armed || b.click !== null) return;
      b.click = event.timeStamp;
      try { sessionStorage.setItem("__bench_click", String(performance.timeOrigin + event.timeStamp)); }
      catch (e) {}
    }, true);
  });
})();
""".replace("IGNORED_SELECTORS", json.dumps(list(IGNORED)))

# Before a measured click: forget earlier clicks and resource timings.
ARM_JS = """
var b = window.__bench;
b.armed = true; b.click = null; b.mapClick = null;
try { sessionStorage.removeItem("__bench_click"); } catch (e) {}
performance.clearResourceTimings();
return b.id;
"""

SETTLE_JS = """
var spec = arguments[0], done = arguments[arguments.length - 1];
var b = window.__bench;
var started = performance.now(), signature = null, lastChange = b.last;
var firstSeen = {};  // target part -> since when it has been there (without a gap)

function visible(el) { return el.getClientRects().length > 0; }
function graphName(gd) {
  var holder = gd.closest("[id]");
  return holder ? holder.id : "graph";
}
function undrawnGraphs(now) {
  var pending = [];
  document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
    if (!visible(gd)) return;
    var name = graphName(gd), full = gd._fullLayout;
    var filled = gd.data && (gd.data.length || (gd.layout && (gd.layout.annotations || []).length));
    var key = "graph " + name, why = null;
    if (!full || !filled) why = "empty";
    else {
      var maps = full._subplots ? (full._subplots.map || []).concat(full._subplots.mapbox || []) : [];
      var sub = (full.map || full.mapbox || {})._subplot;
      if (maps.length && !gd.querySelector("canvas")) why = "canvas";
      else if (maps.length && sub && sub.map && sub.map.loaded && !sub.map.loaded()) why = "map";
      else if (!maps.length && !gd.querySelector(".main-svg")) why = "svg";
    }
    if (why) { pending.push(name + ":" + why); delete firstSeen[key]; }
    else if (!(key in firstSeen)) firstSeen[key] = now;
  });
  return pending;
}
function missingTarget(now) {
  var missing = [];
  (spec.selectors || []).forEach(function (sel) {
    if (document.querySelector(sel)) {
      if (!(sel in firstSeen)) firstSeen[sel] = now;
    } else {
      missing.push(sel);
      delete firstSeen[sel];
    }
  });
  if (spec.text) {
    var el = document.querySelector(spec.text[0]);
    if (!el || el.textContent.indexOf(spec.text[1]) < 0) missing.push(spec.text[0] + " ~ " + spec.text[1]);
  }
  var here = location.pathname + location.search;
  if (spec.url && here.indexOf(spec.url) < 0) missing.push("url " + spec.url);
  return missing;
}
function loading() {
  var busy = [];
  document.querySelectorAll('[data-dash-is-loading="true"]').forEach(function (el) {
    busy.push("loading " + (el.id || el.className || el.tagName));
  });
  var store = window.store && window.store.getState && window.store.getState();
  if (store && store.isLoading) busy.push("callbacks in flight");
  return busy;
}
function bytes() {
  var res = 0, nav = 0, slowest = 0;
  performance.getEntriesByType("resource").forEach(function (e) {
    res += e.transferSize || 0;
    if (e.initiatorType === "fetch" || e.initiatorType === "xmlhttprequest") {
      slowest = Math.max(slowest, e.duration);
    }
  });
  performance.getEntriesByType("navigation").forEach(function (e) { nav += e.transferSize || 0; });
  return {
    resource: res, navigation: nav, slowest: slowest,
    requests: performance.getEntriesByType("resource").length,
  };
}
function longest(since) {
  var worst = null;
  (b.frames || []).forEach(function (f) {
    if (f.start >= since && (!worst || f.duration > worst.duration)) worst = f;
  });
  return worst;
}
function tick() {
  var now = performance.now();
  var nodes = document.getElementsByTagName("*").length;
  var sig = nodes + ":" + b.mutations;
  if (sig !== signature) {
    signature = sig;
    lastChange = Math.max(b.last, lastChange);
  }
  var pending = loading().concat(undrawnGraphs(now), missingTarget(now));
  var clickEpoch = b.click !== null ? performance.timeOrigin + b.click : null;
  if (clickEpoch === null) {
    var kept = null;
    try { kept = sessionStorage.getItem("__bench_click"); } catch (e) {}
    if (kept) clickEpoch = parseFloat(kept);
  }
  var result = {
    settled: false, pending: pending, last: lastChange, now: now, origin: performance.timeOrigin,
    clickEpoch: clickEpoch, nodes: nodes, bytes: bytes(), firstSeen: firstSeen, doc: b.id,
    mapClick: b.mapClick, url: location.pathname + location.search,
    longest: longest(b.click !== null ? b.click : 0),
  };
  if (!pending.length && now - lastChange >= spec.quiet) {
    result.settled = true;
    done(result);
  } else if (now - started > spec.timeout) {
    done(result);
  } else {
    setTimeout(tick, spec.poll);
  }
}
tick();
"""


@dataclass(frozen=True)
class Target:
    """What must be on the page for a step to be done: every CSS selector
    matches, ``text`` is (selector, text the element contains), ``url`` a
    part of location's path and query."""

    selectors: tuple[str, ...] = ()
    text: tuple[str, str] | None = None
    url: str | None = None

    def spec(self, timeout_ms: int = TIMEOUT_MS) -> dict:
        return {
            "selectors": list(self.selectors),
            "text": list(self.text) if self.text else None,
            "url": self.url,
            "timeout": timeout_ms,
            "quiet": QUIET_MS,
            "poll": POLL_MS,
        }


@dataclass
class Settled:
    """What SETTLE_JS found: whether it settled, when the page last changed
    (ms on the page's clock), and the page's weight then."""

    settled: bool
    last: float
    origin: float
    click_epoch: float | None
    nodes: int
    resource_bytes: int
    navigation_bytes: int
    requests: int
    slowest_fetch: float
    pending: list[str]
    longest_frame: dict | None = None
    first_seen: dict[str, float] = field(default_factory=dict)
    doc: str = ""
    url: str = ""
    map_click: object = None

    @classmethod
    def from_page(cls, found: dict) -> Settled:
        return cls(
            settled=bool(found["settled"]),
            last=float(found["last"]),
            origin=float(found["origin"]),
            click_epoch=found.get("clickEpoch"),
            nodes=int(found["nodes"]),
            resource_bytes=int(found["bytes"]["resource"]),
            navigation_bytes=int(found["bytes"]["navigation"]),
            requests=int(found["bytes"]["requests"]),
            slowest_fetch=float(found["bytes"]["slowest"]),
            pending=list(found.get("pending") or []),
            first_seen=dict(found.get("firstSeen") or {}),
            doc=str(found.get("doc") or ""),
            url=str(found.get("url") or ""),
            map_click=found.get("mapClick"),
            longest_frame=found.get("longest"),
        )

    @property
    def last_epoch(self) -> float:
        return self.origin + self.last


def wait_settled(driver, target: Target, timeout_ms: int = TIMEOUT_MS) -> Settled:
    """Poll in the page until it is settled or ``timeout_ms`` passed."""
    driver.set_script_timeout(timeout_ms / 1000 + 10)
    return Settled.from_page(driver.execute_async_script(SETTLE_JS, target.spec(timeout_ms)))


def install(driver) -> None:
    """Run INSTALL_JS in every document this browser opens from now on."""
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": INSTALL_JS})


def arm(driver) -> str:
    """Ready the page for a measured click; the document's id."""
    return driver.execute_script(ARM_JS)
