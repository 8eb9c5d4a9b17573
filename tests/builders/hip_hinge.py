"""Hip-hinge drills (seed 004), clean or with one fault at a known magnitude; faults,
magnitudes, posture and tempo as in tools/synth/exercises/hip_hinge.py.

``variant="stick"``: a stick held along the back, the right hand gripping it above the head,
the left at the lower back, touching the sacrum, the upper back and the back of the head.
``variant="band"``: a band round the hips pulls them back; the arms hang relaxed.
Both fold at the hips with soft knees (~20 deg) to a 60 deg trunk and back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from formcheck.types import PoseSequence

from . import hinge_plan
from .arms import reach, world_arm
from .bilateral import Arms, motion_of, solve
from .filming import filmed
from .skeleton import Body, Motion, Posed
from .sldl import RepTruth
from .timeline import rep_faults

FAULTS: dict[str, tuple[float, str]] = {
    "spine_not_neutral": (30.0, "deg"),  # lumbar + thoracic flexion at the bottom
    "gaze_not_neutral": (30.0, "deg"),  # neck extension (looking up) through the rep
    "squat_not_hinge": (70.0, "deg"),  # knee flexion at the bottom; the trunk reaches only 35
    "heel_lift": (0.04, "m"),  # heels off the floor at the bottom
    "hips_rise_first": (0.5, "fraction"),  # band: knees straighten in this share of the ascent
}
VARIANT_FAULTS = {
    "stick": ("spine_not_neutral", "gaze_not_neutral", "squat_not_hinge", "heel_lift"),
    "band": ("hips_rise_first", "spine_not_neutral", "squat_not_hinge"),
}
TEMPO = dict(descent=2.0, pause=0.5, ascent=1.5, finish=0.4, rest=0.3, lead=0.5, tail=0.5)
CLEAN = dict(trunk_top=0.0, trunk_bottom=60.0, knee_top=6.0, knee_bottom=20.0)
STANCE_ABDUCTION_DEG = {"stick": 6.0, "band": 5.0}
CAMERA_HEIGHT_M = {"stick": 1.0, "band": 0.9}  # raised for the stick above the head

# The stick lies on the back: this far (per metre of height) behind the spine's joint centres.
BACK_DEPTH = 0.10 / 1.75
STICK_TOP = 0.46  # top hand this far (per metre of height) up the stick from the sacrum
STICK_LOW = 0.06 / 1.75  # lower hand this far up from the sacrum
HAND_OFF_STICK_M = 0.03  # the hands hold the stick, the wrists sit this far behind its line
BAND_ARM = dict(pitch=0.0, abduction=7.0, elbow=12.0)  # relaxed arms in the band drill


def stick_line(posed: Posed, body: Body) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sacrum contact, unit direction up the stick, and the backward normal (N, 3) each: the
    line from the sacrum's back to the upper back's."""
    j, f = posed.joints, posed.frames
    depth = BACK_DEPTH * body.height_m
    sacrum = j["sacrum"] - depth * f["pelvis"][..., :, 0]
    upper = j["l1"] + 0.6 * (j["c7"] - j["l1"]) - depth * f["thorax"][..., :, 0]
    d = upper - sacrum
    d /= np.linalg.norm(d, axis=-1, keepdims=True)
    back = -f["thorax"][..., :, 0]
    return sacrum, d, back


def head_gap(posed: Posed, body: Body) -> np.ndarray:
    """How far (m) the back of the head is from the stick line (0 = touching)."""
    sacrum, d, _ = stick_line(posed, body)
    head = posed.joints["head"] - BACK_DEPTH * body.height_m * posed.frames["head"][..., :, 0]
    v = head - sacrum
    return np.linalg.norm(v - np.sum(v * d, -1, keepdims=True) * d, axis=-1)


def stick_arms(body: Body, posed: Posed) -> Arms:
    """Hands on the stick, solved standing (first frame) and then carried by the upper back."""
    first = Posed(
        posed.landmarks[:1],
        {k: v[:1] for k, v in posed.joints.items()},
        {k: v[:1] for k, v in posed.frames.items()},
    )
    sacrum, d, back = stick_line(first, body)
    thorax0 = first.frames["thorax"]
    lateral, up = thorax0[..., :, 1], thorax0[..., :, 2]
    grips = {
        "right": (STICK_TOP * body.height_m, -lateral + up),  # elbow out and up
        "left": (STICK_LOW * body.height_m, lateral - 0.5 * thorax0[..., :, 0]),  # out, back
    }
    n = len(posed.joints["pelvis"])
    out = {}
    for side, (along, pole) in grips.items():
        target = sacrum + along * d + HAND_OFF_STICK_M * back
        arm0, elbow = reach(body, first.joints[f"{side}_shoulder"], target, pole)
        in_thorax = np.swapaxes(thorax0, -1, -2) @ arm0
        out[side] = (posed.frames["thorax"] @ in_thorax, np.full(n, elbow[0]))
    return out


def band_arms(body: Body, posed: Posed) -> Arms:
    n = len(posed.joints["pelvis"])
    pitch, abd = np.full(n, BAND_ARM["pitch"]), np.full(n, BAND_ARM["abduction"])
    elbow = np.full(n, BAND_ARM["elbow"])
    return {side: (world_arm(side, pitch, abd), elbow) for side in ("left", "right")}


def hip_hinge_motion(
    *,
    variant: str = "stick",
    reps: int = 3,
    fault: str | None = None,
    magnitude: float | None = None,
    fault_reps: Sequence[int] | None = None,
    fps: float = 30.0,
    height_m: float = 1.75,
    lead_in_s: float | None = None,
) -> tuple[Motion, list[RepTruth]]:
    """The noise-free body of :func:`hip_hinge_sequence`, in the ground frame."""
    if variant not in VARIANT_FAULTS:
        raise ValueError(f"variant={variant!r}; choose one of {', '.join(VARIANT_FAULTS)}")
    faults = {f: FAULTS[f] for f in VARIANT_FAULTS[variant]}
    plan = rep_faults(reps, fault, magnitude, fault_reps, faults)
    tempo = dict(TEMPO, lead=TEMPO["lead"] if lead_in_s is None else lead_in_s)
    tl = hinge_plan.timeline(plan, fps, tempo)
    fr = tl.frames()
    p = hinge_plan.plan(fr, CLEAN, plan)
    posed, angles, _ = solve(
        Body.adult(height_m),
        hinge_plan.posture(fr, p),
        stick_arms if variant == "stick" else band_arms,
        stance_abduction_deg=STANCE_ABDUCTION_DEG[variant],
    )
    return motion_of(fr.t, posed, angles), hinge_plan.truths(tl, plan)


def hip_hinge_sequence(
    *, variant: str = "stick", **options: Any
) -> tuple[PoseSequence, list[RepTruth]]:
    """A hip-hinge drill as MediaPipe would see it, with its per-rep truth, filmed from the
    variant's camera height. Faults of each variant are in ``VARIANT_FAULTS``, magnitudes and
    units in ``FAULTS``. Options: the filming ones of :func:`filming.filmed`, the rest as
    :func:`hip_hinge_motion`."""
    return filmed(
        hip_hinge_motion,
        variant=variant,
        camera_height_m=CAMERA_HEIGHT_M.get(variant, 0.9),
        **options,
    )
