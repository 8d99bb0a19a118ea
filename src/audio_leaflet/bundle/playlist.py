"""`<slug>.m3u8`: an extended M3U playlist of the chapter files (docs/formats.md).

UTF-8 (the ".m3u8" extension says so), `#EXTINF:<seconds>,<title>` before
each relative file name, so a phone or a car stereo plays the chapters in
order and shows their titles.
"""

from __future__ import annotations

from audio_leaflet.manifest import Manifest


def one_line(text: str) -> str:
    """Text safe on one playlist line: control characters and line breaks become spaces.

    M3U has no escaping; a line break inside a title would start a new entry.
    """
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def playlist_text(info: Manifest) -> str:
    """The playlist of the leaflet's chapters."""
    lines = ["#EXTM3U", f"#PLAYLIST:{one_line(info.title)}"]
    for chapter in info.chapters:
        seconds = round(chapter.duration_ms / 1000)
        lines.append(f"#EXTINF:{seconds},{one_line(chapter.title)}")
        lines.append(chapter.file)
    return "\n".join(lines) + "\n"
