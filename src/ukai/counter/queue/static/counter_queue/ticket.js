// The print button needs JavaScript; without it the browser's own print command works.
(function () {
  "use strict";
  var button = document.querySelector("[data-queue-print]");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
