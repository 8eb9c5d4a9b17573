"""Kettlebell deadlift from the floor, bell between the feet (seed 004), clean or with one
fault at a known magnitude; faults, magnitudes, posture and tempo as in
tools/synth/exercises/kb_deadlift.py.

Clean: feet a little wider than the hips, both hands on the handle over mid-foot, straight arms,
neutral spine and gaze, knees to 95 deg; each rep the trunk goes as deep as it takes for the
hands to reach the handle of a bell standing on the floor; stand until knees and hips are
stacked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from formcheck.types import PoseSequence

from . import hinge_plan
from .arms import pitch_to_reach, world_arm
from .balance import bisect
from .bilateral import Arms, motion_of, solve, wrists_mid
from .filming import filmed
from .skeleton import Body, Motion, Posed
from .sldl import RepTruth
from .timeline import Frames, rep_faults

FAULTS: dict[str, tuple[float, str]] = {
    "spine_round": (35.0, "deg"),  # lumbar + thoracic flexion at the bottom
    "gaze_not_neutral": (70.0, "deg"),  # neck extension (looking up) through the rep
    "bell_position": (0.15, "m"),  # hands this far ahead of mid-foot at the bottom
    "arms_bent": (70.0, "deg"),  # elbow flexion through the rep
    "incomplete_lockout": (25.0, "deg"),  # trunk still this far forward at the top
    "hips_rise_first": (0.5, "fraction"),  # share of the ascent in which the knees extend first
    "heel_lift": (0.04, "m"),  # heels off the floor at the bottom
    # Knee flexion at the bottom of a pull lifted by squatting: the hips drop, the trunk stays
    # as upright as the hands reaching the handle allow (solved, about 25 deg).
    "squat_not_hinge": (130.0, "deg"),
}
TEMPO = dict(descent=1.2, pause=0.4, ascent=1.2, finish=0.5, rest=0.3, lead=0.5, tail=0.5)
CLEAN = dict(trunk_top=1.0, trunk_bottom=50.0, knee_top=4.0, knee_bottom=95.0)
STANCE_ABDUCTION_DEG = 8.0
BELL_KG = 16.0
HANDLE_HEIGHT_M = 0.215  # handle of a bell standing on the floor
WRIST_ABOVE_GRIP_M = 0.045  # the wrist landmark sits this far above the middle of the palm
ELBOW_DEG = 4.0  # straight arms, not locked
GRIP_HALF_WIDTH_M = 0.05  # each wrist this far from the midline: both hands on one handle
THIGH_CLEARANCE_M = 0.13  # above the knees the hands pass this far in front of the thighs
MIDFOOT_M = 0.05  # the bell hangs this far ahead of the ankles


def handle_adduction(body: Body) -> float:
    """Arm adduction (negative abduction) that brings both hands onto one handle."""
    reach = body.upper_arm + body.forearm
    return -math.degrees(math.asin((body.shoulder_half_width - GRIP_HALF_WIDTH_M) / reach))


def bell_path(posed: Posed, ahead: np.ndarray):
    """How far (m) a wrist is ahead of where the bell should be: over mid-foot, and in front of
    the thighs while the hands are above the knees; ``ahead`` moves the target forward."""
    j = posed.joints
    ankle = (j["left_ankle"] + j["right_ankle"]) / 2
    knee = (j["left_knee"] + j["right_knee"]) / 2
    hip = j["pelvis"]

    def miss(wrist: np.ndarray) -> np.ndarray:
        z = wrist[:, 2]
        mid = ankle[:, 0] + MIDFOOT_M
        up = np.clip((z - knee[:, 2]) / (hip[:, 2] - knee[:, 2]), 0.0, 1.5)
        thigh_x = knee[:, 0] + (hip[:, 0] - knee[:, 0]) * up
        w = np.clip((z - knee[:, 2]) / 0.08, 0.0, 1.0)  # thigh clearance blends in above the knee
        target = mid + w * (np.maximum(mid, thigh_x + THIGH_CLEARANCE_M) - mid) + ahead
        return wrist[:, 0] - target

    return miss


def bell_arms(p: dict[str, np.ndarray], path=bell_path):
    """Both hands on the handle, arms hanging to the bell's path, elbows ``4 + elbow``."""

    def arms(body: Body, posed: Posed) -> Arms:
        abd = np.full(len(p["elbow"]), handle_adduction(body))
        elbow = ELBOW_DEG + p["elbow"]
        out = {}
        for side in ("left", "right"):
            sh = posed.joints[f"{side}_shoulder"]
            pitch = pitch_to_reach(body, side, sh, abd, elbow, path(posed, p["bell_ahead"]))
            out[side] = (world_arm(side, pitch, abd), elbow)
        return out

    return arms


def solve_depth(body: Body, fr: Frames, p: dict[str, np.ndarray]) -> None:
    """Per rep, the bottom trunk angle at which the hands reach the handle on the floor (the
    renderer solves the same)."""
    reps = sorted(set(fr.rep[fr.rep >= 0].tolist()))
    firsts = [int(np.flatnonzero((fr.rep == i) & (fr.s >= 1.0))[0]) for i in reps]
    one = {k: v[firsts].copy() for k, v in p.items()}
    k = len(firsts)
    bottom = np.full(k, "pause", dtype=object)
    f1 = Frames(fr.t[firsts], np.ones(k), fr.rep[firsts], bottom, np.zeros(k), fr.start[firsts])
    target = HANDLE_HEIGHT_M + WRIST_ABOVE_GRIP_M

    def too_high(trunk: np.ndarray) -> np.ndarray:
        q = dict(one, trunk_bottom=trunk)
        posed, _, _ = solve(
            body,
            hinge_plan.posture(f1, q),
            bell_arms(q),
            stance_abduction_deg=STANCE_ABDUCTION_DEG,
            load_kg=BELL_KG,
            load_point=wrists_mid,
        )
        return target - wrists_mid(posed)[:, 2]

    depth = bisect(too_high, np.full(len(reps), 10.0), np.full(len(reps), 88.0), iters=8)
    for i, d in zip(reps, depth):
        p["trunk_bottom"][fr.rep == i] = d


def kb_deadlift_motion(
    *,
    reps: int = 3,
    fault: str | None = None,
    magnitude: float | None = None,
    fault_reps: Sequence[int] | None = None,
    fps: float = 30.0,
    height_m: float = 1.75,
    lead_in_s: float | None = None,
) -> tuple[Motion, list[RepTruth]]:
    """The noise-free body of :func:`kb_deadlift_sequence`, in the ground frame."""
    plan = rep_faults(reps, fault, magnitude, fault_reps, FAULTS)
    tempo = dict(TEMPO, lead=TEMPO["lead"] if lead_in_s is None else lead_in_s)
    tl = hinge_plan.timeline(plan, fps, tempo)
    fr = tl.frames()
    body = Body.adult(height_m)
    p = hinge_plan.plan(fr, CLEAN, plan)
    solve_depth(body, fr, p)
    posed, angles, _ = solve(
        body,
        hinge_plan.posture(fr, p),
        bell_arms(p),
        stance_abduction_deg=STANCE_ABDUCTION_DEG,
        load_kg=BELL_KG,
        load_point=wrists_mid,
    )
    return motion_of(fr.t, posed, angles), hinge_plan.truths(tl, plan)


def kb_deadlift_sequence(**options: Any) -> tuple[PoseSequence, list[RepTruth]]:
    """A kettlebell deadlift as MediaPipe would see it, with its per-rep truth. Magnitudes and
    units are in ``FAULTS``; a fault shows only in ``fault_reps`` (default: every rep).
    Options: the filming ones of :func:`filming.filmed` (view, facing, seed, noise_px,
    drop_frames), the rest as :func:`kb_deadlift_motion` (reps, fault, magnitude, fault_reps,
    fps, height_m, lead_in_s)."""
    return filmed(kb_deadlift_motion, **options)
