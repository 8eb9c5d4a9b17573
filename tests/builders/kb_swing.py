"""Two-hand kettlebell swing (seed 004), clean or with one fault at a known magnitude; faults,
magnitudes, posture and tempo as in tools/synth/exercises/kb_swing.py.

A rep: the backswing (0.6 s) folds into a full hinge (trunk 65 deg, knees 30 deg) with the
hands back between the legs; the hip snap (0.45 s) stands to a plank (shoulders, hips and
knees in line) while the straight arms swing the bell forward; the bell floats up to chest
height (0.45 s), then falls into the next backswing. After the last rep the bell settles.
In the truth, ``bottom_s`` is the end of the backswing and ``end_s`` the end of the float.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from formcheck.types import PoseSequence

from . import hinge_plan
from .arms import world_arm
from .bilateral import Arms, motion_of, solve, wrists_mid
from .filming import filmed
from .kb_deadlift import ELBOW_DEG, handle_adduction
from .skeleton import Body, Motion, Posed
from .sldl import RepTruth
from .timeline import Frames, Timeline, min_jerk, ramp_after, rep_faults

FAULTS: dict[str, tuple[float, str]] = {
    "arm_lift": (60.0, "deg"),  # elbow flexion while the bell floats (lifting with the arms)
    "top_not_plank": (15.0, "deg"),  # trunk behind vertical at the top
    "squat_swing": (85.0, "deg"),  # knee flexion at the bottom; the trunk reaches only 35
    "spine_round": (35.0, "deg"),  # lumbar + thoracic flexion at the bottom
}
TEMPO = dict(back=0.6, snap=0.45, float=0.45, lead=0.6, settle=0.9, tail=0.4)
PARK = dict(back=0.6, set_down=0.6, stand=0.9)  # parking the bell after the last swing
PARK_ARM_DEG = 20.0  # arm angle as the bell is set down ahead of the feet
CLEAN = dict(trunk_top=0.0, trunk_bottom=65.0, knee_top=6.0, knee_bottom=30.0)
# Arm angle from hanging, forward positive: hanging, back between the legs, at lockout of the
# hips, at the top of the float.
ARM = dict(hang=2.0, bottom=-32.0, lock=35.0, peak=82.0)
ARM_LIFT_PEAK_DEG = 15.0  # lifting with the arms also takes the bell higher
SQUAT_TRUNK_DEG = 35.0
STANCE_ABDUCTION_DEG = 11.0
SWUNG_KG = 8.0  # the swinging 16 kg bell, as the renderer balances it: half its weight


def timeline(reps: int, fps: float, tempo: dict[str, float], park: bool = False) -> Timeline:
    tl = Timeline(fps)
    tl.add("rest", tempo["lead"], 0, 0)
    for i in range(reps):
        tl.add("descent", tempo["back"], 0, 1, i)
        tl.add("ascent", tempo["snap"], 1, 0, i)
        tl.add("float", tempo["float"], 0, 0, i)
    if park:
        tl.add("park_back", PARK["back"], 0, 1)
        tl.add("set_down", PARK["set_down"], 1, 1)
        tl.add("stand", PARK["stand"], 1, 0)
    else:
        tl.add("settle", tempo["settle"], 0, 0)
    tl.add("rest", tempo["tail"], 0, 0)
    return tl


def arm_track(fr: Frames, peak_add: np.ndarray) -> np.ndarray:
    """Arm angle per frame. Each phase starts where the last one ended, so a higher float
    (arm_lift) comes down smoothly in the next backswing."""
    a = np.full(len(fr.t), ARM["hang"])
    last = start = ARM["hang"]
    for k in range(len(fr.t)):
        ph, u = fr.phase[k], fr.u[k]
        if k == 0 or fr.phase[k - 1] != ph:
            start = last
        if ph == "descent":
            a[k] = start + (ARM["bottom"] - start) * min_jerk(u)
        elif ph == "ascent":
            a[k] = ARM["bottom"] + (ARM["lock"] - ARM["bottom"]) * min_jerk(u) ** 0.8
        elif ph == "float":
            top = ARM["peak"] + peak_add[k]
            a[k] = ARM["lock"] + (top - ARM["lock"]) * np.sin(np.pi / 2 * min(u / 0.8, 1.0))
        elif ph == "settle" or ph == "stand":
            a[k] = start + (ARM["hang"] - start) * min_jerk(u)
        elif ph == "park_back":
            a[k] = start + (ARM["bottom"] - start) * min_jerk(u)
        elif ph == "set_down":
            a[k] = start + (PARK_ARM_DEG - start) * min_jerk(u)
        else:
            a[k] = last
        last = a[k]
    return a


def _params(fr: Frames, plan) -> dict[str, np.ndarray]:
    n = len(fr.t)
    p = {k: np.full(n, float(v)) for k, v in CLEAN.items()}
    for k in ("spine_flex", "neck_flex", "elbow", "heel_lift", "hips_first", "trunk_add"):
        p[k] = np.zeros(n)
    p["peak_add"] = np.zeros(n)
    s, ph, u = fr.s, fr.phase, fr.u
    for i, (f, mag) in enumerate(plan):
        m = fr.rep == i
        if f == "arm_lift":
            k = m & np.isin(ph, ["ascent", "float"])
            w = np.where(ph == "ascent", min_jerk(u), 1.0)
            # Unlike the renderer (a one-frame drop) the elbow straightens in the next phase.
            p["elbow"] += mag * ramp_after(fr, k) * np.where(k, w, 1.0)
            p["peak_add"][m & (ph == "float")] = ARM_LIFT_PEAK_DEG
        elif f == "top_not_plank":
            k = m & (ph == "float")
            p["trunk_add"][k] = -mag * np.sin(np.pi * np.clip(u[k] / 0.9, 0.0, 1.0))
        elif f == "squat_swing":
            p["knee_bottom"][m] = mag
            p["trunk_bottom"][m] = SQUAT_TRUNK_DEG
        elif f == "spine_round":
            p["spine_flex"][m] = mag * s[m]
    return p


def swing_arms(p: dict[str, np.ndarray], arm: np.ndarray):
    def arms(body: Body, posed: Posed) -> Arms:
        abd = np.full(len(arm), handle_adduction(body))
        elbow = ELBOW_DEG + p["elbow"]
        return {side: (world_arm(side, arm, abd), elbow) for side in ("left", "right")}

    return arms


def kb_swing_motion(
    *,
    reps: int = 3,
    fault: str | None = None,
    magnitude: float | None = None,
    fault_reps: Sequence[int] | None = None,
    fps: float = 30.0,
    height_m: float = 1.75,
    lead_in_s: float | None = None,
    snap_s: float | None = None,
    park: bool = False,
) -> tuple[Motion, list[RepTruth]]:
    """The noise-free body of :func:`kb_swing_sequence`, in the ground frame."""
    plan = rep_faults(reps, fault, magnitude, fault_reps, FAULTS)
    tempo = dict(TEMPO)
    tempo["lead"] = tempo["lead"] if lead_in_s is None else lead_in_s
    tempo["snap"] = tempo["snap"] if snap_s is None else snap_s
    tl = timeline(reps, fps, tempo, park)
    fr = tl.frames()
    p = _params(fr, plan)
    posture = hinge_plan.posture(fr, p)
    posture["trunk"] = posture["trunk"] + p["trunk_add"]
    posed, angles, _ = solve(
        Body.adult(height_m),
        posture,
        swing_arms(p, arm_track(fr, p["peak_add"])),
        stance_abduction_deg=STANCE_ABDUCTION_DEG,
        load_kg=SWUNG_KG,
        load_point=wrists_mid,
    )
    return motion_of(fr.t, posed, angles), hinge_plan.truths(tl, plan)


def kb_swing_sequence(**options: Any) -> tuple[PoseSequence, list[RepTruth]]:
    """A kettlebell swing as MediaPipe would see it, with its per-rep truth. Magnitudes and
    units are in ``FAULTS``; a fault shows only in ``fault_reps``. Options: the filming ones of
    :func:`filming.filmed`, the rest as :func:`kb_swing_motion` (``snap_s`` sets how long the
    hips take to extend, default 0.45 s; ``park`` ends the set parking the bell)."""
    return filmed(kb_swing_motion, **options)
