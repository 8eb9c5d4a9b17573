"""One person's landmarks in one frame, as plain arrays: what every stage after the pose
model sees. Kept apart from :mod:`formcheck.pose.estimator` so that reading landmarks does
not import MediaPipe."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.outline import Outline, trunk_outline


@dataclass(frozen=True, eq=False)  # eq=False: comparing numpy arrays with == is ambiguous
class PersonLandmarks:
    """One person's landmarks in one frame."""

    image_xy: np.ndarray  # (33, 2) normalised to the frame, x right, y down
    world_xyz: np.ndarray  # (33, 3) metres, hip-centred
    visibility: np.ndarray  # (33,) in [0, 1]
    # The trunk's edge from the person's mask (pose.outline), when masks were asked for.
    outline: Outline | None = None

    def __post_init__(self) -> None:
        expected = {
            "image_xy": (NUM_LANDMARKS, 2),
            "world_xyz": (NUM_LANDMARKS, 3),
            "visibility": (NUM_LANDMARKS,),
        }
        for name, shape in expected.items():
            actual = np.shape(getattr(self, name))
            if actual != shape:
                raise ValueError(f"PersonLandmarks.{name} has shape {actual}, expected {shape}")

    @classmethod
    def from_mediapipe(
        cls, image_landmarks: Any, world_landmarks: Any, mask: Any = None
    ) -> PersonLandmarks:
        """From one pose of a ``PoseLandmarkerResult``: its normalised and world landmarks,
        and its segmentation mask when there is one (read into the trunk's outline here, so
        the frame-sized mask is not kept)."""
        image_xy = np.array([[p.x, p.y] for p in image_landmarks], dtype=float)
        outline = None if mask is None else trunk_outline(mask.numpy_view(), image_xy)
        return cls(
            outline=outline,
            image_xy=image_xy,
            world_xyz=np.array([[p.x, p.y, p.z] for p in world_landmarks], dtype=float),
            # MediaPipe leaves visibility unset (None) when a model does not provide it.
            visibility=np.array(
                [0.0 if p.visibility is None else p.visibility for p in image_landmarks],
                dtype=float,
            ),
        )
