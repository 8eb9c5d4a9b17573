"""Stills of the worst moment of each fault, for the HTML report.

The frames are decoded again (PyAV, through VideoReader) after the analysis, since which
frames are wanted is known only then; decoding stops after the last one. On each still the
skeleton is drawn thin and the joints the fault involves are ringed in red, and the image is
encoded as a JPEG data URI so the page stays one file.
"""

from __future__ import annotations

import base64
from collections.abc import Hashable, Iterable, Iterator, Mapping
from pathlib import Path

import cv2
import numpy as np

from formcheck.errors import FormcheckError
from formcheck.io.video_reader import VideoReader
from formcheck.pose.landmarks import NUM_LANDMARKS, SKELETON_EDGES, Landmark

DECODE_MAX_SIDE = 960  # decoded this large, so a crop around the lifter stays sharp
STILL_MAX_SIDE = 560  # the still's longest side: wide enough for a card, light on the page
CROP_MARGIN = 0.2  # around the lifter's landmarks, as a fraction of their extent
CROP_ASPECT = 4 / 3  # width / height of a crop, where the frame allows it
JPEG_QUALITY = 82
MIN_VISIBILITY = 0.3  # as the video overlay: points the model hardly sees are not drawn
RED = (235, 40, 40)
WHITE = (255, 255, 255)
DARK = (25, 25, 25)


def iter_frames(
    video: str | Path, times: Mapping[Hashable, float], *, max_side: int = DECODE_MAX_SIDE
) -> Iterator[tuple[Hashable, np.ndarray]]:
    """(key, RGB frame of ``video`` nearest in time to ``times[key]``), in time order, one
    at a time, so a caller that encodes each still at once holds one frame, not thousands
    (a two-hour live session has thousands of faults). Decoding stops after the last wanted
    time. A video that cannot be read yields nothing more rather than failing the report."""
    wanted = sorted(times.items(), key=lambda item: item[1])
    if not wanted:
        return
    try:
        with VideoReader(video, max_side=max_side) as reader:
            previous = None
            k = 0
            for frame in reader:
                while k < len(wanted) and frame.t >= wanted[k][1]:
                    key, t = wanted[k]
                    nearer_before = previous is not None and t - previous.t < frame.t - t
                    yield key, (previous if nearer_before else frame).image
                    k += 1
                if k == len(wanted):
                    return
                previous = frame
            if previous is not None:  # times past the last frame
                for key, _ in wanted[k:]:
                    yield key, previous.image
    except (FormcheckError, OSError):
        return


def grab_frames(
    video: str | Path, times: Mapping[Hashable, float], *, max_side: int = DECODE_MAX_SIDE
) -> dict[Hashable, np.ndarray]:
    """key -> the frame ``iter_frames`` gives for it; every frame held at once, so for a
    few stills only. A video that cannot be read gives no stills."""
    return dict(iter_frames(video, times, max_side=max_side))


def mark_joints(
    image: np.ndarray,
    image_xy: np.ndarray | None,
    visibility: np.ndarray | None,
    joints: Iterable[str],
    *,
    skeleton: bool = True,
) -> np.ndarray:
    """A copy of ``image`` with the skeleton (unless the frame already shows one) and the
    named joints ("left_knee") ringed in red. ``image_xy`` (33, 2) is normalised [0, 1]."""
    out = np.ascontiguousarray(image).copy()
    if image_xy is None:
        return out
    height, width = out.shape[:2]
    xy = np.asarray(image_xy, float) * (width, height)
    shown = np.isfinite(xy).all(axis=1)
    if visibility is not None:
        shown &= np.nan_to_num(np.asarray(visibility, float)) >= MIN_VISIBILITY
    pts = [tuple(int(v) for v in p) for p in np.clip(np.nan_to_num(xy), -1e4, 1e4).round()]
    scale = max(1.0, min(height, width) / 360)
    line = max(1, round(1.5 * scale))
    if skeleton:
        for a, b in SKELETON_EDGES:
            if shown[a] and shown[b]:
                cv2.line(out, pts[a], pts[b], DARK, line + 2, cv2.LINE_AA)
                cv2.line(out, pts[a], pts[b], WHITE, line, cv2.LINE_AA)
    known = Landmark.__members__
    marked = [int(Landmark[name.upper()]) for name in joints if name.upper() in known]
    for a, b in SKELETON_EDGES:  # the limbs between marked joints in red
        if a in marked and b in marked and shown[a] and shown[b]:
            cv2.line(out, pts[a], pts[b], RED, line + 1, cv2.LINE_AA)
    radius = round(9 * scale)
    for joint in marked:
        if 0 <= joint < NUM_LANDMARKS and shown[joint]:
            cv2.circle(out, pts[joint], radius + 2, WHITE, line + 2, cv2.LINE_AA)
            cv2.circle(out, pts[joint], radius, RED, line + 1, cv2.LINE_AA)
    return out


def around_person(
    image: np.ndarray, image_xy: np.ndarray | None, *, max_side: int = STILL_MAX_SIDE
) -> np.ndarray:
    """The part of ``image`` around the landmarks (with a margin, 4:3 where the frame
    allows), scaled down to ``max_side``; the whole frame when no landmark is known."""
    height, width = image.shape[:2]
    crop = image
    points = None if image_xy is None else np.asarray(image_xy, float) * (width, height)
    if points is not None and np.isfinite(points).all(axis=1).sum() >= 2:
        finite = points[np.isfinite(points).all(axis=1)]
        (x0, y0), (x1, y1) = finite.min(axis=0), finite.max(axis=0)
        pad = CROP_MARGIN * max(x1 - x0, y1 - y0)
        x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
        w, h = x1 - x0, y1 - y0
        if w < CROP_ASPECT * h:  # widen, or else heighten, toward 4:3
            w = CROP_ASPECT * h
        else:
            h = w / CROP_ASPECT
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        w, h = min(w, width), min(h, height)
        left = int(round(np.clip(cx - w / 2, 0, width - w)))
        top = int(round(np.clip(cy - h / 2, 0, height - h)))
        crop = image[top : top + int(round(h)), left : left + int(round(w))]
    scale = max_side / max(crop.shape[:2])
    if scale < 1:
        size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    return crop


def jpeg_data_uri(image_rgb: np.ndarray, quality: int = JPEG_QUALITY) -> str:
    ok, encoded = cv2.imencode(
        ".jpg", cv2.cvtColor(image_rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        raise ValueError("OpenCV could not encode the still as JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(encoded.tobytes()).decode("ascii")
