"""Vectorised geometry on landmark arrays: every function maps (T, ..., D) arrays to (T,)."""

from __future__ import annotations

import numpy as np


def norm(v: np.ndarray) -> np.ndarray:
    return np.linalg.norm(v, axis=-1)


def angle_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Unsigned angle in degrees between vectors ``u`` and ``v`` (..., D)."""
    cos = np.sum(u * v, axis=-1) / (norm(u) * norm(v))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def joint_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle ABC in degrees at vertex ``b`` (180 = straight)."""
    return angle_between(a - b, c - b)


def flexion(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Joint flexion in degrees: 0 when A, B, C are in a straight line."""
    return 180.0 - joint_angle(a, b, c)


def signed_angle_2d(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Signed angle in degrees from 2D ``u`` to ``v`` in image axes (y down): positive is
    clockwise on screen."""
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = np.sum(u * v, axis=-1)
    return np.degrees(np.arctan2(cross, dot))


def inclination_from_vertical(v: np.ndarray) -> np.ndarray:
    """Angle in degrees between ``v`` (y down axes, 2D or 3D) and straight up (0 = upright)."""
    up = np.zeros(v.shape[-1])
    up[1] = -1.0
    return angle_between(v, np.broadcast_to(up, v.shape))


def point_line_offset_2d(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Signed perpendicular distance of ``p`` from the line through ``a`` and ``b`` (2D), in
    the units of the inputs: positive on the clockwise-on-screen side of the direction a->b."""
    d = b - a
    cross = d[..., 0] * (p[..., 1] - a[..., 1]) - d[..., 1] * (p[..., 0] - a[..., 0])
    return cross / norm(d)


def robust_median(x: np.ndarray) -> float:
    """Median ignoring NaN; NaN when nothing is finite."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")
