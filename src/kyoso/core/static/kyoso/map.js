/* Kyoso maps: Leaflet with an optional tile server; without one, the city's own GeoJSON
   (district outlines, points) is drawn on a plain background so the map never needs the internet. */
(function () {
  "use strict";
  function popupText(props) {
    var div = document.createElement("div");
    var title = document.createElement("strong");
    var lang = document.documentElement.lang;
    title.textContent = (lang === "en" && props.name_en) ? props.name_en : (props.name_ja || props.name || props.title || "");
    div.appendChild(title);
    if (props.description) { var p = document.createElement("p"); p.textContent = props.description; div.appendChild(p); }
    if (props.url) { var a = document.createElement("a"); a.href = props.url; a.textContent = props.link_text || "→"; div.appendChild(document.createElement("br")); div.appendChild(a); }
    return div;
  }
  function initMap(el) {
    if (el.dataset.ready) return el._kyosoMap;
    el.dataset.ready = "1";
    var center = (el.dataset.center || "36.6,140.65").split(",").map(Number);
    var map = L.map(el, { keyboard: true, scrollWheelZoom: false, zoomSnap: 0.25, maxZoom: 19 }).setView(center, Number(el.dataset.zoom || 11));
    el._kyosoMap = map;
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    }
    var fitted = false;
    function load(url, style) {
      return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
        var layer = L.geoJSON(data, {
          // On a map where people pick a point, outlines must not swallow the click.
          interactive: !el.dataset.pick,
          style: function () { return style; },
          pointToLayer: function (feature, latlng) {
            var p = feature.properties || {};
            if (p.symbol) {
              // Status by shape and word as well as colour: a symbol on a coloured badge.
              var badge = document.createElement("span");
              badge.className = "map-symbol";
              badge.textContent = p.symbol;
              badge.style.backgroundColor = p.color || "#b3261e";
              return L.marker(latlng, {
                icon: L.divIcon({ html: badge, className: "", iconSize: [26, 26], iconAnchor: [13, 13] }),
                title: p.status_label || "", alt: p.status_label || "", keyboard: true,
              });
            }
            return L.circleMarker(latlng, { radius: p.radius || 8, color: "#fff", weight: 2, fillColor: p.color || "#b3261e", fillOpacity: 0.95 });
          },
          onEachFeature: function (feature, lyr) { lyr.bindPopup(popupText(feature.properties || {})); },
        }).addTo(map);
        if (!fitted && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [10, 10], maxZoom: 16 }); fitted = true; }  // one point: street level
        return layer;
      });
    }
    if (el.dataset.geojson) load(el.dataset.geojson, { color: "#0b5c8a", weight: 2, fillColor: "#8cc0de", fillOpacity: 0.25 });
    if (el.dataset.points) {
      var pointsLayer = null;
      var refresh = function () {
        load(el.dataset.points, {}).then(function (layer) { if (pointsLayer) map.removeLayer(pointsLayer); pointsLayer = layer; });
      };
      refresh();
      if (el.dataset.refresh) setInterval(refresh, Number(el.dataset.refresh) * 1000);
    }
    if (el.dataset.pick) {
      var marker = null;
      map.on("click", function (e) {
        var lat = document.getElementById(el.dataset.pick + "_lat"), lon = document.getElementById(el.dataset.pick + "_lon");
        if (lat) lat.value = e.latlng.lat.toFixed(6);
        if (lon) lon.value = e.latlng.lng.toFixed(6);
        if (marker) marker.setLatLng(e.latlng); else marker = L.marker(e.latlng).addTo(map);
      });
    }
    return map;
  }
  window.KyosoMap = { init: initMap };
  function initAll() { document.querySelectorAll(".map[data-center]").forEach(initMap); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll); else initAll();
  document.addEventListener("htmx:afterSwap", initAll);
})();
