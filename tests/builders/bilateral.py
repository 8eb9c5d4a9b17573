"""Two-footed hinge engine shared by the kettlebell deadlift, the Romanian deadlift, the hip
hinge drills and the swing.

A posture is a dict of per-frame (N,) arrays:

- ``trunk``: the hip-centre to shoulder-centre line from vertical, degrees, forward positive
  (exactly that line, whatever the spine does)
- ``knee``: flexion of both knees, degrees
- ``spine_flex``: lumbar + thoracic flexion, degrees (40 % lumbar, 60 % thoracic); negative
  arches the back
- ``neck_flex``: neck + head flexion against the upper back, degrees; negative looks up
- ``heel_lift``: how far both heels rise off the floor, metres; the feet pivot on the toes

Both feet stay where they were put (toes forward, a little wider than the hips). Both shins
tilt together, by the angle that keeps the centre of mass (body and load) over mid-foot: that
is what sends the hips back in a hinge. The arms come from a callback, given the posed body.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .arms import shoulder_angles
from .balance import bisect, centre_of_mass
from .skeleton import (
    Body,
    Motion,
    Posed,
    joint_angles,
    joint_rotation,
    leg_ik,
    pose,
    root_rotation,
    rot_y,
)

Params = dict[str, np.ndarray]
# side -> (upper-arm orientation in the ground frame (N, 3, 3), elbow flexion (N,))
Arms = dict[str, tuple[np.ndarray, np.ndarray]]
ArmsFn = Callable[[Body, Posed], Arms]

LUMBAR_SHARE = 0.4  # of spine flexion; the thoracic spine takes the rest
MIDFOOT_AHEAD = 0.05 / 1.75  # centre of mass this far ahead of the ankles, per metre of height
SHIN_RANGE = (-20.0, 40.0)  # shin tilt searched for balance, degrees forward


def spine_angles(flex: np.ndarray, neck: np.ndarray) -> dict[str, np.ndarray]:
    z = np.zeros_like(flex)
    return {
        "lumbar": np.stack([LUMBAR_SHARE * flex, z, z], -1),
        "thoracic": np.stack([(1 - LUMBAR_SHARE) * flex, z, z], -1),
        "neck": np.stack([0.5 * neck, z, z], -1),
        "head": np.stack([0.5 * neck, z, z], -1),
    }


def shoulder_line_lean(body: Body, flex: np.ndarray) -> np.ndarray:
    """How far (degrees, forward) spine flexion tips the hip-to-shoulder-centre line away from
    the pelvis' long axis; the pelvis tilts that much less so the trunk line is as asked."""
    sp = spine_angles(flex, np.zeros_like(flex))
    r_l = joint_rotation("lumbar", sp["lumbar"])
    r_t = r_l @ joint_rotation("thoracic", sp["thoracic"])
    up = np.array([0.0, 0.0, 1.0])
    chest = body.thoracic - body.shoulder_drop
    v = body.sacrum * up + body.lumbar * (r_l @ up) + chest * (r_t @ up)
    return np.degrees(np.arctan2(v[..., 0], v[..., 2]))


def feet(body: Body, heel_lift: np.ndarray, half_width: float) -> tuple[dict, np.ndarray]:
    """Ankle positions per side (N, 3) and the foot orientation (N, 3, 3): flat, or pitched
    about the toes so the heel is ``heel_lift`` off the floor."""
    length = body.heel_back + body.toe_forward
    pitch = np.degrees(np.arcsin(np.clip(np.asarray(heel_lift, float) / length, 0.0, 0.9)))
    r_foot = rot_y(pitch)
    back = r_foot @ np.array([-body.toe_forward, 0.0, body.ankle_height])
    ankles = {}
    for side, sy in (("left", 1.0), ("right", -1.0)):
        toe = np.array([body.toe_forward, sy * half_width, 0.0])
        ankles[side] = toe + back
    return ankles, r_foot


def stance_half_width(body: Body, abduction_deg: float) -> float:
    """Ankle distance from the midline for legs abducted this much when standing tall."""
    return body.hip_half_width + (body.thigh + body.shank) * math.sin(math.radians(abduction_deg))


def _t(r: np.ndarray) -> np.ndarray:
    return np.swapaxes(r, -1, -2)


def solve(
    body: Body,
    p: Params,
    arms: ArmsFn,
    *,
    stance_abduction_deg: float,
    load_kg: float = 0.0,
    load_point: Callable[[Posed], np.ndarray] | None = None,
) -> tuple[Posed, dict[str, np.ndarray], np.ndarray]:
    """Posture -> (posed body, joint angles, shin tilt)."""
    n = len(p["trunk"])
    zero = np.zeros(n)
    half = stance_half_width(body, stance_abduction_deg)
    ankles, r_foot = feet(body, p["heel_lift"], half)
    tilt = p["trunk"] - shoulder_line_lean(body, p["spine_flex"])
    rp = root_rotation(tilt_deg=tilt)
    spine = spine_angles(p["spine_flex"], p["neck_flex"])
    r_thorax = rp @ joint_rotation("lumbar", spine["lumbar"])
    r_thorax = r_thorax @ joint_rotation("thoracic", spine["thoracic"])
    chord = body.leg_chord(np.maximum(p["knee"], 0.5))
    dy = body.hip_half_width - half

    mid_foot = (ankles["left"][:, 0] + ankles["right"][:, 0]) / 2 + MIDFOOT_AHEAD * body.height_m

    def place(shin: np.ndarray) -> tuple[Posed, dict[str, np.ndarray], np.ndarray]:
        """The body for a shin tilt: posed without arms, its joint angles, and the centre of
        mass with the arms and the load."""
        phi, k = np.radians(shin), np.radians(p["knee"])
        dx = body.shank * np.sin(phi) + body.thigh * np.sin(phi - k)
        dz = np.sqrt(np.maximum(chord**2 - dx**2 - dy**2, 1e-6))
        base = ankles["left"]
        origin = np.stack([base[:, 0] + dx, zero, base[:, 2] + dz], -1)
        angles = dict(spine)
        for side, sy in (("left", 1.0), ("right", -1.0)):
            hip = origin + rp @ np.array([0.0, sy * body.hip_half_width, 0.0])
            fwd, med = np.array([1.0, 0.0, 0.0]), np.array([0.0, -sy, 0.0])
            thigh, shank, flex = leg_ik(body, hip, ankles[side], fwd, med)
            angles[f"{side}_hip"] = joint_angles(f"{side}_hip", _t(rp) @ thigh)
            angles[f"{side}_knee"] = np.stack([flex, zero, zero], -1)
            angles[f"{side}_ankle"] = joint_angles(f"{side}_ankle", _t(shank) @ r_foot)
        bare = pose(body, angles, origin, rp)
        joints = dict(bare.joints)
        down = np.array([0.0, 0.0, -1.0])
        for side, (arm, elbow) in arms(body, bare).items():
            angles[f"{side}_shoulder"] = shoulder_angles(side, r_thorax, arm)
            angles[f"{side}_elbow"] = np.stack([elbow, zero, zero], -1)
            fore = arm @ joint_rotation(f"{side}_elbow", angles[f"{side}_elbow"])
            joints[f"{side}_elbow"] = joints[f"{side}_shoulder"] + body.upper_arm * (arm @ down)
            joints[f"{side}_wrist"] = joints[f"{side}_elbow"] + body.forearm * (fore @ down)
        armed = Posed(landmarks=bare.landmarks, joints=joints, frames=bare.frames)
        load = load_point(armed) if load_point is not None else None
        com = centre_of_mass(armed, load_kg, load)
        return armed, angles, com

    def ahead(shin: np.ndarray) -> np.ndarray:
        return place(shin)[2][:, 0] - mid_foot

    shin = bisect(ahead, np.full(n, SHIN_RANGE[0]), np.full(n, SHIN_RANGE[1]), iters=10)
    armed, angles, _ = place(shin)
    return pose(body, angles, armed.joints["pelvis"], rp), angles, shin


def motion_of(t: np.ndarray, posed: Posed, angles: dict[str, np.ndarray]) -> Motion:
    return Motion.from_posed(t, posed, angles)


def wrists_mid(posed: Posed) -> np.ndarray:
    return (posed.joints["left_wrist"] + posed.joints["right_wrist"]) / 2
