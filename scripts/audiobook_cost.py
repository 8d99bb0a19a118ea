"""What the M4B audiobook adds to a build, measured on the seed leaflet in one run.

    .venv/bin/python scripts/audiobook_cost.py

Builds the seed leaflet with the default voice and no listening check into a
fresh folder and cache (wall time of the whole build), then, from that
bundle's whole MP3 decoded to PCM, times making the audiobook
(`audiobook.write_m4b`: ffmpeg's AAC encode with chapters, then mutagen's
tags) against encoding the whole MP3 (`ffmpeg.encode_mp3`), three times each,
and reports the medians and their shares of the build. A rebuild that reuses
the published audiobook only links it (no encode). This script is never
imported by the package.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from audio_leaflet.audiobook import BookChapter, BookTags, write_m4b
from audio_leaflet.config import Settings
from audio_leaflet.ffmpeg import OUTPUT_SAMPLE_RATE, decode_file, encode_mp3
from audio_leaflet.manifest import load_manifest
from audio_leaflet.pipeline import build_leaflet

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "leaflets"
SEED_LEAFLET = SEED / "dystonia-and-mental-health.txt"
TRIES = 3


def _median_seconds(work: Callable[[], object]) -> float:
    times = []
    for _ in range(TRIES):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    if not SEED_LEAFLET.is_file():
        sys.exit(f"the seed leaflet is not at {SEED_LEAFLET}")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="audiobook-cost-") as folder:
        work = Path(folder)
        settings = Settings(
            out_dir=work / "audio_out",
            narration_dir=work / "narration",
            cache_dir=work / "cache",
            check=False,
        )
        started = time.perf_counter()
        result = build_leaflet(SEED_LEAFLET, settings)
        build_s = time.perf_counter() - started
        manifest = load_manifest(result.bundle)
        clip = decode_file(result.bundle / manifest.full_file, OUTPUT_SAMPLE_RATE)
        rate = clip.sample_rate
        chapters = [
            BookChapter(c.title, c.start_ms * rate // 1000, c.end_ms * rate // 1000)
            for c in manifest.chapters
        ]
        tags = BookTags(
            manifest.title, manifest.title, manifest.organisation, "Speech", "2026",
            "comment", "description", "lyrics", "0" * 64, "0",
        )  # fmt: skip
        cover = (result.bundle / manifest.cover_file).read_bytes()
        book_s = _median_seconds(lambda: write_m4b(clip, work / "book.m4b", chapters, tags, cover))
        mp3_s = _median_seconds(lambda: encode_mp3(clip, work / "whole.mp3"))
    minutes = clip.duration_ms / 60_000
    print(f"seed leaflet: {minutes:.1f} min of audio, {len(chapters)} chapters")
    print(f"full build (no check, fresh cache): {build_s:.1f} s")
    print(f"audiobook (AAC + chapters + tags): {book_s:.2f} s, {book_s / build_s:.1%} of the build")
    print(f"whole MP3 encode, for comparison: {mp3_s:.2f} s (audiobook / MP3 {book_s / mp3_s:.2f})")


if __name__ == "__main__":
    main()
