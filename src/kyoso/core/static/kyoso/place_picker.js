/* Find a place by typing: an accessible combobox (WAI-ARIA APG "list autocomplete") over the
   city's gazetteer (/<city>/map/places.json: districts, 町名, stations, stops, facilities).
   Choosing a suggestion puts the pin of the pick map there, which says the district back. */
(function () {
  "use strict";
  var MAX = 8;
  // Compare as the server does: NFKC, lower case, no spaces, katakana as hiragana.
  function normalise(text) {
    var s = (text || "").normalize("NFKC").toLowerCase().replace(/[\s\u3000]+/g, "");
    return s.replace(/[\u30a1-\u30f6]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0x60); });
  }
  // An address such as 河原子町2丁目3-4 is searched by its town when nothing matches it whole.
  function shorter(q) { return q.replace(/[0-9\-－ー−丁目番地号の]+$/, "").replace(/[0-9]+丁目.*$/, ""); }
  function score(place, q) {
    var best = 9;
    place.match.forEach(function (m) {
      if (m === q) best = Math.min(best, 0);
      else if (m.indexOf(q) === 0) best = Math.min(best, 1);
      else if (m.indexOf(q) > 0) best = Math.min(best, 2);
      else if (q.length > 1 && q.indexOf(m) >= 0) best = Math.min(best, 3);
    });
    return best;
  }
  function search(places, text) {
    var q = normalise(text);
    for (var attempt = 0; attempt < 2 && q; attempt++) {
      var found = places.map(function (p, i) { return { p: p, s: score(p, q), i: i }; })
        .filter(function (x) { return x.s < 9; })
        .sort(function (a, b) { return a.s - b.s || a.i - b.i; });
      if (found.length) return found.slice(0, MAX).map(function (x) { return x.p; });
      var q2 = shorter(q);
      if (q2 === q) break;
      q = q2;
    }
    return [];
  }

  function initPicker(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var input = box.querySelector("[role=combobox]");
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = box.querySelector("[data-status]");
    var mapEl = document.getElementById(box.dataset.map);
    var places = null, shown = [], active = -1;

    function load() {
      if (places) return Promise.resolve(places);
      return fetch(box.dataset.places, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) { places = d.places; return places; });
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function setActive(i) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0) { input.setAttribute("aria-activedescendant", items[i].id); items[i].scrollIntoView({ block: "nearest" }); }
      else input.removeAttribute("aria-activedescendant");
    }
    function render() {
      list.textContent = "";
      shown.forEach(function (p, i) {
        var li = document.createElement("li");
        li.id = input.id + "-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "place-name";
        name.textContent = p.name;
        var kind = document.createElement("span");
        kind.className = "place-kind";
        kind.textContent = p.kind;
        li.appendChild(name);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(kind);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep focus in the box
        li.addEventListener("click", function () { choose(i); });
        list.appendChild(li);
      });
      var open = shown.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (status) status.textContent = input.value ? (open ? box.dataset.found.replace("%s", shown.length) : box.dataset.none) : "";
    }
    function update() {
      var text = input.value;
      load().then(function (all) { if (input.value === text) { shown = text ? search(all, text) : []; render(); } });
    }
    function choose(i) {
      var p = shown[i];
      if (!p) return;
      input.value = p.name;
      shown = [];
      close();
      var map = window.KyosoMap && mapEl ? window.KyosoMap.init(mapEl) : null;
      if (map && mapEl._kyosoPick) mapEl._kyosoPick(L.latLng(p.lat, p.lon), window.KyosoMap.STREET_ZOOM);
      if (status) status.textContent = box.dataset.chosen.replace("%s", p.name);
    }
    input.addEventListener("input", update);
    input.addEventListener("focus", function () { load(); });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("keydown", function (e) {
      var open = !list.hidden;
      if (e.key === "ArrowDown") { e.preventDefault(); if (!open) { update(); return; } setActive(Math.min(active + 1, shown.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); if (open) setActive(Math.max(active - 1, 0)); }
      else if (e.key === "Enter") {
        // Enter chooses (the first suggestion when none is marked) and never submits the form.
        if (open || shown.length) { e.preventDefault(); choose(active >= 0 ? active : 0); }
        else if (input.value) e.preventDefault();
      } else if (e.key === "Escape") { if (open) { e.preventDefault(); close(); } else input.value = ""; }
    });
  }

  function initAll() { document.querySelectorAll(".place-picker[data-places]").forEach(initPicker); }
  window.KyosoPlaces = { normalise: normalise, search: search };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll); else initAll();
})();
