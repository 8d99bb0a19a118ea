"""The pipeline end to end on small leaflets of our own, with the real Piper voice.

History and the recording date with an injected clock, hand-edited scripts used as
edited, and the pronunciation lexicon in the sentence cache key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from audio_leaflet.cli import cli
from audio_leaflet.narrate.lengths import describe_date
from audio_leaflet.pipeline import build_leaflet, prepare
from audio_leaflet.status import ChapterState, leaflet_status
from helpers.pipeline import (
    manifest_of,
    repaced_sentences,
    settings_for,
    small_leaflet,
    snapshot,
)


def _at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 10, 0, tzinfo=dt.UTC)


def _cues(manifest: dict[str, object], number: int) -> list[str]:
    chapters = manifest["chapters"]
    assert isinstance(chapters, list)
    return [cue["text"] for cue in chapters[number - 1]["cues"]]


def _spoken(manifest: dict[str, object]) -> set[str]:
    chapters = manifest["chapters"]
    assert isinstance(chapters, list)
    return {cue["text"] for chapter in chapters for cue in chapter["cues"]}


# --------------------------------------------------------------------------
# history and the recording date
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_history_and_last_updated_follow_the_source_not_the_build_date(
    tmp_path: Path, session_cache: Path
) -> None:
    leaflet = small_leaflet("pipeline-exercise.txt", tmp_path)
    settings = settings_for(tmp_path / "work", session_cache)
    first = build_leaflet(leaflet, settings, now=lambda: _at(2026, 3, 2))
    manifest = manifest_of(first.bundle)
    digest = hashlib.sha256(leaflet.read_bytes()).hexdigest()
    assert manifest["source"]["updated"] == "2026-03-02"
    assert manifest["history"] == [
        {
            "build": 1,
            "date": "2026-03-02T10:00:00Z",
            "source_sha256": digest,
            "chapters_changed": [1, 2, 3],
        }
    ]
    said = f"This recording was made on {describe_date(dt.date(2026, 3, 2))}."
    assert said in _cues(manifest, 1)

    # A week later, nothing changed: nothing is built, the history does not grow.
    again = build_leaflet(leaflet, settings, now=lambda: _at(2026, 3, 9))
    assert again.up_to_date and manifest_of(first.bundle) == manifest

    # A new bitrate re-encodes every file, but the text is as it was on 2 March.
    rebuilt = build_leaflet(leaflet, settings.replace(bitrate_kbps=48), now=lambda: _at(2026, 3, 9))
    manifest = manifest_of(first.bundle)
    assert rebuilt.synthesized == 0
    assert manifest["source"]["updated"] == "2026-03-02"
    assert said in _cues(manifest, 1)
    assert manifest["history"][-1] == {
        "build": 2,
        "date": "2026-03-09T10:00:00Z",
        "source_sha256": digest,
        "chapters_changed": [1, 2, 3],
    }

    # The text changes on 20 April: the introduction says so.
    text = leaflet.read_text(encoding="utf-8")
    leaflet.write_text(text.replace("Ask your doctor", "Ask your GP"), encoding="utf-8")
    edited = build_leaflet(leaflet, settings.replace(bitrate_kbps=48), now=lambda: _at(2026, 4, 20))
    manifest = manifest_of(first.bundle)
    assert manifest["source"]["updated"] == "2026-04-20"
    assert f"This recording was made on {describe_date(dt.date(2026, 4, 20))}." in _cues(
        manifest, 1
    )
    assert said not in _cues(manifest, 1)
    assert edited.chapters_changed == (1, 3)
    assert [h["build"] for h in manifest["history"]] == [1, 2, 3]
    assert manifest["history"][-1]["chapters_changed"] == [1, 3]
    assert (
        manifest["history"][-1]["source_sha256"] == hashlib.sha256(leaflet.read_bytes()).hexdigest()
    )


# --------------------------------------------------------------------------
# hand-edited scripts
# --------------------------------------------------------------------------

GENERATED = "You do not have to tell your employer about dystonia."
HAND_EDITED = "You never have to tell your employer that you have dystonia."


@pytest.mark.slow
def test_hand_edited_scripts_are_spoken_as_edited_and_never_lost(
    tmp_path: Path, session_cache: Path
) -> None:
    leaflet = small_leaflet("pipeline-work.txt", tmp_path)
    settings = settings_for(tmp_path / "work", session_cache)
    first = build_leaflet(leaflet, settings)
    before = manifest_of(first.bundle)
    script = settings.narration_dir / "dystonia-at-work" / "02-telling-your-employer.txt"
    text = script.read_text(encoding="utf-8")
    assert f"\n{GENERATED}\n" in text
    script.write_text(text.replace(GENERATED, HAND_EDITED), encoding="utf-8")
    edited_bytes = script.read_bytes()

    status = leaflet_status(leaflet, settings)
    (changed,) = [c for c in status.chapters if c.state is not ChapterState.UNCHANGED]
    assert (changed.number, changed.edited_by_hand) == (2, True)
    assert (changed.changed_sentences, changed.removed_sentences) == ((HAND_EDITED,), (GENERATED,))
    assert not status.source_changed

    result = build_leaflet(leaflet, settings)
    manifest = manifest_of(result.bundle)
    assert HAND_EDITED in _cues(manifest, 2) and GENERATED not in _cues(manifest, 2)
    spoken = set(result.synthesized_sentences) - set(_cues(manifest, 1))
    assert HAND_EDITED in spoken
    assert spoken - {HAND_EDITED} <= repaced_sentences(before, manifest)
    assert script.read_bytes() == edited_bytes

    # The leaflet changes under the edited script: it is still used, with a warning.
    source = leaflet.read_text(encoding="utf-8")
    leaflet.write_text(source.replace("changes at work", "support at work"), encoding="utf-8")
    result = build_leaflet(leaflet, settings)
    assert script.read_bytes() == edited_bytes
    (warning,) = result.warnings
    assert str(script) in warning and "edited by hand" in warning
    assert "Telling your employer" in warning
    manifest = manifest_of(result.bundle)
    assert HAND_EDITED in _cues(manifest, 2)
    assert not any("support at work" in s for s in _cues(manifest, 2))

    # `script` keeps the edit unless told --force; then it keeps a backup.
    runner = CliRunner(mix_stderr=False)
    outcome = runner.invoke(
        cli, ["script", str(leaflet), "--narration-dir", str(settings.narration_dir)]
    )
    assert outcome.exit_code == 0, outcome.stderr
    assert f"kept (edited by hand; --force to overwrite): {script}" in outcome.stderr
    assert script.read_bytes() == edited_bytes

    forced = prepare(leaflet, settings, force_scripts=True)
    assert forced.scripts is not None
    (backup,) = forced.scripts.backups
    assert backup.read_bytes() == edited_bytes
    assert backup.name == f"{script.name}.bak"
    assert "support at work" in script.read_text(encoding="utf-8")
    assert HAND_EDITED not in script.read_text(encoding="utf-8")
    assert forced.edited == frozenset() and forced.warnings == ()


# --------------------------------------------------------------------------
# the lexicon in the cache key
# --------------------------------------------------------------------------

SWIMMING = "Gentle exercise such as walking or swimming helps many people."


@pytest.mark.slow
def test_a_lexicon_entry_re_speaks_exactly_the_sentences_that_say_it(
    tmp_path: Path, session_cache: Path
) -> None:
    leaflet = small_leaflet("pipeline-exercise.txt", tmp_path)
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[words]\nswimming = "SWIM-ing"\n', encoding="utf-8")
    settings = settings_for(tmp_path / "work", session_cache, lexicon=lexicon)
    first = build_leaflet(leaflet, settings)
    before = manifest_of(first.bundle)
    assert SWIMMING in _spoken(before)

    lexicon.write_text('[words]\nswimming = "SWIMM-ing"\n', encoding="utf-8")
    status = leaflet_status(leaflet, settings)
    assert "the pronunciation lexicon file changed" in status.reasons
    assert not status.up_to_date
    result = build_leaflet(leaflet, settings)

    after = manifest_of(result.bundle)
    intro = set(_cues(after, 1))
    spoken = set(result.synthesized_sentences) - intro
    assert SWIMMING in spoken
    assert spoken - {SWIMMING} <= repaced_sentences(before, after)
    assert not (set(result.synthesized_sentences) & intro) & set(_cues(before, 1))
    assert 2 in result.chapters_changed and 3 not in result.chapters_changed

    # An entry no sentence says changes no audio at all.
    lexicon.write_text('[words]\nswimming = "SWIMM-ing"\nzebra = "ZEB-ra"\n', encoding="utf-8")
    stamps = snapshot(result.bundle)
    unchanged = build_leaflet(leaflet, settings)
    assert unchanged.synthesized == 0 and unchanged.chapters_changed == ()
    for chapter in after["chapters"]:
        assert snapshot(result.bundle)[chapter["file"]] == stamps[chapter["file"]]


@pytest.mark.parametrize(
    ("sentence", "read_out"),
    [
        ("Samaritans: one one six, one two three.", True),
        ("That number again: zero two zero, seven seven nine three.", True),
        ("Section two of eight. Overview.", False),
        ("One in four people experience a mental health condition.", False),
        ("It has three sections: one, two and three.", False),
    ],
)
def test_digits_read_out_are_recognised_so_they_keep_the_steady_pace(
    sentence: str, read_out: bool
) -> None:
    from audio_leaflet.speak import DIGITS_READ_OUT

    assert bool(DIGITS_READ_OUT.search(sentence)) is read_out


def test_a_sped_up_chapter_still_says_phone_numbers_at_the_steady_pace(
    tmp_path: Path, session_cache: Path
) -> None:
    from audio_leaflet.cache import sentence_key
    from audio_leaflet.config import Settings
    from audio_leaflet.engines import make_engine
    from audio_leaflet.manifest import read_manifest
    from audio_leaflet.pipeline import build_leaflet
    from audio_leaflet.speak import DIGITS_READ_OUT

    leaflet = tmp_path / "call-us.txt"
    leaflet.write_text(
        "Call us\n\nWe are here to help.\nHelpline: 0300 456 7612\n", encoding="utf-8"
    )
    settings = Settings(
        out_dir=tmp_path / "audio_out",
        narration_dir=tmp_path / "narration",
        cache_dir=session_cache,
        check=False,
        engine="piper",  # a voice whose pace follows its speed, so the speed-up is certain
    )
    result = build_leaflet(leaflet, settings)
    manifest = read_manifest(result.bundle)
    assert manifest is not None
    steady = make_engine("piper")
    sped_up = [c for c in manifest.chapters if c.pace_factor > 1.0]
    assert sped_up, "a chapter this short is spoken faster to keep its pace"
    phone_cues = [q for c in sped_up for q in c.cues if DIGITS_READ_OUT.search(q.text)]
    other_cues = [q for c in sped_up for q in c.cues if not DIGITS_READ_OUT.search(q.text)]
    assert phone_cues and other_cues
    steady_key = steady.settings_key()
    for cue in phone_cues:
        assert cue.key == sentence_key(steady_key, steady.engine_text(cue.text))
    for cue in other_cues:
        assert cue.key != sentence_key(steady_key, steady.engine_text(cue.text))
