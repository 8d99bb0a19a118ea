"""Word-level alignment of what was meant with what was heard, and the word error rate.

Our own dynamic programme rather than `difflib.SequenceMatcher`, because:

- SequenceMatcher finds longest matching blocks, not a minimal edit script,
  so its counts are not a word error rate; and with more than 200 tokens its
  "autojunk" heuristic ignores any token making up over 1 % of the text
  ("the", "of", digits), which is exactly where a dropped "not" or a wrong
  digit hides;
- we need two kinds of free match it cannot express: homophones ("for" heard
  for the digit four) and compounds split differently ("self esteem" written,
  "selfesteem" heard; "anti depressants" / "antidepressants").

Costs: substitution, deletion and insertion 1; a match, a homophone or a
compound join 0. Ties prefer a substitution, so "six" heard as "8" is reported
as one changed digit rather than one missing and one added.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from audio_leaflet.check.words import same_sound


class Edit(enum.Enum):
    """What happened to a stretch of the expected words."""

    MATCH = "match"
    """Heard as written (or a homophone, or a compound written apart)."""
    CHANGED = "changed"
    """One expected word heard as another."""
    MISSING = "missing"
    """An expected word not heard."""
    ADDED = "added"
    """A word heard that was not expected."""


@dataclass(frozen=True)
class Step:
    """One step of an alignment: expected[ref_start:ref_end] against heard[hyp_start:hyp_end]."""

    edit: Edit
    """What happened."""
    ref_start: int
    """First expected token of the step."""
    ref_end: int
    """One past the last expected token (== ref_start for an added word)."""
    hyp_start: int
    """First heard token of the step."""
    hyp_end: int
    """One past the last heard token (== hyp_start for a missing word)."""


@dataclass(frozen=True)
class Alignment:
    """A minimal edit script from expected to heard tokens."""

    steps: tuple[Step, ...]
    """Steps in order."""
    expected_count: int
    """Number of expected tokens."""

    @property
    def errors(self) -> int:
        """Substitutions + deletions + insertions."""
        return sum(1 for s in self.steps if s.edit is not Edit.MATCH)

    @property
    def word_error_rate(self) -> float:
        """errors / expected tokens (1.0 when nothing was expected but something was heard)."""
        if self.expected_count == 0:
            return 0.0 if self.errors == 0 else 1.0
        return self.errors / self.expected_count


# Back-pointer codes.
_DIAGONAL, _UP, _LEFT, _JOIN_REF, _JOIN_HYP = range(5)
# One edit outweighs any number of matches a text can have.
_WEIGHT = 1 << 20


def align(expected: Sequence[str], heard: Sequence[str]) -> Alignment:
    """Align two canonical token sequences with minimal edits.

    Time and memory are O(len(expected) * len(heard)); a chapter of 1,000
    words against 1,000 heard takes about a second in CPython.
    """
    rows, cols = len(expected), len(heard)
    # score[i][j]: edits to turn expected[:i] into heard[:j], times `_WEIGHT`,
    # minus the matches on the way. Among scripts with as few edits, the one
    # with the most matches wins: "types are the following" heard "type some
    # are following" is a change, an addition, a match and a deletion, not
    # three changes in a row (both are four edits; only one hears "are").
    score = [[0] * (cols + 1) for _ in range(rows + 1)]
    back = [bytearray(cols + 1) for _ in range(rows + 1)]
    for j in range(1, cols + 1):
        score[0][j] = j * _WEIGHT
        back[0][j] = _LEFT
    for i in range(1, rows + 1):
        score[i][0] = i * _WEIGHT
        back[i][0] = _UP
        ref = expected[i - 1]
        ref_join = expected[i - 2] + ref if i >= 2 else None
        above, here = score[i - 1], score[i]
        above2 = score[i - 2] if i >= 2 else None
        row_back = back[i]
        for j in range(1, cols + 1):
            hyp = heard[j - 1]
            diagonal = above[j - 1] + (-1 if same_sound(ref, hyp) else _WEIGHT)
            best, move = diagonal, _DIAGONAL
            up = above[j] + _WEIGHT
            if up < best:
                best, move = up, _UP
            left = here[j - 1] + _WEIGHT
            if left < best:
                best, move = left, _LEFT
            if above2 is not None and ref_join == hyp and above2[j - 1] - 2 < best:
                best, move = above2[j - 1] - 2, _JOIN_REF
            if j >= 2 and ref == heard[j - 2] + hyp and above[j - 2] - 1 < best:
                best, move = above[j - 2] - 1, _JOIN_HYP
            here[j] = best
            row_back[j] = move
    return Alignment(tuple(_trace(back, expected, heard)), rows)


def _trace(back: list[bytearray], expected: Sequence[str], heard: Sequence[str]) -> list[Step]:
    steps: list[Step] = []
    i, j = len(expected), len(heard)
    while i > 0 or j > 0:
        move = back[i][j]
        if move == _DIAGONAL:
            edit = Edit.MATCH if same_sound(expected[i - 1], heard[j - 1]) else Edit.CHANGED
            steps.append(Step(edit, i - 1, i, j - 1, j))
            i, j = i - 1, j - 1
        elif move == _UP:
            steps.append(Step(Edit.MISSING, i - 1, i, j, j))
            i -= 1
        elif move == _LEFT:
            steps.append(Step(Edit.ADDED, i, i, j - 1, j))
            j -= 1
        elif move == _JOIN_REF:
            steps.append(Step(Edit.MATCH, i - 2, i, j - 1, j))
            i, j = i - 2, j - 1
        else:
            steps.append(Step(Edit.MATCH, i - 1, i, j - 2, j))
            i, j = i - 1, j - 2
    steps.reverse()
    return steps
