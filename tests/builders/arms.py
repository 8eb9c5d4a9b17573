"""Arm placement for the builders: arms given in the world (hanging, swinging, reaching for a
handle), or reaching a target point (two-link inverse kinematics).

Angles as in :mod:`skeleton`: ``pitch`` swings the arm forward of hanging straight down,
``abduction`` takes it out to the side (negative: across toward the midline).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .balance import bisect
from .skeleton import Body, joint_angles, joint_rotation, rot_x, rot_y

SIGN = {"left": 1.0, "right": -1.0}  # sign of the person's y for that side


def world_arm(side: str, pitch_deg: np.ndarray, abduction_deg: np.ndarray) -> np.ndarray:
    """Upper-arm orientation (N, 3, 3) in the ground frame: abducted, then swung forward."""
    return rot_y(-np.asarray(pitch_deg, float)) @ rot_x(SIGN[side] * np.asarray(abduction_deg))


def shoulder_angles(side: str, thorax: np.ndarray, arm: np.ndarray) -> np.ndarray:
    """Shoulder joint angles that give the upper arm the ground-frame orientation ``arm``."""
    return joint_angles(f"{side}_shoulder", np.swapaxes(thorax, -1, -2) @ arm)


def hanging_reach(body: Body, side: str, abduction_deg: np.ndarray, elbow_deg: np.ndarray):
    """Shoulder-to-wrist vector (N, 3) of an arm at pitch 0: pitching only turns it about y."""
    lowered = rot_x(SIGN[side] * np.asarray(abduction_deg, float))
    elbow = joint_rotation(f"{side}_elbow", np.stack([elbow_deg, 0 * elbow_deg], -1))
    down = np.array([0.0, 0.0, -1.0])
    return body.upper_arm * (lowered @ down) + body.forearm * (lowered @ elbow @ down)


def pitched(v: np.ndarray, pitch_deg: np.ndarray) -> np.ndarray:
    """``v`` (N, 3) swung forward by ``pitch_deg`` about the lateral axis (= world_arm's)."""
    a = np.radians(pitch_deg)
    c, s = np.cos(a), np.sin(a)
    return np.stack([c * v[:, 0] - s * v[:, 2], v[:, 1], s * v[:, 0] + c * v[:, 2]], -1)


def wrist_of(
    body: Body, side: str, shoulder: np.ndarray, pitch_deg, abduction_deg, elbow_deg
) -> np.ndarray:
    """Wrist position (N, 3) of an arm given as in :func:`world_arm`, elbow flexed."""
    return shoulder + pitched(hanging_reach(body, side, abduction_deg, elbow_deg), pitch_deg)


def pitch_to_reach(
    body: Body,
    side: str,
    shoulder: np.ndarray,
    abduction_deg: np.ndarray,
    elbow_deg: np.ndarray,
    miss: Callable[[np.ndarray], np.ndarray],
    lo: float = -60.0,
    hi: float = 100.0,
) -> np.ndarray:
    """Arm pitch (N,) with ``miss(wrist)`` = 0, where ``miss`` grows as the wrist goes forward
    (bisection: swinging the arm forward moves the wrist forward over this range)."""
    v = hanging_reach(body, side, abduction_deg, elbow_deg)
    lows, highs = np.full(len(v), lo), np.full(len(v), hi)
    return bisect(lambda a: miss(shoulder + pitched(v, a)), lows, highs)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def reach(
    body: Body, shoulder: np.ndarray, target: np.ndarray, pole: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Upper-arm frame (N, 3, 3, ground) and elbow flexion (N,) putting the wrist on ``target``,
    the elbow bent out toward ``pole``. Out of reach, the arm points straight at the target."""
    a, b = body.upper_arm, body.forearm
    chord = target - shoulder
    u = _unit(chord)
    d = np.clip(np.linalg.norm(chord, axis=-1, keepdims=True), abs(a - b) + 1e-6, a + b - 1e-9)
    n = _unit(pole - np.sum(pole * u, -1, keepdims=True) * u)
    ang = np.arccos(np.clip((a * a + d * d - b * b) / (2 * a * d), -1.0, 1.0))
    elbow = shoulder + a * (np.cos(ang) * u + np.sin(ang) * n)
    z = _unit(shoulder - elbow)
    fore = _unit(target - elbow)
    # Elbow flexion turns the forearm toward the upper arm's +x; a straight arm bends away
    # from the pole, should it bend.
    side = fore - np.sum(fore * z, -1, keepdims=True) * z
    size = np.linalg.norm(side, axis=-1, keepdims=True)
    x = np.where(size > 1e-6, side / np.maximum(size, 1e-12), -n)
    y = np.cross(z, x)
    flex = np.degrees(np.arccos(np.clip(np.sum(-z * fore, -1), -1.0, 1.0)))
    return np.stack([x, y, z], axis=-1), flex
