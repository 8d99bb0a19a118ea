"""Which sentences a build should say again, from the findings of a failed check.

Piper's takes of one sentence differ a little, and tiny.en sometimes mishears
one take ("fifteen" as "fifty") and hears the next. When every error of a
refused bundle is in speech and sits at a sentence, the build says those
sentences again before refusing (`audio_leaflet.pipeline`).
"""

from __future__ import annotations

from audio_leaflet.check.report import CheckReport
from audio_leaflet.manifest import Manifest, ManifestCue

# Problems the check places at one sentence, which a new take may cure.
# The introduction naming a section is placed at the sentence that names it.
_SENTENCE_PROBLEMS = frozenset(
    {"number", "negation", "lexicon-word", "sentence", "announcement", "introduction"}
)
# A chapter's word error rate may be high because of those same sentences.
_SPEECH_PROBLEMS = _SENTENCE_PROBLEMS | {"word-errors"}
# How far from a sentence's span a finding may be and still be that sentence's.
_NEAR_MS = 1000


def unclear_sentences(report: CheckReport, manifest: Manifest | None) -> dict[str, str]:
    """The sentences (cache key -> text) at which the check found a speech error.

    Empty, so the bundle is refused at once, unless every error is in speech
    and every failing chapter has a sentence to say again: loudness, silence
    or structure, or a chapter far from its text with no sentence to blame,
    would not be cured by a new take.
    """
    if manifest is None or any(p.kind.value not in _SPEECH_PROBLEMS for p in report.errors):
        return {}
    cues_of = {c.number: c.cues for c in manifest.chapters}
    unclear: dict[str, str] = {}
    blamed: set[int | None] = set()
    for problem in report.errors:
        cues = cues_of.get(problem.chapter) if problem.chapter is not None else None
        if problem.kind.value not in _SENTENCE_PROBLEMS or not cues or problem.time_s is None:
            continue
        at_ms = problem.time_s * 1000
        nearest = min(cues, key=lambda cue: ms_away(cue, at_ms))
        if ms_away(nearest, at_ms) <= _NEAR_MS:
            unclear[nearest.key] = nearest.text
            blamed.add(problem.chapter)
    if {p.chapter for p in report.errors} - blamed:
        return {}
    return unclear


def ms_away(cue: ManifestCue, at_ms: float) -> float:
    """How far `at_ms` is from a cue's span (0 inside it)."""
    return max(cue.start_ms - at_ms, at_ms - cue.end_ms, 0.0)
