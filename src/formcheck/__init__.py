"""formcheck: rep-by-rep form feedback for hip-hinge training from video."""

from formcheck.errors import FormcheckError

__version__ = "0.1.0"

__all__ = [
    "FormcheckError",
    "Fault",
    "PoseSequence",
    "Rep",
    "Report",
    "VideoInfo",
    "analyze",
    "__version__",
]

# The data types import NumPy; they are loaded on first use, so that `formcheck` starts (and
# takes charge of Ctrl-C) in a few milliseconds.
_TYPES = ("Fault", "PoseSequence", "Rep", "Report", "VideoInfo")


def __getattr__(name: str):
    if name in _TYPES:
        from formcheck import types

        return getattr(types, name)
    raise AttributeError(f"module 'formcheck' has no attribute {name!r}")


def analyze(path, exercise: str = "auto", **kwargs):
    """Analyse a recorded clip and return its :class:`Report`; ``exercise="auto"`` (the
    default) recognises the exercise from the motion. See ``formcheck.pipeline``.

    MediaPipe's native start-up log lines are hidden during the call (Python's own output
    and warnings are not)."""
    from formcheck import native_logs
    from formcheck.pipeline import analyze as _analyze

    with native_logs.hidden():
        return _analyze(path, exercise=exercise, **kwargs)
