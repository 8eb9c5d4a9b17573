"""The data that flows between formcheck's stages.

Stages exchange plain arrays and dataclasses, never MediaPipe objects. Shapes are checked on
construction so a mistake shows up where it is made, not three stages later.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from formcheck.pose.landmarks import NUM_LANDMARKS

LEGS = ("left", "right")
VIEWS = ("side", "front", "back", "oblique")


@dataclass(frozen=True)
class VideoInfo:
    """Facts about a clip, read from its container."""

    path: str
    width: int  # displayed width in pixels, after the rotation metadata is applied
    height: int
    fps: float  # average frame rate; frame times come from timestamps, not from this
    frame_count: int | None  # as the container states it (may be absent or approximate)
    duration_s: float | None
    rotation_deg: int  # clockwise rotation applied to display the frames upright
    codec: str


@dataclass(frozen=True)
class Frame:
    """One decoded frame: RGB uint8, C-contiguous, upright; ``t`` in seconds from the first."""

    index: int
    t: float
    image: np.ndarray


@dataclass
class PoseSequence:
    """Landmarks of one person over a clip. Rows where no pose was found are NaN.

    - ``t`` (T,) seconds from the container's presentation timestamps
    - ``image_xy`` (T, 33, 2) normalised image coordinates: x right, y down, in [0, 1]
    - ``world_xyz`` (T, 33, 3) metres, hip-centred, camera-aligned axes (x right, y down,
      z away from the camera), as MediaPipe's world landmarks
    - ``visibility`` (T, 33) in [0, 1]
    - ``frame_size`` (width, height) of the frames in pixels, for aspect-correct image angles
    - ``shot_starts`` frames that begin a new shot of an edited clip (after a cut), ascending;
      a signal is never smoothed, bridged or counted as one rep across them
    - ``outline`` (T, 2, K) the trunk's edge on each side of the hip-shoulder line, in line
      lengths (pose.outline), and ``outline_sharpness`` (T, 2): both None when the pose model
      was not asked for person masks
    """

    t: np.ndarray
    image_xy: np.ndarray
    world_xyz: np.ndarray
    visibility: np.ndarray
    frame_size: tuple[int, int]
    shot_starts: tuple[int, ...] = ()
    outline: np.ndarray | None = None
    outline_sharpness: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.t)
        if (self.outline is None) != (self.outline_sharpness is None):
            raise ValueError("PoseSequence.outline and outline_sharpness come together")
        if self.outline is not None:
            if np.ndim(self.outline) != 3 or np.shape(self.outline)[:2] != (n, 2):
                raise ValueError(
                    f"PoseSequence.outline has shape {np.shape(self.outline)}, expected ({n}, 2, K)"
                )
            if np.shape(self.outline_sharpness) != (n, 2):
                raise ValueError(
                    f"PoseSequence.outline_sharpness has shape "
                    f"{np.shape(self.outline_sharpness)}, expected ({n}, 2)"
                )
        expected = {
            "t": (n,),
            "image_xy": (n, NUM_LANDMARKS, 2),
            "world_xyz": (n, NUM_LANDMARKS, 3),
            "visibility": (n, NUM_LANDMARKS),
        }
        for name, shape in expected.items():
            actual = np.shape(getattr(self, name))
            if actual != shape:
                raise ValueError(f"PoseSequence.{name} has shape {actual}, expected {shape}")
        starts = tuple(int(i) for i in self.shot_starts)
        if list(starts) != sorted(set(starts)) or any(not 0 < i < n for i in starts):
            raise ValueError(
                f"PoseSequence.shot_starts must be ascending frame indices in 1..{n - 1}, "
                f"got {self.shot_starts}"
            )
        self.shot_starts = starts

    def __len__(self) -> int:
        return len(self.t)

    @property
    def has_pose(self) -> np.ndarray:
        """(T,) bool: a pose was found in this frame."""
        return ~np.isnan(self.image_xy[:, 0, 0])

    @property
    def pixel_xy(self) -> np.ndarray:
        """(T, 33, 2) image coordinates in pixels, so angles in the image plane are true."""
        w, h = self.frame_size
        return self.image_xy * np.array([w, h], dtype=float)

    def shots(self) -> list[slice]:
        """The frames of each shot, in order (one slice for an unedited clip)."""
        bounds = [0, *self.shot_starts, len(self.t)]
        return [slice(a, b) for a, b in zip(bounds, bounds[1:])]

    @classmethod
    def empty(cls, n: int, frame_size: tuple[int, int]) -> PoseSequence:
        return cls(
            t=np.zeros(n),
            image_xy=np.full((n, NUM_LANDMARKS, 2), np.nan),
            world_xyz=np.full((n, NUM_LANDMARKS, 3), np.nan),
            visibility=np.zeros((n, NUM_LANDMARKS)),
            frame_size=frame_size,
        )


@dataclass(frozen=True)
class Fault:
    """A rule that fired in one rep."""

    rule_id: str
    message: str  # coaching words: what went wrong and how to fix it
    cue: str  # two to four words for the banner and the voice
    value: float  # the measure's worst value in the rep's window
    threshold: float
    comparison: str  # ">" or "<": the fault is value <comparison> threshold
    unit: str
    time_s: float  # when the worst value happened
    frame: int
    onset_s: float  # when the measure first crossed the threshold in the rep's window
    onset_frame: int
    joints: tuple[str, ...]  # landmark names involved, lower case (for highlighting)
    seed: str  # the source sentence the rule encodes
    # "low": the rule is unreliable on real or rendered footage (the evaluation says so):
    # shown to the user as uncertain, with the note saying why.
    confidence: str = "high"
    confidence_note: str = ""


@dataclass
class Rep:
    index: int  # 1-based
    start_frame: int
    bottom_frame: int
    end_frame: int
    start_s: float
    bottom_s: float
    end_s: float
    standing_leg: str | None = None  # "left" / "right" for single-leg work
    working_leg: str | None = None  # the other one: the free leg (kickback: the one kicking)
    metrics: dict[str, float] = field(default_factory=dict)  # depth, tempo...
    faults: list[Fault] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)  # rules assessed and not fired
    not_assessable: list[str] = field(default_factory=list)  # rule ids, with reasons in Report


@dataclass
class Report:
    """Everything formcheck concluded about one clip."""

    exercise: str
    clip: VideoInfo
    model: str
    view: str  # one of VIEWS
    view_confidence: float
    standing_leg: str | None
    person: str  # which person was analysed, in words
    frames_total: int
    frames_with_pose: int
    reps: list[Rep] = field(default_factory=list)
    not_assessable: dict[str, str] = field(default_factory=dict)  # rule id -> reason
    # Rules the evaluation found unreliable: rule id -> why. Their faults
    # are shown as uncertain, and a pass from them is no proof (docs/evaluation.md).
    low_confidence: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)  # kind -> path
    # Single-leg work: reps per leg, the leg named by its role in the exercise
    # ("standing" for the single-leg deadlift, "working" for the kickback).
    leg_role: str | None = None
    reps_per_leg: dict[str, int] = field(default_factory=dict)
    # How the exercise was chosen: "given" (--exercise) or "recognised" with its confidence.
    exercise_source: str = "given"
    exercise_confidence: float | None = None

    @property
    def fault_count(self) -> int:
        return sum(len(rep.faults) for rep in self.reps)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    """Plain JSON types: NaN and inf become None, tuples lists, numpy scalars Python floats."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return f if np.isfinite(f) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    return value
