"""`feed.xml`: one podcast feed for every leaflet built into an out-dir (docs/formats.md).

RSS 2.0 with the itunes, content, atom and Podcasting 2.0 namespaces,
written with lxml: feedgen cannot write `<itunes:explicit>false` and has no
podcast namespace. One episode (item) per leaflet, the whole MP3 with its
chapters and captions.

Identity rules, so every subscriber gets a changed leaflet's new audio and
keeps one episode per leaflet (docs/formats.md, "The feed and updated leaflets"):
- an item's `<guid>` is the leaflet's folder URL and the start of the MP3's
  sha256: podcast apps key what they downloaded by guid (gPodder, AntennaPod
  and Apple Podcasts keep a downloaded file when only the enclosure URL of its
  guid changes), so new audio must come as a new guid to be downloaded;
- one item per leaflet: the item of the old audio leaves the feed when the new
  one enters it, and apps drop an episode that leaves the feed;
- the enclosure URL carries the same `?v=<sha256 prefix>`, so no cache between
  the server and the app hands out the old file under the new address;
- the enclosure length is the file's exact size in bytes (RSS 2.0
  "length is how big it is in bytes"), read from the file that is served.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from audio_leaflet import __version__
from audio_leaflet.bundle.chapters_json import CHAPTERS_FILE, CHAPTERS_MIME
from audio_leaflet.bundle.render import length_words, xml_safe
from audio_leaflet.bundle.talking_books import talking_books
from audio_leaflet.config import normalise_base_url
from audio_leaflet.errors import BuildError, UsageError
from audio_leaflet.fileio import sha256_file, write_atomic
from audio_leaflet.manifest import Manifest

FEED_FILE = "feed.xml"

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ATOM = "http://www.w3.org/2005/Atom"
PODCAST = "https://podcastindex.org/namespace/1.0"
NSMAP = {"itunes": ITUNES, "content": CONTENT, "atom": ATOM, "podcast": PODCAST}

# Podcasting 2.0 `podcast:guid`: UUIDv5 of the feed URL without its scheme and
# trailing slashes, in this namespace (podcast-namespace docs/tags/guid.md).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
VERSION_LENGTH = 16
"""Hex digits of the MP3's sha256 in the enclosure URL's `?v=`."""


@dataclass(frozen=True)
class ChannelInfo:
    """What the feed says about itself; by default taken from the leaflets' manifests."""

    title: str
    """The podcast's name, e.g. "The Dystonia Society audio leaflets"."""
    description: str
    """One or two sentences about the podcast."""
    language: str = "en-GB"
    """BCP 47 language of the episodes."""
    author: str = ""
    """Who publishes it (itunes:author); usually the organisation."""
    image_url: str = ""
    """Square cover, 1400 to 3000 px; by default the first leaflet's cover."""
    category: str = "Health & Fitness"
    """Apple Podcasts category."""
    subcategory: str = "Medicine"
    """Apple Podcasts subcategory of `category` (empty for none)."""


FEED_SETTINGS_FILE = ".audio-leaflet-feed.json"
"""Beside the feed: the base URL it was last written for, so a later build that
gives none (another leaflet, another staff member) keeps the feed true."""


def feed_base_url(out_dir: Path, given: str | None) -> str | None:
    """The base URL the out-dir's feed is written for: `given`, else the one recorded.

    A new base URL is recorded; a recorded one that is no longer valid is ignored.
    """
    record = out_dir / FEED_SETTINGS_FILE
    if given:
        base = normalise_base_url(given)
        text = json.dumps({"base_url": base}, indent=2) + "\n"
        if not record.is_file() or record.read_text(encoding="utf-8") != text:
            write_atomic(record, text)
        return base
    try:
        recorded = json.loads(record.read_text(encoding="utf-8")).get("base_url")
        return normalise_base_url(recorded) if isinstance(recorded, str) else None
    except (OSError, ValueError, AttributeError, UsageError):
        return None


def podcast_guid(feed_url: str) -> str:
    """The feed's `podcast:guid`: UUIDv5 of its URL without scheme and trailing slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def episode_guid(base_url: str, slug: str, version: str) -> str:
    """A leaflet's item guid: its folder's URL and its audio's `version`.

    `version` is the start of the whole MP3's sha256 (the enclosure URL's
    `?v=`), so new audio is a new episode to every podcast app, and the item
    of the old audio leaves the feed in the same update (docs/formats.md,
    "The feed and updated leaflets").
    """
    return f"{normalise_base_url(base_url)}{quote(slug)}/#{version}"


def default_channel(infos: Sequence[Manifest], base_url: str) -> ChannelInfo:
    """Channel details taken from the leaflets: their organisation, language and a cover."""
    organisations = sorted({info.organisation for info in infos if info.organisation})
    publisher = " and ".join(organisations)
    title = f"{publisher} audio leaflets" if len(organisations) == 1 else "Audio leaflets"
    source = f" from {publisher}" if publisher else ""
    description = (
        f"Patient information leaflets{source}, read aloud. Each episode is one leaflet, "
        "with chapters for its sections and a transcript."
    )
    with_cover = [info for info in infos if info.cover_file]
    image = _file_url(base_url, with_cover[0].slug, with_cover[0].cover_file) if with_cover else ""
    return ChannelInfo(
        title=title,
        description=description,
        language=infos[0].language if infos else "en-GB",
        author=publisher,
        image_url=image,
    )


def feed_xml(
    out_dir: Path,
    manifests: Sequence[Manifest],
    *,
    base_url: str,
    channel: ChannelInfo | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The feed document for the leaflets of `manifests`, published in `out_dir/<slug>/`."""
    base = normalise_base_url(base_url)
    feed_url = base + FEED_FILE
    entries = sorted(
        ((m, _published(m, now)) for m in manifests),
        key=lambda pair: (-pair[1].timestamp(), pair[0].slug),
    )
    infos = [info for info, _ in entries]
    channel = channel or default_channel(infos, base)

    rss = etree.Element("rss", nsmap=NSMAP, version="2.0")
    ch = etree.SubElement(rss, "channel")
    _sub(ch, "title", channel.title)
    _sub(ch, "link", base)
    _sub(ch, "description", channel.description)
    _sub(ch, "language", channel.language)
    _sub(ch, "generator", f"audio-leaflet {__version__}")
    if entries:
        _sub(ch, "lastBuildDate", format_datetime(max(date for _, date in entries)))
    etree.SubElement(ch, f"{{{ATOM}}}link", href=feed_url, rel="self", type="application/rss+xml")
    if channel.image_url:
        image = etree.SubElement(ch, "image")
        _sub(image, "url", channel.image_url)
        _sub(image, "title", channel.title)
        _sub(image, "link", base)
        etree.SubElement(ch, f"{{{ITUNES}}}image", href=channel.image_url)
    category = etree.SubElement(ch, f"{{{ITUNES}}}category", text=channel.category)
    if channel.subcategory:
        etree.SubElement(category, f"{{{ITUNES}}}category", text=channel.subcategory)
    _sub(ch, f"{{{ITUNES}}}explicit", "false")
    if channel.author:
        _sub(ch, f"{{{ITUNES}}}author", channel.author)
    _sub(ch, f"{{{ITUNES}}}type", "episodic")
    _sub(ch, f"{{{PODCAST}}}guid", podcast_guid(feed_url))

    for info, published in entries:
        _item(ch, info, published, base, out_dir / info.slug)

    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_feed(
    out_dir: Path,
    manifests: Sequence[Manifest],
    *,
    base_url: str,
    channel: ChannelInfo | None = None,
    now: dt.datetime | None = None,
) -> Path:
    """Write `out_dir/feed.xml` atomically and return its path.

    `now` dates a leaflet whose manifest records no build date; the feed is
    otherwise the same bytes for the same bundles.
    """
    data = feed_xml(out_dir, manifests, base_url=base_url, channel=channel, now=now)
    path = out_dir / FEED_FILE
    write_atomic(path, data)
    return path


def _item(
    channel: etree._Element, info: Manifest, published: dt.datetime, base: str, folder: Path
) -> None:
    audio = folder / info.full_file
    try:
        size = audio.stat().st_size
        digest = sha256_file(audio)
    except OSError as error:
        raise BuildError(
            f"the feed needs {audio}, which cannot be read ({error.strerror}); "
            f"rebuild '{info.slug}'"
        ) from error
    item = etree.SubElement(channel, "item")
    _sub(item, "title", info.title)
    _sub(item, "link", _file_url(base, info.slug, "index.html"))
    books = [
        (_file_url(base, info.slug, name), label, players)
        for name, label, players in talking_books(info)
        if (folder / name).is_file()
    ]
    _sub(item, "description", _plain_description(info, books))
    _sub(item, f"{{{CONTENT}}}encoded", _html_description(info, books))
    etree.SubElement(
        item,
        "enclosure",
        url=f"{_file_url(base, info.slug, info.full_file)}?v={digest[:VERSION_LENGTH]}",
        length=str(size),
        type="audio/mpeg",
    )
    guid = _sub(item, "guid", episode_guid(base, info.slug, digest[:VERSION_LENGTH]))
    guid.set("isPermaLink", "false")
    _sub(item, "pubDate", format_datetime(published))
    _sub(item, f"{{{ITUNES}}}duration", str(round(info.full_duration_ms / 1000)))
    if info.organisation:
        _sub(item, f"{{{ITUNES}}}author", info.organisation)
    if info.cover_file:
        etree.SubElement(
            item, f"{{{ITUNES}}}image", href=_file_url(base, info.slug, info.cover_file)
        )
    _sub(item, f"{{{ITUNES}}}episodeType", "full")
    etree.SubElement(
        item,
        f"{{{PODCAST}}}chapters",
        url=_file_url(base, info.slug, CHAPTERS_FILE),
        type=CHAPTERS_MIME,
    )
    etree.SubElement(
        item,
        f"{{{PODCAST}}}transcript",
        url=_file_url(base, info.slug, info.captions_file),
        type="text/vtt",
        language=info.language,
        rel="captions",
    )


_Books = Sequence[tuple[str, str, str]]
"""(address, what it is, which players read it) of each talking book published."""


def _plain_description(info: Manifest, books: _Books) -> str:
    by = f" from {info.organisation}" if info.organisation else ""
    sections = "; ".join(
        f"{c.number}. {c.title} ({length_words(c.duration_ms)})" for c in info.chapters
    )
    text = (
        f'The leaflet "{info.title}"{by}, read aloud. '
        f"{len(info.chapters)} sections, {length_words(info.full_duration_ms)} in all: {sections}."
    )
    for url, label, players in books:
        text += f" {label} ({players}): {url}"
    return f"{text} {info.engine.credit}."


def _html_description(info: Manifest, books: _Books) -> str:
    """HTML for `content:encoded`; lxml escapes it again as XML text (no CDATA needed)."""
    import html

    by = f" from {html.escape(info.organisation)}" if info.organisation else ""
    items = "".join(
        f"<li>{html.escape(c.title)} ({length_words(c.duration_ms)})</li>" for c in info.chapters
    )
    text = (
        f"<p>The leaflet \u201c{html.escape(info.title)}\u201d{by}, read aloud, "
        f"{length_words(info.full_duration_ms)} in all.</p><p>Sections:</p><ol>{items}</ol>"
    )
    if books:
        links = "".join(
            f'<li><a href="{html.escape(url)}">{html.escape(label)}</a>: {html.escape(players)}'
            "</li>"
            for url, label, players in books
        )
        text += f"<p>Also as talking books:</p><ul>{links}</ul>"
    return f"{text}<p>{html.escape(info.engine.credit)}.</p>"


def _published(manifest: Manifest, now: dt.datetime | None) -> dt.datetime:
    """When the leaflet's audio last changed: the last build that changed a chapter.

    Rebuilds that changed nothing keep the date, so the feed stays the same.
    """
    dates = [entry.date for entry in manifest.history if entry.chapters_changed]
    for candidate in (*reversed(dates), manifest.built_at):
        if candidate:
            try:
                parsed = dt.datetime.fromisoformat(candidate.replace("Z", "+00:00"))
            except ValueError:
                continue
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)


def _file_url(base: str, slug: str, name: str) -> str:
    return f"{base}{quote(slug)}/{quote(name)}"


def _sub(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = xml_safe(text)
    return element
