"""Which way the camera sees the person, and which way they face in the image.

The camera view decides which faults can be judged at all: a spine seen from the front, or a
knee collapsing inward seen from the side, cannot be judged honestly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.pose.landmarks import Landmark as L
from formcheck.signals.geometry import robust_median
from formcheck.types import PoseSequence

# Body yaw (0 = square to the camera, 90 = side-on) boundaries, in degrees. Side-on means
# within 20 deg of square to the camera's axis: the rendered side clips read 84-90, real
# side clips 74-88, and real clips filmed 20-45 deg off side 33-69
# (python tools/view_evidence.py).
FRONTAL_MAX_DEG = 30.0
SIDE_MIN_DEG = 70.0
# A second, independent look at side-on: the shoulders and hips seen edge-on are narrow in
# the image next to the torso's length. Widths / torso length: rendered side clips 0.04-0.10,
# real side clips 0.05-0.16; real and rendered oblique clips 0.27-0.60.
SIDE_MAX_WIDTH_RATIO = 0.2


@dataclass(frozen=True)
class ViewEstimate:
    view: str  # "side" | "front" | "back" | "oblique"
    confidence: float  # 0..1: how far the yaw sits from the nearest class boundary
    yaw_deg: float  # 0 = square to the camera, 90 = side-on
    facing: int  # +1 faces image right, -1 faces image left, 0 not decided (front/back)


def body_yaw_deg(seq: PoseSequence) -> np.ndarray:
    """(T,) angle between the body's left-right axis and the image plane, from the world
    landmarks of both shoulders and both hips (0 = square on, 90 = side-on)."""
    w = seq.world_xyz
    across = (w[:, L.LEFT_SHOULDER] - w[:, L.RIGHT_SHOULDER]) + (
        w[:, L.LEFT_HIP] - w[:, L.RIGHT_HIP]
    )
    return np.degrees(np.arctan2(np.abs(across[:, 2]), np.abs(across[:, 0])))


def body_width_ratio(seq: PoseSequence) -> np.ndarray:
    """(T,) mean of shoulder and hip widths over the torso's length, in image pixels: near 0
    side-on, about 0.5-0.9 facing the camera."""
    px = seq.pixel_xy
    shoulders = px[:, L.LEFT_SHOULDER] - px[:, L.RIGHT_SHOULDER]
    hips = px[:, L.LEFT_HIP] - px[:, L.RIGHT_HIP]
    torso = 0.5 * (px[:, L.LEFT_SHOULDER] + px[:, L.RIGHT_SHOULDER]) - 0.5 * (
        px[:, L.LEFT_HIP] + px[:, L.RIGHT_HIP]
    )
    width = 0.5 * (np.linalg.norm(shoulders, axis=1) + np.linalg.norm(hips, axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return width / np.linalg.norm(torso, axis=1)


def facing_sign(seq: PoseSequence) -> int:
    """+1 when the person faces image right, -1 when left: the nose sits ahead of the ears,
    and the toes ahead of the heels; both votes are combined."""
    px = seq.pixel_xy
    ears = 0.5 * (px[:, L.LEFT_EAR, 0] + px[:, L.RIGHT_EAR, 0])
    nose_vote = robust_median(px[:, L.NOSE, 0] - ears)
    toes = px[:, [L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX], 0].mean(axis=1)
    heels = px[:, [L.LEFT_HEEL, L.RIGHT_HEEL], 0].mean(axis=1)
    toe_vote = robust_median(toes - heels)
    total = np.nansum([np.sign(nose_vote), np.sign(toe_vote)])
    if total == 0:
        total = np.sign(np.nan_to_num(toe_vote))
    return int(np.sign(total))


def estimate_view(seq: PoseSequence) -> ViewEstimate:
    yaw = robust_median(body_yaw_deg(seq))
    if not np.isfinite(yaw):
        return ViewEstimate("side", 0.0, float("nan"), 0)
    if yaw <= FRONTAL_MAX_DEG:
        # The person's own left shows on the image's right when they face the camera.
        w = seq.world_xyz
        left_minus_right = robust_median(
            w[:, L.LEFT_SHOULDER, 0]
            - w[:, L.RIGHT_SHOULDER, 0]
            + w[:, L.LEFT_HIP, 0]
            - w[:, L.RIGHT_HIP, 0]
        )
        view = "front" if left_minus_right > 0 else "back"
        margin = FRONTAL_MAX_DEG - yaw
    elif yaw >= SIDE_MIN_DEG and robust_median(body_width_ratio(seq)) <= SIDE_MAX_WIDTH_RATIO:
        view, margin = "side", yaw - SIDE_MIN_DEG
    else:
        view = "oblique"
        margin = min(yaw - FRONTAL_MAX_DEG, max(SIDE_MIN_DEG - yaw, 0.0))
    confidence = float(np.clip(0.5 + margin / 30.0, 0.0, 1.0))
    facing = facing_sign(seq) if view in ("side", "oblique") else 0
    return ViewEstimate(view, round(confidence, 2), round(float(yaw), 1), facing)
