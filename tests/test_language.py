"""A leaflet in a language the voice does not speak is refused before anything is spoken.

The Welsh and Arabic leaflets are real pages as found
(tests/fixtures/languages/SOURCES.md); every English leaflet the tests know
must pass untouched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_leaflet.config import Settings
from audio_leaflet.errors import BuildError
from audio_leaflet.language import paragraph_language, primary
from audio_leaflet.pipeline import build_leaflet, prepare
from audio_leaflet.refusals import check_language
from audio_leaflet.voices import choose_voice
from conftest import FIXTURES, SEED_LEAFLET
from helpers.cli import assert_one_line_error, run

LANGUAGES = FIXTURES / "languages"
WELSH = LANGUAGES / "welsh-citizens-advice-patient-rights.txt"
ARABIC = LANGUAGES / "arabic-hayat-patient-rights.txt"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Talk to your doctor if the spasms get worse or you feel low.", "en"),
        ("Mae hyn yn cynnwys defnyddio meddyg teulu'r GIG yng Nghymru.", "cy"),
        ("يحق لكل مريض أن يعامل بكل احترام وكرامة دون أي تمييز", "ar"),
        ("Lekarz może zmienić dawkę leku, jeśli objawy się nasilą.", "pl"),
        ("Le médecin peut changer la dose si les symptômes sont plus forts.", "fr"),
        ("Botox", None),  # too short to tell
        ("Call 0300 123 3393", None),
    ],
)
def test_a_paragraphs_language(text: str, language: str | None) -> None:
    assert paragraph_language(text) == language


def _settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(
        out_dir=tmp_path / "audio_out",
        narration_dir=tmp_path / "narration",
        cache_dir=tmp_path / "cache",
        check=False,
    ).replace(**changes)


@pytest.mark.parametrize(
    ("leaflet", "found"),
    [(WELSH, "reads as Welsh (cy)"), (ARABIC, "reads as Arabic script")],
)
def test_a_leaflet_in_another_language_is_refused_before_anything_is_spoken(
    leaflet: Path, found: str, tmp_path: Path
) -> None:
    result = run(
        "build",
        leaflet,
        "--out-dir",
        tmp_path / "audio_out",
        "--narration-dir",
        tmp_path / "narration",
        "--cache-dir",
        tmp_path / "cache",
    )
    message = assert_one_line_error(result, 1, found, "nothing was spoken", "--voice", "language")
    assert "hibari-heart" in message and "English (en)" in message
    assert not (tmp_path / "audio_out").exists()
    assert not (tmp_path / "cache" / "sentences").exists(), "nothing was spoken"


def test_a_declared_language_the_voice_does_not_speak_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "patient-rights.html"
    arabic = ARABIC.read_text(encoding="utf-8").split("\n\n", 1)
    page.write_text(
        f'<!doctype html><html lang="ar" dir="rtl"><head><title>{arabic[0]}</title></head>'
        f"<body><h1>{arabic[0]}</h1><p>{arabic[1]}</p></body></html>",
        encoding="utf-8",
    )
    with pytest.raises(BuildError, match=r'declared to be in Arabic script.*\(its lang="ar"\)'):
        build_leaflet(page, _settings(tmp_path))
    # The project saying so is a declaration too: a Welsh setting for an English voice.
    english = FIXTURES / "pipeline-sleep.txt"
    with pytest.raises(
        BuildError, match=r"declared to be in Welsh \(cy\) \(the setting language\)"
    ):
        build_leaflet(english, _settings(tmp_path, language="cy-GB"))


def test_a_voice_that_speaks_the_leaflets_language_is_let_through(tmp_path: Path) -> None:
    settings = _settings(tmp_path, engine="espeak", voice="cy", language="cy-GB")
    prepared = prepare(WELSH, settings, write=False)
    choice = choose_voice(settings.engine, settings.voice, settings.language)
    assert primary(choice.language) == "cy"
    assert check_language(prepared, settings, choice) == ""


def _english_leaflets() -> list[Path]:
    found = [
        p
        for folder in (FIXTURES, FIXTURES / "corpus", FIXTURES / "real")
        if folder.is_dir()
        for p in sorted(folder.iterdir())
        if p.suffix in (".txt", ".md", ".html") and p.name != "empty.txt"
    ]
    return [*found, SEED_LEAFLET] if SEED_LEAFLET.is_file() else found


@pytest.mark.parametrize("leaflet", _english_leaflets(), ids=lambda p: p.name)
def test_no_english_leaflet_is_refused_or_warned_about(leaflet: Path, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    prepared = prepare(leaflet, settings, write=False)
    choice = choose_voice(settings.engine, settings.voice, settings.language)
    assert check_language(prepared, settings, choice) == ""
