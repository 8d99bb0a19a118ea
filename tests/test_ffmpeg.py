"""The ffmpeg helper: MP3 encoding, loudness measurement and reading metadata back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from mutagen.mp3 import MP3, BitrateMode

from audio_leaflet import ffmpeg
from audio_leaflet.errors import AudioError
from audio_leaflet.ffmpeg import FileChapter, parse_ffmetadata
from audio_leaflet.model import Clip
from helpers.speech import speak


@pytest.fixture(scope="session")
def speech() -> Clip:
    """A real sentence from the bundled Piper voice."""
    return speak("Dystonia is a neurological condition that causes muscles to spasm.")


def tone(frequency: float, amplitude_dbfs: float, seconds: float, rate: int) -> Clip:
    t = np.arange(round(seconds * rate)) / rate
    wave = 10 ** (amplitude_dbfs / 20) * np.sin(2 * np.pi * frequency * t)
    return Clip(np.round(wave * 32767).astype("<i2").tobytes(), rate)


def as_array(clip: Clip) -> np.ndarray:
    return np.frombuffer(clip.pcm, dtype="<i2").astype(np.float64)


MPEG1_LAYER3_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)


def frame_bitrates(data: bytes) -> list[int]:
    """Bitrate (kbps) of every MPEG-1 layer III frame at 44.1 kHz, walking the frame headers."""
    rates = []
    position = 0
    while position + 4 <= len(data):
        header = data[position : position + 4]
        assert header[0] == 0xFF and header[1] & 0xFE == 0xFA, f"no frame at {position}"
        assert (header[2] >> 2) & 0x3 == 0, "not 44.1 kHz"
        kbps = MPEG1_LAYER3_KBPS[header[2] >> 4]
        rates.append(kbps)
        position += 144 * kbps * 1000 // 44_100 + ((header[2] >> 1) & 1)
    return rates


def test_encode_mp3_is_mono_44k_cbr_with_an_info_frame(speech: Clip, tmp_path: Path) -> None:
    path = tmp_path / "speech.mp3"
    ffmpeg.encode_mp3(speech, path)
    info = MP3(path).info
    assert (info.sample_rate, info.channels) == (44_100, 1)
    assert info.bitrate_mode is BitrateMode.CBR  # from the LAME frame
    data = path.read_bytes()
    assert set(frame_bitrates(data)) == {64}  # every frame, the Info frame included
    assert data[:2] == b"\xff\xfb"  # an MPEG-1 layer III frame first: no ID3 from ffmpeg
    # The first frame is the Xing "Info" frame (CBR) after 4 + 17 bytes of header
    # and mono side info; its LAME extension records the encoder delay and padding.
    assert data[21:25] == b"Info"
    assert int.from_bytes(data[25:29], "big") & 0x0F == 0x0F  # frames, bytes, TOC, quality
    delay_padding = int.from_bytes(data[21 + 141 : 21 + 144], "big")
    delay, padding = delay_padding >> 12, delay_padding & 0xFFF
    assert delay == 576  # + 529 of decoder delay = the 1105 samples decoders skip
    assert 0 < padding < 1152 + 576 + 529
    # mutagen counts whole frames (delay and padding included): a little over the PCM.
    assert 0 <= info.length - speech.frames / speech.sample_rate < 0.06


@pytest.mark.parametrize("bitrate", [32, 128])
def test_encode_mp3_bitrate_is_configurable(speech: Clip, tmp_path: Path, bitrate: int) -> None:
    path = tmp_path / "speech.mp3"
    ffmpeg.encode_mp3(speech, path, bitrate_kbps=bitrate)
    # The audio frames; at 32 kbps the Info frame alone is bigger, to hold its tables.
    assert set(frame_bitrates(path.read_bytes())[1:]) == {bitrate}


def test_decoded_mp3_lines_up_with_the_pcm_sample_for_sample(speech: Clip, tmp_path: Path) -> None:
    # The LAME frame tells decoders the encoder delay and padding: without it the
    # decoded audio starts 1105 samples late and chapter times would drift.
    path = tmp_path / "speech.mp3"
    ffmpeg.encode_mp3(speech, path)
    decoded = as_array(ffmpeg.decode_file(path, speech.sample_rate))
    original = as_array(speech)
    assert len(decoded) == len(original)
    middle = slice(2000, len(original) - 2000)
    lags = range(-20, 21)
    scores = [float(np.dot(original[middle], np.roll(decoded, -lag)[middle])) for lag in lags]
    assert lags[int(np.argmax(scores))] == 0


def test_decoded_mp3_keeps_the_level_of_the_pcm(speech: Clip, tmp_path: Path) -> None:
    # LAME through this ffmpeg comes out at 0.95 of the input; encode_mp3 makes it up.
    assert 0.5 < ffmpeg.mp3_level_change(64) < 1.5
    path = tmp_path / "speech.mp3"
    ffmpeg.encode_mp3(speech, path)
    decoded = as_array(ffmpeg.decode_file(path, speech.sample_rate))
    original = as_array(speech)
    ratio = float(np.dot(decoded, original) / np.dot(original, original))
    assert ratio == pytest.approx(1.0, abs=0.01)


def test_ebur128_reads_a_reference_tone() -> None:
    # A mono 1 kHz sine of peak -20 dBFS: mean square -23 dB, K-weighting at
    # 1 kHz cancels BS.1770's -0.691 offset, so -23.0 LUFS; true peak -20 dBTP.
    measured = ffmpeg.measure_ebur128(tone(1000, -20.0, 10.0, 48_000))
    assert measured.integrated_lufs == pytest.approx(-23.0, abs=0.1)
    assert measured.true_peak_dbtp == pytest.approx(-20.0, abs=0.1)
    assert ffmpeg.integrated_loudness(tone(1000, -20.0, 10.0, 22_050)) == pytest.approx(
        -23.0, abs=0.1
    )


def test_ebur128_of_silence_is_at_the_gate() -> None:
    measured = ffmpeg.measure_ebur128(Clip(bytes(44_100 * 2), 22_050))
    assert measured.integrated_lufs <= -70.0


def test_ffmpeg_failure_quotes_the_command() -> None:
    with pytest.raises(AudioError, match=r"ffmpeg failed \(.*-i pipe:0"):
        ffmpeg.decode_audio(b"this is not audio at all", 22_050)


def test_read_metadata_of_an_untagged_file(speech: Clip, tmp_path: Path) -> None:
    path = tmp_path / "plain.mp3"
    ffmpeg.encode_mp3(speech, path)
    metadata = ffmpeg.read_metadata(path)
    assert metadata.chapters == ()
    assert "title" not in metadata.tags


def test_read_metadata_of_a_missing_file_is_an_audio_error(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"missing\.mp3"):
        ffmpeg.read_metadata(tmp_path / "missing.mp3")


FFMETADATA = """;FFMETADATA1
title=Dystonia \\= mental health\\; a guide
artist=The Dystonia Society
comment=two\\
lines
encoder=Lavf63.1.102
[STREAM]
title=not a global tag
[CHAPTER]
TIMEBASE=1/1000
START=0
END=5380
title=Introduction
[CHAPTER]
TIMEBASE=1/44100
START=237258
END=441000
title=Back\\\\slash \\#hash
[CHAPTER]
TIMEBASE=1/1000
START=10000
END=12000
"""


def test_parse_ffmetadata() -> None:
    metadata = parse_ffmetadata(FFMETADATA)
    assert metadata.tags == {
        "title": "Dystonia = mental health; a guide",
        "artist": "The Dystonia Society",
        "comment": "two\nlines",
        "encoder": "Lavf63.1.102",
    }
    assert metadata.chapters == (
        FileChapter("Introduction", 0, 5380),
        FileChapter("Back\\slash #hash", 5380, 10000),
        FileChapter("", 10000, 12000),
    )


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [
        ("a=b", "a", "b"),
        ("a=b=c", "a", "b=c"),
        ("we\\=ird=x", "we=ird", "x"),
        ("k=\\\\", "k", "\\"),
    ],
)
def test_parse_ffmetadata_escapes(line: str, key: str, value: str) -> None:
    assert parse_ffmetadata(f";FFMETADATA1\n{line}\n").tags == {key: value}
