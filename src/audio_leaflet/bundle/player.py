"""`index.html`: the accessible web player of docs/formats.md.

Self-contained: CSS and JavaScript are inlined and the leaflet's data is
embedded as JSON, because a page opened from disk (file://) may not fetch
anything. One `<audio>` element plays the whole-leaflet MP3; the chapters are
seek points. Text is escaped for HTML here and for JSON in
`render.json_for_script`; the transcript and the section list are plain HTML
so they read without JavaScript too.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from audio_leaflet import __version__
from audio_leaflet.bundle.render import (
    human_date,
    json_for_script,
    length_clock,
    length_words,
    megabytes,
    paragraphs,
    render,
    template,
)
from audio_leaflet.bundle.talking_books import talking_books
from audio_leaflet.manifest import Manifest

PLAYER_FILE = "index.html"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def player_data(info: Manifest, version: str) -> dict[str, Any]:
    """What the page's script needs: times in ms, titles for announcements, and the
    index of each paragraph's last sentence (where "Stop after each paragraph" waits)."""
    chapters = []
    paragraph_ends = []
    first_cue = 0
    for chapter in info.chapters:
        # The last sentence of each paragraph, where "Stop after each paragraph" waits:
        # the paragraphs the transcript shows, which are the narration's blank lines
        # heard as long pauses.
        last = first_cue - 1
        for group in paragraphs(chapter.cues):
            last += len(group)
            paragraph_ends.append(last)
        chapters.append(
            {
                "n": chapter.number,
                "title": chapter.title,
                "start": chapter.start_ms,
                "end": chapter.end_ms,
                # Index of the chapter's first sentence, or -1: in the silence that
                # opens a chapter, the sentence about to be read is the one shown.
                "firstCue": first_cue if chapter.cues else -1,
            }
        )
        first_cue += len(chapter.cues)
    return {
        "slug": info.slug,
        "version": version,
        "duration": info.full_duration_ms,
        "chapters": chapters,
        "cues": [[cue.start_ms, cue.end_ms] for cue in info.all_cues()],
        "paragraphEnds": paragraph_ends,
    }


def _chapter_items(info: Manifest) -> str:
    items = []
    for index, chapter in enumerate(info.chapters):
        items.append(
            f'<li><button type="button" data-chapter="{index}">'
            f'<span class="num">{chapter.number}</span>'
            f'<span class="ctext"><span class="ctitle">{_e(chapter.title)}</span>'
            f'<span class="len">{length_words(chapter.duration_ms)}</span></span>'
            "</button></li>\n"
        )
    return "".join(items)


def _transcript(info: Manifest) -> str:
    parts = []
    index = 0
    for chapter in info.chapters:
        parts.append(f"<h3>{chapter.number}. {_e(chapter.title)}</h3>\n")
        for group in paragraphs(chapter.cues):
            spans = []
            for cue in group:
                spans.append(f'<span class="s" id="s-{index}">{_e(cue.text)}</span>')
                index += 1
            parts.append(f"<p>{' '.join(spans)}</p>\n")
    return "".join(parts)


def _downloads(info: Manifest, sizes: Mapping[str, int]) -> str:
    def size(name: str) -> str:
        return f", {megabytes(sizes[name])}" if sizes.get(name) else ""

    rows = [
        (info.full_file, "The whole leaflet", f"MP3{size(info.full_file)}"),
        *(
            [(book.file, "The whole leaflet for audiobook apps", f"M4B{size(book.file)}")]
            if (book := info.audiobook)
            else []
        ),
        (info.zip_file, "Everything in one zip file", "all sections, playlist and text"),
        *((name, label, f"{players}{size(name)}") for name, label, players in talking_books(info)),
    ]
    for chapter in info.chapters:
        rows.append(
            (
                chapter.file,
                f"Section {chapter.number}: {chapter.title}",
                f"MP3{size(chapter.file)}",
            )
        )
    return "".join(
        f'<li><a href="{_e(name)}" download><span class="label">{_e(label)}</span>'
        f'<span class="meta">{_e(meta)}</span></a></li>\n'
        for name, label, meta in rows
    )


def player_html(info: Manifest, *, version: str, sizes: Mapping[str, int]) -> str:
    """The player page for one leaflet.

    `version` identifies the audio (a prefix of its sha256), so a remembered
    position is trusted only for the same audio; `sizes` maps file names to
    their byte sizes for the download list.
    """
    byline = " · ".join(
        part
        for part in (
            info.organisation,
            f"{length_words(info.full_duration_ms)} in {len(info.chapters)} sections",
            info.date_words(human_date),
        )
        if part
    )
    cover = (
        f'<img class="cover" src="{_e(info.cover_file)}" alt="" width="96" height="96">\n'
        if info.cover_file
        else ""
    )
    first = info.chapters[0]
    return render(
        "player.html",
        lang=_e(info.language),
        generator=_e(f"audio-leaflet {__version__}"),
        title=_e(info.title),
        css=template("style.css"),
        cover=cover,
        byline=_e(byline),
        full_file=_e(info.full_file),
        chapter_count=str(len(info.chapters)),
        first_title=_e(first.title),
        first_sentence=_e(first.cues[0].text) if first.cues else "",
        total_clock=length_clock(info.full_duration_ms),
        chapter_items=_chapter_items(info),
        transcript=_transcript(info),
        downloads=_downloads(info, sizes),
        footer=_e(
            f"{info.organisation + '. ' if info.organisation else ''}Audio made with "
            f"audio-leaflet. {info.engine.credit}."
        ),
        data=json_for_script(player_data(info, version)),
        js=template("player.js"),
    )
