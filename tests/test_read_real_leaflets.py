"""Leaflets shaped like the real ones: every word spoken or listed, and the shape staff expect.

The fixtures in tests/fixtures/corpus/ are written to look like what staff
really bring: a charity page copied as text with its menu, a hospital
leaflet with question headings under a department label, a guide with a
cover and a contents page, a newsletter with headings in capitals, a saved
hospital web page with an <embed> and a table, a leaflet with its own
"Introduction". The expected sections and left-out reasons below were
written by hand from reading each fixture, not from the reader's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_leaflet.config import Settings
from audio_leaflet.model import LeftOutReason
from audio_leaflet.pipeline import prepare
from audio_leaflet.read import read_leaflet
from audio_leaflet.read.markdown import read_markdown
from audio_leaflet.read.outline import LEFT_OUT_FILE, OUTLINE_FILE, outline_markdown
from audio_leaflet.read.structure import build_document
from conftest import FIXTURES, SEED_LEAFLET
from helpers.coverage import unaccounted_words

CORPUS = FIXTURES / "corpus"
ALL_FIXTURES = sorted(
    p
    for p in [*FIXTURES.iterdir(), *CORPUS.iterdir()]
    if p.suffix in (".txt", ".md", ".html", ".docx") and p.name != "empty.txt"
)

R = LeftOutReason
EXPECTED = {
    "web-copy-with-menu.txt": (
        "Blepharospasm",
        ["Overview", "Symptoms", "Who gets it", "Treatment", "Contact our helpline"],
        {R.WEB_FURNITURE, R.PAGE_FURNITURE, R.MENU},
    ),
    "question-headings.txt": (
        "Botulinum toxin injections for blepharospasm",
        [
            "What is blepharospasm?",
            "Why have I been offered botulinum toxin?",
            "What happens on the day?",
            "Are there any side effects?",
            "Who can I contact with questions?",
        ],
        {R.LABEL},
    ),
    "guide-with-contents.txt": (
        "A guide to cervical dystonia",
        [
            # The cover (who it is for, the charity, its address) is the opening text.
            "Overview",
            "About this guide",
            "What is cervical dystonia?",
            "Treatment",
            "Living with cervical dystonia",
            "Where to find help",
        ],
        {R.CONTENTS},
    ),
    "newsletter-caps.txt": (
        "The dystonia news",
        ["Overview", "Welcome from the chair", "Awareness week", "Research update", "Diary dates"],
        set(),
    ),
    "hospital-page.html": (
        "Botulinum toxin clinic",
        ["Overview", "Clinic times", "Before your appointment"],
        {R.SITE_NAVIGATION, R.IMAGE_TEXT},
    ),
    "own-introduction.md": (
        "Living well with writer's cramp",
        ["Introduction", "Everyday tips", "Getting help"],
        set(),
    ),
}


def _prepared(path: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    return prepare(path, Settings(narration_dir=tmp_path / "narration", cache_dir=tmp_path / "c"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_real_shaped_leaflet_reads_as_a_person_would(name: str, tmp_path: Path) -> None:
    title, sections, reasons = EXPECTED[name]
    prepared = _prepared(CORPUS / name, tmp_path)
    narration = prepared.narration
    assert narration.title == title
    assert [c.title for c in narration.chapters[1:]] == sections
    document = read_leaflet(CORPUS / name)
    assert {item.reason for item in document.left_out} == reasons
    assert prepared.lost == ()


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: p.name)
def test_every_word_is_spoken_or_listed_with_its_reason(path: Path, tmp_path: Path) -> None:
    prepared = _prepared(path, tmp_path)
    assert unaccounted_words(path, prepared.script_dir) == []
    assert (prepared.script_dir / LEFT_OUT_FILE).is_file()


def test_the_seed_leaflet_loses_no_word(tmp_path: Path) -> None:
    if not SEED_LEAFLET.is_file():
        pytest.skip(f"seed leaflet not found at {SEED_LEAFLET} (../shared is absent)")
    prepared = _prepared(SEED_LEAFLET, tmp_path)
    assert unaccounted_words(SEED_LEAFLET, prepared.script_dir) == []
    assert len(prepared.narration.chapters) == 8


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: p.name)
def test_the_outline_is_a_leaflet_that_reads_back_the_same(path: Path) -> None:
    document = read_leaflet(path)
    title = document.title or "Leaflet"
    outline = outline_markdown(document, title)
    again = build_document(read_markdown(outline), source_name="outline.md")
    assert again.title == title
    assert [(s.heading, s.blocks) for s in again.sections] == [
        (s.heading, s.blocks) for s in document.sections
    ]
    assert again.left_out == (), "left-out lines are comments in the outline"


def test_staff_correct_a_heading_in_the_outline_and_build_from_it(tmp_path: Path) -> None:
    prepared = _prepared(CORPUS / "guide-with-contents.txt", tmp_path)
    outline = prepared.script_dir / OUTLINE_FILE
    ledger = (prepared.script_dir / LEFT_OUT_FILE).read_text(encoding="utf-8")
    text = outline.read_text(encoding="utf-8")
    outline.write_text(text.replace("## Treatment", "## Treatments that help"), encoding="utf-8")

    again = _prepared(outline, tmp_path)

    assert again.script_dir == prepared.script_dir, "the same leaflet, the same scripts"
    assert "Treatments that help" in [c.title for c in again.narration.chapters]
    assert outline.read_text(encoding="utf-8") != text, "the staff's outline is kept"
    assert (prepared.script_dir / LEFT_OUT_FILE).read_text(encoding="utf-8") == ledger


def test_a_line_the_reader_would_lose_stops_the_build(tmp_path: Path) -> None:
    import dataclasses

    from audio_leaflet.errors import BuildError
    from audio_leaflet.refusals import check_buildable

    prepared = _prepared(CORPUS / "question-headings.txt", tmp_path)
    broken = dataclasses.replace(prepared, lost=("Please ring the eye clinic",))
    with pytest.raises(BuildError, match=r"neither spoken nor listed.*Please ring the eye clinic"):
        check_buildable(broken, Settings())


def test_a_web_page_copied_as_text_says_what_it_left_out(tmp_path: Path) -> None:
    prepared = _prepared(CORPUS / "web-copy-with-menu.txt", tmp_path)
    assert prepared.left_out.startswith("Left out: ")
    assert "site navigation menu" in prepared.left_out and "left-out.txt" in prepared.left_out
    ledger = (prepared.script_dir / LEFT_OUT_FILE).read_text(encoding="utf-8").splitlines()
    entries = [line.split("| ", 1)[1] for line in ledger if "| " in line]
    # Exactly as in the source, in source order.
    assert entries[:4] == [
        "Skip to main content",
        "You are using an outdated browser. Please upgrade your browser to improve your "
        "experience.",
        "Log in",
        "Basket: 0 items",
    ]
    assert "PDF patient information leaflet (95kB)" in entries
    said = " ".join(s for c in prepared.narration.chapters for s in c.sentences)
    for furniture in ("Basket", "outdated browser", "Donate", "Facebook", "kB"):
        assert furniture not in said
    # The list printed without bullets is read as a list, not run together.
    overview = prepared.narration.chapters[1].sentences
    start = overview.index("Other names.")
    assert overview[start : start + 3] == (
        "Other names.",
        "There are two points.",
        "Benign essential blepharospasm.",
    )


def test_a_leaflet_never_gets_the_build_date_as_its_own(tmp_path: Path) -> None:
    dated = _prepared(CORPUS / "question-headings.txt", tmp_path / "a").narration
    assert "This leaflet is dated November twenty eleven." in dated.chapters[0].sentences
    undated = _prepared(CORPUS / "own-introduction.md", tmp_path / "b").narration
    assert any(s.startswith("This recording was made on") for s in undated.chapters[0].sentences)
    assert not any("Last updated" in s for c in (dated, undated) for s in c.chapters[0].sentences)


def test_an_html_embed_swallows_nothing(tmp_path: Path) -> None:
    said = " ".join(
        s for c in _prepared(CORPUS / "hospital-page.html", tmp_path).narration.chapters
        for s in c.sentences
    )  # fmt: skip
    assert "You will be sent a letter" in said and "Bring a list of the medicines" in said


def _nested_page(depth: int) -> str:
    return (
        "<!doctype html><html><head><title>Clinic news</title></head><body>"
        "<h1>Clinic news</h1>" + "<div>" * depth + "<p>Words deep inside the page.</p>"
        + "</div>" * depth + "<p>Words after the nesting.</p></body></html>"
    )  # fmt: skip


def test_a_deeply_nested_page_is_read_in_full(tmp_path: Path) -> None:
    page = tmp_path / "nested.html"
    page.write_text(_nested_page(390), encoding="utf-8")  # past libxml2's default 256
    prepared = _prepared(page, tmp_path)
    said = [s for c in prepared.narration.chapters for s in c.sentences]
    assert "Words deep inside the page." in said and "Words after the nesting." in said


@pytest.mark.parametrize("depth", [1_000, 50_000])
def test_a_page_nested_too_deep_is_refused_not_cut_short(depth: int, tmp_path: Path) -> None:
    from audio_leaflet.errors import LeafletError

    page = tmp_path / "nested.html"
    page.write_text(_nested_page(depth), encoding="utf-8")
    with pytest.raises(LeafletError, match=r"nested.html nests its elements more than 400 deep"):
        read_leaflet(page)
