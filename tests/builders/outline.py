"""The trunk outline the pose model's person mask would give for a builder's body: the back's
surface traced behind the spine, projected by the camera, and read against the reported
hip-shoulder line exactly as formcheck.pose.outline reads a mask.

The back is a smooth curve through the sacrum, L1 and C7 (the spine's three bending segments),
``BACK_DEPTH_M`` behind it along each segment's own backward axis, so lumbar and thoracic
flexion bend the outline as they bend the spine. Only the back is traced; the belly side is
left unseen (NaN), as the analysis never reads it.
"""

from __future__ import annotations

import numpy as np

from formcheck.pose.landmarks import Landmark as L
from formcheck.pose.outline import OUTLINE_S

BACK_DEPTH_M = 0.09  # skin of the back behind the vertebral bodies
CURVE_POINTS = 24


def back_curve(joints: dict[str, np.ndarray], frames: dict[str, np.ndarray]) -> np.ndarray:
    """(T, M, 3) points of the back's surface from the sacrum to C7, ground frame."""
    sacrum, l1, c7 = joints["sacrum"], joints["l1"], joints["c7"]
    back_lumbar = -frames["lumbar"][..., :, 0]  # the segment's forward axis, reversed
    back_thorax = -frames["thorax"][..., :, 0]
    u = np.linspace(0.0, 1.0, CURVE_POINTS // 2)[None, :, None]
    lower = sacrum[:, None] + u * (l1 - sacrum)[:, None] + BACK_DEPTH_M * back_lumbar[:, None]
    upper = l1[:, None] + u * (c7 - l1)[:, None] + BACK_DEPTH_M * back_thorax[:, None]
    # Round the corner at L1 where the two segments meet: average each point with its
    # neighbours a few times (the skin does not kink where the spine bends).
    curve = np.concatenate([lower, upper[:, 1:]], axis=1)
    for _ in range(3):
        curve[:, 1:-1] = (curve[:, :-2] + 2.0 * curve[:, 1:-1] + curve[:, 2:]) / 4.0
    return curve


def _ray_hits(origin: np.ndarray, normal: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Distance along each ray (T, K) to the polyline (T, M, 2), NaN where it misses."""
    a, b = poly[:, None, :-1, :], poly[:, None, 1:, :]  # (T, 1, M-1, 2)
    o, n = origin[:, :, None, :], normal[:, None, None, :]  # (T, K, 1, 2), (T, 1, 1, 2)
    d = b - a
    denom = n[..., 0] * d[..., 1] - n[..., 1] * d[..., 0]
    w = a - o
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (w[..., 0] * d[..., 1] - w[..., 1] * d[..., 0]) / denom
        u = (w[..., 0] * n[..., 1] - w[..., 1] * n[..., 0]) / denom
    hit = (u >= 0.0) & (u <= 1.0) & (t >= 0.0) & np.isfinite(t)
    return np.where(hit, t, np.inf).min(axis=-1)


def outline_of(
    curve_px: np.ndarray, image_xy: np.ndarray, frame_size: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """(outline (T, 2, K) in line lengths, sharpness (T, 2)) of the back curve ``curve_px``
    (T, M, 2 pixels) against the reported landmarks ``image_xy`` (T, 33, 2 normalised)."""
    w, h = frame_size
    px = image_xy * np.array([w, h], dtype=float)
    hip = 0.5 * (px[:, L.LEFT_HIP] + px[:, L.RIGHT_HIP])
    shoulder = 0.5 * (px[:, L.LEFT_SHOULDER] + px[:, L.RIGHT_SHOULDER])
    chord = shoulder - hip
    length = np.linalg.norm(chord, axis=-1)
    along = chord / length[:, None]
    left = np.stack([along[:, 1], -along[:, 0]], axis=-1)
    origins = hip[:, None, :] + OUTLINE_S[None, :, None] * chord[:, None, :]
    outline = np.full((len(px), 2, len(OUTLINE_S)), np.nan)
    sharp = np.full((len(px), 2), np.nan)
    for side, normal in enumerate((left, -left)):
        dist = _ray_hits(origins, normal, curve_px) / length[:, None]
        seen = np.isfinite(dist)
        outline[:, side] = np.where(seen, dist, np.nan)
        sharp[:, side] = np.where(seen.mean(axis=1) > 0.5, 1.0, np.nan)
    return outline, sharp
