"""The whole-leaflet MP3 is its chapters' frames joined: where each chapter plays, exactly.

A click is put at a known sample of each chapter; the project's ffmpeg
encodes the chapters, `mp3.join` joins their frames, ffmpeg decodes the
result, and each click is found where `mp3.starts` says its chapter begins.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audio_leaflet.errors import AudioError
from audio_leaflet.ffmpeg import decode_file, encode_mp3
from audio_leaflet.model import Clip
from audio_leaflet.mp3 import SAMPLES_PER_FRAME, audio_frames, join, starts

RATE = 44100


def _clip_with_click(samples: int, click_at: int) -> Clip:
    audio = np.zeros(samples, dtype=np.int16)
    audio[click_at], audio[click_at + 1] = 20000, -20000
    return Clip(audio.tobytes(), RATE)


def test_each_chapter_plays_where_starts_says(tmp_path: Path) -> None:
    lengths = [(RATE * 2 + 123, RATE), (RATE * 3 + 77, RATE // 2), (RATE + 5, 1000)]
    parts = []
    for number, (samples, click_at) in enumerate(lengths):
        path = tmp_path / f"{number}.mp3"
        encode_mp3(_clip_with_click(samples, click_at), path, 64)
        assert decode_file(path, RATE).frames == samples  # the Info frame trims it exactly
        parts.append(audio_frames(path))
    whole = tmp_path / "whole.mp3"
    join(parts, whole)

    decoded = np.frombuffer(decode_file(whole, RATE).pcm, dtype=np.int16)
    assert len(decoded) == sum(p.count for p in parts) * SAMPLES_PER_FRAME
    clicks = [int(i) for i in np.flatnonzero(np.abs(decoded) > 8000)]
    found = sorted({i for i in clicks if i - 1 not in clicks})  # the first sample of each
    assert found == [start + at for start, (_, at) in zip(starts(parts), lengths, strict=True)]


def test_a_file_that_is_not_mp3_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.mp3"
    path.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"not a frame at all")
    with pytest.raises(AudioError, match="not a whole MP3 file at byte 10"):
        audio_frames(path)
