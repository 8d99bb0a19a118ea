"""One kind of progress report for every stage of a build: what, how far, counted in what.

Stages report `Step`s; the command line draws one bar per stage on stderr,
and the studio shows the stage and its count ("3 of 8 chapters"). Neither
works anything out from a label's words.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass


class Stage(enum.StrEnum):
    """A stage of a build, as staff see it named."""

    SPEAKING = "Speaking"
    ENCODING = "Encoding"
    CHECKING = "Listening check"
    DOWNLOADING = "Downloading"
    """`voices add`, counted in bytes."""


@dataclass(frozen=True)
class Step:
    """How far one stage has got."""

    stage: Stage
    """The stage reporting."""
    done: int
    """Units done so far."""
    total: int
    """Units in all (at least 1)."""
    unit: str
    """What is counted, in the plural: "sentences", "chapters"."""
    detail: str = ""
    """What is being worked on now (a chapter's title), or ""."""

    def count(self) -> str:
        """ "3 of 8 chapters"; "1 of 1 chapter"; "" when there is nothing to count."""
        if self.total < 1:
            return ""
        unit = self.unit[:-1] if self.total == 1 and self.unit.endswith("s") else self.unit
        return f"{self.done} of {self.total} {unit}"


Progress = Callable[[Step], None]
"""What a stage calls as it goes."""


def no_progress(step: Step) -> None:
    """A Progress that shows nothing."""
