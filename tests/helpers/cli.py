"""Helpers for the end-to-end tests: run the real command line, read a bundle back.

Every build in these tests runs the real pipeline (real voice, real ffmpeg);
only gTTS's HTTP layer is ever faked, in test_engines_build.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from audio_leaflet.audio import measure_loudness
from audio_leaflet.cli import cli
from pace import structural_pauses

ASCII_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CHAPTER_FILE = re.compile(r"^(\d\d)-([a-z0-9-]+)\.mp3$")


def run(*args: str | Path) -> Result:
    """`audio-leaflet ARGS` in-process, stderr kept apart, bugs raised rather than caught."""
    runner = CliRunner(mix_stderr=False)
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def assert_one_line_error(result: Result, exit_code: int, *fragments: str) -> str:
    """The command failed with `exit_code` and said why in one line (no traceback)."""
    assert result.exit_code == exit_code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "no message on stderr"
    message = lines[-1]
    # Progress labels may come first; the error is the last line, and the only one.
    assert message.startswith("Error: "), result.stderr
    assert sum(line.startswith("Error") for line in lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment.lower() in message.lower(), (fragment, message)
    return message


def tree_state(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) by relative path, with its sha256."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_nothing_partial(out_dir: Path, before: dict[str, str]) -> None:
    """After a failed build: `out_dir` is as it was, apart from an empty build lock.

    No staging or set-aside folder is left, no new file appears, and every file
    that was published before is byte for byte the same.
    """
    after = tree_state(out_dir)
    new = sorted(set(after) - set(before))
    empty = hashlib.sha256(b"").hexdigest()
    assert all(re.fullmatch(r"\.[a-z0-9-]+\.lock", n) and after[n] == empty for n in new), new
    assert {k: after.get(k) for k in before} == before
    if out_dir.exists():
        leftovers = [p.name for p in out_dir.iterdir() if p.is_dir() and p.name.startswith(".")]
        assert leftovers == []


def spoken_words(text: str) -> int:
    """Words as a listener counts them: whitespace-separated tokens with a letter or digit.

    Deliberately not the engines' own counter, so pace is measured independently.
    """
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def manifest_of(bundle: Path) -> dict[str, Any]:
    """The bundle's manifest.json."""
    return json.loads((bundle / "manifest.json").read_text("utf-8"))


def chapter_files(bundle: Path) -> list[str]:
    """The chapter MP3s of a bundle (NN-slug.mp3), in name order."""
    return sorted(p.name for p in bundle.iterdir() if CHAPTER_FILE.match(p.name))


@dataclass(frozen=True)
class FileFigures:
    """What a listener hears in one file, measured from its decoded audio."""

    name: str
    """File name."""
    lufs: float
    """Integrated loudness."""
    true_peak_dbtp: float
    """Maximum true peak."""
    duration_ms: int
    """Decoded length."""
    words: int
    """Words narrated in it (0 for files that are not one chapter)."""
    structural_ms: int = 0
    """Silence in runs of 0.6 s or more (edges, paragraph, list and section pauses), found
    by ffmpeg's silencedetect at -40 dB (scripts/pace.py)."""

    @property
    def wpm(self) -> float:
        """Pace over the whole file, pauses included."""
        return self.words * 60_000 / self.duration_ms

    @property
    def speaking_wpm(self) -> float:
        """The speaking rate: words a minute with the structural pauses left out."""
        return self.words * 60_000 / max(1, self.duration_ms - self.structural_ms)

    def __str__(self) -> str:
        pace = (
            f" {self.words} words {self.speaking_wpm:.1f} wpm speaking "
            f"({self.wpm:.1f} over the whole file)"
            if self.words
            else ""
        )
        return (
            f"{self.name}: {self.lufs:.1f} LUFS, {self.true_peak_dbtp:.1f} dBTP, "
            f"{self.duration_ms / 1000:.1f} s{pace}"
        )


def chapter_figures(bundle: Path) -> list[FileFigures]:
    """Loudness, length and pace of each chapter file, from decoded audio."""
    figures = []
    for chapter in manifest_of(bundle)["chapters"]:
        loudness = measure_loudness(bundle / chapter["file"])
        words = sum(spoken_words(cue["text"]) for cue in chapter["cues"])
        _length_s, structural_s = structural_pauses(bundle / chapter["file"])
        figures.append(
            FileFigures(
                chapter["file"],
                loudness.integrated_lufs,
                loudness.true_peak_dbtp,
                loudness.duration_ms,
                words,
                round(structural_s * 1000),
            )
        )
    return figures
