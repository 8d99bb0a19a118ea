"""The command line end to end (docs/architecture.md): results on stdout, one-line errors on
stderr, exit codes 0 / 1 / 2 / 130, and never a partial file in audio_out/.

Builds here use espeak-ng (real, and quick) on tiny leaflets; the Piper builds
are in test_build_seed.py and test_cli_build.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result

from audio_leaflet import __version__
from audio_leaflet.read import SAMPLE_LEAFLET
from helpers.cli import (
    ASCII_SLUG,
    assert_nothing_partial,
    assert_one_line_error,
    manifest_of,
    run,
    tree_state,
)

TINY = "# Resting well\n\nSleep helps.\n\n## At night\n\nKeep the room dark.\n"


@pytest.fixture(autouse=True)
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test runs in its own empty folder, with its own sentence cache."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AUDIO_LEAFLET_CACHE", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def tiny(work: Path) -> Path:
    """A two-section leaflet."""
    path = work / "resting.md"
    path.write_text(TINY, encoding="utf-8")
    return path


def nothing_written(work: Path) -> None:
    assert not (work / "audio_out").exists()
    assert not (work / "narration").exists()


# --------------------------------------------------------------------------
# --version, voices, python -m and the console script
# --------------------------------------------------------------------------


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"audio-leaflet, version {__version__}\n"


def test_voices_lists_piper_and_espeak_as_usable_offline() -> None:
    result = run("voices")
    assert result.exit_code == 0, result.stderr
    # The catalogue first, the default voice at its head; then every engine's voices.
    assert result.stdout.startswith("hibari-heart  (hibari, en-US")
    engines = result.stdout.split("Every engine's voices on this machine:\n", 1)[1]
    lines = engines.splitlines()
    for engine in ("piper", "espeak"):
        usable = [line for line in lines if line.split()[0] == engine and "offline, usable" in line]
        assert usable, f"no usable offline {engine} voice in:\n{result.stdout}"
    assert any(line.startswith("gtts") and "online" in line for line in lines)
    assert lines[0].startswith("hibari") and "default" in lines[0]

    voices = json.loads(run("voices", "--json").stdout)["engines"]
    for engine in ("piper", "espeak"):
        assert any(v["engine"] == engine and v["offline"] and v["usable"] for v in voices)
    assert all(not v["offline"] for v in voices if v["engine"] == "gtts")


def test_python_m_and_the_console_script_behave_alike(work: Path) -> None:
    """Real processes: the same one-line errors and exit codes as in-process."""
    script = Path(sys.executable).with_name("audio-leaflet")
    assert script.is_file(), "the console script is not installed in this environment"
    version = subprocess.run(
        [sys.executable, "-m", "audio_leaflet", "--version"], capture_output=True, text=True
    )
    assert (version.returncode, version.stdout) == (0, f"audio-leaflet, version {__version__}\n")

    (work / "empty.txt").write_bytes(b"")
    for command in ([sys.executable, "-m", "audio_leaflet"], [str(script)]):
        usage = subprocess.run([*command, "build", "missing.txt"], capture_output=True, text=True)
        assert usage.returncode == 2
        assert usage.stderr.count("\n") == 1 and "missing.txt" in usage.stderr
        failure = subprocess.run([*command, "build", "empty.txt"], capture_output=True, text=True)
        assert failure.returncode == 1
        assert failure.stderr.startswith("Error: ") and failure.stderr.count("\n") == 1
        assert "empty" in failure.stderr and "Traceback" not in failure.stderr
        assert usage.stdout == failure.stdout == ""
    nothing_written(work)


# --------------------------------------------------------------------------
# usage errors: exit 2, one line, before anything is read or written
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["build", "missing.txt"], ["missing.txt", "does not exist"]),
        (["script", "missing.txt"], ["missing.txt", "does not exist"]),
        (["status", "missing.txt"], ["missing.txt", "does not exist"]),
        (
            ["build", "{tiny}", "--engine", "pipr"],
            ["Unknown engine 'pipr'", "espeak, gtts, hibari, piper"],
        ),
        (["build", "{tiny}", "--wpm", "20"], ["--wpm", "80<=x<=250"]),
        (["build", "{tiny}", "--wpm", "fast"], ["--wpm", "not a valid integer"]),
        (["build", "{tiny}", "--jobs", "0"], ["--jobs"]),
        (["build", "{tiny}", "--colour", "red"], ["No such option: --colour"]),
        (["build", "{tiny}", "{tiny}", "--title", "T"], ["--title", "audio-leaflet.toml"]),
        (["build", "."], ["is a directory"]),
        (["check", "nowhere"], ["nowhere", "does not exist"]),
        (["speak", "{tiny}"], ["No such command 'speak'"]),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(
    work: Path, tiny: Path, args: list[str], fragments: list[str]
) -> None:
    result = run(*(a.format(tiny=tiny) for a in args))
    message = assert_one_line_error(result, 2, *fragments)
    # click's own errors point to the help; ours list the valid values instead.
    assert "--help" in message or "Available" in message or "toml" in message
    assert result.stderr.count("\n") == 1
    nothing_written(work)


@pytest.mark.parametrize(
    ("project", "fragments"),
    [
        ('engine = "pipr"\n', ["Unknown engine 'pipr'"]),
        ("wpm = 20\n", ["wpm must be a whole number from 80 to 250"]),
        ('colour = "red"\n', ["unknown setting 'colour'", "audio-leaflet.toml"]),
        ("engine = \n", ["audio-leaflet.toml", "not valid TOML"]),
    ],
)
def test_a_bad_project_file_is_a_usage_error(
    work: Path, tiny: Path, project: str, fragments: list[str]
) -> None:
    (work / "audio-leaflet.toml").write_text(project, encoding="utf-8")
    assert_one_line_error(run("build", tiny), 2, *fragments)
    nothing_written(work)


# --------------------------------------------------------------------------
# bad leaflets: exit 1, one line that names the file and the fix, nothing written
# --------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["script", "build"])
@pytest.mark.parametrize(
    ("name", "content", "fragments"),
    [
        ("empty.txt", b"", ["empty.txt", "is empty"]),
        ("blank.txt", b"\n  \n\t\n", ["blank.txt"]),
        ("photo.txt", bytes(range(256)) * 8, ["photo.txt"]),
        ("leaflet.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", ["leaflet.pdf", "as a PDF"]),
        ("broken.docx", b"PK\x03\x04garbage", ["broken.docx", "save it as .docx"]),
        ("page.html", b"<p>Click here to download</p><p>Skip navigation</p>", ["page.html"]),
    ],
)
def test_bad_leaflets_exit_1_with_one_line(
    work: Path, command: str, name: str, content: bytes, fragments: list[str]
) -> None:
    (work / name).write_bytes(content)
    assert_one_line_error(run(command, name), 1, *fragments)
    nothing_written(work)


def test_the_bad_fixtures_exit_1(work: Path, fixtures: Path) -> None:
    assert_one_line_error(run("build", fixtures / "empty.txt"), 1, "is empty")
    assert_one_line_error(run("build", fixtures / "not-a-leaflet.bin"), 1, "unknown format")
    nothing_written(work)


# --------------------------------------------------------------------------
# engine failures: exit 1, one line, the last good bundle untouched
# --------------------------------------------------------------------------


def test_engine_failures_leave_the_published_bundle_as_it_was(work: Path, tiny: Path) -> None:
    built = run("build", tiny, "--engine", "espeak", "--no-check")
    assert built.exit_code == 0, built.stderr
    bundle = work / built.stdout.strip()
    assert built.stdout == "audio_out/resting-well\n"
    # Progress goes to stderr: one line per stage when stderr is not a terminal.
    assert built.stderr.splitlines()[:2] == ["Speaking", "Encoding"]
    summary = [line for line in built.stderr.splitlines() if line.startswith("resting-well: ")]
    assert len(summary) == 1 and "sentences spoken" in summary[0]
    assert built.stderr.splitlines()[-3].startswith("  Listen: file://")
    assert built.stderr.splitlines()[-1].startswith("  Talking books: ")
    assert manifest_of(bundle)["engine"]["name"] == "espeak"
    before = tree_state(work / "audio_out")

    tiny.write_text(TINY + "\n## In the morning\n\nOpen the curtains slowly.\n", "utf-8")
    (work / "broken.onnx").write_bytes(b"not a voice")
    (work / "broken.onnx.json").write_text("{}", "utf-8")
    failures = [
        (["--voice", "missing.onnx"], ["missing.onnx", "not found"]),
        (["--voice", "broken.onnx"], ["broken.onnx", "not a Piper voice"]),
        (["--engine", "gtts", "--voice", "fr"], ["no accent 'fr'", "co.uk"]),
        (["--engine", "espeak", "--voice", "xx-nowhere"], ["xx-nowhere"]),
    ]
    for options, fragments in failures:
        result = run("build", tiny, "--no-check", *options)
        assert_one_line_error(result, 1, *fragments)
        assert_nothing_partial(work / "audio_out", before)


def test_an_interrupted_build_exits_130(
    work: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import audio_leaflet.pipeline

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(audio_leaflet.pipeline, "build_leaflet", interrupted)
    result = run("build", tiny)
    assert result.exit_code == 130
    assert result.stderr.strip().startswith("Interrupted")
    assert "Traceback" not in result.stderr


def test_a_bug_is_not_dressed_up_as_a_user_error(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anything but an AudioLeafletError is a bug: it keeps its traceback (STYLE: beets)."""
    import audio_leaflet.pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(audio_leaflet.pipeline, "prepare", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        run("script", tiny)


# --------------------------------------------------------------------------
# script and status
# --------------------------------------------------------------------------


def script_paths(result_stdout: str) -> list[Path]:
    return [Path(line) for line in result_stdout.splitlines()]


def header(path: Path, key: str) -> str:
    prefix = f"# {key}: "
    for line in path.read_text("utf-8").splitlines():
        if line.startswith(prefix):
            return line.removeprefix(prefix)
    raise AssertionError(f"{path} has no '{key}' header")


def test_script_prints_the_paths_of_the_scripts_it_wrote(work: Path, tiny: Path) -> None:
    result = run("script", tiny)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    paths = script_paths(result.stdout)
    assert [p.as_posix() for p in paths] == [
        "narration/resting-well/01-introduction.txt",
        "narration/resting-well/02-overview.txt",
        "narration/resting-well/03-at-night.txt",
    ]
    assert all(p.is_file() for p in paths)
    body = paths[2].read_text("utf-8")
    assert "Section three of three. At night.\n" in body
    assert "Keep the room dark.\n" in body and body.rstrip().endswith("End of leaflet.")
    assert not (work / "audio_out").exists()

    elsewhere = run("script", tiny, "--narration-dir", "proofs")
    assert script_paths(elsewhere.stdout)[0].as_posix() == "proofs/resting-well/01-introduction.txt"


def test_script_never_overwrites_an_edit_silently(work: Path, tiny: Path) -> None:
    path = script_paths(run("script", tiny).stdout)[2]
    edited = path.read_text("utf-8").replace("Keep the room dark.", "Keep the bedroom dark.")
    path.write_text(edited, "utf-8")

    again = run("script", tiny)
    assert again.exit_code == 0
    assert f"kept (edited by hand; --force to overwrite): {path}" in again.stderr
    assert path.read_text("utf-8") == edited
    assert str(path) in again.stdout  # still listed: it is what will be spoken

    forced = run("script", tiny, "--force")
    assert forced.exit_code == 0
    assert "backup of your edit:" in forced.stderr
    backups = list(path.parent.glob("*.bak"))
    assert [b.read_text("utf-8") for b in backups] == [edited]
    assert "Keep the room dark." in path.read_text("utf-8")


def test_script_title_and_organisation_options(tiny: Path) -> None:
    result = run("script", tiny, "--title", "Sleep: à la carte", "--organisation", "Ward 7")
    paths = script_paths(result.stdout)
    assert paths[0].parent.name == "sleep-a-la-carte"
    intro = paths[0].read_text("utf-8")
    assert header(paths[0], "leaflet") == "Sleep: à la carte"
    assert "\nSleep: à la carte.\nAn audio leaflet from Ward seven.\n" in intro


@pytest.mark.parametrize(
    ("fixture", "slug", "chapters", "spoken"),
    [
        ("nhs-style-dystonia.txt", "dystonia", 5, "Symptoms of dystonia"),
        ("botulinum-toxin-clinic.md", "botulinum-toxin-treatment", 6, "Are there any side effects"),
        ("cervical-dystonia-page.html", "cervical-dystonia", 5, "Getting a diagnosis"),
        ("carers-guide.txt", "caring-for-someone-with-dystonia", 7, "Where to find support"),
        ("no-headings.txt", "no-headings", 2, "Section two of two. Overview."),
        ("windows-1252.txt", "help-with-costs", 2, "nine pounds ninety"),
        ("path-heading.md", "living-with-dystonia", 4, "Section three of four."),
    ],
)
def test_script_on_leaflets_shaped_differently(
    work: Path, fixtures: Path, fixture: str, slug: str, chapters: int, spoken: str
) -> None:
    result = run("script", fixtures / fixture)
    assert result.exit_code == 0, result.stderr
    paths = script_paths(result.stdout)
    assert len(paths) == chapters
    for number, path in enumerate(paths, 1):
        # Every script sits in narration/<slug>/ with an ASCII file name, whatever
        # the heading looked like (`../../etc/passwd` included).
        assert path.resolve().parent == (work / "narration" / slug).resolve()
        stem = path.stem
        assert stem.startswith(f"{number:02d}-") and ASCII_SLUG.match(stem[3:]), stem
        assert header(path, "chapter") == f"{number} of {chapters}"
    texts = [p.read_text("utf-8") for p in paths]
    assert header(paths[0], "title") == "Introduction"
    assert any(spoken in text for text in texts), spoken
    assert texts[-1].rstrip().endswith("End of leaflet.")
    spoken_lines = [
        line for text in texts for line in text.splitlines() if line and not line.startswith("#")
    ]
    assert not [line for line in spoken_lines if "click here" in line.lower()]
    assert not [line for line in spoken_lines if line.strip().lower() == "expand"]
    assert not list((work / "narration").rglob("passwd"))


def test_status_before_and_after_a_build(work: Path, tiny: Path) -> None:
    before = run("status", tiny)
    assert before.exit_code == 0
    assert before.stdout.splitlines()[0] == "resting-well: never built; every chapter is new"
    assert run("build", tiny, "--engine", "espeak", "--no-check").exit_code == 0
    after = json.loads(run("status", tiny, "--json").stdout)
    assert after["built"] and not after["source_changed"]
    assert [c["state"] for c in after["chapters"]] == ["unchanged"] * 3


def test_the_sample_leaflet_is_the_default(work: Path) -> None:
    result = run("script")
    assert result.exit_code == 0, result.stderr
    paths = script_paths(result.stdout)
    assert len(paths) >= 4
    assert header(paths[0], "leaflet") in SAMPLE_LEAFLET.read_text("utf-8")


def test_several_leaflets_at_once(work: Path, tiny: Path) -> None:
    other = work / "other.md"
    other.write_text("# Moving gently\n\nWalk a little every day.\n", "utf-8")
    both = run("build", tiny, other, "--engine", "espeak", "--no-check", "--jobs", "2")
    assert both.exit_code == 0, both.stderr
    assert both.stdout == "audio_out/resting-well\naudio_out/moving-gently\n"
    assert manifest_of(work / "audio_out" / "moving-gently")["title"] == "Moving gently"

    (work / "empty.txt").write_bytes(b"")
    before = tree_state(work / "audio_out")
    failed = run("build", tiny, "empty.txt", "--engine", "espeak", "--no-check", "--jobs", "2")
    assert failed.exit_code == 1
    assert failed.stderr.splitlines()[-1].startswith("Error: empty.txt is empty")
    assert "Traceback" not in failed.stderr
    assert_nothing_partial(work / "audio_out", before)


def _last_error(result: Result) -> str:
    return [line for line in result.stderr.splitlines() if line.startswith("Error: ")][-1]


def test_script_refuses_whatever_build_would_refuse_in_the_same_words(work: Path) -> None:
    # Issue 20: `script` printed the refusal and exited 0 while `build` failed on it.
    leaflet = work / "huge.txt"
    parts = ["Many sections."]
    for number in range(1, 300):
        parts += [f"Part {number} of the guide", "Rest when you need to."]
    leaflet.write_text("\n\n".join(parts), encoding="utf-8")
    scripted = run("script", leaflet)
    built = run("build", leaflet)
    assert scripted.exit_code == built.exit_code == 1
    assert _last_error(scripted) == _last_error(built)
    assert "an MP3's chapter list holds at most 255" in _last_error(scripted)
    assert (work / "narration" / "huge").is_dir(), "the scripts are written, to show where to split"


def test_script_and_build_say_when_the_title_is_the_file_names(work: Path) -> None:
    leaflet = work / "10-botulinum-injections.txt"
    leaflet.write_text(
        "Botulinum toxin injections are used to treat dystonia.\n\nThey relax the muscle.\n",
        encoding="utf-8",
    )
    result = run("script", leaflet)
    assert result.exit_code == 0, result.stderr
    assert (
        "warning: 10-botulinum-injections.txt: no title found in the text; using the file "
        "name: set --title (it is now 'Botulinum injections')"
    ) in result.stderr
    titled = run("script", leaflet, "--title", "Botulinum toxin")
    assert "no title found" not in titled.stderr
