"""The one place that runs a subprocess: the ffmpeg binary of `imageio-ffmpeg`.

Every call gets an argument list, never a shell (docs/safety.md), and a
failure raises AudioError quoting the command and the tail of ffmpeg's stderr.
"""

from __future__ import annotations

import errno
import functools
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
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


def ffmpeg_version() -> str:
    """The first line ffmpeg prints for `-version` ("ffmpeg version n7.1 Copyright ..."),
    without its copyright; AudioError when ffmpeg cannot run."""
    first = run_ffmpeg(["-version"]).stdout.decode("utf-8", "replace").strip().splitlines()
    if not first:
        raise AudioError(f"ffmpeg ({ffmpeg_path()}) printed no version")
    return first[0].split(" Copyright")[0].removeprefix("ffmpeg version ").strip()


def run_ffmpeg(
    args: Sequence[str], stdin: bytes | None = None, *, loglevel: str = "error"
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg with `args` (quiet unless `loglevel` says so); raise AudioError on failure."""
    command = [ffmpeg_path(), "-hide_banner", "-nostdin", "-loglevel", loglevel, *args]
    try:
        result = subprocess.run(command, input=stdin, capture_output=True, check=False)
    except OSError as error:
        raise AudioError(f"could not start ffmpeg ({command[0]}): {error}") from error
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace")
        if "No space left on device" in message:
            # As the file system's own errors say it: where, and what to do.
            written = next((a for a in reversed(args) if a.startswith("file:")), "its output")
            raise OSError(errno.ENOSPC, "No space left on device", written.removeprefix("file:"))
        tail = message.strip().splitlines()[-3:]
        shown = " ".join(command[1:])[:300]
        raise AudioError(f"ffmpeg failed ({shown}): {' / '.join(tail) or 'no message'}")
    return result


def _file_argument(path: Path) -> str:
    """A file name ffmpeg cannot take for an option or a protocol ("-x.mp3", "pipe:x")."""
    return "file:" + str(path.absolute())


def decode_audio(data: bytes, sample_rate: int) -> Clip:
    """Decode any audio ffmpeg reads (MP3, WAV, ...) to mono 16-bit PCM at `sample_rate`."""
    return _decode("pipe:0", sample_rate, stdin=data)


def decode_mp3(data: bytes, sample_rate: int) -> Clip:
    """Decode MP3 bytes (gTTS's pieces) to mono 16-bit PCM at `sample_rate`, through pydub.

    pydub pipes the bytes through this ffmpeg and reads the WAV back, with no
    temporary file; naming the codec spares it the ffprobe call this wheel has
    no binary for. Google sends 24 kHz mono, so there is usually nothing to
    convert; otherwise pydub converts the channels and rate.
    """
    import io
    import warnings

    with warnings.catch_warnings():
        # pydub looks for ffmpeg on PATH when imported (it is given this one below),
        # and imports audioop, which Python 3.12 deprecates (audioop-lts replaces it).
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydub import AudioSegment
        from pydub.exceptions import CouldntDecodeError

    AudioSegment.converter = ffmpeg_path()
    try:
        segment = AudioSegment.from_file(io.BytesIO(data), format="mp3", codec="mp3")
    except (CouldntDecodeError, OSError, IndexError) as error:
        raise AudioError(f"could not decode the MP3 audio ({len(data)} bytes): {error}") from error
    segment = segment.set_sample_width(2).set_channels(1).set_frame_rate(sample_rate)
    return Clip(segment.raw_data, sample_rate)


def decode_file(path: Path, sample_rate: int) -> Clip:
    """Decode an audio file to mono 16-bit PCM at `sample_rate`."""
    return _decode(_file_argument(path), sample_rate)


def _decode(source: str, sample_rate: int, stdin: bytes | None = None) -> Clip:
    pcm = ["-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(sample_rate)]
    result = run_ffmpeg(["-i", source, *pcm, "pipe:1"], stdin=stdin)
    return Clip(result.stdout, sample_rate)


def encode_mp3(clip: Clip, path: Path, bitrate_kbps: int = 64) -> None:
    """Encode `clip` as mono 44.1 kHz constant-bitrate MP3 at `path` (no ID3 tag).

    The decoded MP3 has the clip's level: LAME through this ffmpeg comes out
    quieter (0.95, -0.45 dB, measured by `mp3_level_change`), and the
    loudness promise (-19 LUFS) is about the published file, so the encode
    makes up the difference. The Xing/LAME "Info" frame that ffmpeg's mp3
    muxer writes first is kept: it records the encoder delay and padding, so
    decoders trim them and the decoded audio lines up sample for sample with
    the PCM that chapter and cue times were counted in (without it they start
    1105 samples, 25 ms, late). It also gives players the frame count and a
    seek table.
    """
    makeup = 1.0 / mp3_level_change(bitrate_kbps)
    run_ffmpeg(
        [
            *_pcm_input(clip),
            "-af",
            f"volume={makeup:.6f}",
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
            _file_argument(path),
        ],
        stdin=clip.pcm,
    )


@functools.cache
def encode_aac(clip: Clip, path: Path, bitrate_kbps: int = 64) -> None:
    """Encode `clip` as mono 44.1 kHz AAC in ADTS frames at `path` (an audiobook's chapter).

    ADTS frames carry their own headers, so chapters encoded apart can be joined
    byte for byte (`write_m4b`). `bitexact` leaves out the encoder's version, so the
    same audio gives the same bytes.
    """
    run_ffmpeg(
        [
            *_pcm_input(clip),
            "-ar", str(OUTPUT_SAMPLE_RATE), "-ac", "1",
            "-codec:a", "aac", "-b:a", f"{bitrate_kbps}k",
            "-fflags", "+bitexact", "-y", "-f", "adts", _file_argument(path),
        ],
        stdin=clip.pcm,
    )  # fmt: skip


def write_m4b(aac: Path, metadata: Path, path: Path) -> None:
    """Put the AAC frames of `aac` (ADTS, copied, not encoded again) in an MP4 audiobook at
    `path` (`.m4b`), with the text tags and chapters of `metadata` (ffmetadata).

    `ipod` is the muxer ffmpeg chooses for `.m4b`; it writes the chapters as a
    chapter track and as a Nero `chpl` atom. `faststart` puts the index first,
    so a player can start before the whole file has arrived.
    """
    run_ffmpeg(
        [
            "-i", _file_argument(aac),
            "-f", "ffmetadata", "-i", _file_argument(metadata),
            "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1",
            "-codec:a", "copy", "-fflags", "+bitexact", "-movflags", "+faststart",
            "-y", "-f", "ipod", _file_argument(path),
        ]
    )  # fmt: skip


def mp3_level_change(bitrate_kbps: int = 64) -> float:
    """Amplitude ratio decoded/original of a round trip through this ffmpeg's MP3 encoder.

    Measured once per process on a 1 kHz tone at -20 dBFS (the ratio is flat
    across the speech band: 0.950 at 200 Hz, 1 kHz and 4 kHz, and on speech).
    """
    import numpy as np

    rate = OUTPUT_SAMPLE_RATE
    tone = 0.1 * np.sin(2 * np.pi * 1000 * np.arange(rate) / rate)
    pcm = np.round(tone * 32768).astype("<i2")
    encoded = run_ffmpeg(
        [
            *_pcm_input(Clip(pcm.tobytes(), rate)),
            "-codec:a",
            "libmp3lame",
            "-b:a",
            f"{bitrate_kbps}k",
            "-f",
            "mp3",
            "pipe:1",
        ],
        stdin=pcm.tobytes(),
    ).stdout
    decoded = np.frombuffer(decode_audio(encoded, rate).pcm, dtype="<i2")
    middle = slice(rate // 4, 3 * rate // 4)  # away from the encoder's start and end
    original_rms = float(np.sqrt(np.mean(pcm[middle].astype(np.float64) ** 2)))
    decoded_rms = float(np.sqrt(np.mean(decoded[middle].astype(np.float64) ** 2)))
    if decoded_rms == 0.0:
        raise AudioError(
            "ffmpeg's MP3 encoder produced silence from a test tone: reinstall imageio-ffmpeg."
        )
    return decoded_rms / original_rms


# --------------------------------------------------------------------------
# Loudness: ffmpeg's ebur128 filter (EBU R 128 / ITU-R BS.1770, true peak by
# oversampling), the one measurement used by assembly, tests and `check`.
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class EbuR128:
    """What ffmpeg's ebur128 filter reports for a whole programme."""

    integrated_lufs: float
    """Integrated loudness (gated), LUFS; -70.0 or lower for silence."""
    true_peak_dbtp: float
    """Maximum true peak, dBTP (ffmpeg prints it as dBFS); -inf for digital silence."""


_INTEGRATED = re.compile(r"Integrated loudness:\s*I:\s*(-?inf|-?\d+(?:\.\d+)?) LUFS")
_TRUE_PEAK = re.compile(r"True peak:\s*Peak:\s*(-?inf|-?\d+(?:\.\d+)?) dBFS")


def _parse_ebur128(stderr: str) -> EbuR128:
    """Read the summary ebur128 prints at the end of a run."""
    integrated = _INTEGRATED.search(stderr)
    peak = _TRUE_PEAK.search(stderr)
    if integrated is None or peak is None:
        tail = " / ".join(stderr.strip().splitlines()[-3:])
        raise AudioError(f"ffmpeg's ebur128 filter printed no loudness summary: {tail}")
    return EbuR128(float(integrated.group(1)), float(peak.group(1)))


def measure_ebur128(clip: Clip) -> EbuR128:
    """Integrated loudness and true peak of `clip`, by ffmpeg's ebur128 filter.

    The filter resamples to 48 kHz itself and finds the true peak at 192 kHz,
    so any input rate is measured the same way. Its summary is printed at
    "info" level with one decimal: 0.1 LU resolution, well inside the 0.5 LU
    the design allows. Per-frame lines go to "verbose" so they stay hidden.
    """
    return _parse_ebur128(_run_ebur128(clip, "ebur128=peak=true:framelog=verbose"))


def integrated_loudness(clip: Clip) -> float:
    """Integrated loudness of `clip` in LUFS, by ffmpeg's ebur128 filter without true peak.

    About five times faster than `measure_ebur128` (the true peak's 192 kHz
    oversampling is most of its cost): 0.26 s for 9 minutes of 22 kHz speech.
    """
    stderr = _run_ebur128(clip, "ebur128=framelog=verbose")
    integrated = _INTEGRATED.search(stderr)
    if integrated is None:
        tail = " / ".join(stderr.strip().splitlines()[-3:])
        raise AudioError(f"ffmpeg's ebur128 filter printed no loudness summary: {tail}")
    return float(integrated.group(1))


def _run_ebur128(clip: Clip, audio_filter: str) -> str:
    """Run an ebur128 filter over `clip` and return ffmpeg's stderr (where the summary is)."""
    result = run_ffmpeg(
        [*_pcm_input(clip), "-af", audio_filter, "-f", "null", "-"],
        stdin=clip.pcm,
        loglevel="info",
    )
    return result.stderr.decode("utf-8", "replace")


def _pcm_input(clip: Clip) -> list[str]:
    """Input options for raw mono 16-bit PCM on stdin."""
    return ["-f", "s16le", "-ar", str(clip.sample_rate), "-ac", "1", "-i", "pipe:0"]


# --------------------------------------------------------------------------
# Reading back tags and chapters the way a player sees them
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FileChapter:
    """One chapter as ffmpeg reads it from a file."""

    title: str
    """The chapter's title ("" when it has none)."""
    start_ms: int
    """Start, milliseconds from the start of the audio."""
    end_ms: int
    """End, milliseconds from the start of the audio."""


@dataclass(frozen=True)
class FileMetadata:
    """A file's global tags and chapters as ffmpeg's ffmetadata muxer writes them."""

    tags: dict[str, str]
    """Global tags, keys lower-cased (ffmpeg's names: title, album, artist, track, ...)."""
    chapters: tuple[FileChapter, ...]
    """Chapters in the order ffmpeg lists them (file order for ID3 CHAP frames)."""


def read_metadata(path: Path) -> FileMetadata:
    """Tags and chapters of `path`, read by `ffmpeg -i PATH -f ffmetadata -copyts -`.

    `-copyts` keeps chapter times as stored: without it ffmpeg shifts them by
    the stream's start time (the encoder delay the Xing/LAME frame declares),
    docs/formats.md, "Audio and tags".
    """
    result = run_ffmpeg(["-i", _file_argument(path), "-copyts", "-f", "ffmetadata", "-"])
    return parse_ffmetadata(result.stdout.decode("utf-8", "replace"))


def _unescape(value: str) -> str:
    """Undo ffmetadata escaping: a backslash quotes the next character."""
    return re.sub(r"\\(.)", r"\1", value, flags=re.DOTALL)


def _split_entries(text: str) -> list[str]:
    """Logical lines of an ffmetadata file (an escaped newline continues a value)."""
    entries: list[str] = []
    current = ""
    for line in text.split("\n"):
        current += line
        trailing = len(current) - len(current.rstrip("\\"))
        if trailing % 2 == 1:  # odd number of backslashes: the newline is escaped
            current += "\n"
            continue
        entries.append(current)
        current = ""
    if current:
        entries.append(current)
    return entries


def _unescaped_equals(entry: str) -> int:
    """Index of the first "=" not quoted by a backslash, or -1."""
    index = 0
    while index < len(entry):
        if entry[index] == "\\":
            index += 2
            continue
        if entry[index] == "=":
            return index
        index += 1
    return -1


def parse_ffmetadata(text: str) -> FileMetadata:
    """Parse ffmetadata text (https://ffmpeg.org/ffmpeg-formats.html#Metadata-1)."""
    tags: dict[str, str] = {}
    chapters: list[FileChapter] = []
    chapter: dict[str, str] | None = None
    in_other_section = False  # [STREAM] sections: not global tags

    def close_chapter() -> None:
        if chapter is None:
            return
        numerator, _, denominator = chapter.get("timebase", "1/1000").partition("/")
        scale = 1000 * int(numerator) / int(denominator or "1")
        chapters.append(
            FileChapter(
                title=chapter.get("title", ""),
                start_ms=round(int(chapter["start"]) * scale),
                end_ms=round(int(chapter["end"]) * scale),
            )
        )

    for entry in _split_entries(text):
        if not entry or entry.startswith((";", "#")):
            continue
        if entry.startswith("["):
            close_chapter()
            chapter = {} if entry.strip() == "[CHAPTER]" else None
            in_other_section = chapter is None
            continue
        split = _unescaped_equals(entry)
        if split < 0 or in_other_section:
            continue
        key, value = entry[:split], entry[split + 1 :]
        target = tags if chapter is None else chapter
        target[_unescape(key).lower()] = _unescape(value)
    close_chapter()
    return FileMetadata(tags, tuple(chapters))


def change_tempo(clip: Clip, factor: float) -> Clip:
    """`clip` played `factor` times as fast (1.1 = 10 % quicker), pitch kept (ffmpeg atempo)."""
    if not 0.5 <= factor <= 2.0:
        raise AudioError(f"tempo factor {factor} is outside 0.5 to 2.0")
    rate = str(clip.sample_rate)
    result = run_ffmpeg(
        [
            *("-f", "s16le", "-ar", rate, "-ac", "1", "-i", "pipe:0"),
            *("-filter:a", f"atempo={factor:.4f}"),
            *("-f", "s16le", "-acodec", "pcm_s16le", "-ar", rate, "-ac", "1", "pipe:1"),
        ],
        stdin=clip.pcm,
    )
    return Clip(result.stdout, clip.sample_rate)
