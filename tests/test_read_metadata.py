"""Title, organisation, date and small print (read/metadata.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_leaflet.model import Document, Paragraph, Section
from audio_leaflet.read.metadata import (
    SmallPrint,
    find_date,
    find_organisation,
    resolve_metadata,
    small_print_kind,
    title_from_filename,
)


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "The Dystonia Society provides this information as general information only.",
            SmallPrint.DISCLAIMER,
        ),
        ("It is not intended to provide instruction.", SmallPrint.DISCLAIMER),
        (
            "The Trust is not responsible for the consequences of your decisions.",
            SmallPrint.DISCLAIMER,
        ),
        ("This leaflet does not replace advice from your doctor.", SmallPrint.DISCLAIMER),
        ("You should not rely on this information to decide on treatment.", SmallPrint.DISCLAIMER),
        ("Disclaimer: we check our information carefully.", SmallPrint.DISCLAIMER),
        ("If you have any questions, please consult your doctor.", SmallPrint.DISCLAIMER),
        ("This is not a substitute for professional medical advice.", SmallPrint.DISCLAIMER),
        ("© 2024 The Kestrel Trust", SmallPrint.IMPRINT),
        ("Registered charity number 1234567", SmallPrint.IMPRINT),
        ("This leaflet was last reviewed in March 2025.", SmallPrint.IMPRINT),
        ("Talking therapies can help many people.", None),
        ("If you are worried, talk to your GP.", None),
        ("Samaritans are available 24 hours per day.", None),
        ("general information only " * 200, None),  # far too long to be small print
    ],
)
def test_small_print_kind(paragraph: str, expected: SmallPrint | None) -> None:
    assert small_print_kind(paragraph) is expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["The Dystonia Society provides the information on this page."], "The Dystonia Society"),
        (["Thanks. Mind provides information and support."], "Mind"),
        (["© 2024 The Kestrel Trust"], "The Kestrel Trust"),
        (
            ["Copyright © 2025 Northfield Hospitals NHS Foundation Trust. All rights reserved."],
            "Northfield Hospitals NHS Foundation Trust",
        ),
        (["© The Harbour Dystonia Trust 2023"], "The Harbour Dystonia Trust"),
        (
            ["Kestrel Dystonia Network, registered charity number 1234567."],
            "Kestrel Dystonia Network",
        ),
        (
            ["The Society for Movement Disorders is a registered charity."],
            "The Society for Movement Disorders",
        ),
        (["It is not responsible for your decisions."], None),
        (["We are not responsible for external websites."], None),
        (["This provides general information."], None),
        (["Talking therapies help."], None),
        ([], None),
    ],
)
def test_find_organisation(texts: list[str], expected: str | None) -> None:
    assert find_organisation(texts) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["This leaflet was last reviewed on 14 March 2025."], "14 March 2025"),
        (["Page last reviewed: 12 March 2024, Next review due: 12 March 2027"], "12 March 2024"),
        (["Published: June 2024"], "June 2024"),
        (["Date of publication: 03/02/2024"], "03/02/2024"),
        (["Updated 2024-11-25"], "2024-11-25"),
        (["Next review due: 12 March 2027"], None),
        (["Review date: March 2027"], None),
        (["Treatment started in March 2024."], None),
        (["Samaritans: 116 123"], None),
    ],
)
def test_find_date(texts: list[str], expected: str | None) -> None:
    assert find_date(texts) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("dystonia-and-mental-health.txt", "Dystonia and mental health"),
        ("botox_clinic-leaflet.docx", "Botox clinic leaflet"),
        ("NHS dystonia page.html", "NHS dystonia page"),
        ("leaflet.v2.md", "Leaflet v2"),
        # A number that orders the files is not part of the title (issue 20).
        ("44-rcp-care-after-stroke.txt", "Rcp care after stroke"),
        ("2024 review.txt", "2024 review"),
        ("", "Leaflet"),
    ],
)
def test_title_from_filename(name: str, expected: str) -> None:
    assert title_from_filename(name) == expected


def _document(title: str | None, organisation: str | None) -> Document:
    section = Section(heading=None, blocks=(Paragraph("Text."),))
    return Document(sections=(section,), title=title, organisation=organisation)


@pytest.mark.parametrize(
    ("title", "organisation", "found_title", "found_org", "expected"),
    [
        # Options (command line or audio-leaflet.toml) come first...
        ("Given", "Given Org", "Found", "Found Org", ("Given", "Given Org")),
        # ...then what the document says...
        (None, None, "Found", "Found Org", ("Found", "Found Org")),
        # ...then the file name; the organisation may stay empty.
        (None, None, None, None, ("Dystonia and mental health", "")),
        # An explicit empty organisation means "none", even if the document names one.
        (None, "", "Found", "Found Org", ("Found", "")),
        ("  ", None, None, None, ("Dystonia and mental health", "")),
    ],
)
def test_resolve_metadata_order(
    title: str | None,
    organisation: str | None,
    found_title: str | None,
    found_org: str | None,
    expected: tuple[str, str],
) -> None:
    document = _document(found_title, found_org)
    path = Path("leaflets/dystonia-and-mental-health.txt")
    assert resolve_metadata(document, path=path, title=title, organisation=organisation) == expected
