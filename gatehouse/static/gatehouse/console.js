/* Gatehouse console: progressive enhancement only; every page works without script. */
(function () {
  "use strict";
  document.documentElement.className += " js";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });
})();
