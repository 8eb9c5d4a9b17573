"""Errors a user can cause and fix.

Each subclass also inherits the matching built-in exception, so code that already catches
``FileNotFoundError`` or ``ValueError`` keeps working. The CLI prints ``str(error)`` (one line
naming the input and what to do) and exits non-zero; it never shows a traceback for these.
"""

from __future__ import annotations


class FormcheckError(Exception):
    """Base class for every error formcheck reports to a user."""

    exit_code = 2


class ClipNotFoundError(FormcheckError, FileNotFoundError):
    """The clip path does not exist."""


class VideoDecodeError(FormcheckError, ValueError):
    """The file is not a video, or it is corrupt or truncated beyond use."""


class NoPersonError(FormcheckError, ValueError):
    """No person was found in (enough of) the clip to analyse it."""


class ClipTooShortError(FormcheckError, ValueError):
    """The clip is too short to hold a rep (a still image, a clip of a few frames)."""


class UnknownExerciseError(FormcheckError, KeyError):
    """The exercise name is not in the registry."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class ExerciseNotRecognisedError(FormcheckError, ValueError):
    """``--exercise auto`` could not tell which exercise the clip shows, or not surely."""


class ConfigError(FormcheckError, ValueError):
    """A thresholds/config file is missing, malformed or names an unknown key."""


class ModelError(FormcheckError, FileNotFoundError):
    """The pose model file could not be found or loaded."""


class OutputError(FormcheckError, PermissionError):
    """The output folder cannot be created or written."""


class CameraError(FormcheckError, OSError):
    """A camera could not be opened, is busy, or was lost."""


class NoDisplayError(FormcheckError, RuntimeError):
    """The live window cannot be shown (no screen, or the GUI toolkit cannot start)."""
