/* Kyoso maps: Leaflet over a tile server when one is configured (地理院タイル in production);
   without one, the city's own vector base map (districts with names, route lines, stations and
   stops, hospitals, community centres, city hall) from /<city>/map/base.geojson, so a map never
   needs the internet. A single point opens at street level with a pin; a pick map takes a tap,
   a click or the keyboard (arrows move the map, Enter puts the pin at the cross). */
(function () {
  "use strict";
  var STREET_ZOOM = 16;
  var FACILITY_SYMBOLS = { hospital: "病", clinic: "医", community_centre: "交", city_hall: "役", facility: "施" };

  function nameOf(props) {
    var lang = document.documentElement.lang;
    return (lang === "en" && props.name_en) ? props.name_en : (props.name_ja || props.name || props.title || "");
  }
  function popupText(props) {
    var div = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = nameOf(props);
    div.appendChild(title);
    if (props.status_label) { var s = document.createElement("p"); s.textContent = props.status_label; div.appendChild(s); }
    if (props.description) { var p = document.createElement("p"); p.textContent = props.description; div.appendChild(p); }
    if (props.url) { var a = document.createElement("a"); a.href = props.url; a.textContent = props.link_text || "→"; div.appendChild(document.createElement("br")); div.appendChild(a); }
    return div;
  }
  function label(latlng, text, cls) {
    var span = document.createElement("span");
    span.className = "map-label " + cls;
    span.textContent = text;
    return L.marker(latlng, { icon: L.divIcon({ html: span, className: "map-label-anchor", iconSize: null }), pane: "baseLabels", interactive: false, keyboard: false });
  }
  function pinIcon(text) {
    var pin = document.createElement("span");
    pin.className = "map-pin";
    if (text) pin.setAttribute("aria-hidden", "true");
    return L.divIcon({ html: pin, className: "map-pin-anchor", iconSize: [30, 40], iconAnchor: [15, 40], popupAnchor: [0, -36] });
  }
  // How near the view is, for CSS to show small labels only close up.
  function zoomClass(el, map) {
    var z = map.getZoom();
    el.dataset.zoomLevel = z >= 15 ? "near" : z >= 13 ? "mid" : "far";
  }

  function drawBase(el, map) {
    map.createPane("base");
    map.getPane("base").style.zIndex = 250;
    // Stops and facilities sit above a page's own area layer (districts tinted by a statistic).
    map.createPane("basePoints");
    map.getPane("basePoints").style.zIndex = 420;
    map.getPane("basePoints").style.pointerEvents = "none";
    map.createPane("baseLabels");
    map.getPane("baseLabels").style.zIndex = 450;
    map.getPane("baseLabels").style.pointerEvents = "none";
    return fetch(el.dataset.base, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      var groups = { district: [], route: [], point: [], label: [] };
      data.features.forEach(function (f) { (groups[f.properties.layer === "district" ? "district" : f.properties.layer === "route" ? "route" : "point"]).push(f); });
      L.geoJSON({ type: "FeatureCollection", features: groups.district }, {
        pane: "base", interactive: false,
        style: function () { return { className: "base-district", color: "#6b7c8c", weight: 1.5, dashArray: "5 4", fillColor: "#f6f3ea", fillOpacity: 0.9 }; },
      }).addTo(map);
      groups.route.forEach(function (f) {
        var p = f.properties, latlngs = f.geometry.coordinates.map(function (c) { return [c[1], c[0]]; });
        if (p.rail) {
          L.polyline(latlngs, { pane: "base", interactive: false, className: "base-route base-rail", color: "#333", weight: 5 }).addTo(map);
          L.polyline(latlngs, { pane: "base", interactive: false, className: "base-route-inner", color: "#fff", weight: 2.5, dashArray: "10 10" }).addTo(map);
        } else {
          L.polyline(latlngs, { pane: "base", interactive: false, className: "base-route", color: p.color || "#2f6fb0", weight: 3, opacity: 0.8 }).addTo(map);
        }
      });
      var labels = L.layerGroup();
      groups.point.forEach(function (f) {
        var p = f.properties, c = f.geometry.coordinates, latlng = [c[1], c[0]], name = nameOf(p), layer = p.layer;
        if (layer === "district_label") { labels.addLayer(label(latlng, name, "map-label-district")); return; }
        if (layer === "town" || layer === "landmark") { labels.addLayer(label(latlng, name, "map-label-town")); return; }
        if (layer === "station" || layer === "stop") {
          L.circleMarker(latlng, { pane: "basePoints", interactive: false, className: "base-" + layer, radius: layer === "station" ? 6 : 4,
            color: layer === "station" ? "#222" : "#1d5fa8", weight: layer === "station" ? 3 : 2, fillColor: "#fff", fillOpacity: 1 }).addTo(map);
          labels.addLayer(label(latlng, name, "map-label-" + layer));
          return;
        }
        var sym = document.createElement("span");
        sym.className = "map-facility map-facility-" + layer;
        sym.textContent = FACILITY_SYMBOLS[layer] || FACILITY_SYMBOLS.facility;
        L.marker(latlng, { pane: "basePoints", icon: L.divIcon({ html: sym, className: "base-facility", iconSize: [22, 22], iconAnchor: [11, 11] }), interactive: false, keyboard: false }).addTo(map);
        labels.addLayer(label(latlng, name, "map-label-facility"));
      });
      labels.addTo(map);
      el.dataset.baseFeatures = String(data.features.length);
    });
  }

  function showPoints(map, layer, fitted) {
    var bounds = layer.getBounds();
    if (fitted || !bounds.isValid()) return fitted;
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) map.setView(bounds.getCenter(), STREET_ZOOM);  // one point: street level, never fitBounds
    else map.fitBounds(bounds, { padding: [16, 16], maxZoom: 16 });
    return true;
  }

  function initMap(el) {
    if (el.dataset.ready) return el._kyosoMap;
    el.dataset.ready = "1";
    var center = (el.dataset.center || "36.6,140.65").split(",").map(Number);
    var map = L.map(el, { keyboard: true, scrollWheelZoom: false, zoomSnap: 0.25, maxZoom: 19 }).setView(center, Number(el.dataset.zoom || 11));
    el._kyosoMap = map;
    zoomClass(el, map);
    map.on("zoomend", function () { zoomClass(el, map); });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    } else if (el.dataset.base) {
      el.classList.add("map-offline");
      drawBase(el, map).catch(function () { el.dataset.baseFeatures = "0"; });
    }
    if (el.dataset.pin) {
      var at = el.dataset.pin.split(",").map(Number);
      var m = L.marker(at, { icon: pinIcon(), title: el.dataset.pinLabel || "", alt: el.dataset.pinLabel || "", keyboard: true }).addTo(map);
      if (el.dataset.pinLabel) m.bindPopup(popupText({ name: el.dataset.pinLabel }));
      map.setView(at, STREET_ZOOM);
    }
    var fitted = !!el.dataset.pin;
    function load(url, style) {
      return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
        var layer = L.geoJSON(data, {
          interactive: !el.dataset.pick,  // on a pick map, outlines must not swallow the click
          style: function () { return style; },
          pointToLayer: function (feature, latlng) {
            var p = feature.properties || {};
            if (p.symbol) {
              // Status by shape, word and colour: a symbol on a badge whose shape names the status.
              var badge = document.createElement("span");
              badge.className = "map-symbol map-shape-" + (p.shape || "circle");
              badge.textContent = p.symbol;
              badge.style.backgroundColor = p.color || "#b3261e";
              return L.marker(latlng, {
                icon: L.divIcon({ html: badge, className: "", iconSize: [28, 28], iconAnchor: [14, 14] }),
                title: p.status_label || "", alt: p.status_label || "", keyboard: true,
              });
            }
            if (data.features && data.features.length === 1) return L.marker(latlng, { icon: pinIcon(), keyboard: true, title: nameOf(p), alt: nameOf(p) });
            return L.circleMarker(latlng, { radius: p.radius || 8, color: "#fff", weight: 2, fillColor: p.color || "#b3261e", fillOpacity: 0.95 });
          },
          onEachFeature: function (feature, lyr) { lyr.bindPopup(popupText(feature.properties || {})); },
        }).addTo(map);
        fitted = showPoints(map, layer, fitted);
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
    if (el.dataset.pick) initPick(el, map);
    return map;
  }

  function initPick(el, map) {
    var prefix = el.dataset.pick, marker = null;
    var lat = document.getElementById(prefix + "_lat"), lon = document.getElementById(prefix + "_lon");
    var where = document.getElementById(prefix + "-where");
    var cross = document.createElement("div");
    cross.className = "map-cross";
    cross.setAttribute("aria-hidden", "true");
    el.appendChild(cross);
    function tell(latlng) {
      if (!where || !el.dataset.where) return;
      var url = el.dataset.where + "?lat=" + latlng.lat.toFixed(6) + "&lon=" + latlng.lng.toFixed(6);
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
        where.textContent = data.sentence;
        where.hidden = false;
        var select = document.getElementById("id_district");
        if (select && data.district && !select.value) select.value = String(data.district.id);
      });
    }
    function pick(latlng, zoom) {
      if (lat) lat.value = latlng.lat.toFixed(6);
      if (lon) lon.value = latlng.lng.toFixed(6);
      if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng, { icon: pinIcon(), keyboard: false, interactive: false }).addTo(map);
      if (zoom) map.setView(latlng, zoom); else map.panTo(latlng);
      tell(latlng);
    }
    el._kyosoPick = pick;
    map.on("click", function (e) { pick(e.latlng); });
    el.addEventListener("keydown", function (e) {
      if (e.target !== el || (e.key !== "Enter" && e.key !== " ")) return;
      e.preventDefault();
      map.stop();  // the cross is where the map is now, even in the middle of a pan
      pick(map.getCenter());
    });
    if (lat && lon && lat.value && lon.value) pick(L.latLng(Number(lat.value), Number(lon.value)), STREET_ZOOM);
  }

  window.KyosoMap = { init: initMap, STREET_ZOOM: STREET_ZOOM };
  function initAll() { document.querySelectorAll(".map[data-center]").forEach(initMap); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll); else initAll();
  document.addEventListener("htmx:afterSwap", initAll);
})();
