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

Limits depend on the engine the manifest names (`thresholds_for`), and staff
may change them in a `[check]` table of audio-leaflet.toml (`check_overrides`).
Measured with `audio-leaflet build --no-check` then `check_bundle` with no
transcript cache, on this 2-core machine shared with other work:

| leaflet, engine | word error rate per chapter | build | check |
|---|---|---|---|
| seed, Piper (585 s) | 0.01 to 0.09 | 113 s | 40 to 70 s |
| sample, Piper (299 s) | 0.02 to 0.10 | 63 s | 20 to 29 s |
| seed, espeak-ng (578 s) | 0.08 to 0.22 | 13 s | 48 to 97 s |
| sample, espeak-ng (295 s) | 0.10 to 0.35 | 11 s | 37 to 66 s |

Three espeak-ng builds gave the same figures. Every sentence of every build
was heard on the first or second listening. tiny.en never hears espeak-ng's
"botulinum" (spoken as the lexicon says, "your item"): for espeak-ng a
lexicon word heard as other words is a warning (`Thresholds.lexicon_misheard_fails`);
digits and negations fail with every engine. A re-check of unchanged audio
takes about 9 s (transcripts are cached by audio checksum).
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
from audio_leaflet.check.run import builtin_lexicon_words, check_bundle

__all__ = [
    "ChapterResult",
    "CheckReport",
    "Problem",
    "ProblemKind",
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
