// The form editor's live preview: after typing stops, the server checks the JSON and
// renders every step (the same code as the residents' pages). Without JavaScript the
// 「プレビューを更新」 button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  var target = document.getElementById("form-preview");
  if (!form || !target || !window.fetch) return;
  var source = form.querySelector("textarea[name=definition]");
  if (!source || source.readOnly) return;
  var timer = null;
  var latest = 0;
  function refresh() {
    var ticket = ++latest;
    var body = new FormData();
    body.append("definition", source.value);
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    fetch(form.dataset.previewUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) { if (ticket === latest) target.innerHTML = html; })
      .catch(function () {});
  }
  source.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 600);
  });
})();
