/* audio-leaflet web player. One <audio> plays the whole leaflet; sections are
   seek points. No network, no autoplay, no single-key shortcuts (WCAG 2.1.4):
   the one extra key, the right arrow, works only while the player waits to go on. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("leaflet-data").textContent);
  var byId = function (id) { return document.getElementById(id); };
  var audio = byId("audio");
  var chapters = data.chapters;          // [{n, title, start, end, firstCue}] in ms
  var cues = data.cues;                  // [[start, end], ...] in ms, whole file
  var paragraphEnds = {};                // cue index -> true for the last sentence of a paragraph
  data.paragraphEnds.forEach(function (i) { paragraphEnds[i] = true; });
  var SPEEDS = [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2];
  var STOP_MODES = ["off", "sentence", "paragraph"];
  var STORE = "audio-leaflet:" + data.slug;
  var SPEED_STORE = "audio-leaflet:speed";
  var STOP_STORE = "audio-leaflet:stop";
  // How long after a sentence's last sound the player stops: past the end, so no
  // word is clipped even if the decoder's timing is a little late, and never more
  // than half the pause, so the next sentence is not begun.
  var STOP_AFTER_MS = 150;
  var TOTAL_SECONDS = Math.floor((data.duration + 500) / 1000);  // rounded as the page's lengths are
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var chapterButtons = Array.prototype.slice.call(document.querySelectorAll("button[data-chapter]"));
  var stopRadios = Array.prototype.slice.call(document.querySelectorAll("input[name=stop]"));
  var sentences = cues.map(function (_, i) { return byId("s-" + i); });
  var transcript = byId("transcript");
  var playButton = byId("play");
  var playLabel = byId("play-label");
  var currentChapter = -1;
  var currentCue = -2;
  var speedIndex = SPEEDS.indexOf(1);
  var lastSave = 0;
  var stopMode = "off";
  var stopTarget = null;                 // ms in the whole file where playback will stop
  var stopTimer = 0;
  var waiting = false;                   // stopped after a sentence, "Go on" offered

  function storageGet(key) {
    try { return JSON.parse(window.localStorage.getItem(key)); } catch (e) { return null; }
  }
  function storageSet(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage off */ }
  }
  function storageRemove(key) {
    try { window.localStorage.removeItem(key); } catch (e) { /* storage off */ }
  }

  function clockOf(s) {
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(r).padStart(2, "0");
  }
  function clock(seconds) {
    // A position: whole seconds passed, never more than the length the page shows.
    return clockOf(Math.min(TOTAL_SECONDS, Math.max(0, Math.floor(seconds))));
  }
  function duration() {
    return isFinite(audio.duration) && audio.duration > 0 ? audio.duration : data.duration / 1000;
  }
  function chapterAt(seconds) {
    var ms = seconds * 1000 + 1, found = 0;
    for (var i = 0; i < chapters.length; i++) { if (chapters[i].start <= ms) { found = i; } }
    return found;
  }
  function cueAt(seconds) {
    // The last sentence that has started: it stays marked through the pause after it.
    var ms = seconds * 1000, lo = 0, hi = cues.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (cues[mid][0] <= ms) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }
  function announce(text) {
    var status = byId("status");
    status.textContent = "";
    // A fresh text node after a tick, so the same message is announced again.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }
  function sectionName(index) {
    return "Section " + chapters[index].n + " of " + chapters.length + ": " + chapters[index].title;
  }

  function keepInView(element) {
    if (transcript.contains(document.activeElement) || transcript.matches(":hover")) { return; }
    var top = element.offsetTop, bottom = top + element.offsetHeight;
    var viewTop = transcript.scrollTop, viewBottom = viewTop + transcript.clientHeight;
    if (top < viewTop || bottom > viewBottom) {
      transcript.scrollTo({ top: Math.max(0, top - transcript.clientHeight / 3), behavior: reduceMotion ? "auto" : "smooth" });
    }
  }

  function update(userMoved) {
    var t = audio.currentTime;
    var ci = chapterAt(t);
    if (ci !== currentChapter) {
      chapterButtons.forEach(function (button, i) {
        if (i === ci) { button.setAttribute("aria-current", "true"); } else { button.removeAttribute("aria-current"); }
      });
      byId("now-number").textContent = "Section " + chapters[ci].n + " of " + chapters.length;
      byId("now-title").textContent = chapters[ci].title;
      if (currentChapter !== -1 && (userMoved || !audio.paused)) { announce(sectionName(ci)); }
      currentChapter = ci;
    }
    var si = cueAt(t);
    if (chapters[ci].firstCue >= 0 && si < chapters[ci].firstCue) { si = chapters[ci].firstCue; }
    if (si !== currentCue) {
      if (currentCue >= 0 && sentences[currentCue]) { sentences[currentCue].removeAttribute("aria-current"); }
      if (si >= 0 && sentences[si]) {
        sentences[si].setAttribute("aria-current", "true");
        byId("now-text").textContent = sentences[si].textContent;
        keepInView(sentences[si]);
      }
      currentCue = si;
    }
    byId("time-now").textContent = audio.ended ? clockOf(TOTAL_SECONDS) : clock(t);
    byId("progress-fill").style.width = Math.min(100, (100 * t) / duration()) + "%";
  }

  function savePosition(force) {
    var now = Date.now();
    if (!force && now - lastSave < 3000) { return; }
    lastSave = now;
    var t = audio.currentTime;
    if (t < 1) { return; }
    storageSet(STORE, { t: t, chapter: chapters[chapterAt(t)].n, version: data.version });
  }

  // Stop and wait: after each sentence, or after the last sentence of each paragraph.
  function stopPointAfter(index) {
    var end = cues[index][1];
    var next = index + 1 < cues.length ? cues[index + 1][0] : data.duration;
    return end + Math.min(STOP_AFTER_MS, Math.max(0, next - end) / 2);
  }
  function nextStopAfter(ms) {
    for (var i = Math.max(0, cueAt(ms / 1000)); i < cues.length; i++) {
      if ((stopMode === "sentence" || paragraphEnds[i]) && stopPointAfter(i) > ms) { return stopPointAfter(i); }
    }
    return null;
  }
  function armStop() {
    // From where playback (re)starts: a listener who went on is past the last stop.
    window.clearTimeout(stopTimer);
    stopTarget = stopMode === "off" ? null : nextStopAfter(audio.currentTime * 1000 + 50);
    watchStop();
  }
  function watchStop() {
    // A timer aimed just short of the stop, then short polls; timeupdate also calls
    // this, so a throttled timer (a page in the background) still stops in the pause.
    window.clearTimeout(stopTimer);
    if (stopTarget === null || audio.paused) { return; }
    var remaining = stopTarget - audio.currentTime * 1000;
    if (remaining <= 0) { stopHere(); return; }
    stopTimer = window.setTimeout(watchStop, Math.max(0, Math.min(250, remaining / audio.playbackRate - 15)));
  }
  function stopHere() {
    stopTarget = null;
    waiting = true;  // before pause(), so its handler shows "Go on"
    audio.pause();
    playButton.focus();
  }
  function showPlayState() {
    var playing = !audio.paused;
    playLabel.textContent = playing ? "Pause" : waiting ? "Go on" : "Play";
    playButton.classList.toggle("waiting", waiting && !playing);
    byId("icon-play").toggleAttribute("hidden", playing);
    byId("icon-pause").toggleAttribute("hidden", !playing);
  }
  function setStopMode(mode, say) {
    stopMode = STOP_MODES.indexOf(mode) >= 0 ? mode : "off";
    stopRadios.forEach(function (radio) { radio.checked = radio.value === stopMode; });
    var note = byId("stop-note");
    note.textContent = stopMode === "off" ? "" : " · stops after each " + stopMode;
    note.hidden = stopMode === "off";
    storageSet(STOP_STORE, stopMode);
    if (stopMode === "off" && waiting) { waiting = false; showPlayState(); }
    if (!audio.paused) { armStop(); }
    if (say) { announce(stopMode === "off" ? "Plays without stopping." : "Stops after each " + stopMode + "."); }
  }

  function play() {
    byId("resume").hidden = true;
    var started = audio.play();
    if (started && started.catch) {
      started.catch(function (error) { announce("The audio could not start: " + error.message); });
    }
  }
  function seek(seconds, userMoved) {
    audio.currentTime = Math.max(0, Math.min(seconds, duration() - 0.05));
    if (waiting) { waiting = false; showPlayState(); }
    update(userMoved);
    savePosition(true);
  }
  function setSpeed(index, say) {
    speedIndex = Math.max(0, Math.min(SPEEDS.length - 1, index));
    var speed = SPEEDS[speedIndex];
    audio.defaultPlaybackRate = speed;
    audio.playbackRate = speed;
    byId("speed-value").textContent = speed === 1 ? "1× (normal)" : speed + "×";
    storageSet(SPEED_STORE, speed);
    if (say) { announce(speed === 1 ? "Normal speed" : "Speed " + speed + " times normal"); }
  }
  function showSections(open) {
    // Opening moves the focus to the section being heard, so a keyboard or switch
    // reaches any section in a few presses; Escape closes the list again.
    byId("sections").hidden = !open;
    byId("sections-toggle").setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { chapterButtons[Math.max(0, currentChapter)].focus(); }
  }

  // Controls
  playButton.addEventListener("click", function () {
    if (audio.paused) { play(); } else { audio.pause(); }
  });
  byId("back").addEventListener("click", function () { seek(audio.currentTime - 10, true); });
  byId("forward").addEventListener("click", function () { seek(audio.currentTime + 10, true); });
  byId("prev").addEventListener("click", function () {
    var ci = chapterAt(audio.currentTime);
    // Like a CD player: a few seconds in, "previous" restarts this section.
    var target = audio.currentTime - chapters[ci].start / 1000 > 3 || ci === 0 ? ci : ci - 1;
    seek(chapters[target].start / 1000, true);
    if (target === currentChapter) { announce("Start of " + sectionName(target)); }
  });
  byId("next").addEventListener("click", function () {
    var ci = chapterAt(audio.currentTime);
    if (ci >= chapters.length - 1) { announce("This is the last section."); return; }
    seek(chapters[ci + 1].start / 1000, true);
  });
  byId("slower").addEventListener("click", function () {
    if (speedIndex === 0) { announce("This is the slowest speed, half of normal."); return; }
    setSpeed(speedIndex - 1, true);
  });
  byId("faster").addEventListener("click", function () {
    if (speedIndex === SPEEDS.length - 1) { announce("This is the fastest speed, twice normal."); return; }
    setSpeed(speedIndex + 1, true);
  });
  byId("normal").addEventListener("click", function () { setSpeed(SPEEDS.indexOf(1), true); });
  byId("sections-toggle").addEventListener("click", function () { showSections(byId("sections").hidden); });
  byId("sections").addEventListener("keydown", function (event) {
    if (event.key === "Escape") { showSections(false); byId("sections-toggle").focus(); }
  });
  chapterButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      var index = Number(button.getAttribute("data-chapter"));
      seek(chapters[index].start / 1000, true);
      play();
    });
  });
  stopRadios.forEach(function (radio) {
    radio.addEventListener("change", function () { if (radio.checked) { setStopMode(radio.value, true); } });
  });
  document.addEventListener("keydown", function (event) {
    // The right arrow goes on from anywhere, but only while the player waits, and
    // never from a form field (the arrows choose among the Stop and wait options).
    if (!waiting || event.key !== "ArrowRight" || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    if (event.target.closest && event.target.closest("input, select, textarea")) { return; }
    event.preventDefault();
    play();
  });

  // Audio events
  audio.addEventListener("play", function () {
    waiting = false;
    showPlayState();
    armStop();
  });
  audio.addEventListener("pause", function () {
    window.clearTimeout(stopTimer);
    showPlayState();
    update(false);
    savePosition(true);
  });
  audio.addEventListener("timeupdate", function () { update(false); savePosition(false); watchStop(); });
  audio.addEventListener("seeked", function () { update(false); if (!audio.paused) { armStop(); } });
  audio.addEventListener("ratechange", function () {
    // Some browsers reset the rate when media loads; keep the listener's choice.
    if (audio.playbackRate !== SPEEDS[speedIndex]) { audio.playbackRate = SPEEDS[speedIndex]; }
    watchStop();
  });
  audio.addEventListener("ended", function () {
    storageRemove(STORE);
    waiting = false;
    showPlayState();
    update(false);
    announce("End of leaflet.");
  });
  window.addEventListener("pagehide", function () { savePosition(true); });

  // Offer to resume rather than starting on its own.
  function offerResume() {
    var saved = storageGet(STORE);
    if (!saved || typeof saved.t !== "number" || saved.t < 5 || saved.t > duration() - 5) { return; }
    var t = saved.t, text;
    if (saved.version !== data.version) {
      // The audio changed since: times moved, so go back to the start of that section.
      var index = Math.max(0, Math.min(chapters.length - 1, (saved.chapter || 1) - 1));
      t = chapters[index].start / 1000;
      text = "This leaflet has been updated since you last listened. You were in section " + chapters[index].n + ".";
    } else {
      text = "Welcome back. You stopped at " + clock(t) + ", in section " + chapters[chapterAt(t)].n + ".";
    }
    byId("resume-text").textContent = text;
    byId("resume-yes").textContent = "Resume from " + clock(t);
    byId("resume").hidden = false;
    seek(t, false);
    byId("resume-yes").addEventListener("click", function () {
      seek(t, true); play(); playButton.focus();
    });
    byId("resume-no").addEventListener("click", function () {
      seek(0, true); play(); playButton.focus();
    });
  }

  // Enhance: our controls replace the browser's small ones.
  audio.removeAttribute("controls");
  audio.classList.add("enhanced");
  byId("player").hidden = false;
  var savedSpeed = storageGet(SPEED_STORE);
  setSpeed(SPEEDS.indexOf(savedSpeed) >= 0 ? SPEEDS.indexOf(savedSpeed) : SPEEDS.indexOf(1), false);
  setStopMode(storageGet(STOP_STORE), false);
  update(false);
  offerResume();
})();
