// The calling board: polls the small JSON endpoint with If-None-Match (an unchanged
// board costs a 304), redraws the lists, announces newly called numbers in a polite
// live region and, when staff turn it on, plays a short chime. Without JavaScript the
// page reloads itself every 15 seconds (<noscript> refresh).
(function () {
  "use strict";
  var root = document.querySelector("[data-board-url]");
  if (!root) return;
  var url = root.getAttribute("data-board-url");
  var interval = Math.max(1, parseInt(root.getAttribute("data-poll-seconds"), 10) || 3) * 1000;
  var etag = root.getAttribute("data-etag") || "";
  var seen = {};
  JSON.parse(root.getAttribute("data-seen") || "[]").forEach(function (id) { seen[id] = true; });

  var calledList = document.getElementById("called-list");
  var calledEmpty = document.getElementById("called-empty");
  var waitingList = document.getElementById("waiting-list");
  var waitingCount = document.querySelector("#waiting-count [data-count]");
  var announcer = document.getElementById("board-announcer");
  var offline = document.getElementById("board-offline");
  var clock = document.getElementById("board-time");
  var chimeButton = document.getElementById("board-chime");
  var chimeOn = false;
  var audio = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var now = new Date();
    clock.textContent = pad(now.getHours()) + ":" + pad(now.getMinutes());
  }

  function chime() {
    if (!chimeOn || !audio) return;
    // Two soft tones (like a counter's "pin-pon"), 0.8 s in all.
    [[880, 0], [660, 0.4]].forEach(function (tone) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      var start = audio.currentTime + tone[1];
      osc.frequency.value = tone[0];
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.38);
      osc.connect(gain).connect(audio.destination);
      osc.start(start);
      osc.stop(start + 0.4);
    });
  }

  function announce(calls) {
    // Replace the text so that screen readers read the new calls once, politely.
    announcer.textContent = "";
    calls.forEach(function (call) {
      var ja = el("span", "", call.number + " 番の方、" + call.desk + " 番窓口へお越しください。");
      var en = el("span", "", " Number " + call.number + ", please come to desk " + call.desk + ". ");
      en.lang = "en";
      announcer.appendChild(ja);
      announcer.appendChild(en);
    });
  }

  function render(state) {
    var fresh = [];
    var rows = document.createDocumentFragment();
    state.called.forEach(function (call) {
      var row = el("tr");
      row.setAttribute("data-call-id", call.call_id);
      row.appendChild(el("th", "board__number", call.number)).setAttribute("scope", "row");
      var desk = el("td", "board__desk");
      desk.appendChild(el("span", "board__desk-number", call.desk));
      desk.appendChild(el("span", "board__desk-label", call.desk_label));
      row.appendChild(desk);
      if (!seen[call.call_id]) {
        seen[call.call_id] = true;
        row.className = "board__row--new";
        fresh.push(call);
      }
      rows.appendChild(row);
    });
    calledList.replaceChildren(rows);
    calledEmpty.hidden = state.called.length > 0;

    var items = document.createDocumentFragment();
    state.waiting.forEach(function (ticket) {
      items.appendChild(el("li", "board__waiting-number", ticket.number));
    });
    waitingList.replaceChildren(items);
    waitingCount.textContent = String(state.waiting_count);

    if (fresh.length) {
      announce(fresh);
      chime();
    }
  }

  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (response.status === 304) return null;
        if (!response.ok) throw new Error("HTTP " + response.status);
        etag = response.headers.get("ETag") || "";
        return response.json();
      })
      .then(function (state) {
        offline.hidden = true;
        if (state) render(state);
        tick();
      })
      .catch(function () { offline.hidden = false; })
      .then(function () { window.setTimeout(poll, interval); });
  }

  if (chimeButton) {
    chimeButton.hidden = false;
    chimeButton.addEventListener("click", function () {
      // Browsers allow sound only after a click: the context is made here.
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!audio && Context) audio = new Context();
      chimeOn = !chimeOn;
      chimeButton.setAttribute("aria-pressed", chimeOn ? "true" : "false");
      var state = chimeButton.querySelector("[data-chime-state]");
      state.replaceChildren(document.createTextNode(chimeOn ? "オン " : "オフ "));
      var en = el("span", "", chimeOn ? "on" : "off");
      en.lang = "en";
      state.appendChild(en);
      if (chimeOn) chime();
    });
  }

  tick();
  window.setTimeout(poll, interval);
})();
