"""One family of errors for problems the user can act on.

The CLI turns any `AudioLeafletError` into a one-line message and an exit code
(docs/architecture.md); anything else is a bug and shows a traceback.
"""

from typing import Any


class AudioLeafletError(Exception):
    """A problem the user can fix: the message says what happened and what to do."""

    exit_code = 1


class UsageError(AudioLeafletError):
    """Raised when options or settings are wrong (unknown engine, bad value)."""

    exit_code = 2


class LeafletError(AudioLeafletError):
    """Raised when a leaflet cannot be read: missing, empty, binary, unknown format."""


class NarrationError(AudioLeafletError):
    """Raised when a narration script cannot be written or parsed."""


class EngineError(AudioLeafletError):
    """Raised when a speech engine is unavailable or fails to synthesize."""


class ModelError(AudioLeafletError):
    """Raised when a model package (a voice, the recogniser) is missing or its files are not
    the ones audio-leaflet pins (data/models.toml); the message names the package and the fix."""


class AudioError(AudioLeafletError):
    """Raised when ffmpeg or audio assembly fails."""


class BuildError(AudioLeafletError):
    """Raised when a build cannot proceed (locked, output not writable)."""


class CheckFailed(AudioLeafletError):
    """Raised by `check` when a bundle does not say what its leaflet says."""

    def __init__(self, message: str, problems: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems
        """The check's findings (`check.report.Problem`), for the studio to list."""


class ManifestError(AudioLeafletError):
    """Raised when a bundle's manifest.json is missing, unreadable or of the wrong shape.

    It concerns that one bundle only: building its leaflet again replaces it."""
