/* Put a pin on a small map to fill the longitude/latitude fields (which stay typeable for
   keyboard and screen-reader users); "use my location" for a phone on patrol. */
(function () {
  "use strict";
  var el = document.getElementById("pin-map");
  if (!el || !window.L) { return; }
  var lon = document.getElementById("lon"), lat = document.getElementById("lat");
  var d = el.dataset;
  // quarter zoom steps: the reporter's area fills the map instead of a third of it
  var map = L.map(el, { attributionControl: Boolean(d.tileUrl), zoomSnap: 0.25 });
  if (d.tileUrl) { L.tileLayer(d.tileUrl, { maxZoom: 19 }).addTo(map); }
  var bbox = d.bbox ? JSON.parse(d.bbox) : null;
  if (bbox) {
    var b = L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]);
    L.rectangle(b, { color: "#0b5cad", weight: 1, fill: false }).addTo(map);
    map.fitBounds(b, { padding: [12, 12] });
  } else { map.setView([39.13, 117.2], 10); }
  if (d.areasUrl) {
    fetch(d.areasUrl, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (a) {
        if (!a) { return; }
        if (a.area && a.area.geometry) {
          L.geoJSON(a.area, { style: { color: "#1b1f24", weight: 2, fill: false } }).addTo(map);
        }
        L.geoJSON(a.children, { style: { color: "#6b7785", weight: 1, fillOpacity: 0.05 } }).addTo(map);
      });
  }
  var marker = null;
  function place(latlng, pan) {
    if (marker) { marker.setLatLng(latlng); }
    else { marker = L.circleMarker(latlng, { radius: 9, color: "#fff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 }).addTo(map); }
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    if (pan) { map.panTo(latlng); }
    el.setAttribute("data-pinned", "1");
  }
  if (lon.value && lat.value) { place(L.latLng(Number(lat.value), Number(lon.value)), true); }
  map.on("click", function (e) { place(e.latlng, false); });
  function typed() {
    if (lon.value && lat.value && !isNaN(lon.value) && !isNaN(lat.value)) {
      place(L.latLng(Number(lat.value), Number(lon.value)), true);
    }
  }
  lon.addEventListener("change", typed);
  lat.addEventListener("change", typed);
  var here = document.getElementById("use-location");
  if (here && navigator.geolocation) {
    here.hidden = false;
    here.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        place(L.latLng(pos.coords.latitude, pos.coords.longitude), true);
      });
    });
  }
})();
