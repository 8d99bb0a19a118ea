"""Reading leaflets end to end (read/__init__.py): the seed, the sample, other shapes, bad input."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from audio_leaflet.errors import LeafletError
from audio_leaflet.model import (
    Block,
    BulletList,
    Contact,
    ContactKind,
    Document,
    Paragraph,
    SectionRole,
)
from audio_leaflet.read import SAMPLE_LEAFLET, read_leaflet, resolve_metadata

OPENING, BODY, DISCLAIMER = SectionRole.OPENING, SectionRole.BODY, SectionRole.DISCLAIMER
PHONE, EMAIL, WEB = ContactKind.PHONE, ContactKind.EMAIL, ContactKind.WEB


def outline(document: Document) -> list[tuple[str | None, SectionRole]]:
    return [(section.heading, section.role) for section in document.sections]


def all_text(document: Document) -> str:
    """Every word the document holds, headings included."""
    parts: list[str] = [document.title or ""]
    for section in document.sections:
        parts.append(section.heading or "")
        for block in section.blocks:
            parts.extend(_texts(block))
    return "\n".join(parts)


def _texts(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, BulletList):
        return list(block.items)
    return [block.label, block.value]


def blocks_of(document: Document, kind: type) -> list[Block]:
    return [b for s in document.sections for b in s.blocks if isinstance(b, kind)]


# --------------------------------------------------------------------------
# The seed leaflet (../shared, never copied into the project)
# --------------------------------------------------------------------------


def test_seed_leaflet_sections(seed_leaflet: Path) -> None:
    document = read_leaflet(seed_leaflet)
    assert outline(document) == [
        (None, OPENING),
        ("The relationship between dystonia and mental health", BODY),
        ("Managing mental health conditions", BODY),
        ("Talking therapies", BODY),
        ("Other ways to manage mental health", BODY),
        ("Sources of help", BODY),
        (None, DISCLAIMER),
    ]
    opening = document.sections[0].blocks[0]
    assert isinstance(opening, Paragraph)
    assert opening.text.startswith("Both our physical and mental health")
    disclaimer = document.sections[-1].blocks[0]
    assert isinstance(disclaimer, Paragraph)
    assert disclaimer.text.startswith(
        "The Dystonia Society provides the information on this page as general information only"
    )
    assert len(document.sections[-1].blocks) == 2


def test_seed_leaflet_contacts_lists_and_title(seed_leaflet: Path) -> None:
    document = read_leaflet(seed_leaflet)
    sources = document.sections[5]
    assert [b for b in sources.blocks if isinstance(b, Contact)] == [
        Contact("Samaritans", "116 123", PHONE),
        Contact("Mind", "0300 123 3393", PHONE),
        Contact("Dystonia Society Helpline", "020 7793 3650", PHONE),
    ]
    assert "Click here" not in all_text(document)
    assert "download" not in all_text(document).lower()
    assert document.title == "Dystonia and mental health"
    assert document.organisation == "The Dystonia Society"
    lists = blocks_of(document, BulletList)
    assert [len(b.items) for b in lists] == [4, 3]
    assert not any(b.ordered for b in lists)
    assert lists[0].items[2].startswith("Obsessive compulsive disorder (OCD)")
    # No-break spaces left over from the web page are gone.
    assert "\u00a0" not in all_text(document)


def test_seed_leaflet_metadata_resolves_from_the_document(seed_leaflet: Path) -> None:
    document = read_leaflet(seed_leaflet)
    assert resolve_metadata(document, path=seed_leaflet) == (
        "Dystonia and mental health",
        "The Dystonia Society",
    )
    assert resolve_metadata(document, path=seed_leaflet, title="Mental health") == (
        "Mental health",
        "The Dystonia Society",
    )


# --------------------------------------------------------------------------
# The built-in sample (package data, the quick start's input)
# --------------------------------------------------------------------------


def test_sample_leaflet_is_package_data_and_exercises_everything() -> None:
    assert SAMPLE_LEAFLET.is_file()
    assert SAMPLE_LEAFLET.parent.name == "data"
    words = len(SAMPLE_LEAFLET.read_text(encoding="utf-8").split())
    assert 400 <= words <= 700
    document = read_leaflet(SAMPLE_LEAFLET)
    assert outline(document) == [
        (None, OPENING),
        ("What is botulinum toxin?", BODY),
        ("What happens at your appointment", BODY),
        ("After the injections", BODY),
        ("Looking after yourself", BODY),
        ("Talking to us", BODY),
        (None, DISCLAIMER),
    ]
    assert document.title == "Botulinum toxin injections for dystonia"
    assert document.organisation == "The Harbour Dystonia Trust"
    assert document.date == "14 March 2025"
    lists = blocks_of(document, BulletList)
    assert [(len(b.items), b.ordered) for b in lists] == [(4, True), (4, False)]
    assert blocks_of(document, Contact) == [
        Contact("Helpline", "0808 157 0123", PHONE),
        Contact("Email", "hello@harbourdystonia.org.uk", EMAIL),
        Contact("Website", "www.harbourdystonia.org.uk", WEB),
    ]
    text = all_text(document)
    for needle in ("GP", "NHS", "e.g.", "2-3 days", "70-80%"):
        assert needle in text, needle


# --------------------------------------------------------------------------
# Leaflets shaped differently (tests/fixtures, written for this project)
# --------------------------------------------------------------------------


def test_nhs_style_text_page(fixtures: Path) -> None:
    document = read_leaflet(fixtures / "nhs-style-dystonia.txt")
    assert document.title == "Dystonia"
    assert outline(document) == [
        (None, OPENING),
        ("Symptoms of dystonia", BODY),
        ("Treatments for dystonia", BODY),
        ("Help and support", BODY),
    ]
    assert [len(b.items) for b in blocks_of(document, BulletList)] == [4, 3, 4]
    assert document.date == "12 March 2024"
    text = all_text(document)
    for leftover in ("Skip to main content", "Home >", "Expand", "Back to top"):
        assert leftover not in text


def test_hospital_leaflet_with_question_headings(fixtures: Path) -> None:
    document = read_leaflet(fixtures / "botulinum-toxin-clinic.md")
    assert document.title == "Botulinum toxin treatment"
    assert outline(document) == [
        (None, OPENING),
        ("What is botulinum toxin?", BODY),
        ("How is the treatment given?", BODY),
        ("Are there any side effects?", BODY),
        ("Who can I contact with questions?", BODY),
    ]
    assert [(len(b.items), b.ordered) for b in blocks_of(document, BulletList)] == [
        (3, True),
        (3, False),
    ]
    assert blocks_of(document, Contact) == [
        Contact("Neurology outpatients", "0161 496 0123", PHONE),
        Contact("Email", "neurology.clinic@example.nhs.uk", EMAIL),
    ]
    assert document.organisation == "Northfield Hospitals NHS Foundation Trust"
    assert document.date == "June 2024"


def test_web_page_keeps_its_main_content_only(fixtures: Path) -> None:
    document = read_leaflet(fixtures / "cervical-dystonia-page.html")
    assert document.title == "Cervical dystonia"
    assert document.organisation == "Kestrel Dystonia Network"
    assert outline(document) == [
        (None, OPENING),
        ("Symptoms", BODY),
        ("Getting a diagnosis", BODY),
        ("Contact us", BODY),
    ]
    assert [(b.items, b.ordered) for b in blocks_of(document, BulletList)] == [
        (
            (
                "neck pain that may spread to the shoulders",
                "the head turning to one side",
                "sometimes with a tremor",
                "headaches",
            ),
            False,
        ),
        (("See your GP.", "Get a referral to a neurologist."), True),
    ]
    assert blocks_of(document, Contact) == [
        Contact("Helpline", "0113 496 0789", PHONE),
        Contact("Email", "help@kestrel-dystonia.org.uk", EMAIL),
    ]
    text = all_text(document)
    for absent in (
        "Skip to main content",
        "cookies",
        "Accept all",
        "About us",
        "Donate",
        "Types of dystonia",
        "Expand",
        "alert",
        "tracking",
        "injected",
        "page 1 of 3",
        "Share",
        "Print",
        "JavaScript",
        "Search",
        "Related pages",
        "All rights reserved",
    ):
        assert absent not in text, absent


def test_guide_with_a_front_page_of_addresses_and_charity_numbers(fixtures: Path) -> None:
    document = read_leaflet(fixtures / "carers-guide.txt")
    assert document.title == "Caring for someone with dystonia"
    assert document.organisation == "Kestrel Dystonia Network"
    assert outline(document) == [
        (None, OPENING),
        ("About this guide", BODY),
        ("Practical help at home", BODY),
        ("Looking after yourself", BODY),
        ("Where to find support", BODY),
        (None, DISCLAIMER),
    ]
    front = document.sections[0].blocks
    assert front[:2] == (
        Paragraph("A guide for families and friends"),
        Paragraph("Kestrel Dystonia Network, Kestrel House, 4 Mill Lane, York YO1 7HH"),
    )
    assert front[2:5] == (
        Contact("Telephone", "0113 496 0321", PHONE),
        Contact("Email", "info@kestrel-dystonia.org.uk", EMAIL),
        Contact("Website", "www.kestrel-dystonia.org.uk", WEB),
    )
    charity = front[5]
    assert isinstance(charity, Paragraph)
    assert charity.text.startswith("Registered charity number 1234567")
    assert blocks_of(document, BulletList) == [
        BulletList(
            (
                "Keep things they use often within easy reach.",
                "Use cups and cutlery that are easy to grip.",
                "Allow extra time for getting ready in the morning.",
            )
        )
    ]
    assert document.sections[4].blocks == (
        Contact("Carers helpline", "0808 157 0789", PHONE),
        Contact("Our online forum", "www.kestrel-dystonia.org.uk/forum", WEB),
    )


def test_word_document(tmp_path: Path) -> None:
    word = docx.Document()
    word.add_heading("Sleep and dystonia", 0)
    word.add_paragraph("Many people with dystonia sleep badly.")
    word.add_heading("Why sleep is hard", 1)
    word.add_paragraph("Common reasons are:")
    for reason in ("pain", "spasms at night", "worry"):
        word.add_paragraph(reason, style="List Bullet")
    word.add_heading("What can help", 1)
    for step in ("Keep a regular bedtime.", "Talk to your GP about pain."):
        word.add_paragraph(step, style="List Number")
    word.add_paragraph("Helpline: 0808 157 0123")
    word.add_paragraph("The Harbour Dystonia Trust provides this as general information only.")
    path = tmp_path / "sleep.docx"
    word.save(str(path))

    document = read_leaflet(path)

    assert document.title == "Sleep and dystonia"
    assert document.organisation == "The Harbour Dystonia Trust"
    assert outline(document) == [
        (None, OPENING),
        ("Why sleep is hard", BODY),
        ("What can help", BODY),
        (None, DISCLAIMER),
    ]
    assert blocks_of(document, BulletList) == [
        BulletList(("pain", "spasms at night", "worry")),
        BulletList(("Keep a regular bedtime.", "Talk to your GP about pain."), ordered=True),
    ]
    assert blocks_of(document, Contact) == [Contact("Helpline", "0808 157 0123", PHONE)]


def test_docx_named_otherwise_is_read_by_content(tmp_path: Path) -> None:
    word = docx.Document()
    word.add_paragraph("Text from a Word file.")
    path = tmp_path / "attachment.bin"
    word.save(str(path))
    assert all_text(read_leaflet(path)).strip() == "Text from a Word file."


# --------------------------------------------------------------------------
# Bad input: a clear one-line error or a correct result
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "{path} is empty: put the leaflet's text in it, or give another file."),
        (
            "not-a-leaflet.bin",
            "Cannot read {path}: unknown format. "
            "Give a leaflet as .txt, .md, .html, .docx or .pdf.",
        ),
    ],
)
def test_bad_fixture_is_a_one_line_error(fixtures: Path, name: str, message: str) -> None:
    path = fixtures / name
    with pytest.raises(LeafletError) as caught:
        read_leaflet(path)
    assert str(caught.value) == message.format(path=path)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "blank.txt",
            b" \n\n\t \r\n",
            "{path} is empty: put the leaflet's text in it, or give another file.",
        ),
        (
            "nbsp.md",
            "\u00a0\n\u00a0".encode(),
            "{path} is empty: put the leaflet's text in it, or give another file.",
        ),
        (
            "image.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "{path} looks like binary data, not a leaflet: "
            "give a .txt, .md, .html, .docx or .pdf file.",
        ),
        (
            "nav-only.html",
            b"<html><body><nav>Home</nav><p>Skip to main content</p></body></html>",
            "No leaflet text found in nav-only.html: it holds no paragraphs or lists once page "
            "furniture is removed. Check that it is the right file.",
        ),
    ],
)
def test_bad_content_is_a_one_line_error(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LeafletError) as caught:
        read_leaflet(path)
    assert str(caught.value) == message.format(path=path)
    assert "\n" not in str(caught.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    with pytest.raises(LeafletError) as caught:
        read_leaflet(missing)
    assert str(caught.value) == f"Leaflet not found: {missing}. Check the path and the file name."
    with pytest.raises(LeafletError) as caught:
        read_leaflet(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path} is a folder, not a leaflet: give a .txt, .md, .html, .docx or .pdf file."
    )


def test_windows_1252_reads_correctly(fixtures: Path) -> None:
    document = read_leaflet(fixtures / "windows-1252.txt")
    assert document.title == "Help with costs"
    assert blocks_of(document, Paragraph) == [
        Paragraph("Prescriptions in England cost £9.90 for each item – unless you are exempt."),
        Paragraph(
            "Ask your pharmacist about a “prescription prepayment certificate”; it’s often cheaper."
        ),
    ]


def test_no_headings_is_one_section(fixtures: Path) -> None:
    document = read_leaflet(fixtures / "no-headings.txt")
    assert outline(document) == [(None, OPENING)]
    assert len(document.sections[0].blocks) == 2
    assert document.title is None
    assert resolve_metadata(document, path=fixtures / "no-headings.txt") == ("No headings", "")


def test_path_like_heading_stays_text_and_script_is_absent(fixtures: Path) -> None:
    document = read_leaflet(fixtures / "path-heading.md")
    assert outline(document) == [(None, OPENING), ("../../etc/passwd", BODY), ("Treatment", BODY)]
    assert "alert" not in all_text(document)
    assert "script" not in all_text(document)
    assert blocks_of(document, Paragraph)[-1] == Paragraph("Physiotherapy helps too. Keep moving.")


def test_path_like_heading_in_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "paths.txt"
    path.write_text("Opening text.\n\n../../etc/passwd\n\nText under it.\n", encoding="utf-8")
    assert outline(read_leaflet(path)) == [(None, OPENING), ("../../etc/passwd", BODY)]


def test_script_in_html_is_absent(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><script>alert(0)</script></head><body><h1>Title</h1>"
        "<p>Safe <script>alert(1)</script>text.</p><script>alert(2)</script>"
        "<p onclick='alert(3)'>More text.</p></body></html>",
        encoding="utf-8",
    )
    document = read_leaflet(path)
    assert "alert" not in all_text(document)
    assert blocks_of(document, Paragraph) == [Paragraph("Safe text."), Paragraph("More text.")]


def test_three_hundred_sections_and_a_five_megabyte_leaflet(tmp_path: Path) -> None:
    paragraph = (
        "Dystonia causes muscles to tighten when you do not want them to, and it can "
        "be painful. Treatment with injections and physiotherapy helps many people. "
    ) * 8
    parts = [paragraph.strip()]
    for number in range(1, 301):
        parts += [f"Part {number} of the guide", paragraph.strip()]
    sections = tmp_path / "sections.txt"
    sections.write_text("\n\n".join(parts), encoding="utf-8")
    document = read_leaflet(sections)
    assert len(document.sections) == 301
    assert document.sections[-1].heading == "Part 300 of the guide"

    big = tmp_path / "big.txt"
    repeats = 5 * 1024 * 1024 // len(sections.read_bytes()) + 1
    big.write_text("\n\n".join([sections.read_text(encoding="utf-8")] * repeats), encoding="utf-8")
    assert big.stat().st_size >= 5 * 1024 * 1024
    document = read_leaflet(big)
    assert len(document.sections) == 1 + 300 * repeats
