/* The patrol page's camera scan: the browser's own BarcodeDetector when it has one; the typed
   code is always there as the fallback. No external script. */
(function () {
  "use strict";
  var stream = null;
  var timer = null;

  function stop(root) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    var box = root.querySelector("[data-scanner]");
    if (box) { box.hidden = true; }
  }

  function setup() {
    var form = document.getElementById("scan-form");
    if (!form || form.dataset.ready) { return; }
    form.dataset.ready = "1";
    var start = form.querySelector("[data-scan-start]");
    var unsupported = form.querySelector("[data-scan-unsupported]");
    var supported = "BarcodeDetector" in window && navigator.mediaDevices &&
      navigator.mediaDevices.getUserMedia;
    if (!supported) { if (unsupported) { unsupported.hidden = false; } return; }
    start.hidden = false;
    start.addEventListener("click", function () {
      var box = form.querySelector("[data-scanner]");
      var video = form.querySelector("[data-video]");
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s;
        video.srcObject = s;
        box.hidden = false;
        video.play();
        var tick = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              form.querySelector("[name=code]").value = codes[0].rawValue;
              form.querySelector("[data-by-camera]").value = "1";
              stop(form);
              form.requestSubmit();
            } else {
              timer = setTimeout(tick, 250);
            }
          }).catch(function () { timer = setTimeout(tick, 500); });
        };
        tick();
      }).catch(function () {
        if (unsupported) { unsupported.hidden = false; }
      });
    });
    form.querySelector("[data-scan-stop]").addEventListener("click", function () { stop(form); });
  }

  document.addEventListener("DOMContentLoaded", setup);
  document.addEventListener("htmx:afterSwap", setup);
})();
