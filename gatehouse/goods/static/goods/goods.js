/* Gatehouse goods pages: the slip scan box clears and refocuses after each read (a QR scanner
   types like a keyboard and ends with Enter); console.js has htmx swap the 4xx fragments that
   carry a Chinese error message. */
(function () {
  "use strict";

  function scanInput() {
    return document.querySelector("#goods-scan input[name='code']");
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.hasAttribute && form.hasAttribute("data-goods-scan")) {
      form.reset();
    }
  });

  // After a decision, the guard is back at the scan box for the next slip.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "goods-panel" && target.querySelector("[data-testid=goods-decision]")) {
      var input = scanInput();
      if (input) {
        input.focus();
      }
    }
  });

  // Typing an actual quantity unticks "matches"; ticking clears a typed quantity.
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el && el.name && el.name.indexOf("qty_") === 0 && el.value.trim()) {
      var tick = el.form && el.form.querySelector("input[name='ok_" + el.name.slice(4) + "']");
      if (tick) {
        tick.checked = false;
      }
    }
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.name && el.name.indexOf("ok_") === 0 && el.checked) {
      var qty = el.form && el.form.querySelector("input[name='qty_" + el.name.slice(3) + "']");
      if (qty) {
        qty.value = "";
      }
    }
  });
})();
