"""Which leg stands, which side is near the camera, and how far a foot is off the floor.

A single-leg hinge holds the free foot up; the standing leg is the one whose ankle stays low
(read per rep, and frame by frame where the pose model swaps the legs' labels). Two-footed
lifts have no standing leg and read the side nearer the camera.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from formcheck.pose.landmarks import Landmark as L
from formcheck.signals.measures import BodySides
from formcheck.types import LEGS, PoseSequence

if TYPE_CHECKING:
    from formcheck.reps.segment import RepWindow


def _ankle_drop(seq: PoseSequence, frames: slice) -> dict[str, float]:
    """Mean world-y (down) of each ankle in ``frames``: the standing ankle is the lower one."""
    return {
        leg: float(np.nanmean(seq.world_xyz[frames, L[f"{leg.upper()}_ANKLE"], 1])) for leg in LEGS
    }


def leg_length_m(seq: PoseSequence) -> float:
    """Median length of the left leg (hip-knee-ankle) in metres, from the world landmarks."""
    w3 = seq.world_xyz
    return float(
        np.nanmedian(
            np.linalg.norm(w3[:, L.LEFT_HIP] - w3[:, L.LEFT_KNEE], axis=1)
            + np.linalg.norm(w3[:, L.LEFT_KNEE] - w3[:, L.LEFT_ANKLE], axis=1)
        )
    )


def foot_lift(seq: PoseSequence, frames: slice, leg_m: float) -> float:
    """How far one ankle is above the other in ``frames``, in leg lengths (a single-leg
    hinge lifts the free foot; a two-footed one keeps both down)."""
    drop = _ankle_drop(seq, frames)
    return abs(drop["left"] - drop["right"]) / leg_m


# A single-leg rep holds the free foot up for a while somewhere in the rep; getting into
# position keeps both feet down throughout. The lift is read as the most it stays for this
# long, so a jittery frame or a quick step cannot make a set-up a rep, and a fast descent
# whose free leg rises late cannot make a rep a set-up (the "bottom" zone alone missed it).
FOOT_LIFT_HOLD_S = 0.4


def held_ankle_gap(seq: PoseSequence, frames: slice, leg_m: float = 1.0) -> float:
    """How far the left ankle is below the right one (leg lengths; negative: the right is
    lower), as most held for ``FOOT_LIFT_HOLD_S`` within ``frames``: the median over each
    such stretch, the stretch of the largest gap kept. NaN when the ankles are not seen
    long enough."""
    y = seq.world_xyz[frames]
    gap = (y[:, L.LEFT_ANKLE, 1] - y[:, L.RIGHT_ANKLE, 1]) / leg_m  # world y points down
    t = seq.t[frames]
    step = float(np.median(np.diff(t))) if len(t) > 1 else 1.0
    hold = max(1, int(round(FOOT_LIFT_HOLD_S / step)))
    if len(gap) < hold:
        return float("nan")
    stretches = np.lib.stride_tricks.sliding_window_view(gap, hold)
    seen = np.isfinite(stretches).sum(axis=1) >= (hold + 1) // 2
    if not seen.any():
        return float("nan")
    with np.errstate(all="ignore"):
        medians = np.nanmedian(stretches[seen], axis=1)
    return float(medians[np.argmax(np.abs(medians))])


def held_foot_lift(seq: PoseSequence, frames: slice, leg_m: float) -> float:
    """How far one ankle stays above the other within ``frames``, in leg lengths."""
    return abs(held_ankle_gap(seq, frames, leg_m))


def lower_ankle_leg(seq: PoseSequence, frames: slice) -> str | None:
    """The leg whose ankle is lower in ``frames`` (the standing one), None if unseen."""
    drop = _ankle_drop(seq, frames)
    if not all(np.isfinite(v) for v in drop.values()):
        return None
    return max(drop, key=drop.get)


def standing_leg(seq: PoseSequence, w: RepWindow, t: np.ndarray) -> str | None:
    """The leg whose ankle stays lower while the other foot is held up in the rep (its
    deepest part alone can come before a late free leg rises)."""
    gap = held_ankle_gap(seq, w.frames("rep", t))
    if not np.isfinite(gap) or gap == 0:
        return lower_ankle_leg(seq, w.frames("bottom", t))
    return "left" if gap > 0 else "right"


def loaded_hand_left(left_stands: np.ndarray, bell_hand: str) -> np.ndarray:
    """(T,) True where the left hand holds the weight, from the exercise's ``bell_hand``."""
    if bell_hand == "standing_side":
        return left_stands
    if bell_hand == "opposite_side":
        return ~left_stands
    return np.full(len(left_stands), bell_hand == "left")


def _nearest_rep(t: np.ndarray, windows: list[RepWindow]) -> np.ndarray:
    """(T,) index of the rep whose bottom is nearest in time to each frame."""
    centres = np.array([t[w.bottom] for w in windows])
    return np.abs(t[:, None] - centres[None, :]).argmin(axis=1)


def _left_foot_stands(
    seq: PoseSequence, windows: list[RepWindow], rep_left: np.ndarray
) -> np.ndarray:
    """(T,) True where the left foot is the standing one, decided frame by frame by which foot
    is at the standing foot's place. Side-on, the pose model sometimes swaps the legs' labels
    for a stretch of a rep; the foot that stays put is the standing one whatever its label."""
    px = seq.pixel_xy
    left, right = px[:, L.LEFT_ANKLE], px[:, L.RIGHT_ANKLE]
    lower = np.where((left[:, 1] >= right[:, 1])[:, None], left, right)  # image y is down
    homes = np.array([np.nanmedian(lower[w.start : w.end + 1], axis=0) for w in windows])
    home = homes[_nearest_rep(seq.t, windows)]
    d_left = np.linalg.norm(left - home, axis=1)
    d_right = np.linalg.norm(right - home, axis=1)
    shin = np.nanmedian(np.linalg.norm(px[:, L.LEFT_KNEE] - px[:, L.LEFT_ANKLE], axis=1))
    # Feet together (between reps) or a foot not found: keep the rep's standing leg.
    clear = np.abs(d_left - d_right) > 0.25 * shin
    return np.where(clear, d_left < d_right, rep_left)


def sides_per_frame(
    seq: PoseSequence,
    windows: list[RepWindow],
    legs: list[str | None],
    fallback: str,
    bell_hand: str,
) -> BodySides:
    """The standing leg per frame (by where the feet are) and the loaded hand. Where the
    feet say the leg labels are swapped, the pose model has mirrored the whole body (it took
    the lifter to face the other way), so the arms' labels are swapped there too."""
    t = seq.t
    rep_left = np.full(len(t), fallback == "left")
    if windows:
        per_rep = np.array([(leg or fallback) == "left" for leg in legs])
        rep_left = per_rep[_nearest_rep(t, windows)]
    left = _left_foot_stands(seq, windows, rep_left) if windows else rep_left
    hand = loaded_hand_left(rep_left, bell_hand)
    mirrored = left != rep_left
    return BodySides(left_stands=left, left_hand_loaded=np.where(mirrored, ~hand, hand))


def near_side_sides(seq: PoseSequence) -> BodySides:
    """Two-footed lifts have no standing leg: "standing" and "bell" measures then read the
    side nearer the camera, which a side view shows unoccluded. MediaPipe's world z is
    smaller toward the camera."""
    z = seq.world_xyz[:, :, 2]
    pairs = [
        ("LEFT_HIP", "RIGHT_HIP"),
        ("LEFT_SHOULDER", "RIGHT_SHOULDER"),
        ("LEFT_KNEE", "RIGHT_KNEE"),
    ]
    diff = np.concatenate([z[:, L[a]] - z[:, L[b]] for a, b in pairs])
    left_near = not (np.nanmedian(diff) > 0) if np.isfinite(diff).any() else True
    flags = np.full(len(seq.t), left_near)
    return BodySides(left_stands=flags, left_hand_loaded=flags.copy())


def other_leg(leg: str | None) -> str | None:
    return {"left": "right", "right": "left"}.get(leg) if leg else None
