"""Text rules for the ear (narrate/rules.py): each step with its own table of examples."""

from __future__ import annotations

import doctest
import re

import pytest

from audio_leaflet.narrate import rules
from audio_leaflet.narrate.rules import (
    STEPS,
    drop_marks_and_references,
    drop_stray_slashes,
    expand_abbreviations,
    find_phone_numbers,
    normalise_characters,
    phone_words,
    read_brackets,
    read_dashes,
    read_dates,
    read_email_addresses,
    read_money,
    read_numbers,
    read_ordinals,
    read_percentages,
    read_phone_numbers,
    read_postcodes,
    read_ranges,
    read_ratios,
    read_slashes,
    read_symbols,
    read_times,
    read_units,
    read_web_addresses,
    remove_web_leftovers,
    speakable,
    spell_abbreviations,
    tidy_punctuation,
)

Cases = list[tuple[str, str]]


def _check(step: rules.Step, printed: str, said: str) -> None:
    assert step(printed) == said, f"{step.__name__}({printed!r})"


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("a\u00a0b", "a b"),
        ("it\u2019s \u201cfine\u201d", 'it\'s "fine"'),
        ("wait\u2026", "wait..."),
        ("soft\u00adhyphen", "softhyphen"),
        ("  two\n lines  ", "two lines"),
    ],
)
def test_normalise_characters(printed: str, said: str) -> None:
    _check(normalise_characters, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("Mind: 0300 123 3393 /", "Mind: 0300 123 3393"),
        ("Call us /.", "Call us."),
        ("/ leftover at the start", "leftover at the start"),
        ("tardive dystonia / dyskinesia", "tardive dystonia / dyskinesia"),
        ("www.nhs.uk/conditions/", "www.nhs.uk/conditions/"),
    ],
)
def test_drop_stray_slashes(printed: str, said: str) -> None:
    _check(drop_stray_slashes, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("Click here to download our leaflet on Dystonia and mental health.", ""),
        ("Read our guide. Click here to download it. It is free.", "Read our guide. It is free."),
        ("To order, tap here.", ""),
        ("Email us at [email protected] today.", "Email us today."),
        ("Our guide (opens in new window) explains more.", "Our guide explains more."),
        ("The form (link is external) is short.", "The form is short."),
        ("Symptoms of dystonia. Read more", "Symptoms of dystonia."),
        ("Treatments. Read more »", "Treatments."),
        ("Expand", ""),
        ("Skip to main content", ""),
        ("You are on page 1 of 22", ""),
        ("Back to top", ""),
        ("Home > Conditions > Dystonia", ""),
        ("Home › Health A to Z", ""),
        ("Please expand your knowledge of dystonia.", "Please expand your knowledge of dystonia."),
    ],
)
def test_remove_web_leftovers(printed: str, said: str) -> None:
    _check(remove_web_leftovers, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("Botox® is used (see figure 2).", "Botox is used."),
        ("Dysport™ and Xeomin®", "Dysport and Xeomin"),
        ("The muscles (Figure 3) tighten.", "The muscles tighten."),
        ("as shown (see table 1.2) here", "as shown here"),
        ("Injections help, see figure 3.", "Injections help."),
        ("A figure of 3 people", "A figure of 3 people"),
    ],
)
def test_drop_marks_and_references(printed: str, said: str) -> None:
    _check(drop_marks_and_references, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("e.g. anxiety", "for example anxiety"),
        ("treatments, eg. Botox", "treatments, for example Botox"),
        ("i.e. daily", "that is daily"),
        ("pens, pencils, etc. are fine", "pens, pencils, and so on are fine"),
        ("pens, pencils etc. Then rest", "pens, pencils and so on. Then rest"),
        ("approx. 10 people", "approximately 10 people"),
        ("Dr Smith", "Doctor Smith"),
        ("Dr. Smith", "Doctor Smith"),
        ("Prof Jones", "Professor Jones"),
        ("St Thomas' Hospital", "Saint Thomas' Hospital"),
        ("10 Baker St", "10 Baker Street"),
        ("no. 5", "number 5"),
        ("Charity No. 1031058", "Charity Number 1031058"),
        ("Say no. Then stop.", "Say no. Then stop."),
        # A real magazine's masthead (tests/fixtures/real/16-...): "VOL. 36 • NO. 3"
        ("VOL. 36 NO. 3", "Volume 36 Number 3"),
        ("Vol. 2, no. 4", "Volume 2, number 4"),
        ("Tel: 020 7793 3650", "Telephone: 020 7793 3650"),
        ("It is OK", "It is okay"),
        ("Approx. 70 people", "Approximately 70 people"),
        ("E.g. this one", "For example this one"),
        ("Botox vs. surgery", "Botox versus surgery"),
    ],
)
def test_expand_abbreviations(printed: str, said: str) -> None:
    _check(expand_abbreviations, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("support@dystonia.org.uk", "support at dystonia dot org dot uk"),
        ("Write to info@nhs.net.", "Write to info at N H S dot net."),
        ("first.last-name@example.com", "first dot last dash name at example dot com"),
        ("help24@mind.org.uk", "help two four at mind dot org dot uk"),
        ("Info@Dystonia.ORG.UK", "info at dystonia dot org dot uk"),
    ],
)
def test_read_email_addresses(printed: str, said: str) -> None:
    _check(read_email_addresses, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("https://www.dystonia.org.uk", "w w w dot dystonia dot org dot uk"),
        (
            "Visit www.nhs.uk/conditions/dystonia/.",
            "Visit w w w dot N H S dot uk slash conditions slash dystonia.",
        ),
        ("See mind.org.uk for more.", "See mind dot org dot uk for more."),
        ("https://example.com/leaflet.pdf", "example dot com slash leaflet dot P D F"),
        (
            "http://dystonia.org.uk/mental-health",
            "dystonia dot org dot uk slash mental dash health",
        ),
        ("(www.dystonia.org.uk)", "(w w w dot dystonia dot org dot uk)"),
        ("version 2.5 works", "version 2.5 works"),
        ("the file report.docx", "the file report.docx"),
    ],
)
def test_read_web_addresses(printed: str, said: str) -> None:
    _check(read_web_addresses, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("London SE1 7TP.", "London S E one, seven T P."),
        ("Leeds LS11 5DR", "Leeds L S one one, five D R"),
        ("SW1A1AA", "S W one A, one A A"),
        ("SE1 is a district", "SE1 is a district"),
    ],
)
def test_read_postcodes(printed: str, said: str) -> None:
    _check(read_postcodes, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("116 123", "one one six, one two three"),
        ("0300 123 3393", "zero three zero zero, one two three, three three nine three"),
        ("020 7793 3650", "zero two zero, seven seven nine three, three six five zero"),
        (
            "+44 20 7793 3650",
            "plus four four, two zero, seven seven nine three, three six five zero",
        ),
        (
            "+44 (0)20 7793 3650",
            "plus four four, two zero, seven seven nine three, three six five zero",
        ),
        ("0800 123 4567", "zero eight zero zero, one two three, four five six seven"),
        ("02077933650", "zero two zero, seven seven nine three, three six five zero"),
        ("08001234567", "zero eight zero zero, one two three, four five six seven"),
        ("01234 567890", "zero one two three four, five six seven, eight nine zero"),
        ("0300-123-3393", "zero three zero zero, one two three, three three nine three"),
        ("111", "one one one"),
        ("999", "nine nine nine"),
        ("116123", "one one six, one two three"),
    ],
)
def test_phone_words(printed: str, said: str) -> None:
    assert phone_words(printed) == said


SAMARITANS = "one one six, one two three"
MIND = "zero three zero zero, one two three, three three nine three"
HELPLINE = "zero two zero, seven seven nine three, three six five zero"


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("Samaritans: 116 123", f"Samaritans: {SAMARITANS}. That number again: {SAMARITANS}."),
        ("Mind: 0300 123 3393", f"Mind: {MIND}. That number again: {MIND}."),
        ("Call 020 7793 3650 today.", f"Call {HELPLINE} today. That number again: {HELPLINE}."),
        (
            "Call 020 7793 3650. Or write to us.",
            f"Call {HELPLINE}. That number again: {HELPLINE}. Or write to us.",
        ),
        (
            "In an emergency call 999.",
            "In an emergency call nine nine nine. That number again: nine nine nine.",
        ),
        (
            "Ring NHS 111 or 999.",
            "Ring NHS one one one or nine nine nine. "
            "That number again: one one one. That number again: nine nine nine.",
        ),
        ("There were 111 people and 999 chairs.", "There were 111 people and 999 chairs."),
        (
            "Call 111 or use NHS 111 online.",
            "Call one one one or use NHS one one one online. That number again: one one one.",
        ),
        ("Try 111 online.", "Try one one one online."),
        ("In 2026 there were 365 days.", "In 2026 there were 365 days."),
        ("Between 2020 and 2026", "Between 2020 and 2026"),
    ],
)
def test_read_phone_numbers(printed: str, said: str) -> None:
    _check(read_phone_numbers, printed, said)


def test_find_phone_numbers_lists_them_as_printed() -> None:
    text = "Call 0300 123 3393 or +44 20 7793 3650, or NHS 111; not the 2026 total of 999."
    assert find_phone_numbers(text) == ["0300 123 3393", "+44 20 7793 3650", "111"]


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("25/11/2026", "the twenty-fifth of November twenty twenty-six"),
        ("25.11.2026", "the twenty-fifth of November twenty twenty-six"),
        ("25 November 2026", "the twenty-fifth of November twenty twenty-six"),
        ("2026-11-25", "the twenty-fifth of November twenty twenty-six"),
        ("November 25, 2026", "the twenty-fifth of November twenty twenty-six"),
        ("on the 1st of May 2020", "on the first of May twenty twenty"),
        ("The 2nd March", "The second of March"),
        ("Reviewed 3 Sept 2024", "Reviewed the third of September twenty twenty-four"),
        ("November 2026", "November twenty twenty-six"),
        ("11/2026", "November twenty twenty-six"),
        ("31/13/2026", "31/13/2026"),
        ("You may feel tired", "You may feel tired"),
    ],
)
def test_read_dates(printed: str, said: str) -> None:
    _check(read_dates, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("2-3 days", "2 to 3 days"),
        ("1-2%", "1 to 2%"),
        ("10 – 20 minutes", "10 to 20 minutes"),
        ("9am-5pm", "9am to 5pm"),
        ("£5-£10", "£5 to £10"),
        ("Mon-Fri", "Monday to Friday"),
        ("Monday – Friday", "Monday to Friday"),
        ("Tues–Thurs", "Tuesday to Thursday"),
        ("January-March", "January to March"),
        ("self-esteem", "self-esteem"),
        ("COVID-19", "COVID-19"),
        ("a 19-year-old", "a 19-year-old"),
    ],
)
def test_read_ranges(printed: str, said: str) -> None:
    _check(read_ranges, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("9am", "nine a.m."),
        ("9.30am", "nine thirty a.m."),
        ("5 pm", "five p.m."),
        ("10:05 p.m.", "ten oh five p.m."),
        ("12am", "twelve a.m."),
        ("17:00", "five p.m."),
        ("09:15", "nine fifteen"),
        ("9:30", "nine thirty"),
        ("9:00", "nine o'clock"),
        ("00:00", "midnight"),
        ("12:00", "twelve noon"),
        ("2:1", "2:1"),
        ("5 a month", "5 a month"),
    ],
)
def test_read_times(printed: str, said: str) -> None:
    _check(read_times, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [("2:1", "2 to 1"), ("a 3:2 ratio", "a 3 to 2 ratio"), ("10:1", "10 to 1")],
)
def test_read_ratios(printed: str, said: str) -> None:
    _check(read_ratios, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("£5", "five pounds"),
        ("£1", "one pound"),
        ("£5.50", "five pounds fifty"),
        ("£5.00", "five pounds"),
        ("£0.50", "fifty pence"),
        ("£1,000", "one thousand pounds"),
        ("£2.5m", "two point five million pounds"),
        ("£3 million", "three million pounds"),
        ("50p", "fifty pence"),
        ("1p", "one penny"),
        ("$20", "twenty dollars"),
        ("€5", "five euros"),
        ("£5 more", "five pounds more"),
    ],
)
def test_read_money(printed: str, said: str) -> None:
    _check(read_money, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [("50%", "50 per cent"), ("1 to 2%", "1 to 2 per cent"), ("2.5 %", "2.5 per cent")],
)
def test_read_percentages(printed: str, said: str) -> None:
    _check(read_percentages, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("5mg", "5 milligrams"),
        ("1 mg", "1 milligram"),
        ("10 ml", "10 millilitres"),
        ("5mg/day", "5 milligrams per day"),
        ("2 hrs", "2 hours"),
        ("30 mins", "30 minutes"),
        ("2 lots", "2 lots"),
        ("5 great", "5 great"),
    ],
)
def test_read_units(printed: str, said: str) -> None:
    _check(read_units, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("1st", "first"),
        ("2nd", "second"),
        ("3rd", "third"),
        ("22nd", "twenty-second"),
        ("101st", "one hundred and first"),
        ("the 4th time", "the fourth time"),
        ("21ST", "twenty-first"),
    ],
)
def test_read_ordinals(printed: str, said: str) -> None:
    _check(read_ordinals, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("tardive dystonia / dyskinesia", "tardive dystonia or dyskinesia"),
        ("he/she", "he or she"),
        ("and/or", "and or"),
        ("24/7", "twenty-four seven"),
        ("1/2", "a half"),
        ("3/4", "three quarters"),
        ("50/50", "fifty-fifty"),
        ("5/10", "5 out of 10"),
    ],
)
def test_read_slashes(printed: str, said: str) -> None:
    _check(read_slashes, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("A&E", "A and E"),
        ("Dystonia & you", "Dystonia and you"),
        ("18+", "18 plus"),
        ("37°C", "37 degrees Celsius"),
        ("under <5", "under less than 5"),
        ("~10 people", "about 10 people"),
        ("#1 tip", "number 1 tip"),
        ("* Important", "Important"),
        ("follow @dystonia", "follow at dystonia"),
        ("{braces}", "braces"),
        ("wait... then", "wait, then"),
    ],
)
def test_read_symbols(printed: str, said: str) -> None:
    _check(read_symbols, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        (
            "This is quite common - one in four people experience it.",
            "This is quite common. One in four people experience it.",
        ),
        (
            "It is not known why this is – but it appears so.",
            "It is not known why this is, but it appears so.",
        ),
        ("The drug – taken twice a day – helps.", "The drug, taken twice a day, helps."),
        (
            "Each is different – especially for people with dystonia.",
            "Each is different, especially for people with dystonia.",
        ),
        ("Pain—and more.", "Pain, and more."),
        ("Opening hours – 9 to 5.", "Opening hours, 9 to 5."),
        ("self-esteem and two-way", "self-esteem and two-way"),
        ("- a bullet left over", "a bullet left over"),
    ],
)
def test_read_dashes(printed: str, said: str) -> None:
    _check(read_dashes, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("Obsessive compulsive disorder (OCD) which", "Obsessive compulsive disorder, OCD, which"),
        ("therapy (CBT), counselling", "therapy, CBT, counselling"),
        (
            "a mental health (or psychological) condition.",
            "a mental health, or psychological, condition.",
        ),
        ("used (see below).", "used, see below."),
        ("(This is an aside.) Next.", "This is an aside. Next."),
        ("Done. (Ask your GP.)", "Done. Ask your GP."),
        ("your doctor(s)", "your doctors"),
        ("a [note] here", "a, note, here"),
        ("an empty () pair", "an empty pair"),
    ],
)
def test_read_brackets(printed: str, said: str) -> None:
    _check(read_brackets, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("OCD", "O C D"),
        ("CBT", "C B T"),
        ("your GP", "your G P"),
        ("the NHS", "the N H S"),
        ("BSL", "B S L"),
        ("GPs", "G P's"),
        ("the GP's advice", "the G P's advice"),
        ("NICE guidance", "NICE guidance"),
        ("AIDS", "AIDS"),
        ("COVID", "COVID"),
        ("Do NOT stop", "Do not stop"),
        ("DO NOT STOP TAKING IT", "Do not stop taking it"),
        ("CALL THE NHS NOW", "Call the N H S now"),
        ("NHS, BSL and NICE", "N H S, B S L and NICE"),
        ("Charity SC038362", "Charity S C zero three eight three six two"),
        ("I am", "I am"),
        ("ABCDEF", "ABCDEF"),
        # A medicine's name in capitals, as package leaflets print it: the lexicon's word.
        ("How to use BOTOX", "How to use Botox"),
        ("XANAX and the GP", "Xanax and the G P"),
    ],
)
def test_spell_abbreviations(printed: str, said: str) -> None:
    _check(spell_abbreviations, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("24 hours", "twenty-four hours"),
        ("1 in 4", "one in four"),
        ("116", "one hundred and sixteen"),
        ("in 2026", "in twenty twenty-six"),
        ("since 1990", "since nineteen ninety"),
        ("Updated 2026.", "Updated twenty twenty-six."),
        ("2000 people", "two thousand people"),
        ("2.5", "two point five"),
        ("1,500", "one thousand five hundred"),
        ("3,000,000,000", "three billion"),
        ("COVID-19", "COVID nineteen"),
        ("B12", "B twelve"),
        ("charity number 1031058", "charity number one zero three one zero five eight"),
        ("reference 4821", "reference four eight two one"),
        ("007", "zero zero seven"),
        ("-5", "minus five"),
    ],
)
def test_read_numbers(printed: str, said: str) -> None:
    _check(read_numbers, printed, said)


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("a , b", "a, b"),
        ("a,, b", "a, b"),
        ("a,.", "a."),
        (", leading", "leading"),
        ("end .", "end."),
        ("a:b", "a: b"),
        ("done. .", "done."),
        ("a  b", "a b"),
        ("an aside at the end,", "an aside at the end"),
        ("are:", "are:"),
    ],
)
def test_tidy_punctuation(printed: str, said: str) -> None:
    _check(tidy_punctuation, printed, said)


# The whole chain, with the examples issue 2 and docs/narration.md give.
@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("Samaritans: 116 123", f"Samaritans: {SAMARITANS}. That number again: {SAMARITANS}."),
        ("Mind: 0300 123 3393 /", f"Mind: {MIND}. That number again: {MIND}."),
        (
            "Dystonia Society Helpline: 020 7793 3650",
            f"Dystonia Society Helpline: {HELPLINE}. That number again: {HELPLINE}.",
        ),
        ("Email support@dystonia.org.uk.", "Email support at dystonia dot org dot uk."),
        ("It takes 2-3 days.", "It takes two to three days."),
        ("About 1-2% of people.", "About one to two per cent of people."),
        ("A ratio of 2:1.", "A ratio of two to one."),
        ("Updated 25/11/2026.", "Updated the twenty-fifth of November twenty twenty-six."),
        ("The 1st visit.", "The first visit."),
        ("Open 24 hours per day.", "Open twenty-four hours per day."),
        ("It affects one in four people.", "It affects one in four people."),
        ("It costs £5.", "It costs five pounds."),
        ("Botox® helps (see figure 2).", "Botox helps."),
        ("Dystonia & you", "Dystonia and you"),
        ("tardive dystonia / dyskinesia", "tardive dystonia or dyskinesia"),
        ("such as OCD and CBT", "such as O C D and C B T"),
        ("See your GP, e.g. Dr Patel.", "See your G P, for example Doctor Patel."),
        ("Click here to download our leaflet on Dystonia.", ""),
        (
            "Obsessive compulsive disorder (OCD) which is",
            "Obsessive compulsive disorder, O C D, which is",
        ),
        ("Founded in 1990.", "Founded in nineteen ninety."),
        (
            "Visit https://www.dystonia.org.uk/help.",
            "Visit w w w dot dystonia dot org dot uk slash help.",
        ),
        ("Open Mon-Fri, 9am-5pm.", "Open Monday to Friday, nine a.m. to five p.m."),
        ("Take 5mg twice a day.", "Take five milligrams twice a day."),
        ("It is common – one in four people have it.", "It is common. One in four people have it."),
        ("Rare – but real.", "Rare, but real."),
        (
            "This can happen to anyone and is quite common - one in four people experience it.",
            "This can happen to anyone and is quite common. One in four people experience it.",
        ),
        (
            "Registered charity no. 1031058",
            "Registered charity number one zero three one zero five eight",
        ),
        (
            "In an emergency, call 999.",
            "In an emergency, call nine nine nine. That number again: nine nine nine.",
        ),
        ("Your GPs & the NHS", "Your G P's and the N H S"),
        ("COVID-19 and B12", "COVID nineteen and B twelve"),
    ],
)
def test_speakable(printed: str, said: str) -> None:
    assert speakable(printed) == said


MIXED_PRINT = [
    "Call +44 (0)20 7793 3650, 0800 123 4567 or 116 123 (free, 24/7).",
    "Between 2019-2021, 1 in 3 of 1,250 people (25%) waited 6-8 weeks; costs rose by £1.5m.",
    "Reviewed: 3rd March 2025. Next review: 2028-03-03. Version 2.1.",
    "Take 2.5mg/day, max 3 tablets at 8:00 and 20:30.",
    "Ref SC038362; BSL users: www.signvideo.co.uk/dystonia?id=42 or text 07700 900123.",
    "Figure 1.2 shows 10,000 steps; see table 3 below.",
    "../../etc/passwd",
    "{total length} [pause 2s] # not a comment",
]


@pytest.mark.parametrize("printed", MIXED_PRINT)
def test_no_digit_or_script_syntax_survives(printed: str) -> None:
    said = speakable(printed)
    assert not re.search(r"\d", said), said
    assert not re.search(r"[{}\[\]#/<>@&%£$€*|\\]", said), said


def test_steps_are_ordered_and_pure() -> None:
    # Addresses and phone numbers must be read before the generic rules take them apart.
    names = [step.__name__ for step in STEPS]
    assert names.index("read_email_addresses") < names.index("read_phone_numbers")
    assert names.index("read_phone_numbers") < names.index("read_ranges")
    assert names.index("read_dates") < names.index("read_slashes")
    assert names[-2:] == ["normalise_characters", "tidy_punctuation"]
    text = "Mind: 0300 123 3393 /"
    assert speakable(text) == speakable(text)


def test_docstring_examples() -> None:
    result = doctest.testmod(rules)
    assert result.attempted > 0
    assert result.failed == 0


# Ear rules that failed on real leaflets (each case found in one of them).
@pytest.mark.parametrize(
    ("printed", "said"),
    [
        ("40,000 people1 in the UK", "forty thousand people in the U K"),
        ("Vitamin B12 helps.", "Vitamin B twelve helps."),
        ("It starts in the 20s-40s.", "It starts in the twenties to forties."),
        ("In the 1960s.", "In the nineteen sixties."),
        ("Rest your hand/s.", "Rest your hands."),
        ("Rest your hand(s).", "Rest your hands."),
        ("Ratios of 2:1 to 6:1.", "Ratios of two to one, up to six to one."),
        (
            "From May 8th to 14th 2005.",
            "From the eighth to the fourteenth of May two thousand and five.",
        ),
        ("SIR JOHN SMITH OBE OPENED THE DAY", "Sir john smith O B E opened the day"),
    ],
)
def test_ear_rules_from_real_leaflets(printed: str, said: str) -> None:
    assert speakable(printed) == said


# Where a rule and the sentence splitter met on a press release.
@pytest.mark.parametrize(
    ("printed", "said"),
    [
        (
            "Open from 10am to 4pm, Monday to Friday.",
            ["Open from ten a.m. to four p.m., Monday to Friday."],
        ),
        (
            'She said: "Nobody should face it alone."',
            ['She said: "Nobody should face it alone."'],
        ),
        ("Open at 9am.. Come early.", ["Open at nine a.m.", "Come early."]),
    ],
)
def test_sentences_keep_their_own_stops(printed: str, said: list[str]) -> None:
    from audio_leaflet.narrate.sentences import sentences_of

    assert sentences_of(speakable(printed)) == said


# Numbers in real documents (issue 20, item 8), each shape found in the corpus of real
# texts: phone numbers in national and international groups are read digit by digit in
# the groups a listener would dial, never as ranges; temperatures, strengths, file sizes,
# references and issue numbers as they are meant.
US_HELPLINE = "five five five, two zero one, four four zero zero"


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        # UK: 4-3-4, 5-6, 3-4-4 and odd groups; US 3-3-4 with spaces, hyphens, dots, brackets.
        ("0300 123 3393", "zero three zero zero, one two three, three three nine three"),
        ("08450 956575", "zero eight four five zero, nine five six, five seven five"),
        ("020 7793 3650", "zero two zero, seven seven nine three, three six five zero"),
        ("0303 30 33 100", "zero three zero three, three zero, three three, one zero zero"),
        ("555-201-4400", US_HELPLINE),
        ("312 755 0198", "three one two, seven five five, zero one nine eight"),
        ("866.588.2264", "eight six six, five eight eight, two two six four"),
        ("(800) 457-6676", "eight zero zero, four five seven, six six seven six"),
        ("1-800-473-4636", "one, eight zero zero, four seven three, four six three six"),
        ("+1 312 755 0198", "plus one, three one two, seven five five, zero one nine eight"),
        (
            "+44 (0)20 7793 3650",
            "plus four four, two zero, seven seven nine three, three six five zero",
        ),
        # Australia and New Zealand.
        ("1800 644 189", "one eight zero zero, six four four, one eight nine"),
        ("(07) 3209 1588", "zero seven, three two zero nine, one five eight eight"),
        ("09 309 7749", "zero nine, three zero nine, seven seven four nine"),
        # Written without spaces: grouped as printed by convention.
        ("02077933650", "zero two zero, seven seven nine three, three six five zero"),
    ],
)
def test_phone_numbers_of_every_common_shape(printed: str, said: str) -> None:
    assert speakable(f"Call {printed}.") == f"Call {said}. That number again: {said}."


@pytest.mark.parametrize(
    ("printed", "said"),
    [
        # A US number is not three ranges ("five hundred and fifty-five to two hundred ...").
        (
            "Helpline 555-201-4400 (9am-5pm)",
            f"Helpline {US_HELPLINE}, nine a.m. to five p.m. That number again: {US_HELPLINE}.",
        ),
        # A sentence that starts right after a number is a sentence of its own.
        (
            "Telephone 0191 287 5100 An appointment will be made.",
            "Telephone zero one nine one, two eight seven, five one zero zero. That number "
            "again: zero one nine one, two eight seven, five one zero zero. An appointment "
            "will be made.",
        ),
        # A number spelt with letters: its letters spelt, then the digits to dial.
        (
            "Call 800-HURTFUL (487-8385).",
            "Call eight zero zero, H U R T F U L, that is eight zero zero, four eight seven, "
            "eight three eight five. That number again: eight zero zero, four eight seven, "
            "eight three eight five.",
        ),
        # Temperatures with the ordinal sign or the ring above, as web pages print them.
        ("Store below 25ºC.", "Store below twenty-five degrees Celsius."),
        ("A temperature of 38º or more.", "A temperature of thirty-eight degrees or more."),
        ("Normal is 98.6˚F.", "Normal is ninety-eight point six degrees Fahrenheit."),
        ("Keep at 2°C to 8°C.", "Keep at two degrees Celsius to eight degrees Celsius."),
        # A strength before what it measures is one thing: "ten milligram tablets".
        ("Take 10mg tablets.", "Take ten milligram tablets."),
        ("Artane 5mg Tablets", "Artane five milligram Tablets"),
        ("Give 5mg in 5ml.", "Give five milligrams in five millilitres."),
        ("Take 10 mg twice a day.", "Take ten milligrams twice a day."),
        # File sizes said whole.
        ("The leaflet (95kB) is short.", "The leaflet, ninety-five kilobytes, is short."),
        ("Size: 1.2 MB", "Size: one point two megabytes"),
        # A reference with a slash is not a year.
        (
            "Reference Number: HEY1134/2024",
            "Reference Number: H E Y one one three four slash two zero two four",
        ),
        ("A and E is open 24/7.", "A and E is open twenty-four seven."),
        # A US ZIP code is said like a postcode.
        ("Fountain Valley, CA 92708", "Fountain Valley, C A nine two seven zero eight"),
        (
            "Chicago, Illinois 60601-1905",
            "Chicago, Illinois six zero six zero one, one nine zero five",
        ),
        # An issue number is a number, not litres.
        ("Issue 73 l Autumn 2011", "Issue seventy-three l Autumn twenty eleven"),
        ("Drink 2 l of water.", "Drink two litres of water."),
    ],
)
def test_numbers_in_real_documents(printed: str, said: str) -> None:
    assert speakable(printed) == said


def test_phone_numbers_of_every_shape_are_found_for_the_recap() -> None:
    text = (
        "Phone 312 755 0198. In Canada 800 361 8061. Fax 312-803-0138 or 866.588.2264, "
        "(07) 3209 1588, 1800 644 189, 09 309 7749, 0303 30 33 100 and 800-HURTFUL (487-8385)."
    )
    assert find_phone_numbers(text) == [
        "312 755 0198",
        "800 361 8061",
        "312-803-0138",
        "866.588.2264",
        "(07) 3209 1588",
        "1800 644 189",
        "09 309 7749",
        "0303 30 33 100",
        "(800) 487-8385",
    ]


@pytest.mark.parametrize(
    "printed", ["between 2020-2024", "5-10 minutes", "1,234 567 people", "0.5 mg", "12.2.2015"]
)
def test_numbers_that_are_not_phone_numbers(printed: str) -> None:
    assert find_phone_numbers(printed) == []
