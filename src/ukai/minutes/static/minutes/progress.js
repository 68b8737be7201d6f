// Poll the transcription status while a recording is being transcribed; reload when done.
// Without JavaScript the page offers a link to refresh it by hand.
(function () {
  "use strict";
  var box = document.getElementById("recordings");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (!data.active) { window.location.reload(); return; }
        data.recordings.forEach(function (item) {
          var node = document.getElementById("recording-" + item.id);
          if (!node) { return; }
          var bar = node.querySelector(".recording__progress");
          var percent = node.querySelector(".recording__percent");
          var status = node.querySelector(".recording__status");
          if (bar) { bar.value = item.percent; bar.textContent = item.percent + "%"; }
          if (percent) { percent.textContent = item.percent + "%"; }
          if (status) { status.textContent = item.label; }
        });
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
