// The transcript editor's enhancements (the page works without them):
// play a segment or a word from its start, highlight what is playing, keyboard shortcuts.
(function () {
  "use strict";
  var players = {};
  document.querySelectorAll("audio.player__audio").forEach(function (audio) {
    players[audio.id.replace("player-", "")] = audio;
  });
  var segments = Array.prototype.slice.call(document.querySelectorAll("section.segment[data-recording]"));
  if (!segments.length) { return; }

  function playFrom(recording, seconds) {
    var audio = players[recording];
    if (!audio) { return; }
    audio.currentTime = Math.max(0, seconds);
    audio.play();
  }

  segments.forEach(function (segment) {
    var recording = segment.getAttribute("data-recording");
    if (!players[recording]) { return; }
    var start = parseFloat(segment.getAttribute("data-start"));
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary button--small segment__play";
    button.textContent = "▶ " + (document.documentElement.lang === "en" ? "Play from here" : "ここから再生");
    button.addEventListener("click", function () { playFrom(recording, start); });
    var title = segment.querySelector(".segment__title");
    title.parentNode.insertBefore(button, title.nextSibling);
    segment.querySelectorAll(".word[data-start]").forEach(function (word) {
      word.addEventListener("click", function () {
        playFrom(recording, parseFloat(word.getAttribute("data-start")));
      });
    });
  });

  Object.keys(players).forEach(function (recording) {
    var audio = players[recording];
    audio.addEventListener("timeupdate", function () {
      var now = audio.currentTime;
      segments.forEach(function (segment) {
        if (segment.getAttribute("data-recording") !== recording) { return; }
        var playing = now >= parseFloat(segment.getAttribute("data-start")) &&
          now < parseFloat(segment.getAttribute("data-end"));
        segment.classList.toggle("segment--playing", playing);
        var words = segment.querySelectorAll(".word[data-start]");
        words.forEach(function (word, index) {
          var next = words[index + 1];
          var end = next ? parseFloat(next.getAttribute("data-start")) : parseFloat(segment.getAttribute("data-end"));
          word.classList.toggle("word--playing", playing && now >= parseFloat(word.getAttribute("data-start")) && now < end);
        });
      });
    });
  });

  document.addEventListener("keydown", function (event) {
    var segment = event.target.closest && event.target.closest("section.segment");
    if (!segment) { return; }
    var form = segment.querySelector("form");
    if (event.ctrlKey && event.key === "Enter" && form) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (!event.altKey) { return; }
    var select = segment.querySelector("select[name$='-speaker']");
    if (select && /^Digit[0-9]$/.test(event.code)) {
      var index = parseInt(event.code.slice(5), 10);
      if (index < select.options.length) {
        event.preventDefault();
        select.selectedIndex = index;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    } else if (event.code === "KeyA") {
      var accept = segment.querySelector("button.segment__accept");
      if (!accept || !form) { return; }
      event.preventDefault();
      form.requestSubmit(accept);  // one key: take the suggested speaker and save
    } else if (event.code === "KeyP") {
      var audio = players[segment.getAttribute("data-recording")];
      if (!audio) { return; }
      event.preventDefault();
      if (audio.paused) { playFrom(segment.getAttribute("data-recording"), parseFloat(segment.getAttribute("data-start"))); }
      else { audio.pause(); }
    }
  });
})();
