"""The trunk's outline from the pose model's person mask: where the body's edge lies on each side
of the hip-to-shoulder line.

Rounding and arching happen between the hips and the shoulders, where the pose model has no
landmark, but the silhouette shows them: the back's edge bulges away from the hip-shoulder line
as the spine curls, and dips toward it as the lower back arches. Per frame, for points spaced
along the line from the hip centre to the shoulder centre, the edge is found by walking away
from the line, square to it, until the mask says "not the person"; the distance walked (in
line lengths) is the outline's depth there. Both sides are kept: which one is the back depends
on which way the lifter faces, which the analysis knows from the whole clip.

A mask (H, W) in [0, 1] at the frame's size, and the frame's landmarks, in; small arrays out:
this runs once per frame, right after the pose model, so the mask never has to be kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.pose.landmarks import Landmark as L

# Where along the hip (0) -> shoulder (1) line the edge is found: past the buttocks, short of
# the neck.
OUTLINE_S = np.linspace(0.15, 0.95, 17)
OUTLINE_K = len(OUTLINE_S)
# How far out to look, in line lengths: a trunk is about a third as deep as it is long, a
# rounded back adds a little, a loose shirt more.
MAX_DEPTH = 0.8
STEP_PX = 1.0
INSIDE = 0.5  # mask values above this are the person
EDGE_PROBE_PX = 3.0  # the edge's sharpness: mask just inside minus just outside


@dataclass(frozen=True, eq=False)
class Outline:
    """One frame's trunk outline. ``depth`` (2, K): the edge's distance from the hip-shoulder
    line at each of OUTLINE_S, in line lengths, on the side to the line's left (0) and right
    (1) in the image (NaN where no edge was found); ``sharpness`` (2,): how cleanly the mask
    falls from person to background at those edges, 0..1 (a soft, hesitant mask is one the
    outline cannot be trusted on)."""

    depth: np.ndarray
    sharpness: np.ndarray

    @classmethod
    def missing(cls) -> Outline:
        return cls(np.full((2, OUTLINE_K), np.nan), np.full(2, np.nan))


def _sample(mask: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Mask values at pixel positions ``xy`` (..., 2), nearest pixel; 0 outside the frame."""
    h, w = mask.shape
    x = np.rint(xy[..., 0]).astype(int)
    y = np.rint(xy[..., 1]).astype(int)
    inside = (x >= 0) & (x < w) & (y >= 0) & (y < h)
    out = np.zeros(x.shape, dtype=float)
    out[inside] = mask[y[inside], x[inside]]
    return out


def trunk_outline(mask: np.ndarray, image_xy: np.ndarray) -> Outline:
    """The outline of the trunk in ``mask`` (H, W) around the landmarks ``image_xy`` (33, 2,
    normalised to the frame)."""
    mask = np.asarray(mask, dtype=float)
    if mask.ndim == 3:
        mask = mask[..., 0]
    h, w = mask.shape
    px = np.asarray(image_xy, dtype=float) * np.array([w, h])
    hip = 0.5 * (px[L.LEFT_HIP] + px[L.RIGHT_HIP])
    shoulder = 0.5 * (px[L.LEFT_SHOULDER] + px[L.RIGHT_SHOULDER])
    chord = shoulder - hip
    length = float(np.hypot(*chord))
    if not np.isfinite(length) or length < 4.0:
        return Outline.missing()
    along = chord / length
    left = np.array([along[1], -along[0]])  # the line's left side, as seen in the image
    steps = np.arange(0.0, MAX_DEPTH * length, STEP_PX)  # (M,)
    starts = hip + OUTLINE_S[:, None] * chord  # (K, 2)
    depth = np.full((2, OUTLINE_K), np.nan)
    sharp = np.full(2, np.nan)
    for side, normal in enumerate((left, -left)):
        rays = starts[:, None, :] + steps[None, :, None] * normal  # (K, M, 2)
        values = _sample(mask, rays)  # (K, M)
        inside = values > INSIDE
        # The edge: the first step outside the person, walking out from the line (a hand or
        # the bar beyond a gap is not the trunk, and is never reached).
        entered = inside[:, 0]
        out = ~inside
        first_out = np.where(out.any(axis=1), out.argmax(axis=1), -1)
        ok = entered & (first_out > 0)
        depth[side, ok] = steps[first_out[ok]] / length
        if ok.any():
            edge = starts[ok] + (steps[first_out[ok]][:, None]) * normal
            probe_in = _sample(mask, edge - EDGE_PROBE_PX * normal)
            probe_out = _sample(mask, edge + EDGE_PROBE_PX * normal)
            sharp[side] = float(np.clip(np.median(probe_in - probe_out), 0.0, 1.0))
    return Outline(depth, sharp)


def edge_points(image_xy: np.ndarray, frame_size: tuple[int, int], depth: np.ndarray) -> np.ndarray:
    """(K, 2) pixel positions of one side's edge (``depth`` (K,) in line lengths, on the side
    it was traced), for drawing: the inverse of :func:`trunk_outline` for that side. The side
    is given by the sign of ``depth``: positive for the line's left, negative for its right."""
    w, h = frame_size
    px = np.asarray(image_xy, dtype=float) * np.array([w, h])
    hip = 0.5 * (px[L.LEFT_HIP] + px[L.RIGHT_HIP])
    shoulder = 0.5 * (px[L.LEFT_SHOULDER] + px[L.RIGHT_SHOULDER])
    chord = shoulder - hip
    length = float(np.hypot(*chord))
    if not np.isfinite(length) or length == 0:
        return np.full((OUTLINE_K, 2), np.nan)
    along = chord / length
    left = np.array([along[1], -along[0]])
    starts = hip + OUTLINE_S[:, None] * chord
    return starts + (np.asarray(depth, dtype=float) * length)[:, None] * left
