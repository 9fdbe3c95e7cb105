/* The world map plotly.js's geo subplots would fetch from cdn.plot.ly before
 * drawing anything, preloaded empty: the cockpit's maps draw only their own
 * region outlines (geo.visible false), and nothing may reach the internet
 * (docs/offline.md). Loaded by every page (Dash's /assets) and by kaleido
 * for the weekly pack's images (cockpit/export/render.py). */
(function () {
  "use strict";
  var assets = (window.PlotlyGeoAssets = window.PlotlyGeoAssets || { topojson: {} });
  assets.topojson = assets.topojson || {};
  var empty = { type: "Topology", objects: {}, arcs: [] };
  ["world_110m", "world_50m"].forEach(function (name) {
    if (!assets.topojson[name]) assets.topojson[name] = empty;
  });
})();
