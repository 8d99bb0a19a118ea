"""The voices compared by measurement, to choose the default (issue 12).

    .venv/bin/python scripts/compare_voices.py [--voice piper] [--voice hibari] ...

For each voice, from a fresh cache, in one run: the seed leaflet and the
built-in sample built with that voice and no listening check (wall time, CPU
time and peak memory of the build, from wait4 in the parent), then the
listening check's recogniser (faster-whisper tiny.en) on the result, which
gives the word error rate of each chapter against its narration, weighted by
words over the leaflet, and how many lexicon words and numbers it heard
wrongly; and the speaking rate of every chapter from scripts/pace.py
(ffmpeg's silencedetect, structural pauses left out).

A voice is "ENGINE" or "ENGINE:VOICE" as `build --engine --voice` take them.
This script is never imported by the package.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pace import chapter_paces

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "leaflets" / "dystonia-and-mental-health.txt"
CLI = [sys.executable, "-m", "audio_leaflet"]


def _measured(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall s, CPU s of the child and its children, peak memory MB) of a command."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{child.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _leaflets() -> list[tuple[str, list[str]]]:
    leaflets = [("sample", [])]
    if SEED.is_file():
        leaflets.insert(0, ("seed", [str(SEED)]))
    else:
        print(f"(seed leaflet not found at {SEED}: the sample only)")
    return leaflets


def compare(voice: str, work: Path) -> list[dict[str, object]]:
    engine, _, name = voice.partition(":")
    env = {**os.environ, "AUDIO_LEAFLET_CACHE": str(work / "cache")}
    rows = []
    for label, leaflet in _leaflets():
        out = work / label
        options = ["--engine", engine, *(["--voice", name] if name else [])]
        build = [*CLI, "build", *leaflet, *options, "--no-check"]
        build += ["--out-dir", str(out), "--narration-dir", str(work / f"{label}-narration")]
        wall, cpu, memory = _measured(build, env)
        bundle = next(p for p in out.iterdir() if (p / "manifest.json").is_file())
        report = json.loads(
            subprocess.run(
                [*CLI, "check", str(bundle), "--json"], env=env, capture_output=True, text=True
            ).stdout
        )
        words = sum(c["words_expected"] for c in report["chapters"])
        errors = sum(c["word_error_rate"] * c["words_expected"] for c in report["chapters"])
        critical = sum(
            1 for p in report["problems"] if p["kind"] in ("number", "lexicon-word", "negation")
        )
        paces = [float(row["speaking_wpm"]) for row in chapter_paces(bundle)]
        rows.append(
            {
                "voice": voice,
                "leaflet": label,
                "build_wall_s": round(wall, 1),
                "build_cpu_s": round(cpu, 1),
                "peak_mb": round(memory),
                "audio_s": round(report["audio_seconds"]),
                "word_error_rate": round(errors / max(1, words), 3),
                "worst_chapter_wer": round(
                    max(c["word_error_rate"] for c in report["chapters"]), 3
                ),
                "number_lexicon_negation_findings": critical,
                "speaking_wpm": f"{min(paces):.0f} to {max(paces):.0f}",
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voice", action="append", help="ENGINE or ENGINE:VOICE (repeatable)")
    voices = parser.parse_args().voice or ["piper", "hibari"]
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for voice in voices:
        with tempfile.TemporaryDirectory(prefix="compare-voices-") as folder:
            for row in compare(voice, Path(folder)):
                print(json.dumps(row))


if __name__ == "__main__":
    main()
