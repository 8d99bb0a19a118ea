"""HTML leaflets and web pages: the main content only, as pieces.

Site navigation, headers, footers, cookie banners, forms, buttons, hidden
elements, scripts and styles are removed before any text is taken, so no
script text can ever reach the narration (docs/safety.md).
"""

from __future__ import annotations

import copy as copy_module
import dataclasses
import itertools
import re
from collections.abc import Iterator

import lxml.etree
import lxml.html

from audio_leaflet.errors import LeafletError
from audio_leaflet.model import LeftOut, LeftOutReason
from audio_leaflet.read import rules
from audio_leaflet.read.structure import Gap, Heading, Hints, Item, Piece, Table, Text

# Elements whose content is never leaflet text.
_DROP_TAGS = frozenset(
    [
        "nav",
        "aside",
        "script",
        "style",
        "form",
        "noscript",
        "template",
        "button",
        "iframe",
        "frame",
        "frameset",
        "svg",
        "math",
        "canvas",
        "object",
        "embed",
        "applet",
        "select",
        "option",
        "datalist",
        "textarea",
        "input",
        "dialog",
        "video",
        "audio",
        "map",
        "head",
        "title",
        "meta",
        "link",
        "base",
    ]
)
_DROP_ROLES = frozenset(
    [
        "navigation",
        "banner",
        "contentinfo",
        "complementary",
        "search",
        "dialog",
        "alertdialog",
        "menu",
        "menubar",
        "toolbar",
        "button",
        "tablist",
    ]
)
# Class or id words used for page furniture (cookie banners, breadcrumbs,
# share bars) and for text meant only for screen readers ("opens in a new tab").
_DROP_NAMES = re.compile(
    r"(?:^|[\s_-])(?:cookies?|consent|gdpr|breadcrumbs?|skip-?links?|skip-?to|share|sharing|"
    r"social|back-?to-?top|print-?link|visually-?hidden|sr-only|screen-?reader-?text|"
    r"site-?header|site-?footer|masthead)(?:$|[\s_-])",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_LISTS = {"ul": False, "ol": True, "menu": False}
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "header",
        "hgroup",
        "html",
        "li",
        "main",
        "p",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "caption",
        "center",
    ]
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—:-]\s+|\s+::\s+")


_CODE_TAGS = frozenset(["script", "style", "template", "noscript"])
_STRUCK_TAGS = frozenset(["del", "s", "strike"])
"""Text struck through or deleted: not said, but listed."""
_NAVIGATION_TAGS = frozenset(["nav", "header", "footer", "aside", "menu"])
_NAVIGATION_ROLES = frozenset(
    ["navigation", "banner", "contentinfo", "complementary", "menu", "menubar"]
)
_COOKIE_NAMES = re.compile(r"cookie|consent|gdpr", re.IGNORECASE)
_BREADCRUMB_NAMES = re.compile(r"breadcrumb", re.IGNORECASE)
_HIDDEN_NAMES = re.compile(r"visually-?hidden|sr-only|screen-?reader-?text", re.IGNORECASE)


def _furniture_reason(element: lxml.html.HtmlElement, *, keep_header: bool) -> LeftOutReason | None:
    """Why an element is page furniture, not leaflet text; None when it is text."""
    tag = element.tag.lower()
    attributes = element.attrib
    names = f"{attributes.get('class', '')} {attributes.get('id', '')}"
    role = attributes.get("role", "").lower()
    if tag in _CODE_TAGS:
        return LeftOutReason.SCRIPT
    if tag in _STRUCK_TAGS:
        return LeftOutReason.DELETED  # "<del>two</del><ins>three</ins>" says "three"
    if (
        "hidden" in attributes
        or attributes.get("aria-hidden", "").lower() == "true"
        or attributes.get("type", "").lower() == "hidden"
        or _HIDDEN_STYLE.search(attributes.get("style", ""))
        or _HIDDEN_NAMES.search(names)
    ):
        return LeftOutReason.HIDDEN
    if tag == "header" and keep_header:
        return None
    if tag in _NAVIGATION_TAGS or role in _NAVIGATION_ROLES:
        return LeftOutReason.SITE_NAVIGATION
    if _COOKIE_NAMES.search(names):
        return LeftOutReason.COOKIE_NOTICE
    if _BREADCRUMB_NAMES.search(names):
        return LeftOutReason.BREADCRUMBS
    if tag in _DROP_TAGS or role in _DROP_ROLES or _DROP_NAMES.search(names):
        return LeftOutReason.WEB_FURNITURE
    return None


def _strip_furniture(root: lxml.html.HtmlElement, *, keep_header: bool) -> list[LeftOut]:
    """Remove page furniture from `root`; what it said, line by line, with the reason."""
    doomed = []
    for element in root.iter():
        if isinstance(element.tag, str) and element is not root:
            reason = _furniture_reason(element, keep_header=keep_header)
            if reason is not None:
                doomed.append((element, reason))
    left_out: list[LeftOut] = []
    for element, reason in doomed:
        if element.getparent() is not None:  # not inside furniture already removed
            if reason is not LeftOutReason.SCRIPT:  # code is not words for people
                left_out += [LeftOut(line, reason) for line in _shown_lines(element)]
            element.drop_tree()  # keeps the element's tail text, which belongs to its parent
    return left_out


def _shown_lines(element: lxml.html.HtmlElement) -> list[str]:
    """The lines of text an element shows, one per block, link or list point."""
    copy = copy_module.deepcopy(element)
    copy.tail = None
    for inner in list(copy.iter()):
        if not isinstance(inner.tag, str):
            continue
        if inner.tag.lower() in _CODE_TAGS and inner is not copy:
            inner.drop_tree()
        elif inner.tag.lower() in _LINE_TAGS:
            inner.tail = "\n" + (inner.tail or "")
            inner.text = "\n" + (inner.text or "")
    return [" ".join(line.split()) for line in copy.text_content().splitlines() if line.strip()]


_LINE_TAGS = frozenset(
    [
        "a",
        "br",
        "li",
        "p",
        "td",
        "th",
        "tr",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dt",
        "dd",
        "option",
        "button",
        "label",
        "span",
    ]
)


def _main_content(document: lxml.html.HtmlElement) -> tuple[lxml.html.HtmlElement, bool]:
    """The element holding the page's own content, and whether it is a main/article element."""
    for query in ("//main", "//*[@role='main']"):
        found = document.xpath(query)
        if found:
            return found[0], True
    articles = document.xpath("//article")
    if len(articles) == 1:
        return articles[0], True
    bodies = document.xpath("//body")
    return (bodies[0] if bodies else document), False


def _inline_text(element: lxml.html.HtmlElement, skip: frozenset[str] = frozenset()) -> str:
    parts: list[str] = []

    def visit(node: lxml.html.HtmlElement) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and child.tag.lower() not in skip:
                if child.tag.lower() == "br" or child.tag.lower() in _BLOCKS:
                    parts.append(" ")
                visit(child)
                if child.tag.lower() in _BLOCKS:
                    parts.append(" ")
            if child.tail:
                parts.append(child.tail)

    visit(element)
    return " ".join("".join(parts).split())


class _Walker:
    """Turns an element tree into pieces in reading order."""

    def __init__(self, groups: Iterator[int]) -> None:
        self.pieces: list[Piece] = []
        self._buffer: list[str] = []
        self._groups = groups

    def flush(self) -> None:
        text = "".join(self._buffer)
        self._buffer.clear()
        lines = tuple(line for line in (" ".join(raw.split()) for raw in text.split("\n")) if line)
        if lines:
            self.pieces.append(Text(lines))

    def walk(self, element: lxml.html.HtmlElement) -> None:
        if not isinstance(element.tag, str):
            return  # a comment or processing instruction; its tail is read by the parent
        tag = element.tag.lower()
        if tag in _HEADINGS:
            self.flush()
            if text := _inline_text(element):
                self.pieces.append(Heading(text, _HEADINGS[tag]))
        elif tag in _LISTS:
            self.flush()
            self._walk_list(element, _LISTS[tag], next(self._groups))
        elif tag == "br":
            self._buffer.append("\n")
        elif tag == "hr":
            self.flush()
            self.pieces.append(Gap())
        elif tag == "table" and (table := _data_table(element)) is not None:
            self.flush()
            if table.rows or table.caption:
                self.pieces.append(table)
        elif tag in {"tr", "td", "th"}:  # a table used for layout: each cell is a block
            self.flush()
            self.walk_children(element)
            self.flush()
        elif tag == "pre":
            self.flush()
            lines = tuple(" ".join(line.split()) for line in element.text_content().splitlines())
            if any(lines):
                self.pieces.append(Text(tuple(line for line in lines if line)))
        elif tag in _BLOCKS:
            self.flush()
            if tag in {"p", "div"} and (heading := _bold_heading(element)) is not None:
                # "<p><strong>What is dystonia?</strong><br>Dystonia is ...</p>": a page
                # without heading tags prints its headings in bold above their text.
                self.pieces.append(Heading(heading))
                self._walk_after_heading(element)
            else:
                self.walk_children(element)
            self.flush()
        else:
            self.walk_children(element)

    def _walk_after_heading(self, element: lxml.html.HtmlElement) -> None:
        """The children of a block after its leading bold heading (and the break after it)."""
        children = list(element)
        bold = children[0]
        if bold.tail:
            self._buffer.append(bold.tail)
        for child in children[1:]:
            self.walk(child)
            if child.tail:
                self._buffer.append(child.tail)

    def walk_children(self, element: lxml.html.HtmlElement) -> None:
        if element.text:
            self._buffer.append(element.text)
        for child in element:
            self.walk(child)
            if child.tail:
                self._buffer.append(child.tail)

    def _walk_list(self, element: lxml.html.HtmlElement, ordered: bool, group: int) -> None:
        # Nested lists are read as further points of the same list, in order.
        for child in element:
            tag = _tag(child)
            if tag == "li":
                if text := _inline_text(child, skip=frozenset(_LISTS)):
                    self.pieces.append(Item(text, ordered=ordered, group=group))
                for nested in child.iter(*_LISTS):
                    if _closest_list(nested) is element:  # deeper lists follow recursively
                        self._walk_list(nested, ordered, group)
            elif tag in _LISTS:
                self._walk_list(child, ordered, group)


MAX_CELL_WORDS = 60
"""Most words in a cell of a table of data; a longer cell is a page laid out with a table."""
_BLOCK_IN_CELL = ("table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "p", "div", "dl")


def _rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The table's own rows (in its head, bodies and foot), not those of tables inside it."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in {"thead", "tbody", "tfoot"}:
            rows += [row for row in child if _tag(row) == "tr"]
    return rows


def _cells(row: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [cell for cell in row if _tag(cell) in {"td", "th"}]


def _data_table(table: lxml.html.HtmlElement) -> Table | None:
    """A table of data as a Table piece; None for a table that lays out a page.

    A cell holding paragraphs, lists, headings or another table, or many
    words, is a page laid out in a grid: its cells are read as blocks.
    """
    rows = _rows(table)
    for row in rows:
        for cell in _cells(row):
            blocks = [e for e in cell.iter(*_BLOCK_IN_CELL) if e is not cell]
            if len(blocks) > 1 or any(_tag(e) != "p" for e in blocks):
                return None
            if len(_inline_text(cell).split()) > MAX_CELL_WORDS:
                return None
    texts: list[tuple[str, ...]] = []
    kinds: list[list[str]] = []
    for row in rows:
        cells: list[str] = []
        tags: list[str] = []
        for cell in _cells(row):
            span = _span(cell)
            cells += [_inline_text(cell)] + [""] * (span - 1)
            tags += [_tag(cell)] * span
        texts.append(tuple(cells))
        kinds.append(tags)
    head = table.find("thead")
    in_head = head is not None and rows and rows[0].getparent() is head
    header_row = bool(rows) and (in_head or all(tag == "th" for tag in kinds[0]))
    body = kinds[1:] if header_row else kinds
    header_column = bool(body) and all(tags[:1] == ["th"] for tags in body)
    if header_row and texts:
        # A header that spans columns names each of them.
        texts[0] = tuple(_spread_header(rows[0]))
    caption = next((_inline_text(c) for c in table if _tag(c) == "caption"), "")
    return Table(tuple(texts), header_row, header_column, caption)


def _span(cell: lxml.html.HtmlElement) -> int:
    try:
        return max(1, min(int(cell.get("colspan", "1")), 50))
    except ValueError:
        return 1


def _spread_header(row: lxml.html.HtmlElement) -> list[str]:
    names: list[str] = []
    for cell in _cells(row):
        names += [_inline_text(cell)] * _span(cell)
    return names


_BOLD = frozenset(["strong", "b"])


def _bold_heading(element: lxml.html.HtmlElement) -> str | None:
    """The text of a bold line that opens a paragraph and reads as a heading, over text.

    The bold part must be the block's whole first line: alone in the block
    (with text in the blocks after it), or followed by a line break.
    """
    children = list(element)
    if (element.text or "").strip() or not children or _tag(children[0]) not in _BOLD:
        return None
    bold = children[0]
    text = _inline_text(bold)
    if not text or not rules.looks_like_heading(text) or rules.is_form_field(text):
        return None
    rest = children[1:]
    alone = not (bold.tail or "").strip() and not rest
    broken = not (bold.tail or "").strip() and bool(rest) and _tag(rest[0]) == "br"
    if alone:
        following = element.getnext()
        return text if following is not None and _inline_text(following) else None
    return text if broken else None


def _tag(element: lxml.html.HtmlElement) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _closest_list(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    parent = element.getparent()
    while parent is not None and _tag(parent) not in _LISTS:
        parent = parent.getparent()
    return parent


def _hints(document: lxml.html.HtmlElement) -> Hints:
    def meta(prop: str) -> str | None:
        found = document.xpath(f"//meta[@property='{prop}' or @name='{prop}']/@content")
        return str(found[0]).strip() or None if found else None

    title = meta("og:title")
    if title is None:
        titles = document.xpath("//title")
        if titles:
            # "Cervical dystonia - Northfield Hospitals | NHS": the page's own part comes first.
            title = _TITLE_SEPARATORS.split(titles[0].text_content().strip())[0].strip() or None
    return Hints(title=title, organisation=meta("og:site_name"))


MAX_NESTING = 400
"""Elements nested deeper than this are refused, not read in part. Real pages
nest a few dozen deep; the reader walks the tree recursively."""


def _parse(text: str, name: str) -> lxml.html.HtmlElement:
    # lxml refuses a str that still carries an XML encoding declaration (XHTML).
    text = _XML_DECLARATION.sub("", text, count=1)
    # Without huge_tree, libxml2 stops at 256 levels and silently drops the
    # rest of the page; with it, it stops at 2048 and says so.
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        document = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as error:
        raise LeafletError(f"Cannot read {name} as HTML: {error}.") from error
    cut_short = any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log)
    if cut_short or _nesting(document) > MAX_NESTING:
        raise LeafletError(
            f"{name} nests its elements more than {MAX_NESTING} deep, too deep to read "
            "without losing text: open it in a browser, copy the leaflet's text and "
            "paste it into a .txt file."
        )
    return document


def _nesting(document: lxml.html.HtmlElement) -> int:
    """How deep the page's elements are nested, counted without recursion."""
    depth = deepest = 0
    for event, _element in lxml.etree.iterwalk(document, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


_VOID = ("embed", "source", "track", "param", "img", "input", "wbr", "area", "col")
"""Elements that never hold content. libxml2's HTML parser does not know some of them
(embed, source, track) and nests what follows inside, which was then lost with them."""


def _unnest_void_elements(document: lxml.html.HtmlElement) -> None:
    """Move whatever the parser put inside a void element back after it."""
    for element in list(document.iter(*_VOID)):
        parent = element.getparent()
        if parent is None or (len(element) == 0 and not element.text):
            continue
        position = parent.index(element)
        if element.text:
            element.tail = element.text + (element.tail or "")
            element.text = None
        # The element's tail belongs after the moved children.
        tail, element.tail = element.tail, None
        children = list(element)
        for offset, child in enumerate(children, 1):
            parent.insert(position + offset, child)
        if tail:
            if children:
                children[-1].tail = (children[-1].tail or "") + tail
            else:
                element.tail = tail


def _image_descriptions(root: lxml.html.HtmlElement) -> list[LeftOut]:
    """The alt text of a page's images: not read aloud, but listed."""
    return [
        LeftOut(alt, LeftOutReason.IMAGE_TEXT)
        for image in root.iter("img")
        if (alt := " ".join((image.get("alt") or "").split()))
    ]


def read_html(text: str, name: str) -> tuple[list[Piece], Hints]:
    """Pieces of a web page's main content, and the title and site name its head declares."""
    document = _parse(text, name)
    _unnest_void_elements(document)
    hints = _hints(document)
    root, is_main = _main_content(document)
    left_out = _outside(document, root) if is_main else []
    # Inside <main> or <article>, a <header> holds the page's own h1; around
    # them, it is the site's banner.
    left_out += _strip_furniture(root, keep_header=is_main)
    left_out += _image_descriptions(root)
    walker = _Walker(itertools.count(1))
    walker.walk(root)
    walker.flush()
    return walker.pieces, dataclasses.replace(hints, left_out=tuple(left_out))


def _outside(document: lxml.html.HtmlElement, main: lxml.html.HtmlElement) -> list[LeftOut]:
    """What the page shows around its main content (menus, banners, footers)."""
    bodies = document.xpath("//body")
    if not bodies or main is bodies[0]:
        return []
    main.set(_MAIN_MARK, "")
    body = copy_module.deepcopy(bodies[0])
    del main.attrib[_MAIN_MARK]
    for element in body.xpath(f".//*[@{_MAIN_MARK}]"):
        element.getparent().replace(element, lxml.html.Element("hr"))
    return [
        LeftOut(line, rules.leftover_reason(line) or LeftOutReason.SITE_NAVIGATION)
        for line in _shown_lines(body)
    ]


_MAIN_MARK = "data-audio-leaflet-main"


def html_fragment_pieces(fragment: str, groups: Iterator[int]) -> list[Piece]:
    """Pieces of an HTML fragment found inside another format (raw HTML in markdown)."""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return []
    _strip_furniture(root, keep_header=False)
    walker = _Walker(groups)
    walker.walk(root)
    walker.flush()
    return walker.pieces
