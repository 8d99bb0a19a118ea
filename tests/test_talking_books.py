"""Talking books (issue 13): the EPUB 3 with media overlays and the DAISY 2.02 book.

Each is read back by readers of our own that share nothing with the writers
(tests/helpers/talking_book.py), and the EPUB is validated by EPUBCheck. The
books are checked for the seed leaflet, the built-in sample, and a bundle
whose every text is hostile (script tags, ampersands, quotes, non-ASCII).
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from audio_leaflet.bundle import write_bundle_extras, write_feed
from audio_leaflet.bundle.archive import README_FILE
from audio_leaflet.manifest import Manifest, load_manifest
from audio_leaflet.pipeline import build_leaflet
from helpers.bundle import NASTY, make_bundle
from helpers.pipeline import (
    BASE_URL,
    SEED_SLUG,
    settings_for,
    small_leaflet,
    snapshot,
)
from helpers.talking_book import (
    XHTML,
    EpubBook,
    epubcheck_messages,
    meta_values,
    mp3_length_ms,
    read_daisy,
    read_epub,
)

CLIP_TOLERANCE_MS = 10
HOSTILE_CHAPTERS = [
    ("Introduction", ["Section one of two. Introduction.", NASTY, "End of section one."]),
    (
        f"Help & <b>support</b> – “quoted” {NASTY[:20]}",
        [
            "Section two of two. Help and support.",
            'Call "us" & ask <i>anything</i> </p><script>alert(1)</script>.',
            "Ünïcödé – naïve café, 'single' and \"double\" quotes.",
            "End of leaflet.",
        ],
    ),
]


@pytest.fixture(scope="module")
def hostile_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle of tones whose title, organisation, chapter titles and sentences are hostile."""
    out = tmp_path_factory.mktemp("hostile-books")
    manifest = make_bundle(
        out,
        title=NASTY,
        slug="hostile",
        organisation='Tics & "Twitches" <Trust>',
        chapters=HOSTILE_CHAPTERS,
        paragraph_after=(1,),
    )
    return out / str(manifest["slug"])


@pytest.fixture(scope="module")
def sample_bundle(tmp_path_factory: pytest.TempPathFactory, session_cache: Path) -> Path:
    """The built-in sample leaflet built with the real Piper voice (no listening check)."""
    from audio_leaflet.read import SAMPLE_LEAFLET

    work = tmp_path_factory.mktemp("sample-books")
    return build_leaflet(SAMPLE_LEAFLET, settings_for(work, session_cache)).bundle


@pytest.fixture(scope="module", params=["hostile", "sample", "seed"])
def bundle(request: pytest.FixtureRequest) -> Path:
    if request.param == "seed":
        return request.getfixturevalue("seed_build") / "audio_out" / SEED_SLUG
    return request.getfixturevalue(f"{request.param}_bundle")


@pytest.fixture(scope="module")
def manifest(bundle: Path) -> Manifest:
    return load_manifest(bundle)


@pytest.fixture(scope="module")
def epub(bundle: Path, manifest: Manifest) -> EpubBook:
    return read_epub(bundle / f"{manifest.slug}.epub")


def _spoken(manifest: Manifest) -> list[tuple[int, str, str, int, int, str]]:
    return [
        (chapter.number, cue.text, chapter.file, cue.start_ms, cue.end_ms, chapter.sha256)
        for chapter in manifest.chapters
        for cue in chapter.cues
    ]


# --------------------------------------------------------------------------
# EPUB 3
# --------------------------------------------------------------------------


def test_epubcheck_reports_no_error_and_no_warning(bundle: Path, manifest: Manifest) -> None:
    messages = epubcheck_messages(bundle / f"{manifest.slug}.epub")
    assert messages == []


def test_every_spoken_sentence_is_synchronised_once_at_its_own_time(
    epub: EpubBook, manifest: Manifest
) -> None:
    spoken = _spoken(manifest)
    assert len(epub.points) == len(spoken)
    for point, (number, text, file, start, end, digest) in zip(epub.points, spoken, strict=True):
        assert (point.chapter, point.text, point.audio) == (number, text, file)
        assert abs(point.begin_ms - start) <= CLIP_TOLERANCE_MS
        assert abs(point.end_ms - end) <= CLIP_TOLERANCE_MS
        # The overlay plays the very file the bundle publishes for that chapter.
        assert hashlib.sha256(point.audio_bytes).hexdigest() == digest


def test_clips_stay_inside_their_audio(epub: EpubBook) -> None:
    lengths: dict[str, float] = {}
    for point in epub.points:
        length = lengths.setdefault(point.audio, mp3_length_ms(point.audio_bytes))
        assert 0 <= point.begin_ms < point.end_ms <= length


def test_the_book_names_itself_and_says_how_it_can_be_read(
    epub: EpubBook, manifest: Manifest
) -> None:
    assert meta_values(epub, "title") == [manifest.title]
    assert meta_values(epub, "language") == [manifest.language]
    assert meta_values(epub, "creator") == [manifest.organisation]
    assert len(meta_values(epub, "identifier")) == 1
    assert meta_values(epub, "dcterms:modified") == [manifest.built_at]
    assert meta_values(epub, "media:narrator") == [f"{manifest.engine.voice} (synthetic voice)"]
    assert sorted(meta_values(epub, "schema:accessMode")) == ["auditory", "textual"]
    assert {"auditory", "textual"} <= set(meta_values(epub, "schema:accessModeSufficient"))
    features = meta_values(epub, "schema:accessibilityFeature")
    assert "synchronizedAudioText" in features and "tableOfContents" in features
    assert meta_values(epub, "schema:accessibilitySummary")[0]
    # Highlighting: the class the reading system sets has a rule in the stylesheet.
    (active,) = meta_values(epub, "media:active-class")
    assert f".{active}" in epub.stylesheet_text
    assert epub.nav_titles == [f"{c.number}. {c.title}" for c in manifest.chapters]
    assert len(epub.spine) == len(manifest.chapters)


def test_hostile_text_stays_text(hostile_bundle: Path) -> None:
    book = read_epub(hostile_bundle / "hostile.epub")
    assert meta_values(book, "title") == [NASTY]
    for path, data in book.documents.items():
        document = etree.fromstring(data)
        assert not document.xpath("//x:script", namespaces={"x": XHTML}), path
        assert not document.xpath("//x:b | //x:i", namespaces={"x": XHTML}), path
    assert [p.text for p in book.points] == [
        s for _, sentences in HOSTILE_CHAPTERS for s in sentences
    ]
    daisy = read_daisy(hostile_bundle / "hostile-daisy.zip")
    assert daisy.metadata["dc:title"] == NASTY
    assert daisy.sections[1].label == HOSTILE_CHAPTERS[1][0]


def test_the_books_are_the_same_bytes_when_made_again(hostile_bundle: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    again.mkdir()
    for path in hostile_bundle.iterdir():
        again.joinpath(path.name).write_bytes(path.read_bytes())
    write_bundle_extras(again, load_manifest(again))
    for name in ("hostile.epub", "hostile-daisy.zip"):
        assert again.joinpath(name).read_bytes() == hostile_bundle.joinpath(name).read_bytes()


def test_the_epub_container_starts_with_its_stored_mimetype(hostile_bundle: Path) -> None:
    with zipfile.ZipFile(hostile_bundle / "hostile.epub") as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert archive.read(first) == b"application/epub+zip"
    # OCF: the bytes "mimetype" then the media type sit at fixed offsets for sniffers.
    assert (hostile_bundle / "hostile.epub").read_bytes()[30:58] == b"mimetypeapplication/epub+zip"


# --------------------------------------------------------------------------
# DAISY 2.02
# --------------------------------------------------------------------------


def test_daisy_book_has_one_navigation_point_per_section(bundle: Path, manifest: Manifest) -> None:
    book = read_daisy(bundle / f"{manifest.slug}-daisy.zip")
    assert book.folder == manifest.slug
    assert [s.label for s in book.sections] == [
        manifest.title,
        *(c.title for c in manifest.chapters[1:]),
    ]
    assert {s.level for s in book.sections} == {"h1"}
    assert book.metadata["ncc:multimediaType"] == "audioFullText"
    assert book.metadata["dc:title"] == manifest.title
    assert book.metadata["dc:language"] == manifest.language


def test_daisy_clips_agree_with_the_cues_and_stay_inside_each_mp3(
    bundle: Path, manifest: Manifest
) -> None:
    book = read_daisy(bundle / f"{manifest.slug}-daisy.zip")
    points = [p for section in book.sections for p in section.points]
    spoken = _spoken(manifest)
    assert len(points) == len(spoken)
    for point, (number, text, file, start, end, digest) in zip(points, spoken, strict=True):
        assert (point.chapter, point.text, point.audio) == (number, text, file)
        assert abs(point.begin_ms - start) <= CLIP_TOLERANCE_MS
        assert abs(point.end_ms - end) <= CLIP_TOLERANCE_MS
        assert hashlib.sha256(point.audio_bytes).hexdigest() == digest
    for section in book.sections:
        length = mp3_length_ms(section.points[0].audio_bytes)
        assert all(0 <= p.begin_ms < p.end_ms <= length for p in section.points)
        # A SMIL's stated time is its MP3's, to within an MP3 frame or two.
        assert abs(section.time_in_smil_ms - length) <= 60


# --------------------------------------------------------------------------
# where listeners find them
# --------------------------------------------------------------------------


def test_player_readme_and_feed_offer_both_books(hostile_bundle: Path) -> None:
    page = lxml_html.fromstring((hostile_bundle / "index.html").read_bytes())
    links = {a.get("href"): a.text_content() for a in page.xpath("//a[@download]")}
    for name in ("hostile.epub", "hostile-daisy.zip"):
        assert name in links and (hostile_bundle / name).is_file()
    assert "Thorium Reader" in links["hostile.epub"]
    assert "Victor Reader Stream" in links["hostile-daisy.zip"]

    with zipfile.ZipFile(hostile_bundle / "hostile.zip") as archive:
        readme = archive.read(README_FILE).decode("utf-8")
    assert "hostile.epub" in readme and "hostile-daisy.zip" in readme
    assert "$VRDTB" in readme and "Level 1" in readme

    feed = write_feed(hostile_bundle.parent, [load_manifest(hostile_bundle)], base_url=BASE_URL)
    entry = feedparser.parse(feed.read_bytes()).entries[0]
    html = entry.content[0].value
    assert f"{BASE_URL}hostile/hostile.epub" in html
    assert f"{BASE_URL}hostile/hostile-daisy.zip" in html
    assert "Victor Reader Stream" in entry.summary


# --------------------------------------------------------------------------
# rebuilt with the text
# --------------------------------------------------------------------------


def test_a_one_sentence_edit_remakes_that_leaflets_books_only(
    tmp_path: Path, session_cache: Path
) -> None:
    sleep = small_leaflet("pipeline-sleep.txt", tmp_path / "leaflets")
    work_leaflet = small_leaflet("pipeline-work.txt", tmp_path / "leaflets")
    settings = settings_for(tmp_path / "work", session_cache)
    edited = build_leaflet(sleep, settings).bundle
    other = build_leaflet(work_leaflet, settings).bundle
    epub_before = read_epub(next(edited.glob("*.epub")))
    others_before = snapshot(other)

    text = sleep.read_text(encoding="utf-8")
    assert text.count("Keep a regular bedtime.") == 1
    sleep.write_text(text.replace("Keep a regular bedtime.", "Keep a steady bedtime."), "utf-8")
    build_leaflet(sleep, settings)
    build_leaflet(work_leaflet, settings)

    assert snapshot(other) == others_before
    epub_after = read_epub(next(edited.glob("*.epub")))
    changed = [
        (a.text, b.text)
        for a, b in zip(epub_before.points, epub_after.points, strict=True)
        if a.text != b.text
    ]
    assert changed == [("Keep a regular bedtime.", "Keep a steady bedtime.")]
    daisy = read_daisy(next(edited.glob("*-daisy.zip")))
    assert "Keep a steady bedtime." in [p.text for s in daisy.sections for p in s.points]
    manifest = load_manifest(edited)
    for name in (f"{manifest.slug}.epub", f"{manifest.slug}-daisy.zip"):
        digest = hashlib.sha256((edited / name).read_bytes()).hexdigest()
        assert manifest.files[name] == digest
