"""The sentence and chapter cache: keys, round trips, damaged entries."""

from __future__ import annotations

from pathlib import Path

from audio_leaflet.cache import AudioCache, CachedChapter, chapter_key, sentence_key
from audio_leaflet.model import Clip, Cue


def _clip(value: int = 1000, frames: int = 2205) -> Clip:
    return Clip(value.to_bytes(2, "little", signed=True) * frames, 22050)


def test_sentence_key_changes_with_text_and_engine_settings() -> None:
    base = sentence_key("piper|joe|150|22050", "Hello.")
    assert base == sentence_key("piper|joe|150|22050", "Hello.")
    assert base != sentence_key("piper|joe|150|22050", "Hello!")
    assert base != sentence_key("piper|joe|140|22050", "Hello.")
    assert base != sentence_key("espeak|en-gb|150|22050", "Hello.")


def test_chapter_key_depends_on_order_of_parts() -> None:
    assert chapter_key(["a", "b"]) != chapter_key(["b", "a"])


def test_sentence_round_trip_keeps_samples_and_rate(tmp_path: Path) -> None:
    cache = AudioCache(tmp_path)
    key = sentence_key("x", "y")
    assert cache.get_sentence(key) is None
    clip = _clip(-1234)
    cache.put_sentence(key, clip)
    assert cache.get_sentence(key) == clip
    assert not list(tmp_path.rglob("*.tmp")), "no temporary files are left behind"


def test_damaged_entry_is_a_miss_not_an_error(tmp_path: Path) -> None:
    cache = AudioCache(tmp_path)
    key = sentence_key("x", "damaged")
    cache.put_sentence(key, _clip())
    (entry,) = tmp_path.rglob(f"{key}.wav")
    entry.write_bytes(b"RIFF\x00\x00")
    assert cache.get_sentence(key) is None


def test_chapter_round_trip_keeps_cues(tmp_path: Path) -> None:
    cache = AudioCache(tmp_path)
    chapter = CachedChapter(_clip(), (Cue(1000, 2500, "Section 1 of 2. Introduction."),))
    cache.put_chapter("abc123", chapter)
    assert cache.get_chapter("abc123") == chapter
    assert cache.get_chapter("other") is None
