"""What the studio does, over the functions the command line uses (no second pipeline).

The studio runs in the project folder (it changes into it at start), so
every relative path in `audio-leaflet.toml` means what it means to `build`
run there. A leaflet is named in addresses by its path relative to that
folder, and only leaflets the desk lists can be named: an address can never
reach another file.

The desk asks the build for what it needs and orchestrates nothing: one
`pipeline.prepare` per state of a leaflet (remembered until the leaflet,
its scripts, its outline or the settings change), `speak.sentence_take` to
hear a sentence, `pipeline.build_leaflet` to build (`studio.building`),
`versions.restore_version` to put a version back. What staff change is text
(`studio.changes`, `studio.outline_edit`); the desk writes it, keeping what it
replaced so that the last change can be undone.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from audio_leaflet.cache import AudioCache, wav_bytes
from audio_leaflet.config import PROJECT_FILE, LeafletEntry, Project, Settings, load_project
from audio_leaflet.errors import UsageError
from audio_leaflet.fileio import sha256_file, write_atomic
from audio_leaflet.manifest import Manifest, read_manifest, sha256_bytes
from audio_leaflet.model import Chapter, Speech
from audio_leaflet.naming import slugify
from audio_leaflet.narrate.script import script_path
from audio_leaflet.read import SAMPLE_LEAFLET
from audio_leaflet.read.outline import LEFT_OUT_FILE, OUTLINE_FILE
from audio_leaflet.read.source import SUFFIXES
from audio_leaflet.studio import changes, outline_edit
from audio_leaflet.studio.building import Builder, BuildJob, findings
from audio_leaflet.studio.changes import Change, NotFound, StudioError
from audio_leaflet.studio.views import (
    ChapterSummary,
    ChapterView,
    LeafletView,
    SentenceView,
    VersionView,
    WordView,
    published_view,
    spoken_sentences,
)
from audio_leaflet.versions import REFUSED, list_versions, refused_findings, versions_store
from audio_leaflet.voices import VoiceChoice

__all__ = ["MAX_UPLOAD_BYTES", "Desk", "LeafletRef", "NotFound", "StudioError"]

LEAFLET_FOLDER = "leaflets"
"""Where uploaded leaflets and the built-in sample are stored, inside the project folder."""

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""Largest leaflet file the studio accepts (a long PDF leaflet is about 2 MB)."""

STUDIO_LEXICON = "lexicon.toml"
"""The project lexicon the studio writes when the project names none."""

UNDO_DEPTH = 20
"""Changes to a leaflet that can be undone, newest first."""


class LeafletRef:
    """A leaflet the studio can open."""

    def __init__(self, key: str, entry: LeafletEntry) -> None:
        self.key = key
        """Its path relative to the project folder, as addresses name it."""
        self.entry = entry

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LeafletRef) and (self.key, self.entry) == (other.key, other.entry)

    def __hash__(self) -> int:
        return hash(self.key)


class Desk:
    """The studio's work on one project folder (the current folder)."""

    def __init__(self) -> None:
        self.folder = Path(".").resolve()
        self.builder = Builder()
        self._lock = threading.RLock()
        self._choices: dict[tuple[Any, ...], VoiceChoice] = {}
        self._checksums: dict[Path, tuple[tuple[int, ...], str]] = {}
        self._prepared: dict[str, tuple[tuple[Any, ...], Any]] = {}
        self._undo: dict[str, list[Change]] = {}

    @property
    def job(self) -> BuildJob | None:
        """The build the studio runs or last ran."""
        return self.builder.job

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
    # one prepare per state of a leaflet

    def prepared(self, ref: LeafletRef) -> Any:
        """`pipeline.prepare` of the leaflet (its scripts written as `audio-leaflet script`
        writes them), remembered while nothing it reads changes: the leaflet file, the
        narration folder, the project file, the lexicon."""
        from audio_leaflet.pipeline import prepare

        settings = self.settings_for(ref)
        with self._lock:
            state = _state(ref, settings)
            known = self._prepared.get(ref.key)
            if known is not None and known[0] == state:
                return known[1]
            prepared = prepare(ref.entry.path, settings)
            # Writing the scripts may change the folder: remember the state after.
            self._prepared[ref.key] = (_state(ref, settings), prepared)
            return prepared

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

    def view(self, ref: LeafletRef, chapter: int | None = None) -> LeafletView:
        """The leaflet as its page shows it, one chapter of the narration at a time."""
        from audio_leaflet.speak import sentence_speaker

        prepared = self.prepared(ref)
        settings = self.settings_for(ref)
        narration = prepared.narration
        manifest = read_manifest(settings.out_dir / narration.slug)
        said = spoken_sentences(narration, manifest, settings.wpm)
        engines = self._chapter_engines(settings, manifest)
        cache = AudioCache(settings.cache_dir)
        summaries = []
        shown: ChapterView | None = None
        number = chapter if chapter is not None else narration.chapters[0].number
        for item in narration.chapters:
            engine, steady = engines(item.number)
            pending = [
                text
                for text in said[item.number]
                if not cache.has_sentence(sentence_speaker(text, engine, steady)[1])
            ]
            edited = item.number in prepared.edited
            summaries.append(
                ChapterSummary(
                    item.number, item.title, len(said[item.number]), len(pending), edited
                )
            )
            if item.number == number:
                path = script_path(prepared.script_dir, item)
                shown = ChapterView(
                    item.number,
                    item.title,
                    tuple(
                        SentenceView(item.number, index, text, text not in pending, written)
                        for index, (text, written) in enumerate(
                            zip(said[item.number], _speech(item), strict=True)
                        )
                    ),
                    edited,
                    path.name,
                    _sha256(path),
                )
        if shown is None:
            raise NotFound("No such section in this leaflet.")
        store = versions_store(settings, narration.slug)
        outline = _read_text(prepared.script_dir / OUTLINE_FILE)
        return LeafletView(
            ref=ref,
            slug=narration.slug,
            title=narration.title,
            chapters=tuple(summaries),
            chapter=shown,
            warnings=prepared.warnings,
            left_out=_ledger(_read_text(prepared.script_dir / LEFT_OUT_FILE)),
            outline_lines=tuple(outline_edit.body_lines(outline)),
            outline_left_out=tuple(outline_edit.left_out_lines(outline)),
            outline_sha256=sha256_bytes(outline.encode("utf-8")),
            published=published_view(manifest),
            versions=tuple(
                VersionView.of(version, manifest)
                for version in list_versions(store)
                if version.belongs_to(prepared.owner)
            ),
            voice=self.voice_choice(self.project_settings(ref)).describe(),
            out_dir=str(settings.out_dir / narration.slug),
            last_refusal=tuple(findings(refused_findings(store), settings, narration.slug)),
            words=tuple(self.words()),
            undo=self._undo[ref.key][-1].what if self._undo.get(ref.key) else "",
        )

    def _chapter_engines(self, settings: Settings, manifest: Manifest | None) -> Any:
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

    # ------------------------------------------------------------------
    # hearing

    def take(self, ref: LeafletRef, chapter: int, index: int) -> tuple[bytes, bool]:
        """A sentence as the next build would say it (WAV), and whether it was spoken just now."""
        from audio_leaflet.speak import sentence_take

        settings = self.settings_for(ref)
        narration = self.prepared(ref).narration
        manifest = read_manifest(settings.out_dir / narration.slug)
        sentences = spoken_sentences(narration, manifest, settings.wpm).get(chapter, [])
        if not 0 <= index < len(sentences):
            raise NotFound("No such sentence in this leaflet.")
        engine, steady = self._chapter_engines(settings, manifest)(chapter)
        cache = AudioCache(settings.cache_dir)
        _key, clip, spoken = sentence_take(sentences[index], engine, steady, cache)
        return wav_bytes(clip), spoken

    def try_word(self, ref: LeafletRef, word: str, say: str) -> bytes:
        """The leaflet's first sentence with `word` (else the word alone), said with `word`
        respelt as `say` (WAV); nothing is kept."""
        from audio_leaflet.engines import make_engine
        from audio_leaflet.lexicon import builtin_with

        word, say = changes.checked_entry(word, say)
        settings = self.settings_for(ref)
        trial = changes.with_entry(_read_text(self.lexicon_path()), word, say)
        lexicon = builtin_with(trial, f"{self.lexicon_path()} (with the respelling tried)")
        engine = make_engine(
            settings.engine, voice=settings.voice, wpm=settings.wpm, lexicon=lexicon
        )
        narration = self.prepared(ref).narration
        has_word = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
        sentences = (text for chapter in narration.chapters for text in _speech(chapter))
        spoken = next((text for text in sentences if has_word.search(text)), word)
        return wav_bytes(engine.synthesize(engine.engine_text(spoken)))

    # ------------------------------------------------------------------
    # changing the narration, the outline and the lexicon; undo

    def _script(self, ref: LeafletRef, chapter: int, seen_sha256: str) -> Path:
        """The chapter's script file, refused when it changed since the page was made."""
        found = [c for c in self.prepared(ref).narration.chapters if c.number == chapter]
        if not found:
            raise NotFound("No such section in this leaflet.")
        path = script_path(self.prepared(ref).script_dir, found[0])
        if _sha256(path) != seen_sha256:
            raise StudioError(
                f"{path.name} changed since this page was opened (edited elsewhere?): "
                "reload the page and make the change again."
            )
        return path

    def _write(self, ref: LeafletRef, what: str, path: Path, text: str) -> None:
        """Write a change, keeping what it replaced so that it can be undone."""
        before = _read_text(path) if path.exists() else None
        write_atomic(path, text, durable=True)
        stack = self._undo.setdefault(ref.key, [])
        stack.append(Change(what, path, before))
        del stack[:-UNDO_DEPTH]

    def edit(self, ref: LeafletRef, chapter: int, index: int, text: str, seen_sha256: str) -> None:
        """Change one sentence in its chapter's script, as a hand edit would."""
        with self._lock:
            path = self._script(ref, chapter, seen_sha256)
            new = changes.sentence_changed(_read_text(path), path, index, text)
            self._write(ref, f"the change to sentence {index + 1} of section {chapter}", path, new)

    def add_sentence(
        self, ref: LeafletRef, chapter: int, after: int, text: str, seen_sha256: str
    ) -> None:
        """Say a new sentence after sentence `after` of a chapter (-1: first)."""
        with self._lock:
            path = self._script(ref, chapter, seen_sha256)
            new = changes.sentence_added(_read_text(path), path, after, text)
            self._write(ref, f"the sentence added to section {chapter}", path, new)

    def delete_sentence(self, ref: LeafletRef, chapter: int, index: int, seen_sha256: str) -> None:
        """Say a chapter's sentence no more."""
        with self._lock:
            path = self._script(ref, chapter, seen_sha256)
            new = changes.sentence_deleted(_read_text(path), path, index)
            self._write(ref, f"the sentence deleted from section {chapter}", path, new)

    def change_outline(
        self, ref: LeafletRef, action: str, index: int, role: str, seen_sha256: str
    ) -> None:
        """Correct how the leaflet was read: a line's role, or a line left out or said."""
        with self._lock:
            prepared = self.prepared(ref)
            path = prepared.script_dir / OUTLINE_FILE
            text = _read_text(path)
            if sha256_bytes(text.encode("utf-8")) != seen_sha256:
                raise StudioError(
                    "The outline changed since this page was opened: reload the page and make "
                    "the change again."
                )
            try:
                if action == "role":
                    new = outline_edit.with_role(text, index, outline_edit.Role(role))
                elif action == "leave-out":
                    new = outline_edit.left_out(text, index)
                elif action == "say":
                    from audio_leaflet.read import source_lines_of

                    new = outline_edit.said_again(text, index, source_lines_of(ref.entry.path))
                else:
                    raise NotFound("No such change to an outline.")
            except (outline_edit.OutlineChangeError, ValueError) as error:
                raise StudioError(f"That line cannot be changed: {error}.") from error
            self._write(ref, "the change to how the leaflet was read", path, new)

    def undo(self, ref: LeafletRef) -> str:
        """Put back the file the last change to this leaflet changed; what was undone."""
        with self._lock:
            stack = self._undo.get(ref.key)
            if not stack:
                raise StudioError("There is nothing to undo.")
            change = stack.pop()
            if change.before is None:
                change.path.unlink(missing_ok=True)
            else:
                write_atomic(change.path, change.before, durable=True)
            return change.what

    def lexicon_path(self) -> Path:
        """The project's lexicon file (it may not exist yet)."""
        configured = self.project().settings.lexicon
        return configured if configured is not None else Path(STUDIO_LEXICON)

    def words(self) -> list[WordView]:
        """The pronunciations of the project's lexicon (not the built-in ones), by word."""
        from audio_leaflet.lexicon import parse_lexicon

        path = self.lexicon_path()
        if not path.is_file():
            return []
        entries = parse_lexicon(_read_text(path), str(path)).entries
        return [
            WordView(word, entries[word].say or "", entries[word].ipa or "")
            for word in sorted(entries)
        ]

    def save_word(self, ref: LeafletRef, word: str, say: str) -> Path:
        """Add or change a word in the project lexicon; name the lexicon in the project file."""
        from audio_leaflet.lexicon import builtin_with

        word, say = changes.checked_entry(word, say)
        path = self.lexicon_path()
        with self._lock:
            text = changes.with_entry(_read_text(path), word, say)
            builtin_with(text, str(path))  # a lexicon that will not load is never written
            self._write(ref, f"the pronunciation of {word!r}", path, text)
            if self.project().settings.lexicon is None:
                _name_lexicon_in_project(path)
        return path

    def remove_word(self, ref: LeafletRef, word: str) -> None:
        """Take a word out of the project lexicon (its entry kept as comments)."""
        from audio_leaflet.lexicon import builtin_with

        path = self.lexicon_path()
        with self._lock:
            text = changes.without_entry(_read_text(path), word.strip().lower())
            builtin_with(text, str(path))
            self._write(ref, f"the removal of {word!r} from the lexicon", path, text)

    # ------------------------------------------------------------------
    # building and versions

    def start_build(self, ref: LeafletRef) -> None:
        # build_leaflet chooses the voice itself, from the settings as given.
        slug = self.prepared(ref).narration.slug
        self.builder.start(
            ref.key, slug, ref.entry.path, self.project_settings(ref), self._prepared.clear
        )

    def stop_building(self, wait_s: float) -> None:
        self.builder.stop(wait_s)

    def restore(self, ref: LeafletRef, name: str) -> Path:
        from audio_leaflet.versions import restore_version

        prepared = self.prepared(ref)
        settings = self.settings_for(ref)
        return restore_version(settings, prepared.narration.slug, name, prepared.owner)

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


def _stamp(path: Path) -> tuple[int, ...]:
    try:
        facts = path.stat()
    except OSError:
        return ()
    return (facts.st_ino, facts.st_size, facts.st_mtime_ns)


def _state(ref: LeafletRef, settings: Settings) -> tuple[Any, ...]:
    """What a leaflet's prepare reads: its file, the project file, the lexicon and every
    file of the narration folder (scripts, outlines). A change to any is a new state."""
    found: list[Any] = [
        repr(settings),
        _stamp(ref.entry.path),
        _stamp(Path(PROJECT_FILE)),
        _stamp(settings.lexicon) if settings.lexicon else (),
    ]
    folder = settings.narration_dir
    if folder.is_dir():
        for sub in sorted(folder.iterdir()):
            if sub.is_dir():
                found += [(p.name, _stamp(p)) for p in sorted(sub.iterdir())]
    return tuple(found)


def _sha256(path: Path) -> str:
    """The file's checksum, or "" when it cannot be read (then no edit can match it)."""
    try:
        return sha256_file(path)
    except OSError:
        return ""


def _speech(chapter: Chapter) -> list[str]:
    return [line.text for line in chapter.lines if isinstance(line, Speech)]


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


def _name_lexicon_in_project(lexicon: Path) -> None:
    """Add `lexicon = "..."` to the project file (made if missing); undo it if it is not read."""
    import json

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
