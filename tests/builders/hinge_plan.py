"""Rep plans of the two-footed hinges (deadlift, Romanian deadlift, hinge drills): the
timeline, the clean posture keyframes and the faults every such hinge shares, turned into the
per-frame posture :mod:`bilateral` poses. Fault definitions and magnitudes are those of
tools/synth/exercises/bilateral.py, so the builders and the rendered clips mean the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .sldl import RepTruth
from .timeline import Frames, Timeline, min_jerk, ramp_after

RepFaults = Sequence[tuple[str | None, float | None]]
LOCKOUT_KNEE_DEG = 15.0  # an unfinished lockout leaves the knees at least this bent
SQUAT_TRUNK_DEG = 35.0  # a squatted hinge drill leans the trunk only this far


def timeline(reps: RepFaults, fps: float, tempo: Mapping[str, float]) -> Timeline:
    tl = Timeline(fps)
    tl.add("rest", tempo["lead"], 0, 0)
    for i, _ in enumerate(reps):
        tl.add("descent", tempo["descent"], 0, 1, i)
        tl.add("pause", tempo["pause"], 1, 1, i)
        tl.add("ascent", tempo["ascent"], 1, 0, i)
        tl.add("finish", tempo["finish"], 0, 0, i)
        if i < len(reps) - 1:
            tl.add("rest", tempo["rest"], 0, 0)
    tl.add("rest", tempo["tail"], 0, 0)
    return tl


def held_through_rep(fr: Frames, m: np.ndarray) -> np.ndarray:
    """Weight of a fault held through a rep: in over the first 30 % of the descent, full at the
    bottom and on the way up, out over the finish."""
    w = np.where(fr.phase == "descent", min_jerk(fr.u / 0.3), 1.0)
    w = np.where(fr.phase == "finish", 1.0 - min_jerk(fr.u), w)
    return np.where(m, w, 0.0)


def plan(fr: Frames, clean: Mapping[str, float], reps: RepFaults) -> dict[str, np.ndarray]:
    """Keyframes and fault hooks per frame. Keys: trunk_top/bottom, knee_top/bottom (deg),
    spine_flex, neck_flex, elbow (deg, added to the clean posture), heel_lift (m), hips_first
    (fraction of the ascent), bell_ahead (m)."""
    n = len(fr.t)
    p = {k: np.full(n, float(v)) for k, v in clean.items()}
    for k in ("spine_flex", "neck_flex", "elbow", "heel_lift", "hips_first", "bell_ahead"):
        p[k] = np.zeros(n)
    for i, (fault, mag) in enumerate(reps):
        if fault is not None:
            apply_fault(p, fr, fr.rep == i, fault, float(mag))
    return p


def apply_fault(p: dict[str, np.ndarray], fr: Frames, m: np.ndarray, f: str, mag: float) -> None:
    s = fr.s
    if f in ("spine_round", "spine_not_neutral"):
        p["spine_flex"] += np.where(m, mag * s, 0.0)
    elif f == "gaze_not_neutral":
        p["neck_flex"] -= mag * held_through_rep(fr, m)
    elif f == "arms_bent":
        p["elbow"] += mag * held_through_rep(fr, m)
    elif f == "heel_lift":
        p["heel_lift"] += np.where(m, mag * s**2, 0.0)
    elif f == "hips_rise_first":
        p["hips_first"][m] = mag
    elif f in ("squat_not_hinge", "knees_too_bent"):
        p["knee_bottom"][m] = mag
        if f == "squat_not_hinge":
            p["trunk_bottom"][m] = np.minimum(p["trunk_bottom"][m], SQUAT_TRUNK_DEG)
    elif f == "incomplete_lockout":
        w = unfinished_top(fr, m & np.isin(fr.phase, ["ascent", "finish"]))
        p["trunk_top"] += w * (mag - p["trunk_top"])
        p["knee_top"] += w * (np.maximum(p["knee_top"], LOCKOUT_KNEE_DEG) - p["knee_top"])
    elif f == "bell_position":
        p["bell_ahead"] += np.where(m, mag * s, 0.0)
    else:
        raise ValueError(f"no plan for fault {f!r}")


def unfinished_top(fr: Frames, mask: np.ndarray) -> np.ndarray:
    """Weight of a top short of standing: from the rep's ascent on, through the rest, into
    the next rep's descent (the lifter goes down again from where they stopped; the renderer
    jumps back to standing in one frame instead). After the last rep the body straightens
    over the closing rest."""
    w = mask.astype(float)
    ends = np.flatnonzero(np.diff(np.append(mask, False).astype(int)) == -1)
    for e in ends:
        later = np.flatnonzero((np.arange(len(w)) > e) & (fr.phase == "pause"))
        if later.size:
            w[e + 1 : later[0]] = 1.0
        else:
            stretch = np.zeros(len(w), bool)
            stretch[: e + 1] = mask[: e + 1]
            w = np.maximum(w, ramp_after(fr, stretch))
    return w


def progress(fr: Frames, p: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Trunk and knee progress. With hips_rise_first the knees finish straightening within
    that fraction of the ascent and the trunk only starts rising at 80 % of it."""
    s, sk = fr.s.copy(), fr.s.copy()
    f = p["hips_first"]
    k = (f > 0) & (fr.phase == "ascent")
    u, fk = fr.u[k], f[k]
    sk[k] = 1.0 - min_jerk(u / fk)
    s[k] = 1.0 - min_jerk((u - 0.8 * fk) / (1.0 - 0.8 * fk))
    return s, sk


def posture(fr: Frames, p: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-frame posture for :func:`bilateral.solve`."""
    s, sk = progress(fr, p)
    return {
        "trunk": p["trunk_top"] + (p["trunk_bottom"] - p["trunk_top"]) * s,
        "knee": p["knee_top"] + (p["knee_bottom"] - p["knee_top"]) * sk,
        "spine_flex": p["spine_flex"].copy(),
        "neck_flex": p["neck_flex"].copy(),
        "heel_lift": p["heel_lift"].copy(),
    }


def truths(tl: Timeline, reps: RepFaults) -> list[RepTruth]:
    return [
        RepTruth(start_s=a, bottom_s=b, end_s=c, fault=f, magnitude=m)
        for (a, b, c), (f, m) in zip(tl.rep_times(), reps)
    ]
