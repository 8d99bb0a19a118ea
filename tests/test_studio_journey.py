"""A member of staff's whole journey through the studio, by keyboard alone, in Chromium.

A real studio process, Debian's Chromium through Playwright, the default
voice and the real listening check. After each step the files on disk are
compared with what the command line makes (or reads back as up to date);
axe-core runs on every page and state, and screenshots go to
$AUDIO_LEAFLET_ARTIFACTS for a person to look at.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audio_leaflet.narrate.script import read_script
from audio_leaflet.read import SAMPLE_LEAFLET
from helpers.browser import (
    ALL_CONTROL_SIZES,
    BROWSER_TESTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    WIDER_THAN,
    run_axe,
    screenshot,
    tab_to,
)
from helpers.studio import Studio, running_studio

pytestmark = BROWSER_TESTS
sync_api = pytest.importorskip("playwright.sync_api")

SLUG = "botulinum-toxin-injections-for-dystonia"
EDITED = "We changed this sentence in the studio, and it is spoken as written."
ADDED = "This sentence was added in the studio, then taken out again."
BUILD_TIMEOUT_MS = 600_000
TABS = 300  # the longest part of the page is how it was read, a few controls a line


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory, session_cache: Path) -> Iterator[Studio]:
    folder = tmp_path_factory.mktemp("charity")
    with running_studio(folder, session_cache) as running:
        yield running


@pytest.fixture(scope="module")
def page(studio: Studio, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A Chromium page that fails the test on any request that is not to the studio."""
    elsewhere: list[str] = []
    with sync_api.sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        context.on(
            "request",
            lambda r: (
                None
                if r.url.startswith((studio.origin + "/", studio.opening_file.as_uri()))
                else elsewhere.append(r.url)
            ),
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.set_default_timeout(60_000)
        yield page
        context.close()
    assert elsewhere == [], f"the studio's pages asked for {elsewhere}"


def cli(studio: Studio, session_cache: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The command line, run in the studio's folder with the same cache."""
    return subprocess.run(
        [sys.executable, "-m", "audio_leaflet", *arguments],
        cwd=studio.folder,
        env={**os.environ, "AUDIO_LEAFLET_CACHE": str(session_cache)},
        capture_output=True,
        text=True,
        check=False,
    )


def open_home(page: Any, studio: Studio) -> None:
    """The home page, opened as the studio opens the browser: on its private file."""
    page.goto(studio.opening_file.as_uri())
    page.wait_for_url(f"{studio.origin}/")


def press(page: Any, selector: str) -> None:
    """Reach a control with Tab alone and press Enter on it."""
    tab_to(page, selector, limit=TABS)
    page.keyboard.press("Enter")


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector, limit=TABS)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def wait_for(page: Any, expression: str, timeout_ms: int = 60_000) -> None:
    """Poll `expression` in the page until true. (Playwright's wait_for_function evaluates
    a string with eval, which the studio's Content-Security-Policy forbids, as it should.)"""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            if page.evaluate(expression):
                return
        except sync_api.Error as error:  # the page reloaded (a build ended): ask again
            if "context was destroyed" not in str(error) and "null" not in str(error):
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout_ms} ms: {expression}")
        time.sleep(0.1)


def wait_until_playing(page: Any) -> None:
    wait_for(page, "window.studioStartedAt > window.studioPressedAt")
    wait_for(page, "!document.getElementById('player').paused")


def reset_play_clock(page: Any) -> None:
    page.evaluate("window.studioStartedAt = 0; window.studioPressedAt = 0;")


def pending(page: Any) -> list[str]:
    """The sentences marked "to be spoken" (their ids)."""
    return page.evaluate(
        "[...document.querySelectorAll('.sentences li')]"
        ".filter(i => i.querySelector('.badge.pending')).map(i => i.id)"
    )


def item_saying(page: Any, items: str, words: str) -> str:
    """The id of the one item of the list `items` (a selector) whose text says `words`."""
    found = page.evaluate(
        "([items, w]) => [...document.querySelectorAll(items)]"
        ".filter(i => i.querySelector('.text').textContent.includes(w)).map(i => i.id)",
        [items, words],
    )
    assert len(found) == 1, (words, found)
    return str(found[0])


def sentence_saying(page: Any, words: str) -> str:
    """The id of the one sentence of the section shown that says `words`."""
    return item_saying(page, ".sentences li", words)


def build_and_wait(page: Any, look: bool = False) -> str:
    """Press Build; with `look`, check and photograph the page while it builds."""
    press(page, "form[action='/build'] button")
    page.wait_for_selector("#job")
    if look and page.get_attribute("#job", "data-running") == "yes":
        run_axe(page)
        screenshot(page, "studio-building.png")
    wait_for(page, "document.getElementById('job').dataset.running === 'no'", BUILD_TIMEOUT_MS)
    return page.inner_text("#job")


def manifest_bytes(studio: Studio) -> bytes:
    return (studio.folder / "audio_out" / SLUG / "manifest.json").read_bytes()


def go_to(page: Any, part: str) -> None:
    """Open a part of the leaflet's page from its list of parts, by keyboard."""
    press(page, f"nav.views a[href$='view={part}']")
    page.wait_for_selector("h1")


def open_chapter(page: Any, number: int) -> None:
    """Open one section of the narration from the list of sections, by keyboard."""
    press(page, f"nav.chapters a[href$='chapter={number}']")
    page.wait_for_selector(f"#chapter-{number}")


def notice_has_focus(page: Any, inside: str) -> str:
    """The notice of a change just made: inside `inside`, holding the focus; its text."""
    page.wait_for_selector(f"{inside} #notice")
    # The page's script gives it the focus once loaded: wait for that, a few seconds at most.
    wait_for(page, "document.activeElement && document.activeElement.id === 'notice'", 5_000)
    return str(page.inner_text("#notice"))


def chapter_of(folder: Path, words: str) -> int:
    """The number of the section whose script says `words`."""
    for script in sorted((folder / "narration" / SLUG).glob("[0-9][0-9]-*.txt")):
        if words in script.read_text("utf-8"):
            return int(script.name[:2])
    raise AssertionError(f"no script says {words!r}")


def outline_line(page: Any, text: str) -> str:
    """The id of the line of "How it was read" that shows `text`."""
    return item_saying(page, "ol.outline li", text)


def test_a_whole_staff_journey(studio: Studio, page: Any, session_cache: Path) -> None:
    folder = studio.folder
    scripts = folder / "narration" / SLUG

    # Open the printed address: it works once; the token becomes a cookie and leaves it.
    page.goto(studio.address)
    assert "token=" not in page.url
    assert page.inner_text("h1") == "Leaflets"
    run_axe(page)
    screenshot(page, "studio-home.png")

    # 1. Add the built-in sample: it is stored in leaflets/, its scripts written as
    #    `audio-leaflet script` writes them.
    press(page, "form[action='/add-sample'] button")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Botulinum toxin injections for dystonia"
    assert (folder / "leaflets" / "sample-leaflet.md").read_bytes() == SAMPLE_LEAFLET.read_bytes()
    by_cli = folder.parent / f"{folder.name}-cli-narration"
    made = cli(
        studio,
        session_cache,
        "script",
        "leaflets/sample-leaflet.md",
        "--narration-dir",
        str(by_cli),
    )
    assert made.returncode == 0, made.stderr
    studio_scripts = {p.name: p.read_bytes() for p in scripts.glob("[0-9][0-9]-*.txt")}
    cli_scripts = {p.name: p.read_bytes() for p in (by_cli / SLUG).glob("[0-9][0-9]-*.txt")}
    assert studio_scripts == cli_scripts
    run_axe(page)
    screenshot(page, "studio-leaflet.png")
    # One section at a time: the page is a few screens long.
    assert page.evaluate("document.documentElement.scrollHeight") < 5 * 800

    # 2. Play a sentence not spoken yet: it is spoken on demand and starts playing.
    open_chapter(page, 2)
    sentence = "#s-2-1"
    before = page.inner_text(f"{sentence} .text")
    reset_play_clock(page)
    press(page, f"{sentence} button.play")
    wait_until_playing(page)
    assert "sentence.wav" in page.eval_on_selector("#player", "a => a.currentSrc")
    assert page.get_attribute(f"{sentence} button.play", "aria-pressed") == "true"
    run_axe(page)
    page.keyboard.press("Enter")  # the same button stops it
    wait_for(page, "document.getElementById('player').paused")

    # 3. Edit it in place: saved into the chapter's script as a hand edit is; the notice
    #    is where the sentence is, and takes the focus.
    press(page, f"{sentence} summary")
    type_into(page, f"{sentence} textarea", EDITED)
    press(page, f"{sentence} form[action='/edit'] button[type=submit]")
    assert "Saved to the narration script" in notice_has_focus(page, sentence)
    assert page.inner_text(f"{sentence} .text") == EDITED
    overview = scripts / "02-overview.txt"
    assert read_script(overview).edited
    old_lines = cli_scripts["02-overview.txt"].decode().splitlines()
    new_lines = overview.read_text("utf-8").splitlines()
    assert [line for line in new_lines if line not in old_lines] == [EDITED]
    assert [line for line in old_lines if line not in new_lines] == [before]
    for name, data in cli_scripts.items():
        if name != "02-overview.txt":
            assert (scripts / name).read_bytes() == data, name
    assert page.is_visible(f"{sentence} .badge.pending")
    run_axe(page)
    screenshot(page, "studio-edited.png")

    # 4. Add a sentence after it, delete it, undo the deletion, delete it again.
    edited_script = overview.read_text("utf-8")
    press(page, f"{sentence} details:nth-of-type(2) summary")
    type_into(page, f"{sentence} form[action='/sentence/add'] textarea", ADDED)
    press(page, f"{sentence} form[action='/sentence/add'] button[type=submit]")
    notice_has_focus(page, "#s-2-2")
    assert page.inner_text("#s-2-2 .text") == ADDED
    assert ADDED in overview.read_text("utf-8").splitlines()
    press(page, "#s-2-2 form[action='/sentence/delete'] button")
    notice_has_focus(page, "#s-2-1")
    assert overview.read_text("utf-8") == edited_script
    press(page, "#undo button")
    assert "Undone" in notice_has_focus(page, "#build")
    assert ADDED in overview.read_text("utf-8").splitlines()
    press(page, "#s-2-2 form[action='/sentence/delete'] button")
    notice_has_focus(page, "#s-2-1")
    assert overview.read_text("utf-8") == edited_script
    run_axe(page)

    # 5. Fix a word's pronunciation: try a respelling, hear it, save it to the project's
    #    lexicon: it is listed, and the sentence that has it is to be spoken again.
    with_word = chapter_of(folder, "ultrasound")
    open_chapter(page, with_word)
    # Hear the sentence first, so that it is spoken: then it is to be spoken again.
    with_it = sentence_saying(page, "ultrasound")
    reset_play_clock(page)
    press(page, f"#{with_it} button.play")
    wait_until_playing(page)
    page.keyboard.press("Enter")
    wait_for(page, "document.getElementById('player').paused")
    page.reload()
    assert with_it not in pending(page)
    go_to(page, "words")
    type_into(page, "#word", "ultrasound")
    type_into(page, "#say", "UL-truh-sownd")
    reset_play_clock(page)
    press(page, "#try-word")
    wait_until_playing(page)
    tried = page.eval_on_selector("#player", "a => a.currentSrc")
    assert "try-word.wav" in tried and "word=ultrasound" in tried
    page.keyboard.press("Enter")
    press(page, "#word-form button[type=submit]")
    assert "Saved to the project lexicon" in notice_has_focus(page, "#lexicon")
    lexicon = tomllib.loads((folder / "lexicon.toml").read_text("utf-8"))
    assert lexicon["words"]["ultrasound"] == {"say": "UL-truh-sownd"}
    project = tomllib.loads((folder / "audio-leaflet.toml").read_text("utf-8"))
    assert project["lexicon"] == "lexicon.toml"
    assert "ultrasound" in page.inner_text("table.words")
    run_axe(page)
    open_home(page, studio)
    page.goto(f"{studio.origin}/leaflet?path=leaflets%2Fsample-leaflet.md&chapter={with_word}")
    assert with_it in pending(page)

    # 6. Correct how the leaflet was read: make a line a heading, another the title.
    go_to(page, "structure")
    line = outline_line(page, "Side effects are usually mild")
    page.select_option(f"#{line} select", "heading")
    press(page, f"#{line} form button[type=submit]")
    notice_has_focus(page, "#structure")
    # A section's title, as headings are, without the line's closing colon.
    sections = page.inner_text("ol.section-list").splitlines()
    assert "Side effects are usually mild and pass on their own. They can include" in sections
    line = outline_line(page, "Looking after yourself")
    page.select_option(f"#{line} select", "title")
    press(page, f"#{line} form button[type=submit]")
    notice_has_focus(page, "#structure")
    assert page.inner_text("h1") == "Looking after yourself"
    run_axe(page)
    screenshot(page, "studio-structure.png")

    # 7. Build with the check: published, and the command line finds nothing to do.
    result = build_and_wait(page, look=True)
    assert "passed the listening check and was published" in result, result
    first = manifest_bytes(studio)
    published = json.loads(first)
    assert published["title"] == "Looking after yourself"
    assert "Side effects are usually mild and pass on their own. They can include" in [
        c["title"] for c in published["chapters"]
    ]
    cues = [c["text"] for ch in published["chapters"] for c in ch["cues"]]
    assert EDITED in cues
    again = cli(studio, session_cache, "build", "leaflets/sample-leaflet.md")
    assert again.returncode == 0, again.stderr
    assert "up to date, nothing rebuilt" in again.stderr
    page.reload()
    assert "Listeners get the build of" in page.inner_text("#build")
    # The published web player opens from the studio, as listeners get it.
    press(page, "a[href$='/index.html']")
    page.wait_for_selector("#play")  # the player's own script ran: its controls show
    assert page.inner_text("h1") == "Looking after yourself"
    page.go_back()
    page.wait_for_selector("#build")
    run_axe(page)
    screenshot(page, "studio-built.png")

    # 8. Undo the title: the leaflet is read with its own title again.
    press(page, "#undo button")
    notice_has_focus(page, "#build")
    assert page.inner_text("h1") == "Botulinum toxin injections for dystonia"

    # 9. A lexicon that makes the voice say a digit wrongly: the check refuses the
    #    build, lists the finding, and plays the refused audio at that moment.
    go_to(page, "words")
    type_into(page, "#word", "three")
    type_into(page, "#say", "four")
    press(page, "#word-form button[type=submit]")
    notice_has_focus(page, "#lexicon")
    result = build_and_wait(page)
    assert "was not published" in result, result
    assert manifest_bytes(studio) == first  # the last good bundle is untouched
    findings = page.inner_text(".findings")
    assert "three" in findings and "four" in findings
    reset_play_clock(page)
    press(page, ".findings button.play")
    wait_until_playing(page)
    source = page.eval_on_selector("#player", "a => a.currentSrc")
    assert "from=refused" in source and ".mp3" in source
    run_axe(page)
    screenshot(page, "studio-finding.png")
    page.keyboard.press("Enter")

    # 10. Remove the wrong pronunciation from the list, build and publish.
    go_to(page, "words")
    press(page, "table.words form:has(input[name='word'][value='three']) button")
    assert "Taken out of the project lexicon" in notice_has_focus(page, "#lexicon")
    assert "three" not in page.inner_text("#lexicon table")
    assert "three" not in tomllib.loads((folder / "lexicon.toml").read_text())["words"]
    result = build_and_wait(page)
    assert "published" in result and "not published" not in result, result
    second = manifest_bytes(studio)
    assert second != first

    # 11. Hear the earlier version, then put it back: the bundle is the first one again,
    #     byte for byte; the one it replaced is kept, and the one published is marked.
    go_to(page, "versions")
    assert page.locator(".versions li").count() == 1
    reset_play_clock(page)
    press(page, ".versions button.play")
    wait_until_playing(page)
    heard = page.eval_on_selector("#player", "a => a.currentSrc")
    assert "from=" in heard and "from=published" not in heard and "from=refused" not in heard
    page.keyboard.press("Enter")
    press(page, ".versions form button")
    assert "published again" in notice_has_focus(page, "#build")
    assert manifest_bytes(studio) == first
    go_to(page, "versions")
    assert page.locator(".versions li").count() == 2
    assert page.locator(".versions .badge:has-text('published now')").count() == 1
    assert page.locator(".versions form").count() == 1, "the one published is not offered"
    assert (folder / "audio_out" / "index.html").is_file()
    run_axe(page)
    screenshot(page, "studio-restored.png")
    assert page.errors == []


def test_the_leaflet_page_at_200_percent_zoom(studio: Studio, page: Any) -> None:
    """At 200 % zoom (half the width in CSS pixels) nothing scrolls sideways; every
    control is at least 44 by 44 pixels."""
    open_home(page, studio)
    press(page, "form[action='/add-sample'] button")
    page.wait_for_selector("h1")
    page.set_viewport_size({"width": 640, "height": 900})
    page.reload()
    assert page.evaluate(WIDER_THAN, 640) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    small = [c for c in page.evaluate(ALL_CONTROL_SIZES) if c[1] < 44 or c[2] < 44]
    summaries = page.eval_on_selector_all(
        "summary",
        "items => items.map(s => s.getBoundingClientRect()).map(r => [r.width, r.height])",
    )
    assert small == []
    assert all(w >= 44 and h >= 44 for w, h in summaries)
    screenshot(page, "studio-leaflet-200-percent.png")
    for part in ("structure", "words", "left-out", "versions"):
        go_to(page, part)
        assert page.evaluate(WIDER_THAN, 640) == [], part
    page.set_viewport_size({"width": 1280, "height": 900})


HOSTILE = """# Tics & "twitches" <script>alert('title')</script>

## What is it? <img src=x onerror="alert('heading')">

A tic is a sudden movement. Quotes: "double" and 'single' & more.
"""
HOSTILE_EDIT = (
    """A sentence with </textarea><script>alert('edit')</script> and "quotes" & <b>tags</b>."""
)


def test_hostile_text_stays_text_in_every_view(studio: Studio, page: Any, tmp_path: Path) -> None:
    """Script tags, quotes and markup in a leaflet, and in an edit, are shown as text."""
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    upload = tmp_path / 'tics <b> & "more".md'
    upload.write_text(HOSTILE, encoding="utf-8")
    open_home(page, studio)
    page.set_input_files("#leaflet-file", str(upload))
    press(page, "form[action='/upload'] button")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == 'Tics & "twitches"'
    open_chapter(page, 2)
    press(page, "#s-2-0 summary")
    type_into(page, "#s-2-0 textarea", HOSTILE_EDIT)
    press(page, "#s-2-0 form[action='/edit'] button[type=submit]")
    notice_has_focus(page, "#s-2-0")
    assert page.inner_text("#s-2-0 .text") == HOSTILE_EDIT
    assert page.input_value("#s-2-0 textarea") == HOSTILE_EDIT
    assert page.evaluate("document.scripts.length") == 1
    assert page.evaluate("document.querySelectorAll('img, b, #main script').length") == 0
    run_axe(page)
    open_home(page, studio)  # the home page lists it by its safe file name
    listed = page.inner_text(".leaflets").split()
    assert "leaflets/tics-b-more.md" in listed, listed
    # A file that is not what its name says: the reader's own message, on an accessible page.
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"this is not a Word file")
    page.set_input_files("#leaflet-file", str(broken))
    press(page, "form[action='/upload'] button")
    page.wait_for_selector("[role=alert]")
    assert "is not a Word .docx file" in page.inner_text("[role=alert]")
    run_axe(page)
    assert dialogs == [] and page.errors == []
