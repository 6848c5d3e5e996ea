/* The one map: draws the children of the current area coloured by a figure, event pins at
   street level and below; clicking an area drills down, clicking a pin opens the event.
   Leaflet is served from the xstatic-leaflet package; base tiles only if configured. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var d = el.dataset;
  var higherIsBetter = d.figure === "on_time_close_rate";
  // counts get whole-number bins; rates (already in %) get whole percentages
  var isRate = /rate$/.test(d.figure || "");
  function legendLabel(from) {
    return isRate ? Math.round(from) + "%" : String(Math.ceil(from));
  }
  var palette = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  var good = ["#a50f15", "#de2d26", "#fb6a4a", "#fcae91", "#fee5d9"];
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: Boolean(d.tileUrl) });
  if (d.tileUrl) {
    L.tileLayer(d.tileUrl, { attribution: d.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }

  function name(p) { return (d.lang === "en" && p.name_en) ? p.name_en : p.name; }
  function value(figs, code) {
    var f = figs[code];
    if (!f) { return null; }
    var v = f[d.figure];
    return (v === null || v === undefined) ? null : Number(v);
  }
  function colourFor(v, lo, hi) {
    if (v === null) { return "#d9dde3"; }
    var t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    var i = Math.min(4, Math.max(0, Math.floor(t * 5)));
    return higherIsBetter ? good[4 - i] : palette[i];
  }
  function drill(code) {
    var url = new URL(window.location.href);
    url.searchParams.set("area", code);
    window.location.assign(url.toString());
  }

  Promise.all([
    fetch(d.areasUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }),
    fetch(d.figuresUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); })
  ]).then(function (res) {
    var areas = res[0], figs = res[1].figures || {};
    var values = areas.children.features.map(function (f) { return value(figs, f.id); })
      .filter(function (v) { return v !== null; });
    var lo = values.length ? Math.min.apply(null, values) : 0;
    var hi = values.length ? Math.max.apply(null, values) : 0;
    var bounds = null;
    if (areas.area && areas.area.geometry) {
      var frame = L.geoJSON(areas.area, { style: { color: "#1b1f24", weight: 2, fill: false } });
      frame.addTo(map);
      bounds = frame.getBounds();
    }
    var layer = L.geoJSON(areas.children, {
      style: function (f) {
        return { color: "#3b4450", weight: 1, fillOpacity: 0.7,
                 fillColor: colourFor(value(figs, f.id), lo, hi) };
      },
      onEachFeature: function (f, lyr) {
        var v = value(figs, f.id);
        var few = areas.children.features.length <= 40;
        lyr.bindTooltip(name(f.properties) + (v === null ? "" : (d.lang === "zh" ? "：" : ": ") + v),
          few ? { permanent: true, direction: "center", className: "area-label" }
              : { sticky: true });
        if (areas.child_level) { lyr.on("click", function () { drill(f.id); }); }
        lyr.on("add", function () {
          var path = lyr.getElement && lyr.getElement();
          if (path) { path.setAttribute("data-code", f.id); }
        });
      }
    }).addTo(map);
    if (layer.getLayers().length) { bounds = layer.getBounds(); }
    if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [8, 8] }); }
    else { map.setView([39.13, 117.2], 9); }
    var legend = document.getElementById("map-legend");
    if (legend && values.length) {
      legend.textContent = "";
      [0, 1, 2, 3, 4].forEach(function (i) {
        var from = lo + (hi - lo) * i / 5, swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.background = higherIsBetter ? good[4 - i] : palette[i];
        legend.appendChild(swatch);
        legend.appendChild(document.createTextNode(" ≥ " + legendLabel(from) + "  "));
      });
    }
    el.setAttribute("data-ready", "1");
  }).catch(function () { el.setAttribute("data-error", "1"); });

  if (d.pinsUrl) {
    fetch(d.pinsUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (pins) {
        var colours = { green: "#1f7a3a", yellow: "#a86200", red: "#b3261e" };
        L.geoJSON(pins, {
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, { radius: 8, weight: 2, color: "#fff",
              fillColor: colours[f.properties.colour] || "#0b5cad", fillOpacity: 1 });
          },
          onEachFeature: function (f, lyr) {
            var a = document.createElement("a");
            a.href = f.properties.url;
            a.textContent = f.properties.title + " (" + f.properties.status + ")";
            a.className = "pin-link";
            lyr.bindPopup(a);
            lyr.on("add", function () {
              var path = lyr.getElement && lyr.getElement();
              if (path) { path.setAttribute("data-event", String(f.id)); }
            });
          }
        }).addTo(map);
        el.setAttribute("data-pins", String(pins.features.length));
      });
  }
})();
