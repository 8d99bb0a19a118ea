"""The bundle as the manifest describes it, and the checks that need no listening:
checksums, sizes, chapter markers, the feed's enclosures (docs/formats.md, docs/formats.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from audio_leaflet.check.audio_checks import FileContext
from audio_leaflet.check.report import Problem, ProblemKind, Severity, Thresholds
from audio_leaflet.errors import AudioError, ManifestError
from audio_leaflet.ffmpeg import read_metadata
from audio_leaflet.fileio import sha256_file
from audio_leaflet.manifest import MANIFEST_NAME, ChapterEntry, load_manifest
from audio_leaflet.model import Cue

FEED_NAME = "feed.xml"


@dataclass(frozen=True)
class ChapterSpec:
    """One chapter as the manifest describes it."""

    number: int
    """Chapter number (1 is the introduction)."""
    title: str
    """Chapter title."""
    file: str
    """The chapter file's name in the bundle."""
    start_ms: int | None
    """Start in the whole-leaflet file."""
    duration_ms: int | None
    """Length from PCM sample counts."""
    size: int | None
    """File size in bytes."""
    sha256: str | None
    """The file's checksum."""
    cues: tuple[Cue, ...]
    """Sentences as narrated and when they are heard in the chapter file."""
    takes: tuple[str, ...] = ()
    """Each sentence's take (the sentence cache's key, `ManifestCue.key`; "" when not known)."""

    @property
    def sentences(self) -> tuple[str, ...]:
        """The narrated sentences in order."""
        return tuple(c.text for c in self.cues)

    def where(self) -> FileContext:
        """This chapter's file, for naming problems."""
        return FileContext(self.file, self.number, self.title)


@dataclass(frozen=True)
class BundleSpec:
    """A bundle as its manifest describes it."""

    folder: Path
    """The bundle folder."""
    slug: str
    """The leaflet's slug."""
    title: str
    """The leaflet's title."""
    chapters: tuple[ChapterSpec, ...]
    """Chapters in order."""
    full_file: str | None
    """The whole-leaflet MP3's name."""
    full_duration_ms: int | None
    """Its length."""
    files: dict[str, str]
    """Every file (except the manifest) and its checksum."""
    checksums: dict[str, tuple[str | None, int | None]]
    """Checksum and size the manifest records per file name (chapters, full, cover, files)."""
    engine: str | None = None
    """The speech engine that spoke the bundle (the manifest's `engine.name`), or None."""


def _manifest_problem(message: str) -> Problem:
    return Problem(ProblemKind.MANIFEST, message, file=MANIFEST_NAME)


def read_bundle(folder: Path) -> tuple[BundleSpec | None, list[Problem]]:
    """The bundle's manifest as a `BundleSpec`, or None and the reason it cannot be read.

    The manifest is read with its one typed definition (`Manifest.from_json`),
    which refuses a missing checksum or a value of the wrong type.
    """
    if not folder.is_dir():
        return None, [_manifest_problem(f"{folder} is not a folder; give a bundle folder")]
    if not (folder / MANIFEST_NAME).is_file():
        return None, [
            _manifest_problem(
                f"{folder} has no {MANIFEST_NAME}: is it a bundle built by audio-leaflet?"
            )
        ]
    try:
        manifest = load_manifest(folder)
    except ManifestError as error:
        return None, [_manifest_problem(f"{error}; rebuild the bundle")]
    problems: list[Problem] = []
    chapters = tuple(_chapter(entry, problems) for entry in manifest.chapters)
    checksums: dict[str, tuple[str | None, int | None]] = {
        name: (digest, size) for name, digest, size in manifest.checksums()
    }
    if not manifest.files:
        problems.append(
            _manifest_problem(
                "the manifest lists no published files with their checksums, so changes to "
                "them cannot be seen; rebuild the bundle"
            )
        )
    spec = BundleSpec(
        folder=folder,
        slug=manifest.slug,
        title=manifest.title,
        chapters=chapters,
        full_file=manifest.full.file,
        full_duration_ms=manifest.full.duration_ms,
        files=dict(manifest.files),
        checksums=checksums,
        engine=manifest.engine.name,
    )
    return spec, problems


def _chapter(entry: ChapterEntry, problems: list[Problem]) -> ChapterSpec:
    cues = tuple(Cue(c.start_ms, c.end_ms, c.text) for c in entry.cues)
    if not cues:
        problems.append(
            Problem(
                ProblemKind.MANIFEST,
                "the manifest has no narration text (cues) for this chapter, so its speech "
                "cannot be checked; rebuild the bundle",
                chapter=entry.number,
                chapter_title=entry.title,
                file=MANIFEST_NAME,
            )
        )
    return ChapterSpec(
        number=entry.number,
        title=entry.title,
        file=entry.file,
        start_ms=entry.start_ms,
        duration_ms=entry.duration_ms,
        size=entry.bytes,
        sha256=entry.sha256,
        cues=cues,
        takes=tuple(c.key for c in entry.cues),
    )


# --------------------------------------------------------------------------
# Checksums and sizes
# --------------------------------------------------------------------------


def checksum_problems(spec: BundleSpec) -> list[Problem]:
    """Files missing, or whose checksum or size differs from the manifest, and files not listed.

    A staging folder holds exactly what the build wrote; a published bundle may
    have gained files by hand (a changed player, a stray upload): each is named.
    """
    chapters = {c.file: c for c in spec.chapters}
    expected: dict[str, list[tuple[str | None, int | None]]] = {}
    for name, pair in spec.checksums.items():
        expected.setdefault(name, []).append(pair)
    for name, listed in spec.files.items():
        expected.setdefault(name, []).append((listed, None))
    problems = []
    for path in sorted(spec.folder.iterdir()):
        if path.name != MANIFEST_NAME and path.name not in expected:
            problems.append(
                FileContext(path.name).problem(
                    ProblemKind.UNLISTED_FILE,
                    f"{path.name} is in the bundle but not in its manifest: the build did not "
                    "write it; remove it, or rebuild",
                )
            )
    for name in sorted(expected):
        chapter = chapters.get(name)
        where = chapter.where() if chapter else FileContext(name)
        path = spec.folder / name
        if Path(name).name != name or not path.is_file():
            problems.append(
                where.problem(
                    ProblemKind.MISSING_FILE,
                    f"{name} is named in the manifest but missing from the bundle; rebuild it",
                )
            )
            continue
        actual = sha256_file(path)
        size = path.stat().st_size
        for digest, recorded_size in expected[name]:
            if digest is not None and digest != actual:
                problems.append(
                    where.problem(
                        ProblemKind.CHECKSUM,
                        f"{name} is not the file the build wrote (its SHA-256 differs from "
                        "the manifest): it was changed or damaged afterwards; rebuild",
                        expected=digest[:12],
                        heard=actual[:12],
                    )
                )
                break
            if recorded_size is not None and recorded_size != size:
                problems.append(
                    where.problem(
                        ProblemKind.CHECKSUM,
                        f"{name} has {size} bytes but the manifest says {recorded_size}",
                        expected=str(recorded_size),
                        heard=str(size),
                    )
                )
                break
    return problems


# --------------------------------------------------------------------------
# Chapter markers of the whole-leaflet file
# --------------------------------------------------------------------------


def marker_problems(
    spec: BundleSpec, starts_from_files_ms: dict[int, int], thresholds: Thresholds
) -> list[Problem]:
    """The whole file's chapter markers, as ffmpeg reads them, against the manifest and files.

    `starts_from_files_ms`: where each chapter's audio plays in the whole file, worked
    out from the chapter files' frames (`chapter_starts_ms`). The markers run on from 0:
    the first starts at 0, every other where its chapter's audio does.

    ffmpeg lists ID3 chapters in file order, which is what players do too
    (mutagen issue 506): markers out of time order show up here as wrong
    titles or starts.
    """
    if spec.full_file is None or not (spec.folder / spec.full_file).is_file():
        return []  # reported as a missing file
    where = FileContext(spec.full_file)
    try:
        markers = read_metadata(spec.folder / spec.full_file).chapters
    except AudioError as error:
        return [where.problem(ProblemKind.CHAPTER_MARKERS, f"cannot read chapters: {error}")]
    problems = []
    if len(markers) != len(spec.chapters):
        problems.append(
            where.problem(
                ProblemKind.CHAPTER_MARKERS,
                f"the whole-leaflet file has {len(markers)} chapter markers but the bundle "
                f"has {len(spec.chapters)} chapters",
                expected=str(len(spec.chapters)),
                heard=str(len(markers)),
            )
        )
    for index, (chapter, marker) in enumerate(zip(spec.chapters, markers, strict=False)):
        located = FileContext(spec.full_file, chapter.number, chapter.title)
        if marker.title != chapter.title:
            problems.append(
                located.problem(
                    ProblemKind.CHAPTER_MARKERS,
                    f"chapter marker {chapter.number} has the wrong title",
                    time_s=marker.start_ms / 1000,
                    expected=chapter.title,
                    heard=marker.title,
                )
            )
        before = len(problems)
        if index == 0:
            _drift(problems, located, marker.start_ms, 0, "the whole file's start", thresholds)
            continue
        if chapter.start_ms is not None:
            _drift(problems, located, marker.start_ms, chapter.start_ms, "the manifest", thresholds)
        from_files = starts_from_files_ms.get(chapter.number)
        if from_files is not None and len(problems) == before:  # one drift per marker
            _drift(problems, located, marker.start_ms, from_files, "the chapter files", thresholds)
    return problems


def whole_is_joined(spec: BundleSpec) -> bool:
    """Whether the whole-leaflet file's audio is its chapter files' frames, joined
    (`mp3.py`), byte for byte; False for one encoded from the audio again (as older
    builds made it), or one that is damaged or missing."""
    from audio_leaflet.mp3 import audio_frames

    if spec.full_file is None:
        return False
    try:
        whole = audio_frames(spec.folder / spec.full_file)
        chapters = [audio_frames(spec.folder / chapter.file) for chapter in spec.chapters]
    except (AudioError, OSError):
        return False
    return whole.data == b"".join(part.data for part in chapters)


def chapter_starts_ms(spec: BundleSpec, durations_s: dict[int, float]) -> dict[int, int]:
    """Where each chapter's audio plays in the whole file, worked out from the chapter files.

    In a whole file joined from the chapters' frames, from their frame counts
    (`mp3.starts`); in one encoded from the joined audio (older builds), from the
    chapters' decoded lengths (`durations_s`). None past a chapter that is missing.
    """
    if whole_is_joined(spec):
        from audio_leaflet.mp3 import audio_frames, starts

        parts = [audio_frames(spec.folder / chapter.file) for chapter in spec.chapters]
        rate = parts[0].sample_rate
        return {
            chapter.number: start * 1000 // rate
            for chapter, start in zip(spec.chapters, starts(parts), strict=True)
        }
    found: dict[int, int] = {}
    position = 0.0
    for chapter in spec.chapters:
        if chapter.number not in durations_s:
            break  # cannot add up past a missing file
        found[chapter.number] = round(position * 1000)
        position += durations_s[chapter.number]
    return found


def _drift(
    problems: list[Problem],
    where: FileContext,
    marker_ms: int,
    expected_ms: int | float,
    source: str,
    thresholds: Thresholds,
) -> None:
    if expected_ms != expected_ms:  # NaN: unknown
        return
    if abs(marker_ms - expected_ms) > thresholds.max_marker_drift_ms:
        problems.append(
            where.problem(
                ProblemKind.CHAPTER_MARKERS,
                f"chapter marker {where.chapter} starts at {marker_ms / 1000:.3f} s but "
                f"{source} put the chapter at {expected_ms / 1000:.3f} s",
                time_s=marker_ms / 1000,
                expected=f"{expected_ms / 1000:.3f} s",
                heard=f"{marker_ms / 1000:.3f} s",
            )
        )


# --------------------------------------------------------------------------
# The podcast feed of the out-dir
# --------------------------------------------------------------------------


def feed_problems(spec: BundleSpec, feed: Path) -> list[Problem]:
    """Enclosures in `feed` that point at this bundle's files must state their exact length.

    RSS 2.0: an enclosure's `length` is the file's size in bytes; podcast
    apps use it to check downloads.
    """
    from lxml import etree

    where = FileContext(feed.name)
    try:
        root = etree.parse(str(feed), etree.XMLParser(resolve_entities=False, no_network=True))
    except (OSError, etree.XMLSyntaxError) as error:
        return [where.problem(ProblemKind.FEED, f"{feed} cannot be read as XML: {error}")]
    names = {c.file for c in spec.chapters} | ({spec.full_file} if spec.full_file else set())
    problems = []
    found = False
    for enclosure in root.iter("enclosure"):
        url = enclosure.get("url") or ""
        parts = [unquote(p) for p in urlparse(url).path.split("/") if p]
        if not parts or parts[-1] not in names:
            continue
        if len(parts) >= 2 and parts[-2] != spec.slug:
            continue  # another leaflet's file of the same name
        found = True
        path = spec.folder / parts[-1]
        if not path.is_file():
            continue  # reported as a missing file
        size = path.stat().st_size
        length = str(enclosure.get("length") or "")
        if length != str(size):
            problems.append(
                where.problem(
                    ProblemKind.FEED,
                    f"the feed's enclosure for {parts[-1]} gives length {length or 'none'} but "
                    f"the file has {size} bytes; rebuild so the feed is rewritten",
                    expected=str(size),
                    heard=length,
                )
            )
    if not found:
        problems.append(
            where.problem(
                ProblemKind.FEED,
                f"{feed} has no episode for this leaflet ({spec.slug})",
                severity=Severity.WARNING,
            )
        )
    return problems
