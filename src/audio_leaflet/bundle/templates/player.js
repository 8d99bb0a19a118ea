/* audio-leaflet web player. One <audio> plays the whole leaflet; sections are
   seek points. No network, no autoplay, no single-key shortcuts (WCAG 2.1.4). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("leaflet-data").textContent);
  var byId = function (id) { return document.getElementById(id); };
  var audio = byId("audio");
  var chapters = data.chapters;          // [{n, title, start, end}] in ms
  var cues = data.cues;                  // [[start, end], ...] in ms, whole file
  var SPEEDS = [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2];
  var STORE = "audio-leaflet:" + data.slug;
  var SPEED_STORE = "audio-leaflet:speed";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var chapterButtons = Array.prototype.slice.call(document.querySelectorAll("button[data-chapter]"));
  var sentences = cues.map(function (_, i) { return byId("s-" + i); });
  var transcript = byId("transcript");
  var playLabel = byId("play-label");
  var currentChapter = -1;
  var currentCue = -2;
  var speedIndex = SPEEDS.indexOf(1);
  var lastSave = 0;

  function storageGet(key) {
    try { return JSON.parse(window.localStorage.getItem(key)); } catch (e) { return null; }
  }
  function storageSet(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage off */ }
  }
  function storageRemove(key) {
    try { window.localStorage.removeItem(key); } catch (e) { /* storage off */ }
  }

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(r).padStart(2, "0");
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
    byId("time-now").textContent = clock(t);
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

  function play() {
    byId("resume").hidden = true;
    var started = audio.play();
    if (started && started.catch) {
      started.catch(function (error) { announce("The audio could not start: " + error.message); });
    }
  }
  function seek(seconds, userMoved) {
    audio.currentTime = Math.max(0, Math.min(seconds, duration() - 0.05));
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

  // Controls
  byId("play").addEventListener("click", function () {
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
  chapterButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      var index = Number(button.getAttribute("data-chapter"));
      seek(chapters[index].start / 1000, true);
      play();
    });
  });

  // Audio events
  audio.addEventListener("play", function () {
    playLabel.textContent = "Pause";
    byId("icon-play").setAttribute("hidden", "");
    byId("icon-pause").removeAttribute("hidden");
  });
  audio.addEventListener("pause", function () {
    playLabel.textContent = "Play";
    byId("icon-pause").setAttribute("hidden", "");
    byId("icon-play").removeAttribute("hidden");
    update(false);
    savePosition(true);
  });
  audio.addEventListener("timeupdate", function () { update(false); savePosition(false); });
  audio.addEventListener("seeked", function () { update(false); });
  audio.addEventListener("ratechange", function () {
    // Some browsers reset the rate when media loads; keep the listener's choice.
    if (audio.playbackRate !== SPEEDS[speedIndex]) { audio.playbackRate = SPEEDS[speedIndex]; }
  });
  audio.addEventListener("ended", function () {
    storageRemove(STORE);
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
      text = "This leaflet has been updated since you last listened. You were in section " + chapters[index].n + ", " + chapters[index].title + ".";
    } else {
      text = "Welcome back. You stopped at " + clock(t) + ", in section " + chapters[chapterAt(t)].n + ", " + chapters[chapterAt(t)].title + ".";
    }
    byId("resume-text").textContent = text;
    byId("resume-yes").textContent = "Resume from " + clock(t);
    byId("resume").hidden = false;
    seek(t, false);
    byId("resume-yes").addEventListener("click", function () {
      seek(t, true); play(); byId("play").focus();
    });
    byId("resume-no").addEventListener("click", function () {
      seek(0, true); play(); byId("play").focus();
    });
  }

  // Enhance: our controls replace the browser's small ones.
  audio.removeAttribute("controls");
  audio.classList.add("enhanced");
  byId("player").hidden = false;
  var savedSpeed = storageGet(SPEED_STORE);
  setSpeed(SPEEDS.indexOf(savedSpeed) >= 0 ? SPEEDS.indexOf(savedSpeed) : SPEEDS.indexOf(1), false);
  update(false);
  offerResume();
})();
