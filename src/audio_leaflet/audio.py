"""Assemble spoken sentences into chapter audio: pauses, cues, loudness.

See docs/narration.md (pauses) and docs/formats.md (audio).

A chapter is lead silence, its sentences with the pauses between them, and
tail silence, normalised to -19 LUFS integrated with true peaks at most
-1 dBTP. Every time (cues, chapter starts) is counted in PCM samples, never
read back from an MP3 container.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from audio_leaflet import ffmpeg
from audio_leaflet.errors import AudioError
from audio_leaflet.model import Clip, Cue, Pause

TARGET_LUFS = -19.0
"""Integrated loudness of every file: the mono equivalent of the -16 LUFS podcast target."""
MAX_TRUE_PEAK_DBTP = -1.0
"""Highest true peak allowed in a published file, measured from the decoded MP3."""
PCM_PEAK_CEILING_DBTP = -2.5
"""True-peak ceiling of the assembled PCM. MP3 coding at 64 kbps raised the true peak of
Piper speech by up to 0.7 dB (five 1.5-minute chapters of the seed leaflet, measured by
ffmpeg's ebur128 on the decoded files), so the PCM keeps 1.5 dB below MAX_TRUE_PEAK_DBTP."""
LOUDNESS_TOLERANCE_LU = 0.1
"""How close to TARGET_LUFS the assembled PCM must measure before assembly stops adjusting."""
FADE_MS = 5
"""Raised-cosine fade at each edge of a sentence, where speech meets silence (no clicks)."""
LIMITER_RAMP_MS = 10
"""Half-width of the limiter's hold and of its gain ramp: gain moves over ~20 ms, not per sample."""
SILENT_LUFS = -69.5
"""ebur128 reports -70 LUFS (the absolute gate) when nothing is loud enough to measure."""

_MAX_ADJUSTMENTS = 5


@dataclass(frozen=True)
class SpokenSentence:
    """One narrated sentence and the audio an engine made of it."""

    text: str
    """The sentence as narrated (becomes the cue's text)."""
    clip: Clip
    """The engine's audio for it."""


@dataclass(frozen=True)
class PausePlan:
    """The silences assembly puts around and between sentences (docs/formats.md)."""

    lead_ms: int = 1000
    """Silence at the start of each chapter file."""
    tail_ms: int = 1000
    """Silence at the end of each chapter file (rounded up by under 20 ms to a whole ms)."""
    sentence_gap_ms: int = 400
    """Implicit gap between consecutive sentences; an explicit Pause replaces it."""


@dataclass(frozen=True)
class ChapterAudio:
    """A chapter's finished audio and when each sentence is heard in it."""

    clip: Clip
    """The chapter's loudness-normalised PCM, a whole number of milliseconds long."""
    cues: tuple[Cue, ...]
    """One cue per sentence, times relative to the start of the chapter."""


@dataclass(frozen=True)
class Loudness:
    """Loudness facts of a clip or a file, as ffmpeg's ebur128 filter measures them."""

    integrated_lufs: float
    """Integrated loudness, LUFS (0.1 LU resolution)."""
    true_peak_dbtp: float
    """Maximum true peak, dBTP (0.1 dB resolution)."""
    duration_ms: int
    """Length from the (decoded) sample count."""


# --------------------------------------------------------------------------
# assembly
# --------------------------------------------------------------------------


def assemble_chapter(
    lines: Sequence[SpokenSentence | Pause], *, plan: PausePlan = PausePlan()
) -> ChapterAudio:
    """Lay out one chapter's sentences and pauses, then normalise its loudness.

    Lead silence, then each sentence; between two consecutive sentences the
    implicit gap, unless explicit Pauses stand between them (they replace the
    gap and add up). A Pause before the first or after the last sentence adds
    to the lead or tail. Cue times come from sample counts and are floored to
    whole milliseconds, like `Clip.duration_ms`.
    """
    spoken = [line.clip for line in lines if isinstance(line, SpokenSentence)]
    if not spoken:
        raise AudioError("A chapter has no spoken sentence: its narration script is empty.")
    rates = sorted({clip.sample_rate for clip in spoken})
    if len(rates) > 1:
        shown = ", ".join(f"{rate} Hz" for rate in rates)
        raise AudioError(
            f"The sentences of one chapter have different sample rates ({shown}): "
            "a chapter must be spoken by one voice; rebuild it with a single engine."
        )
    rate = rates[0]

    parts: list[npt.NDArray[np.int16]] = [_silence(plan.lead_ms, rate)]
    position = len(parts[0])
    cues: list[Cue] = []
    previous_was_sentence = False
    for line in lines:
        if isinstance(line, Pause):
            if line.ms < 0:
                raise AudioError(f"A pause of {line.ms} ms is negative: pauses must be >= 0 ms.")
            part = _silence(line.ms, rate)
            previous_was_sentence = False
        else:
            if previous_was_sentence:
                gap = _silence(plan.sentence_gap_ms, rate)
                parts.append(gap)
                position += len(gap)
            part = _faded(line.clip, rate)
            cues.append(
                Cue(
                    start_ms=position * 1000 // rate,
                    end_ms=(position + len(part)) * 1000 // rate,
                    text=line.text,
                )
            )
            previous_was_sentence = True
        parts.append(part)
        position += len(part)

    # Pad the tail so the chapter lasts a whole number of milliseconds: then
    # chapter starts in the whole file are exact sums of chapter durations
    # (docs/formats.md: start_ms[n+1] = start_ms[n] + duration_ms[n]).
    tail = _silence(plan.tail_ms, rate)
    unit = rate // math.gcd(rate, 1000)  # samples in the smallest whole-ms step
    tail = np.zeros(len(tail) + (-(position + len(tail)) % unit), dtype=np.int16)
    parts.append(tail)

    normalised = normalise_loudness(np.concatenate(parts), rate)
    return ChapterAudio(_clip(normalised, rate), tuple(cues))


def measure_loudness(clip_or_path: Clip | Path) -> Loudness:
    """Loudness of a clip, or of an audio file decoded by ffmpeg (44.1 kHz mono)."""
    if isinstance(clip_or_path, Clip):
        clip = clip_or_path
    else:
        clip = ffmpeg.decode_file(Path(clip_or_path), ffmpeg.OUTPUT_SAMPLE_RATE)
    measured = ffmpeg.measure_ebur128(clip)
    return Loudness(measured.integrated_lufs, measured.true_peak_dbtp, clip.duration_ms)


# --------------------------------------------------------------------------
# loudness
# --------------------------------------------------------------------------


def normalise_loudness(
    pcm: npt.NDArray[np.int16],
    sample_rate: int,
    *,
    target_lufs: float = TARGET_LUFS,
    ceiling_dbtp: float = PCM_PEAK_CEILING_DBTP,
) -> npt.NDArray[np.int16]:
    """Bring 16-bit `pcm` to `target_lufs` with true peaks <= `ceiling_dbtp`.

    Integrated loudness is measured by ffmpeg's ebur128 filter, an EBU Tech
    3341 compliant meter that the tests and `check` also use, so assembly aims
    at the number that is checked (0.03 s per minute of speech). True peaks
    are estimated here at 4x oversampling: ffmpeg's true-peak meter would cost
    five times as much, and peaks scale with gain, so they are found once.

    A linear gain does the work; only when it would lift a true peak above
    the ceiling does a gentle look-ahead limiter (`limit_true_peak`) pull
    those peaks down. Limiting lowers the loudness a little, so the gain is
    chosen to make up for the energy the limiter removes (predicted from
    the samples it touches), then checked by ffmpeg and corrected by what the
    prediction missed, until the result is within LOUDNESS_TOLERANCE_LU.
    """
    measured = ffmpeg.integrated_loudness(_clip(pcm, sample_rate))
    if measured <= SILENT_LUFS:
        raise AudioError(
            "A chapter is silent (loudness below -70 LUFS): the speech engine produced "
            "no audible speech; try another engine or voice."
        )
    samples = pcm.astype(np.float64) / 32768.0
    unlimited_db = target_lufs - measured  # exact without limiting: loudness scales with gain
    energy = float(np.dot(samples, samples))
    limiter = _Limiter(samples, sample_rate, ceiling_dbtp, most_gain_db=unlimited_db + 2.0)

    def predicted_lufs(gain_db: float) -> float:
        """Loudness after gain and limiting, with the limiter's energy loss estimated."""
        gain = _from_db(gain_db)
        near, curve = limiter.gain_curve(gain)
        touched = samples[near] * gain
        lost = float(np.dot(touched, touched * (1.0 - curve**2)))
        return measured + gain_db + 10.0 * math.log10(max(1e-9, 1.0 - lost / (gain**2 * energy)))

    aim = target_lufs
    best: tuple[float, npt.NDArray[np.int16]] | None = None
    for _ in range(_MAX_ADJUSTMENTS):
        gain_db = _solve_increasing(predicted_lufs, aim, unlimited_db, limiter.most_gain_db)
        if gain_db >= limiter.most_gain_db and limiter.most_gain_db < unlimited_db + 6.0:
            # Heavy limiting needs more make-up than the peaks were mapped for
            # (2 dB covers Piper speech: it needs about 0.3 dB).
            limiter = _Limiter(samples, sample_rate, ceiling_dbtp, most_gain_db=unlimited_db + 6.0)
            gain_db = _solve_increasing(predicted_lufs, aim, unlimited_db, limiter.most_gain_db)
        result = _to_int16(limiter.apply(gain_db))
        loudness = ffmpeg.integrated_loudness(_clip(result, sample_rate))
        error = loudness - target_lufs
        if best is None or abs(error) < best[0]:
            best = (abs(error), result)
        if abs(error) <= LOUDNESS_TOLERANCE_LU:
            break
        aim -= error  # what the energy estimate missed (K-weighting, gating)
    assert best is not None
    if best[0] > 0.5:
        raise AudioError(
            f"Could not bring a chapter to {target_lufs} LUFS with true peaks under "
            f"{ceiling_dbtp} dBTP (still {best[0]:.1f} LU off): its speech is too uneven; "
            "check the engine's output."
        )
    return best[1]


def true_peak_dbtp(samples: npt.NDArray[np.float64]) -> float:
    """Estimated true peak of `samples` (floats, full scale 1.0) in dBTP, 4x oversampled."""
    _, peaks = _oversampled_peaks(samples, floor=0.0)
    peak = float(peaks.max(initial=0.0))
    return 20.0 * math.log10(peak) if peak > 0 else -math.inf


def limit_true_peak(
    samples: npt.NDArray[np.float64], sample_rate: int, ceiling_dbtp: float
) -> npt.NDArray[np.float64]:
    """`samples` with true peaks pulled down to `ceiling_dbtp` by a smooth look-ahead gain curve.

    Returns a copy, unchanged when no peak is above the ceiling.
    """
    return _Limiter(samples, sample_rate, ceiling_dbtp, most_gain_db=0.0).apply(0.0)


class _Limiter:
    """A look-ahead true-peak limiter over one chapter's samples, at any gain.

    The gain each sample needs (ceiling / its true peak) is held for
    LIMITER_RAMP_MS either side, then averaged over the same span. The
    average of values that are each no higher than a peak's need is no higher
    than that need, so every peak is honoured; and the gain moves in ~20 ms
    ramps, not sample by sample, so speech is not distorted.

    Peaks scale with gain, so they are found once, and only where they could
    reach the ceiling at the highest gain allowed: everything else is sparse.
    """

    def __init__(
        self,
        samples: npt.NDArray[np.float64],
        sample_rate: int,
        ceiling_dbtp: float,
        *,
        most_gain_db: float,
    ) -> None:
        self.samples = samples
        self.ceiling = _from_db(ceiling_dbtp)
        self.half = max(1, sample_rate * LIMITER_RAMP_MS // 1000)
        self.most_gain_db = most_gain_db
        floor = self.ceiling / _from_db(self.most_gain_db)
        self.index, self.peaks = _oversampled_peaks(samples, floor=floor)

    def gain_curve(self, gain: float) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """The samples whose gain the limiter lowers at linear `gain`, and that extra gain."""
        over = self.peaks * gain > self.ceiling
        if not over.any():
            return np.empty(0, dtype=np.intp), np.empty(0)
        loud = self.index[over]
        need = self.ceiling / (self.peaks[over] * gain)
        # Stretches of 2 * half either side of the loud samples, joined end to
        # end: each starts and ends with 2 * half samples that need nothing, so
        # the windows never carry one stretch's reduction into the next.
        reach = 2 * self.half
        breaks = np.flatnonzero(np.diff(loud) > 2 * reach) + 1
        starts = np.maximum(loud[np.r_[0, breaks]] - reach, 0)
        ends = np.minimum(loud[np.r_[breaks - 1, len(loud) - 1]] + reach + 1, len(self.samples))
        lengths = ends - starts
        offsets = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
        near = offsets + np.arange(int(lengths.sum()))
        needs = np.ones(len(near))
        needs[np.searchsorted(near, loud)] = need
        curve = _moving_average(_sliding_min(needs, self.half), self.half)
        return near, curve

    def apply(self, gain_db: float) -> npt.NDArray[np.float64]:
        """The samples with `gain_db` of gain and the limiter's curve applied."""
        gain = _from_db(gain_db)
        near, curve = self.gain_curve(gain)
        result = self.samples * gain
        result[near] *= curve
        return result


def _solve_increasing(
    function: Callable[[float], float], aim: float, low: float, high: float
) -> float:
    """x in [low, high] where the increasing `function` reaches `aim`, within 0.005.

    Regula falsi with the Illinois step: `function` is smooth and nearly
    linear here, so three or four evaluations suffice.
    """
    below = function(low) - aim
    if below >= 0:
        return low
    above = function(high) - aim
    if above <= 0:
        return high
    side = 0
    guess = low
    for _ in range(40):
        guess = (low * above - high * below) / (above - below)
        value = function(guess) - aim
        if abs(value) <= 0.005:
            break
        if value < 0:
            low, below = guess, value
            if side == -1:
                above /= 2
            side = -1
        else:
            high, above = guess, value
            if side == 1:
                below /= 2
            side = 1
    return guess


_TAPS = 16
_OFFSETS = np.arange(-_TAPS, _TAPS + 1)
# Kaiser-windowed sinc interpolators for the points 1/4, 2/4 and 3/4 of a
# sample after each sample: value(n + phase) = sum_j x[n - j] * sinc(phase + j).
# 4x oversampling is how BS.1770-4 (annex 2) estimates true peaks.
_KERNELS = np.stack(
    [np.sinc(phase + _OFFSETS) * np.kaiser(len(_OFFSETS), 8.0) for phase in (0.25, 0.5, 0.75)]
)
_CHUNK = 65_536


def _oversampled_peaks(
    samples: npt.NDArray[np.float64], floor: float
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """Samples whose 4x-oversampled peak (at it or the three points after it) exceeds `floor`.

    Only samples next to one above `floor / 2` are interpolated: between two
    samples 6 dB under the floor, speech does not peak above it. Returns the
    indices and their peaks.
    """
    magnitude = np.abs(samples)
    loud = magnitude > floor / 2
    loud[:-1] |= loud[1:]  # n and n + 1 bracket the points between them
    index = np.flatnonzero(loud)
    peaks = magnitude[index]
    padded = np.concatenate([np.zeros(_TAPS), samples, np.zeros(_TAPS)])
    for begin in range(0, len(index), _CHUNK):
        part = index[begin : begin + _CHUNK]
        # Row i holds x[n - j] for j = -TAPS..TAPS around n = part[i].
        windows = padded[part[:, None] + _TAPS - _OFFSETS]
        interpolated = np.abs(windows @ _KERNELS.T).max(axis=1)
        peaks[begin : begin + _CHUNK] = np.maximum(peaks[begin : begin + _CHUNK], interpolated)
    keep = peaks > floor
    return index[keep], peaks[keep]


def _sliding_min(values: npt.NDArray[np.float64], half: int) -> npt.NDArray[np.float64]:
    """Minimum over [i - half, i + half] for each i, edges padded with 1 (van Herk, O(n))."""
    width = 2 * half + 1
    padded = np.concatenate([np.ones(half), values, np.ones(half)])
    extra = -len(padded) % width
    blocks = np.concatenate([padded, np.ones(extra)]).reshape(-1, width)
    prefix = np.minimum.accumulate(blocks, axis=1).ravel()
    suffix = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    count = len(values)
    return np.asarray(np.minimum(suffix[:count], prefix[width - 1 : width - 1 + count]))


def _moving_average(values: npt.NDArray[np.float64], half: int) -> npt.NDArray[np.float64]:
    """Mean over [i - half, i + half] for each i, edges padded with 1 (no reduction)."""
    width = 2 * half + 1
    padded = np.concatenate([np.ones(half), values, np.ones(half)])
    sums = np.concatenate([[0.0], np.cumsum(padded)])
    return np.asarray((sums[width:] - sums[:-width]) / width)


# --------------------------------------------------------------------------
# samples
# --------------------------------------------------------------------------


def _to_int16(samples: npt.NDArray[np.float64]) -> npt.NDArray[np.int16]:
    """Round floats (full scale 1.0) to 16-bit samples, clipping what does not fit."""
    scaled = samples * 32768.0
    np.rint(scaled, out=scaled)
    np.clip(scaled, -32768, 32767, out=scaled)
    return scaled.astype(np.int16)


def _clip(samples: npt.NDArray[np.int16], sample_rate: int) -> Clip:
    """Wrap 16-bit samples as a Clip."""
    return Clip(samples.astype("<i2", copy=False).tobytes(), sample_rate)


def _silence(ms: int, sample_rate: int) -> npt.NDArray[np.int16]:
    """`ms` milliseconds of silence (rounded to the nearest sample)."""
    return np.zeros(round(ms * sample_rate / 1000), dtype=np.int16)


def _faded(clip: Clip, sample_rate: int) -> npt.NDArray[np.int16]:
    """The clip's samples with a raised-cosine fade in and out of FADE_MS (shorter if tiny)."""
    samples = np.frombuffer(clip.pcm, dtype="<i2").astype(np.int16)
    length = min(sample_rate * FADE_MS // 1000, len(samples) // 2)
    if length == 0:
        return samples
    ramp = 0.5 - 0.5 * np.cos(np.pi * (np.arange(length) + 0.5) / length)
    samples[:length] = np.rint(samples[:length] * ramp)
    samples[len(samples) - length :] = np.rint(samples[len(samples) - length :] * ramp[::-1])
    return samples


def _from_db(db: float) -> float:
    """Amplitude ratio of `db` decibels."""
    return float(10.0 ** (db / 20.0))
