"""Find the cuts in an edited clip: frames that begin a new shot.

Reels and instructional films splice shots together: a frame of another take, a close-up, the
same lift from a second camera. Across a cut the lifter jumps to another place and pose, so a
tracker must look for them afresh, and a signal must not be smoothed or counted as one rep
across it.

Each frame is shrunk to a thumbnail and compared with the previous one cell by cell. A cut
changes most of the picture at once; motion, a panning phone and captions or arrows popping
in change part of it. Cells that are black in both frames (pillarbox bars around a vertical
video, letterboxing) are left out, or the bars would dilute every cut. A lamp flaring into
the lens, or the phone re-exposing, also changes most cells at once, but keeps the picture's
layout: which cells are brighter than which. So a cut must also scramble that order (the
rank correlation of the cells' brightness falls).

PySceneDetect does this job too, but its wheel requires ``opencv-python``, which installs the
same ``cv2`` folder as MediaPipe's ``opencv-contrib-python`` and breaks it.
"""

from __future__ import annotations

import cv2
import numpy as np

from formcheck.preload import library

THUMB_SIZE = (64, 36)  # (width, height): coarse enough to ignore noise, fine for layout
BLACK_VALUE = 20  # HSV value at or below which a cell is bar, not picture
MIN_PICTURE_CELLS = 20  # fewer cells of picture (a black frame, a fade): no judgement
# A cell has changed when its brightness moves this much (of 255), its saturation this much,
# or, where it is coloured in both frames, its hue this far round the wheel (of 180).
VALUE_CHANGE = 40
SATURATION_CHANGE = 60
HUE_CHANGE = 20
COLOURED = 60  # saturation above which a cell's hue means something
# Evidence from the real clips (python tools/shot_cut_evidence.py): the 31 cuts changed
# 0.40-1.00 of the picture with a brightness rank correlation of -0.62 to 0.44. Within shots:
# a street lamp flaring at each rep changed 0.36 (correlation 0.78), a swing in front of a
# coach 0.30 (0.64), a white flash 1.00 (0.99); nothing else more than 0.19. A jump cut from
# a fixed camera (same background, the lifter elsewhere: 0.38, 0.69) is not found here.
CUT_FRACTION = 0.3
MAX_LAYOUT_CORRELATION = 0.5


def thumbnail(image_rgb: np.ndarray) -> np.ndarray:
    """(36, 64, 3) int16 HSV thumbnail of an RGB frame."""
    small = cv2.resize(image_rgb, THUMB_SIZE, interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_RGB2HSV).astype(np.int16)


def _picture(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Cells that are picture, not black bars, in either thumbnail."""
    return (before[..., 2] > BLACK_VALUE) | (after[..., 2] > BLACK_VALUE)


def changed_fraction(before: np.ndarray, after: np.ndarray) -> float:
    """Fraction of the picture (non-black cells) that changed between two thumbnails."""
    diff = np.abs(after - before)
    hue = np.minimum(diff[..., 0], 180 - diff[..., 0])  # hue is an angle
    coloured = (before[..., 1] > COLOURED) & (after[..., 1] > COLOURED)
    changed = (
        (diff[..., 2] > VALUE_CHANGE)
        | (diff[..., 1] > SATURATION_CHANGE)
        | (coloured & (hue > HUE_CHANGE))
    )
    picture = _picture(before, after)
    if picture.sum() < MIN_PICTURE_CELLS:
        return 0.0
    return float(changed[picture].mean())


def layout_correlation(before: np.ndarray, after: np.ndarray) -> float:
    """Rank correlation of the picture cells' brightness in two thumbnails: near 1 when the
    same scene is re-lit, near 0 for another scene (and 0 when either frame is flat, as a
    cut to black)."""
    picture = _picture(before, after)
    a, b = before[..., 2][picture], after[..., 2][picture]
    if a.size < MIN_PICTURE_CELLS or np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    # Imported here: only a frame that changed a lot gets this far, and scipy.stats takes
    # a second to import (formcheck.preload).
    return float(library("scipy.stats").spearmanr(a, b).statistic)


def is_cut_between(before: np.ndarray, after: np.ndarray) -> bool:
    """Whether two consecutive thumbnails belong to different shots."""
    return (
        changed_fraction(before, after) >= CUT_FRACTION
        and layout_correlation(before, after) < MAX_LAYOUT_CORRELATION
    )


class ShotCutDetector:
    """Feed it every frame in order; it says whether that frame begins a new shot."""

    def __init__(self) -> None:
        self._previous: np.ndarray | None = None

    def is_cut(self, image_rgb: np.ndarray) -> bool:
        thumb = thumbnail(image_rgb)
        previous, self._previous = self._previous, thumb
        # The first frame begins the first shot, not a new one.
        return previous is not None and is_cut_between(previous, thumb)
