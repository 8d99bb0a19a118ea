"""What the studio does, over the functions the command line uses (no second pipeline).

The studio runs in the project folder (it changes into it at start), so
every relative path in `audio-leaflet.toml` means what it means to `build`
run there. A leaflet is named in addresses by its path relative to that
folder, and only leaflets the desk lists can be named: an address can never
reach another file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from audio_leaflet.cache import AudioCache, wav_bytes
from audio_leaflet.config import PROJECT_FILE, LeafletEntry, Project, Settings, load_project
from audio_leaflet.errors import AudioLeafletError, CheckFailed, NarrationError, UsageError
from audio_leaflet.fileio import sha256_file, write_atomic
from audio_leaflet.manifest import Manifest, read_manifest, sha256_bytes
from audio_leaflet.model import Chapter, Narration, Speech
from audio_leaflet.naming import slugify
from audio_leaflet.narrate.script import is_speech_line, parse_script, says_something, script_path
from audio_leaflet.progress import Step
from audio_leaflet.publish import release_every_staging
from audio_leaflet.read import SAMPLE_LEAFLET
from audio_leaflet.read.outline import LEFT_OUT_FILE, OUTLINE_FILE
from audio_leaflet.read.source import SUFFIXES
from audio_leaflet.versions import (
    REFUSED,
    Version,
    list_versions,
    refused_findings,
    versions_store,
)
from audio_leaflet.voices import VoiceChoice

LEAFLET_FOLDER = "leaflets"
"""Where uploaded leaflets and the built-in sample are stored, inside the project folder."""

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""Largest leaflet file the studio accepts (a long PDF leaflet is about 2 MB)."""

STUDIO_LEXICON = "lexicon.toml"
"""The project lexicon the studio writes when the project names none."""

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{0,39}")
"""A word a lexicon entry can be for."""
RESPELLING = re.compile(r"[A-Za-z][A-Za-z' -]{0,59}")
"""A respelling as the lexicon's `say` takes it ("dis-TOH-nee-uh")."""


class StudioError(AudioLeafletError):
    """Something staff asked for that cannot be done; the message says why."""

    busy = False
    """True when it cannot be done only because other work is running (a build)."""


class NotFound(StudioError):
    """An address names a leaflet, sentence, version or file the studio does not have
    (or cannot have: a name no leaflet could get)."""


class Busy(StudioError):
    """A build is running: wait for it."""

    busy = True


class BuildStopped(BaseException):
    """Raised in a build's progress report when the studio closes: it unwinds the build
    through every `finally`, as Ctrl-C does on the command line."""


@dataclass(frozen=True)
class LeafletRef:
    """A leaflet the studio can open."""

    key: str
    """Its path relative to the project folder, as addresses name it."""
    entry: LeafletEntry


@dataclass(frozen=True)
class SentenceView:
    chapter: int
    index: int
    """Its place among the chapter's sentences, from 0."""
    text: str
    """What will be said: the script's line, with lengths and dates in words."""
    spoken: bool
    """Whether a take of it, as the next build would say it, is in the cache."""
    script_text: str
    """The line as the script has it (placeholders such as {total length} kept)."""


@dataclass(frozen=True)
class ChapterView:
    number: int
    title: str
    sentences: tuple[SentenceView, ...]
    edited: bool
    script: str
    """The script file's name in the narration folder."""
    script_sha256: str
    """The script file's checksum when the page was made, so an edit can see a newer one."""


@dataclass(frozen=True)
class LeafletView:
    ref: LeafletRef
    slug: str
    title: str
    chapters: tuple[ChapterView, ...]
    warnings: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]
    """The left-out ledger: each line not spoken, with why (`left-out.txt`)."""
    outline: str
    source_text: str
    """The leaflet as text, for reading beside the narration ("" for Word and PDF files)."""
    published: bool
    versions: tuple[Version, ...]
    voice: str
    out_dir: str = ""
    """The folder staff upload (bundles, site index, feed)."""
    published_at: str = ""
    """When the published bundle was built (ISO 8601), or "" when none is."""
    last_refusal: tuple[dict[str, Any], ...] = ()
    """What the check found in the last build it refused (kept until a build passes)."""


@dataclass
class BuildJob:
    """A build the studio started, as its page follows it."""

    ref: LeafletRef
    stage: str = "Starting"
    unit: str = ""
    """What `done` and `total` count: sentences, or chapters."""
    done: int = 0
    total: int = 0
    finished: bool = False
    passed: bool = False
    messages: list[str] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    """The listening check's findings, each with where its audio can be heard."""
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        """What the page following the build reads (`/build.json`)."""
        fields = (f.name for f in dataclasses.fields(self) if f.name != "ref")
        return {name: getattr(self, name) for name in fields}


def _sha256(path: Path) -> str:
    """The file's checksum, or "" when it cannot be read (then no edit can match it)."""
    try:
        return sha256_file(path)
    except OSError:
        return ""


def _speech(chapter: Chapter) -> list[str]:
    return [line.text for line in chapter.lines if isinstance(line, Speech)]


def spoken_sentences(
    narration: Narration, manifest: Manifest | None, wpm: int
) -> dict[int, list[str]]:
    """Each chapter's sentences as they will be said, by chapter number.

    The introduction's lengths and recording date are filled in by a build.
    Where the published bundle said the same introduction, its words are
    used; otherwise the lengths are estimated from the words at `wpm` (close
    enough to proofread by ear; the build says the measured ones).
    """
    from audio_leaflet.engines.base import count_words
    from audio_leaflet.speak import fill_placeholders

    said = {chapter.number: _speech(chapter) for chapter in narration.chapters}
    for chapter in narration.chapters:
        texts = said[chapter.number]
        if not any("{" in text for text in texts):
            continue
        entry = manifest.chapter(chapter.number) if manifest else None
        heard = [cue.text for cue in entry.cues] if entry else []
        if len(heard) == len(texts) and all(
            "{" in text or text == cue for text, cue in zip(texts, heard, strict=True)
        ):
            said[chapter.number] = heard
            continue
        lengths = {}
        for other in narration.chapters:
            published = manifest.chapter(other.number) if manifest else None
            words = sum(count_words(text) for text in said[other.number])
            lengths[other.number] = (
                published.duration_ms if published else round(words * 60_000 / wpm)
            )
        today = dt.date.today().isoformat()
        filled = fill_placeholders(chapter, lengths, sum(lengths.values()), today)
        said[chapter.number] = _speech(filled)
    return said


class Desk:
    """The studio's work on one project folder (the current folder)."""

    def __init__(self) -> None:
        self.folder = Path(".").resolve()
        self.job: BuildJob | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._choices: dict[tuple[Any, ...], VoiceChoice] = {}
        self._stopping = threading.Event()
        self._checksums: dict[Path, tuple[tuple[int, ...], str]] = {}

    # ------------------------------------------------------------------
    # leaflets and settings

    def project(self) -> Project:
        return load_project(Path("."))

    def leaflets(self) -> list[LeafletRef]:
        """The project file's leaflets, then leaflet files in the folder and its `leaflets/`."""
        refs: dict[str, LeafletRef] = {}
        for entry in self.project().leaflets:
            refs.setdefault(self._key(entry.path), LeafletRef(self._key(entry.path), entry))
        for folder in (Path("."), Path(LEAFLET_FOLDER)):
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if path.is_file() and path.suffix.lower() in SUFFIXES:
                    if path.name.lower() in ("readme.md", "readme.txt"):
                        continue
                    refs.setdefault(
                        self._key(path), LeafletRef(self._key(path), LeafletEntry(path))
                    )
        return list(refs.values())

    def _key(self, path: Path) -> str:
        full = (self.folder / path).resolve()
        try:
            return full.relative_to(self.folder).as_posix()
        except ValueError:
            return full.as_posix()

    def find(self, key: str) -> LeafletRef:
        for ref in self.leaflets():
            if ref.key == key:
                return ref
        raise NotFound("No such leaflet in this studio.")

    def project_settings(self, ref: LeafletRef) -> Settings:
        """The project's settings with this leaflet's own, as `build` is given them."""
        entry = ref.entry
        return self.project().settings.replace(
            title=entry.title, organisation=entry.organisation, slug=entry.slug
        )

    def settings_for(self, ref: LeafletRef) -> Settings:
        """The settings `build` speaks this leaflet with: the voice chosen."""
        settings = self.project_settings(ref)
        return self.voice_choice(settings).applied_to(settings)

    def voice_choice(self, settings: Settings) -> VoiceChoice:
        """`voices.choose_voice` for these settings, remembered while the voices stay as
        they are: choosing checks an added voice's files against their pinned sha256
        (60 MB for a Piper voice), too slow to repeat for every sentence played. A build
        chooses afresh, so a voice damaged meanwhile is still refused before publishing."""
        from audio_leaflet.voices import choose_voice, voices_dir

        try:
            voices_changed = voices_dir().stat().st_mtime_ns  # a voice added or removed
        except OSError:
            voices_changed = 0
        key = (settings.engine, settings.voice, settings.language, voices_changed)
        if key not in self._choices:
            self._choices[key] = choose_voice(settings.engine, settings.voice, settings.language)
        return self._choices[key]

    # ------------------------------------------------------------------
    # adding leaflets

    def add_upload(self, filename: str, data: bytes) -> LeafletRef:
        """Store an uploaded leaflet under a safe name in `leaflets/`; never overwrite one."""
        if len(data) > MAX_UPLOAD_BYTES:
            raise StudioError(f"That file is over {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        if not data:
            raise StudioError("That file is empty.")
        # Browsers send quotes in a file name as %22; "%2e%2e%2f" is undone before the
        # folder parts are dropped, so it cannot become a path either.
        name = Path(unquote(filename).replace("\\", "/")).name
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES:
            raise StudioError(
                f"audio-leaflet reads {', '.join(sorted(SUFFIXES))} files, not {suffix or 'this'}."
            )
        stem = slugify(Path(name).stem) or "leaflet"
        return self._store(stem, suffix, data)

    def add_sample(self) -> LeafletRef:
        return self._store("sample-leaflet", SAMPLE_LEAFLET.suffix, SAMPLE_LEAFLET.read_bytes())

    def _store(self, stem: str, suffix: str, data: bytes) -> LeafletRef:
        folder = self.folder / LEAFLET_FOLDER
        folder.mkdir(exist_ok=True)
        target = folder / f"{stem}{suffix}"
        number = 2
        while target.exists():
            if target.read_bytes() == data:
                return self.find(self._key(target))  # the same file again
            target = folder / f"{stem}-{number}{suffix}"
            number += 1
        write_atomic(target, data)
        return self.find(self._key(target))

    # ------------------------------------------------------------------
    # a leaflet's page

    def view(self, ref: LeafletRef) -> LeafletView:
        """Read and narrate the leaflet, writing its scripts as `build` does, and describe it."""
        from audio_leaflet.pipeline import prepare

        settings = self.settings_for(ref)
        prepared = prepare(ref.entry.path, settings)
        narration = prepared.narration
        from audio_leaflet.speak import sentence_speaker

        manifest = read_manifest(settings.out_dir / narration.slug)
        engines = self._chapter_engines(settings, manifest)
        said = spoken_sentences(narration, manifest, settings.wpm)
        cache = AudioCache(settings.cache_dir)
        chapters = []
        for chapter in narration.chapters:
            engine, steady = engines(chapter.number)
            sentences = tuple(
                SentenceView(
                    chapter.number,
                    index,
                    text,
                    cache.has_sentence(sentence_speaker(text, engine, steady)[1]),
                    written,
                )
                for index, (text, written) in enumerate(
                    zip(said[chapter.number], _speech(chapter), strict=True)
                )
            )
            path = script_path(prepared.script_dir, chapter)
            chapters.append(
                ChapterView(
                    chapter.number,
                    chapter.title,
                    sentences,
                    chapter.number in prepared.edited,
                    path.name,
                    _sha256(path),
                )
            )
        store = versions_store(settings, narration.slug)
        return LeafletView(
            ref,
            narration.slug,
            narration.title,
            tuple(chapters),
            prepared.warnings,
            _ledger(_read_text(prepared.script_dir / LEFT_OUT_FILE)),
            _read_text(prepared.script_dir / OUTLINE_FILE),
            _read_text(ref.entry.path) if ref.entry.path.suffix.lower() in (".txt", ".md") else "",
            manifest is not None,
            tuple(v for v in list_versions(store) if v.belongs_to(prepared.owner)),
            self.voice_choice(self.project_settings(ref)).describe(),
            str(settings.out_dir / narration.slug),
            manifest.built_at if manifest else "",
            tuple(_findings(refused_findings(store), settings, narration.slug)),
        )

    def _chapter_engines(
        self, settings: Settings, manifest: Manifest | None
    ) -> Callable[[int], tuple[Any, Any]]:
        """For a chapter number: the engine at the pace its last build used, and the steady one."""
        from audio_leaflet.engines import make_engine
        from audio_leaflet.lexicon import load_lexicon
        from audio_leaflet.speak import engine_at_pace, recorded_pace_factor

        steady = make_engine(
            settings.engine,
            voice=settings.voice,
            wpm=settings.wpm,
            lexicon=load_lexicon(settings.lexicon),
        )

        def engines(number: int) -> tuple[Any, Any]:
            entry = manifest.chapter(number) if manifest else None
            factor = recorded_pace_factor(entry.pace_factor) if entry else None
            return engine_at_pace(steady, factor), steady

        return engines

    def _sentence(
        self, ref: LeafletRef, chapter: int, index: int
    ) -> tuple[Settings, Manifest | None, str]:
        """The settings, the published manifest, and one sentence as it will be said."""
        from audio_leaflet.pipeline import prepare

        settings = self.settings_for(ref)
        narration = prepare(ref.entry.path, settings, write=False).narration
        manifest = read_manifest(settings.out_dir / narration.slug)
        sentences = spoken_sentences(narration, manifest, settings.wpm).get(chapter, [])
        if not 0 <= index < len(sentences):
            raise NotFound("No such sentence in this leaflet.")
        return settings, manifest, sentences[index]

    # ------------------------------------------------------------------
    # hearing a sentence

    def take(self, ref: LeafletRef, chapter: int, index: int) -> tuple[bytes, bool]:
        """A sentence as the next build would say it (WAV), and whether it was spoken just now."""
        from audio_leaflet.speak import sentence_take

        settings, manifest, text = self._sentence(ref, chapter, index)
        engine, steady = self._chapter_engines(settings, manifest)(chapter)
        _key, clip, spoken = sentence_take(text, engine, steady, AudioCache(settings.cache_dir))
        return wav_bytes(clip), spoken

    def try_word(self, ref: LeafletRef, word: str, say: str) -> bytes:
        """The leaflet's first sentence with `word` (else the word alone), said with `word`
        respelt as `say` (WAV); nothing is kept."""
        from audio_leaflet.engines import make_engine
        from audio_leaflet.lexicon import builtin_with
        from audio_leaflet.pipeline import prepare

        word, say = _checked_entry(word, say)
        settings = self.settings_for(ref)
        trial = _with_entry(_read_text(self.lexicon_path()), word, say)
        lexicon = builtin_with(trial, f"{self.lexicon_path()} (with the respelling tried)")
        engine = make_engine(
            settings.engine, voice=settings.voice, wpm=settings.wpm, lexicon=lexicon
        )
        narration = prepare(ref.entry.path, settings, write=False).narration
        has_word = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
        sentences = (text for chapter in narration.chapters for text in _speech(chapter))
        spoken = next((text for text in sentences if has_word.search(text)), word)
        return wav_bytes(engine.synthesize(engine.engine_text(spoken)))

    # ------------------------------------------------------------------
    # changing the narration and the lexicon

    def edit(self, ref: LeafletRef, chapter: int, index: int, text: str, seen_sha256: str) -> None:
        """Change one sentence in its chapter's script, as a hand edit would."""
        text = " ".join(text.split())
        if not says_something(text):
            # "…", a zero-width space or a soft hyphen would be a sentence with no sound.
            raise StudioError(
                "A sentence must have words to say (letters or digits): write it in words, "
                "or delete it in the script file instead."
            )
        if not is_speech_line(text):
            # In a script, "# ..." is a comment and "[...]" a pause: the sentence would vanish.
            raise StudioError("A sentence cannot start with # or [: write it in words.")
        settings = self.settings_for(ref)
        from audio_leaflet.pipeline import prepare

        prepared = prepare(ref.entry.path, settings, write=False)
        found = [c for c in prepared.narration.chapters if c.number == chapter]
        if not found:
            raise NotFound("No such section in this leaflet.")
        path = script_path(prepared.script_dir, found[0])
        with self._lock:
            if _sha256(path) != seen_sha256:
                raise StudioError(
                    f"{path.name} changed since this page was opened (edited elsewhere?): "
                    "reload the page and make the change again."
                )
            lines = path.read_text("utf-8").splitlines()
            at = _speech_line_numbers(lines)
            if not 0 <= index < len(at):
                raise NotFound("No such sentence in this leaflet.")
            lines[at[index]] = text
            new_text = "\n".join(lines) + "\n"
            try:
                parse_script(new_text, path)
            except NarrationError as error:
                raise StudioError(str(error)) from error
            write_atomic(path, new_text, durable=True)

    def lexicon_path(self) -> Path:
        """The project's lexicon file (it may not exist yet)."""
        configured = self.project().settings.lexicon
        return configured if configured is not None else Path(STUDIO_LEXICON)

    def save_word(self, word: str, say: str) -> Path:
        """Add or change a word in the project lexicon; name the lexicon in the project file."""
        from audio_leaflet.lexicon import builtin_with

        word, say = _checked_entry(word, say)
        path = self.lexicon_path()
        with self._lock:
            text = _with_entry(_read_text(path), word, say)
            builtin_with(text, str(path))  # a lexicon that will not load is never written
            write_atomic(path, text)
            if self.project().settings.lexicon is None:
                _name_lexicon_in_project(path)
        return path

    # ------------------------------------------------------------------
    # building and versions

    def start_build(self, ref: LeafletRef) -> BuildJob:
        with self._lock:
            if self.job is not None and not self.job.finished:
                raise Busy(f"A build of {self.job.ref.key} is running: wait for it.")
            self.job = BuildJob(ref)
        job = self.job
        self._thread = threading.Thread(target=self._build, args=(job,), daemon=True, name="build")
        self._thread.start()
        return job

    def stop_building(self, wait_s: float) -> None:
        """Ask a running build to stop (as Ctrl-C stops one), and wait up to `wait_s` for it.

        It stops at its next sentence or file, cleaning up as the command line
        does. One still busy after `wait_s` (saying a long sentence, hearing a
        long chapter) ends with the process, its staging folder removed here:
        the published bundle is untouched either way.
        """
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(wait_s)
            if self._thread.is_alive():
                # Still inside the voice (one sentence can take seconds on a busy machine):
                # its staging folder is removed here, as the process ends.
                release_every_staging()

    def _build(self, job: BuildJob) -> None:
        from audio_leaflet.cli import result_messages
        from audio_leaflet.pipeline import build_leaflet

        def progress(step: Step) -> None:
            if self._stopping.is_set():
                raise BuildStopped
            job.stage, job.unit = step.stage.value, step.unit
            job.done, job.total = step.done, step.total

        settings = self.settings_for(job.ref)
        try:
            # build_leaflet chooses the voice itself, from the settings as given.
            result = build_leaflet(
                job.ref.entry.path, self.project_settings(job.ref), progress=progress
            )
        except CheckFailed as error:
            from audio_leaflet.pipeline import check_report_path

            slug = self.view_slug(job.ref)
            job.problems = _findings([p.to_finding() for p in error.problems], settings, slug)
            count = sum(1 for item in job.problems if item["severity"] == "error")
            job.error = (
                f"The listening check found {count} problem{'s' if count != 1 else ''}, so "
                "the audio published before was left as it was. They are listed below, with "
                "the audio the check heard; the full report is in "
                f"{check_report_path(settings, slug)}."
            )
        except AudioLeafletError as error:
            job.error = str(error)
        except BuildStopped:
            job.error = "The studio was closed during the build: nothing was published."
        except Exception as error:  # a bug: shown, and the studio stays up
            job.error = f"The build stopped with an internal error: {error!r}"
        else:
            job.passed = True
            # The lines saying where to open files are the command line's; the page links them.
            where = ("  Listen:", "  Download for listeners:", "  Talking books:", "  Podcast feed")
            job.messages = [m for m in result_messages(result) if not m.startswith(where)]
            if result.voice_warning:
                job.messages.append(f"warning: {result.voice_warning}")
            job.problems = _findings(
                [p.to_finding() for p in result.check_problems],
                settings,
                result.slug,
                published=True,
            )
        finally:
            job.finished = True
            job.stage = "Finished"

    def restore(self, ref: LeafletRef, name: str) -> Path:
        from audio_leaflet.pipeline import prepare
        from audio_leaflet.versions import restore_version

        settings = self.settings_for(ref)
        prepared = prepare(ref.entry.path, settings, write=False)
        return restore_version(settings, prepared.narration.slug, name, prepared.owner)

    def view_slug(self, ref: LeafletRef) -> str:
        from audio_leaflet.pipeline import prepare

        return prepare(ref.entry.path, self.settings_for(ref), write=False).narration.slug

    def bundle_file(self, slug: str, name: str, which: str = "published") -> Path:
        """A file of one of the project's bundles, only by a name its manifest lists and only
        while it matches the checksum the manifest gives (NotFound otherwise).

        `which` is "published" (the out-dir's), "refused" (the last bundle the check
        refused) or the name of a kept version. Found from the slug alone, without
        reading the leaflet: a player asks for its audio in many small ranges, so a
        file's checksum is remembered while its size, time and inode stay the same.
        Anything able to write into the out-dir could otherwise put its own page or
        audio on the studio's origin.
        """
        if not slug or slugify(slug, fallback="") != slug:
            raise NotFound("No such leaflet.")  # a 300-character name never reaches the disk
        settings = self.project().settings
        store = versions_store(settings, slug)
        if which == "published":
            bundle = settings.out_dir / slug
        elif which == REFUSED:
            bundle = store / REFUSED
        else:
            version = next((v for v in list_versions(store) if v.name == which), None)
            if version is None or not version.sound:
                raise NotFound("No such version, or it is damaged.")
            bundle = version.folder
        manifest = read_manifest(bundle)
        if manifest is None or name not in manifest.files:
            raise NotFound("No such file in that bundle.")
        path = bundle / name
        if self._checksum(path) != manifest.files[name]:
            raise NotFound(f"{name} no longer matches its bundle's manifest: build again.")
        return path

    def verified_bytes(self, slug: str, name: str) -> bytes:
        """A published file's bytes, read once and compared with its manifest's checksum:
        what is served is exactly what was compared."""
        path = self.bundle_file(slug, name)
        data = path.read_bytes()
        manifest = read_manifest(path.parent)
        if manifest is None or sha256_bytes(data) != manifest.files.get(name):
            raise NotFound(f"{name} no longer matches its bundle's manifest: build again.")
        return data

    def _checksum(self, path: Path) -> str:
        """`path`'s SHA-256, remembered while the file's identity and size stay the same."""
        try:
            facts = path.stat()
        except OSError:
            return ""
        key = (facts.st_dev, facts.st_ino, facts.st_size, facts.st_mtime_ns, facts.st_ctime_ns)
        known = self._checksums.get(path)
        if known is None or known[0] != key:
            known = (key, _sha256(path))
            self._checksums[path] = known
        return known[1]


def _findings(
    items: list[dict[str, Any]], settings: Settings, slug: str, *, published: bool = False
) -> list[dict[str, Any]]:
    """The check's problems (as `Problem.to_json` gives them, with their "text"), each with
    the chapter file that holds its moment and where that file is."""
    where = settings.out_dir / slug if published else versions_store(settings, slug) / REFUSED
    manifest = read_manifest(where)
    findings = []
    for item in items:
        chapter = item.get("chapter")
        entry = manifest.chapter(chapter) if manifest and isinstance(chapter, int) else None
        source = "published" if published else REFUSED
        audio = {"slug": slug, "audio": entry.file if entry else "", "from": source}
        findings.append({**item, **audio})
    return findings


def _ledger(text: str) -> tuple[tuple[str, str], ...]:
    """The left-out ledger's "reason | line" rows as (line, reason); its "#" notes and
    its "nothing was left out" line are not rows."""
    rows = []
    for line in text.splitlines():
        reason, bar, left_out = line.partition(" | ")
        if bar and not line.startswith("#"):
            rows.append((left_out, reason.strip()))
    return tuple(rows)


def _read_text(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _speech_line_numbers(lines: list[str]) -> list[int]:
    """Which lines of a script are sentences (not comments, blank lines or pauses)."""
    return [number for number, line in enumerate(lines) if is_speech_line(line)]


def _checked_entry(word: str, say: str) -> tuple[str, str]:
    word, say = word.strip(), " ".join(say.split())
    if not WORD.fullmatch(word):
        raise StudioError(
            "A lexicon word is one word of letters (apostrophes and hyphens allowed)."
        )
    if not RESPELLING.fullmatch(say):
        raise StudioError(
            "A respelling is letters, spaces and hyphens, with the stressed part in "
            'capitals: "dis-TOH-nee-uh".'
        )
    return word.lower().replace("’", "'"), say


def _with_entry(text: str, word: str, say: str) -> str:
    """Lexicon TOML `text` with `word` said as `say`. An entry the word had is kept,
    commented out, so that nothing staff wrote (an IPA, a note) is lost."""
    header = re.compile(r"^\[\s*words\s*\.\s*(?P<key>\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)\s*\]\s*$")
    kept: list[str] = []
    replaced = False
    for line in text.splitlines():
        match = header.match(line)
        if match:
            replaced = match["key"].strip("\"'").lower() == word
            if replaced:
                kept.append(f"# Replaced in audio-leaflet studio on {dt.date.today().isoformat()}:")
        elif line.startswith("["):
            replaced = False
        kept.append(f"# {line}" if replaced and line.strip() else line)
    while kept and not kept[-1].strip():
        kept.pop()
    block = [f"[words.{json.dumps(word)}]", f"say = {json.dumps(say)}"]
    if not kept:
        kept = ["# Pronunciations added in audio-leaflet studio (and by hand)."]
    return "\n".join([*kept, "", *block]) + "\n"


def _name_lexicon_in_project(lexicon: Path) -> None:
    """Add `lexicon = "..."` to the project file (made if missing); undo it if it is not read."""
    project = Path(PROJECT_FILE)
    before = _read_text(project) if project.exists() else None
    line = f"lexicon = {json.dumps(lexicon.as_posix())}"
    lines = (before or "").splitlines()
    at = next((i + 1 for i, text in enumerate(lines) if text.strip() == "[audio-leaflet]"), 0)
    lines.insert(at, line)
    write_atomic(project, "\n".join(lines) + "\n")
    try:
        read_back = load_project(Path(".")).settings.lexicon
    except UsageError:
        read_back = None
    if read_back is None or read_back.resolve() != lexicon.resolve():
        if before is None:
            project.unlink(missing_ok=True)
        else:
            write_atomic(project, before)
        raise StudioError(
            f"Could not name {lexicon} in {PROJECT_FILE}: add the line {line} to it by hand."
        )
