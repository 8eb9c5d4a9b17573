"""MediaPipe Pose Landmarker behind a small interface: RGB frames in, plain arrays out.

This is the only module in formcheck that touches MediaPipe objects; everything downstream
sees :class:`PersonLandmarks` (numpy arrays).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import mediapipe as mp
import numpy as np
from mediapipe.tasks.python.core.base_options import BaseOptions
from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions, RunningMode

from formcheck.errors import ModelError
from formcheck.interrupts import deferred
from formcheck.pose.models import resolve_model
from formcheck.pose.person import PersonLandmarks

__all__ = ["PersonLandmarks", "PoseEstimator"]  # PersonLandmarks: its old home

RUNNING_MODES = ("video",)  # "live" is planned; VIDEO mode already runs frame by frame


class PoseEstimator:
    """Finds up to ``num_poses`` people per frame with a MediaPipe pose landmarker bundle.
    With ``segmentation`` each person also carries the outline of their trunk, read from the
    person mask the landmarker then returns (about a tenth more time per frame).

    Use as a context manager, or call :meth:`close`: the landmarker holds native resources.
    """

    def __init__(
        self,
        model: str = "lite",
        *,
        num_poses: int = 2,
        segmentation: bool = False,
        running_mode: str = "video",
        min_pose_detection_confidence: float = 0.5,
        min_pose_presence_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        if running_mode not in RUNNING_MODES:
            raise ValueError(
                f"running_mode {running_mode!r} is not supported; use one of {RUNNING_MODES}"
            )
        if num_poses < 1:
            raise ValueError(f"num_poses must be at least 1, got {num_poses}")
        confidences = {
            "min_pose_detection_confidence": min_pose_detection_confidence,
            "min_pose_presence_confidence": min_pose_presence_confidence,
            "min_tracking_confidence": min_tracking_confidence,
        }
        for name, value in confidences.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value}")
        self.model_name, self.model_path = resolve_model(model)
        options = PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self.model_path)),
            running_mode=RunningMode.VIDEO,
            num_poses=num_poses,
            output_segmentation_masks=segmentation,
            min_pose_detection_confidence=min_pose_detection_confidence,
            min_pose_presence_confidence=min_pose_presence_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        self._landmarker: PoseLandmarker | None = _create_landmarker(options, self.model_path)
        self._last_t_ms: int | None = None

    def detect(self, image_rgb: np.ndarray, t_ms: int) -> list[PersonLandmarks]:
        """People in one frame: ``image_rgb`` (H, W, 3) uint8 RGB; ``t_ms`` its time in ms."""
        if self._landmarker is None:
            raise RuntimeError("PoseEstimator.detect called after close()")
        if image_rgb.ndim != 3 or image_rgb.shape[2] != 3 or image_rgb.dtype != np.uint8:
            raise ValueError(
                f"detect needs an (H, W, 3) uint8 RGB image, got {image_rgb.shape} "
                f"{image_rgb.dtype}"
            )
        # MediaPipe silently finds nobody in a non-contiguous array (a crop, a flip, a
        # channel swap by slicing), so always hand it a C-contiguous copy when needed.
        pixels = np.ascontiguousarray(image_rgb)
        # MediaPipe's images (the frame, the person masks) build their native buffer in
        # __init__ and free it in __del__: a stop signal landing in either prints a traceback,
        # and one landing in __del__ is swallowed there, so the stop would be lost. The stop
        # waits for the frame (milliseconds), its images made and freed inside.
        with deferred():
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=pixels)
            result = self._landmarker.detect_for_video(image, self._next_timestamp(t_ms))
            masks = result.segmentation_masks or [None] * len(result.pose_landmarks)
            people = [
                PersonLandmarks.from_mediapipe(image_landmarks, world_landmarks, mask)
                for image_landmarks, world_landmarks, mask in zip(
                    result.pose_landmarks, result.pose_world_landmarks, masks
                )
            ]
            del image, result, masks
        return people

    def _next_timestamp(self, t_ms: int) -> int:
        # VIDEO mode rejects a timestamp that is not strictly greater than the last one.
        # Containers do repeat or reorder timestamps now and then; nudging by 1 ms keeps
        # the clip going and changes nothing measurable.
        t = int(t_ms)
        if self._last_t_ms is not None and t <= self._last_t_ms:
            t = self._last_t_ms + 1
        self._last_t_ms = t
        return t

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _create_landmarker(options: PoseLandmarkerOptions, path: Path) -> PoseLandmarker:
    # MediaPipe calls its library from a thread pool's one worker, started by the first call
    # (creating the landmarker). A stop signal landing between that thread's start and the
    # pool's note of it leaves a thread nobody tells to end, and the interpreter waited for
    # it at exit for ever (2 hangs in 58 stops while loading). So the stop waits for the
    # landmarker (under a second), which is then closed: its thread ends with it.
    landmarker = None
    try:
        with deferred():
            landmarker = PoseLandmarker.create_from_options(options)
        return landmarker
    except KeyboardInterrupt:
        if landmarker is not None:
            landmarker.close()
        raise
    except (RuntimeError, ValueError, OSError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        reason = reason.rstrip(".")  # the sentence ends here, once
        raise ModelError(
            f"MediaPipe cannot load the pose model {path}: {reason}. "
            "Use a MediaPipe pose landmarker .task bundle (see models/README.md)."
        ) from error
