/* Template editor: drag on the blank form to add a zone; the zones live in the JSON textarea
   (the form's real field), so the page works without JavaScript and the server checks all. */
(function () {
  "use strict";
  var editor = document.getElementById("ocr-editor");
  var image = document.getElementById("ocr-editor-image");
  var textarea = document.getElementById("id_zones");
  var fileInput = document.getElementById("id_image");
  var panel = document.getElementById("ocr-zone-panel");
  if (!editor || !image || !textarea) { return; }
  var nameInput = document.getElementById("ocr-zone-name");
  var labelInput = document.getElementById("ocr-zone-label");
  var typeInput = document.getElementById("ocr-zone-type");
  var selected = -1;

  function zones() {
    try { var parsed = JSON.parse(textarea.value || "[]"); return Array.isArray(parsed) ? parsed : []; }
    catch (e) { return null; }
  }
  function save(list) { textarea.value = JSON.stringify(list, null, 1); draw(); }
  function scale() { return image.naturalWidth ? image.clientWidth / image.naturalWidth : 1; }
  function draw() {
    Array.prototype.slice.call(editor.querySelectorAll(".ocr-box")).forEach(function (el) { el.remove(); });
    var list = zones();
    if (!list || !image.naturalWidth) { return; }
    var s = scale();
    list.forEach(function (zone, index) {
      if (!Array.isArray(zone.box) || zone.box.length !== 4) { return; }
      var box = document.createElement("div");
      box.className = "ocr-box" + (index === selected ? " ocr-box--selected" : "");
      box.setAttribute("aria-hidden", "true");
      box.style.left = zone.box[0] * s + "px";
      box.style.top = zone.box[1] * s + "px";
      box.style.width = zone.box[2] * s + "px";
      box.style.height = zone.box[3] * s + "px";
      box.textContent = zone.name || "";
      box.addEventListener("mousedown", function (event) { event.stopPropagation(); select(index); });
      editor.appendChild(box);
    });
  }
  function select(index) {
    selected = index;
    var list = zones() || [];
    var zone = list[index];
    panel.hidden = !zone;
    if (zone) { nameInput.value = zone.name || ""; labelInput.value = zone.label || ""; typeInput.value = zone.type || "text"; }
    draw();
  }
  function update(key, value) {
    var list = zones();
    if (!list || !list[selected]) { return; }
    list[selected][key] = value;
    save(list);
  }
  nameInput.addEventListener("input", function () { update("name", nameInput.value); });
  labelInput.addEventListener("input", function () { update("label", labelInput.value); });
  typeInput.addEventListener("change", function () { update("type", typeInput.value); });
  document.getElementById("ocr-zone-delete").addEventListener("click", function () {
    var list = zones();
    if (!list) { return; }
    list.splice(selected, 1);
    selected = -1;
    panel.hidden = true;
    save(list);
  });
  textarea.addEventListener("input", draw);
  image.addEventListener("load", draw);
  window.addEventListener("resize", draw);
  if (fileInput) {
    fileInput.addEventListener("change", function () {
      if (fileInput.files && fileInput.files[0]) { image.src = URL.createObjectURL(fileInput.files[0]); image.hidden = false; }
    });
  }

  var start = null, ghost = null;
  function point(event) {
    var rect = image.getBoundingClientRect();
    return { x: Math.max(0, Math.min(rect.width, event.clientX - rect.left)), y: Math.max(0, Math.min(rect.height, event.clientY - rect.top)) };
  }
  image.addEventListener("dragstart", function (event) { event.preventDefault(); });
  image.addEventListener("mousedown", function (event) {
    if (zones() === null) { return; }
    start = point(event);
    ghost = document.createElement("div");
    ghost.className = "ocr-box ocr-box--selected";
    ghost.setAttribute("aria-hidden", "true");
    editor.appendChild(ghost);
  });
  window.addEventListener("mousemove", function (event) {
    if (!start) { return; }
    var p = point(event);
    ghost.style.left = Math.min(start.x, p.x) + "px"; ghost.style.top = Math.min(start.y, p.y) + "px";
    ghost.style.width = Math.abs(p.x - start.x) + "px"; ghost.style.height = Math.abs(p.y - start.y) + "px";
  });
  window.addEventListener("mouseup", function (event) {
    if (!start) { return; }
    var p = point(event), s = scale();
    var box = [Math.round(Math.min(start.x, p.x) / s), Math.round(Math.min(start.y, p.y) / s),
               Math.round(Math.abs(p.x - start.x) / s), Math.round(Math.abs(p.y - start.y) / s)];
    start = null;
    ghost.remove();
    if (box[2] < 8 || box[3] < 8) { draw(); return; }
    var list = zones() || [];
    list.push({ name: "zone_" + (list.length + 1), label: "", type: "text", box: box });
    save(list);
    select(list.length - 1);
    nameInput.focus();
    nameInput.select();
  });
  if (image.complete) { draw(); }
})();
