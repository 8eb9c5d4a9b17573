"""A pose model loaded once per worker and reused for every clip that worker checks.

Loading the landmarker costs 0.2-0.3 s and importing MediaPipe about 2 s; a worker checks
many clips, so it keeps one model per thread (a Dask worker may run tasks in threads).
MediaPipe's VIDEO mode needs strictly increasing frame times, so each clip's times are moved
an hour past the previous clip's. Measured on the sample clips, the landmarks then equal a
fresh model's exactly (tests/test_batch.py checks that the reports match).
"""

from __future__ import annotations

import threading
from types import TracebackType

import numpy as np

from formcheck.pipeline import OUTLINES
from formcheck.pose.estimator import PersonLandmarks, PoseEstimator

CLIP_GAP_MS = 3_600_000

_local = threading.local()


class ReusedEstimator:
    """Wraps a :class:`PoseEstimator` so ``with`` ends a clip instead of closing the model."""

    def __init__(self, model: str) -> None:
        self._inner = PoseEstimator(model, segmentation=OUTLINES)
        self.model_name = self._inner.model_name
        self._offset_ms = 0
        self._last_ms = 0
        self._broken = False

    def detect(self, image_rgb: np.ndarray, t_ms: int) -> list[PersonLandmarks]:
        t = int(t_ms) + self._offset_ms
        self._last_ms = max(self._last_ms, t)
        try:
            return self._inner.detect(image_rgb, t)
        except BaseException:
            self._broken = True
            raise

    def __enter__(self) -> ReusedEstimator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._offset_ms = self._last_ms + CLIP_GAP_MS
        # After an error inside MediaPipe its state is unknown: the next clip gets a new model.
        if self._broken:
            forget(self)

    def close(self) -> None:
        self._inner.close()


def reused_estimator(model: str) -> ReusedEstimator:
    """This thread's loaded model for ``model``, loading it on first use."""
    cache: dict[str, ReusedEstimator] = _local.__dict__.setdefault("models", {})
    if model not in cache:
        cache[model] = ReusedEstimator(model)
    return cache[model]


def forget(estimator: ReusedEstimator) -> None:
    cache: dict[str, ReusedEstimator] = _local.__dict__.get("models", {})
    for name, cached in list(cache.items()):
        if cached is estimator:
            del cache[name]
    estimator.close()
