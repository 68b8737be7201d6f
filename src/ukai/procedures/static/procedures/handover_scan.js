// The counter's hand-over page: read the resident's QR code with the camera where the browser
// has a BarcodeDetector (Chrome, Edge, Android). Typing the nine digits always works; without
// a detector or a camera this script shows nothing.
(function () {
  "use strict";
  var box = document.querySelector("[data-scan]");
  var form = document.querySelector("[data-handover-form]");
  if (!box || !form || !("BarcodeDetector" in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var start = box.querySelector("[data-scan-start]");
  var video = box.querySelector("[data-scan-video]");
  var status = box.querySelector("[data-scan-status]");
  var input = form.querySelector("input[name=code]");
  var detector;
  try {
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  } catch (error) {
    return;
  }
  box.hidden = false;
  var stream = null;

  function stop() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    video.hidden = true;
  }

  function scan() {
    if (!stream) return;
    detector.detect(video).then(function (codes) {
      var digits = codes.length ? String(codes[0].rawValue).replace(/\D/g, "") : "";
      if (digits.length === 9) {
        stop();
        input.value = digits.slice(0, 4) + "-" + digits.slice(4, 8) + "-" + digits.slice(8);
        status.textContent = "QR コードを読み取りました。下書きを開きます。";
        var open = form.querySelector("button[name=action][value=open]");
        if (form.requestSubmit) { form.requestSubmit(open); } else { open.click(); }
        return;
      }
      window.requestAnimationFrame(scan);
    }).catch(function () { window.setTimeout(scan, 250); });
  }

  start.addEventListener("click", function () {
    if (stream) { stop(); status.textContent = ""; return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      status.textContent = "QR コードをカメラに向けてください。番号を入力しても開けます。";
      return video.play().then(scan);
    }).catch(function () {
      stop();
      status.textContent = "カメラを使えませんでした。引き継ぎ番号を入力してください。";
    });
  });
})();
