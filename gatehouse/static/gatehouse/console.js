/* Gatehouse console: progressive enhancement only; every page works without script. htmx swaps
   the 400 and 422 fragments, which carry a Chinese error message on the form (htmx 2 does not
   swap them by default). */
(function () {
  "use strict";
  document.documentElement.className += " js";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // The navigation's grouped menus: one open at a time; a click elsewhere or Escape closes it.
  function closeMenus(except) {
    var open = document.querySelectorAll("details[data-navmenu][open]");
    for (var i = 0; i < open.length; i++) {
      if (open[i] !== except) open[i].removeAttribute("open");
    }
  }
  document.addEventListener("toggle", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-navmenu") && el.open) closeMenus(el);
  }, true);
  document.addEventListener("click", function (event) {
    var inside = event.target && event.target.closest && event.target.closest("details[data-navmenu]");
    closeMenus(inside || null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeMenus(null);
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });
})();
