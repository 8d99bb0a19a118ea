"""`status`: what a rebuild would change and why, without writing anything (issue 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audio_leaflet.cli import cli
from audio_leaflet.pipeline import build_leaflet
from audio_leaflet.status import ChapterState, leaflet_status
from helpers.pipeline import settings_for, small_leaflet, snapshot


def _status_text(leaflet: Path, work: Path, *extra: str) -> str:
    outcome = CliRunner(mix_stderr=False).invoke(
        cli,
        [
            "status",
            str(leaflet),
            "--out-dir",
            str(work / "audio_out"),
            "--narration-dir",
            str(work / "narration"),
            *extra,
        ],
    )
    assert outcome.exit_code == 0, outcome.stderr
    return outcome.stdout


def _status_json(leaflet: Path, work: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(_status_text(leaflet, work, "--json"))
    return data


def test_a_leaflet_never_built_is_all_new_and_status_writes_nothing(
    tmp_path: Path, session_cache: Path
) -> None:
    leaflet = small_leaflet("pipeline-sleep.txt", tmp_path)
    work = tmp_path / "work"
    before = snapshot(tmp_path)
    status = leaflet_status(leaflet, settings_for(work, session_cache))
    assert not status.built and not status.up_to_date
    assert [(c.number, c.state) for c in status.chapters] == [
        (1, ChapterState.NEW),
        (2, ChapterState.NEW),
        (3, ChapterState.NEW),
    ]
    assert "Keep a regular bedtime." in status.chapters[2].changed_sentences
    data = _status_json(leaflet, work)
    assert data["built"] is False
    assert snapshot(tmp_path) == before, "status wrote nothing"


@pytest.fixture
def built(tmp_path: Path, session_cache: Path) -> tuple[Path, Path]:
    """pipeline-sleep.txt built into tmp_path/work; returns (leaflet, work)."""
    leaflet = small_leaflet("pipeline-sleep.txt", tmp_path)
    work = tmp_path / "work"
    build_leaflet(leaflet, settings_for(work, session_cache))
    return leaflet, work


@pytest.mark.slow
def test_a_renamed_section_is_new_and_the_old_one_removed(
    built: tuple[Path, Path], session_cache: Path
) -> None:
    leaflet, work = built
    text = leaflet.read_text(encoding="utf-8")
    leaflet.write_text(text.replace("Tips for better sleep", "Sleeping better"), encoding="utf-8")
    before = snapshot(work)

    status = leaflet_status(leaflet, settings_for(work, session_cache))

    assert snapshot(work) == before
    assert status.source_changed and not status.up_to_date
    states = [(c.number, c.title, c.state) for c in status.chapters]
    assert states == [
        (1, "Introduction", ChapterState.CHANGED),  # it lists the sections by title
        (2, "Why sleep matters", ChapterState.UNCHANGED),
        (3, "Sleeping better", ChapterState.NEW),
        (3, "Tips for better sleep", ChapterState.REMOVED),
    ]
    intro = status.chapters[0]
    assert any("Sleeping better" in s for s in intro.changed_sentences)
    assert any("Tips for better sleep" in s for s in intro.removed_sentences)
    assert "Keep a regular bedtime." in status.chapters[3].removed_sentences

    data = _status_json(leaflet, work)
    chapters = data["chapters"]
    assert isinstance(chapters, list)
    assert [(c["title"], c["state"]) for c in chapters] == [
        (title, state.value) for _, title, state in states
    ]


@pytest.mark.slow
def test_settings_that_change_the_sound_are_given_as_reasons(
    built: tuple[Path, Path], session_cache: Path
) -> None:
    leaflet, work = built
    settings = settings_for(work, session_cache)
    assert leaflet_status(leaflet, settings).up_to_date

    status = leaflet_status(leaflet, settings.replace(wpm=140, bitrate_kbps=96))

    assert not status.up_to_date and not status.source_changed
    assert set(status.reasons) == {
        "the pace (words a minute) changed (150 -> 140)",
        "the MP3 bitrate changed",
    }
    assert {c.state for c in status.chapters} == {ChapterState.UNCHANGED}


@pytest.mark.slow
def test_a_damaged_published_file_is_reported_and_the_next_build_repairs_it(
    built: tuple[Path, Path], session_cache: Path
) -> None:
    leaflet, work = built
    settings = settings_for(work, session_cache)
    damaged = work / "audio_out" / "sleep-and-dystonia" / "02-why-sleep-matters.mp3"
    damaged.write_bytes(damaged.read_bytes()[:1000])

    status = leaflet_status(leaflet, settings)
    assert status.bundle_damaged == ("02-why-sleep-matters.mp3",)
    assert not status.up_to_date
    text = _status_text(leaflet, work)
    assert "Damaged: 02-why-sleep-matters.mp3 no longer matches the manifest" in text
    assert "Up to date" not in text

    result = build_leaflet(leaflet, settings)
    assert result.synthesized == 0 and result.chapters_changed == (2,)
    assert leaflet_status(leaflet, settings).up_to_date
    text = _status_text(leaflet, work)
    assert "Damaged" not in text
    assert text.endswith("Up to date: a build now would change nothing.\n")
