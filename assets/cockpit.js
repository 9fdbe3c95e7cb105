/* The cockpit's browser side: the wall screen's clock and its scaling, and
 * saving the import page's rejects file.
 * No network access; nothing here depends on anything outside this file. */
(function () {
  "use strict";

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
      /* A click on a region of a map opens that region: the figure's traces
       * carry their links (cockpit.figures.region_map), so nothing is asked
       * of the server. Only a path on this site is followed. */
      mapDrill: function (click, figure) {
        var point = click && click.points && click.points[0];
        var trace = point && figure && figure.data && figure.data[point.curveNumber];
        var href = trace && trace.meta && trace.meta.href;
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

  /* Scale the fixed 1920x1080 wall canvas to fit the viewport, centred,
   * without scrollbars (4K wall, projector, laptop alike). */
  var pending = false;
  function fit() {
    pending = false;
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
