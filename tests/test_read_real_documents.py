"""Real documents, read right (issue 20): each defect found on texts nobody on the team wrote.

Every test here is shaped like a real text of the corpus (tests/fixtures/real/
and the shared real leaflets) and failed before the reader learned it: a
heading directly above its paragraph, headings between an accordion's "-"
lines, a bullet over its indented text, image descriptions, link text,
form fields, a table flattened one cell a line, a document host's lines,
a site menu, a label over the title.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_leaflet.config import Settings
from audio_leaflet.model import Document, LeftOutReason
from audio_leaflet.pipeline import prepare
from audio_leaflet.read import read_leaflet
from helpers.coverage import unaccounted_words

R = LeftOutReason


def read(tmp_path: Path, text: str, name: str = "leaflet.txt") -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_leaflet(path)


def chapters(document: Document) -> list[str | None]:
    return [section.heading for section in document.sections]


def left_out(document: Document) -> list[tuple[str, LeftOutReason]]:
    return [(item.text, item.reason) for item in document.left_out]


# A heading on its own line directly above its paragraph, no blank line anywhere
# (a page copied as text, as nidirect's dystonia page is).
NO_BLANK_LINES = """Dystonia
Dystonia is the name for uncontrolled and sometimes painful muscle movements (spasms).
Symptoms of dystonia
Dystonia can affect your whole body or just one part. It can start at any age.
Symptoms of dystonia include:
- uncontrolled muscle cramps and spasms
- uncontrolled blinking
When to see your GP
You should see your GP if you think you might have dystonia.
How dystonia is diagnosed
To diagnose dystonia, a neurologist may:
- ask about your symptoms
- carry out some blood and urine tests
"""


def test_a_heading_directly_above_its_paragraph_is_a_heading(tmp_path: Path) -> None:
    document = read(tmp_path, NO_BLANK_LINES)
    assert document.title == "Dystonia"
    assert chapters(document) == [
        None,
        "Symptoms of dystonia",
        "When to see your GP",
        "How dystonia is diagnosed",
    ]


# An accordion copied from a web page: each heading follows a lone "-" (its control).
ACCORDION = """Botulinum Toxin Injections
Information about botulinum toxin and how it is given.
-
What is Botulinum Toxin?
Botulinum Toxin is a naturally occurring substance, made from bacteria.
-
How is it given?
Botulinum Toxin is given by injection into the muscle with a very fine needle.
-
Considerations for treatment
Botulinum toxin
This product is manufactured using components taken from human blood.Anticoagulants
People receiving anticoagulants may not be suitable for treatment.
"""


def test_headings_between_an_accordions_dash_lines(tmp_path: Path) -> None:
    document = read(tmp_path, ACCORDION)
    assert chapters(document) == [
        None,
        "What is Botulinum Toxin?",
        "How is it given?",
        "Botulinum toxin",
        "Anticoagulants",  # run onto the sentence before it by the copy
    ]
    assert ("-", R.STRAY_MARK) in left_out(document)
    # A heading straight over a sub-heading is listed, as an HTML h2 over h3s is.
    assert ("Considerations for treatment", R.PARENT_HEADING) in left_out(document)


# Accordion headings written as bullets with their text indented under them.
BULLET_HEADINGS = """Dystonia Clinic, Walkergate Park

Dystonia is a neurological movement disorder.

Quality Approved Resource logo

PDF for printing

  • Introduction

    This leaflet provides you with information about the Dystonia Clinic. We hope it helps.

  • What is dystonia?

    Dystonia is a neurological movement disorder. Some of the common ones include:

    • Blepharospasm
    • Cervical dystonia

    A full explanation of the type of dystonia will be provided when you attend.
"""


def test_bullets_with_text_indented_under_them_are_headings(tmp_path: Path) -> None:
    document = read(tmp_path, BULLET_HEADINGS)
    assert chapters(document) == [None, "Introduction", "What is dystonia?"]
    assert ("Quality Approved Resource logo", R.IMAGE_TEXT) in left_out(document)
    assert ("PDF for printing", R.PAGE_FURNITURE) in left_out(document)


# Accordion headings stuck to their text by the control's word ("Expand").
EXPAND = """Hand dystonia

Type: Focal

Other names: Focal hand dystonia / Writer’s cramp

Focal hand dystonia is a neurological movement disorder of the hand.

What are the symptoms? Expand Symptoms include: muscle spasms and fingers curling.
Who does it affect? Expand Focal hand dystonia can affect any profession.
"""


def test_an_accordion_heading_on_one_line_with_its_text(tmp_path: Path) -> None:
    document = read(tmp_path, EXPAND)
    assert chapters(document) == [None, "What are the symptoms?", "Who does it affect?"]
    assert left_out(document).count(("Expand", R.WEB_FURNITURE)) == 2
    said = [b.text for s in document.sections for b in s.blocks if hasattr(b, "text")]
    assert "Type: Focal" in said, "a label and its value is text, not a chapter"


def test_image_text_link_text_and_form_fields_are_never_chapters(tmp_path: Path) -> None:
    document = read(
        tmp_path,
        "Treatment with Botulinum Toxin\n\nPatient Experience\n\n"
        "  • Reference Number: HEY1134/2024\n  • Departments: Ophthalmology Department\n\n"
        "Introduction\n\nThis leaflet gives you general information about your procedure.\n\n"
        "two images showing Botulinum toxin stops the release of acetylcholine from nerves\n\n"
        "How does it work?\n\nBotulinum toxin stops nerves releasing a chemical.  (Fig 1).\n",
    )
    assert document.title == "Treatment with Botulinum Toxin"
    assert chapters(document) == [None, "Introduction", "How does it work?"]
    assert ("(Fig 1)", R.FIGURE_REFERENCE) in left_out(document)
    assert any(reason is R.IMAGE_TEXT for _, reason in left_out(document))


# A table flattened one cell a line under a heading in capitals.
FLATTENED_TABLE = """Consumer medicine information

Artane

Trihexyphenidyl (benzhexol) hydrochloride

BRAND INFORMATION

Brand name

Artane

Active ingredient

Trihexyphenidyl (benzhexol) hydrochloride

Schedule

S4

Consumer medicine information (CMI) leaflet

Please read this leaflet carefully before you start using Artane.

What ARTANE is used for

ARTANE is used along with other medicines to help treat Parkinson’s disease.
"""


def test_a_table_flattened_one_cell_a_line_is_not_chapters(tmp_path: Path) -> None:
    document = read(tmp_path, FLATTENED_TABLE)
    assert document.title == "Artane"
    assert ("Consumer medicine information", R.LABEL) in left_out(document)
    assert chapters(document) == [
        None,
        "Brand information",
        "Consumer medicine information (CMI) leaflet",
        "What ARTANE is used for",
    ]


# A document host's lines around an upload, and the masthead under its name for it.
HOST = """Dystoniamatters! - The Dystonia Society

Transcription

Dystoniamatters! - The Dystonia Society
Dystoniamatters!
Issue 73
l
Autumn 2011
The Dystonia Society exists to support people who have any form of dystonia.
"""


def test_a_document_hosts_name_for_the_upload_is_furniture_under_a_masthead(
    tmp_path: Path,
) -> None:
    document = read(tmp_path, HOST)
    assert document.title == "Dystoniamatters!"
    assert left_out(document)[:3] == [
        ("Dystoniamatters! - The Dystonia Society", R.PAGE_FURNITURE),
        ("Transcription", R.PAGE_FURNITURE),
        ("Dystoniamatters! - The Dystonia Society", R.PAGE_FURNITURE),
    ]
    assert ("l", R.STRAY_MARK) in left_out(document), "a Wingdings bullet, not litres"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("You are on page 1of 22\n\nDystonia: A Guide\n\nto Good Practice\nfor Health and "
         "Social\nCare Professionals\n\nThe Dystonia Society\n\n2nd Floor, 89 Albert Embankment"
         "\nLondon SE1 7TP\n\nIt is a guide for professionals.\n",
         "Dystonia: A Guide to Good Practice for Health and Social Care Professionals"),
        ("Skip over main navigation\n  • Log in\n  • Basket: (0 items)\nDystonia UK\n"
         "  • Twitter\n  • Facebook\nMenu\n  • About us\n  • Who we are\n  • The team\n"
         "  • News\n\nHand dystonia\n\nFocal hand dystonia is a movement disorder.\n",
         "Hand dystonia"),
        ("Medicines\n\nBaclofen for muscle spasm\n\nThis leaflet is for parents and carers.\n",
         "Baclofen for muscle spasm"),
        ("Skip to Content\n\nPDF Transcript\n\nArtane 5mg Tablets/\nTrihexyphenidyl 5mg Tablets"
         "\n(Trihexyphenidyl hydrochloride)\nYour medicine is known by any of the above names.\n",
         "Artane 5mg Tablets/ Trihexyphenidyl 5mg Tablets"),
    ],
    ids=["title-over-lines", "menu-and-banner", "section-word", "title-broken-at-slash"],
)  # fmt: skip
def test_the_title_is_the_leaflets_never_furniture(tmp_path: Path, text: str, title: str) -> None:
    document = read(tmp_path, text)
    assert document.title == title
    assert not any(item.reason is R.MENU and "Hand" in item.text for item in document.left_out)


# A charity's article on its web page, under the site's fundraising box (as pdf.org's
# newsletter article is, tests/fixtures/real/52-...): the byline marks the headline.
BYLINE = """Percent of dollars spent on our mission

PDF is committed to using your funds efficiently to support our mission.

Learn More

Educating and Supporting the Parkinson's Community

By Robin Elliott

In this issue, we highlight how we provide information on Parkinson's.

Parkinson's Information Service (PINS)

At PDF, we understand that people have personal, specific questions.
"""


def test_a_headline_over_its_byline_is_the_title_and_the_box_above_is_left_out(
    tmp_path: Path,
) -> None:
    document = read(tmp_path, BYLINE)
    assert document.title == "Educating and Supporting the Parkinson's Community"
    assert chapters(document)[1:] == ["Parkinson's Information Service (PINS)"]
    assert [text for text, reason in left_out(document) if reason is R.WEB_FURNITURE] == [
        "Percent of dollars spent on our mission",
        "PDF is committed to using your funds efficiently to support our mission.",
        "Learn More",
    ]
    assert len(document.left_out) == 3
    # Without the byline the lines above are the page's own, and read as such.
    plain = read(tmp_path, BYLINE.replace("By Robin Elliott\n\n", ""))
    assert plain.title == "Percent of dollars spent on our mission"
    assert not any(reason is R.WEB_FURNITURE for _, reason in left_out(plain))


# A medicine's leaflet converted from PDF, whose section numbers were drawn as pictures
# and came out as glyphs (as patient.info's co-careldopa leaflet, tests/fixtures/real/47-...).
DRAWN_NUMBERS = """Co-Careldopa 25 mg/250 mg tablets
Read all of this leaflet carefully before you start taking this medicine.
What is in this leaflet:
1. What Co-Careldopa is and what it is used for
2. What you need to know before you take Co-Careldopa
©■ What Co-Careldopa is and what it is used for
Co-Careldopa improves the signs of Parkinson's disease.
©
H What you need to know before you take Co-Careldopa
Do not take Co-Careldopa if you are allergic to levodopa.
"""


def test_a_contents_entry_repeated_after_its_drawn_number_is_a_heading(tmp_path: Path) -> None:
    document = read(tmp_path, DRAWN_NUMBERS)
    assert chapters(document)[-2:] == [
        "What Co-Careldopa is and what it is used for",
        "What you need to know before you take Co-Careldopa",
    ]
    assert [text for text, reason in left_out(document) if reason is R.STRAY_MARK] == [
        "©■",
        "©",
        "H",
    ]


def test_every_word_of_a_real_shaped_text_is_spoken_or_listed(tmp_path: Path) -> None:
    texts = (NO_BLANK_LINES, ACCORDION, BULLET_HEADINGS, EXPAND, HOST, BYLINE, DRAWN_NUMBERS)
    for number, text in enumerate(texts):
        path = tmp_path / f"leaflet-{number}.txt"
        path.write_text(text, encoding="utf-8")
        prepared = prepare(
            path, Settings(narration_dir=tmp_path / f"n{number}", cache_dir=tmp_path / "c")
        )
        assert prepared.lost == ()
        assert unaccounted_words(path, prepared.script_dir) == []


def said(tmp_path: Path, text: str, name: str = "leaflet.txt") -> list[str]:
    """Every sentence of the narration of `text`, as `audio-leaflet script` writes it."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    prepared = prepare(path, Settings(narration_dir=tmp_path / "n", cache_dir=tmp_path / "c"))
    return [s for chapter in prepared.narration.chapters for s in chapter.sentences]


def test_a_lead_in_before_a_list_is_kept_whole(tmp_path: Path) -> None:
    sentences = said(tmp_path, NO_BLANK_LINES)
    at = sentences.index("To diagnose dystonia, a neurologist may:")
    assert sentences[at - 1] == "There are two points."
    assert sentences[at + 1] == "ask about your symptoms."
    assert "To diagnose dystonia, a neurologist may." not in sentences


def test_an_abbreviation_with_a_dash_in_brackets_stays_in_its_sentence(tmp_path: Path) -> None:
    sentences = said(
        tmp_path,
        "Treatments\n\nDeep brain stimulation (DBS – an operation) can help some people.\n",
    )
    assert "Deep brain stimulation, D B S, an operation, can help some people." in sentences


def test_a_line_without_its_full_stop_does_not_run_into_the_next(tmp_path: Path) -> None:
    sentences = said(
        tmp_path,
        "Contact us\n\nFor advice call our nurses on 0300 123 4567\n"
        "We are open Monday to Friday.\n\n"
        "Appointments\n\nIf this time is inconvenient please telephone 0191 287 5100 An "
        "alternative appointment will be made for you.\n",
    )
    number = "zero three zero zero, one two three, four five six seven"
    assert f"For advice call our nurses on {number}." in sentences
    assert "We are open Monday to Friday." in sentences
    assert "An alternative appointment will be made for you." in sentences


def test_a_medicines_name_over_its_leaflets_opening_box_is_not_a_section(tmp_path: Path) -> None:
    # drugs.com's co-careldopa leaflet (tests/fixtures/real/27-...): the leaflet's own
    # name for the medicine stands over the opening box every package leaflet has.
    text = (
        "CO-CARELDOPA 10 MG/100 MG TABLETS\n\nCarbidopa/Levodopa\n"
        "Read all of this leaflet carefully before you start taking this medicine\n"
        "because it contains important information for you.\n"
        "• Keep this leaflet. You may need to read it again.\n"
        "What is in this leaflet\n1. What this medicine is and what it is used for\n"
        "2. Possible side effects\n\n1. What this medicine is and what it is used for\n"
        "The name of your medicine is Co-Careldopa.\n"
    )
    document = read(tmp_path, text)
    assert "Carbidopa/Levodopa" not in chapters(document)
    assert chapters(document)[-1] == "What this medicine is and what it is used for"
    sentences = said(tmp_path, text)
    assert "Carbidopa or Levodopa." in sentences, "its own sentence, not run into the box's"


def test_a_line_of_two_sentences_is_never_a_heading(tmp_path: Path) -> None:
    # Epilepsy Society's first-aid leaflet (tests/fixtures/real/29-...): an icon's key.
    document = read(
        tmp_path,
        "First aid for seizures\n\nThis symbol means further information is available. "
        "Call us for a large print version\n\nEpilepsy Society is grateful to Oral Health "
        "Promotion for their information about dental care.\n",
    )
    assert chapters(document) == [None]


def test_a_standfirst_that_says_the_title_again_is_text(tmp_path: Path) -> None:
    # Healthwatch Sandwell's page (tests/fixtures/real/34-...).
    text = (
        "Stroke Awareness Month 2020\n\nFrom 1st – 31st May it is Stroke Awareness Month\n\n"
        "The month is to raise awareness of strokes and their impact.\n\n"
        "What is a stroke?\n\nA stroke is a serious condition.\n"
    )
    document = read(tmp_path, text)
    assert document.title == "Stroke Awareness Month 2020"
    assert chapters(document) == [None, "What is a stroke?"]
    # A heading that names the title again is still a heading.
    again = text.replace(
        "From 1st – 31st May it is Stroke Awareness Month", "Stroke Awareness Month events"
    )
    assert chapters(read(tmp_path, again)) == [
        "Stroke Awareness Month events",
        "What is a stroke?",
    ]


# Booklets flattened by document hosts, their contents lists run into the text.
# Shaped like Epilepsy Action's booklet (tests/fixtures/real/28-...): page numbers after.
CONTENTS_PAGES_AFTER = """Epilepsy: diagnosis, treatment and healthcare

Together we can help more people live better with epilepsy.

2 Epilepsy: diagnosis, treatment and healthcare Contents Introduction 4 About epilepsy 5 \
Diagnosing epilepsy 7 Treatment with epilepsy medicine 10

Epilepsy Action Helpline: 0808 800 5050 epilepsy.org.uk 3 Introduction This booklet tells you \
what epilepsy is. It also tells you what to expect from your epilepsy care.
"""
# Like the MS Society's booklet (43-...): page numbers first, all in one line.
CONTENTS_PAGES_FIRST = (
    "Muscle spasms and stiffness\n\nSpasms and stiffness affect people differently. Contents 02 "
    "What do we mean by spasms, stiffness and ‘spasticity’? 03 The effects of spasms and "
    "stiffness 04 What causes spasms and stiffness? 06 Assessing your symptoms "
    "What do we mean by spasms, stiffness and ‘spasticity’? Page 2 Muscles are involved in "
    "every movement you make. They get longer and shorter to move the body.\n"
)
# Like the Royal College of Physicians' booklet (44-...): no page numbers, over lines.
CONTENTS_UNNUMBERED = """Care after stroke or transient ischaemic attack \
Information for patients and their carers
This booklet is based on the National Clinical Guideline for Stroke
Contents Who the booklet is for and what it covers Principles of care Description of stroke
Specialist early care Other care Surgery after stroke
Who the booklet is for and what it covers
This booklet is about the care and treatment of adults after a stroke.
"""


@pytest.mark.parametrize(
    ("text", "title", "heading"),
    [
        (CONTENTS_PAGES_AFTER, "Epilepsy: diagnosis, treatment and healthcare", "Introduction"),
        (CONTENTS_PAGES_FIRST, "Muscle spasms and stiffness",
         "What do we mean by spasms, stiffness and ‘spasticity’?"),
        (CONTENTS_UNNUMBERED, "Care after stroke or transient ischaemic attack",
         "Who the booklet is for and what it covers"),
    ],
    ids=["pages-after", "pages-first", "unnumbered"],
)  # fmt: skip
def test_a_contents_list_run_into_the_text_is_left_out_and_its_first_heading_found(
    tmp_path: Path, text: str, title: str, heading: str
) -> None:
    document = read(tmp_path, text)
    assert document.title == title
    assert chapters(document)[1:] == [heading]
    contents = [line for line, reason in left_out(document) if reason is R.CONTENTS]
    assert contents[0] == "Contents"
    assert any("Principles of care" in line or "About epilepsy" in line or "03 The effects"
               in line for line in contents[1:])  # fmt: skip
    sentences = said(tmp_path, text)
    assert not any("Contents" in sentence for sentence in sentences)


def test_a_medicine_leaflets_run_in_contents_list_gives_its_numbered_sections(
    tmp_path: Path,
) -> None:
    # healthdocbox's BOTOX leaflet (tests/fixtures/real/26-...): the whole first page in one line.
    text = (
        "Package leaflet: Information for the user\n\n1 Package leaflet: Information for the "
        "user BOTOX, 100 Allergan Units. Read all of this leaflet carefully. See section 4. "
        "What is in this leaflet: 1. What BOTOX is and what it is used for 2. What you need to "
        "know before you use BOTOX 3. How to use BOTOX 4. Possible side effects 1. What BOTOX "
        "is and what it is used for BOTOX is a muscle relaxant. It is injected into muscles.\n"
    )
    document = read(tmp_path, text)
    assert chapters(document)[1:] == ["What BOTOX is and what it is used for"]
    contents = [line for line, reason in left_out(document) if reason is R.CONTENTS]
    assert contents[0] == "What is in this leaflet:"
    assert contents[1].endswith("4. Possible side effects")
    # The medicine's name, printed in capitals as package leaflets print it, is said as a word.
    assert "Botox is a muscle relaxant." in said(tmp_path, text)


def test_a_run_in_contents_list_does_not_end_at_an_entry_that_starts_like_its_first(
    tmp_path: Path,
) -> None:
    text = (
        "Epilepsy: a guide\n\nContents Introduction 4 Treatment 6 Introduction to surgery 9 "
        "Help 12 Introduction This booklet tells you what epilepsy is.\n"
    )
    document = read(tmp_path, text)
    assert chapters(document) == ["Introduction"]
    contents = [line for line, reason in left_out(document) if reason is R.CONTENTS]
    assert contents == ["Contents", "Introduction 4 Treatment 6 Introduction to surgery 9 Help 12"]


def test_the_title_again_with_a_page_number_is_a_running_header(tmp_path: Path) -> None:
    document = read(tmp_path, CONTENTS_PAGES_AFTER)
    assert ("2 Epilepsy: diagnosis, treatment and healthcare", R.RUNNING_HEADER) in left_out(
        document
    )


def test_a_title_run_into_its_subtitle_is_the_title_and_the_subtitle_is_said(
    tmp_path: Path,
) -> None:
    document = read(tmp_path, CONTENTS_UNNUMBERED)
    assert document.title == "Care after stroke or transient ischaemic attack"
    assert "Information for patients and their carers." in said(tmp_path, CONTENTS_UNNUMBERED)


def test_contents_in_a_sentence_or_a_section_name_is_not_a_contents_list(tmp_path: Path) -> None:
    text = (
        "Co-Careldopa tablets\n\n1. What Co-Careldopa is\n2. Contents of the pack\n\n"
        "1. What Co-Careldopa is\nIt is a medicine. Contents 4 Page 5 Size 6 are on the box.\n\n"
        "2. Contents of the pack\nEach tablet contains levodopa.\n"
    )
    document = read(tmp_path, text)
    assert [line for line, reason in left_out(document) if reason is R.CONTENTS] == []
    assert chapters(document)[-1] == "Contents of the pack"


def test_a_sites_banner_beside_its_skip_link_is_furniture_not_the_text(tmp_path: Path) -> None:
    # AccessAble's access guide (tests/fixtures/real/35-...): the site's strapline sits
    # with its skip link over the page's heading, and a switch to the easy-read version.
    text = (
        "Skip to main content\nThe new name for DisabledGo\n\n"
        "Department Of Clinical Neurophysiology\n\n"
        "National Hospital for Neurology and Neurosurgery, Queen Square, London, WC1N 3BG\n\n"
        "Show Easy Read\n\nGetting Help and Assistance\n\n"
        "  • There is a Patient Advice and Liaison Service (PALS) at the hospital.\n"
    )
    document = read(tmp_path, text)
    assert document.title == "Department Of Clinical Neurophysiology"
    assert ("The new name for DisabledGo", R.WEB_FURNITURE) in left_out(document)
    assert ("Show Easy Read", R.WEB_FURNITURE) in left_out(document)
    # A sentence beside a skip link is the page's own.
    own = read(tmp_path, text.replace("The new name for DisabledGo", "We are open today."))
    assert ("We are open today.", R.WEB_FURNITURE) not in left_out(own)


def test_a_long_headline_in_title_case_is_a_heading(tmp_path: Path) -> None:
    # Disabled World's page (tests/fixtures/real/53-...): fifteen words, each capitalised.
    headline = "Lost Sense of Smell? Falling Out of Bed at Night? It May Be Parkinson's Disease."
    document = read(
        tmp_path,
        f"Parkinson's signs\n\nMain Digest\n\n{headline}\n\n"
        "The National Parkinson Foundation is launching a helpline today.\n",
    )
    assert chapters(document)[-1] == headline
    # A sentence as long, in ordinary case, stays a sentence.
    sentence = (
        "Lost your sense of smell? Falling out of bed at night? It may be Parkinson's disease."
    )
    plain = read(tmp_path, f"Parkinson's signs\n\nMain Digest\n\n{sentence}\n\nIt is common.\n")
    assert chapters(plain)[-1] == "Main Digest"


# A magazine's cover copied by a document host (Dystonia Dialogue, winter 2008,
# tests/fixtures/real/15-...): the masthead, the cover's teasers in short lines, then
# "inside this issue" over entries with page numbers and blurbs, run into the text.
INSIDE_THIS_ISSUE = """Dystonia Dialogue

MAGAZINE OF THE DYSTONIA MEDICAL RESEARCH FOUNDATION | WINTER 2008 | VOL. 31 • NO. 3
“Stanley
8 Meet
Fahn Award”
Recipient William
Dauer, MD
15
Internet
Connections
For The Dystonia
Community
19
FAQ About
Social Security
Disability
Benefits
inside this issue
8
The Currency Of Curiosity
Meet “Stanley Fahn Award” recipient William Dauer, MD
11 Candid Kids
Meet Jake, Jana, and Megan
15 The Web We Weave
Internet connections for the dystonia community
19 FAQ About Social Security Disability Benefits
Learn about SSDI and SSI
The Dystonia Dialogue is the magazine of
the Dystonia Medical Research Foundation.
"""


def test_a_magazines_inside_this_issue_list_is_left_out_up_to_its_text(tmp_path: Path) -> None:
    document = read(tmp_path, INSIDE_THIS_ISSUE)
    contents = [line for line, reason in left_out(document) if reason is R.CONTENTS]
    assert contents[0] == "inside this issue"
    assert contents[-1] == "Learn about SSDI and SSI", "the last entry keeps its blurb"
    sentences = said(tmp_path, INSIDE_THIS_ISSUE)
    assert any(s.startswith("Magazine of the dystonia medical research") for s in sentences)
    assert any(s.startswith("The Dystonia Dialogue is the magazine of") for s in sentences)
    assert not any("Candid Kids" in s or "Fahn Award" in s for s in sentences)
    # Fused to its first entry's page number by a PDF's extraction, as in the 2013 issue.
    fused = INSIDE_THIS_ISSUE.replace("inside this issue\n8\n", "Inside This Issue8 ")
    contents = [line for line, reason in left_out(read(tmp_path, fused)) if reason is R.CONTENTS]
    assert contents[:2] == ["Inside This Issue", "8 The Currency Of Curiosity"]


def test_headings_in_lower_case_run_into_the_text_are_found(tmp_path: Path) -> None:
    # Epilepsy Society's first-aid leaflet (tests/fixtures/real/29-...) prints its headings
    # in lower case; its document host ran them into the text.
    text = (
        "First aid for seizures\n\n01494 601 400 Monday to Friday 9am to 4pm. National call "
        "rate. what to do if someone has a seizure Managing seizures is often very simple. "
        "Knowing how to help may help you to feel more confident.\n\n"
        "are all seizures the same? There are different types of epileptic seizures.\n"
    )
    document = read(tmp_path, text)
    assert chapters(document)[1:] == [
        "what to do if someone has a seizure",
        "are all seizures the same?",
    ]
    # A question that goes on from the line above, its sentence wrapped, is text.
    prose = read(
        tmp_path,
        "First aid\n\nMany people ask us\nwhether it is safe to drive? You can ask your GP.\n",
    )
    assert chapters(prose) == [None]


def test_an_information_boxs_label_run_into_its_value_is_not_a_heading(tmp_path: Path) -> None:
    # Wikipedia's dystonia article (tests/fixtures/real/49-...): the box's rows lost the
    # space between label and value.
    document = read(
        tmp_path,
        "Dystonia\n\nDystonia\nA person with medication-induced dystonia\nSpecialtyNeurology\n"
        "Complicationsphysical disabilities (contractures, torticollis),[1] pain and fatigue[2]\n"
        "Causeshereditary (DYT1); birth injury; head trauma; medication; infection; toxins\n\n"
        "Dystonia is a neurological movement disorder.\n\nClassification\n\n"
        "There are multiple types of dystonia.\n",
    )
    assert "SpecialtyNeurology" not in chapters(document)
    assert chapters(document)[-1] == "Classification"


def test_a_copy_with_a_blank_line_after_every_line_keeps_its_sentences_whole(
    tmp_path: Path,
) -> None:
    # Carers Wales's guide on an e-paper host (tests/fixtures/real/40-...).
    text = (
        "Looking after someone\n\nEvery year in Wales 123,000 people become<br />\n\n"
        "carers, looking after family or friends who<br />\n\n"
        "are older, disabled or seriously ill.<br />\n\n"
        "At times, caring can be profoundly joyful. There’s nothing<br />\n\n"
        "more natural and human than helping our loved ones get the<br />\n\n"
        "most out of life.<br />\n"
    )
    sentences = said(tmp_path, text)
    assert (
        "Every year in Wales one hundred and twenty-three thousand people become carers, "
        "looking after family or friends who are older, disabled or seriously ill."
    ) in sentences
    assert (
        "There's nothing more natural and human than helping our loved ones get the most "
        "out of life." in sentences
    )
    # Once, a line over a lower-case line after a blank is a lead-in over its points.
    once = "Side effects\n\nYou may feel some of these side effects\n\ntiredness and feeling sick\n"
    assert "tiredness and feeling sick." in said(tmp_path, once)


def test_a_newsletter_is_not_its_own_publisher(tmp_path: Path) -> None:
    document = read(
        tmp_path,
        "Dystonia matters\n\nNews from our groups.\n\nNewsletter published during March, "
        "June, September and December.\n",
    )
    assert document.organisation is None


@pytest.mark.parametrize(
    ("name", "text", "spoken", "listed"),
    [
        # Soft hyphens and zero-width spaces, as text copied from web pages and PDFs has them.
        (
            "soft.txt",
            "Botulinum toxin\n\nThe treat\u00adment relaxes the mus\u200bcle for three months.\n",
            "The treatment relaxes the muscle for three months.",
            None,
        ),
        (
            "soft.html",
            "<html><body><h1>Botulinum toxin</h1><p>The treat&shy;ment relaxes the "
            "mus&#8203;cle.</p></body></html>",
            "The treatment relaxes the muscle.",
            None,
        ),
        # Entities in Markdown, as a converter leaves them.
        (
            "entities.md",
            "# Eating well\n\nFish &amp; chips&nbsp;are fine once a week.\n",
            "Fish and chips are fine once a week.",
            None,
        ),
        # A reference-style link: its definition line is an address, listed.
        (
            "reference.md",
            "# Help\n\nRead the [NHS page on dystonia][nhs] for more.\n\n"
            '[nhs]: https://www.nhs.uk/conditions/dystonia/ "Dystonia"\n',
            "Read the N H S page on dystonia for more.",
            ('[nhs]: https://www.nhs.uk/conditions/dystonia/ "Dystonia"', R.LINK_ADDRESS),
        ),
        # Struck-out text is not spoken, but listed; inserted text is read.
        (
            "struck.md",
            "# Doses\n\nTake ~~three~~ two tablets a day.\n",
            "Take two tablets a day.",
            ("three", R.DELETED),
        ),
        (
            "struck.html",
            "<html><body><h1>Doses</h1><p>Take <del>two</del><ins>three</ins> tablets a day."
            " <s>Ring the old number.</s></p></body></html>",
            "Take three tablets a day.",
            ("two", R.DELETED),
        ),
    ],
    ids=["soft-hyphen-text", "soft-hyphen-html", "md-entities", "md-reference", "md-strike", "del"],
)
def test_markup_never_makes_a_leaflet_unbuildable(
    tmp_path: Path, name: str, text: str, spoken: str, listed: tuple[str, LeftOutReason] | None
) -> None:
    from audio_leaflet.refusals import check_buildable

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    settings = Settings(narration_dir=tmp_path / "n", cache_dir=tmp_path / "c")
    prepared = prepare(path, settings)
    check_buildable(prepared, settings)  # was: "a bug in audio-leaflet's reading"
    assert spoken in [s for c in prepared.narration.chapters for s in c.sentences]
    assert unaccounted_words(path, prepared.script_dir) == []
    if listed is not None:
        assert listed in left_out(read_leaflet(path))


def test_a_title_given_on_the_command_line_lists_the_title_it_replaces(tmp_path: Path) -> None:
    from audio_leaflet.refusals import check_buildable

    path = tmp_path / "leaflet.txt"
    path.write_text("Spasmodic torticollis\n\nRest your neck when it aches.\n", encoding="utf-8")
    settings = Settings(
        narration_dir=tmp_path / "n", cache_dir=tmp_path / "c", title="Neck dystonia"
    )
    prepared = prepare(path, settings)
    check_buildable(prepared, settings)  # "torticollis" is nowhere else, yet not lost
    ledger = (prepared.script_dir / "left-out.txt").read_text(encoding="utf-8")
    assert "title replaced by --title  | Spasmodic torticollis" in ledger
    assert prepared.narration.title == "Neck dystonia"


def test_a_web_page_without_heading_tags_has_its_bold_headings_read(tmp_path: Path) -> None:
    document = read(
        tmp_path,
        "<html><head><title>Botulinum toxin | Clinic</title></head><body><main>"
        "<p><strong>Botulinum toxin clinic</strong></p><p>We treat dystonia.</p>"
        "<p><img src='logo.png' alt='Quality Approved Resource logo'></p>"
        "<p><b>What is dystonia?</b><br>Dystonia is a movement disorder.</p>"
        "<p><a href='leaflet.pdf'>PDF for printing</a></p>"
        "<p><strong>Type:</strong> Focal</p>"
        "<table><tr><th>Makes it worse</th><th>Eases it</th></tr>"
        "<tr><td>Stress</td><td>Rest</td></tr></table>"
        "</main></body></html>",
        name="clinic.html",
    )
    assert document.title == "Botulinum toxin clinic"
    assert chapters(document) == [None, "What is dystonia?"]
    assert ("Quality Approved Resource logo", R.IMAGE_TEXT) in left_out(document)
    assert ("PDF for printing", R.PAGE_FURNITURE) in left_out(document)


def test_a_table_printed_with_pipes_keeps_each_cells_meaning(tmp_path: Path) -> None:
    sentences = said(
        tmp_path,
        "Dystonia\nDystonia | |\n---|---|\nSpecialty | Neurology |\n"
        "Treatment | botulinum toxin injection |\n"
        "Dystonia is a movement disorder.\n\nTriggers\n\n"
        "Makes it worse | Eases it\n---|---\nStress | Rest\nCold | Warmth\n\nEnd.\n",
    )
    assert "Specialty: Neurology." in sentences
    assert "Makes it worse: Stress." in sentences and "Eases it: Rest." in sentences


def test_a_page_flattened_into_one_line_has_its_question_headings_found(tmp_path: Path) -> None:
    answer = "Your doctor will tell you what to do and how to do it safely, step by step. " * 8
    page = (
        "Gabapentinoid Reduction\n\nPatient Information Leaflet Gabapentinoid Reduction What are "
        f"gabapentinoids? Gabapentinoids are drugs such as gabapentin. {answer}Why should I "
        f"reduce my medication? You should reduce it if advised to. {answer}How will any "
        f"withdrawal symptoms be managed? Reduce the dose slowly. {answer}Need Support? You "
        f"are encouraged to call our free, confidential line. {answer}Spasticity Some of the "
        f"terms used can be confusing. {answer}\n"
    )
    document = read(tmp_path, page)
    assert [h for h in chapters(document) if h] == [
        "What are gabapentinoids?",
        "Why should I reduce my medication?",
        "How will any withdrawal symptoms be managed?",
        "Need Support?",  # as Parkinson's Queensland's magazine (tests/fixtures/real/30-...)
        "Spasticity",  # as the MS Society's booklet (43-...)
    ]
    # Names and a medicine's type between sentences stay in their sentences.
    prose = read(
        tmp_path,
        f"Botox\n\n{answer}It contains Botulinum toxin type A. In some cases John Smith The "
        f"Third said so. It works. {answer * 2}\n",
    )
    assert [h for h in chapters(prose) if h] == []


def test_a_pages_hidden_email_addresses_do_not_stop_the_build(tmp_path: Path) -> None:
    # The coverage guard refused a newsletter over its "[email protected]" lines.
    from audio_leaflet.pipeline import check_buildable

    path = tmp_path / "newsletter.txt"
    path.write_text(
        "Dystonia matters\n\nOffice: 0845 458 6211\nemail helpline:\n[email protected]\n\n"
        "News\n\nWrite to us at [email protected] with your ideas for the newsletter.\n",
        encoding="utf-8",
    )
    settings = Settings(narration_dir=tmp_path / "n", cache_dir=tmp_path / "c")
    prepared = prepare(path, settings)
    check_buildable(prepared, settings)
    assert ("[email protected]", R.HIDDEN) in left_out(read_leaflet(path))
    assert unaccounted_words(path, prepared.script_dir) == []


def test_a_us_helpline_is_said_digit_by_digit_and_again_in_the_recap(tmp_path: Path) -> None:
    sentences = said(
        tmp_path,
        "Getting help\n\nOur bilingual helpline is open every day.\n\n"
        "Contact us\n\nCall our helpline on 555-201-4400 for advice.\n",
    )
    number = "five five five, two zero one, four four zero zero"
    assert f"Call our helpline on {number} for advice." in sentences
    recap = sentences[
        sentences.index(
            "Before you go, here are the contact details from this leaflet once more."
        ) :
    ]
    assert any(number in sentence for sentence in recap)
    assert not any("five hundred and fifty-five" in sentence for sentence in sentences)
