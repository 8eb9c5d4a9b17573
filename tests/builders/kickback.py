"""Resistance-band one-leg kickback, bent position (seed 003), clean or with one fault at a
known magnitude; faults, magnitudes, posture and tempo as in
tools/synth/exercises/band_kickback.py.

Stand on one leg (knee soft, 15 deg), the trunk hinged to 75 deg, hands holding the band in
front of the hips. A rep: the working leg extends straight back to the trunk line (0.8 s),
holds (0.5 s), returns against the band (1.2 s). In the truth, ``bottom_s`` is when full
extension is reached. ``legs`` gives the standing leg of each rep: where it changes, the
lifter puts the working foot down beside the standing one, shifts onto it and lifts the other
(:mod:`kickback_switch`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from formcheck.types import LEGS, PoseSequence

from .filming import filmed
from .kickback_body import REST, stance, switch
from .skeleton import Body, Motion, pose
from .sldl import RepTruth
from .timeline import Frames, Timeline, min_jerk, rep_faults

FAULTS: dict[str, tuple[float, str]] = {
    "torso_too_upright": (50.0, "deg"),  # trunk this far above horizontal during the rep
    "back_arch": (20.0, "deg"),  # working thigh raised above the trunk line, lumbar extends
    "hips_rotate": (20.0, "deg"),  # pelvis turns about the trunk axis, working hip up
    "working_leg_bent": (45.0, "deg"),  # working-knee flexion at full extension
    "standing_knee_locked": (0.0, "deg"),  # standing-knee flexion (0 = straight)
    "head_up": (35.0, "deg"),  # neck extension against the trunk line
    "no_hold": (0.4, "s"),  # no pause at full extension, the return takes only this long
    "torso_moves": (20.0, "deg"),  # the trunk rises this much over the rep
}
TEMPO = dict(extend=0.8, hold=0.5, ret=1.2, rest=0.3, lead=0.6, tail=0.6, switch=2.0)
ARCH_SPINE_SHARE = 0.6  # back_arch: the lumbar spine extends 0.6 deg per degree of thigh


@dataclass(frozen=True)
class KickbackRepTruth(RepTruth):
    standing_leg: str


def timeline(plan, legs: Sequence[str], fps: float, lead_s: float) -> Timeline:
    tl = Timeline(fps)
    tl.add("rest", lead_s, 0, 0)
    for i, (fault, mag) in enumerate(plan):
        tl.add("descent", TEMPO["extend"], 0, 1, i)
        if fault == "no_hold":
            tl.add("ascent", mag, 1, 0, i)
        else:
            tl.add("pause", TEMPO["hold"], 1, 1, i)
            tl.add("ascent", TEMPO["ret"], 1, 0, i)
        if i < len(plan) - 1:
            between = "switch" if legs[i + 1] != legs[i] else "rest"
            tl.add(between, TEMPO[between], 0, 0)
    tl.add("rest", TEMPO["tail"], 0, 0)
    return tl


def params(fr: Frames, plan) -> dict[str, np.ndarray]:
    """Per-frame posture: trunk, spine_flex, open, neck_flex (deg), knee (standing), work_thigh
    (from vertical, knee behind the hip positive), work_knee."""
    n = len(fr.t)
    s = fr.s
    p = {k: np.zeros(n) for k in ("trunk_add", "thigh_add", "spine_flex", "open", "neck_flex")}
    p["knee"] = np.full(n, REST["knee"])
    p["work_knee_add"] = np.zeros(n)
    for i, (f, mag) in enumerate(plan):
        m = fr.rep == i
        if f is None or not m.any():
            continue
        t = fr.t[m]
        dur = t[-1] - t[0]
        # A whole-rep fault: in over the first 30 % of the rep, out over the last 20 %.
        env = min_jerk((t - t[0]) / (0.3 * dur)) * (1 - min_jerk((t - t[-1]) / (0.2 * dur) + 1))
        if f == "torso_too_upright":
            p["trunk_add"][m] = -(REST["trunk"] - (90.0 - mag)) * env
        elif f == "torso_moves":
            p["trunk_add"][m] = -mag * np.sin(np.pi * (t - t[0]) / dur)
        elif f == "back_arch":
            p["thigh_add"][m] = mag * s[m]
            p["spine_flex"][m] = -ARCH_SPINE_SHARE * mag * s[m]
        elif f == "hips_rotate":
            p["open"][m] = mag * s[m]
        elif f == "working_leg_bent":
            p["work_knee_add"][m] = (mag - REST["work_knee_end"]) * s[m]
        elif f == "standing_knee_locked":
            p["knee"][m] = REST["knee"] + (mag - REST["knee"]) * env
        elif f == "head_up":
            p["neck_flex"][m] = -mag * env
    p["trunk"] = REST["trunk"] + p["trunk_add"]
    start = REST["work_thigh_start"]
    p["work_thigh"] = start + (p["trunk"] - 2.0 - start) * s + p["thigh_add"]
    p["work_knee"] = (
        REST["work_knee_start"]
        + (REST["work_knee_end"] - REST["work_knee_start"]) * s
        + p["work_knee_add"]
    )
    return p


def _legs(reps: int | None, standing_leg: str, legs: Sequence[str] | None) -> list[str]:
    if legs is None:
        if standing_leg not in LEGS:
            raise ValueError(f"standing_leg={standing_leg!r}; choose one of {', '.join(LEGS)}")
        return [standing_leg] * (3 if reps is None else reps)
    legs = list(legs)
    bad = [leg for leg in legs if leg not in LEGS]
    if bad:
        raise ValueError(f"legs {bad} are not {' or '.join(LEGS)}")
    if reps is not None and reps != len(legs):
        raise ValueError(f"reps={reps} but {len(legs)} legs were given")
    return legs


def standing_per_frame(fr: Frames, legs: Sequence[str]) -> np.ndarray:
    """The standing leg of each frame: the current rep's, between reps the last rep's (the
    first rep's before it); '' during a switch."""
    out = np.full(len(fr.t), legs[0], dtype=object)
    current = legs[0]
    for k in range(len(fr.t)):
        if fr.rep[k] >= 0:
            current = legs[fr.rep[k]]
        out[k] = "" if fr.phase[k] == "switch" else current
    return out


def band_kickback_motion(
    *,
    reps: int | None = None,
    fault: str | None = None,
    magnitude: float | None = None,
    fault_reps: Sequence[int] | None = None,
    standing_leg: str = "left",
    legs: Sequence[str] | None = None,
    fps: float = 30.0,
    height_m: float = 1.75,
    lead_in_s: float | None = None,
) -> tuple[Motion, list[KickbackRepTruth]]:
    """The noise-free body of :func:`band_kickback_sequence`, in the ground frame."""
    legs = _legs(reps, standing_leg, legs)
    plan = rep_faults(len(legs), fault, magnitude, fault_reps, FAULTS)
    tl = timeline(plan, legs, fps, TEMPO["lead"] if lead_in_s is None else lead_in_s)
    fr = tl.frames()
    p = params(fr, plan)
    body = Body.adult(height_m)
    n = len(fr.t)
    stand = standing_per_frame(fr, legs)
    angles: dict[str, np.ndarray] = {}
    origin, rp = np.zeros((n, 3)), np.zeros((n, 3, 3))

    def put(mask: np.ndarray, part: tuple[dict, np.ndarray, np.ndarray]) -> None:
        a, o, r = part
        for k, v in a.items():
            angles.setdefault(k, np.zeros((n, 3)))[mask] = v
        origin[mask], rp[mask] = o, r

    for side in LEGS:
        m = stand == side
        if m.any():
            put(m, stance(body, {k: v[m] for k, v in p.items()}, side))
    for start in sorted(set(fr.start[fr.phase == "switch"].tolist())):
        m = (fr.phase == "switch") & (fr.start == start)
        i = int(fr.rep[np.flatnonzero(fr.t < start)[-1]]) if (fr.t < start).any() else 0
        before = legs[max(i, 0)]
        after = "right" if before == "left" else "left"
        put(m, switch(body, fr.u[m], before, after))
    motion = Motion.from_posed(fr.t, pose(body, angles, origin, rp), angles)
    truth = [
        KickbackRepTruth(start_s=a, bottom_s=b, end_s=c, fault=f, magnitude=mg, standing_leg=leg)
        for (a, b, c), (f, mg), leg in zip(tl.rep_times(), plan, legs)
    ]
    return motion, truth


def band_kickback_sequence(**options: Any) -> tuple[PoseSequence, list[KickbackRepTruth]]:
    """A band kickback as MediaPipe would see it, with its per-rep truth (standing leg
    included). Options: the filming ones of :func:`filming.filmed`, the rest as
    :func:`band_kickback_motion` (``legs``, the standing leg per rep, overrides
    ``standing_leg``; ``reps`` defaults to 3, or to ``len(legs)``). Magnitudes and units are
    in ``FAULTS``."""
    return filmed(band_kickback_motion, **options)
