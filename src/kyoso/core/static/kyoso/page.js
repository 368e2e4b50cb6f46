/* Small page behaviours kept out of the HTML, so the Content-Security-Policy needs no inline script. */
(function () {
  "use strict";
  // The menu button folds the header on phones; without this script the header stays open.
  var header = document.querySelector(".site-header");
  var toggle = header ? header.querySelector(".menu-toggle") : null;
  if (header && toggle) {
    header.classList.add("foldable");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    });
  }
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print], [data-back]") : null;
    if (!target) return;
    if (target.hasAttribute("data-print")) {
      event.preventDefault();
      window.print();
    } else if (target.hasAttribute("data-back") && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
