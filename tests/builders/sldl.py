"""Kettlebell single-leg deadlift (seed 000), clean or with one fault at a known magnitude.

The rep is two keyframes, ``stand`` and ``bottom``, blended by a hinge progress ``s`` that
runs 0 -> 1 -> 0 with minimum-jerk timing. Faults are added on top as joint-angle offsets,
changed keyframes or changed timing, and only in ``fault_reps``. The standing foot is the
root: each frame the standing leg is solved so the foot stays flat where it was put.

Ground frame as in :mod:`skeleton`: x the person's forward, y their left, z up, origin on
the floor under the standing ankle.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from formcheck.pose.landmarks import side_landmark
from formcheck.types import LEGS, PoseSequence

from .skeleton import (
    Body,
    Camera,
    Motion,
    Noise,
    joint_angles,
    joint_rotation,
    leg_ik,
    pose,
    render,
    root_rotation,
    rot_x,
    rot_y,
)

# Posture of a clean rep. "trunk" is the line from the hip-joint midpoint up the pelvis axis
# (with a neutral spine, the hip-to-shoulder line), degrees from vertical, forward positive.
# "hip_back" is how far the standing hip joint sits behind the standing ankle (m).
# free_*: the free leg relative to the pelvis; at the bottom free_hip 0 puts the free thigh in
# line with the trunk. free_ankle is dorsiflexion: at stand it keeps the hovering foot level.
KEYFRAMES: dict[str, dict[str, float]] = {
    "stand": {
        "trunk": 0.0,
        "hip_back": 0.0,
        "knee": 17.0,
        "free_hip": 15.0,
        "free_knee": 35.0,
        "free_ankle": 25.0,
        "elbow": 5.0,
        "bell_back": 0.0,
    },
    "bottom": {
        "trunk": 80.0,
        "hip_back": 0.15,
        "knee": 22.0,
        "free_hip": 0.0,
        "free_knee": 8.0,
        "free_ankle": 10.0,
        "elbow": 5.0,
        # The bell is kept "close to the standing shin": the arm is drawn back from hanging.
        "bell_back": 25.0,
    },
}

# On one leg the weight must be over the foot, so the foot sits under the body's midline
# more than under its own hip: the standing hip joint is this far lateral of the ankle (m).
STANCE_OFFSET_M = 0.065
FREE_ARM_ABDUCTION_DEG = 10.0  # the free hand hangs a little out to the side, for balance

# Default magnitude of each fault; see sldl_sequence for units.
FAULT_DEFAULTS: dict[str, float | None] = {
    "hips_open": 30.0,
    "spine_round": 40.0,
    "bell_drift": 35.0,
    "knee_valgus": 15.0,
    "lean_back": 15.0,
    "squat_not_hinge": 70.0,
    "rear_leg_high": 25.0,
    "rear_leg_bent": 70.0,
    "chest_drop": 1.0,
    "arm_pull": 70.0,
    "fast_descent": 0.5,
    "bounce_at_bottom": 12.0,
    "balance_loss": None,
    "neck_not_neutral": 35.0,
}
FAULTS = tuple(FAULT_DEFAULTS)

# How the pieces of a fault are shared out over the body.
ROUND_LUMBAR_SHARE = 0.4  # of spine flexion; the thoracic spine takes the rest
ROUND_PELVIS_SHARE = 0.35  # the pelvis hinges this much less per degree of rounding
OPEN_THORAX_SHARE = 0.4  # the thorax follows the opening pelvis this much (spine twists)
VALGUS_KNEE_FLEX = 0.3  # a collapsing knee also bends: degrees per degree of valgus
LEAN_HIP_FORWARD_M = 0.002  # hips slide forward per degree of lean back
SQUAT_TRUNK_DEG = 45.0  # trunk at the bottom when the standing knee reaches 70 degrees
BOUNCE_S = 0.3  # a rebound replaces the pause: down, up, down again in this time
TOUCH_S = 0.4  # free foot on the floor during balance_loss
SLIDE_S = 0.3  # standing foot slide duration
FREE_FOOT_CLEARANCE_M = 0.015  # the free foot stays this far off the floor unless it touches


@dataclass(frozen=True)
class RepTruth:
    """What the builder did in one rep. ``bottom_s`` is the arrival at the bottom (the pause,
    if any, follows it); ``end_s`` is lockout. ``fault`` is None for a clean rep."""

    start_s: float
    bottom_s: float
    end_s: float
    fault: str | None
    magnitude: float | None


@dataclass(frozen=True)
class _Rep:
    start: float
    bottom: float
    leave: float  # leaves the bottom
    end: float  # lockout
    rest: float  # standing still after lockout
    faulty: bool


Knots = list[tuple[float, float]]
Params = dict[str, np.ndarray]  # posture parameter -> (N,) values, one per frame

# When a fault shows within a rep: (time, weight) knots joined by minimum-jerk ramps. "depth"
# (weight = hinge progress: grows over the descent, full at the bottom) is not listed here.
ENVELOPES: dict[str, Callable[[_Rep], Knots]] = {
    "whole_rep": lambda r: [
        (r.start, 0.0),
        (r.start + 0.3 * (r.bottom - r.start), 1.0),
        (r.end - 0.3 * (r.end - r.leave), 1.0),
        (r.end, 0.0),
    ],
    "lockout": lambda r: [
        ((r.leave + r.end) / 2, 0.0),
        (r.end, 1.0),
        (r.end + max(0.7 * r.rest, 0.2), 0.0),
    ],
    "ascent": lambda r: [(r.leave, 0.0), ((r.leave + r.end) / 2, 1.0), (r.end, 0.0)],
    "bottom_touch": lambda r: [
        ((r.bottom + r.leave - TOUCH_S) / 2 - 0.25, 0.0),
        ((r.bottom + r.leave - TOUCH_S) / 2, 1.0),
        ((r.bottom + r.leave + TOUCH_S) / 2, 1.0),
        ((r.bottom + r.leave + TOUCH_S) / 2 + 0.25, 0.0),
    ],
}

# Faults that add to posture parameters: fault -> (envelope, ((parameter, gain(magnitude)),)).
# The others change the timeline (fast_descent, bounce_at_bottom), the bottom keyframe
# (squat_not_hinge, chest_drop) or the standing foot (balance_loss with a magnitude).
_BOTTOM = KEYFRAMES["bottom"]
EFFECTS: dict[str, tuple[str, tuple[tuple[str, Callable[[float], float]], ...]]] = {
    "hips_open": ("depth", (("open", lambda m: m),)),
    "spine_round": ("depth", (("round", lambda m: m),)),
    "bell_drift": ("depth", (("drift", lambda m: m),)),
    "rear_leg_high": ("depth", (("free_hip", lambda m: -m),)),
    "rear_leg_bent": ("depth", (("free_knee", lambda m: m - _BOTTOM["free_knee"]),)),
    "knee_valgus": (
        "whole_rep",
        (("valgus", lambda m: m), ("knee", lambda m: VALGUS_KNEE_FLEX * m)),
    ),
    "neck_not_neutral": ("whole_rep", (("neck", lambda m: m),)),
    "lean_back": (
        "lockout",
        (("trunk", lambda m: -m), ("hip_back", lambda m: -LEAN_HIP_FORWARD_M * m)),
    ),
    "arm_pull": ("ascent", (("elbow", lambda m: m - _BOTTOM["elbow"]),)),
}


def _min_jerk(t: np.ndarray, times: Sequence[float], values: Sequence[float]) -> np.ndarray:
    """Piecewise minimum-jerk curve through knots, flat before the first and after the last:
    zero velocity and acceleration at every knot, so keyframes are held smoothly."""
    out = np.full(t.shape, float(values[0]))
    for i in range(len(times) - 1):
        t0, t1, v0, v1 = times[i], times[i + 1], values[i], values[i + 1]
        if t1 <= t0:
            continue
        tau = np.clip((t - t0) / (t1 - t0), 0.0, 1.0)
        seg = v0 + (v1 - v0) * tau**3 * (10.0 - 15.0 * tau + 6.0 * tau**2)
        out = np.where(t >= t0, seg, out)
    return out


def _knots(t: np.ndarray, knots: Knots) -> np.ndarray:
    if not knots:
        return np.zeros_like(t)
    knots = sorted(knots)
    return _min_jerk(t, [k[0] for k in knots], [k[1] for k in knots])


def sldl_motion(
    *,
    reps: int = 3,
    fault: str | None = None,
    magnitude: float | None = None,
    fault_reps: Sequence[int] | None = None,
    standing_leg: str = "left",
    bell_hand: str | None = None,
    fps: float = 30.0,
    height_m: float = 1.75,
    lead_in_s: float = 1.0,
    descent_s: float = 1.5,
    pause_s: float = 0.3,
    ascent_s: float = 1.2,
    rest_s: float = 0.6,
    tap_between: bool = False,
) -> tuple[Motion, list[RepTruth]]:
    """The noise-free body of :func:`sldl_sequence`, in the ground frame (for checking the
    builder, and for rendering one motion from several cameras)."""
    if fault is not None and fault not in FAULT_DEFAULTS:
        raise ValueError(f"unknown fault {fault!r}; faults are {', '.join(FAULTS)}")
    if standing_leg not in LEGS:
        raise ValueError(f"standing_leg={standing_leg!r}; choose one of {', '.join(LEGS)}")
    bell_hand = standing_leg if bell_hand is None else bell_hand
    if bell_hand not in LEGS:
        raise ValueError(f"bell_hand={bell_hand!r}; choose one of {', '.join(LEGS)}")
    if reps < 1:
        raise ValueError(f"reps={reps} must be at least 1")
    if fault_reps is None:
        faulty = set(range(reps))
    else:
        faulty = {int(i) for i in fault_reps}
        bad = sorted(i for i in faulty if not 0 <= i < reps)
        if bad:
            raise ValueError(f"fault_reps {bad} are outside 0..{reps - 1}")
    if fault is None:
        faulty = set()
    mag = FAULT_DEFAULTS[fault] if fault is not None and magnitude is None else magnitude
    if fault == "fast_descent" and not mag > 0:
        raise ValueError(f"fast_descent magnitude is the descent time in s, got {mag}")

    # ---- timeline: when each rep starts, reaches the bottom, leaves it, locks out
    plan: list[_Rep] = []
    cursor = lead_in_s
    for i in range(reps):
        bad_rep = i in faulty
        d = mag if bad_rep and fault == "fast_descent" else descent_s
        hold = BOUNCE_S if bad_rep and fault == "bounce_at_bottom" else pause_s
        end = cursor + d + hold + ascent_s
        rep = _Rep(cursor, cursor + d, cursor + d + hold, end, rest_s, bad_rep)
        plan.append(rep)
        cursor = rep.end + rest_s
    n = int(math.floor((cursor + 0.5) * fps)) + 1
    t = np.arange(n) / fps

    bottoms = []  # per rep: the bottom keyframe it reaches
    for rep in plan:
        kf = dict(KEYFRAMES["bottom"])
        if rep.faulty and fault == "squat_not_hinge":
            frac = np.clip((mag - kf["knee"]) / (70.0 - kf["knee"]), 0.0, 1.0)
            kf["knee"] = mag
            kf["trunk"] = kf["trunk"] - (kf["trunk"] - SQUAT_TRUNK_DEG) * float(frac)
        if rep.faulty and fault == "chest_drop":
            stand_back = KEYFRAMES["stand"]["hip_back"]
            kf["hip_back"] = stand_back + (kf["hip_back"] - stand_back) * (1.0 - mag)
        bottoms.append(kf)

    s_knots: list[tuple[float, float]] = [(0.0, 0.0)]
    for i, rep in enumerate(plan):
        s_knots += [(rep.start, 0.0), (rep.bottom, 1.0)]
        if rep.faulty and fault == "bounce_at_bottom":
            depth = bottoms[i]["trunk"] - KEYFRAMES["stand"]["trunk"]
            s_knots.append((rep.bottom + BOUNCE_S / 2, 1.0 - mag / depth))
        s_knots += [(rep.leave, 1.0), (rep.end, 0.0)]
    s = _knots(t, s_knots)

    rep_of = np.clip(np.searchsorted([r.start for r in plan], t, side="right") - 1, 0, reps - 1)
    in_fault = np.array([plan[r].faulty for r in rep_of]) & (t >= plan[0].start)
    stand = KEYFRAMES["stand"]
    p = {k: stand[k] + s * (np.array([bottoms[r][k] for r in rep_of]) - stand[k]) for k in stand}
    for k in ("open", "round", "drift", "valgus", "neck", "touch", "tap", "slide"):
        p[k] = np.zeros(n)

    # ---- faults: envelopes over time, nonzero only in faulty reps
    bad = [r for r in plan if r.faulty]
    if fault in EFFECTS or (fault == "balance_loss" and mag is None):
        kind, effects = EFFECTS.get(fault, ("bottom_touch", (("touch", lambda m: 1.0),)))
        if kind == "depth":
            env = s * in_fault
        else:
            env = _knots(t, [k for r in bad for k in ENVELOPES[kind](r)])
        for key, gain in effects:
            p[key] = p[key] + gain(mag) * env
    elif fault == "balance_loss":  # the standing foot slides, and stays where it slid to
        knots, total = [(0.0, 0.0)], 0.0
        for r in bad:
            c = (r.bottom + r.leave) / 2
            knots += [(c - SLIDE_S / 2, total), (c + SLIDE_S / 2, total + mag)]
            total += mag
        p["slide"] = _knots(t, knots)
    if tap_between:  # allowed: the free foot taps down mid-rest, the knee straightening
        ramp = max(min(0.15, rest_s / 2 - 0.1), 0.02)
        mids = [r.end + rest_s / 2 for r in plan[:-1]]
        knots = [
            (c + dt, w)
            for c in mids
            for dt, w in ((-0.1 - ramp, 0.0), (-0.1, 1.0), (0.1, 1.0), (0.1 + ramp, 0.0))
        ]
        p["tap"] = _knots(t, knots)

    body = Body.adult(height_m)
    # A caving knee: swivel it toward the midline until the frontal-plane angle is reached.
    out = 1.0 if standing_leg == "left" else -1.0
    hip, ankle = _standing_hip_and_ankle(body, p, out)
    fwd, med = np.array([1.0, 0.0, 0.0]), np.array([0.0, -out, 0.0])
    p["swivel"] = _valgus_swivel(body, hip, ankle, fwd, med, p["valgus"])
    # Free foot down: the hip swings the leg down (mid-rep), the knee straightens (tap).
    for key, angle in (("touch", "free_hip"), ("tap", "free_knee")):
        on = p[key] > 0.0
        if on.any():
            sub = {k: v[on] for k, v in p.items()}
            limit = sub["trunk"] + 10.0 if key == "touch" else np.zeros(int(on.sum()))
            reach = _foot_at(body, sub, standing_leg, bell_hand, angle, limit, 0.0)
            p[angle] = p[angle].copy()
            p[angle][on] += sub[key] * (reach - sub[angle])
    # Otherwise the free foot never goes through the floor (a deep squat lowers the hips):
    # point the toes, then bend the knee, just enough to clear it.
    low = _free_foot_low(body, p, standing_leg, bell_hand) < FREE_FOOT_CLEARANCE_M
    low &= (p["touch"] == 0.0) & (p["tap"] == 0.0)
    for angle, change in (("free_ankle", -60.0), ("free_knee", 60.0)):
        if low.any():
            sub = {k: v[low] for k, v in p.items()}
            p[angle] = p[angle].copy()
            p[angle][low] = _foot_at(
                body,
                sub,
                standing_leg,
                bell_hand,
                angle,
                sub[angle] + change,
                FREE_FOOT_CLEARANCE_M,
            )
            low &= _free_foot_low(body, p, standing_leg, bell_hand) < FREE_FOOT_CLEARANCE_M - 1e-3
    angles, origin, rp = _solve(body, p, standing_leg, bell_hand)
    motion = Motion.from_posed(t, pose(body, angles, origin, rp), angles)
    truth = [
        RepTruth(
            start_s=r.start,
            bottom_s=r.bottom,
            end_s=r.end,
            fault=fault if r.faulty else None,
            magnitude=mag if r.faulty else None,
        )
        for r in plan
    ]
    return motion, truth


def _solve(
    body: Body, f: Params, standing_leg: str, bell_hand: str
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Posture parameters (N frames) -> joint angles (N, 3) and the pelvis pose."""
    free_leg = "right" if standing_leg == "left" else "left"
    out = 1.0 if standing_leg == "left" else -1.0  # +y is lateral for the standing side
    n = len(f["trunk"])
    zero = np.zeros(n)
    # Opening = the free-leg side of the pelvis turns back (up, when hinged).
    open_deg = -out * f["open"]
    rp = root_rotation(tilt_deg=f["trunk"] - ROUND_PELVIS_SHARE * f["round"], axial_deg=open_deg)

    # Standing leg from the foot up: place the hip joint, then solve the knee between.
    hip, ankle = _standing_hip_and_ankle(body, f, out)
    origin = hip - rp @ np.array([0.0, out * body.hip_half_width, 0.0])
    forward, medial = np.array([1.0, 0.0, 0.0]), np.array([0.0, -out, 0.0])
    knee_flex = np.maximum(f["knee"], 1.0)
    thigh, shank, _ = leg_ik(body, hip, ankle, forward, medial, f["swivel"])

    spine_twist = -(1.0 - OPEN_THORAX_SHARE) * open_deg / 2.0
    lumbar = np.stack([ROUND_LUMBAR_SHARE * f["round"], zero, spine_twist], axis=-1)
    thoracic = np.stack([(1.0 - ROUND_LUMBAR_SHARE) * f["round"], zero, spine_twist], axis=-1)
    # Extension (looking up) is negative flexion, shared by the neck and the skull on it.
    neck = np.stack([-0.5 * f["neck"], zero, zero], axis=-1)
    angles: dict[str, np.ndarray] = {
        "lumbar": lumbar,
        "thoracic": thoracic,
        "neck": neck,
        "head": neck,
        f"{standing_leg}_hip": joint_angles(f"{standing_leg}_hip", _t(rp) @ thigh),
        f"{standing_leg}_knee": np.stack([knee_flex, zero, zero], axis=-1),
        # The foot stays flat on the floor, pointing forward.
        f"{standing_leg}_ankle": joint_angles(f"{standing_leg}_ankle", _t(shank)),
        f"{free_leg}_hip": np.stack([f["free_hip"], zero, zero], axis=-1),
        f"{free_leg}_knee": np.stack([f["free_knee"], zero, zero], axis=-1),
        f"{free_leg}_ankle": np.stack([f["free_ankle"], zero, zero], axis=-1),
    }
    # Arms hang under gravity whatever the trunk does: their world orientation is given, the
    # shoulder angles follow from the thorax.
    r_thorax = rp @ joint_rotation("lumbar", lumbar) @ joint_rotation("thoracic", thoracic)
    for side in ("left", "right"):
        sy = 1.0 if side == "left" else -1.0
        if side == bell_hand:
            # Shoulder flexion swings the bell forward; a clean rep draws it back to the shin.
            arm = rot_y(-(f["drift"] - f["bell_back"]))
            elbow = f["elbow"]
        else:
            arm = rot_x(np.full(n, sy * FREE_ARM_ABDUCTION_DEG))
            elbow = np.full(n, KEYFRAMES["stand"]["elbow"])
        angles[f"{side}_shoulder"] = joint_angles(f"{side}_shoulder", _t(r_thorax) @ arm)
        angles[f"{side}_elbow"] = np.stack([elbow, zero, zero], axis=-1)
    return angles, origin, rp


def _standing_hip_and_ankle(body: Body, f: Params, out: float) -> tuple[np.ndarray, np.ndarray]:
    """Standing hip joint and ankle (N, 3): the foot where it was put (or slid to), the hip
    ``hip_back`` behind it, ``STANCE_OFFSET_M`` lateral, as high as the knee flexion allows."""
    n = len(f["knee"])
    ankle = np.zeros((n, 3))
    ankle[:, 0] = f["slide"] / math.sqrt(2.0)
    ankle[:, 1] = out * f["slide"] / math.sqrt(2.0)
    ankle[:, 2] = body.ankle_height
    chord = body.leg_chord(np.maximum(f["knee"], 1.0))
    dx, dy = -f["hip_back"], out * STANCE_OFFSET_M
    hip = ankle + np.stack([dx, np.full(n, dy), np.sqrt(chord**2 - dx**2 - dy**2)], axis=-1)
    return hip, ankle


def _t(r: np.ndarray) -> np.ndarray:
    return np.swapaxes(r, -1, -2)


def _fppa(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, medial_y: float) -> np.ndarray:
    """Frontal-plane knee angle (degrees) from (N, 3) joint centres, seen along the person's
    forward axis; positive with the knee inside the hip-ankle line."""
    a = knee[:, 1:] - hip[:, 1:]
    b = ankle[:, 1:] - knee[:, 1:]
    cross = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
    turn = np.degrees(np.arctan2(cross, np.sum(a * b, axis=-1)))
    # Seen from the front with y to the left, a left knee inside the line turns positive.
    return turn * (1.0 if medial_y < 0 else -1.0)


def _valgus_swivel(
    body: Body,
    hip: np.ndarray,
    ankle: np.ndarray,
    fwd: np.ndarray,
    med: np.ndarray,
    target: np.ndarray,
) -> np.ndarray:
    """Knee swivel (degrees toward the midline) giving the target frontal-plane angle; 90 where
    the knee's flexion cannot show that much."""
    swivel = np.zeros(len(target))
    on = target > 0.0
    if not on.any():
        return swivel
    lo, hi = np.zeros(int(on.sum())), np.full(int(on.sum()), 90.0)
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        thigh, _, _ = leg_ik(body, hip[on], ankle[on], fwd, med, mid)
        knee = hip[on] - body.thigh * thigh[..., 2]
        short = _fppa(hip[on], knee, ankle[on], med[1]) < target[on]
        lo, hi = np.where(short, mid, lo), np.where(short, hi, mid)
    swivel[on] = 0.5 * (lo + hi)
    return swivel


_FOOT = {s: [side_landmark(p, s) for p in ("ankle", "heel", "foot_index")] for s in LEGS}


def _free_foot_low(body: Body, f: Params, standing_leg: str, bell_hand: str) -> np.ndarray:
    """Height of the free foot's lowest landmark (N,)."""
    free_leg = "right" if standing_leg == "left" else "left"
    angles, origin, rp = _solve(body, f, standing_leg, bell_hand)
    return pose(body, angles, origin, rp).landmarks[:, _FOOT[free_leg], 2].min(axis=-1)


def _foot_at(
    body: Body,
    f: Params,
    standing_leg: str,
    bell_hand: str,
    key: str,
    limit: np.ndarray,
    height: float,
) -> np.ndarray:
    """Values of the free-leg angle ``f[key]``, between its current values and ``limit``, that
    put the free foot's lowest landmark at ``height`` (bisection; ``limit`` if none does)."""
    lo, hi = f[key].astype(float), np.asarray(limit, dtype=float)
    above_at_lo = _free_foot_low(body, f, standing_leg, bell_hand) > height
    for _ in range(25):
        mid = 0.5 * (lo + hi)
        same = (_free_foot_low(body, dict(f, **{key: mid}), standing_leg, bell_hand) > height) == (
            above_at_lo
        )
        lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
    return 0.5 * (lo + hi)


def sldl_sequence(
    *,
    reps: int = 3,
    fault: str | None = None,
    magnitude: float | None = None,
    fault_reps: Sequence[int] | None = None,
    view: str = "side",
    standing_leg: str = "left",
    bell_hand: str | None = None,
    fps: float = 30.0,
    noise_px: float = 1.5,
    seed: int = 0,
    height_m: float = 1.75,
    lead_in_s: float = 1.0,
    descent_s: float = 1.5,
    pause_s: float = 0.3,
    ascent_s: float = 1.2,
    rest_s: float = 0.6,
    facing: str = "right",
    drop_frames: float = 0.0,
    tap_between: bool = False,
) -> tuple[PoseSequence, list[RepTruth]]:
    """A kettlebell single-leg deadlift as MediaPipe would see it, with its per-rep truth.

    Magnitudes (defaults in ``FAULT_DEFAULTS``), applied only in ``fault_reps``:

    - hips_open: degrees the pelvis turns open about its long axis at the bottom (the
      free-leg hip rises), in proportion to depth; the thorax follows 40 %
    - spine_round: degrees of spine flexion at the bottom, 40 % lumbar and 60 % thoracic; the
      head stays in line with the upper back; the pelvis hinges 0.35 deg less per degree
    - bell_drift: degrees of bell-arm shoulder flexion away from hanging, at the bottom
    - knee_valgus: frontal-plane knee angle (joint centres) through the rep, by hip adduction
      and internal rotation with the foot planted; the knee also bends 0.3 deg per degree
    - lean_back: degrees the trunk passes behind vertical at lockout
    - squat_not_hinge: standing-knee flexion at the bottom; the trunk then reaches only 45
      deg (at 70; in proportion for smaller values)
    - rear_leg_high: degrees the free thigh is raised above the trunk line at the bottom
    - rear_leg_bent: free-knee flexion at the bottom
    - chest_drop: fraction of the clean backward hip travel removed (1 = hips stay over the
      foot and the trunk tips about them)
    - arm_pull: bell-elbow flexion reached at mid-ascent (from 5), back to 5 by lockout
    - fast_descent: descent time in seconds
    - bounce_at_bottom: degrees the trunk rebounds up at the bottom instead of pausing
    - balance_loss: None = the free foot touches the floor for 0.4 s at the bottom; metres =
      the standing foot slides that far, diagonally forward-outward, at the bottom
    - neck_not_neutral: degrees of head extension against the trunk (negative: chin tucked)

    ``tap_between`` puts the free foot lightly down between reps (allowed, not a fault).
    ``noise_px`` scales all noise (0 gives exact landmarks). ``facing`` applies to the side
    and oblique views.
    """
    motion, truth = sldl_motion(
        reps=reps,
        fault=fault,
        magnitude=magnitude,
        fault_reps=fault_reps,
        standing_leg=standing_leg,
        bell_hand=bell_hand,
        fps=fps,
        height_m=height_m,
        lead_in_s=lead_in_s,
        descent_s=descent_s,
        pause_s=pause_s,
        ascent_s=ascent_s,
        rest_s=rest_s,
        tap_between=tap_between,
    )
    target = motion.joints["pelvis"][0]
    camera = Camera(view=view, facing=facing, target_xy=(float(target[0]), float(target[1])))
    seq = render(motion, camera, noise=Noise.scaled(noise_px), seed=seed, drop_frames=drop_frames)
    return seq, truth
