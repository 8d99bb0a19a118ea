"""Does a chapter say what its narration says? Word error rate, critical words,
the chapter's announcement, and the introduction's list of sections.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from audio_leaflet.check.align import Alignment, Edit, Step, align
from audio_leaflet.check.audio_checks import FileContext
from audio_leaflet.check.recognise import Word
from audio_leaflet.check.report import (
    Problem,
    ProblemKind,
    Severity,
    Thresholds,
    WordDifference,
    mmss,
)
from audio_leaflet.check.words import (
    NEGATIONS,
    Token,
    is_number,
    normalise,
    normalise_words,
    same_sound,
    sound_key,
)
from audio_leaflet.model import Cue


@dataclass(frozen=True)
class Expected:
    """A chapter's narration as canonical tokens, each knowing its sentence."""

    tokens: tuple[Token, ...]
    """Canonical tokens of all sentences in order."""
    cue_of: tuple[int, ...]
    """Index into `cues` of each token's sentence."""
    cues: tuple[Cue, ...]
    """The sentences and their times in the chapter file."""


def expected_tokens(cues: Sequence[Cue]) -> Expected:
    """Tokens of the narrated sentences, in order."""
    tokens: list[Token] = []
    cue_of: list[int] = []
    for index, cue in enumerate(cues):
        sentence = normalise_words(cue.text.split())
        tokens.extend(sentence)
        cue_of.extend([index] * len(sentence))
    return Expected(tuple(tokens), tuple(cue_of), tuple(cues))


@dataclass(frozen=True)
class Heard:
    """What the recogniser heard as canonical tokens, each knowing its time."""

    tokens: tuple[Token, ...]
    """Canonical tokens in order; `origin` indexes `words`."""
    words: tuple[Word, ...]
    """The recogniser's words."""

    def start(self, index: int) -> float:
        """When token `index` starts."""
        return self.words[self.tokens[index].origin].start_s

    def end(self, index: int) -> float:
        """When token `index` ends."""
        return self.words[self.tokens[index].origin].end_s

    def text(self, start: int, end: int) -> str:
        """The recogniser's words behind tokens[start:end], as written."""
        origins = dict.fromkeys(t.origin for t in self.tokens[start:end])
        return " ".join(self.words[o].text.strip(".,;:!?-") for o in origins)


def heard_tokens(words: Sequence[Word]) -> Heard:
    """Canonical tokens of recognised words."""
    return Heard(tuple(normalise_words([w.text for w in words])), tuple(words))


def lexicon_tokens(words: Sequence[str]) -> frozenset[str]:
    """Canonical single tokens of lexicon entries (a phrase gives each of its words)."""
    return frozenset(t for word in words for t in normalise(word) if not is_number(t))


def _lexicon_word(text: str, lexicon: frozenset[str]) -> bool:
    """True for a lexicon word, its plural or its possessive ("anxiolytics", "torticolliss")."""
    if text in lexicon:
        return True
    return any(text.endswith(end) and text[: -len(end)] in lexicon for end in ("s", "es"))


def _critical_kind(text: str, lexicon: frozenset[str]) -> ProblemKind | None:
    if is_number(text):
        return ProblemKind.NUMBER
    if text in NEGATIONS:
        return ProblemKind.NEGATION
    if _lexicon_word(text, lexicon):
        return ProblemKind.LEXICON_WORD
    return None


@dataclass(frozen=True)
class SpeechResult:
    """What comparing a chapter's speech with its narration found."""

    word_error_rate: float
    """Errors per expected canonical word."""
    words_expected: int
    """Expected canonical words."""
    words_heard: int
    """Heard canonical words."""
    critical_words: int
    """Digits, negations and lexicon words in the narration (announcements left out)."""
    differences: tuple[WordDifference, ...]
    """Stretches heard differently."""
    problems: tuple[Problem, ...]
    """Failures."""
    heard: Heard
    """The heard tokens (for the announcement and introduction checks)."""


class _Timeline:
    """Times for expected tokens, from the heard words around them."""

    def __init__(self, alignment: Alignment, expected: Expected, heard: Heard) -> None:
        self.expected = expected
        self.heard = heard
        # For each expected token, the heard token it lines up with, or the
        # nearest heard token before / after it.
        self.before: list[int | None] = [None] * len(expected.tokens)
        self.after: list[int | None] = [None] * len(expected.tokens)
        last: int | None = None
        for step in alignment.steps:
            if step.hyp_end > step.hyp_start:
                last = step.hyp_end - 1
            for i in range(step.ref_start, step.ref_end):
                self.before[i] = step.hyp_start if step.hyp_end > step.hyp_start else last
        following: int | None = None
        for step in reversed(alignment.steps):
            if step.hyp_end > step.hyp_start:
                following = step.hyp_start
            for i in range(step.ref_start, step.ref_end):
                self.after[i] = step.hyp_start if step.hyp_end > step.hyp_start else following

    def time_of(self, step: Step) -> float:
        """When a step is heard, or where a missing word should have been."""
        if step.hyp_end > step.hyp_start:
            return self.heard.start(step.hyp_start)
        index = step.ref_start
        before = self.before[index] if index < len(self.before) else None
        after = self.after[index] if index < len(self.after) else None
        if before is not None and after is not None and after > before:
            return (self.heard.end(before) + self.heard.start(after)) / 2
        if before is not None:
            return self.heard.end(before)
        if after is not None:
            return self.heard.start(after)
        if index < len(self.expected.tokens):
            return self.expected.cues[self.expected.cue_of[index]].start_ms / 1000
        return 0.0


def _regions(alignment: Alignment) -> list[list[Step]]:
    """Runs of consecutive non-matching steps."""
    regions: list[list[Step]] = []
    current: list[Step] = []
    for step in alignment.steps:
        if step.edit is Edit.MATCH:
            if current:
                regions.append(current)
                current = []
        else:
            current.append(step)
    if current:
        regions.append(current)
    return regions


def _sources(tokens: Sequence[Token]) -> str:
    """The written words behind tokens, each once ("twenty-four" gives "2" and "4")."""
    words: list[str] = []
    previous: Token | None = None
    for token in tokens:
        if previous is None or (token.origin, token.source) != (previous.origin, previous.source):
            words.append(token.source.strip(_PUNCTUATION))
        previous = token
    return " ".join(w for w in words if w)


_PUNCTUATION = " .,;:!?\"'()"


def similarity(word: str, heard: str) -> float:
    """How alike a lexicon word and a heard spelling are, 0 to 1.

    The better of spelling similarity and the similarity of consonant
    skeletons ("botulinum" / "bachelonum": 0.53 by spelling, 0.8 by sound);
    skeletons under three letters say too little to count.
    """
    spelling = difflib.SequenceMatcher(None, word, heard).ratio()
    wanted, got = sound_key(word), sound_key(heard)
    if len(wanted) < 3 or len(got) < 3:
        return spelling
    return max(spelling, difflib.SequenceMatcher(None, wanted, got).ratio())


def _similarity(word: str, candidates: Sequence[str]) -> float:
    """Best similarity of `word` with one to three consecutive candidates joined."""
    best = 0.0
    for start in range(len(candidates)):
        for end in range(start + 1, min(start + 3, len(candidates)) + 1):
            best = max(best, similarity(word, "".join(candidates[start:end])))
    return best


def _word_error_rate(
    alignment: Alignment,
    expected: Expected,
    heard: Heard,
    lexicon: frozenset[str],
    thresholds: Thresholds,
) -> float:
    """The alignment's word error rate, a lexicon word heard alike not counted an error.

    The critical check takes a lexicon word spelt the recogniser's way as heard
    ("Lyflex" heard "lifelex"); counting it an error here would refuse a short
    chapter of brand names that the voice said right.
    """
    if alignment.expected_count == 0:
        return alignment.word_error_rate
    alike = 0
    for region in _regions(alignment):
        hyp_texts = [t.text for t in heard.tokens[region[0].hyp_start : region[-1].hyp_end]]
        alike += sum(
            1
            for step in region
            if step.edit is Edit.CHANGED
            and _lexicon_word(expected.tokens[step.ref_start].text, lexicon)
            and _similarity(expected.tokens[step.ref_start].text, hyp_texts)
            >= thresholds.min_lexicon_similarity
        )
    return (alignment.errors - alike) / alignment.expected_count


def check_speech(
    where: FileContext,
    cues: Sequence[Cue],
    words: Sequence[Word],
    *,
    lexicon: frozenset[str],
    thresholds: Thresholds,
    relisten: Relisten | None = None,
) -> SpeechResult:
    """Align the chapter's narration with what was heard and judge the differences.

    `relisten` hears one sentence again (see `_critical_problems`); without it
    the first listening decides.
    """
    expected = expected_tokens(cues)
    heard = heard_tokens(words)
    alignment = align([t.text for t in expected.tokens], [t.text for t in heard.tokens])
    timeline = _Timeline(alignment, expected, heard)
    problems: list[Problem] = []
    differences: list[WordDifference] = []

    regions = _regions(alignment)
    for region in regions:
        ref = [t for s in region for t in expected.tokens[s.ref_start : s.ref_end]]
        hyp_start, hyp_end = region[0].hyp_start, region[-1].hyp_end
        edit = Edit.MISSING if hyp_end == hyp_start else Edit.ADDED if not ref else Edit.CHANGED
        differences.append(
            WordDifference(
                edit.value,
                _sources(ref),
                heard.text(hyp_start, hyp_end),
                timeline.time_of(region[0]),
            )
        )

    wer = _word_error_rate(alignment, expected, heard, lexicon, thresholds)
    if wer > thresholds.max_word_error_rate:
        # The chapter as a whole is wrong (another chapter's audio, cut short,
        # silent): name the largest stretch instead of every word in it.
        worst = max(differences, key=lambda d: len(d.expected.split()) + len(d.heard.split()))
        problems.append(
            where.problem(
                ProblemKind.WORD_ERRORS,
                f"the audio does not say what the narration says: word error rate {wer:.2f} "
                f"is above {thresholds.max_word_error_rate:.2f}; the largest difference is at "
                f"{mmss(worst.time_s)}",
                time_s=worst.time_s,
                expected=_shorten(worst.expected),
                heard=_shorten(worst.heard) or "(nothing)",
            )
        )
    else:
        problems += _sentence_problems(
            where, alignment, expected, heard, lexicon, thresholds, relisten
        )
    # Numbers, negations and lexicon words are named even in a chapter a little
    # over the limit: a short contact chapter can go over it on one misheard
    # phone number, and the build says that sentence again. A chapter further
    # off is wrong as a whole (swapped, cut, silent); listing its every digit
    # would bury that.
    if wer <= _NAME_CRITICAL_UP_TO * thresholds.max_word_error_rate:
        problems += _critical_problems(
            where, regions, expected, heard, timeline, lexicon, thresholds, relisten
        )
    announcements = {i for i, cue in enumerate(expected.cues) if is_announcement(cue.text)}
    critical = sum(
        1
        for token, cue in zip(expected.tokens, expected.cue_of, strict=True)
        if cue not in announcements and _critical_kind(token.text, lexicon) is not None
    )
    return SpeechResult(
        word_error_rate=wer,
        words_expected=len(expected.tokens),
        words_heard=len(heard.tokens),
        critical_words=critical,
        differences=tuple(differences),
        problems=tuple(problems),
        heard=heard,
    )


_NAME_CRITICAL_UP_TO = 2.0
"""Up to this many times the word error rate limit, critical words are still named."""

Relisten = Callable[[Cue], Sequence[Word]]
"""Hear one sentence again, carefully and on its own (times relative to the chapter)."""


_ANNOUNCEMENT = re.compile(r"^(section (\d )+of \d|end of section|end of leaflet)\b")


def is_announcement(sentence: str) -> bool:
    """True for "Section 3 of 8. <title>." and "End of section 3." / "End of leaflet."

    Their numbers are navigation, checked by `announcement_problems`, not
    leaflet content: espeak-ng's "of eight" is heard as "made".
    """
    return bool(_ANNOUNCEMENT.match(" ".join(normalise(sentence))))


_Failure = tuple[Step, Token | None, tuple[int, int]]
"""A critical word's step, its token (None when added), and the heard tokens
(start, end) of the whole stretch heard differently around it."""
_Failures = dict[tuple[int, ProblemKind], list[_Failure]]
"""Critical words per (sentence, kind)."""


def _critical_failures(
    regions: Sequence[Sequence[Step]],
    expected: Expected,
    heard: Heard,
    lexicon: frozenset[str],
    thresholds: Thresholds,
) -> _Failures:
    """Critical words missing or changed (with their token) and added (token None),
    per sentence and kind; announcements left out."""
    failures: _Failures = {}
    skipped = {i for i, cue in enumerate(expected.cues) if is_announcement(cue.text)}
    for region in regions:
        span = (region[0].hyp_start, region[-1].hyp_end)
        hyp_texts = [t.text for t in heard.tokens[span[0] : span[1]]]
        for step in region:
            for index in range(step.ref_start, step.ref_end):
                token = expected.tokens[index]
                kind = _critical_kind(token.text, lexicon)
                if kind is None or expected.cue_of[index] in skipped:
                    continue
                if kind is ProblemKind.LEXICON_WORD and (
                    _similarity(token.text, hyp_texts) >= thresholds.min_lexicon_similarity
                ):
                    continue  # heard, spelt the recogniser's way ("Estonia")
                failures.setdefault((expected.cue_of[index], kind), []).append((step, token, span))
            if step.edit is Edit.ADDED:
                added = heard.tokens[step.hyp_start].text
                if is_number(added) or added in NEGATIONS:
                    kind = ProblemKind.NUMBER if is_number(added) else ProblemKind.NEGATION
                    cue = _cue_near(expected, step.ref_start)
                    if cue not in skipped:
                        failures.setdefault((cue, kind), []).append((step, None, span))
    return failures


def _heard_share(
    alignment: Alignment,
    expected: Expected,
    lexicon: frozenset[str] = frozenset(),
    thresholds: Thresholds | None = None,
) -> list[float]:
    """Per sentence, the share of its tokens heard as written.

    Where `thresholds` excuse misheard lexicon words (espeak-ng), a lexicon word
    heard as some other word counts as heard: the voice said something there.
    """
    excuse = thresholds is not None and not thresholds.lexicon_misheard_fails
    count = len(expected.cues)
    matched = [0] * count
    total = [0] * count
    for index in expected.cue_of:
        total[index] += 1
    for step in alignment.steps:
        for index in range(step.ref_start, step.ref_end):
            if step.edit is Edit.MATCH or (
                excuse
                and step.edit is Edit.CHANGED
                and _lexicon_word(expected.tokens[index].text, lexicon)
            ):
                matched[expected.cue_of[index]] += 1
    return [m / t if t else 1.0 for m, t in zip(matched, total, strict=True)]


_SHORT_SENTENCE = 4
"""Sentences with fewer canonical words are not judged on their own."""


def _sentence_problems(
    where: FileContext,
    alignment: Alignment,
    expected: Expected,
    heard: Heard,
    lexicon: frozenset[str],
    thresholds: Thresholds,
    relisten: Relisten | None,
) -> list[Problem]:
    """Sentences mostly not heard: a voice dropped or truncated them.

    One dropped sentence in a long chapter barely moves the word error rate,
    so each sentence is judged on its own (after a second listening).
    """
    shares = _heard_share(alignment, expected, lexicon, thresholds)
    sizes = [expected.cue_of.count(i) for i in range(len(expected.cues))]
    problems = []
    for index, (cue, share) in enumerate(zip(expected.cues, shares, strict=True)):
        if share >= thresholds.min_sentence_heard or sizes[index] < _SHORT_SENTENCE:
            continue
        if is_announcement(cue.text):
            continue  # judged by announcement_problems
        time_s = cue.start_ms / 1000  # where the sentence should be
        heard_text = _heard_between(heard, cue.start_ms / 1000, cue.end_ms / 1000)
        severity = Severity.ERROR
        message = (
            f'only {share:.0%} of the sentence "{cue.text}" was heard: the voice may have '
            "dropped or cut it short"
        )
        if relisten is not None:
            words = relisten(cue)
            again = expected_tokens([cue])
            second = heard_tokens(words)
            aligned = align([t.text for t in again.tokens], [t.text for t in second.tokens])
            share_again = _heard_share(aligned, again, lexicon, thresholds)[0]
            heard_text += f" / second listening: {' '.join(w.text for w in words) or '(nothing)'}"
            if share_again >= thresholds.min_sentence_heard:
                severity = Severity.WARNING
                message = (
                    f'the sentence "{cue.text}" was heard only on a second, careful listening '
                    "to it alone"
                )
        problems.append(
            where.problem(
                ProblemKind.SENTENCE,
                message,
                time_s=time_s,
                expected=cue.text,
                heard=heard_text,
                severity=severity,
            )
        )
    return problems


@dataclass(frozen=True)
class _Described:
    """Critical words that failed, and what was heard in their place."""

    wanted: str
    """The narration's words."""
    heard: str
    """What was heard instead ("(nothing)")."""
    replaced: bool
    """True when every one of them was heard as some other word, none simply missing."""


def _described(items: list[_Failure], heard: Heard) -> _Described:
    """The expected words of failures, and what was heard in their place (the whole
    stretch heard differently: "your item" for "botulinum", not just "item")."""
    wanted = [token for _, token, _ in items if token is not None]
    heard_parts = [
        heard.text(*span) for step, _, span in items if step.edit in (Edit.CHANGED, Edit.ADDED)
    ]
    replaced = bool(wanted) and all(
        step.edit is Edit.CHANGED for step, token, _ in items if token is not None
    )
    return _Described(
        _sources(wanted), " ".join(dict.fromkeys(heard_parts)) or "(nothing)", replaced
    )


def _second_failures(
    cue: Cue, words: Sequence[Word], lexicon: frozenset[str], thresholds: Thresholds
) -> dict[ProblemKind, _Described]:
    """Critical words of `cue` still missing or changed in a second listening, per kind:
    what was expected and what was heard instead."""
    expected = expected_tokens([cue])
    heard = heard_tokens(words)
    alignment = align([t.text for t in expected.tokens], [t.text for t in heard.tokens])
    failures = _critical_failures(_regions(alignment), expected, heard, lexicon, thresholds)
    return {
        kind: _described(items, heard)
        for (_, kind), items in failures.items()
        if any(token is not None for _, token, _ in items)
    }


def _critical_problems(
    where: FileContext,
    regions: Sequence[Sequence[Step]],
    expected: Expected,
    heard: Heard,
    timeline: _Timeline,
    lexicon: frozenset[str],
    thresholds: Thresholds,
    relisten: Relisten | None,
) -> list[Problem]:
    """Digits, negations and lexicon words missing, changed or added.

    Gathered per sentence and kind, so a phone number said with a wrong digit
    is one problem naming every digit heard differently in it. A sentence
    whose critical word the first listening missed is heard again, carefully
    and on its own (`relisten`); only a word missed both times fails, and is
    described as the second listening heard it. A word a voice really dropped
    or changed is missed both times: the second listening is told nothing of
    what to expect.

    Where `thresholds.lexicon_misheard_fails` is False (espeak-ng), a lexicon
    word heard as other words both times is a warning: the recogniser does not
    know that voice's rendering of rare words (tiny.en writes espeak-ng's
    "botulinum" as "your item" however it is pronounced). One with nothing
    heard in its place still fails. So with such an engine a lexicon word the
    voice dropped is caught only when the words around it are heard right.
    """
    failures = _critical_failures(regions, expected, heard, lexicon, thresholds)
    second: dict[int, tuple[str, dict[ProblemKind, _Described]]] = {}
    problems = []
    for (cue_index, kind), items in sorted(failures.items(), key=lambda kv: kv[0][0]):
        cue = expected.cues[cue_index]
        noun = _NOUNS[kind]
        found = _described(items, heard)
        wanted, heard_text = found.wanted, found.heard
        if not wanted:
            message = f'a {noun} was heard that the narration does not say, near "{cue.text}"'
            severity = Severity.ERROR if thresholds.critical_added_fails else Severity.WARNING
        else:
            message = f'a {noun} is missing or heard differently in "{cue.text}"'
            severity = Severity.ERROR
            if relisten is not None:
                if cue_index not in second:
                    words = relisten(cue)
                    text = " ".join(w.text for w in words) or "(nothing)"
                    second[cue_index] = (text, _second_failures(cue, words, lexicon, thresholds))
                text, still = second[cue_index]
                if kind in still:
                    first = heard_text
                    found = still[kind]
                    wanted, heard_text = found.wanted, found.heard
                    heard_text += f" (first listening: {first}; second: {text})"
                else:
                    severity = Severity.WARNING
                    message = (
                        f'a {noun} in "{cue.text}" was heard only on a second, careful '
                        "listening to the sentence alone"
                    )
                    heard_text += f" / second listening: {text}"
            if (
                severity is Severity.ERROR
                and kind is ProblemKind.LEXICON_WORD
                and not thresholds.lexicon_misheard_fails
                and found.replaced
            ):
                severity = Severity.WARNING
                message = (
                    f'the lexicon word "{wanted}" in "{cue.text}" was heard as other words; '
                    "the recogniser often mishears this voice's rare words, so listen to it "
                    "to be sure it is said right"
                )
        problems.append(
            where.problem(
                kind,
                message,
                time_s=timeline.time_of(items[0][0]),
                expected=wanted,
                heard=heard_text,
                severity=severity,
            )
        )
    return problems


_NOUNS = {
    ProblemKind.NUMBER: "number",
    ProblemKind.NEGATION: "negation",
    ProblemKind.LEXICON_WORD: "lexicon word",
}


def _shorten(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + " ..."


def _cue_near(expected: Expected, ref_index: int) -> int:
    """The sentence an added word belongs to: the one of the expected word before it."""
    if not expected.cue_of:
        return 0
    return expected.cue_of[max(0, min(ref_index - 1, len(expected.cue_of) - 1))]


# --------------------------------------------------------------------------
# Announcements and the introduction
# --------------------------------------------------------------------------


def announcement_problems(
    where: FileContext,
    heard: Heard,
    *,
    number: int,
    total: int,
    duration_s: float,
    thresholds: Thresholds,
    cues: Sequence[Cue] = (),
    relisten: Relisten | None = None,
) -> list[Problem]:
    """ "Section N of M" heard at the start and "End of section N" / "End of leaflet" at the end.

    docs/formats.md: every chapter opens with "Section N of M. <title>." and ends
    with "End of section N." (the last with "End of leaflet."). A chapter
    whose file holds another chapter's audio, or only half of its own, fails.
    When the first listening misses a phrase, the first (or last) sentence is
    heard again on its own with `relisten`.
    """
    window = thresholds.announcement_window_s
    texts = [t.text for t in heard.tokens]
    opening = [t for i, t in enumerate(texts) if heard.start(i) <= window]
    start_phrase = ["section", *str(number)]
    opened_at = _find(opening, start_phrase)
    problems = []
    if opened_at < 0:
        problems.append(
            _announcement(
                where,
                f'the chapter does not start by saying "Section {number} of {total}" '
                f"within {window:g} s",
                expected=f"Section {number} of {total}",
                heard=_heard_between(heard, 0.0, window),
                time_s=0.0,
                second=_second_listening(cues[0] if cues else None, start_phrase, relisten),
            )
        )
    # tiny.en often writes Piper's "End" as "and", so the ending is found by
    # "section N" (or "leaflet") heard near the end, after the opening words.
    after_opening = opened_at + len(start_phrase) if opened_at >= 0 else 0
    closing = [
        t for i, t in enumerate(texts) if i >= after_opening and heard.end(i) >= duration_s - window
    ]
    end_phrase = [_LEAFLET] if number == total else start_phrase
    if _find(closing, end_phrase) < 0:
        said = "End of leaflet" if number == total else f"End of section {number}"
        last_cue = cues[-1] if cues and cues[-1].end_ms / 1000 >= duration_s - window else None
        problems.append(
            _announcement(
                where,
                f'the chapter does not end by saying "{said}" (cut short?)',
                expected=said,
                heard=_heard_between(heard, duration_s - window, duration_s),
                time_s=max(0.0, duration_s - window),
                second=_second_listening(last_cue, end_phrase, relisten),
            )
        )
    return problems


def _second_listening(
    cue: Cue | None, phrase: Sequence[str], relisten: Relisten | None
) -> tuple[str, bool] | None:
    """What a careful listening to `cue` heard, and whether it holds `phrase`."""
    if cue is None or relisten is None:
        return None
    words = relisten(cue)
    tokens = [t.text for t in heard_tokens(words).tokens]
    return " ".join(w.text for w in words), _find(tokens, phrase) >= 0


_LEAFLET = "leaflet"
# How many of the last words heard may hold "End of leaflet" heard loosely.
_END_OF_LEAFLET_REACH = 5


def _find(tokens: Sequence[str], phrase: Sequence[str]) -> int:
    """Index of the first occurrence of `phrase` in `tokens` (homophones allowed), or -1.

    The last chapter's ending "leaflet" is also found as tiny.en writes
    espeak-ng's "End of leaflet" ("And don't leave it", "And I'll leave it"):
    "end" or "and" among the last words heard, and the last one or two words
    sounding like "leaflet" (`similarity`). Only at the very end, where nothing
    but the closing sentence is said, so "and left" in the text cannot count.
    """
    for start in range(len(tokens) - len(phrase) + 1):
        if all(same_sound(p, tokens[start + k]) for k, p in enumerate(phrase)):
            return start
    if list(phrase) == [_LEAFLET]:
        tail = list(tokens[-_END_OF_LEAFLET_REACH:])
        said_end = any(token in ("end", "and") for token in tail[:-1])
        for size in (1, 2):
            last = tail[-size:] if len(tail) > size else []
            if said_end and last and similarity(_LEAFLET, "".join(last)) >= _LEAFLET_ALIKE:
                return len(tokens) - size
    return -1


_LEAFLET_ALIKE = 0.75
"""Similarity at which heard words count as "leaflet" at the end ("leave it": 0.86)."""


def _announcement(
    where: FileContext,
    message: str,
    *,
    expected: str,
    heard: str,
    time_s: float,
    second: tuple[str, bool] | None,
) -> Problem:
    severity = Severity.ERROR
    if second is not None:
        heard += f" / second listening: {second[0] or '(nothing)'}"
        if second[1]:
            severity = Severity.WARNING
            message = (
                f'"{expected}" was heard only on a second, careful listening to the sentence alone'
            )
    return where.problem(
        ProblemKind.ANNOUNCEMENT,
        message,
        time_s=time_s,
        expected=expected,
        heard=heard,
        severity=severity,
    )


def _heard_between(heard: Heard, start_s: float, end_s: float) -> str:
    indices = [
        i for i in range(len(heard.tokens)) if heard.start(i) <= end_s and heard.end(i) >= start_s
    ]
    if not indices:
        return "(nothing)"
    return heard.text(indices[0], indices[-1] + 1)


def title_similarity(title: str, heard: Sequence[str]) -> float:
    """How closely (0 to 1, by spelling) the best stretch of `heard` matches `title`.

    Spelling rather than words, so a title heard split or joined differently
    ("Overview" as "over new") still counts.
    """
    wanted = normalise(title)
    if not wanted:
        return 1.0
    target = "".join(wanted)
    best = 0.0
    for width in range(max(1, len(wanted) - 1), len(wanted) + 3):
        for start in range(max(1, len(heard) - width + 1)):
            stretch = "".join(heard[start : start + width])
            best = max(best, difflib.SequenceMatcher(None, target, stretch).ratio())
            if best == 1.0:
                return best
    return best


def introduction_problems(
    where: FileContext,
    heard: Heard,
    *,
    titles: Sequence[str],
    thresholds: Thresholds,
    lexicon: frozenset[str] = frozenset(),
    cues: Sequence[Cue] = (),
    relisten: Relisten | None = None,
) -> list[Problem]:
    """The introduction must be heard to name the leaflet and every section.

    A title not heard in the whole chapter is listened for again in the
    sentence that names it, alone and carefully (`relisten`), as a missed
    number is; only a title missed twice is a problem. Each problem is placed
    at that sentence, so a build can say it again.

    A title holding a lexicon word is only a warning where misheard lexicon
    words are (`Thresholds.lexicon_misheard_fails`): espeak-ng's "What is
    botulinum toxin?" is heard "What is your item toxin?".
    """
    texts = [t.text for t in heard.tokens]
    problems = []
    for title in titles:
        alike = title_similarity(title, texts)
        naming = _cue_naming(title, cues)
        if alike < thresholds.min_title_similarity and naming and relisten is not None:
            again = [normalise(w.text) for w in relisten(naming)]
            alike = max(alike, title_similarity(title, [t for ts in again for t in ts]))
        if alike < thresholds.min_title_similarity:
            excused = not thresholds.lexicon_misheard_fails and any(
                _lexicon_word(token, lexicon) for token in normalise(title)
            )
            reason = (
                "; it holds a lexicon word, and the recogniser often mishears this voice's "
                "rare words"
            )
            problems.append(
                where.problem(
                    ProblemKind.INTRODUCTION,
                    f'the introduction is not heard to name "{title}" '
                    f"(the closest words heard are {alike:.0%} alike)"
                    f"{reason if excused else ''}",
                    expected=title,
                    heard="",
                    severity=Severity.WARNING if excused else Severity.ERROR,
                    time_s=naming.start_ms / 1000 if naming else None,
                )
            )
    return problems


def _cue_naming(title: str, cues: Sequence[Cue]) -> Cue | None:
    """The introduction's sentence that names `title`, or None."""
    wanted = " ".join(normalise(title))
    for cue in cues:
        if wanted and wanted in " ".join(normalise(cue.text)):
            return cue
    return None
