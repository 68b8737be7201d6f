/* Mirrors a form's show_when rules in the browser, as a convenience: the server
   decides (ADR 0041). Without JavaScript every field stays visible with its
   condition written next to it. A rule naming a field that is not on this page
   is left to the server (the element stays visible). */
(function () {
  "use strict";

  function inputsNamed(form, name) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name === name;
    });
  }

  function valueOf(form, name) {
    var inputs = inputsNamed(form, name);
    if (!inputs.length) return undefined;
    var first = inputs[0];
    if (first.type === "radio") {
      var checked = inputs.filter(function (el) { return el.checked; });
      return checked.length ? checked[0].value : "";
    }
    if (first.type === "checkbox") {
      if (inputs.length === 1 && first.value === "on") return first.checked;
      return inputs.filter(function (el) { return el.checked; }).map(function (el) { return el.value; });
    }
    return first.value;
  }

  function filled(value) {
    if (Array.isArray(value)) return value.length > 0;
    if (typeof value === "boolean") return value;
    return value !== undefined && value !== null && String(value).trim() !== "";
  }

  function holds(form, condition, prefix) {
    if (condition.all) return condition.all.every(function (c) { return holds(form, c, prefix); });
    if (condition.any) return condition.any.some(function (c) { return holds(form, c, prefix); });
    if (condition.not) return !holds(form, condition.not, prefix);
    var value = valueOf(form, prefix + condition.field);
    if (value === undefined) value = valueOf(form, condition.field);
    if ("filled" in condition) return filled(value) === condition.filled;
    if ("in" in condition) {
      return Array.isArray(value)
        ? value.some(function (v) { return condition.in.indexOf(v) >= 0; })
        : condition.in.indexOf(value) >= 0;
    }
    return Array.isArray(value) ? value.indexOf(condition.equals) >= 0 : value === condition.equals;
  }

  function everyFieldOnPage(form, element) {
    var prefix = element.getAttribute("data-prefix") || "";
    return element.getAttribute("data-show-fields").split(" ").every(function (name) {
      return inputsNamed(form, prefix + name).length || inputsNamed(form, name).length;
    });
  }

  function update(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (element) {
      if (!everyFieldOnPage(form, element)) return;
      var condition = JSON.parse(element.getAttribute("data-show-when"));
      element.hidden = !holds(form, condition, element.getAttribute("data-prefix") || "");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.proc-form").forEach(function (form) {
      form.addEventListener("change", function () { update(form); });
      update(form);
    });
  });
})();
