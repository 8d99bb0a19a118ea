"""`index.html` of the out-dir: every built leaflet, linking to its player page.

Links name `<slug>/index.html` explicitly, so they also work opened from disk,
where a folder link would show a file listing.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from audio_leaflet import __version__
from audio_leaflet.bundle.feed import FEED_FILE, normalise_base_url
from audio_leaflet.bundle.render import (
    human_date,
    length_words,
    render,
    template,
)
from audio_leaflet.fileio import write_atomic
from audio_leaflet.manifest import Manifest

SITE_INDEX_FILE = "index.html"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def site_index_html(manifests: Sequence[Manifest], *, base_url: str | None = None) -> str:
    """The page listing every leaflet of `manifests`, sorted by title."""
    infos = sorted(manifests, key=lambda i: (i.title.casefold(), i.slug))
    organisations = sorted({info.organisation for info in infos if info.organisation})
    title = f"{organisations[0]} audio leaflets" if len(organisations) == 1 else "Audio leaflets"
    count = len(infos)
    items = []
    for info in infos:
        details = " · ".join(
            part
            for part in (
                length_words(info.full_duration_ms),
                f"{len(info.chapters)} sections",
                info.date_words(human_date),
                info.organisation if len(organisations) > 1 else "",
            )
            if part
        )
        href = f"{quote(info.slug)}/index.html"
        book = ""
        if info.audiobook:
            book_href = f"{quote(info.slug)}/{quote(info.audiobook.file)}"
            book = (
                f'<p><a class="block-link" href="{_e(book_href)}" download>'
                f"Audiobook with chapters (M4B), for audiobook apps</a></p>"
            )
        items.append(
            f'<li><h2><a class="open" href="{_e(href)}">{_e(info.title)}</a></h2>'
            f"<p>{_e(details)}</p>{book}</li>\n"
        )
    feed = ""
    if base_url:
        feed_url = normalise_base_url(base_url) + FEED_FILE
        feed = (
            '<section aria-labelledby="feed-heading"><h2 id="feed-heading">In a podcast app</h2>'
            "<p>To get every leaflet in your podcast app, add this address to it:</p>"
            f'<p><a class="block-link" href="{_e(feed_url)}">{_e(feed_url)}</a></p></section>\n'
        )
    return render(
        "site.html",
        lang=_e(infos[0].language if infos else "en-GB"),
        generator=_e(f"audio-leaflet {__version__}"),
        title=_e(title),
        css=template("style.css"),
        byline=_e(f"{count} {'leaflet' if count == 1 else 'leaflets'} to listen to"),
        items="".join(items),
        feed=feed,
    )


def write_site_index(
    out_dir: Path, manifests: Sequence[Manifest], *, base_url: str | None = None
) -> Path:
    """Write `out_dir/index.html` atomically and return its path."""
    path = out_dir / SITE_INDEX_FILE
    write_atomic(path, site_index_html(manifests, base_url=base_url).encode("utf-8"))
    return path
