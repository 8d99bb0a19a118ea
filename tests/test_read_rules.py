"""Line-level rules shared by every reader (read/rules.py): one table per rule."""

from __future__ import annotations

import pytest

from audio_leaflet.model import Contact, ContactKind
from audio_leaflet.read import rules

PHONE, EMAIL, WEB = ContactKind.PHONE, ContactKind.EMAIL, ContactKind.WEB


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Anxiety\u00a0 which\tcan include ", "Anxiety which can include"),
        ("social isolation.\u00a0\u00a0 ", "social isolation."),
        ("inter\u00adrelationship", "interrelationship"),
        ("zero\u200bwidth", "zerowidth"),
        ("\ufeffHeading", "Heading"),
        ("", ""),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert rules.clean_text(raw) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("  • Depression which can include", ("Depression which can include", False)),
        ("- muscle cramps or spasms", ("muscle cramps or spasms", False)),
        ("* a dry mouth", ("a dry mouth", False)),
        ("– an en dash bullet", ("an en dash bullet", False)),
        ("1. Arrive early.", ("Arrive early.", True)),
        ("2) Bring your medicines", ("Bring your medicines", True)),
        ("(3) Rest", ("Rest", True)),
        ("-5 degrees outside", None),
        ("2024. A year of change", None),
        ("Talking therapies", None),
        ("•no space after the bullet", None),
    ],
)
def test_list_item(line: str, expected: tuple[str, bool] | None) -> None:
    assert rules.list_item(line) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("116 123", True),
        ("0300 123 3393", True),
        ("020 7793 3650", True),
        ("0800 1111", True),
        ("+44 (0)20 7946 0123", True),
        ("111", True),
        ("999", True),
        ("18001 0300 123 3393", True),
        ("1234567", False),  # a charity number
        ("2024", False),  # a year
        ("116 12", False),
        ("0300 123 3393 3393 33", False),
        ("07654321x", False),
    ],
)
def test_is_phone_number(value: str, expected: bool) -> None:
    assert rules.is_phone_number(value) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Samaritans: 116 123", Contact("Samaritans", "116 123", PHONE)),
        ("Mind: 0300 123 3393 /", Contact("Mind", "0300 123 3393", PHONE)),
        (
            "Dystonia Society Helpline: 020 7793 3650",
            Contact("Dystonia Society Helpline", "020 7793 3650", PHONE),
        ),
        ("Email: info@x.org.uk", Contact("Email", "info@x.org.uk", EMAIL)),
        ("E-mail: help@kestrel.org.uk.", Contact("E-mail", "help@kestrel.org.uk", EMAIL)),
        ("Website: www.x.org", Contact("Website", "www.x.org", WEB)),
        (
            "Web: https://www.nhs.uk/conditions/",
            Contact("Web", "https://www.nhs.uk/conditions", WEB),
        ),
        ("Tel 0113 496 0321", Contact("Tel", "0113 496 0321", PHONE)),
        ("Tel: (0113) 496 0321", Contact("Tel", "(0113) 496 0321", PHONE)),
        ("Text relay: 18001 0300 123 3393", Contact("Text relay", "18001 0300 123 3393", PHONE)),
        ("Helpline 0808 157 0123 |", Contact("Helpline", "0808 157 0123", PHONE)),
        ("www.dystonia.org.uk", Contact("", "www.dystonia.org.uk", WEB)),
        ("dystonia.org.uk/help", Contact("", "dystonia.org.uk/help", WEB)),
        ("info@dystonia.org.uk", Contact("", "info@dystonia.org.uk", EMAIL)),
        ("Published: 2024", None),
        ("Registered charity number: 1234567", None),
        ("Call us on 0300 123 3393 to talk it through.", None),
        ("Some common types are:", None),
        ("If you cannot get through, try again. Mind: 0300 123 3393", None),
        ("Note: e.g. this", None),
    ],
)
def test_parse_contact(line: str, expected: Contact | None) -> None:
    assert rules.parse_contact(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Talking therapies", True),
        ("The relationship between dystonia and mental health", True),
        ("What is botulinum toxin?", True),
        ("../../etc/passwd", True),
        ("1 in 4 people", True),
        ("Some common types are:", False),
        ("The main treatments are medication and talking therapies.", False),
        ("Samaritans: 116 123", False),
        ("• A bullet point", False),
        ("lower-case start of a wrapped line", False),
        ("Many people find that the", False),  # ends on a word that needs another
        ("Registered charity number 1234567", False),
        ("Call 0300 123 3393 today", False),
        ("Skip to main content", False),
        ("Wow!", False),
        ("A heading that goes on and on for far too many words to be any kind of heading", False),
        ("", False),
    ],
)
def test_looks_like_heading(line: str, expected: bool) -> None:
    assert rules.looks_like_heading(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Click here to download our leaflet on Dystonia and mental health.",
            "Dystonia and mental health",
        ),
        ("Download our factsheet on Cervical dystonia (PDF, 250KB)", "Cervical dystonia"),
        ("Click here to download the booklet: Living with dystonia", "Living with dystonia"),
        ("Download a printable version of this leaflet", None),
        ("Click here to find out more", None),
        ("Dystonia and mental health", None),
    ],
)
def test_download_title(line: str, expected: str | None) -> None:
    assert rules.download_title(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Click here to download our leaflet on Dystonia and mental health.",
        "Click here for more information",
        "Download this leaflet as a PDF",
        "Skip navigation",
        "Skip to main content",
        "Expand",
        "Collapse all",
        "Show more",
        "Read more",
        "You are on page 1 of 22",
        "Page 3 of 4",
        "Back to top",
        "Home > Conditions > Dystonia",
        "Conditions › Movement disorders › Dystonia",
        "You are here: Support",
        "Print this page",
        "Share",
        "Share this page on Facebook",
        "Accept all cookies",
        "Reject all",
        "We use cookies to improve your experience on our website.",
        "This website uses cookies. By continuing you agree to our use of cookies.",
        "Was this page helpful?",
    ],
)
def test_web_leftovers_are_recognised(line: str) -> None:
    assert rules.is_web_leftover(line)


@pytest.mark.parametrize(
    "line",
    [
        "Talking therapies",
        "Both our physical and mental health are important for our wellbeing.",
        "Share your experience with others at a support group.",
        "Print and cut out the symptom diary at the back.",
        "Expanding your support network helps.",
        "Mind: 0300 123 3393 /",
        "Home visits can be arranged by your GP.",
        "The symptoms can be worse > 50% of the time.",
        "Download the NHS App to order repeat prescriptions, book appointments with your GP "
        "surgery, see your health records and check which version of a leaflet you were given.",
        "",
    ],
)
def test_leaflet_text_is_not_a_web_leftover(line: str) -> None:
    assert not rules.is_web_leftover(line)
