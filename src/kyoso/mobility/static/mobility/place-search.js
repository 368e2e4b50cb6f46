/* Place suggestions as you type on the journey form: the ARIA 1.2 combobox pattern with a list.
   Arrow keys move through the suggestions, Enter takes one, Escape closes the list; without
   this script the boxes still work and the page answers with "did you mean". */
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form) return;
  var url = form.getAttribute("data-suggest-url");
  form.querySelectorAll("input[data-place-search]").forEach(function (input) {
    var list = document.createElement("ul");
    var timer = null;
    var active = -1;
    list.id = input.id + "-suggestions";
    list.className = "place-suggestions";
    list.setAttribute("role", "listbox");
    var label = form.querySelector("label[for='" + input.id + "']");
    if (label) {
      label.id = label.id || input.id + "-label";
      list.setAttribute("aria-labelledby", label.id);
    }
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function options() { return list.querySelectorAll("[role=option]"); }
    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (item, k) { item.setAttribute("aria-selected", k === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function choose(item) {
      input.value = item.getAttribute("data-value");
      close();
      input.focus();
    }
    function show(places) {
      list.textContent = "";
      places.forEach(function (place, k) {
        var item = document.createElement("li");
        item.id = list.id + "-" + k;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-value", place.name);
        item.textContent = place.name;
        var kind = document.createElement("small");
        kind.textContent = " " + place.kind_label;
        item.appendChild(kind);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        list.appendChild(item);
      });
      if (places.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }
    function fetchPlaces() {
      var text = input.value.trim();
      if (!text) { close(); return; }
      fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { places: [] }; })
        .then(function (data) { if (input.value.trim() === text) show(data.places || []); })
        .catch(close);
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchPlaces, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) fetchPlaces(); else highlight(active + 1);
      } else if (event.key === "ArrowUp" && !list.hidden) {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(options()[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  });
})();
