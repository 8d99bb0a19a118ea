/* audio-leaflet studio: play buttons, trying a respelling, following a build.
   Every page works without this script except for hearing audio. No single-key shortcuts. */
(function () {
  "use strict";
  var player = document.getElementById("player");
  var announcer = document.getElementById("announce");
  var playing = null;

  function announce(text) { if (announcer) { announcer.textContent = text; } }

  // A change just made: its notice (or what went wrong) sits where the change was made,
  // and takes the focus, so it is seen and said without looking for it.
  var notice = document.getElementById("notice");
  if (notice) { notice.focus(); }

  function label(button, text) {
    var hidden = button.querySelector(".visually-hidden");
    button.firstChild.nodeValue = text;
    if (hidden) { button.appendChild(hidden); }
  }

  function stop() {
    if (!player) { return; }
    player.pause();
    if (playing) { label(playing, playing.getAttribute("data-label")); playing.removeAttribute("aria-pressed"); }
    playing = null;
  }

  function play(button, src, start) {
    if (!player) { return; }
    if (playing === button) { stop(); announce("Stopped"); return; }
    stop();
    playing = button;
    if (!button.hasAttribute("data-label")) { button.setAttribute("data-label", button.firstChild.nodeValue); }
    label(button, "Stop");
    button.setAttribute("aria-pressed", "true");
    announce("Getting the audio…");
    window.studioPressedAt = performance.now();
    player.src = src;
    player.currentTime = 0;
    var begin = function () {
      player.removeEventListener("loadedmetadata", begin);
      if (start) { player.currentTime = start; }
      var started = player.play();
      if (started && started.catch) {
        started.catch(function (error) { announce("The audio could not play: " + error.message); stop(); });
      }
    };
    player.addEventListener("loadedmetadata", begin);
    player.load();
  }

  if (player) {
    player.addEventListener("playing", function () {
      window.studioStartedAt = performance.now();
      announce("Playing");
    });
    player.addEventListener("ended", function () { stop(); announce("Finished"); });
    player.addEventListener("error", function () {
      if (playing) { announce("The audio could not be made or played."); stop(); }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.play");
    if (button) {
      play(button, button.getAttribute("data-src"), parseFloat(button.getAttribute("data-start") || "0"));
    }
  });

  // Fix a pronunciation: a word selected in the narration fills the form.
  var wordField = document.getElementById("word");
  var sayField = document.getElementById("say");
  document.addEventListener("selectionchange", function () {
    if (!wordField) { return; }
    var selection = document.getSelection();
    if (!selection || selection.isCollapsed || !selection.anchorNode) { return; }
    var node = selection.anchorNode.nodeType === 1 ? selection.anchorNode : selection.anchorNode.parentElement;
    if (!node || !node.closest(".text")) { return; }
    var word = selection.toString().trim();
    if (/^[A-Za-z][A-Za-z'’-]{0,39}$/.test(word)) { wordField.value = word; }
  });
  var tryButton = document.getElementById("try-word");
  if (tryButton) {
    tryButton.addEventListener("click", function () {
      if (!wordField.value.trim() || !sayField.value.trim()) {
        announce("Write the word and how to say it first.");
        (wordField.value.trim() ? sayField : wordField).focus();
        return;
      }
      var src = tryButton.getAttribute("data-src") + "&word=" + encodeURIComponent(wordField.value.trim()) +
        "&say=" + encodeURIComponent(sayField.value.trim());
      play(tryButton, src, 0);
    });
  }

  // A running build: follow it, then show its result.
  var job = document.getElementById("job");
  if (job && job.getAttribute("data-running") === "yes") {
    var stage = document.getElementById("job-stage");
    var bar = document.getElementById("job-progress");
    var count = document.getElementById("job-count");
    var follow = function () {
      fetch("/build.json", { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (state) {
        if (state.finished) { window.location.reload(); return; }
        // The stage is a live region: said when it changes, not at every count.
        if (stage.textContent !== state.stage + "…") { stage.textContent = state.stage + "…"; }
        if (bar) { bar.max = Math.max(state.total, 1); bar.value = state.done; }
        if (count) { count.textContent = state.total > 1 ? state.done + " of " + state.total + " " + state.unit : ""; }
        window.setTimeout(follow, 500);
      }).catch(function () { window.setTimeout(follow, 1000); });
    };
    window.setTimeout(follow, 300);
  }
})();
