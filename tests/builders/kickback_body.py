"""The kickback's body: standing on one leg with the trunk hinged, the other leg given by its
angles in the world; and the switch from one standing leg to the other.

Ground frame as in :mod:`skeleton`; the feet's places are hip-width apart either side of the
origin. Standing on one leg, the hip sits ``STANCE_OFFSET`` lateral of that foot (the weight
goes over it) and as far forward as keeps the centre of mass over the foot.
"""

from __future__ import annotations

import numpy as np

from .balance import bisect, centre_of_mass
from .bilateral import shoulder_line_lean, spine_angles
from .skeleton import Body, joint_angles, leg_ik, pose, root_rotation, rot_y
from .timeline import min_jerk

# Clean posture (tools/synth band_kickback CLEAN): trunk and standing knee (deg); the working
# thigh from vertical (knee behind the hip positive) and knee, at the start and at full
# extension (where the thigh reaches the trunk line less 2 deg).
REST = dict(trunk=75.0, knee=15.0, work_thigh_start=-12.0, work_knee_start=70.0, work_knee_end=4.0)
WORK_ANKLE_DEG = 5.0  # the working foot dorsiflexed: pushing through the heel
ARMS = dict(flexion=28.0, abduction=2.0, elbow=20.0)  # hands on the band in front of the hips
STANCE_OFFSET = 0.065 / 1.75  # standing hip joint lateral of its ankle, per metre of height
COM_AHEAD = 0.04 / 1.75  # centre of mass this far ahead of the standing ankle, per metre
SIGN = {"left": 1.0, "right": -1.0}


def other(side: str) -> str:
    return "right" if side == "left" else "left"


def home(body: Body, side: str) -> np.ndarray:
    """Where a foot's ankle is when the foot is down."""
    return np.array([0.0, SIGN[side] * body.hip_half_width, body.ankle_height])


def _t(r: np.ndarray) -> np.ndarray:
    return np.swapaxes(r, -1, -2)


def _upper_body(p: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    z = np.zeros(n)
    out = spine_angles(p["spine_flex"], p["neck_flex"])
    for side in ("left", "right"):
        out[f"{side}_shoulder"] = np.stack(
            [np.full(n, ARMS["flexion"]), np.full(n, ARMS["abduction"]), z], -1
        )
        out[f"{side}_elbow"] = np.stack([np.full(n, ARMS["elbow"]), z, z], -1)
    return out


def _pelvis(body: Body, p: dict[str, np.ndarray], side: str) -> np.ndarray:
    tilt = p["trunk"] - shoulder_line_lean(body, p["spine_flex"])
    # Turning open raises the working hip (as sldl's hips_open raises the free one).
    return root_rotation(tilt_deg=tilt, axial_deg=-SIGN[side] * p["open"])


def _leg_to(body, angles, side, rp, hip, ankle, foot) -> None:
    """Solve one leg between a hip joint and an ankle, the foot oriented ``foot`` (ground)."""
    fwd, med = np.array([1.0, 0.0, 0.0]), np.array([0.0, -SIGN[side], 0.0])
    thigh, shank, flex = leg_ik(body, hip, ankle, fwd, med)
    z = np.zeros(len(flex))
    angles[f"{side}_hip"] = joint_angles(f"{side}_hip", _t(rp) @ thigh)
    angles[f"{side}_knee"] = np.stack([flex, z, z], -1)
    angles[f"{side}_ankle"] = joint_angles(f"{side}_ankle", _t(shank) @ foot)


def stance(body: Body, p: dict[str, np.ndarray], side: str):
    """Standing on ``side``: (joint angles, pelvis position, pelvis rotation) per frame."""
    n = len(p["trunk"])
    z = np.zeros(n)
    out, work = SIGN[side], other(side)
    rp = _pelvis(body, p, side)
    angles = _upper_body(p, n)
    # The working leg is set in the world (as the renderer does): the thigh swings back from
    # under the hip to the trunk line whatever the pelvis does.
    angles[f"{work}_hip"] = joint_angles(f"{work}_hip", _t(rp) @ rot_y(p["work_thigh"]))
    angles[f"{work}_knee"] = np.stack([p["work_knee"], z, z], -1)
    angles[f"{work}_ankle"] = np.stack([np.full(n, WORK_ANKLE_DEG), z, z], -1)
    ankle = np.broadcast_to(home(body, side), (n, 3))
    chord = body.leg_chord(p["knee"])
    dy = out * STANCE_OFFSET * body.height_m
    flat = np.broadcast_to(np.eye(3), (n, 3, 3))

    def place(dx: np.ndarray):
        dz = np.sqrt(np.maximum(chord**2 - dx**2 - dy**2, 1e-6))
        hip = ankle + np.stack([dx, np.full(n, dy), dz], -1)
        origin = hip - rp @ np.array([0.0, out * body.hip_half_width, 0.0])
        _leg_to(body, angles, side, rp, hip, ankle, flat)
        return origin

    def ahead(dx: np.ndarray) -> np.ndarray:
        com = centre_of_mass(pose(body, angles, place(dx), rp))
        return com[:, 0] - (ankle[:, 0] + COM_AHEAD * body.height_m)

    dx = bisect(ahead, np.full(n, -0.45), np.full(n, 0.3))
    origin = place(dx)
    return dict(angles), origin, rp


def _rest(body: Body, side: str):
    one = {k: np.zeros(1) for k in ("spine_flex", "neck_flex", "open")}
    one.update(
        trunk=np.full(1, REST["trunk"]),
        knee=np.full(1, REST["knee"]),
        work_thigh=np.full(1, REST["work_thigh_start"]),
        work_knee=np.full(1, REST["work_knee_start"]),
    )
    return stance(body, one, side)


def _foot_pitch(frame: np.ndarray) -> np.ndarray:
    """Pitch (deg, toes down positive) of a foot frame in the sagittal plane."""
    return np.degrees(np.arctan2(-frame[..., 2, 0], frame[..., 0, 0]))


def _half_switch(body: Body, w: np.ndarray, standing: str):
    """From standing on ``standing`` at rest (w = 0) to both feet down, the pelvis midway
    (w = 1): the working foot comes down to its place, flattening first so the toes clear the
    floor, while the weight moves to the middle."""
    n = len(w)
    angles1, origin1, rp1 = _rest(body, standing)
    posed = pose(body, angles1, origin1, rp1)
    work = other(standing)
    lifted = posed.joints[f"{work}_ankle"][0]
    pitch = _foot_pitch(posed.frames[f"{work}_foot"][0])
    rp = np.broadcast_to(rp1[0], (n, 3, 3))
    dx = origin1[0, 0]
    mid_z = body.ankle_height + np.sqrt(body.leg_chord(REST["knee"]) ** 2 - dx**2)
    middle = np.array([dx, 0.0, mid_z])
    origin = origin1[0] + w[:, None] * (middle - origin1[0])
    angles = {k: np.broadcast_to(v[0], (n, 3)).copy() for k, v in angles1.items()}
    for side in ("left", "right"):
        hip = origin + rp @ np.array([0.0, SIGN[side] * body.hip_half_width, 0.0])
        if side == standing:
            ankle, foot = np.broadcast_to(home(body, side), (n, 3)), np.eye(3)
        else:
            ankle = lifted + w[:, None] * (home(body, side) - lifted)
            foot = rot_y(pitch * (1.0 - min_jerk(2.0 * w)))
        _leg_to(body, angles, side, rp, hip, ankle, np.broadcast_to(foot, (n, 3, 3)))
    return angles, origin, rp


def switch(body: Body, u: np.ndarray, before: str, after: str):
    """Frames of a switch (u from 0 to 1): down onto both feet, then up onto ``after``."""
    first = u < 0.5
    out_a, out_o, out_r = {}, np.zeros((len(u), 3)), np.zeros((len(u), 3, 3))
    for mask, standing, w in (
        (first, before, min_jerk(2.0 * u[first])),
        (~first, after, min_jerk(2.0 * (1.0 - u[~first]))),
    ):
        if not mask.any():
            continue
        a, o, r = _half_switch(body, w, standing)
        for k, v in a.items():
            out_a.setdefault(k, np.zeros((len(u), 3)))[mask] = v
        out_o[mask], out_r[mask] = o, r
    return out_a, out_o, out_r
