"""`<slug>.zip`: everything a listener needs, for a phone, a computer or an audio player.

Deterministic (same files give the same bytes, `bundle.zipping`). Names are
ASCII (the bundle's names are slugs), so every unzip tool shows them the same.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from audio_leaflet.bundle.render import clock, length_words
from audio_leaflet.bundle.talking_books import talking_books, victor_reader_steps
from audio_leaflet.bundle.zipping import zip_bytes
from audio_leaflet.errors import BuildError
from audio_leaflet.fileio import write_atomic
from audio_leaflet.manifest import Manifest

README_FILE = "README.txt"


def readme_text(info: Manifest) -> str:
    """A plain-text guide for the listener (CRLF line ends so every Notepad shows lines)."""
    by = f" from {info.organisation}" if info.organisation else ""
    total = length_words(info.full_duration_ms)
    lines = [
        info.title,
        "=" * min(len(info.title), 70),
        "",
        f'This is the audio version of the leaflet "{info.title}"{by}.',
        f"It lasts {total} in {len(info.chapters)} sections.",
        "",
        "How to listen",
        "-------------",
        f"* The whole leaflet in one file: {info.full_file}",
        "  Podcast apps and most players show its sections as chapters.",
        f"* One file per section, in order: play the playlist {info.playlist_file}",
        "  or the files numbered 01, 02 and so on.",
        "* On a computer, open index.html in a web browser for a player with",
        "  large buttons, speed control and the text being read.",
        "",
        "Sections",
        "--------",
    ]
    for chapter in info.chapters:
        lines.append(f"{chapter.number:2d}. {chapter.title} ({length_words(chapter.duration_ms)})")
        lines.append(
            f"    file {chapter.file}, starts at {clock(chapter.start_ms)} in the whole file"
        )
    lines += [
        "",
        "Text",
        "----",
        f"The words spoken are in {info.captions_file} (captions with times),",
        "and one captions file per section. Any text editor opens them.",
        *_audiobook_lines(info),
        "",
        "Talking books",
        "-------------",
        "Two more files, beside this zip where you downloaded it, hold the text and",
        "the audio together for the players made for talking books:",
    ]
    for name, what, players in talking_books(info):
        lines.append(f"* {name}: {what}.")
        lines += _wrapped(f"{players[0].upper()}{players[1:]}.", "  ", "  ")
    lines += ["", "To put the DAISY book on a Victor Reader Stream:"]
    for number, step in enumerate(victor_reader_steps(info), 1):
        lines += _wrapped(step, f"{number}. ", "   ")
    lines.append("")
    return "\r\n".join(lines)


def _audiobook_lines(info: Manifest) -> list[str]:
    """Where the M4B is: beside the zip, not in it (it holds the same audio as the MP3)."""
    if info.audiobook is None:
        return []
    return [
        "",
        "Audiobook apps",
        "--------------",
        f"The whole leaflet as an audiobook with chapters, {info.audiobook.file},",
        "is beside this zip where you downloaded it. Apple Books, Smart AudioBook",
        "Player and other audiobook apps open it and show the sections.",
    ]


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, 72, initial_indent=first, subsequent_indent=rest)


def archive_members(info: Manifest, bundle_dir: Path) -> list[str]:
    """Names of the bundle's files that go into the zip (the README is added to them)."""
    names = [
        *(chapter.file for chapter in info.chapters),
        info.full_file,
        info.playlist_file,
        info.captions_file,
        *(chapter.captions_file for chapter in info.chapters),
        "index.html",
    ]
    if info.cover_file:
        names.append(info.cover_file)
    missing = [name for name in names if not (bundle_dir / name).is_file()]
    if missing:
        raise BuildError(
            f"cannot make {info.zip_file}: {', '.join(missing)} missing from {bundle_dir}; "
            "rebuild the leaflet"
        )
    return names


def write_zip(info: Manifest, bundle_dir: Path) -> str:
    """Write `<slug>.zip` into the bundle; returns its name."""
    files = [(name, (bundle_dir / name).read_bytes()) for name in archive_members(info, bundle_dir)]
    files.append((README_FILE, readme_text(info).encode("utf-8")))
    write_atomic(bundle_dir / info.zip_file, zip_bytes(files))
    return info.zip_file
