"""WebVTT captions: a cue per spoken sentence (docs/formats.md, W3C WebVTT).

Lines are at most about 65 characters and a cue holds at most two lines. A
sentence too long for two lines is shown as consecutive cues whose times
share the sentence's span in proportion to their length: the sentence still
starts and ends exactly when it is heard, and no word is dropped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from audio_leaflet.manifest import ManifestCue

LINE_WIDTH = 65
MAX_LINES = 2


@dataclass(frozen=True)
class CaptionCue:
    """One cue as written to the file."""

    start_ms: int
    """When the cue appears."""
    end_ms: int
    """When it goes."""
    lines: tuple[str, ...]
    """Its text, one or two lines, unescaped."""


def timestamp(ms: int) -> str:
    """WebVTT time, always with hours: "00:03:12.045"."""
    ms = max(0, ms)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def escape_cue_text(text: str) -> str:
    """Escape text for a cue payload: `&`, `<` and `>` (so "-->" cannot occur)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap_words(words: Sequence[str], width: int = LINE_WIDTH) -> list[str]:
    """Greedy line filling; a single word longer than `width` gets a line to itself."""
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def balance_two(words: Sequence[str], width: int = LINE_WIDTH) -> list[str]:
    """Two lines of about equal length (easier to read than a long line and a stub)."""
    best: list[str] | None = None
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        fits = len(first) <= width and len(second) <= width
        if fits and (best is None or max(len(first), len(second)) < max(map(len, best))):
            best = [first, second]
    return best or wrap_words(words, width)


def split_sentence(
    text: str, width: int = LINE_WIDTH, max_lines: int = MAX_LINES
) -> list[list[str]]:
    """The sentence as one or more blocks of at most `max_lines` lines each."""
    words = text.split()
    if not words:
        return []
    if len(" ".join(words)) <= width:
        return [[" ".join(words)]]
    lines = wrap_words(words, width)
    if len(lines) <= max_lines:
        return [balance_two(words, width)] if max_lines == 2 else [lines]
    # Several cues: share the words out evenly so the last cue is not a stub.
    blocks = math.ceil(len(lines) / max_lines)
    while True:
        groups = _even_groups(words, blocks)
        wrapped = [wrap_words(group, width) for group in groups]
        if all(len(block) <= max_lines for block in wrapped) or blocks >= len(words):
            return [
                balance_two(g, width) if len(b) == 2 else b
                for g, b in zip(groups, wrapped, strict=True)
            ]
        blocks += 1


def _even_groups(words: Sequence[str], count: int) -> list[list[str]]:
    """Split words into `count` consecutive groups of about equal character length."""
    total = sum(len(word) + 1 for word in words)
    groups: list[list[str]] = [[] for _ in range(count)]
    used = 0
    for index, word in enumerate(words):
        remaining_words = len(words) - index
        group = min(count - 1, used * count // total)
        # Leave at least one word for each later group.
        group = max(group, count - remaining_words)
        groups[group].append(word)
        used += len(word) + 1
    return [group for group in groups if group]


def caption_cues(cues: Sequence[ManifestCue]) -> list[CaptionCue]:
    """The cues of a file, long sentences split across consecutive cues."""
    out: list[CaptionCue] = []
    for cue in cues:
        blocks = split_sentence(cue.text)
        if not blocks:
            continue
        weights = [sum(len(line) for line in block) + 1 for block in blocks]
        total = sum(weights)
        span = max(0, cue.end_ms - cue.start_ms)
        start = cue.start_ms
        done = 0
        for block, weight in zip(blocks, weights, strict=True):
            done += weight
            end = cue.start_ms + span * done // total
            out.append(CaptionCue(start, end, tuple(block)))
            start = end
    return out


def vtt_text(cues: Sequence[ManifestCue]) -> str:
    """A WebVTT file with the given cues (times relative to the file they caption)."""
    parts = ["WEBVTT", ""]
    for cue in caption_cues(cues):
        parts.append(f"{timestamp(cue.start_ms)} --> {timestamp(cue.end_ms)}")
        parts.extend(escape_cue_text(line) for line in cue.lines)
        parts.append("")
    return "\n".join(parts)
