"""The back's shape from the trunk outline (pose.outline): which side of the hip-shoulder line is
the back, whether the outline there can be trusted, and how it curves.

Shape, not position: the outline is read as depths from the hip-shoulder line at points along
it, in line lengths, and what matters is how those depths bend. A flat back is a straight edge
(whatever its distance from the line, which depends on the body and the clothes); a rounded
back bulges in its middle, an arched lower back dips. Two numbers say so, both from fits that
use every point seen (so a few lost points do not matter):

- the *rounding*: how far the middle of a parabola fitted to the edge stands out from the line
  joining its ends, in line lengths (positive convex, rounding; negative concave, arching);
- the *bend*: the angle between straight lines fitted to the lower (lumbar) and upper
  (thoracic) halves of the edge, in degrees (positive: flexed).

Both are compared with the lifter's own standing outline by the analysis, since bodies and
clothes differ.
"""

from __future__ import annotations

import numpy as np

from formcheck.pose.landmarks import Landmark as L
from formcheck.pose.outline import OUTLINE_S

# Below this many pixels from hip to shoulder the mask's edge is a few pixels of blur.
MIN_TRUNK_PX = 40.0
# A mask that falls less cleanly than this from person to background at the edge is unsure
# where the body ends (soft, hesitant masks: low light, blur, clothes the colour of the wall).
MIN_SHARPNESS = 0.5
# Of the points along the back, at least this share must be seen for its shape to be read.
MIN_SEEN = 0.6
# Hands this close to the shoulders (hip-shoulder lengths) hold a stick, a bar or the head
# behind the neck, across the upper back, where the mask then shows the arms and the bar:
# a barbell good morning's clean back read 32-37 deg of bend in every rep (tuning part), a
# rendered stick drill 38-54. The outline is not trusted there.
HANDS_AT_NECK = 0.35
# An edge nearer the line than this is not the back's surface (the mask lost the trunk), and
# one further than this is not the body's (a bag, a hood, a bench behind).
DEPTH_RANGE = (0.03, 0.6)
# A point of the edge within this many line lengths of an elbow or a wrist may be the arm's
# edge, not the back's (a hand at the low back, an arm swung behind): it is left out.
ARM_CLEARANCE = 0.12
SPLIT_S = 0.55  # lumbar below, thoracic above, along the hip-shoulder line


def back_side(px: np.ndarray, facing: int) -> np.ndarray:
    """(T,) index of the outline side (0: the hip-shoulder line's left in the image, 1: its
    right) that is the back: away from where the lifter faces and up, so both standing (the
    back is behind) and folded over (the back is on top) read right."""
    hip = 0.5 * (px[:, L.LEFT_HIP] + px[:, L.RIGHT_HIP])
    shoulder = 0.5 * (px[:, L.LEFT_SHOULDER] + px[:, L.RIGHT_SHOULDER])
    chord = shoulder - hip
    left = np.stack([chord[:, 1], -chord[:, 0]], axis=-1)
    hint = np.array([-float(facing or 1), -1.0])
    return np.where(left @ hint >= 0.0, 0, 1)


def edge_points(px: np.ndarray, depth: np.ndarray, side: np.ndarray) -> np.ndarray:
    """(T, K, 2) pixel positions of the back's edge points (NaN where unseen)."""
    hip = 0.5 * (px[:, L.LEFT_HIP] + px[:, L.RIGHT_HIP])
    shoulder = 0.5 * (px[:, L.LEFT_SHOULDER] + px[:, L.RIGHT_SHOULDER])
    chord = shoulder - hip
    length = np.linalg.norm(chord, axis=-1, keepdims=True)
    left = np.stack([chord[:, 1], -chord[:, 0]], axis=-1) / length
    normal = np.where((side == 0)[:, None], left, -left)
    starts = hip[:, None, :] + OUTLINE_S[None, :, None] * chord[:, None, :]
    return starts + (depth * length)[..., None] * normal[:, None, :]


def back_profile(
    outline: np.ndarray | None,
    sharpness: np.ndarray | None,
    px: np.ndarray,
    facing: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(depths (T, K) of the back's edge, in line lengths, NaN where unseen or unsure;
    trusted (T,) bool: the outline in that frame can be read). All NaN / False without an
    outline (the pose model was not asked for masks)."""
    n, k = len(px), len(OUTLINE_S)
    if outline is None or sharpness is None:
        return np.full((n, k), np.nan), np.zeros(n, bool)
    side = back_side(px, facing)
    rows = np.arange(n)
    depth = outline[rows, side].copy()
    sharp = sharpness[rows, side]
    lo, hi = DEPTH_RANGE
    with np.errstate(invalid="ignore"):
        depth[(depth < lo) | (depth > hi)] = np.nan
    # Points near an elbow or a wrist may be the arm's edge.
    hip = 0.5 * (px[:, L.LEFT_HIP] + px[:, L.RIGHT_HIP])
    shoulder = 0.5 * (px[:, L.LEFT_SHOULDER] + px[:, L.RIGHT_SHOULDER])
    length = np.linalg.norm(shoulder - hip, axis=-1)
    edge = edge_points(px, np.nan_to_num(depth, nan=0.0), side)
    for joint in (L.LEFT_ELBOW, L.RIGHT_ELBOW, L.LEFT_WRIST, L.RIGHT_WRIST):
        near = np.linalg.norm(edge - px[:, None, joint], axis=-1) < ARM_CLEARANCE * length[:, None]
        depth[near] = np.nan
    hands_up = np.zeros(n, bool)
    for wrist in (L.LEFT_WRIST, L.RIGHT_WRIST):
        with np.errstate(invalid="ignore"):
            hands_up |= np.linalg.norm(px[:, wrist] - shoulder, axis=-1) < HANDS_AT_NECK * length
    with np.errstate(invalid="ignore"):
        trusted = (
            (length >= MIN_TRUNK_PX)
            & (sharp >= MIN_SHARPNESS)
            & (np.isfinite(depth).mean(axis=1) >= MIN_SEEN)
            & ~hands_up
        )
    depth[~trusted] = np.nan
    return depth, trusted


def _fit(s: np.ndarray, y: np.ndarray, degree: int) -> np.ndarray:
    """(T, degree + 1) least-squares polynomial coefficients (lowest power first) of each
    row of ``y`` (T, K) over ``s`` (K,), NaN points left out; NaN rows where too few."""
    x = np.stack([s**p for p in range(degree + 1)], axis=-1)  # (K, d+1)
    w = np.isfinite(y).astype(float)
    yz = np.nan_to_num(y, nan=0.0)
    a = np.einsum("tk,ki,kj->tij", w, x, x)
    rhs = np.einsum("tk,ki,tk->ti", w, x, yz)
    enough = w.sum(axis=1) >= degree + 2
    out = np.full((len(y), degree + 1), np.nan)
    if enough.any():
        out[enough] = np.linalg.solve(a[enough], rhs[enough][..., None])[..., 0]
    return out


def rounding(depth: np.ndarray) -> np.ndarray:
    """(T,) how far the middle of the back's edge stands out from the line joining its
    ends (a parabola's sagitta), in hip-shoulder line lengths: > 0 rounded, < 0 arched."""
    c = _fit(OUTLINE_S, depth, 2)[:, 2]
    span = OUTLINE_S[-1] - OUTLINE_S[0]
    return -c * span**2 / 4.0


def bend_deg(depth: np.ndarray) -> np.ndarray:
    """(T,) angle between the lower and the upper half of the back's edge, degrees:
    > 0 flexed (rounded), < 0 extended (arched)."""
    lower = OUTLINE_S <= SPLIT_S
    upper = OUTLINE_S >= SPLIT_S
    slope_lo = _fit(OUTLINE_S[lower], depth[:, lower], 1)[:, 1]
    slope_hi = _fit(OUTLINE_S[upper], depth[:, upper], 1)[:, 1]
    return np.degrees(np.arctan(slope_lo) - np.arctan(slope_hi))
