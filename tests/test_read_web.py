"""HTML reader (read/web.py): the main content only."""

from __future__ import annotations

import pytest

from audio_leaflet.read.structure import Gap, Heading, Hints, Item, Piece, Table, Text
from audio_leaflet.read.web import read_html


def pieces_of(body: str) -> list[Piece]:
    return read_html(f"<html><body>{body}</body></html>", "page.html")[0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "<h1>Title</h1><p>Text <b>bold</b> and <a href='#'>link</a>.</p>",
            [Heading("Title", 1), Text(("Text bold and link.",))],
        ),
        ("<h3>Deep</h3>", [Heading("Deep", 3)]),
        ("<p>Line one<br>Mind: 0300 123 3393</p>", [Text(("Line one", "Mind: 0300 123 3393"))]),
        (
            "<div>Loose text <p>para</p> tail text</div>",
            [Text(("Loose text",)), Text(("para",)), Text(("tail text",))],
        ),
        (
            "<ul><li>a</li><li>b<ul><li>b1</li></ul></li></ul><ol><li>c</li></ol>",
            [Item("a", False, 1), Item("b", False, 1), Item("b1", False, 1), Item("c", True, 2)],
        ),
        ("<ul><li><p>one</p><p>more</p></li></ul>", [Item("one more", False, 1)]),
        (
            "<table><tr><th>Day</th><th>Time</th></tr><tr><td>Monday</td><td>10am</td></tr></table>",
            [Table((("Day", "Time"), ("Monday", "10am")), header_row=True)],
        ),
        (
            "<table><caption>Clinics</caption><thead><tr><td></td><td>Morning</td></tr></thead>"
            "<tr><th>Monday</th><td>Eye clinic</td></tr></table>",
            [Table((("", "Morning"), ("Monday", "Eye clinic")), True, True, "Clinics")],
        ),
        # A page laid out with a table: each cell is read as the blocks it holds.
        (
            "<table><tr><td><h2>Side effects</h2><p>Some.</p><p>More.</p></td></tr></table>",
            [Heading("Side effects", 2), Text(("Some.",)), Text(("More.",))],
        ),
        ("<p>One.</p><hr><p>Two.</p>", [Text(("One.",)), Gap(), Text(("Two.",))]),
        ("<p>Kept<!-- a comment --> tail</p>", [Text(("Kept tail",))]),
    ],
)
def test_read_html_pieces(body: str, expected: list[Piece]) -> None:
    assert pieces_of(body) == expected


@pytest.mark.parametrize(
    "furniture",
    [
        "<nav><a>Home</a></nav>",
        "<header><p>Site banner</p></header>",
        "<footer><p>Site footer</p></footer>",
        "<aside><p>Related</p></aside>",
        "<script>alert(1)</script>",
        "<style>p { color: red }</style>",
        "<form><label>Search</label><input></form>",
        "<noscript>Enable JavaScript</noscript>",
        "<template><p>Template</p></template>",
        "<button>Expand</button>",
        "<p hidden>Hidden</p>",
        "<p aria-hidden='true'>Hidden</p>",
        "<p style='display: none'>Hidden</p>",
        "<div role='navigation'>Menu</div>",
        "<div class='cookie-banner'><p>Cookies</p></div>",
        "<div id='breadcrumbs'>Home</div>",
        "<span class='visually-hidden'>opens in a new tab</span>",
        "<iframe>Frame</iframe>",
    ],
)
def test_page_furniture_is_removed(furniture: str) -> None:
    assert pieces_of(f"<p>Before.</p>{furniture}<p>After.</p>") == [
        Text(("Before.",)),
        Text(("After.",)),
    ]


def test_main_content_is_preferred_to_the_rest_of_the_body() -> None:
    page = (
        "<body><div>Site furniture</div><main><header><h1>Title</h1></header><p>Main.</p>"
        "</main><div>More furniture</div></body>"
    )
    assert read_html(page, "page.html")[0] == [Heading("Title", 1), Text(("Main.",))]


def test_role_main_and_a_single_article_count_as_main() -> None:
    role = "<body><div>Out</div><div role='main'><p>In.</p></div></body>"
    article = "<body><div>Out</div><article><p>In.</p></article></body>"
    assert read_html(role, "a.html")[0] == [Text(("In.",))]
    assert read_html(article, "b.html")[0] == [Text(("In.",))]


@pytest.mark.parametrize(
    ("head", "hints"),
    [
        ("<title>Cervical dystonia | Kestrel Network</title>", Hints(title="Cervical dystonia")),
        (
            "<title>Dystonia - NHS</title><meta property='og:site_name' content='NHS'>",
            Hints(title="Dystonia", organisation="NHS"),
        ),
        (
            "<meta property='og:title' content='Sleep and dystonia'><title>Sleep | Site</title>",
            Hints(title="Sleep and dystonia"),
        ),
        ("", Hints()),
    ],
)
def test_hints_from_the_head(head: str, hints: Hints) -> None:
    assert read_html(f"<html><head>{head}</head><body><p>x</p></body></html>", "a.html")[1] == hints


def test_xhtml_with_an_xml_declaration() -> None:
    page = "<?xml version='1.0' encoding='utf-8'?><html xmlns='http://www.w3.org/1999/xhtml'><body><p>x</p></body></html>"
    assert read_html(page, "a.xhtml")[0] == [Text(("x",))]
