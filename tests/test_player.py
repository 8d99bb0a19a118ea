"""The web player in a real browser: Debian's Chromium driven by Playwright, from disk.

Nothing is downloaded: Playwright starts /usr/bin/chromium (never `playwright
install`), and axe-core comes from the installed axe-playwright-python wheel.
Screenshots go to $AUDIO_LEAFLET_ARTIFACTS (default /tmp/audio-leaflet-artifacts)
for a person to look at.
"""

from __future__ import annotations

import bisect
import json
import math
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audio_leaflet.bundle import write_site_index
from audio_leaflet.ffmpeg import decode_file
from helpers.browser import (
    ALL_CONTROL_SIZES,
    BROWSER_TESTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    FOCUSED_CONTROL,
    SPILLING,
    WIDER_THAN,
    run_axe,
    screenshot,
    tab_to,
)
from helpers.bundle import NASTY, RATE, make_bundle, typed
from player_figures import presses_to_section

pytestmark = BROWSER_TESTS
sync_api = pytest.importorskip("playwright.sync_api")

CHAPTERS = [
    (
        "Introduction",
        [
            "Section 1 of 3. Introduction.",
            "This is the audio version of the leaflet Dystonia and mental health.",
            "It has three sections.",
            "End of section 1.",
        ],
    ),
    (
        "Managing mental health conditions",
        [
            "Section 2 of 3. Managing mental health conditions.",
            "The main treatments are medication and talking therapies.",
            "Many people find that a combination of the two works best.",
            "End of section 2.",
        ],
    ),
    (
        "Getting support",
        [
            "Section 3 of 3. Getting support.",
            "You can call the helpline on oh three hundred, one two three, three three nine three.",
            "End of leaflet.",
        ],
    ),
]


@pytest.fixture(scope="module")
def out_dir(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    out = tmp_path_factory.mktemp("audio_out")
    leaflet = make_bundle(
        out,
        title="Dystonia and mental health",
        chapters=CHAPTERS,
        voice="piper",
        paragraph_after=[1, 5],
    )
    nasty = make_bundle(
        out,
        title=NASTY,
        organisation="Smith & Jones <Trust>",
        chapters=[
            ("Introduction", [f"Welcome to {NASTY}.", "An arrow --> & <b>bold</b>."]),
            (NASTY, ['Café «crème» & "double" </script><!-- end.']),
        ],
    )
    write_site_index(out, typed(leaflet, nasty), base_url="https://example.org/audio/")
    return out, leaflet, nasty


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    with sync_api.sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser(playwright: Any, tmp_path: Path) -> Iterator[Any]:
    """A fresh Chromium with an empty profile; fails the test on any request off disk."""
    profile = tmp_path / "profile"
    profile.mkdir()
    contexts: list[Any] = []
    off_disk: list[str] = []

    def launch(zoom: float = 0, **options: Any) -> Any:
        """`zoom` (2 for 200 %) is Chromium's own page zoom, in a 1280x800 window."""
        settings = {"viewport": {"width": 1000, "height": 900}, **options}
        args = CHROMIUM_ARGS
        if zoom:
            # The profile's default zoom level; Chromium's levels are powers of 1.2.
            (profile / "Default").mkdir(exist_ok=True)
            level = {"x": math.log(zoom) / math.log(1.2)}
            (profile / "Default" / "Preferences").write_text(
                json.dumps({"partition": {"default_zoom_level": level}}), "utf-8"
            )
            settings = {**options, "no_viewport": True}
            args = [*CHROMIUM_ARGS, "--window-size=1280,800"]
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=args, **settings
        )
        context.on(
            "request",
            lambda r: None if r.url.startswith(("file:", "data:")) else off_disk.append(r.url),
        )
        contexts.append(context)
        return context

    yield launch
    for context in contexts:
        context.close()
    assert off_disk == [], f"the page tried the network: {off_disk}"


def open_page(context: Any, path: Path) -> Any:
    page = context.pages[0] if context.pages else context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    page.errors = errors
    return page


def audio(page: Any) -> dict[str, Any]:
    return page.evaluate(
        "(() => { const a = document.getElementById('audio');"
        " return {t: a.currentTime, paused: a.paused, rate: a.playbackRate}; })()"
    )


def highlighted(page: Any) -> list[str]:
    return page.evaluate(
        "[...document.querySelectorAll('#transcript [aria-current=true]')].map(e => e.id)"
    )


def sentence_at(manifest: dict[str, Any], seconds: float) -> int:
    """Index of the sentence the player should mark at `seconds` into the whole file.

    The last sentence that has started, except in the silence that opens a
    chapter, where it is the chapter's first sentence (about to be read).
    """
    ms = seconds * 1000
    starts = [ch["start_ms"] + c["start_ms"] for ch in manifest["chapters"] for c in ch["cues"]]
    index = bisect.bisect_right(starts, ms) - 1
    first = 0
    for chapter in manifest["chapters"]:
        if chapter["start_ms"] <= ms:
            chapter_first = first
        first += len(chapter["cues"])
    return max(index, chapter_first)


def open_sections(page: Any) -> None:
    """Open the section list from its button, as a keyboard user does."""
    tab_to(page, "#sections-toggle")
    page.keyboard.press("Enter")
    page.wait_for_selector("#sections", state="visible")


def remember_position(page: Any, manifest: dict[str, Any], seconds: float) -> None:
    """Leave a saved position for this audio, as an earlier visit would, and load again."""
    page.evaluate(
        """([slug, seconds]) => {
          const data = JSON.parse(document.getElementById('leaflet-data').textContent);
          localStorage.setItem('audio-leaflet:' + slug,
            JSON.stringify({t: seconds, chapter: 2, version: data.version}));
        }""",
        [manifest["slug"], seconds],
    )
    page.reload()
    page.wait_for_selector("#resume", state="visible")


def cue_spans(manifest: dict[str, Any]) -> list[tuple[int, int]]:
    """(start, end) of every sentence in the whole file, in ms."""
    return [
        (ch["start_ms"] + c["start_ms"], ch["start_ms"] + c["end_ms"])
        for ch in manifest["chapters"]
        for c in ch["cues"]
    ]


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(browser: Any, out_dir: Any, scheme: str) -> None:
    out, leaflet, _ = out_dir
    page = open_page(browser(color_scheme=scheme), out / leaflet["slug"] / "index.html")
    run_axe(page, best_practice=True)
    # Again while playing: the current section and sentence are marked.
    tab_to(page, "#play")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('audio').currentTime > 4", timeout=20_000)
    page.keyboard.press("Enter")
    assert highlighted(page)
    open_sections(page)
    run_axe(page, best_practice=True)
    screenshot(page, f"player-{scheme}.png")
    assert page.errors == []


def test_keyboard_alone_drives_the_player(browser: Any, out_dir: Any) -> None:
    out, leaflet, _ = out_dir
    chapters = leaflet["chapters"]
    page = open_page(browser(), out / leaflet["slug"] / "index.html")
    time.sleep(1.0)
    assert audio(page) == {"t": 0, "paused": True, "rate": 1}  # no autoplay

    tab_to(page, "#play")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('audio').currentTime > 1", timeout=20_000)
    assert page.inner_text("#play-label") == "Pause"

    # Next section: time jumps to chapter 2's start, the section button and status follow.
    tab_to(page, "#next")
    page.keyboard.press("Enter")
    state = audio(page)
    start = chapters[1]["start_ms"] / 1000
    assert start <= state["t"] < start + 0.8, state
    assert not state["paused"]
    assert page.get_attribute("button[data-chapter='1']", "aria-current") == "true"
    page.wait_for_function(
        "document.getElementById('status').textContent.includes('Section 2 of 3')"
    )
    assert chapters[1]["title"] in page.inner_text("#status")
    assert page.inner_text("#now-title") == chapters[1]["title"]
    # In the silence that opens the section, its first sentence is marked, not the last one heard.
    first_of_two = len(chapters[0]["cues"])
    assert highlighted(page) == [f"s-{first_of_two}"]
    assert page.inner_text("#now-text") == chapters[1]["cues"][0]["text"]

    page.keyboard.press("Space")  # still on "Next section"
    assert chapters[2]["start_ms"] / 1000 <= audio(page)["t"] < chapters[2]["start_ms"] / 1000 + 0.8
    tab_to(page, "#prev")  # not yet 3 s into section 3: back to section 2
    tab_to_prev_t = audio(page)["t"]
    page.keyboard.press("Enter")
    assert start <= audio(page)["t"] < start + 0.8 < tab_to_prev_t

    tab_to(page, "#forward")
    before = audio(page)["t"]
    page.keyboard.press("Enter")
    assert before + 9.5 < audio(page)["t"] < before + 11
    tab_to(page, "#back")
    before = audio(page)["t"]
    page.keyboard.press("Enter")
    assert before - 10.5 < audio(page)["t"] < before - 9.5

    # Speed: faster twice, back to normal, then slower.
    tab_to(page, "#faster")
    page.keyboard.press("Space")
    assert audio(page)["rate"] == 1.1
    page.keyboard.press("Space")
    assert audio(page)["rate"] == 1.25
    assert page.inner_text("#speed-value") == "1.25×"
    tab_to(page, "#normal")
    page.keyboard.press("Enter")
    assert audio(page)["rate"] == 1
    assert page.inner_text("#speed-value") == "1× (normal)"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "slower"
    page.keyboard.press("Space")
    assert audio(page)["rate"] == 0.9
    screenshot(page, "player-keyboard.png")

    # Pause: the marked sentence is the one at the playing time.
    tab_to(page, "#play")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('audio').paused")
    page.wait_for_timeout(200)
    t = audio(page)["t"]
    expected = sentence_at(leaflet, t)
    assert highlighted(page) == [f"s-{expected}"]
    assert page.inner_text("#now-text") == page.inner_text(f"#s-{expected}")

    # A section button plays that section; the mark follows the time into it.
    open_sections(page)
    tab_to(page, "button[data-chapter='2']")
    page.keyboard.press("Enter")
    # Wait for the audio itself, not a fixed time: on a loaded CI machine the seek into the
    # section once took longer than 3.5 s to finish, and the time had not moved yet.
    into_section = chapters[2]["start_ms"] / 1000 + 2.5
    page.wait_for_function(
        f"document.getElementById('audio').currentTime > {into_section}", timeout=30_000
    )
    tab_to(page, "#play")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('audio').paused")
    page.wait_for_timeout(200)
    t = audio(page)["t"]
    assert chapters[2]["start_ms"] / 1000 + 2 < t
    later = sentence_at(leaflet, t)
    assert later > expected
    assert highlighted(page) == [f"s-{later}"]
    assert page.errors == []


def focus_walk(page: Any) -> list[dict[str, Any]]:
    """Tab once round the page from where the focus is (past the end and on from the
    start), describing each control as it takes the focus."""
    seen: list[dict[str, Any]] = []
    for _ in range(120):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_SEEN)
        if info is None:  # past the last control: the next Tab starts again at the top
            continue
        if any(info["key"] == s["key"] for s in seen):
            break
        seen.append(info)
    return seen


# The focused control, its target (a radio button's is its whole label), its ring and fill.
FOCUS_SEEN = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const target = e.closest('label') || e;
  const r = target.getBoundingClientRect(), s = getComputedStyle(e);
  return {key: e.id || e.dataset.chapter || e.getAttribute('href') || e.value || e.tagName,
          tag: e.tagName, w: r.width, h: r.height,
          outline: parseFloat(s.outlineWidth), style: s.outlineStyle,
          fill: getComputedStyle(target).backgroundColor};
}"""
FOCUS_FILL = "rgb(255, 221, 0)"


def test_every_control_is_large_and_shows_focus(browser: Any, out_dir: Any) -> None:
    out, leaflet, _ = out_dir
    page = open_page(browser(), out / leaflet["slug"] / "index.html")
    seen = focus_walk(page)
    keys = [i["key"] for i in seen]
    assert keys[:6] == ["prev", "play", "next", "sections-toggle", "back", "forward"]
    assert {"slower", "faster", "normal", "off", "transcript"} <= set(keys)
    assert len([k for k in keys if k.endswith(".mp3")]) == 1 + len(leaflet["chapters"])
    small = [i for i in seen if i["w"] < 44 or i["h"] < 44]
    assert small == [], small
    faint = [i for i in seen if i["outline"] < 3 or i["style"] == "none"]
    assert faint == [], faint
    # Controls not reachable yet (the resume offer) are large too.
    sizes = page.evaluate(ALL_CONTROL_SIZES)
    assert [s for s in sizes if s[1] < 44 or s[2] < 44] == []


@pytest.mark.parametrize(("width", "scale"), [(640, 2), (320, 1)])
def test_reflows_at_200_percent_zoom(browser: Any, out_dir: Any, width: int, scale: int) -> None:
    out, leaflet, _ = out_dir
    context = browser(viewport={"width": width, "height": 800}, device_scale_factor=scale)
    page = open_page(context, out / leaflet["slug"] / "index.html")
    tab_to(page, "#play")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('audio').currentTime > 2", timeout=20_000)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    wider = page.evaluate(WIDER_THAN, width)
    assert wider == []
    spilling = page.evaluate(SPILLING, "button, a")
    assert spilling == []
    # No button label has to break inside a word to fit ("Slo-wer").
    page.add_style_tag(content="button, button * { overflow-wrap: normal !important; }")
    broken = page.evaluate(SPILLING, "button")
    assert broken == []
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    screenshot(page, f"player-{width}px.png")


def test_position_is_remembered_and_offered_not_played(browser: Any, out_dir: Any) -> None:
    out, leaflet, _ = out_dir
    page = open_page(browser(), out / leaflet["slug"] / "index.html")
    tab_to(page, "#play")
    page.keyboard.press("Enter")
    tab_to(page, "#next")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    tab_to(page, "#play")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('audio').paused")
    stopped = audio(page)["t"]

    page.reload()
    page.wait_for_selector("#resume", state="visible")
    state = audio(page)
    assert state["paused"]  # offered, not autoplayed
    assert page.is_visible("#resume")
    minutes, seconds = divmod(int(stopped), 60)
    assert page.inner_text("#resume-yes") == f"Resume from {minutes}:{seconds:02d}"
    assert f"You stopped at {minutes}:{seconds:02d}, in section 2." in page.inner_text(
        "#resume-text"
    )
    run_axe(page, best_practice=True)
    screenshot(page, "player-resume.png")
    tab_to(page, "#resume-yes")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    state = audio(page)
    assert not state["paused"] and stopped - 0.3 < state["t"] < stopped + 1.5
    assert page.evaluate("document.activeElement.id") == "play"
    assert page.is_hidden("#resume")

    # After the audio changed, the offer goes back to the start of that section.
    # Leave the player (it saves on leaving), then change the saved entry from another page.
    page.goto((out / "index.html").as_uri())
    page.evaluate(
        "k => { const v = JSON.parse(localStorage.getItem(k)); v.version = 'older'; v.t = 30;"
        " localStorage.setItem(k, JSON.stringify(v)); }",
        f"audio-leaflet:{leaflet['slug']}",
    )
    page.goto((out / leaflet["slug"] / "index.html").as_uri())
    page.wait_for_function(
        "document.getElementById('resume-text').textContent.includes('updated since')"
    )
    assert "updated since you last listened" in page.inner_text("#resume-text")
    start = leaflet["chapters"][1]["start_ms"] // 1000
    assert page.inner_text("#resume-yes") == f"Resume from {start // 60}:{start % 60:02d}"


# Records how the player scrolls its transcript (the only motion on the page).
RECORD_SCROLLS = """
window.transcriptScrolls = [];
const scrollTo = Element.prototype.scrollTo;
Element.prototype.scrollTo = function (options) {
  if (this.id === 'transcript') window.transcriptScrolls.push(options && options.behavior);
  return scrollTo.apply(this, arguments);
};
"""


@pytest.mark.parametrize(("motion", "behaviour"), [("reduce", "auto"), ("no-preference", "smooth")])
def test_the_transcript_follows_without_motion_when_asked(
    browser: Any, out_dir: Any, motion: str, behaviour: str
) -> None:
    out, leaflet, _ = out_dir
    context = browser(reduced_motion=motion)
    context.add_init_script(RECORD_SCROLLS)
    page = open_page(context, out / leaflet["slug"] / "index.html")
    # A transcript two lines high, so that moving to the last section must scroll it.
    page.add_style_tag(content="#transcript { max-height: 3em !important; }")
    open_sections(page)
    tab_to(page, "button[data-chapter='2']")
    page.keyboard.press("Enter")
    page.wait_for_function("window.transcriptScrolls.length > 0", timeout=10_000)
    assert set(page.evaluate("window.transcriptScrolls")) == {behaviour}
    assert page.errors == []


def test_nasty_text_stays_text(browser: Any, out_dir: Any) -> None:
    out, _, nasty = out_dir
    page = open_page(browser(), out / nasty["slug"] / "index.html")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.reload()
    page.wait_for_timeout(500)
    assert dialogs == [] and page.errors == []
    assert page.title() == f"{NASTY} (audio)"
    assert page.inner_text("h1") == NASTY
    assert page.evaluate("document.scripts.length") == 2
    sentences = page.eval_on_selector_all("#transcript .s", "els => els.map(e => e.textContent)")
    assert sentences == [c["text"] for ch in nasty["chapters"] for c in ch["cues"]]
    assert page.inner_text("button[data-chapter='1'] .ctitle") == NASTY
    tab_to(page, "#next")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('status').textContent.length > 0")
    assert page.inner_text("#status") == f"Section 2 of 2: {NASTY}"
    run_axe(page)


def test_site_index(browser: Any, out_dir: Any) -> None:
    out, leaflet, _ = out_dir
    page = open_page(browser(), out / "index.html")
    run_axe(page)
    screenshot(page, "site-index.png")
    tab_to(page, f"a[href='{leaflet['slug']}/index.html']")
    box = page.evaluate(FOCUSED_CONTROL)
    box = [box["w"], box["h"]]
    assert box[0] >= 44 and box[1] >= 44
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == (out / leaflet["slug"] / "index.html").as_uri()
    assert page.inner_text("h1") == leaflet["title"]


# ---------------------------------------------------------------- on a phone

# A phone held upright (the two sizes most used), and 200 % zoom of a 1280x800 laptop
# screen: zooming halves the CSS viewport and doubles the pixels per CSS px.
SCREENS = {
    "phone-390x844": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
    "phone-360x640": {
        "viewport": {"width": 360, "height": 640},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
    "zoom-200-of-1280x800": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
    # Chromium's own zoom: its window's toolbar leaves a 640x356 CSS px page.
    "chromium-zoom-200-in-1280x800-window": {"zoom": 2},
}
FIRST_SCREEN = ["play", "prev", "next", "slower", "faster", "normal", "sections-toggle"]
"""What a listener must reach without scrolling: play/pause, previous and next section,
speed, and the button that opens the section list."""
PLACES = """ids => ids.map(id => {
  const e = document.getElementById(id);
  if (!e) return {id, top: -1, bottom: -1, w: 0, h: 0};
  const r = e.getBoundingClientRect();
  return {id, top: r.top + scrollY, bottom: r.bottom + scrollY, w: r.width, h: r.height};
})"""


def off_first_screen(page: Any, ids: list[str]) -> list[dict[str, Any]]:
    """The controls among `ids` not wholly on the first screen (or not shown at all)."""
    height = page.evaluate("innerHeight")
    places = page.evaluate(PLACES, ids)
    return [p for p in places if p["top"] < 0 or p["bottom"] > height or p["w"] == 0]


@pytest.mark.parametrize("offer", [False, True], ids=["fresh", "resume-offer"])
@pytest.mark.parametrize("screen", SCREENS)
def test_the_controls_are_on_the_first_screen(
    browser: Any, out_dir: Any, screen: str, offer: bool
) -> None:
    out, leaflet, _ = out_dir
    page = open_page(browser(**SCREENS[screen]), out / leaflet["slug"] / "index.html")
    wanted = FIRST_SCREEN
    if offer:
        remember_position(page, leaflet, leaflet["chapters"][1]["start_ms"] / 1000 + 2)
        wanted = [*FIRST_SCREEN, "resume-yes", "resume-no"]
    if "zoom" in SCREENS[screen]:
        assert page.evaluate("[innerWidth, devicePixelRatio]") == [640, 2]
    assert off_first_screen(page, wanted) == []
    assert page.evaluate("scrollY") == 0
    small = [p for p in page.evaluate(PLACES, wanted) if p["w"] < 44 or p["h"] < 44]
    assert small == [], small
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    # The section list opens in place, one press away.
    tab_to(page, "#sections-toggle")
    page.keyboard.press("Enter")
    assert page.is_visible("button[data-chapter='2']")
    assert page.evaluate("document.activeElement.dataset.chapter") == ("1" if offer else "0")
    page.keyboard.press("Escape")
    assert page.is_hidden("#sections")
    assert page.evaluate("document.activeElement.id") == "sections-toggle"
    run_axe(page, best_practice=True)
    page.evaluate("scrollTo(0, 0)")
    screenshot(page, f"player-{screen}-{'resume' if offer else 'fresh'}.png", full_page=False)
    assert page.errors == []


def test_a_section_is_a_few_key_presses_away(browser: Any, out_dir: Any) -> None:
    """From a page just opened to playing section 3: Tab to Sections, Enter (the focus goes
    to the section being heard), Tab twice, Enter: 8 presses (12 before the list moved
    under the controls)."""
    out, leaflet, _ = out_dir
    page = open_page(browser(), out / leaflet["slug"] / "index.html")
    presses = presses_to_section(page, 2)  # the measuring script's own count
    assert presses is not None and presses <= 8, presses
    page.keyboard.press("Enter")
    start = leaflet["chapters"][2]["start_ms"] / 1000
    page.wait_for_function("!document.getElementById('audio').paused")
    assert start <= audio(page)["t"] < start + 1.5


def test_the_current_section_shows_focus(browser: Any, out_dir: Any) -> None:
    """Its "current" marking once hid the yellow focus fill."""
    out, leaflet, _ = out_dir
    page = open_page(browser(), out / leaflet["slug"] / "index.html")
    page.keyboard.press("Tab")  # a keyboard user: the focus ring and fill are for them
    page.evaluate(
        """() => {
          const button = document.querySelector("button[aria-current='true']");
          const shut = button.closest('[hidden]');
          if (shut) shut.hidden = false;
          button.focus();
        }"""
    )
    assert page.evaluate("document.activeElement.dataset.chapter") == "0"
    seen = page.evaluate(FOCUS_SEEN)
    assert seen["fill"] == FOCUS_FILL, seen
    assert seen["outline"] >= 3


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_shows_on_every_control_in_every_state(
    browser: Any, out_dir: Any, scheme: str
) -> None:
    """Resume offer shown, sections open with section 2 current, a stop setting chosen,
    a speed chosen: each button and link takes the yellow fill, each control the ring."""
    out, leaflet, _ = out_dir
    page = open_page(browser(color_scheme=scheme), out / leaflet["slug"] / "index.html")
    page.evaluate(
        "localStorage.setItem('audio-leaflet:stop', '\"sentence\"');"
        "localStorage.setItem('audio-leaflet:speed', '1.25')"
    )
    remember_position(page, leaflet, leaflet["chapters"][1]["start_ms"] / 1000 + 2)
    open_sections(page)
    page.keyboard.press("Shift+Tab")  # from the current section, back to the page's start
    seen = focus_walk(page)
    keys = [i["key"] for i in seen]
    assert {"resume-yes", "resume-no", "play", "1", "sentence", "slower"} <= set(keys), keys
    unfilled = [i for i in seen if i["tag"] in ("BUTTON", "A", "INPUT") and i["fill"] != FOCUS_FILL]
    assert unfilled == [], unfilled
    faint = [i for i in seen if i["outline"] < 3 or i["style"] == "none"]
    assert faint == [], faint


def test_the_times_agree(browser: Any, out_dir: Any) -> None:
    """The length under the title, the player's total, and the clock at the end."""
    out, leaflet, _ = out_dir
    page = open_page(browser(), out / leaflet["slug"] / "index.html")
    match = re.search(r"(?:(\d+) min )?(\d+) sec in", page.inner_text(".byline"))
    assert match, page.inner_text(".byline")
    minutes, seconds = int(match[1] or 0), int(match[2])
    total = re.search(r"of (\d+:\d\d)", page.inner_text(".time"))
    assert total and total[1] == f"{minutes}:{seconds:02d}"
    # Written from the manifest, rounded to the nearest second as people round.
    whole = (leaflet["full"]["duration_ms"] + 500) // 1000
    assert minutes * 60 + seconds == whole
    # At the end, the clock reads the total, not a second short.
    page.evaluate("document.getElementById('audio').currentTime = 1e6")
    tab_to(page, "#play")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('audio').ended", timeout=20_000)
    assert page.inner_text(".time").startswith(f"{total[1]} of {total[1]}")


def test_landmark_names_are_unique(browser: Any, out_dir: Any) -> None:
    """Read from Chromium's accessibility tree: a screen reader's list of landmarks once
    had "Transcript" twice."""
    out, leaflet, _ = out_dir
    page = open_page(browser(), out / leaflet["slug"] / "index.html")
    landmarks = re.findall(
        r"^\s*- (banner|main|contentinfo|navigation|complementary|region|form|search)"
        r'(?: "([^"]*)")?:?',
        page.locator("body").aria_snapshot(),
        re.MULTILINE,
    )
    assert ("region", "Transcript") in landmarks
    assert len(landmarks) == len(set(landmarks)), landmarks


# ---------------------------------------------------------------- stop and wait


def quiet_around(manifest_folder: Path, manifest: dict[str, Any], ms: float, span: int) -> bool:
    """Whether the whole MP3, decoded by ffmpeg, is silent (below -45 dBFS in every 10 ms)
    from `span` ms before `ms` to `span` ms after: a stop there cuts no word."""
    import numpy as np

    clip = decode_file(manifest_folder / manifest["full"]["file"], RATE)
    samples = np.frombuffer(clip.pcm, dtype=np.int16).astype(np.float64)
    window = RATE // 100
    lo = max(0, int((ms - span) * RATE / 1000))
    hi = int((ms + span) * RATE / 1000)
    part = samples[lo:hi][: (hi - lo) // window * window].reshape(-1, window)
    rms = np.sqrt((part**2).mean(axis=1))
    return bool((rms < 32768 * 10 ** (-45 / 20)).all())


STOP_SETTING = """[document.querySelector('input[name=stop]:checked').value,
  localStorage.getItem('audio-leaflet:stop'), document.visibilityState]"""


def wait_to_go_on(page: Any) -> float:
    """Wait until the player stops and offers Go on; the stop's time in ms."""
    try:
        page.wait_for_function(
            "document.getElementById('play-label').textContent === 'Go on'", timeout=30_000
        )
    except sync_api.TimeoutError:
        raise AssertionError(
            f"no Go on: {audio(page)}, label {page.inner_text('#play-label')!r}, "
            f"setting {page.evaluate(STOP_SETTING)}, errors {page.errors}"
        ) from None
    state = audio(page)
    assert state["paused"]
    return float(state["t"]) * 1000


def go_on(page: Any, key: str) -> None:
    page.keyboard.press(key)
    page.wait_for_function(
        "document.getElementById('play-label').textContent === 'Pause'", timeout=5_000
    )


def test_stop_after_each_sentence_and_go_on(browser: Any, out_dir: Any) -> None:
    out, leaflet, _ = out_dir
    folder = out / leaflet["slug"]
    spans = cue_spans(leaflet)
    texts = [c["text"] for ch in leaflet["chapters"] for c in ch["cues"]]
    page = open_page(browser(), folder / "index.html")
    page.keyboard.press("ArrowRight")  # not waiting: the key does nothing
    page.wait_for_timeout(300)
    assert audio(page)["paused"]

    # Turned on once, by keyboard: the radio group, then the arrow to the next choice.
    tab_to(page, "input[name=stop]:checked")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("input[value=sentence]")
    assert "stops after each sentence" in page.inner_text(".time")
    tab_to(page, "#play")
    page.keyboard.press("Enter")

    for index, key in enumerate(["Space", "ArrowRight", "Enter"]):
        stopped = wait_to_go_on(page)
        end, next_start = spans[index][1], spans[index + 1][0]
        # In the pause after the sentence, well before the next one.
        assert end <= stopped < next_start - 100, (index, stopped, end, next_start)
        assert quiet_around(folder, leaflet, stopped, 50)
        assert page.evaluate("document.activeElement.id") == "play"
        assert page.inner_text("#play-label") == "Go on"
        assert highlighted(page) == [f"s-{index}"]
        assert page.inner_text("#now-text") == texts[index]
        if index == 0:
            run_axe(page, best_practice=True)
            seen = page.evaluate(FOCUS_SEEN)
            assert seen["fill"] == FOCUS_FILL and seen["outline"] >= 3
        if key == "ArrowRight":
            page.keyboard.press("Tab")  # the arrow goes on from anywhere on the page
            assert page.evaluate("document.activeElement.id") != "play"
        go_on(page, key)
    wait_to_go_on(page)
    assert highlighted(page) == ["s-3"]

    # After each paragraph: the fixture pauses for a paragraph after sentence 1 and 5 (and
    # at each chapter's end, sentence 3), so from sentence 3 the next stop is after 5.
    tab_to(page, "input[value=sentence]")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("input[value=paragraph]")
    tab_to(page, "#play")
    go_on(page, "Enter")
    stopped = wait_to_go_on(page)
    assert spans[5][1] <= stopped < spans[6][0] - 100, stopped
    assert highlighted(page) == ["s-5"]

    # Remembered on this device, like the speed.
    page.reload()
    assert page.is_checked("input[value=paragraph]")
    assert "stops after each paragraph" in page.inner_text(".time")
    assert page.errors == []


@pytest.mark.parametrize("screen", SCREENS)
def test_waiting_to_go_on_on_the_first_screen(browser: Any, out_dir: Any, screen: str) -> None:
    out, leaflet, _ = out_dir
    page = open_page(browser(**SCREENS[screen]), out / leaflet["slug"] / "index.html")
    tab_to(page, "input[name=stop]:checked")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("input[value=sentence]")
    tab_to(page, "#play")
    page.keyboard.press("Enter")
    wait_to_go_on(page)
    assert off_first_screen(page, FIRST_SCREEN) == []
    assert page.evaluate("document.activeElement.id") == "play"
    run_axe(page, best_practice=True)
    page.evaluate("scrollTo(0, 0)")
    screenshot(page, f"player-{screen}-go-on.png", full_page=False)
