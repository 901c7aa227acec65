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
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });
})();
