"""Driving Debian's Chromium with Playwright: the web player's and the studio's tests.

Nothing is downloaded: Playwright starts /usr/bin/chromium (never `playwright
install`), and axe-core comes from the installed axe-playwright-python wheel.
Screenshots go to $AUDIO_LEAFLET_ARTIFACTS (default /tmp/audio-leaflet-artifacts)
for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_TESTS = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
"""`pytestmark` of a module of browser tests."""
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Browser-side probes.
FOCUSED_CONTROL = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return {key: e.id || e.dataset.chapter || e.getAttribute('href') || e.tagName,
          w: r.width, h: r.height, outline: parseFloat(s.outlineWidth), style: s.outlineStyle};
}"""
ALL_CONTROL_SIZES = """() => [...document.querySelectorAll('button, a')].map(e => {
  const hidden = e.closest('[hidden]');
  if (hidden) hidden.removeAttribute('hidden');
  const r = e.getBoundingClientRect();
  return [e.id || e.textContent.trim().slice(0, 30), r.width, r.height];
})"""
WIDER_THAN = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 1).map(e => e.tagName + '#' + e.id)"""
SPILLING = """selector => [...document.querySelectorAll(selector)]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
ARTIFACTS = Path(os.environ.get("AUDIO_LEAFLET_ARTIFACTS", "/tmp/audio-leaflet-artifacts"))


def run_axe(page: Any, *, best_practice: bool = False) -> None:
    """axe-core's WCAG 2.0 to 2.2 A and AA rules on the page, every impact (minor included);
    with `best_practice`, also axe's best-practice rules (unique landmarks, one main, ...)."""
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text("utf-8")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a <script>: a page's Content-Security-Policy (the
        # studio's allows no inline script) does not apply to what the test runs.
        page.evaluate(f"() => {{ {script}\n}}")
        assert page.evaluate("typeof window.axe !== 'undefined'"), "axe-core did not load"
    result = page.evaluate(
        "tags => axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        [*AXE_TAGS, "best-practice"] if best_practice else AXE_TAGS,
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert problems == [], "\n".join(problems)
    assert result["passes"], "axe ran no rules"


def tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot for a person to look at; `full_page=False` keeps the first screen only."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    return path
