"""MP3 frames: the whole-leaflet file joined from its chapters' frames, never encoded twice.

Each chapter file is encoded on its own (ffmpeg's libmp3lame, constant bit
rate), so its audio frames start with an empty bit reservoir and can follow
any other chapter's frames: the whole-leaflet file is the chapters' audio
frames one after another, under its own tags. Re-encoding ten minutes of
audio to change one sentence took most of a rebuild; joining takes a copy.

What a decoder then plays is exact to the sample. A chapter file starts with
an "Info" frame that tells a decoder to drop the encoder's delay and padding;
the joined file has none, so every chapter's frames play whole: chapter k's
first sample is at

    P_k = (audio frames of the chapters before it) x 1152 + delay_k + 529

(the encoder's delay, 576 samples, as chapter k's Info frame records it, and
the decoder's own 529; measured with a click in every chapter:
`tests/test_mp3.py`). The stretch between two
chapters holds the padding of one and the delay of the next: silence, inside
the second of silence each file starts and ends with.
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass
from pathlib import Path

from audio_leaflet.errors import AudioError

SAMPLES_PER_FRAME = 1152
"""MPEG-1 Layer III."""
ENCODER_DELAY = 576
"""LAME's delay, when the Info frame does not say."""
DECODER_DELAY = 529
"""An MPEG-1 Layer III decoder's own delay."""
_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_SAMPLE_RATES = (44100, 48000, 32000)


@dataclass(frozen=True)
class Frames:
    """The audio frames of one MP3 file (its tags and Info frame left out)."""

    data: bytes
    """The frames, back to back."""
    count: int
    """How many."""
    sample_rate: int
    """Their sample rate."""
    delay: int = ENCODER_DELAY
    """The encoder's delay before the first sample, as the Info frame records it."""

    @property
    def samples(self) -> int:
        """What a decoder plays from them, delay and padding included."""
        return self.count * SAMPLES_PER_FRAME


def _id3_size(data: bytes) -> int:
    """Bytes of an ID3v2 tag at the start of `data` (0 when there is none)."""
    if data[:3] != b"ID3" or len(data) < 10:
        return 0
    size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


def _frame_length(header: int) -> tuple[int, int]:
    """(length in bytes, sample rate) of an MPEG-1 Layer III frame; AudioError otherwise."""
    version, layer = (header >> 19) & 3, (header >> 17) & 3
    bitrate_index, rate_index = (header >> 12) & 0xF, (header >> 10) & 3
    if header >> 21 != 0x7FF or version != 3 or layer != 1:
        raise AudioError("not an MPEG-1 Layer III frame")
    if not 0 < bitrate_index < len(_BITRATES) or rate_index >= len(_SAMPLE_RATES):
        raise AudioError("a frame with a bit rate or sample rate MP3 does not have")
    rate = _SAMPLE_RATES[rate_index]
    return 144 * _BITRATES[bitrate_index] * 1000 // rate + ((header >> 9) & 1), rate


def _info_delay(frame: bytes) -> int | None:
    """The encoder's delay a Xing/Info frame records (the frame an encoder puts first: it
    says how to trim, and holds no audio); None when `frame` is an audio frame."""
    mono = (frame[3] >> 6) == 3
    at = 4 + (17 if mono else 32)  # after the side information
    if frame[at : at + 4] not in (b"Info", b"Xing"):
        return None
    flags = struct.unpack(">I", frame[at + 4 : at + 8])[0]
    # Frame count, byte count, seek table and quality, when present; then LAME's
    # extension, whose delay is 12 bits, 21 bytes in.
    lame = at + 8 + 4 * bool(flags & 1) + 4 * bool(flags & 2) + 100 * bool(flags & 4)
    lame += 4 * bool(flags & 8)
    delay = frame[lame + 21 : lame + 23]
    return (delay[0] << 4 | delay[1] >> 4) if len(delay) == 2 else ENCODER_DELAY


def audio_frames(path: Path) -> Frames:
    """The audio frames of `path`, an MP3 file this tool encoded; AudioError when it is not.

    Remembered while the file stays the same (a build and its check read each chapter's
    frames several times).
    """
    facts = path.stat()
    return _frames_of(path, facts.st_ino, facts.st_size, facts.st_mtime_ns, facts.st_ctime_ns)


@functools.lru_cache(maxsize=64)
def _frames_of(path: Path, inode: int, size: int, modified: int, changed: int) -> Frames:
    data = path.read_bytes()
    at = _id3_size(data)
    chunks: list[bytes] = []
    rate = 0
    delay = ENCODER_DELAY
    first = True
    while at + 4 <= len(data):
        try:
            length, rate = _frame_length(struct.unpack(">I", data[at : at + 4])[0])
        except AudioError as error:
            raise AudioError(f"{path} is not a whole MP3 file at byte {at}: {error}") from None
        frame = data[at : at + length]
        if len(frame) < length:
            raise AudioError(f"{path} ends in the middle of a frame")
        info = _info_delay(frame) if first else None
        if info is None:
            chunks.append(frame)
        else:
            delay = info
        first = False
        at += length
    if not chunks:
        raise AudioError(f"{path} holds no MP3 audio")
    return Frames(b"".join(chunks), len(chunks), rate, delay)


def starts(parts: list[Frames]) -> list[int]:
    """Where each part's first sample plays once `parts` are joined (`P_k`, in samples)."""
    found, played = [], 0
    for part in parts:
        found.append(played + part.delay + DECODER_DELAY)
        played += part.samples
    return found


def join(parts: list[Frames], target: Path) -> None:
    """Write the frames of `parts` one after another to `target` (no tags: they come after)."""
    target.write_bytes(b"".join(part.data for part in parts))
