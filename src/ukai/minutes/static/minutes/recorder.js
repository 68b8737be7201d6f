// Record a meeting in the browser (MediaRecorder) and upload it as the meeting's recording.
// The upload goes to the same view as the file form, so the server checks it the same way
// (PyAV must decode it, size and length limits). Without JavaScript the section stays hidden
// and the upload form below it is used instead.
(function () {
  "use strict";
  var box = document.getElementById("recorder");
  if (!box) { return; }
  var uploadForm = document.querySelector("form[action='" + box.getAttribute("data-upload-url") + "']");
  var buttons = {};
  ["start", "pause", "resume", "stop", "retry"].forEach(function (name) {
    buttons[name] = box.querySelector("[data-action='" + name + "']");
  });
  var timeNode = box.querySelector(".recorder__time");
  var meter = box.querySelector(".recorder__meter");
  var stateNode = box.querySelector(".recorder__state");
  var errorNode = box.querySelector(".recorder__error");
  var retryNode = box.querySelector(".recorder__retry");
  var saveLink = box.querySelector(".recorder__save");
  var maxBytes = parseInt(box.getAttribute("data-max-bytes"), 10) || 0;
  function msg(name) { return box.getAttribute("data-msg-" + name) || ""; }

  box.hidden = false;
  var supported = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
  if (!supported) {
    buttons.start.disabled = true;
    showError(msg("unsupported"));
    return;
  }

  var recorder = null, stream = null, chunks = [], blob = null;
  var audioContext = null, analyser = null, levelFrame = 0;
  var elapsedBefore = 0, startedAt = 0, tick = 0;

  function setState(text) { stateNode.textContent = text; }
  function showError(text) {
    errorNode.textContent = text;
    errorNode.hidden = !text;
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function elapsedMs() { return elapsedBefore + (startedAt ? Date.now() - startedAt : 0); }
  function showTime() {
    var s = Math.floor(elapsedMs() / 1000);
    timeNode.textContent = Math.floor(s / 3600) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }
  function controls(recording, paused) {
    buttons.start.disabled = recording;
    buttons.pause.disabled = !recording || paused;
    buttons.pause.hidden = recording && paused;
    buttons.resume.hidden = !(recording && paused);
    buttons.stop.disabled = !recording;
  }
  function chooseType() {
    var types = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];
    for (var i = 0; i < types.length; i++) {
      if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(types[i])) { return types[i]; }
    }
    return "";
  }
  function extension(type) {
    if (type.indexOf("ogg") >= 0) { return "ogg"; }
    if (type.indexOf("mp4") >= 0) { return "m4a"; }
    return "webm";
  }
  function fileName(type) {
    var d = new Date();
    return "recording-" + d.getFullYear() + pad(d.getMonth() + 1) + pad(d.getDate()) + "-" +
      pad(d.getHours()) + pad(d.getMinutes()) + "." + extension(type);
  }
  function level() {
    if (!analyser) { return; }
    var data = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(data);
    var sum = 0;
    for (var i = 0; i < data.length; i++) { sum += data[i] * data[i]; }
    meter.value = Math.min(1, Math.sqrt(sum / data.length) * 4);
    levelFrame = window.requestAnimationFrame(level);
  }
  function releaseMicrophone() {
    if (levelFrame) { window.cancelAnimationFrame(levelFrame); levelFrame = 0; }
    if (audioContext) { audioContext.close(); audioContext = null; analyser = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    meter.value = 0;
  }
  function warnOnLeave(event) {
    event.preventDefault();
    event.returnValue = msg("leave");
    return msg("leave");
  }

  function start() {
    showError("");
    retryNode.hidden = true;
    setState(msg("asking"));
    buttons.start.disabled = true;
    navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: true } })
      .then(function (media) {
        stream = media;
        var type = chooseType();
        recorder = new MediaRecorder(stream, type ? { mimeType: type, audioBitsPerSecond: 48000 } : {});
        chunks = [];
        recorder.ondataavailable = function (event) { if (event.data && event.data.size) { chunks.push(event.data); } };
        recorder.onstop = finished;
        recorder.start(1000);
        try {
          audioContext = new (window.AudioContext || window.webkitAudioContext)();
          analyser = audioContext.createAnalyser();
          analyser.fftSize = 2048;
          audioContext.createMediaStreamSource(stream).connect(analyser);
          level();
        } catch (e) { analyser = null; }
        elapsedBefore = 0;
        startedAt = Date.now();
        tick = window.setInterval(showTime, 500);
        showTime();
        controls(true, false);
        window.addEventListener("beforeunload", warnOnLeave);
        setState(msg("recording"));
      })
      .catch(function (error) {
        controls(false, false);
        setState(msg("idle"));
        var name = error && error.name;
        showError(name === "NotFoundError" || name === "OverconstrainedError" ? msg("nodevice") : msg("denied"));
        buttons.start.focus();
      });
  }
  function pause() {
    recorder.pause();
    elapsedBefore = elapsedMs();
    startedAt = 0;
    controls(true, true);
    setState(msg("paused"));
    buttons.resume.focus();
  }
  function resume() {
    recorder.resume();
    startedAt = Date.now();
    controls(true, false);
    setState(msg("recording"));
    buttons.pause.focus();
  }
  function stop() {
    elapsedBefore = elapsedMs();
    startedAt = 0;
    window.clearInterval(tick);
    showTime();
    controls(false, false);
    buttons.start.disabled = true;
    recorder.stop();
  }
  function finished() {
    releaseMicrophone();
    var type = (recorder.mimeType || chunks.length && chunks[0].type || "audio/webm").split(";")[0];
    blob = new Blob(chunks, { type: type });
    blob.name = fileName(type);
    chunks = [];
    if (saveLink.href) { URL.revokeObjectURL(saveLink.href); }
    saveLink.href = URL.createObjectURL(blob);
    saveLink.setAttribute("download", blob.name);
    upload();
  }
  function failed(text) {
    setState(msg("idle"));
    showError(text);
    retryNode.hidden = false;
    buttons.start.disabled = false;
    buttons.retry.focus();
  }
  function upload() {
    showError("");
    retryNode.hidden = true;
    if (maxBytes && blob.size > maxBytes) {
      failed(msg("toobig"));
      buttons.retry.disabled = true;
      return;
    }
    var data = new FormData();
    data.append("file", blob, blob.name);
    var token = uploadForm && uploadForm.querySelector("input[name='csrfmiddlewaretoken']");
    var request = new XMLHttpRequest();
    request.open("POST", box.getAttribute("data-upload-url"));
    request.setRequestHeader("Accept", "application/json");
    if (token) { request.setRequestHeader("X-CSRFToken", token.value); }
    request.upload.onprogress = function (event) {
      if (event.lengthComputable) {
        setState(msg("uploading") + " " + Math.round(event.loaded / event.total * 100) + "%");
      }
    };
    request.onload = function () {
      var body = null;
      try { body = JSON.parse(request.responseText); } catch (e) { body = null; }
      if (request.status === 200 && body && body.url) {
        window.removeEventListener("beforeunload", warnOnLeave);
        window.location.assign(body.url);
        return;
      }
      failed(body && body.errors && body.errors.length ? body.errors.join(" ") : msg("failed"));
    };
    request.onerror = function () { failed(msg("failed")); };
    setState(msg("uploading"));
    request.send(data);
  }

  buttons.start.addEventListener("click", start);
  buttons.pause.addEventListener("click", pause);
  buttons.resume.addEventListener("click", resume);
  buttons.stop.addEventListener("click", stop);
  buttons.retry.addEventListener("click", function () { if (blob) { upload(); } });
})();
