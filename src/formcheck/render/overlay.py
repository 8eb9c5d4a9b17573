"""Draw the coaching overlay on one frame: skeleton, joint angles, rep counter, fault banner.

Everything is drawn with OpenCV primitives straight onto the RGB frame, sized from the frame's
short side so it reads the same on 480p and 1080p, portrait or landscape.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from formcheck.pose.landmarks import NUM_LANDMARKS, SKELETON_EDGES, Landmark

MIN_VISIBILITY = 0.3
MAX_BANNERS = 2
MAX_LINES_PER_BANNER = 4  # a fault says what went wrong, then how to fix it
REFERENCE_SHORT_SIDE = 480  # sizes below are in pixels at this short side, scaled from it
MIN_SCALE = 0.6  # below this, text is unreadable; on tiny frames it may overflow instead
# OpenCV 5 draws Unicode text; OpenCV 4's Hershey fonts draw anything outside ASCII as '?'.
UNICODE_TEXT = int(cv2.__version__.split(".")[0]) >= 5

# Colours are RGB: formcheck's frames are RGB throughout.
WHITE = (255, 255, 255)
GREY = (185, 185, 185)
OUTLINE = (20, 20, 20)
AMBER = (255, 191, 0)
RED = (240, 40, 40)
LEFT_COLOUR = (80, 190, 255)  # the person's left side
RIGHT_COLOUR = (130, 230, 110)
CENTRE_COLOUR = (235, 235, 235)
IN_REP = ("descent", "bottom", "ascent")  # phases in which the panel names the rep in progress
PHASE_COLOURS = {
    "setup": GREY,
    "top": GREY,
    "descent": (110, 200, 255),
    "bottom": AMBER,
    "ascent": (130, 230, 110),
}

FONT = cv2.FONT_HERSHEY_DUPLEX
AA = cv2.LINE_AA


@dataclass(frozen=True)
class OverlayState:
    """What the overlay shows on one frame (see ``render.timeline`` for how it is chosen)."""

    exercise: str
    rep_count: int  # the rep in progress (rep 2 shows 2 during rep 2), else the reps done
    phase: str  # "setup" | "descent" | "bottom" | "ascent" | "top" | ""
    angles: tuple[tuple[str, float, int], ...]  # (label, degrees, landmark index to anchor at)
    banners: tuple[str, ...]  # active fault messages, most recent first; at most 2 are shown
    highlight: frozenset[int]  # landmark indices of joints involved in an active fault
    view: str = ""  # e.g. "side view"
    note: str = ""  # small status text, e.g. "no person found"


def draw_overlay(
    image_rgb: np.ndarray,
    pixel_xy: np.ndarray | None,
    visibility: np.ndarray | None,
    state: OverlayState,
    *,
    back: np.ndarray | None = None,
    back_flag: int = 0,
) -> np.ndarray:
    """Draw ``state`` onto ``image_rgb`` (H, W, 3) uint8 in place and return it.

    ``pixel_xy`` (33, 2) landmark positions in pixels and ``visibility`` (33,) may be None (no
    person); points that are NaN or less visible than ``MIN_VISIBILITY`` are not drawn.
    ``back`` (K, 2) pixels is the traced back line (NaN points skipped), drawn red where
    ``back_flag`` says it rounds (+1) and amber where it arches (-1) past the back rule.
    """
    if image_rgb.dtype != np.uint8 or image_rgb.ndim != 3 or image_rgb.shape[2] != 3:
        raise ValueError(
            f"expected an (H, W, 3) uint8 image, got {image_rgb.shape} {image_rgb.dtype}"
        )
    height, width = image_rgb.shape[:2]
    scale = max(MIN_SCALE, min(height, width) / REFERENCE_SHORT_SIDE)

    points, shown = _usable_points(pixel_xy, visibility)
    if back is not None:
        _draw_back_line(image_rgb, back, back_flag, scale)
    if points is not None:
        _draw_skeleton(image_rgb, points, shown, state.highlight, scale)
        _draw_angle_labels(image_rgb, points, shown, state, scale)
    _draw_rep_panel(image_rgb, state, scale)
    if state.note:
        _draw_note(image_rgb, state.note, scale)
    if state.banners:
        _draw_banners(image_rgb, state.banners[:MAX_BANNERS], scale)
    return image_rgb


# --- the back's outline -----------------------------------------------------------------------

BACK_COLOURS = {0: (255, 255, 255), 1: (235, 40, 40), -1: (255, 170, 0)}  # RGB: the back line


def _draw_back_line(image: np.ndarray, back: np.ndarray, flag: int, s: float) -> None:
    """The traced back, as a line along the body's edge (runs of seen points only)."""
    colour = BACK_COLOURS.get(flag, BACK_COLOURS[0])
    seen = np.isfinite(back).all(axis=1)
    # Split at the unseen points: a gap is not drawn across.
    breaks = np.flatnonzero(~seen)
    runs = [r for r in np.split(np.arange(len(back)), breaks) if r.size]
    lines = [np.round(back[r[seen[r]]]).astype(np.int32) for r in runs]
    lines = [line.reshape(-1, 1, 2) for line in lines if len(line) > 1]
    if lines:
        cv2.polylines(image, lines, False, (0, 0, 0), _thickness(s, 5.0), cv2.LINE_AA)
        cv2.polylines(image, lines, False, colour, _thickness(s, 3.0), cv2.LINE_AA)


# --- skeleton ---------------------------------------------------------------------------------


def _edge_colour(a: Landmark, b: Landmark) -> tuple[int, int, int]:
    sides = {a.name.split("_")[0], b.name.split("_")[0]}
    if sides == {"LEFT"}:
        return LEFT_COLOUR
    if sides == {"RIGHT"}:
        return RIGHT_COLOUR
    return CENTRE_COLOUR


SKELETON_JOINTS = tuple(sorted({int(p) for edge in SKELETON_EDGES for p in edge}))
EDGES = tuple((int(a), int(b)) for a, b in SKELETON_EDGES)
EDGE_COLOURS = tuple(_edge_colour(a, b) for a, b in SKELETON_EDGES)


def _usable_points(
    pixel_xy: np.ndarray | None, visibility: np.ndarray | None
) -> tuple[np.ndarray | None, np.ndarray]:
    """Integer pixel positions (clamped so OpenCV accepts them) and which ones to draw."""
    if pixel_xy is None:
        return None, np.zeros(NUM_LANDMARKS, dtype=bool)
    xy = np.asarray(pixel_xy, dtype=float)
    shown = np.isfinite(xy).all(axis=1)
    if visibility is not None:
        vis = np.asarray(visibility, dtype=float)
        shown &= np.nan_to_num(vis, nan=0.0) >= MIN_VISIBILITY
    points = np.clip(np.nan_to_num(xy), -1e5, 1e5).round().astype(np.int32)
    return points, shown


@lru_cache(maxsize=64)
def _red_edges(highlight: frozenset[int]) -> frozenset[int]:
    """Edges between highlighted joints; a highlighted joint with no highlighted neighbour
    (a fault naming a single joint) gets all its edges, so the fault still shows as a limb."""
    red = {i for i, (a, b) in enumerate(EDGES) if a in highlight and b in highlight}
    joined = {j for i in red for j in EDGES[i]}
    for joint in highlight - joined:
        red |= {i for i, (a, b) in enumerate(EDGES) if joint in (a, b)}
    return frozenset(red)


def _draw_skeleton(
    image: np.ndarray, points: np.ndarray, shown: np.ndarray, highlight: frozenset[int], s: float
) -> None:
    line = max(1, round(2.5 * s))
    outline = line + max(2, round(2 * s))
    radius = max(2, round(4 * s))
    red_edges = _red_edges(highlight)
    xy = [tuple(p) for p in points.tolist()]  # plain ints: OpenCV parses these fastest
    drawn = [i for i, (a, b) in enumerate(EDGES) if shown[a] and shown[b]]

    # Dark outlines first, colours over them: lines stay visible on light and dark clothes.
    for i in drawn:
        a, b = EDGES[i]
        cv2.line(image, xy[a], xy[b], OUTLINE, outline, AA)
    for i in drawn:
        a, b = EDGES[i]
        colour = RED if i in red_edges else EDGE_COLOURS[i]
        cv2.line(image, xy[a], xy[b], colour, line, AA)

    for joint in SKELETON_JOINTS:
        if shown[joint] and joint not in highlight:
            centre = xy[joint]
            cv2.circle(image, centre, radius + 1, OUTLINE, -1, AA)
            cv2.circle(image, centre, radius, WHITE, -1, AA)
    # Highlighted joints last, so nothing covers them; any landmark index may be highlighted.
    for joint in sorted(highlight):
        if 0 <= joint < NUM_LANDMARKS and shown[joint]:
            centre = xy[joint]
            cv2.circle(image, centre, round(radius * 2.2), WHITE, -1, AA)
            cv2.circle(image, centre, round(radius * 1.8), RED, -1, AA)


# --- text -------------------------------------------------------------------------------------

_ASCII_REPLACEMENTS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00b0": " deg",
        "\u00d7": "x",
        "\u2192": "->",
    }
)


@lru_cache(maxsize=512)
def to_ascii(text: str) -> str:
    """Fold quotes, dashes, accents and the degree sign to ASCII."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII_REPLACEMENTS))
    return folded.encode("ascii", "ignore").decode("ascii")


def drawable(text: str) -> str:
    """``text`` as this OpenCV can draw it."""
    return text if UNICODE_TEXT else to_ascii(text)


def _text_size(text: str, scale: float, thickness: int) -> tuple[int, int, int]:
    """(width, height above the baseline, depth below it) in pixels."""
    (w, h), baseline = cv2.getTextSize(text, FONT, scale, thickness)
    return w, h, baseline


@lru_cache(maxsize=256)
def wrap_text(text: str, scale: float, thickness: int, max_width: int) -> tuple[str, ...]:
    """Split ``text`` into lines no wider than ``max_width`` pixels (a single longer word
    keeps its own line)."""
    lines: list[str] = []
    current = ""
    for word in drawable(text).split():
        trial = f"{current} {word}" if current else word
        if current and _text_size(trial, scale, thickness)[0] > max_width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return tuple(lines)


def _put(
    image: np.ndarray,
    text: str,
    origin: tuple[int, int],
    scale: float,
    colour: tuple[int, int, int],
    thickness: int,
) -> None:
    cv2.putText(image, text, origin, FONT, scale, colour, thickness, AA)


def _darken(image: np.ndarray, x0: int, y0: int, x1: int, y1: int, opacity: float = 0.6) -> None:
    """Semi-transparent dark box, blended on the region only (whole-frame blends are slow)."""
    height, width = image.shape[:2]
    x0, x1 = max(0, x0), min(width, x1)
    y0, y1 = max(0, y0), min(height, y1)
    if x1 <= x0 or y1 <= y0:
        return
    region = image[y0:y1, x0:x1]
    cv2.addWeighted(region, 1.0 - opacity, region, 0.0, 12.0 * opacity, dst=region)


def _thickness(s: float, base: float = 1.0) -> int:
    return max(1, round(base * s))


# --- angle labels -----------------------------------------------------------------------------


def _draw_angle_labels(
    image: np.ndarray, points: np.ndarray, shown: np.ndarray, state: OverlayState, s: float
) -> None:
    height, width = image.shape[:2]
    scale = 0.5 * s
    thick = _thickness(s)
    pad = max(2, round(4 * s))
    gap = max(4, round(16 * s))  # clears a highlighted joint's larger dot
    degree_r = max(1, round(2.5 * s))
    for label, degrees, anchor in state.angles:
        if not (0 <= anchor < NUM_LANDMARKS and shown[anchor]) or not np.isfinite(degrees):
            continue
        # OpenCV 5 draws the degree sign; OpenCV 4's fonts cannot, so a ring stands in for it.
        text = f"{drawable(label)} {degrees:.0f}" + ("\u00b0" if UNICODE_TEXT else "")
        tw, th, _ = _text_size(text, scale, thick)
        ring_w = 0 if UNICODE_TEXT else 2 * degree_r + 1
        box_w = tw + 2 * pad + ring_w
        box_h = th + 2 * pad
        jx, jy = (int(v) for v in points[anchor])
        # Beside the joint, on whichever side fits in the frame.
        x0 = jx + gap if jx + gap + box_w <= width else jx - gap - box_w
        x0 = int(np.clip(x0, 0, max(0, width - box_w)))
        y0 = int(np.clip(jy - box_h // 2, 0, max(0, height - box_h)))
        if anchor in state.highlight:
            cv2.rectangle(image, (x0, y0), (x0 + box_w, y0 + box_h), RED, -1)
        else:
            _darken(image, x0, y0, x0 + box_w, y0 + box_h, 0.65)
        _put(image, text, (x0 + pad, y0 + pad + th), scale, WHITE, thick)
        if not UNICODE_TEXT:  # against the digits' top right, as a printed degree sign sits
            ring = (x0 + pad + tw + degree_r, y0 + pad + degree_r)
            cv2.circle(image, ring, degree_r, WHITE, max(1, degree_r // 2), AA)


# --- rep panel, note, banners ------------------------------------------------------------------


def _draw_rep_panel(image: np.ndarray, state: OverlayState, s: float) -> None:
    margin = round(10 * s)
    pad = max(3, round(8 * s))
    header = " | ".join(
        part for part in (drawable(state.exercise.replace("_", " ")), drawable(state.view)) if part
    )
    small, small_thick = 0.42 * s, _thickness(s)
    big, big_thick = 1.6 * s, _thickness(s, 2.5)
    phase_scale, phase_thick = 0.5 * s, _thickness(s)

    number = str(state.rep_count)
    label = "REP" if state.phase in IN_REP else "REPS"  # "REP 2" while rep 2 happens
    phase = state.phase.upper()
    hw, hh, _ = _text_size(header, small, small_thick) if header else (0, 0, 0)
    nw, nh, _ = _text_size(number, big, big_thick)
    lw, lh, _ = _text_size("REPS", small, small_thick)
    pw, ph, _ = _text_size(phase, phase_scale, phase_thick) if phase else (0, 0, 0)

    row_gap = round(6 * s) if header else 0
    block_w = nw + pad + max(lw, pw)
    box_w = max(hw, block_w) + 2 * pad
    box_h = pad + hh + row_gap + nh + 2 * pad
    x0, y0 = margin, margin
    _darken(image, x0, y0, x0 + box_w, y0 + box_h, 0.6)

    if header:
        _put(image, header, (x0 + pad, y0 + pad + hh), small, GREY, small_thick)
    number_base = y0 + pad + hh + row_gap + pad + nh
    _put(image, number, (x0 + pad, number_base), big, WHITE, big_thick)
    side_x = x0 + pad + nw + pad
    _put(image, label, (side_x, number_base - nh + lh), small, GREY, small_thick)
    if phase:
        colour = PHASE_COLOURS.get(state.phase, WHITE)
        _put(image, phase, (side_x, number_base), phase_scale, colour, phase_thick)


def draw_note(image_rgb: np.ndarray, note: str) -> np.ndarray:
    """Only the small status note (top right), e.g. over a paused live frame."""
    scale = max(MIN_SCALE, min(image_rgb.shape[:2]) / REFERENCE_SHORT_SIDE)
    _draw_note(image_rgb, note, scale)
    return image_rgb


def _draw_note(image: np.ndarray, note: str, s: float) -> None:
    width = image.shape[1]
    margin = round(10 * s)
    pad = max(2, round(6 * s))
    scale, thick = 0.45 * s, _thickness(s)
    text = drawable(note)
    tw, th, depth = _text_size(text, scale, thick)
    x1 = width - margin
    x0 = max(0, x1 - tw - 2 * pad)
    _darken(image, x0, margin, x1, margin + th + depth + 2 * pad, 0.6)
    _put(image, text, (x0 + pad, margin + pad + th), scale, WHITE, thick)


def _draw_banners(image: np.ndarray, banners: tuple[str, ...], s: float) -> None:
    """Most recent fault in amber and larger, an older one below it in white."""
    height, width = image.shape[:2]
    pad = max(3, round(10 * s))
    stripe = max(2, round(5 * s))
    text_x = pad + stripe + pad
    max_text_w = max(1, width - text_x - pad)
    styles = ((0.62 * s, _thickness(s, 1.3), AMBER), (0.5 * s, _thickness(s), WHITE))

    blocks = []  # (lines, scale, thickness, colour, line height)
    for message, (scale, thick, colour) in zip(banners, styles, strict=False):
        lines = wrap_text(message, scale, thick, max_text_w)
        if len(lines) > MAX_LINES_PER_BANNER:
            lines = (*lines[: MAX_LINES_PER_BANNER - 1], lines[MAX_LINES_PER_BANNER - 1] + " ...")
        _, th, depth = _text_size("Ag", scale, thick)
        blocks.append((lines, scale, thick, colour, th + depth + round(4 * s)))

    block_gap = round(8 * s)
    bar_h = 2 * pad + sum(len(b[0]) * b[4] for b in blocks) + block_gap * (len(blocks) - 1)
    y = height - bar_h
    _darken(image, 0, y, width, height, 0.68)
    y += pad
    for lines, scale, thick, colour, line_h in blocks:
        cv2.rectangle(image, (pad, y), (pad + stripe - 1, y + len(lines) * line_h - 1), colour, -1)
        for line in lines:
            _, th, _ = _text_size(line, scale, thick)
            _put(image, line, (text_x, y + th + round(2 * s)), scale, colour, thick)
            y += line_h
        y += block_gap
