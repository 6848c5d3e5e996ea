/* The event's place on a small map (no tiles unless configured): the pin, and its grid's
   outline so the place reads without base tiles. */
(function () {
  "use strict";
  var el = document.getElementById("event-map");
  if (!el || !window.L) { return; }
  var ll = L.latLng(Number(el.dataset.lat), Number(el.dataset.lon));
  var map = L.map(el, { attributionControl: Boolean(el.dataset.tileUrl), zoomSnap: 0.25 })
    .setView(ll, 15);
  if (el.dataset.tileUrl) { L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map); }
  L.circle(ll, { radius: 120, color: "#0b5cad", weight: 1, fillOpacity: 0.1 }).addTo(map);
  L.circleMarker(ll, { radius: 9, color: "#fff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 }).addTo(map);
  if (!el.dataset.areaUrl) { return; }
  fetch(el.dataset.areaUrl, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (a) {
      if (!a || !a.area || !a.area.geometry) { return; }
      var grid = L.geoJSON(a.area, { style: { color: "#1b1f24", weight: 2, fill: false,
                                              className: "event-area" } }).addTo(map);
      if (el.dataset.areaName) { grid.bindTooltip(el.dataset.areaName, { sticky: true }); }
      map.fitBounds(grid.getBounds().extend(ll), { padding: [12, 12] });
    });
})();
