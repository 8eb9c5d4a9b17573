"""Kettlebell Romanian deadlift (seed 004), clean or with one fault at a known magnitude;
faults, magnitudes, posture and tempo as in tools/synth/exercises/romanian_deadlift.py.

Clean: fairly straight legs with a soft knee bend (18 deg), the hips travel back, the trunk
goes to 75 deg and the bell slides down close in front of the thighs and shins.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from formcheck.types import PoseSequence

from . import hinge_plan
from .arms import pitch_to_reach, world_arm
from .bilateral import Arms, motion_of, solve, wrists_mid
from .filming import filmed
from .kb_deadlift import ELBOW_DEG, handle_adduction
from .skeleton import Body, Motion, Posed
from .sldl import RepTruth
from .timeline import rep_faults

FAULTS: dict[str, tuple[float, str]] = {
    "knees_too_bent": (60.0, "deg"),  # knee flexion at the bottom (the trunk then reaches 60)
    "spine_round": (35.0, "deg"),  # lumbar + thoracic flexion at the bottom
    "gaze_not_neutral": (70.0, "deg"),  # neck extension through the rep
    "arms_bent": (45.0, "deg"),  # elbow flexion through the rep
    "incomplete_lockout": (25.0, "deg"),  # trunk still this far forward at the top
    # Not among the renderer's Romanian deadlift faults, but formcheck judges it here too;
    # the same heel rise as the deadlift's.
    "heel_lift": (0.04, "m"),
}
TEMPO = dict(descent=1.5, pause=0.3, ascent=1.2, finish=0.5, rest=0.3, lead=0.5, tail=0.5)
CLEAN = dict(trunk_top=1.0, trunk_bottom=75.0, knee_top=4.0, knee_bottom=18.0)
KNEES_BENT_TRUNK_DEG = 60.0  # more knee, less hinge
STANCE_ABDUCTION_DEG = 4.0
BELL_KG = 16.0
LEG_CLEARANCE_M = 0.12  # the hands slide this far in front of the leg line


def legs_front(posed: Posed, ahead: np.ndarray):
    """How far (m) a wrist is ahead of the point just in front of the legs at its height (the
    thigh above the knees, the shin below)."""
    j = posed.joints
    ankle = (j["left_ankle"] + j["right_ankle"]) / 2
    knee = (j["left_knee"] + j["right_knee"]) / 2
    hip = j["pelvis"]

    def miss(wrist: np.ndarray) -> np.ndarray:
        z = wrist[:, 2]
        up = np.clip((z - knee[:, 2]) / (hip[:, 2] - knee[:, 2]), 0.0, 1.5)
        lo = np.clip((z - ankle[:, 2]) / (knee[:, 2] - ankle[:, 2]), 0.0, 1.0)
        line = np.where(
            z > knee[:, 2],
            knee[:, 0] + (hip[:, 0] - knee[:, 0]) * up,
            ankle[:, 0] + (knee[:, 0] - ankle[:, 0]) * lo,
        )
        return wrist[:, 0] - (line + LEG_CLEARANCE_M + ahead)

    return miss


def rdl_arms(p: dict[str, np.ndarray]):
    def arms(body: Body, posed: Posed) -> Arms:
        abd = np.full(len(p["elbow"]), handle_adduction(body))
        elbow = ELBOW_DEG + p["elbow"]
        out = {}
        for side in ("left", "right"):
            sh = posed.joints[f"{side}_shoulder"]
            pitch = pitch_to_reach(body, side, sh, abd, elbow, legs_front(posed, p["bell_ahead"]))
            out[side] = (world_arm(side, pitch, abd), elbow)
        return out

    return arms


def romanian_deadlift_motion(
    *,
    reps: int = 3,
    fault: str | None = None,
    magnitude: float | None = None,
    fault_reps: Sequence[int] | None = None,
    fps: float = 30.0,
    height_m: float = 1.75,
    lead_in_s: float | None = None,
) -> tuple[Motion, list[RepTruth]]:
    """The noise-free body of :func:`romanian_deadlift_sequence`, in the ground frame."""
    plan = rep_faults(reps, fault, magnitude, fault_reps, FAULTS)
    tempo = dict(TEMPO, lead=TEMPO["lead"] if lead_in_s is None else lead_in_s)
    tl = hinge_plan.timeline(plan, fps, tempo)
    fr = tl.frames()
    p = hinge_plan.plan(fr, CLEAN, plan)
    for i, (f, _) in enumerate(plan):
        if f == "knees_too_bent":
            p["trunk_bottom"][fr.rep == i] = KNEES_BENT_TRUNK_DEG
    posed, angles, _ = solve(
        Body.adult(height_m),
        hinge_plan.posture(fr, p),
        rdl_arms(p),
        stance_abduction_deg=STANCE_ABDUCTION_DEG,
        load_kg=BELL_KG,
        load_point=wrists_mid,
    )
    return motion_of(fr.t, posed, angles), hinge_plan.truths(tl, plan)


def romanian_deadlift_sequence(**options: Any) -> tuple[PoseSequence, list[RepTruth]]:
    """A kettlebell Romanian deadlift as MediaPipe would see it, with its per-rep truth.
    Magnitudes and units are in ``FAULTS``; a fault shows only in ``fault_reps``. Options: the
    filming ones of :func:`filming.filmed`, the rest as :func:`romanian_deadlift_motion`."""
    return filmed(romanian_deadlift_motion, **options)
