"""Getting into position is not a rep: picking the bell up on two feet, hiking or parking it.

A down-and-up cycle found by the rep signal is dropped here, with a warning that says why,
when a single-leg exercise kept both feet down or a swing never brought the bell up.
"""

from __future__ import annotations

import numpy as np

from formcheck.exercises.registry import Exercise
from formcheck.reps.metrics import peak_between
from formcheck.reps.segment import RepWindow
from formcheck.signals.measures import Body, compute_measures
from formcheck.signals.sides import held_foot_lift, leg_length_m, near_side_sides
from formcheck.types import PoseSequence


def setup_reason(
    seq: PoseSequence, w: RepWindow, exercise: Exercise, view: str, leg_m: float | None = None
) -> str | None:
    """Why a down-and-up cycle was getting into position rather than a rep, or None for a
    rep. Either test needs its landmarks seen: an unseen foot or hand keeps the rep."""
    # From behind, MediaPipe does not lift the free foot that reaches back into depth (on
    # rendered clips it stayed within 0.05 leg lengths of the floor), so there the foot test
    # would throw away every rep; it is skipped and set-up hinges may count.
    if exercise.single_leg and view != "back":
        leg_m = leg_length_m(seq) if leg_m is None else leg_m
        lift = held_foot_lift(seq, w.frames("rep", seq.t), leg_m)
        if np.isfinite(lift) and lift < exercise.min_free_foot_height:
            return "kept both feet down"
    if exercise.min_bell_height is not None:
        height = bell_rise(seq, w)
        if np.isfinite(height) and height < exercise.min_bell_height:
            return "never brought the bell above the hips (hiking or parking it)"
    return None


def bell_rise(seq: PoseSequence, w: RepWindow) -> float:
    """The highest the hands came from leaving the bottom to the end of the finish, as
    ``bell_height`` measures it (shoulder heights above the hips)."""
    body = Body(seq, near_side_sides(seq), facing=1)
    height = compute_measures(body, ["bell_height"])["bell_height"]
    return peak_between(height, w.leave, w.lockout_end)[0]


def drop_setup_cycles(
    seq: PoseSequence,
    windows: list[RepWindow],
    legs: list[str | None],
    exercise: Exercise,
    view: str,
    warnings: list[str],
) -> tuple[list[RepWindow], list[str | None]]:
    """A single-leg rep lifts the free foot and a swing brings the bell up; a hinge on two
    feet (picking the bell up) or a cycle that leaves the bell low (hiking it into place,
    parking it) is getting into position and is not counted."""
    leg = leg_length_m(seq) if exercise.single_leg else None
    kept_w, kept_l = [], []
    for w, side in zip(windows, legs):
        reason = setup_reason(seq, w, exercise, view, leg)
        if reason:
            warnings.append(
                f"a hinge at {seq.t[w.bottom]:.1f} s {reason}: treated as getting into"
                " position, not counted as a rep"
            )
            continue
        kept_w.append(w)
        kept_l.append(side)
    return kept_w, kept_l
