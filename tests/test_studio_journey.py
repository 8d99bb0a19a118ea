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
from browser_helpers import (
    ALL_CONTROL_SIZES,
    BROWSER_TESTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    WIDER_THAN,
    run_axe,
    screenshot,
    tab_to,
)
from studio_helpers import Studio, running_studio

pytestmark = BROWSER_TESTS
sync_api = pytest.importorskip("playwright.sync_api")

SLUG = "botulinum-toxin-injections-for-dystonia"
EDITED = "We changed this sentence in the studio, and it is spoken as written."
BUILD_TIMEOUT_MS = 600_000
TABS = 600  # the lexicon form comes after every sentence's two controls


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
    studio_scripts = {p.name: p.read_bytes() for p in scripts.iterdir()}
    cli_scripts = {p.name: p.read_bytes() for p in (by_cli / SLUG).iterdir()}
    assert studio_scripts == cli_scripts
    run_axe(page)
    screenshot(page, "studio-leaflet.png")

    # 2. Play a sentence not spoken yet: it is spoken on demand and starts playing.
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

    # 3. Edit it in place: saved into the chapter's script as a hand edit is.
    press(page, f"{sentence} summary")
    type_into(page, f"{sentence} textarea", EDITED)
    press(page, f"{sentence} form button[type=submit]")
    page.wait_for_selector(".message.notice")
    assert page.inner_text(f"{sentence} .text") == EDITED
    overview = scripts / "02-overview.txt"
    parsed = read_script(overview)
    assert parsed.edited
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

    # 4. Fix a word's pronunciation: hear the sentence that has it, try a respelling,
    #    save it to the project's lexicon; that sentence is marked to be spoken again.
    with_word = page.evaluate(
        "[...document.querySelectorAll('.sentences li')]"
        ".filter(i => /ultrasound/i.test(i.querySelector('.text').textContent)).map(i => i.id)"
    )
    assert len(with_word) == 1
    reset_play_clock(page)
    press(page, f"#{with_word[0]} button.play")
    wait_until_playing(page)
    page.keyboard.press("Enter")
    page.reload()
    pending_before = set(pending(page))
    assert with_word[0] not in pending_before
    type_into(page, "#word", "ultrasound")
    type_into(page, "#say", "UL-truh-sownd")
    reset_play_clock(page)
    press(page, "#try-word")
    wait_until_playing(page)
    tried = page.eval_on_selector("#player", "a => a.currentSrc")
    assert "try-word.wav" in tried and "word=ultrasound" in tried
    page.keyboard.press("Enter")
    press(page, "#word-form button[type=submit]")
    page.wait_for_selector(".message.notice")
    lexicon = tomllib.loads((folder / "lexicon.toml").read_text("utf-8"))
    assert lexicon["words"]["ultrasound"] == {"say": "UL-truh-sownd"}
    project = tomllib.loads((folder / "audio-leaflet.toml").read_text("utf-8"))
    assert project["lexicon"] == "lexicon.toml"
    assert set(pending(page)) - pending_before == set(with_word)
    # Hear the fix in place: the sentence is said anew with the saved respelling, and kept.
    reset_play_clock(page)
    press(page, f"#{with_word[0]} button.play")
    wait_until_playing(page)
    page.keyboard.press("Enter")
    page.reload()
    assert with_word[0] not in pending(page)
    run_axe(page)

    # 5. Build with the check: published, and the command line finds nothing to do.
    result = build_and_wait(page, look=True)
    assert "passed the listening check and was published" in result, result
    first = manifest_bytes(studio)
    cues = [c["text"] for ch in json.loads(first)["chapters"] for c in ch["cues"]]
    assert EDITED in cues
    again = cli(studio, session_cache, "build", "leaflets/sample-leaflet.md")
    assert again.returncode == 0, again.stderr
    assert "up to date, nothing rebuilt" in again.stderr
    page.reload()
    assert pending(page) == []  # every sentence as built is cached
    # The published web player opens from the studio, as listeners get it.
    press(page, "a[href$='/index.html']")
    page.wait_for_selector("#play")  # the player's own script ran: its controls show
    assert page.inner_text("h1") == "Botulinum toxin injections for dystonia"
    page.go_back()
    page.wait_for_selector("#narration")
    run_axe(page)
    screenshot(page, "studio-built.png")

    # 6. A lexicon that makes the voice say a digit wrongly: the check refuses the
    #    build, lists the finding, and plays the refused audio at that moment.
    type_into(page, "#word", "three")
    type_into(page, "#say", "four")
    press(page, "#word-form button[type=submit]")
    page.wait_for_selector(".message.notice")
    result = build_and_wait(page)
    assert "was not published" in result, result
    assert manifest_bytes(studio) == first  # the last good bundle is untouched
    assert (folder / "audio_out" / f"{SLUG}-check-report.txt").is_file()
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

    # 7. Put the word right, build and publish; the first version is kept.
    type_into(page, "#word", "three")
    type_into(page, "#say", "three")
    press(page, "#word-form button[type=submit]")
    page.wait_for_selector(".message.notice")
    result = build_and_wait(page)
    assert "published" in result and "not published" not in result, result
    second = manifest_bytes(studio)
    assert second != first
    page.reload()
    assert page.locator(".versions li").count() == 1

    # 8. Put the previous version back: the bundle is the first one again, byte for byte,
    #    and the one it replaced is kept.
    press(page, ".versions form button")
    page.wait_for_selector(".message.notice")
    assert "published again" in page.inner_text(".message.notice")
    assert manifest_bytes(studio) == first
    assert page.locator(".versions li").count() == 2
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
    assert "alert('title')" in page.inner_text("#source")
    press(page, "#s-2-0 summary")
    type_into(page, "#s-2-0 textarea", HOSTILE_EDIT)
    press(page, "#s-2-0 form button[type=submit]")
    page.wait_for_selector(".message.notice")
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
