"""Judging what was heard against the narration: word lists as a recogniser writes them.

These pin down the rules (which differences fail, how they are grouped and
timed); test_check_bundle.py shows the same rules on real speech.
"""

from __future__ import annotations

import json

import pytest

from audio_leaflet.check.audio_checks import FileContext
from audio_leaflet.check.content import (
    announcement_problems,
    check_speech,
    heard_tokens,
    introduction_problems,
    lexicon_tokens,
    similarity,
    title_similarity,
)
from audio_leaflet.check.recognise import Word
from audio_leaflet.check.report import (
    ChapterResult,
    CheckReport,
    Problem,
    ProblemKind,
    Severity,
    Thresholds,
    mmss,
    thresholds_for,
)
from audio_leaflet.model import Cue

WHERE = FileContext("07-sources-of-help.mp3", 7, "Sources of help")
HELPLINE = "Helpline: zero two zero, seven seven nine three, three six five zero."
CUES = (
    Cue(1000, 3000, "Section 7 of 8. Sources of help."),
    Cue(3400, 9000, HELPLINE),
    Cue(9400, 12000, "This is not an emergency line."),
    Cue(13000, 14500, "End of section 7."),
)


def heard(*pieces: tuple[float, str]) -> list[Word]:
    """Words spread evenly from each start time, 0.3 s apiece."""
    words = []
    for start, text in pieces:
        for index, word in enumerate(text.split()):
            begin = start + 0.3 * index
            words.append(Word(word, begin, begin + 0.25, 0.9))
    return words


GOOD = (
    (1.0, "Section 7 of 8. Sources of help."),
    (3.4, "Helpline 0207793 -3650."),
    (9.4, "This is not an emergency line."),
    (13.0, "End of section 7."),
)


def _check(
    *pieces: tuple[float, str], thresholds: Thresholds | None = None, **options: object
) -> tuple[list[Problem], float]:
    result = check_speech(
        WHERE,
        CUES,
        heard(*pieces),
        lexicon=frozenset(),
        thresholds=thresholds or Thresholds(),
        **options,  # type: ignore[arg-type]
    )
    return list(result.problems), result.word_error_rate


def test_good_speech_has_no_problem() -> None:
    problems, wer = _check(*GOOD)
    assert problems == [] and wer == 0.0


def test_one_wrong_digit_is_one_problem_naming_it() -> None:
    problems, wer = _check(GOOD[0], (3.4, "Helpline 0207793 -3850."), *GOOD[2:])
    assert wer < 0.1
    [problem] = problems
    assert problem.kind is ProblemKind.NUMBER and problem.severity is Severity.ERROR
    assert (problem.expected, problem.heard) == ("six", "3850")
    assert HELPLINE in problem.message
    assert problem.time_s == pytest.approx(4.0)  # when "-3850" was heard
    assert problem.render().startswith("ERROR number: chapter 7 'Sources of help' at 00:04:")


def test_a_wrong_digit_is_named_in_a_chapter_a_little_over_the_limit() -> None:
    # A tight limit stands for a short contact chapter, where one misheard number
    # is enough to go over: the digit is still named, so the build can say that
    # sentence again.
    tight = Thresholds(max_word_error_rate=0.03)
    problems, wer = _check(GOOD[0], (3.4, "Helpline 0207793 -3850."), *GOOD[2:], thresholds=tight)
    assert tight.max_word_error_rate < wer <= 2 * tight.max_word_error_rate
    kinds = [(p.kind, p.expected) for p in problems]
    assert kinds == [(ProblemKind.WORD_ERRORS, kinds[0][1]), (ProblemKind.NUMBER, "six")]


def test_two_wrong_digits_in_one_number_are_one_problem() -> None:
    problems, _ = _check(GOOD[0], (3.4, "Helpline 0207793 -3851."), *GOOD[2:])
    assert [(p.kind, p.expected) for p in problems] == [(ProblemKind.NUMBER, "six zero")]


def test_a_missing_not_is_timed_where_it_should_be() -> None:
    problems, _ = _check(*GOOD[:2], (9.4, "This is an emergency line."), GOOD[3])
    [problem] = problems
    assert problem.kind is ProblemKind.NEGATION
    assert (problem.expected, problem.heard) == ("not", "(nothing)")
    # between "is" (ends 9.95) and "an" (starts 10.0)
    assert 9.9 <= (problem.time_s or 0) <= 10.0


def test_an_added_digit_is_a_warning_by_default() -> None:
    problems, _ = _check(GOOD[0], (3.4, "Helpline 0207793 -3650 0."), *GOOD[2:])
    assert [(p.kind, p.severity) for p in problems] == [(ProblemKind.NUMBER, Severity.WARNING)]
    strict = Thresholds(critical_added_fails=True)
    problems, _ = _check(GOOD[0], (3.4, "Helpline 0207793 -3650 0."), *GOOD[2:], thresholds=strict)
    assert [p.severity for p in problems] == [Severity.ERROR]


def test_a_second_listening_that_hears_the_digit_turns_the_error_into_a_warning() -> None:
    asked = []

    def relisten(cue: Cue) -> list[Word]:
        asked.append(cue.text)
        said = "Helpline zero two zero seven seven nine three three six five zero"
        return heard((cue.start_ms / 1000, said))

    problems, _ = _check(GOOD[0], (3.4, "Helpline 020 773 -3650."), *GOOD[2:], relisten=relisten)
    assert asked == [HELPLINE]
    [problem] = problems
    assert problem.severity is Severity.WARNING
    assert "second listening: Helpline zero two zero seven" in problem.heard


def test_a_second_listening_that_hears_it_wrong_again_keeps_the_error() -> None:
    def relisten(cue: Cue) -> list[Word]:
        return heard((3.4, "Helpline zero two zero seven seven nine three three eight five zero"))

    # The first listening also lost the 5; the second heard it: only the 6 is wrong.
    problems, _ = _check(GOOD[0], (3.4, "Helpline 0207793 -380."), *GOOD[2:], relisten=relisten)
    [problem] = problems
    assert problem.severity is Severity.ERROR
    assert problem.expected == "six"
    assert problem.heard.startswith("eight (first listening: 380;")


def test_a_lexicon_word_spelt_oddly_is_heard_but_a_missing_one_fails() -> None:
    said = "Injections of botulinum toxin help many people with dystonia in their neck."
    cues = (Cue(0, 4000, said),)
    lexicon = lexicon_tokens(["botulinum", "dystonia"])
    odd = heard((0.0, said.replace("botulinum", "bachelonum").replace("dystonia", "Estonia")))
    result = check_speech(WHERE, cues, odd, lexicon=lexicon, thresholds=Thresholds())
    assert result.problems == () and result.critical_words == 2
    missing = heard((0.0, said.replace("botulinum ", "")))
    result = check_speech(WHERE, cues, missing, lexicon=lexicon, thresholds=Thresholds())
    assert [(p.kind, p.expected) for p in result.problems] == [
        (ProblemKind.LEXICON_WORD, "botulinum")
    ]


def test_a_short_chapter_of_brand_names_heard_alike_passes_but_a_wrong_word_fails() -> None:
    # A real leaflet's "Name of medicine" chapter, as Whisper tiny.en heard hibari say it
    # (tests/fixtures/real/20-medicines-for-children-baclofen.txt).
    said = "Name of medicine. Baclofen. Common brands: Baclospas, Lioresal, Lyflex."
    cues = (Cue(0, 5000, said),)
    lexicon = lexicon_tokens(["baclofen", "Baclospas", "Lioresal", "Lyflex"])
    alike = heard(
        (0.0, "Name of medicine. Baclofen. Common brands, BackloSpass, Liaracelle, Lifelex.")
    )
    result = check_speech(WHERE, cues, alike, lexicon=lexicon, thresholds=Thresholds())
    assert result.problems == () and result.word_error_rate == 0.0
    # A lexicon word heard as another word still counts, and is named.
    wrong = heard((0.0, "Name of medicine. Diazepam. Common brands, BackloSpass, Valium, Lifelex."))
    result = check_speech(WHERE, cues, wrong, lexicon=lexicon, thresholds=Thresholds())
    assert result.word_error_rate == 2 / 9
    assert {p.kind for p in result.problems} == {ProblemKind.LEXICON_WORD}
    assert [p.expected for p in result.problems] == ["Baclofen Lioresal"]  # one sentence


ESPEAK = thresholds_for("espeak")


def test_with_espeak_a_lexicon_word_heard_as_other_words_is_a_warning() -> None:
    """tiny.en writes espeak-ng's "botulinum" as "your item" however it is said."""
    said = "Injections of botulinum toxin help many people with dystonia in their neck."
    cues = (Cue(0, 4000, said),)
    lexicon = lexicon_tokens(["botulinum", "dystonia"])
    misheard = heard((0.0, said.replace("botulinum", "your item")))
    [problem] = check_speech(WHERE, cues, misheard, lexicon=lexicon, thresholds=ESPEAK).problems
    assert (problem.kind, problem.severity) == (ProblemKind.LEXICON_WORD, Severity.WARNING)
    assert problem.expected == "botulinum" and "your item" in problem.heard
    assert "listen to it" in problem.message
    # Piper's limits: an error
    [problem] = check_speech(
        WHERE, cues, misheard, lexicon=lexicon, thresholds=Thresholds()
    ).problems
    assert problem.severity is Severity.ERROR
    # nothing heard in its place: an error with espeak too
    dropped = heard((0.0, said.replace("botulinum ", "")))
    [problem] = check_speech(WHERE, cues, dropped, lexicon=lexicon, thresholds=ESPEAK).problems
    assert (problem.kind, problem.severity) == (ProblemKind.LEXICON_WORD, Severity.ERROR)


def test_with_espeak_digits_and_negations_still_fail() -> None:
    wrong = (
        GOOD[0],
        (3.4, "Helpline 0207793 -3850."),
        (9.4, "This is an emergency line."),
        GOOD[3],
    )
    result = check_speech(WHERE, CUES, heard(*wrong), lexicon=frozenset(), thresholds=ESPEAK)
    assert [(p.kind, p.severity, p.expected) for p in result.problems] == [
        (ProblemKind.NUMBER, Severity.ERROR, "six"),
        (ProblemKind.NEGATION, Severity.ERROR, "not"),
    ]


def test_with_espeak_a_misheard_lexicon_word_counts_as_heard_in_its_sentence() -> None:
    said = "Botulinum toxin injections for dystonia."
    rest = [
        "An audio leaflet from The Harbour Dystonia Trust.",
        "This recording lasts about five minutes, and it has eight sections.",
        "Every section starts by saying its number, so you can use the next button.",
    ]
    cues = (Cue(0, 3000, said), *(Cue(4000 * n, 4000 * n + 3000, t) for n, t in enumerate(rest, 1)))
    lexicon = lexicon_tokens(["botulinum", "dystonia"])
    good = [(4.0 * n, text) for n, text in enumerate(rest, 1)]
    words = heard((0.0, "But your item talks in injection for dystonia."), *good)
    strict = check_speech(WHERE, cues, words, lexicon=lexicon, thresholds=Thresholds())
    assert {p.kind for p in strict.problems if p.severity is Severity.ERROR} == {
        ProblemKind.SENTENCE,
        ProblemKind.LEXICON_WORD,
    }
    lenient = check_speech(WHERE, cues, words, lexicon=lexicon, thresholds=ESPEAK)
    assert all(p.severity is Severity.WARNING for p in lenient.problems)
    assert [p.kind for p in lenient.problems] == [ProblemKind.LEXICON_WORD]
    # a sentence cut short still fails
    cut = heard((0.0, "But your item"), *good)
    result = check_speech(WHERE, cues, cut, lexicon=lexicon, thresholds=ESPEAK)
    assert (ProblemKind.SENTENCE, Severity.ERROR) in {(p.kind, p.severity) for p in result.problems}


def test_plurals_of_lexicon_words_count() -> None:
    cues = (Cue(0, 4000, "Anxiolytics help some people."),)
    words = heard((0.0, "help some people."))
    result = check_speech(
        WHERE, cues, words, lexicon=lexicon_tokens(["anxiolytic"]), thresholds=Thresholds()
    )
    assert [p.kind for p in result.problems] == [ProblemKind.LEXICON_WORD]


@pytest.mark.parametrize(
    ("word", "spelt", "alike"),
    [
        ("dystonia", "estonia", True),
        ("dystonia", "thestonya", True),
        ("botulinum", "bachelonum", True),
        ("dyskinesia", "disconesia", True),
        ("dystonia", "depression", False),
        ("anxiolytics", "antibiotics", False),
        ("dystonia", "the", False),
    ],
)
def test_lexicon_similarity(word: str, spelt: str, alike: bool) -> None:
    assert (similarity(word, spelt) >= Thresholds().min_lexicon_similarity) is alike


def test_too_many_differences_fail_as_a_whole_without_listing_every_digit() -> None:
    problems, wer = _check((1.0, "Section 8 of 8. About this information. The Dystonia Society."))
    assert wer > 0.8
    assert [p.kind for p in problems] == [ProblemKind.WORD_ERRORS]
    assert "largest difference" in problems[0].message


# --------------------------------------------------------------------------
# Announcements and the introduction
# --------------------------------------------------------------------------


def _announcements(*pieces: tuple[float, str], number: int = 7, total: int = 8) -> list[str]:
    problems = announcement_problems(
        WHERE,
        heard_tokens(heard(*pieces)),
        number=number,
        total=total,
        duration_s=15.5,
        thresholds=Thresholds(),
    )
    return [p.expected for p in problems]


def test_announcements_heard() -> None:
    assert _announcements(*GOOD) == []
    # tiny.en writes Piper's "End" as "and", and "two" as "to"
    assert _announcements((1.0, "Section to of 8"), (13.0, "and of section to"), number=2) == []
    assert _announcements((1.0, "Section 8 of 8"), (13.0, "and of leaflet"), number=8) == []
    # and espeak-ng's "End of leaflet" as tiny.en writes it
    for ending in ("And don't leave it.", "And I'll leave it.", "And not leave lit"):
        assert _announcements((1.0, "Section 8 of 8"), (13.0, ending), number=8) == []


def test_announcements_missing() -> None:
    assert _announcements((1.0, "Section 6 of 8"), (13.0, "End of section 6.")) == [
        "Section 7 of 8",
        "End of section 7",
    ]
    # the opening words alone do not count as the ending
    assert _announcements((1.0, "Section 7 of 8")) == ["End of section 7"]
    assert _announcements((1.0, "Section 8 of 8"), (13.0, "End of section 8"), number=8) == [
        "End of leaflet"
    ]
    # words that sound a little like "leaflet" in the text are not the ending
    for ending in ("and left the clinic.", "Leave it and rest.", "and then"):
        assert _announcements((1.0, "Section 8 of 8"), (13.0, ending), number=8) == [
            "End of leaflet"
        ]


def test_introduction_must_name_each_title() -> None:
    intro = heard_tokens(
        heard(
            (1.0, "Dystonia and mental health, from the Dystonia Society."),
            (5.0, "Section 2, the relationship between dystonia and mental health."),
            (9.0, "Section 3, talking therapies."),
        )
    )
    titles = [
        "Dystonia and mental health",
        "The relationship between dystonia and mental health",
        "Talking therapies",
        "Sources of help",
    ]
    problems = introduction_problems(
        FileContext("01-introduction.mp3", 1, "Introduction"),
        intro,
        titles=titles,
        thresholds=Thresholds(),
    )
    assert [p.expected for p in problems] == ["Sources of help"]
    # a title holding a lexicon word that espeak-ng's listener mishears
    spoken = heard_tokens(heard((1.0, "Section 3, what is your item talks in, about a minute.")))
    for thresholds, severity in ((ESPEAK, Severity.WARNING), (Thresholds(), Severity.ERROR)):
        [problem] = introduction_problems(
            FileContext("01-introduction.mp3", 1, "Introduction"),
            spoken,
            titles=["What is botulinum toxin?"],
            thresholds=thresholds,
            lexicon=lexicon_tokens(["botulinum"]),
        )
        assert problem.severity is severity
    words = [t.text for t in intro.tokens]
    assert title_similarity("Talking therapies", words) == 1.0
    assert title_similarity("Sources of help", words) < 0.7
    assert title_similarity("Overview", ["section", "2", "over", "new"]) >= 0.8


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------


def _report(*problems: Problem) -> CheckReport:
    from pathlib import Path

    return CheckReport(
        bundle=Path("audio_out/leaflet"),
        title="Leaflet",
        recogniser="test",
        thresholds=Thresholds(),
        chapters=(ChapterResult(7, "Sources of help", "07-sources-of-help.mp3", 75.5),),
        problems=problems,
        audio_seconds=75.5,
        check_seconds=5.0,
    )


def test_report_passes_with_warnings_only() -> None:
    warning = Problem(ProblemKind.NUMBER, "added", Severity.WARNING, 7, "Sources of help")
    report = _report(warning)
    assert report.passed and report.first_problem() == ""
    assert report.summary().startswith("listening check passed: 1 chapter, 0 errors, 1 warning;")
    assert "it took 5 s to hear 1 min 16 s of audio" in report.summary()


def test_report_fails_and_names_the_chapter() -> None:
    error = Problem(
        ProblemKind.NUMBER, "a number is wrong", Severity.ERROR, 7, "Sources of help",
        "07-sources-of-help.mp3", 61.2, "six", "8",
    )  # fmt: skip
    report = _report(error)
    assert not report.passed and report.failed_chapters() == (7,)
    assert report.first_problem() == (
        "ERROR number: chapter 7 'Sources of help' at 01:01: a number is wrong "
        '(expected "six", heard "8")'
    )
    data = json.loads(json.dumps(report.to_json()))
    assert data["passed"] is False
    assert data["problems"][0]["time"] == "01:01"
    assert data["problems"][0]["chapter"] == 7
    assert data["thresholds"]["max_word_error_rate"] == Thresholds().max_word_error_rate
    text = report.render_text()
    assert "listening check FAILED" in text and "01:01" in text


def test_text_report_sums_up_long_lists() -> None:
    many = [
        Problem(ProblemKind.NUMBER, f"n{i}", Severity.ERROR, 7, "Sources of help") for i in range(9)
    ]
    text = _report(*many).render_text()
    assert "n4" in text and "n5" not in text
    assert "... and 4 more number problems in chapter 7" in text
    one_more = _report(*many[:6]).render_text()
    assert "... and 1 more number problem in chapter 7" in one_more


@pytest.mark.parametrize(("seconds", "shown"), [(0, "00:00"), (61.9, "01:01"), (3725, "1:02:05")])
def test_mmss(seconds: float, shown: str) -> None:
    assert mmss(seconds) == shown
