/* Gatehouse booth console: the scan box clears and refocuses after each read (console.js has
   htmx swap the 4xx fragments that carry a Chinese error message). */
(function () {
  "use strict";

  function scanInput() {
    return document.querySelector("#scan-form input[name='value']");
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.hasAttribute && form.hasAttribute("data-scan")) {
      form.reset();
      var input = scanInput();
      if (input) {
        input.focus();
      }
    }
  });

  // After a decision from a pending request or a remote "open", bring the guard back to the
  // scan box.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && (target.id === "decision" || target.id === "open-result")) {
      var input = scanInput();
      if (input && document.activeElement && document.activeElement.tagName !== "INPUT") {
        input.focus();
      }
    }
  });

  // The alert strip is folded to one line so the decision stays above the fold; a guard who
  // opened it keeps it open across the strip's refresh.
  var alertsOpen = false;
  document.addEventListener("toggle", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-alerts")) alertsOpen = el.open;
  }, true);
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "alerts" && alertsOpen) {
      var strip = target.querySelector("[data-alerts]");
      if (strip) strip.open = true;
    }
  });

  // A search box inside a form must not submit the form on Enter.
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Enter" && el && el.hasAttribute && el.hasAttribute("data-no-enter")) {
      event.preventDefault();
    }
  });

  // The direction toggle shows which side is on at once.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.name === "direction" && el.closest) {
      var box = el.closest(".toggle");
      if (box) {
        box.querySelectorAll(".toggle-option").forEach(function (opt) {
          opt.classList.toggle("on", opt.contains(el));
        });
      }
    }
  });
})();
