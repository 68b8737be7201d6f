// On-screen signature: draw with a finger, a pen or the mouse; the drawing goes to the
// server as a PNG when the form is sent (it is checked there like any attachment).
(function () {
  "use strict";
  document.querySelectorAll("[data-signature]").forEach(function (field) {
    var pad = field.querySelector("canvas");
    var value = field.querySelector("[data-signature-value]");
    var clear = field.querySelector("[data-signature-clear]");
    if (!pad || !value || !pad.getContext) return;
    pad.hidden = false;
    if (clear) clear.hidden = false;
    var context = pad.getContext("2d");
    context.lineWidth = 3;
    context.lineCap = "round";
    context.strokeStyle = "#1a1a1c";
    var drawing = false;
    var drawn = false;
    function point(event) {
      var box = pad.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (pad.width / box.width),
        y: (event.clientY - box.top) * (pad.height / box.height)
      };
    }
    pad.addEventListener("pointerdown", function (event) {
      drawing = true;
      pad.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      event.preventDefault();
    });
    pad.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      drawn = true;
      event.preventDefault();
    });
    ["pointerup", "pointercancel"].forEach(function (name) {
      pad.addEventListener(name, function () { drawing = false; });
    });
    if (clear) {
      clear.addEventListener("click", function () {
        context.clearRect(0, 0, pad.width, pad.height);
        drawn = false;
        value.value = "";
      });
    }
    var form = field.closest("form");
    if (form) {
      form.addEventListener("submit", function () {
        value.value = drawn ? pad.toDataURL("image/png") : "";
      });
    }
  });
})();
