"""bundle: the files a listener, a web server and a podcast app get (docs/formats.md).

Per leaflet, `write_bundle_extras(bundle_dir, manifest)` writes, beside the
MP3s and cover the earlier stages made: the playlist, chapters.json, the
captions, the talking books (EPUB 3 and DAISY 2.02), the player page and the
zip. Per out-dir, `write_feed` writes feed.xml and `write_site_index` the
page listing every leaflet.
"""

from __future__ import annotations

from pathlib import Path

from audio_leaflet.bundle.archive import write_zip
from audio_leaflet.bundle.book_parts import chapter_audio
from audio_leaflet.bundle.captions import vtt_text
from audio_leaflet.bundle.chapters_json import CHAPTERS_FILE, chapters_json_text
from audio_leaflet.bundle.daisy import daisy_file, write_daisy
from audio_leaflet.bundle.epub import epub_file, write_epub
from audio_leaflet.bundle.feed import (
    FEED_FILE,
    ChannelInfo,
    episode_guid,
    podcast_guid,
    write_feed,
)
from audio_leaflet.bundle.player import PLAYER_FILE, player_html
from audio_leaflet.bundle.playlist import playlist_text
from audio_leaflet.bundle.site import SITE_INDEX_FILE, write_site_index
from audio_leaflet.errors import BuildError
from audio_leaflet.fileio import write_atomic
from audio_leaflet.manifest import Manifest

__all__ = [
    "CHAPTERS_FILE",
    "FEED_FILE",
    "PLAYER_FILE",
    "SITE_INDEX_FILE",
    "ChannelInfo",
    "episode_guid",
    "podcast_guid",
    "write_bundle_extras",
    "write_feed",
    "write_site_index",
]


def write_bundle_extras(bundle_dir: Path, info: Manifest) -> list[str]:
    """Write playlist, chapters.json, captions, player, talking books and zip into `bundle_dir`.

    The chapter MP3s, the whole MP3 and the cover named by `manifest` must
    already be there. Names come from the manifest's slug, not from the
    folder's name, so this works in a staging folder. Returns the names
    written, in the order written (the zip last: it holds the others).
    """
    full = bundle_dir / info.full_file
    if not full.is_file():
        raise BuildError(f"{full} is missing: the whole-leaflet MP3 must be written first")
    written: list[str] = []

    def put(name: str, text: str) -> None:
        write_atomic(bundle_dir / name, text.encode("utf-8"))
        written.append(name)

    put(info.playlist_file, playlist_text(info))
    put(CHAPTERS_FILE, chapters_json_text(info))
    put(info.captions_file, vtt_text(info.all_cues()))
    for chapter in info.chapters:
        put(chapter.captions_file, vtt_text(chapter.cues))
    sizes = {
        name: (bundle_dir / name).stat().st_size
        for name in (
            info.full_file,
            *(c.file for c in info.chapters),
            *([info.audiobook.file] if info.audiobook else []),
        )
        if (bundle_dir / name).is_file()
    }
    audio = chapter_audio(info, bundle_dir)  # read once for both talking books
    written.append(write_epub(info, bundle_dir, audio))
    written.append(write_daisy(info, bundle_dir, audio))
    for name in (epub_file(info), daisy_file(info)):
        sizes[name] = (bundle_dir / name).stat().st_size
    put(PLAYER_FILE, player_html(info, version=_audio_version(info, full), sizes=sizes))
    written.append(write_zip(info, bundle_dir))
    return written


def _audio_version(info: Manifest, full: Path) -> str:
    """A short id of the whole MP3's audio, for the player's remembered position."""
    if info.full.sha256:
        return info.full.sha256[:16]
    import hashlib

    return hashlib.sha256(full.read_bytes()).hexdigest()[:16]
