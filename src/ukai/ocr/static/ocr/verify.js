/* Verification page: keyboard-first entry and a count of active staff time.
   Enter moves to the next field (and confirms the page on the last one); Alt+N jumps
   to the next field that needs review. Active time counts seconds while the page is
   visible and the keyboard or mouse was used in the last 30 seconds. */
(function () {
  "use strict";
  var form = document.getElementById("ocr-verify");
  if (!form) { return; }
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input.ocr-input, input[type=checkbox]"))
    .filter(function (el) { return !el.disabled && !el.readOnly; });
  if (!inputs.length) { return; }

  function fieldOf(input) { return input.closest(".ocr-field"); }
  function nextReview(from) {
    var start = inputs.indexOf(from);
    for (var step = 1; step <= inputs.length; step++) {
      var candidate = inputs[(start + step) % inputs.length];
      var field = fieldOf(candidate);
      if (field && field.getAttribute("data-review") === "1") { return candidate; }
    }
    return null;
  }
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (inputs.indexOf(target) < 0) { return; }
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      var index = inputs.indexOf(target);
      if (index === inputs.length - 1) { form.requestSubmit(document.getElementById("ocr-confirm")); }
      else { inputs[index + 1].focus(); if (inputs[index + 1].select) { inputs[index + 1].select(); } }
    } else if (event.altKey && (event.key === "n" || event.key === "N")) {
      event.preventDefault();
      var next = nextReview(target);
      if (next) { next.focus(); if (next.select) { next.select(); } }
    }
  });
  var errorSummary = document.querySelector(".error-summary");
  if (errorSummary) { errorSummary.focus(); }
  else {
    var first = inputs.filter(function (el) { var f = fieldOf(el); return f && f.getAttribute("data-review") === "1"; })[0] || inputs[0];
    first.focus();
    if (first.select) { first.select(); }
  }

  var active = 0, lastInput = Date.now(), lastTick = Date.now();
  var counter = document.getElementById("ocr-active-seconds");
  function touched() { lastInput = Date.now(); }
  ["keydown", "mousedown", "input", "focusin"].forEach(function (name) { document.addEventListener(name, touched, true); });
  window.setInterval(function () {
    var now = Date.now();
    if (document.visibilityState === "visible" && now - lastInput < 30000) { active += (now - lastTick) / 1000; }
    lastTick = now;
    counter.value = active.toFixed(1);
  }, 1000);
  form.addEventListener("submit", function () {
    var now = Date.now();
    if (document.visibilityState === "visible" && now - lastInput < 30000) { active += (now - lastTick) / 1000; }
    lastTick = now;
    counter.value = Math.max(active, 0.1).toFixed(1);
  });
})();
