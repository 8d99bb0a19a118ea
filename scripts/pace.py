"""The speaking rate of every chapter of a bundle, as a listener hears it.

    .venv/bin/python scripts/pace.py audio_out/<slug> [more bundles...]

Measured from the decoded chapter MP3s with ffmpeg's silencedetect (-40 dB,
at least 0.6 s), not from the build's own numbers: the structural pauses (the
silence at each file's ends and every pause of 0.6 s or more, between
paragraphs, list points and sections) are left out, and the short pauses
between sentences count. Prints words, length, structural pauses and words a
minute per chapter, and the whole-file pace beside it for comparison.

This script is never imported by the package.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg

SILENCE_DB = -40
STRUCTURAL_S = 0.6
_WORD = re.compile(r"[^\W_]+")
_SILENCE_END = re.compile(r"silence_end: ([0-9.]+) \| silence_duration: ([0-9.]+)")
_DURATION = re.compile(r"Duration: (\d+):(\d+):([0-9.]+)")


def structural_pauses(mp3: Path) -> tuple[float, float]:
    """(length of the file, seconds of silence in runs of STRUCTURAL_S or more), in seconds."""
    done = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-nostats",
            "-i",
            str(mp3),
            "-af",
            f"silencedetect=noise={SILENCE_DB}dB:d={STRUCTURAL_S}",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    hours, minutes, seconds = _DURATION.search(done.stderr).groups()  # type: ignore[union-attr]
    length = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    silent = sum(float(d) for _end, d in _SILENCE_END.findall(done.stderr))
    # A silence still open at the end of the file is reported without an end.
    tail = re.findall(r"silence_start: ([0-9.]+)", done.stderr)
    if len(tail) > len(_SILENCE_END.findall(done.stderr)):
        silent += max(0.0, length - float(tail[-1]))
    return length, silent


def chapter_paces(bundle: Path) -> list[dict[str, float | str]]:
    """Per chapter: words, length, structural pauses, speaking rate and whole-file pace."""
    manifest = json.loads((bundle / "manifest.json").read_text("utf-8"))
    rows: list[dict[str, float | str]] = []
    for chapter in manifest["chapters"]:
        words = sum(len(_WORD.findall(cue["text"])) for cue in chapter["cues"])
        length, structural = structural_pauses(bundle / chapter["file"])
        rows.append(
            {
                "chapter": chapter["file"],
                "words": words,
                "length_s": round(length, 2),
                "structural_s": round(structural, 2),
                "speaking_wpm": round(words * 60 / max(0.1, length - structural), 1),
                "whole_file_wpm": round(words * 60 / length, 1),
            }
        )
    return rows


def main(bundles: list[str]) -> None:
    for folder in bundles:
        print(folder)
        for row in chapter_paces(Path(folder)):
            print(
                f"  {row['chapter']:48s} {row['words']:5} words {row['length_s']:7.1f} s, "
                f"structural pauses {row['structural_s']:5.1f} s: "
                f"{row['speaking_wpm']:6.1f} wpm speaking ({row['whole_file_wpm']:.1f} whole file)"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
