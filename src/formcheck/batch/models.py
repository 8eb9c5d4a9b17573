"""A pose model kept by each worker for every clip that worker checks.

Importing MediaPipe costs about 2 s, loading a landmarker 0.2-0.3 s. A worker checks many
clips, so it keeps one :class:`PeopleFinder` per thread (a Dask worker may run tasks in
threads), which makes its landmarkers afresh between clips: a landmarker that follows someone
carries its tracking into the next clip, and the reports must equal a fresh analysis's
(tests/test_batch.py checks that they do).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from types import TracebackType

import numpy as np

from formcheck.pipeline import OUTLINES
from formcheck.pose.finder import PeopleFinder
from formcheck.pose.person import PersonLandmarks

_local = threading.local()


class ReusedEstimator:
    """Wraps a :class:`PeopleFinder` so ``with`` ends a clip instead of closing the model."""

    def __init__(self, model: str) -> None:
        self._inner = PeopleFinder.create(model, segmentation=OUTLINES)
        self.model_name = self._inner.model_name
        self._broken = False

    def detect(
        self, image_rgb: np.ndarray, t_ms: int, *, new_shot: bool = False
    ) -> list[PersonLandmarks]:
        with self._marks_broken():
            return self._inner.detect(image_rgb, t_ms, new_shot=new_shot)

    @property
    def became_crowded(self) -> bool:
        return self._inner.became_crowded

    @property
    def can_reread(self) -> bool:
        return self._inner.can_reread

    def start_again(self) -> None:
        with self._marks_broken():
            self._inner.start_again()

    def detect_again(self, image_rgb: np.ndarray, t_ms: int) -> list[PersonLandmarks]:
        with self._marks_broken():
            return self._inner.detect_again(image_rgb, t_ms)

    @contextlib.contextmanager
    def _marks_broken(self) -> Iterator[None]:
        """An error inside MediaPipe leaves its state unknown: the next clip loads anew."""
        try:
            yield
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
        # After an error inside MediaPipe its state is unknown: the next clip loads anew.
        if self._broken:
            forget(self)
        else:
            self._inner.new_clip()

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
