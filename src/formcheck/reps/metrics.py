"""Per-rep scalars: depth and tempo for the report, and the measures some rules judge once per
rep rather than frame by frame (how the descent started, how the bottom was turned)."""

from __future__ import annotations

import numpy as np

from formcheck.reps.segment import RepWindow
from formcheck.signals import geometry as g
from formcheck.signals.measures import Body

# The free foot counts as down when its lowest point is within this many leg lengths (~2 cm)
# of the standing sole.
FOOT_DOWN_HEIGHT = 0.02

REP_MEASURE_UNITS = {
    "depth_deg": "deg",
    "descent_s": "s",
    "pause_s": "s",
    "ascent_s": "s",
    "bottom_rebound_deg": "deg",
    "hip_back_ratio": "ratio",
    "free_foot_down_s": "s",
    "standing_foot_travel": "leg lengths",
}


def _dip_depth(x: np.ndarray) -> tuple[float, int]:
    """Largest dip between two higher points (how far the signal fell and came back)."""
    if x.size < 3 or not np.isfinite(x).any():
        return float("nan"), 0
    x = np.where(np.isfinite(x), x, np.nanmin(x))
    left = np.maximum.accumulate(x)
    right = np.maximum.accumulate(x[::-1])[::-1]
    dip = np.minimum(left, right) - x
    i = int(np.argmax(dip))
    return float(dip[i]), i


def rep_measures(
    w: RepWindow, t: np.ndarray, signal: np.ndarray, body: Body
) -> dict[str, tuple[float, int]]:
    """name -> (value, frame where it is best shown)."""
    out: dict[str, tuple[float, int]] = {
        "depth_deg": (w.depth, w.bottom),
        "descent_s": (t[w.reach] - t[w.start], w.reach),
        "pause_s": (t[w.leave] - t[w.reach], w.bottom),
        "ascent_s": (t[w.end] - t[w.leave], w.leave),
    }
    rebound, i = _dip_depth(signal[w.reach : w.leave + 1])
    out["bottom_rebound_deg"] = (rebound, w.reach + i)
    out["hip_back_ratio"] = _hip_back_ratio(w, signal, body)
    out["free_foot_down_s"] = _free_foot_down(w, t, signal, body)
    out["standing_foot_travel"] = _standing_foot_travel(w, body)
    return out


def _hip_back_ratio(w: RepWindow, signal: np.ndarray, body: Body) -> tuple[float, int]:
    """Early in the descent, backward hip travel divided by the shoulders' drop (image).

    A hinge starts at the hip crease: the hips slide back while the chest lowers. Dropping the
    chest over still hips gives a ratio near zero.
    """
    halfway = w.top_level + 0.5 * (w.depth - w.top_level)
    reached = np.flatnonzero(signal[w.start : w.bottom + 1] >= halfway)
    if reached.size == 0:
        return float("nan"), w.start
    k = w.start + int(reached[0])
    hip = body.mid(body.px, "hip")
    shoulder = body.mid(body.px, "shoulder")
    back = -body.facing * (hip[k, 0] - hip[w.start, 0])
    drop = shoulder[k, 1] - shoulder[w.start, 1]
    if not np.isfinite(back) or not np.isfinite(drop) or drop <= 1.0:
        return float("nan"), k
    return float(back / drop), k


def _free_foot_down(
    w: RepWindow, t: np.ndarray, signal: np.ndarray, body: Body
) -> tuple[float, int]:
    """Seconds the free foot is on the floor while the lifter is well into the rep (a tap
    between reps is allowed, so only the part below a third of the depth counts)."""
    from formcheck.signals.measures import free_foot_height

    deep = signal[w.start : w.end + 1] >= w.top_level + (w.depth - w.top_level) / 3
    height = free_foot_height(body)[w.start : w.end + 1]
    down = deep & (height < FOOT_DOWN_HEIGHT)
    if not np.isfinite(height[deep]).any():
        return float("nan"), w.bottom
    dt = float(np.median(np.diff(t)))
    frame = w.start + int(np.argmax(down)) if down.any() else w.bottom
    return float(down.sum() * dt), frame


def _standing_foot_travel(w: RepWindow, body: Body) -> tuple[float, int]:
    """Furthest the standing ankle moves from where it was at the start of the rep."""
    ankle = body.stand(body.px, "ankle")[w.start : w.end + 1]
    travel = g.norm(ankle - ankle[0]) / body.leg_length_px()
    if not np.isfinite(travel).any():
        return float("nan"), w.start
    i = int(np.nanargmax(travel))
    return float(travel[i]), w.start + i
