"""Hearing each chapter as soon as it is spoken, beside the voice, on a cold build.

The listening check runs on the finished bundle, but most of its time is the
recogniser hearing audio it has not heard. On a cold build every chapter is
new, so each one is encoded (as the bundle's file will be: the same encoder,
the same frames) and heard and measured in a thread of its own while the
voice goes on to the next chapter; what it finds goes into the check's memo
(`check.memo`), keyed by the audio, where the check then finds it. The two
cores both work, and the check itself is left with comparing.

Nothing here decides anything: if early hearing fails or is stopped, the
check hears the chapter itself.
"""

from __future__ import annotations

import logging
import queue
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audio_leaflet.model import Clip, Cue

if TYPE_CHECKING:
    from audio_leaflet.manifest import Manifest
    from audio_leaflet.speak import SpokenChapter

log = logging.getLogger(__name__)

_DONE = None


class EarlyHearing:
    """A thread that hears chapters handed to it, one at a time, into the check's memo."""

    def __init__(
        self,
        cache_dir: Path,
        bitrate_kbps: int,
        engine: str,
        previous: Manifest | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> None:
        self.before = {
            c.title: ([cue.key for cue in c.cues], c.pace_factor)
            for c in (previous.chapters if previous else ())
        }
        """What the last build said in each chapter (its takes and pace), by title."""
        self.cache_dir = cache_dir
        self.bitrate_kbps = bitrate_kbps
        self.engine = engine
        self.overrides = overrides
        self._queue: queue.Queue[tuple[Clip, tuple[Cue, ...], tuple[str, ...]] | None] = (
            queue.Queue()
        )
        self._stopped = threading.Event()
        # A daemon: Ctrl-C must not wait for a chapter being heard.
        self._thread = threading.Thread(target=self._run, daemon=True, name="early hearing")
        self._thread.start()

    def spoken(self, item: SpokenChapter) -> None:
        """Hear a chapter's audio (as it will be published) when the thread is free, unless
        the last build had the same audio (its check heard it then)."""
        if self.before.get(item.chapter.title) != (item.sentence_keys, item.factor):
            self._queue.put((item.audio.clip, tuple(item.audio.cues), tuple(item.sentence_keys)))

    def finish(self, timeout_s: float | None = None) -> None:
        """Wait until every chapter handed over has been heard (the check comes next)."""
        self._queue.put(_DONE)
        self._thread.join(timeout_s)

    def stop(self) -> None:
        """Hear nothing more (a build stopped or failed): the thread ends after its chapter."""
        self._stopped.set()
        self._queue.put(_DONE)

    def _run(self) -> None:
        from audio_leaflet.check.recognise import WhisperRecogniser

        try:
            # While the voice speaks the first chapter (or the one sentence of an edit).
            WhisperRecogniser().load()
        except Exception as error:  # the check will say what is wrong with the model
            log.info("the recogniser could not be loaded early (%s)", error)
        while not self._stopped.is_set():
            job = self._queue.get()
            if job is None:
                return
            try:
                self._hear(*job)
            except Exception as error:  # the check will hear it itself
                log.info("hearing a chapter early failed (%s); the check will hear it", error)

    def _hear(self, clip: Clip, cues: tuple[Cue, ...], takes: tuple[str, ...]) -> None:
        from audio_leaflet.check.audio_checks import analyse_file
        from audio_leaflet.check.hearing import ChapterSound, hear_chapter
        from audio_leaflet.check.memo import FACTS_VERSION, Memo, key_of
        from audio_leaflet.check.recognise import default_recogniser
        from audio_leaflet.check.report import thresholds_for
        from audio_leaflet.ffmpeg import encode_mp3

        memo = Memo(self.cache_dir)
        thresholds = thresholds_for(self.engine, self.overrides)
        with tempfile.TemporaryDirectory(prefix="audio-leaflet-hearing-") as folder:
            path = Path(folder) / "chapter.mp3"
            encode_mp3(clip, path, self.bitrate_kbps)
            sound = ChapterSound(path)
            key = key_of("facts", FACTS_VERSION, repr(thresholds), sound.digest)
            if memo.facts(key) is None:
                memo.put_facts(key, analyse_file(path, thresholds))
            if not self._stopped.is_set():
                hear_chapter(sound, cues, takes, default_recogniser(), memo)
