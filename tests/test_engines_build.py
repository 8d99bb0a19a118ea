"""Whole builds through the command line with the other engines (issue 3).

espeak-ng runs for real on the built-in sample leaflet. Google's voice runs
through the real gTTS with only its HTTP endpoint faked (the fake of
test_engines_gtts.py, answering with a real MP3): a rate limit that clears,
and a network that never answers, which must end in a one-line error naming
the offline engines, exit code 1, and audio_out/ as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from audio_leaflet.ffmpeg import read_metadata
from audio_leaflet.read import SAMPLE_LEAFLET
from helpers.cli import (
    assert_nothing_partial,
    assert_one_line_error,
    chapter_figures,
    chapter_files,
    manifest_of,
    run,
    tree_state,
)
from test_engines_gtts import SENTENCE, FakeGoogle, mp3_of

LEAFLET = """# Resting well

Good sleep helps many people with dystonia.

## At night

Keep the room dark and cool. Put your phone in another room.

## In the morning

Stretch gently before you get up.
"""


# --------------------------------------------------------------------------
# espeak-ng
# --------------------------------------------------------------------------


def test_espeak_builds_the_sample_leaflet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, session_cache: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("build", "--engine", "espeak", "--no-check", "--cache-dir", session_cache)
    assert result.exit_code == 0, result.stderr
    bundle = tmp_path / result.stdout.strip()
    assert bundle.parent == tmp_path / "audio_out"
    manifest = manifest_of(bundle)
    assert manifest["source"]["file"] == SAMPLE_LEAFLET.name  # a name, never a local path
    assert manifest["engine"]["name"] == "espeak"
    assert manifest["engine"]["voice"].lower().startswith("en-gb")  # British by default

    files = chapter_files(bundle)
    chapters = read_metadata(bundle / manifest["full"]["file"]).chapters
    assert len(files) == len(chapters) == len(manifest["chapters"]) >= 5
    for read, expected in zip(chapters, manifest["chapters"], strict=True):
        assert read.title == expected["title"]
        assert abs(read.start_ms - expected["start_ms"]) <= 50

    figures = chapter_figures(bundle)
    report = "\n".join(map(str, figures))
    for figure in figures:
        assert abs(figure.lufs + 19.0) <= 1.0, report
        assert figure.true_peak_dbtp <= -1.0, report
        assert 140 <= figure.speaking_wpm <= 165, report


# --------------------------------------------------------------------------
# Google's voice, HTTP faked
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def google_mp3() -> bytes:
    """A real MP3 of one sentence, the payload of every faked answer."""
    return mp3_of(SENTENCE, 165)


@pytest.fixture
def google(
    monkeypatch: pytest.MonkeyPatch, google_mp3: bytes
) -> Callable[[list[int | str]], FakeGoogle]:
    """Install a fake Google answering with `outcomes` in turn (200 once they run out)."""

    def install(outcomes: list[int | str]) -> FakeGoogle:
        fake = FakeGoogle(google_mp3, outcomes)

        def send(
            session: requests.Session, request: requests.PreparedRequest, **_: object
        ) -> requests.Response:
            return fake.send(request)

        monkeypatch.setattr(requests.Session, "send", send)
        return fake

    return install


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "resting.md").write_text(LEAFLET, encoding="utf-8")
    return tmp_path


def test_gtts_build_waits_out_a_rate_limit(
    work: Path, google: Callable[[list[int | str]], FakeGoogle]
) -> None:
    fake = google([429])
    result = run("build", "resting.md", "--engine", "gtts", "--no-check", "--cache-dir", "cache")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "audio_out/resting-well\n"
    # The refused request was asked again, and then everything else once.
    assert fake.texts[0] == fake.texts[1]
    assert len(fake.texts) == len(set(fake.texts)) + 1
    assert all(len(text) <= 100 for text in fake.texts)  # gTTS never cuts mid-phrase itself
    assert all(url.startswith("https://translate.google.co.uk/") for url in fake.urls)

    bundle = work / "audio_out" / "resting-well"
    manifest = manifest_of(bundle)
    assert manifest["engine"]["name"] == "gtts"
    assert manifest["engine"]["voice"] == "en-co.uk"
    assert chapter_files(bundle) == [c["file"] for c in manifest["chapters"]]
    assert len(read_metadata(bundle / manifest["full"]["file"]).chapters) == 4
    for figure in chapter_figures(bundle):
        assert abs(figure.lufs + 19.0) <= 1.0, figure
        assert figure.true_peak_dbtp <= -1.0, figure


def test_gtts_unreachable_is_a_clear_error_and_leaves_audio_out_as_it_was(
    work: Path, google: Callable[[list[int | str]], FakeGoogle]
) -> None:
    google([])
    args = ("build", "resting.md", "--engine", "gtts", "--no-check", "--cache-dir", "cache")
    assert run(*args).exit_code == 0
    before = tree_state(work / "audio_out")
    assert "resting-well/manifest.json" in before

    # The leaflet changes, and the network is gone: no answer to any of 4 attempts.
    (work / "resting.md").write_text(LEAFLET + "\nOpen the curtains slowly.\n", "utf-8")
    fake = google(["refused"] * 4)
    message = assert_one_line_error(
        run(*args), 1, "Google's voice is unreachable", "4 attempts", "--engine piper", "espeak"
    )
    assert len(fake.texts) == 4 and len(set(fake.texts)) == 1, fake.texts
    assert_nothing_partial(work / "audio_out", before)
    assert "Traceback" not in message

    # A first build that fails leaves no bundle at all.
    fake = google(["refused"] * 4)
    first = run(*args[:-2], "--out-dir", "elsewhere", "--cache-dir", "cache2")
    assert_one_line_error(first, 1, "Google's voice is unreachable")
    assert_nothing_partial(work / "elsewhere", {})
