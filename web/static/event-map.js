/* The event's place on a small map (no tiles unless configured). */
(function () {
  "use strict";
  var el = document.getElementById("event-map");
  if (!el || !window.L) { return; }
  var ll = L.latLng(Number(el.dataset.lat), Number(el.dataset.lon));
  var map = L.map(el, { attributionControl: Boolean(el.dataset.tileUrl) }).setView(ll, 15);
  if (el.dataset.tileUrl) { L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map); }
  L.circle(ll, { radius: 120, color: "#0b5cad", weight: 1, fillOpacity: 0.1 }).addTo(map);
  L.circleMarker(ll, { radius: 9, color: "#fff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 }).addTo(map);
})();
