"""The corpus of real-shaped leaflets: each read as a person would, and each built and heard.

Thirteen leaflets in the shapes real ones come in (tests/helpers/corpus.py
lists them). For each:
- its outline.md is compared with a golden file in
  tests/fixtures/corpus/outlines/. Each golden file was read line by line
  against its source; where the two disagreed the reader was fixed, so a
  change to any of them is a change in how a leaflet is understood;
- the title and the sections a person sees (written by hand below) are
  what the narration has;
- every word is spoken or listed in left-out.txt (checked without the
  reader's code);
- a full build with the listening check on passes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_leaflet.config import Settings
from audio_leaflet.pipeline import build_leaflet, prepare
from audio_leaflet.read.outline import OUTLINE_FILE
from helpers.corpus import NAMES, OUTLINES, corpus_member
from helpers.coverage import unaccounted_words

# Read from each source by hand: its title and the sections after the introduction.
SECTIONS = {
    "07 dystonia helpline press release.txt": (
        "New helpline for people with dystonia",
        ["Overview", "Notes to editors"],
    ),
    "word-heading-styles.docx": (
        "Writer's cramp: exercises and aids",
        ["Overview", "What is writer's cramp?", "Before you write", "Aids that help", "More help"],
    ),
    "word-bold-headings.docx": (
        "Tremor and dystonia",
        ["Overview", "Why does it happen?", "What can help"],
    ),
    "guide-with-contents-page.pdf": (
        "Living with dystonia",
        ["Overview", "What is dystonia?", "Looking after yourself", "Getting support"],
    ),
    "no-headings.txt": ("No headings", ["Overview"]),
}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpus")


def _member(name: str, made: Path) -> Path:
    path = corpus_member(name, made)
    if path is None:
        pytest.skip("chromium is not installed (scripts/test installs it as root on Debian)")
    return path


def _prepared(path: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    return prepare(path, Settings(narration_dir=tmp_path / "narration", cache_dir=tmp_path / "c"))


def test_the_corpus_has_every_shape() -> None:
    assert len(NAMES) >= 12
    assert sorted(p.name[: -len(".md")] for p in OUTLINES.glob("*.md")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_the_outline_is_the_one_a_person_reads(name: str, made: Path, tmp_path: Path) -> None:
    prepared = _prepared(_member(name, made), tmp_path)
    outline = (prepared.script_dir / OUTLINE_FILE).read_text(encoding="utf-8")
    assert outline == (OUTLINES / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_the_sections_are_the_ones_a_person_sees(name: str, made: Path, tmp_path: Path) -> None:
    title, sections = SECTIONS[name]
    narration = _prepared(_member(name, made), tmp_path).narration
    assert narration.title == title
    assert [c.title for c in narration.chapters[1:]] == sections


@pytest.mark.parametrize("name", NAMES)
def test_every_word_is_spoken_or_listed(name: str, made: Path, tmp_path: Path) -> None:
    path = _member(name, made)
    prepared = _prepared(path, tmp_path)
    assert prepared.lost == ()
    assert unaccounted_words(path, prepared.script_dir) == []


@pytest.mark.parametrize("name", NAMES)
def test_every_leaflet_builds_with_the_listening_check_on(
    name: str, made: Path, tmp_path: Path, session_cache: Path
) -> None:
    settings = Settings(
        out_dir=tmp_path / "audio_out",
        narration_dir=tmp_path / "narration",
        cache_dir=session_cache,
    )
    assert settings.check
    result = build_leaflet(_member(name, made), settings)
    assert (result.bundle / "manifest.json").is_file()
    assert result.check_summary, "the listening check ran"
