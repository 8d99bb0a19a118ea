"""`chapters.json`: Podcasting 2.0 JSON chapters of the whole-leaflet MP3.

Format: podcast-namespace `docs/examples/chapters/jsonChapters.md`, version
1.2.0: `startTime` in seconds from the start of the file, `title`, in order.
"""

from __future__ import annotations

import json
from typing import Any

from audio_leaflet.manifest import Manifest

CHAPTERS_FILE = "chapters.json"
CHAPTERS_MIME = "application/json+chapters"


def chapters_data(info: Manifest) -> dict[str, Any]:
    """The chapters document as a dict."""
    data: dict[str, Any] = {"version": "1.2.0", "title": info.title}
    if info.organisation:
        data["author"] = info.organisation
    data["fileName"] = info.full_file
    data["chapters"] = [
        {
            "startTime": chapter.start_ms / 1000,
            "endTime": chapter.end_ms / 1000,
            "title": chapter.title,
        }
        for chapter in info.chapters
    ]
    return data


def chapters_json_text(info: Manifest) -> str:
    """The chapters document as JSON text (UTF-8, not ASCII-escaped)."""
    return json.dumps(chapters_data(info), ensure_ascii=False, indent=2) + "\n"
