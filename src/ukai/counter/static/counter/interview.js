// The interview hides the questions that do not apply, as the answers are given.
// Without JavaScript every question is shown and the server ignores the answers
// of questions that do not apply (the same conditions, counter/lifeevents.py).
(function () {
  "use strict";
  var form = document.querySelector(".counter-interview");
  if (!form) return;
  var facts = JSON.parse(form.getAttribute("data-facts") || "{}");
  function answer(key) {
    var checked = form.querySelector('input[name="' + key + '"]:checked');
    if (checked) return checked.value;
    var input = form.querySelector('input[name="' + key + '"]:not([type="radio"])');
    if (input && !input.closest("[hidden]")) return input.value;
    return "";
  }
  function compare(value, c) {
    if (value === "" || value === null || value === undefined) return false;
    if (c.equals !== undefined) return String(value) === String(c.equals);
    if (c["in"] !== undefined) return c["in"].map(String).indexOf(String(value)) >= 0;
    var n = Number(value);
    if (isNaN(n)) return false;
    if (c.gte !== undefined && n < c.gte) return false;
    if (c.lte !== undefined && n > c.lte) return false;
    return true;
  }
  function holds(c) {
    if (c.all) return c.all.every(holds);
    if (c.any) return c.any.some(holds);
    if (c["not"]) return !holds(c["not"]);
    if (c.answer) return compare(answer(c.answer), c);
    if (c.fact) return compare(facts[c.fact] || 0, c);
    return true;
  }
  function update() {
    form.querySelectorAll("[data-show-when]").forEach(function (block) {
      var shown = holds(JSON.parse(block.getAttribute("data-show-when")));
      block.hidden = !shown;
      block.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !shown; });
    });
  }
  form.querySelectorAll(".counter-question__conditional").forEach(function (note) { note.hidden = true; });
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
