"""The one place that runs a subprocess: the ffmpeg binary of `imageio-ffmpeg`.

Every call gets an argument list, never a shell (DESIGN section 9), and a
failure raises AudioError quoting the command and the tail of ffmpeg's stderr.
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Sequence
from pathlib import Path

from audio_leaflet.errors import AudioError
from audio_leaflet.model import Clip

OUTPUT_SAMPLE_RATE = 44_100


@functools.cache
def ffmpeg_path() -> str:
    """Path of the static ffmpeg binary shipped in the imageio-ffmpeg wheel."""
    import imageio_ffmpeg

    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as error:  # the wheel has no binary for this platform
        raise AudioError(f"ffmpeg is not available: {error}") from error


def run_ffmpeg(
    args: Sequence[str], stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg quietly with `args`; raise AudioError on failure."""
    command = [ffmpeg_path(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]
    try:
        result = subprocess.run(command, input=stdin, capture_output=True, check=False)
    except OSError as error:
        raise AudioError(f"could not start ffmpeg ({command[0]}): {error}") from error
    if result.returncode != 0:
        tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        shown = " ".join(command[1:])[:300]
        raise AudioError(f"ffmpeg failed ({shown}): {' / '.join(tail) or 'no message'}")
    return result


def decode_audio(data: bytes, sample_rate: int) -> Clip:
    """Decode any audio ffmpeg reads (MP3, WAV, ...) to mono 16-bit PCM at `sample_rate`."""
    result = run_ffmpeg(
        [
            "-i",
            "pipe:0",
            "-f",
            "s16le",
            "-acodec",
            "pcm_s16le",
            "-ac",
            "1",
            "-ar",
            str(sample_rate),
            "pipe:1",
        ],
        stdin=data,
    )
    return Clip(result.stdout, sample_rate)


def decode_file(path: Path, sample_rate: int) -> Clip:
    """Decode an audio file to mono 16-bit PCM at `sample_rate`."""
    result = run_ffmpeg(
        [
            "-i",
            str(path),
            "-f",
            "s16le",
            "-acodec",
            "pcm_s16le",
            "-ac",
            "1",
            "-ar",
            str(sample_rate),
            "pipe:1",
        ]
    )
    return Clip(result.stdout, sample_rate)


def encode_mp3(clip: Clip, path: Path, bitrate_kbps: int = 64) -> None:
    """Encode `clip` as mono 44.1 kHz constant-bitrate MP3 at `path` (no tags)."""
    run_ffmpeg(
        [
            "-f",
            "s16le",
            "-ar",
            str(clip.sample_rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-ar",
            str(OUTPUT_SAMPLE_RATE),
            "-ac",
            "1",
            "-codec:a",
            "libmp3lame",
            "-b:a",
            f"{bitrate_kbps}k",
            # No ID3 from ffmpeg: mutagen writes the tags.
            "-id3v2_version",
            "0",
            "-map_metadata",
            "-1",
            "-y",
            "-f",
            "mp3",
            str(path),
        ],
        stdin=clip.pcm,
    )
