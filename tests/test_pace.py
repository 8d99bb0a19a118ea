"""The pace a listener hears (issue 12): the seed and the sample spoken by the default voice.

The speaking rate of every chapter is measured from its decoded MP3 by
ffmpeg's silencedetect (scripts/pace.py), which the build never uses: the
structural pauses (0.6 s or more at -40 dB) are left out, the short pauses
between sentences count. How clearly it is said is measured by the listening
check's recogniser over the whole seed leaflet.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from audio_leaflet.check import check_bundle
from audio_leaflet.pipeline import build_leaflet
from helpers.pipeline import SEED_SLUG, settings_for
from pace import chapter_paces

SPEAKING_RATE = (140.0, 165.0)
MAX_SEED_WORD_ERROR_RATE = 0.08


@pytest.fixture(scope="module")
def sample_bundle(tmp_path_factory: pytest.TempPathFactory, session_cache: Path) -> Path:
    from audio_leaflet.read import SAMPLE_LEAFLET

    work = tmp_path_factory.mktemp("sample-pace")
    return build_leaflet(SAMPLE_LEAFLET, settings_for(work, session_cache, check=True)).bundle


def _rates(bundle: Path) -> list[float]:
    return [float(row["speaking_wpm"]) for row in chapter_paces(bundle)]


def test_every_chapter_of_the_sample_speaks_at_a_calm_pace(sample_bundle: Path) -> None:
    rates = _rates(sample_bundle)
    assert len(rates) == 8
    assert all(SPEAKING_RATE[0] <= rate <= SPEAKING_RATE[1] for rate in rates), rates


def test_every_chapter_of_the_seed_speaks_at_a_calm_pace_and_is_heard_clearly(
    seed_build: Path, session_cache: Path
) -> None:
    bundle = seed_build / "audio_out" / SEED_SLUG
    rates = _rates(bundle)
    assert all(SPEAKING_RATE[0] <= rate <= SPEAKING_RATE[1] for rate in rates), rates
    report = check_bundle(bundle, cache_dir=session_cache)
    assert report.passed, report.render_text()
    words = sum(c.words_expected for c in report.chapters)
    errors = sum((c.word_error_rate or 0.0) * c.words_expected for c in report.chapters)
    assert errors / words <= MAX_SEED_WORD_ERROR_RATE, report.render_text()


def test_a_cold_build_learns_the_voices_pace_and_says_few_chapters_twice(
    tmp_path: Path,
) -> None:
    """The pace model was measured on Piper; hibari says the same words quicker. Without
    learning from the chapters already said, a cold build of the sample said 156
    sentences for its 73 (most chapters first sped up, then slowed down twice); learning,
    118. The pace promised is kept either way (the test above)."""
    from audio_leaflet.read import SAMPLE_LEAFLET

    result = build_leaflet(SAMPLE_LEAFLET, settings_for(tmp_path, tmp_path / "cache"))
    sentences = sum(len(chapter["cues"]) for chapter in _manifest(result.bundle)["chapters"])
    assert result.synthesized <= 1.7 * sentences, (result.synthesized, sentences)


def _manifest(bundle: Path) -> dict[str, Any]:
    return dict(json.loads((bundle / "manifest.json").read_text("utf-8")))
