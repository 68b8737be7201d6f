// While a resource's rows are being loaded into the datastore, poll the status and update
// the progress; reload the page when every load has finished. Without JavaScript the page
// says the load is running and can be reloaded by hand.
(function () {
  "use strict";
  var box = document.getElementById("resources");
  if (!box) { return; }
  var url = box.getAttribute("data-datastore-status-url");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (!data.loading) { window.location.reload(); return; }
        data.resources.forEach(function (item) {
          var node = document.getElementById("datastore-" + item.resource);
          if (!node) { return; }
          var bar = node.querySelector("progress");
          var count = node.querySelector(".opendata-datastore__count");
          if (bar) { bar.value = item.percent; bar.textContent = item.percent + "%"; }
          if (count) { count.textContent = item.percent + "%"; }
        });
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
