"""The listening check's limits: measured defaults per engine, and the `[check]` table
of audio-leaflet.toml through which staff change them."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_leaflet.check import Thresholds, check_overrides, threshold_keys, thresholds_for
from audio_leaflet.config import Settings, load_project
from audio_leaflet.errors import UsageError


def test_engines_have_their_measured_defaults() -> None:
    assert thresholds_for("piper") == Thresholds() == thresholds_for(None)
    assert thresholds_for("gtts") == Thresholds()
    espeak = thresholds_for("espeak")
    assert espeak.max_word_error_rate == 0.45 > Thresholds().max_word_error_rate
    assert espeak.lexicon_misheard_fails is False
    assert Thresholds().lexicon_misheard_fails is True
    # digits and negations: nothing to loosen, for any engine
    assert espeak.min_sentence_heard == Thresholds().min_sentence_heard


def test_overrides_apply_to_every_engine_then_per_engine() -> None:
    overrides = {"max_word_error_rate": 0.3, "espeak": {"max_word_error_rate": 0.5}}
    assert thresholds_for("piper", overrides).max_word_error_rate == 0.3
    assert thresholds_for("espeak", overrides).max_word_error_rate == 0.5
    # an engine's other defaults stay
    assert thresholds_for("espeak", overrides).lexicon_misheard_fails is False
    strict = thresholds_for("espeak", {"espeak": {"lexicon_misheard_fails": True}})
    assert strict.lexicon_misheard_fails is True and strict.max_word_error_rate == 0.45


def test_check_table_keys_are_checked() -> None:
    table = {"max-word-error-rate": 0.3, "max_silence_s": 5, "espeak": {"min-wpm": 90}}
    assert check_overrides(table, "audio-leaflet.toml") == {
        "max_word_error_rate": 0.3,
        "max_silence_s": 5.0,
        "espeak": {"min_wpm": 90.0},
    }
    assert "max_word_error_rate" in threshold_keys()


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ({"max_wer": 0.3}, "unknown key 'max_wer' in [check]"),
        ({"espeak": {"max_wer": 0.3}}, "unknown key 'max_wer' in [check.espeak]"),
        ({"espeak": {"piper": {}}}, "unknown key 'piper' in [check.espeak]"),
        ({"espeak": 0.3}, "[check] espeak must be a table"),
        ({"max_word_error_rate": "0.3"}, "max_word_error_rate must be a number"),
        ({"critical_added_fails": 1}, "critical_added_fails must be true or false"),
        ({"max_marker_drift_ms": 50.5}, "max_marker_drift_ms must be a whole number"),
        ({"max_word_error_rate": True}, "max_word_error_rate must be a number"),
    ],
)
def test_a_bad_check_table_is_a_usage_error_naming_the_key(
    table: dict[str, object], named: str
) -> None:
    with pytest.raises(UsageError) as caught:
        check_overrides(table, "audio-leaflet.toml")
    message = str(caught.value)
    assert message.startswith("audio-leaflet.toml: ") and named in message
    assert "\n" not in message
    if "unknown key" in message:
        assert "Valid keys: max-word-error-rate, " in message


def _project(tmp_path: Path, text: str) -> Settings:
    (tmp_path / "audio-leaflet.toml").write_text(text, encoding="utf-8")
    return load_project(tmp_path).settings


def test_project_file_check_table(tmp_path: Path) -> None:
    assert _project(tmp_path, 'engine = "espeak"\n').check_thresholds == {}
    assert Settings().check_thresholds == {}
    flat = _project(
        tmp_path,
        'engine = "espeak"\n\n[check]\nmax_word_error_rate = 0.3\n\n'
        "[check.espeak]\nmax_word_error_rate = 0.5\n",
    )
    assert flat.engine == "espeak" and flat.check is True
    assert flat.check_thresholds == {
        "max_word_error_rate": 0.3,
        "espeak": {"max_word_error_rate": 0.5},
    }
    assert thresholds_for(flat.engine, flat.check_thresholds).max_word_error_rate == 0.5
    # beside an [audio-leaflet] table (which may then say check = false), or inside it
    beside = _project(tmp_path, "[audio-leaflet]\ncheck = false\n\n[check]\nmax_silence_s = 6\n")
    assert beside.check is False and beside.check_thresholds == {"max_silence_s": 6.0}
    inside = _project(
        tmp_path, "[audio-leaflet]\nwpm = 140\n\n[audio-leaflet.check]\nmax_silence_s = 6\n"
    )
    assert inside.check is True and inside.check_thresholds == {"max_silence_s": 6.0}


def test_a_bad_check_table_in_the_project_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        _project(tmp_path, "[check]\nmax_wer = 0.3\n")
    assert str(tmp_path / "audio-leaflet.toml") in str(caught.value)
    assert "unknown key 'max_wer' in [check]" in str(caught.value)
    # the table is not a setting to be written as a key
    with pytest.raises(UsageError, match="unknown setting 'check_thresholds'"):
        _project(tmp_path, "check_thresholds = 1\n")
