"""Assembly: pauses, cues from sample counts, loudness and true peak (docs/formats.md)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from audio_leaflet import audio, ffmpeg, mp3
from audio_leaflet.audio import (
    ChapterAudio,
    PausePlan,
    SpokenSentence,
    assemble_chapter,
    measure_loudness,
)
from audio_leaflet.errors import AudioError
from audio_leaflet.model import Clip, Pause
from helpers.speech import SENTENCES, speak

RATE = 22_050


@pytest.fixture(scope="session")
def sentences() -> list[SpokenSentence]:
    """Six real sentences spoken by the bundled Piper voice."""
    return [SpokenSentence(text, speak(text)) for text in SENTENCES]


@pytest.fixture(scope="session")
def chapter(sentences: list[SpokenSentence]) -> ChapterAudio:
    """A chapter of real speech with a paragraph pause after the second sentence."""
    return assemble_chapter([*sentences[:2], Pause(1000), *sentences[2:]])


def samples(clip: Clip) -> np.ndarray:
    return np.frombuffer(clip.pcm, dtype="<i2").astype(np.float64)


def ms_samples(ms: int) -> int:
    return round(ms * RATE / 1000)


def test_cues_follow_the_sample_arithmetic(
    sentences: list[SpokenSentence], chapter: ChapterAudio
) -> None:
    # lead, s1, gap, s2, Pause(1000) instead of the gap, s3, gap, s4, gap, s5, gap, s6, tail
    position = ms_samples(1000)
    expected = []
    for index, sentence in enumerate(sentences):
        if index == 2:
            position += ms_samples(1000)
        elif index > 0:
            position += ms_samples(400)
        start = position
        position += sentence.clip.frames
        expected.append((start * 1000 // RATE, position * 1000 // RATE, sentence.text))
    assert [(c.start_ms, c.end_ms, c.text) for c in chapter.cues] == expected

    tail = chapter.clip.frames - position
    assert ms_samples(1000) <= tail < ms_samples(1000) + 441  # rounded up by < 20 ms
    # A whole number of milliseconds, so chapter starts add up exactly.
    assert chapter.clip.frames * 1000 % RATE == 0
    assert chapter.clip.duration_ms == chapter.clip.frames * 1000 // RATE


def test_silence_where_the_plan_says(chapter: ChapterAudio) -> None:
    pcm = samples(chapter.clip)
    first, last = chapter.cues[0], chapter.cues[-1]
    assert not pcm[: first.start_ms * RATE // 1000].any()  # 1 s lead, digital silence
    assert not pcm[math.ceil(last.end_ms * RATE / 1000) + 1 :].any()  # tail
    gap = pcm[chapter.cues[0].end_ms * RATE // 1000 + 1 : chapter.cues[1].start_ms * RATE // 1000]
    assert len(gap) >= ms_samples(400) - 2 and not gap.any()
    assert chapter.cues[2].start_ms - chapter.cues[1].end_ms in (999, 1000, 1001)


def test_a_custom_plan_and_consecutive_pauses(sentences: list[SpokenSentence]) -> None:
    one, two = sentences[0], sentences[1]
    plan = PausePlan(lead_ms=500, tail_ms=300, sentence_gap_ms=250)
    result = assemble_chapter([Pause(200), one, Pause(700), Pause(800), two], plan=plan)
    start = ms_samples(500) + ms_samples(200)
    second = start + one.clip.frames + ms_samples(700) + ms_samples(800)
    assert [c.start_ms for c in result.cues] == [start * 1000 // RATE, second * 1000 // RATE]
    tail = result.clip.frames - (second + two.clip.frames)
    assert ms_samples(300) <= tail < ms_samples(300) + 441


def test_edges_of_a_sentence_are_faded() -> None:
    # A loud tone starts and stops abruptly; assembly must ramp it in and out.
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)
    clip = Clip(np.round(tone * 32767).astype("<i2").tobytes(), RATE)
    result = samples(assemble_chapter([SpokenSentence("tone", clip)]).clip)
    start = ms_samples(1000)
    fade = RATE * audio.FADE_MS // 1000
    body_peak = np.abs(result[start + fade : start + RATE - fade]).max()
    assert abs(result[start]) < 0.01 * body_peak
    assert np.abs(result[start : start + fade // 4]).max() < 0.2 * body_peak
    end = start + RATE
    assert abs(result[end - 1]) < 0.01 * body_peak
    assert np.abs(result[end - fade // 4 : end]).max() < 0.2 * body_peak


def test_chapter_pcm_is_at_minus_19_lufs_with_peaks_under_the_ceiling(
    chapter: ChapterAudio,
) -> None:
    measured = ffmpeg.measure_ebur128(chapter.clip)
    print(f"assembled PCM: {measured}")
    assert measured.integrated_lufs == pytest.approx(-19.0, abs=0.15)
    assert measured.true_peak_dbtp <= audio.PCM_PEAK_CEILING_DBTP + 0.2


@pytest.mark.parametrize("level_db", [-24.0, 0.0, 6.0])
def test_quiet_and_loud_speech_both_land_on_target(
    sentences: list[SpokenSentence], level_db: float
) -> None:
    # Piper already peaks at full scale: +6 dB of input is clipped speech made louder.
    scale = 10 ** (level_db / 20)
    lines = [
        SpokenSentence(
            s.text,
            Clip(
                np.clip(np.round(samples(s.clip) * scale), -32768, 32767).astype("<i2").tobytes(),
                RATE,
            ),
        )
        for s in sentences[:3]
    ]
    measured = ffmpeg.measure_ebur128(assemble_chapter(lines).clip)
    assert measured.integrated_lufs == pytest.approx(-19.0, abs=0.15)
    assert measured.true_peak_dbtp <= audio.PCM_PEAK_CEILING_DBTP + 0.2


def test_encoded_chapters_meet_loudness_and_true_peak(
    sentences: list[SpokenSentence], tmp_path: Path
) -> None:
    chapters = [
        assemble_chapter(sentences[:2]),
        assemble_chapter([*sentences[2:4], Pause(2000), sentences[4]]),
        assemble_chapter(sentences),
    ]
    for number, chapter in enumerate(chapters, start=1):
        path = tmp_path / f"{number:02d}.mp3"
        ffmpeg.encode_mp3(chapter.clip, path)
        measured = measure_loudness(path)  # decoded by ffmpeg, measured by ebur128
        print(f"chapter {number} MP3: {measured}")
        assert measured.integrated_lufs == pytest.approx(-19.0, abs=1.0)
        assert measured.integrated_lufs == pytest.approx(-19.0, abs=0.3)  # what we reach
        assert measured.true_peak_dbtp <= -1.0
        # Decoding trims the encoder delay (Xing/LAME frame): same length as the PCM.
        assert measured.duration_ms == chapter.clip.duration_ms
    # The whole file is the chapters' MP3 frames one after another, as a build makes it.
    path = tmp_path / "whole.mp3"
    mp3.join([mp3.audio_frames(tmp_path / f"{n:02d}.mp3") for n in (1, 2, 3)], path)
    measured = measure_loudness(path)
    print(f"whole MP3: {measured}")
    assert measured.integrated_lufs == pytest.approx(-19.0, abs=0.3)
    assert measured.true_peak_dbtp <= -1.0
    # Each chapter keeps its encoder delay and padding in the joined file: under 3 frames.
    speech_ms = sum(chapter.clip.duration_ms for chapter in chapters)
    frames_ms = len(chapters) * 3 * 1152 * 1000 // 44_100
    assert speech_ms <= measured.duration_ms <= speech_ms + frames_ms


def test_limiter_pulls_peaks_to_the_ceiling_and_leaves_the_rest(
    sentences: list[SpokenSentence],
) -> None:
    loud = samples(sentences[1].clip) / 32768 * 1.6  # peaks about +4 dBFS
    limited = audio.limit_true_peak(loud, RATE, -3.0)
    measured = ffmpeg.measure_ebur128(Clip(audio._to_int16(limited).tobytes(), RATE))
    assert measured.true_peak_dbtp <= -2.9
    assert audio.true_peak_dbtp(limited) <= -3.0 + 0.01  # gain ramps shift it a hair
    untouched = np.isclose(limited, loud, rtol=0, atol=1e-12)
    assert 0.5 < untouched.mean() < 1.0  # most samples keep their level
    # The gain moves in ramps: no sample-to-sample jumps in the applied gain.
    speaking = np.abs(loud) > 0.05
    gain = limited[speaking] / loud[speaking]
    assert gain.min() < 0.75
    positions = np.flatnonzero(speaking)
    neighbours = np.diff(positions) == 1
    assert np.abs(np.diff(gain)[neighbours]).max() < 0.01


def test_limiter_leaves_quiet_audio_alone(sentences: list[SpokenSentence]) -> None:
    quiet = samples(sentences[0].clip) / 32768 * 0.1
    assert np.array_equal(audio.limit_true_peak(quiet, RATE, -1.0), quiet)


def test_true_peak_estimate_agrees_with_ffmpeg(sentences: list[SpokenSentence]) -> None:
    pcm = samples(sentences[2].clip) / 32768
    ours = audio.true_peak_dbtp(pcm)
    reference = ffmpeg.measure_ebur128(sentences[2].clip).true_peak_dbtp
    assert ours == pytest.approx(reference, abs=0.3)


def test_measure_loudness_of_a_clip_and_of_its_file(chapter: ChapterAudio, tmp_path: Path) -> None:
    path = tmp_path / "chapter.mp3"
    ffmpeg.encode_mp3(chapter.clip, path)
    of_clip = measure_loudness(chapter.clip)
    of_file = measure_loudness(path)
    assert of_clip.duration_ms == chapter.clip.duration_ms == of_file.duration_ms
    assert of_file.integrated_lufs == pytest.approx(of_clip.integrated_lufs, abs=0.2)


def test_mixed_sample_rates_in_a_chapter_are_refused(sentences: list[SpokenSentence]) -> None:
    other = SpokenSentence("other", Clip(sentences[1].clip.pcm, 24_000))
    with pytest.raises(AudioError, match=r"different sample rates \(22050 Hz, 24000 Hz\)"):
        assemble_chapter([sentences[0], other])


def test_a_chapter_without_speech_is_refused() -> None:
    with pytest.raises(AudioError, match="no spoken sentence"):
        assemble_chapter([Pause(1000)])


def test_silent_speech_is_refused() -> None:
    silent = SpokenSentence("...", Clip(bytes(RATE * 2), RATE))
    with pytest.raises(AudioError, match="silent"):
        assemble_chapter([silent])


def test_negative_pause_is_refused(sentences: list[SpokenSentence]) -> None:
    with pytest.raises(AudioError, match="negative"):
        assemble_chapter([sentences[0], Pause(-5), sentences[1]])
