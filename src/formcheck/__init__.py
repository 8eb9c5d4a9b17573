"""formcheck: rep-by-rep form feedback for hip-hinge training from video."""

from formcheck.errors import FormcheckError
from formcheck.types import Fault, PoseSequence, Rep, Report, VideoInfo

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


def analyze(path, exercise: str = "auto", **kwargs) -> Report:
    """Analyse a recorded clip and return its :class:`Report`; ``exercise="auto"`` (the
    default) recognises the exercise from the motion. See ``formcheck.pipeline``."""
    from formcheck.pipeline import analyze as _analyze

    return _analyze(path, exercise=exercise, **kwargs)
