"""Figures of a built bundle's web player on a phone (issue 23), measured in Debian's Chromium.

    .venv/bin/python scripts/player_figures.py BUNDLE_DIR [--stops N]

For each screen (390x844 and 360x640 phones, 200 % zoom of 1280x800 as a
640x400 CSS viewport at two device pixels per CSS px), fresh and with the
resume offer showing:

    (a) the page's height in CSS px
    (b) the top and bottom y of each control, and whether it lies on the first
        screen (play, previous, next, the speed buttons, the Sections button,
        back and forward 10 s, Resume and Start again)
    (c) from a page just opened, the key presses a keyboard user needs to start
        section 4 (Tab; Enter on a Sections button when the list is shut; Enter)

Then, with "Stop after each sentence" on (when the player has it), it plays N
sentences (default 10) at normal speed and reports how many ms past each
sentence's cue end playback stopped (min, median, max) and how many ms were
left before the next sentence's cue start.

Nothing is written to the bundle; the browser's storage is a fresh profile.
This script is never imported by the package.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
PHONE = {"device_scale_factor": 3, "is_mobile": True, "has_touch": True}
SCREENS = {
    "390x844": {"viewport": {"width": 390, "height": 844}, **PHONE},
    "360x640": {"viewport": {"width": 360, "height": 640}, **PHONE},
    "200% of 1280x800": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}
CONTROLS = [
    "resume-yes",
    "resume-no",
    "play",
    "prev",
    "next",
    "slower",
    "faster",
    "normal",
    "sections-toggle",
    "back",
    "forward",
]
PLACES = """ids => ids.map(id => {
  const e = document.getElementById(id);
  if (!e || !e.getClientRects().length) return null;
  const r = e.getBoundingClientRect();
  return [id, Math.round(r.top + scrollY), Math.round(r.bottom + scrollY)];
}).filter(Boolean)"""
SECTION_FOUR = """() => {
  const e = document.querySelector("button[data-chapter='3']");
  if (!e || !e.getClientRects().length) return null;
  const r = e.getBoundingClientRect();
  return [Math.round(r.top + scrollY), Math.round(r.bottom + scrollY)];
}"""
REMEMBER = """() => {
  const data = JSON.parse(document.getElementById('leaflet-data').textContent);
  const chapter = data.chapters[Math.min(2, data.chapters.length - 1)];
  localStorage.setItem('audio-leaflet:' + data.slug, JSON.stringify(
    {t: chapter.start / 1000 + 20, chapter: chapter.n, version: data.version}));
}"""


def presses_to_section(page: Any, index: int) -> int | None:
    """Key presses from a fresh page until section `index + 1` starts playing."""
    presses = 0
    for _ in range(60):
        page.keyboard.press("Tab")
        presses += 1
        focused = page.evaluate(
            "[document.activeElement.id, document.activeElement.dataset.chapter,"
            " document.activeElement.getAttribute('aria-expanded')]"
        )
        if focused[0] == "sections-toggle" and focused[2] == "false":
            page.keyboard.press("Enter")
            presses += 1
            focused = page.evaluate("[null, document.activeElement.dataset.chapter]")
        if focused[1] == str(index):
            return presses + 1  # and Enter
    return None


def layout(browser: Any, page_url: str) -> None:
    for name, options in SCREENS.items():
        for offer in (False, True):
            context = browser.new_context(**options)
            page = context.new_page()
            page.goto(page_url)
            if offer:
                page.evaluate(REMEMBER)
                page.reload()
                page.wait_for_selector("#resume", state="visible")
            height = page.evaluate("innerHeight")
            print(
                f"{name}, {'resume offer' if offer else 'fresh'}: page "
                f"{page.evaluate('document.documentElement.scrollHeight')} px tall, "
                f"first screen {height} px"
            )
            for control, top, bottom in page.evaluate(PLACES, CONTROLS):
                where = "first screen" if bottom <= height else "below"
                print(f"    {control:16s} y {top:5d} to {bottom:5d}  {where}")
            section = page.evaluate(SECTION_FOUR)
            print(
                f"    section 4 button y {section[0]} to {section[1]}"
                if section
                else "    section 4 button: in the list the Sections button opens"
            )
            if not offer:
                print(f"    key presses to start section 4: {presses_to_section(page, 3)}")
            context.close()


def stops(browser: Any, page_url: str, count: int) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(page_url)
    if not page.query_selector("input[name=stop][value=sentence]"):
        print("stop after each sentence: this player has no such setting")
        return
    data = json.loads(page.inner_text("#leaflet-data"))
    cues = data["cues"]
    page.evaluate("localStorage.setItem('audio-leaflet:stop', JSON.stringify('sentence'))")
    page.reload()
    page.focus("#play")
    page.keyboard.press("Enter")
    past, left = [], []
    for _ in range(min(count, len(cues) - 1)):
        page.wait_for_function(
            "document.getElementById('play-label').textContent === 'Go on'", timeout=60_000
        )
        ms = page.evaluate("document.getElementById('audio').currentTime") * 1000
        index = max(i for i, cue in enumerate(cues) if cue[1] <= ms)
        past.append(ms - cues[index][1])
        left.append(cues[index + 1][0] - ms)
        page.keyboard.press("Space")
        page.wait_for_function(
            "document.getElementById('play-label').textContent !== 'Go on'", timeout=5_000
        )
    context.close()
    print(
        f"stop after each sentence, {len(past)} stops: ms past the cue end "
        f"min {min(past):.0f} median {statistics.median(past):.0f} max {max(past):.0f}; "
        f"ms left before the next sentence min {min(left):.0f} "
        f"median {statistics.median(left):.0f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bundle", type=Path, help="a built bundle folder (holds index.html)")
    parser.add_argument("--stops", type=int, default=10, help="sentences to stop after")
    options = parser.parse_args()
    page = options.bundle.resolve() / "index.html"
    if not page.is_file():
        print(f"{page} does not exist: give a built bundle folder", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        layout(browser, page.as_uri())
        stops(browser, page.as_uri(), options.stops)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
