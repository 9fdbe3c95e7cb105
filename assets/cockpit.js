/* The cockpit's browser side: the wall screen's clock and its scaling, and
 * saving the import page's rejects file.
 * No network access; nothing here depends on anything outside this file. */
(function () {
  "use strict";

  /* Which page is loading, before any of it is drawn: the wall screen's
   * skeleton is dark (cockpit.css). */
  if (/^\/(screen|kiosk)(\/|$)/.test(window.location.pathname)) {
    document.documentElement.setAttribute("data-page", "screen");
  }

  var CANVAS_W = 1920;
  var CANVAS_H = 1080;
  var WEEKDAYS = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"];

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /* Local time in Asia/Shanghai (UTC+8 all year), whatever the browser's zone. */
  function shanghaiNow() {
    var now = new Date();
    return new Date(now.getTime() + (now.getTimezoneOffset() + 480) * 60000);
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    cockpit: {
      clock: function () {
        var t = shanghaiNow();
        return (
          t.getFullYear() + "-" + pad(t.getMonth() + 1) + "-" + pad(t.getDate()) + " " +
          WEEKDAYS[t.getDay()] + " " + pad(t.getHours()) + ":" + pad(t.getMinutes()) + ":" + pad(t.getSeconds())
        );
      },
      /* Which region of the wall screen's rotation is shown: "轮播 3 / 15 · 每 30 秒". */
      rotationStatus: function (focus, rotation, interval, disabled) {
        if (disabled || !rotation || rotation.length < 2) return "";
        var at = rotation.indexOf(focus);
        return "轮播 " + (at < 0 ? 1 : at + 1) + " / " + rotation.length + " · 每 " + Math.round(interval / 1000) + " 秒";
      },
      /* A click on a region of a map opens that region: the figure's layers
       * carry their links (cockpit.figures.region_map), so nothing is asked
       * of the server. Only a path on this site is followed. */
      mapDrill: function (click, figure) {
        var point = click && click.points && click.points[0];
        var trace = point && figure && figure.data && figure.data[point.curveNumber];
        var links = trace && trace.meta && trace.meta.links;
        var href = links && links[point.location];
        if (typeof href !== "string" || href.charAt(0) !== "/" || href.charAt(1) === "/") {
          return window.dash_clientside.no_update;
        }
        return href;
      },
      /* 下载被拒行 on the import page: save the rejects CSV the import left
       * in the page (it never travels back to the server; a server callback
       * logs the download). */
      saveRejects: function (nClicks, stored) {
        if (!nClicks || !stored || typeof stored.content !== "string") {
          return window.dash_clientside.no_update;
        }
        return { filename: stored.filename, content: stored.content, type: "text/csv" };
      },
    },
  });

  /* HtmlBlock (cockpit.components.markup): server-built, escaped markup
   * drawn in one element, instead of a Dash component per cell. */
  window.cockpit_markup = {
    HtmlBlock: function (props) {
      var React = window.React;
      var state = React.useState(false);
      var open = state[0] && props.expanded;
      var block = React.createElement("div", {
        key: "markup",
        dangerouslySetInnerHTML: { __html: (open ? props.expanded : props.html) || "" },
      });
      var more = props.expanded && !open
        ? React.createElement(
            "button",
            { key: "more", type: "button", className: "btn btn-link btn-sm markup-more", onClick: function () { state[1](true); } },
            props.expand_label || "显示全部"
          )
        : null;
      return React.createElement("div", { id: props.id, className: props.className }, block, more);
    },
  };

  /* Links in an HtmlBlock (data-nav) open inside the app as dcc.Link does:
   * the URL changes and Dash's router draws the page, nothing reloads. A
   * click elsewhere on a row with data-href opens that row's link. Modified
   * clicks (new tab, new window) are left to the browser. */
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (!event.target.closest) return;
    var link = event.target.closest("a[data-nav]");
    var row = link ? null : event.target.closest("tr[data-href]");
    if (link && link.target && link.target !== "_self") return;
    var href = link ? link.getAttribute("href") : row && row.getAttribute("data-href");
    if (!href) return;
    var url = new URL(href, window.location.href);
    if (url.origin !== window.location.origin) return;
    event.preventDefault();
    window.history.pushState({}, "", url.pathname + url.search + url.hash);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  });

  /* The wall screen's figures roll to a new value: when a KPI or today's
   * figure changes, it counts from the old number to the new one in about a
   * second (the text React drew is the end point, so nothing disagrees),
   * and its card glows while it does. */
  var shown = {};
  var ROLL_MS = 1200;
  function parseFigure(text) {
    var clean = (text || "").replace(/,/g, "");
    if (!/^-?\d+(\.\d+)?$/.test(clean)) return null;
    var dot = clean.indexOf(".");
    return { value: parseFloat(clean), decimals: dot < 0 ? 0 : clean.length - dot - 1, commas: text.indexOf(",") >= 0 || clean.length > 3 };
  }
  function formatFigure(value, decimals, commas) {
    var text = value.toFixed(decimals);
    if (!commas) return text;
    var parts = text.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.join(".");
  }
  function roll(node, from, to) {
    var text = node.firstChild;
    if (!text || text.nodeType !== 3) return;
    var end = text.nodeValue;
    node.setAttribute("data-target", end); // what watchFigures reads while rolling
    var card = node.closest(".kpi-card, .today-figure");
    if (card) {
      card.classList.remove("figure-changed");
      void card.offsetWidth;
      card.classList.add("figure-changed");
    }
    var started = null;
    function step(at) {
      if (text.parentNode !== node) return; // redrawn meanwhile: React's text stands
      if (started === null) started = at;
      var t = Math.min(1, (at - started) / ROLL_MS);
      var eased = 1 - Math.pow(1 - t, 3);
      text.nodeValue = t < 1 ? formatFigure(from.value + (to.value - from.value) * eased, to.decimals, to.commas) : end;
      if (t < 1) window.requestAnimationFrame(step);
      else node.removeAttribute("data-target");
    }
    window.requestAnimationFrame(step);
  }
  function watchFigures() {
    var figures = document.querySelectorAll(".screen-canvas .kpi-value, .screen-canvas .today-value");
    for (var i = 0; i < figures.length; i++) {
      var node = figures[i];
      var holder = node.closest(".kpi-card, .today-figure");
      var label = holder && holder.querySelector(".kpi-label, .today-label");
      var key = (label ? label.textContent : "") + "#" + i;
      var now = node.getAttribute("data-target") || node.textContent;
      var before = shown[key];
      shown[key] = now;
      if (before === undefined || before === now) continue;
      var from = parseFigure(before);
      var to = parseFigure(now);
      if (from && to) roll(node, from, to);
    }
  }

  /* Scale the fixed 1920x1080 wall canvas to fit the viewport, centred,
   * without scrollbars (4K wall, projector, laptop alike). */
  var pending = false;
  function fit() {
    pending = false;
    watchFigures();
    var canvas = document.querySelector(".screen-canvas");
    document.body.classList.toggle("screen-mode", !!canvas);
    if (!canvas) return;
    var vw = window.innerWidth;
    var vh = window.innerHeight;
    var s = Math.min(vw / CANVAS_W, vh / CANVAS_H);
    var x = Math.max(0, (vw - CANVAS_W * s) / 2);
    var y = Math.max(0, (vh - CANVAS_H * s) / 2);
    var transform = "translate(" + x + "px, " + y + "px) scale(" + s + ")";
    if (canvas.style.transform !== transform) canvas.style.transform = transform;
  }
  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(fit);
    }
  }
  window.addEventListener("resize", schedule);
  new MutationObserver(schedule).observe(document.documentElement, { childList: true, subtree: true });
  schedule();
})();
