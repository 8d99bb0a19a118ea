"""The listening check (issue 6): hear a built bundle and refuse one that does not say
what its narration says.

    report = check_bundle(Path("audio_out/dystonia-and-mental-health"))
    print(report.render_text(), file=sys.stderr)
    sys.exit(0 if report.passed else 1)

For each chapter file: decode, measure loudness, true peak, silences and
clipping; recognise the speech (faster-whisper tiny.en, offline); align it with
the narration's sentences (the manifest's cues) after normalising both sides;
fail on a missing or changed digit, negation or lexicon word, on a sentence
mostly not heard, on a word error rate above the threshold, and on a chapter
that does not announce itself. For the bundle: checksums, the whole file's
chapter markers and audio against the chapter files, the introduction's list
of sections, and the feed's enclosures.

Where the first listening misses a digit, a negation, a lexicon word, a
sentence or an announcement, that sentence is heard again, carefully and on
its own; only what is missed twice fails (tiny.en writes "seven seven nine
three" as "773" one time in three, but digit by digit when asked). A stretch
of sound Whisper skipped, or where it repeated itself, is heard again too.

Measured on the seed leaflet (about 580 s of audio, 8 chapters) on this
2-core machine shared with other work: building with Piper took 110 to 170 s
(96 to 126 s of CPU), the check 46 to 106 s (59 to 69 s of CPU), about half;
a re-check of unchanged audio 9 s (transcripts are cached by audio checksum).
With espeak-ng the build takes 21 s and the check about 50 s.
"""

from audio_leaflet.check.recognise import Recogniser, WhisperRecogniser, Word, default_recogniser
from audio_leaflet.check.report import (
    ChapterResult,
    CheckReport,
    Problem,
    ProblemKind,
    Severity,
    Thresholds,
    WordDifference,
    check_overrides,
    threshold_keys,
    thresholds_for,
)
from audio_leaflet.check.run import Progress, builtin_lexicon_words, check_bundle

__all__ = [
    "ChapterResult",
    "CheckReport",
    "Problem",
    "ProblemKind",
    "Progress",
    "Recogniser",
    "Severity",
    "Thresholds",
    "WhisperRecogniser",
    "Word",
    "WordDifference",
    "builtin_lexicon_words",
    "check_bundle",
    "check_overrides",
    "default_recogniser",
    "threshold_keys",
    "thresholds_for",
]
