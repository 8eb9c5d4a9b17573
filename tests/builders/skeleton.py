"""A small kinematic human body, and a camera that reports it the way MediaPipe Pose does.

Exercise builders (``sldl.py`` and its siblings) pose this body by joint angles, frame by
frame; :func:`render` then turns the posed landmarks into a :class:`PoseSequence`.

Ground frame (metres, right-handed): origin on the floor, **x = the person's forward,
y = the person's left, z = up**. Every segment carries a frame whose columns are its own
(forward, left, up) axes; in the neutral standing pose all of them equal the ground axes, so
joint angles are anatomical and zero means "standing tall, arms by the sides".

Joint angles are ``(a, b, c)`` in degrees, applied intrinsically as ``Ry(a) Rx(b) Rz(c)``
(flexion about the parent's lateral axis first, then the floating axis, then the long axis):

====================== ============================ ============================ ===============
joint                  a                            b                            c
====================== ============================ ============================ ===============
lumbar, thoracic,      flexion (bend forward)       lateral bend to the left     axial rotation
neck, head                                                                       to the left
{side}_hip             flexion (thigh forward)      abduction                    internal rot.
{side}_knee            flexion                      -                            -
{side}_ankle           dorsiflexion                 inversion                    internal rot.
{side}_shoulder        flexion (arm forward)        abduction                    internal rot.
{side}_elbow           flexion                      -                            -
====================== ============================ ============================ ===============

"left" and "right" are the person's own sides, as in MediaPipe. Segment lengths follow
Winter's anthropometric proportions of standing height (Winter, *Biomechanics and Motor
Control of Human Movement*, fig. 4.1); landmark offsets follow where COCO/BlazePose
annotators put points on the body surface (hip a little lateral of the joint centre, ears
on the sides of the head, hand points on the fist).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.types import VIEWS, PoseSequence

L = Landmark
SIDES = ("left", "right")
_SIDE_SIGN = {"left": 1.0, "right": -1.0}  # sign of the person's y for that side

# ---------------------------------------------------------------- rotations and joint angles


def _rot(axis: int, deg: np.ndarray | float) -> np.ndarray:
    a = np.radians(np.asarray(deg, dtype=float))
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    if axis == 0:
        m = [[o, z, z], [z, c, -s], [z, s, c]]
    elif axis == 1:
        m = [[c, z, s], [z, o, z], [-s, z, c]]
    else:
        m = [[c, -s, z], [s, c, z], [z, z, o]]
    return np.moveaxis(np.array(m), (0, 1), (-2, -1))


def rot_x(deg: np.ndarray | float) -> np.ndarray:
    """Rotation matrices (..., 3, 3) about x by ``deg`` (any shape)."""
    return _rot(0, deg)


def rot_y(deg: np.ndarray | float) -> np.ndarray:
    return _rot(1, deg)


def rot_z(deg: np.ndarray | float) -> np.ndarray:
    return _rot(2, deg)


# Sign that turns each anatomical angle into a rotation about (y, x, z), for the LEFT side;
# the right side mirrors the x and z rotations. Derived from the axes: +Ry swings a
# downward-pointing limb backward and an upward-pointing trunk forward; +Rx swings a limb to
# the person's left; +Rz turns the front of a segment to the left.
_SIGNS: dict[str, tuple[float, float, float]] = {
    "spine": (1.0, -1.0, 1.0),
    "hip": (-1.0, 1.0, -1.0),
    "knee": (1.0, 1.0, -1.0),
    "ankle": (-1.0, -1.0, -1.0),
    "shoulder": (-1.0, 1.0, -1.0),
    "elbow": (-1.0, 1.0, -1.0),
}
SPINE_JOINTS = ("lumbar", "thoracic", "neck", "head")
LIMB_JOINTS = ("hip", "knee", "ankle", "shoulder", "elbow")
JOINTS = SPINE_JOINTS + tuple(f"{s}_{j}" for s in SIDES for j in LIMB_JOINTS)


def _signs(joint: str) -> tuple[float, float, float]:
    if joint in SPINE_JOINTS:
        return _SIGNS["spine"]
    side, _, kind = joint.partition("_")
    if side not in SIDES or kind not in LIMB_JOINTS:
        raise ValueError(f"unknown joint {joint!r}; joints are {', '.join(JOINTS)}")
    sf, sa, sr = _SIGNS[kind]
    return (sf, sa, sr) if side == "left" else (sf, -sa, -sr)


def _triples(angles: np.ndarray | Sequence[float]) -> np.ndarray:
    """Angles as (..., 3), padding a short last axis with zeros: ``(20,)`` is a flexion."""
    a = np.asarray(angles, dtype=float)
    if a.ndim == 0:
        a = a[None]
    if a.shape[-1] < 3:
        a = np.concatenate([a, np.zeros(a.shape[:-1] + (3 - a.shape[-1],))], axis=-1)
    return a


def joint_rotation(joint: str, angles: np.ndarray | Sequence[float]) -> np.ndarray:
    """Rotation (..., 3, 3) of a child segment in its parent's frame, from anatomical angles
    (..., 3) in degrees."""
    sf, sa, sr = _signs(joint)
    a = _triples(angles)
    return rot_y(sf * a[..., 0]) @ rot_x(sa * a[..., 1]) @ rot_z(sr * a[..., 2])


def joint_angles(joint: str, rotation: np.ndarray) -> np.ndarray:
    """Inverse of :func:`joint_rotation`: anatomical angles (..., 3) of relative rotations."""
    sf, sa, sr = _signs(joint)
    r = np.asarray(rotation, dtype=float)
    a = np.degrees(np.arctan2(r[..., 0, 2], r[..., 2, 2]))
    b = np.degrees(np.arcsin(np.clip(-r[..., 1, 2], -1.0, 1.0)))
    c = np.degrees(np.arctan2(r[..., 1, 0], r[..., 1, 1]))
    return np.stack([a / sf, b / sa, c / sr], axis=-1)


def root_rotation(
    heading_deg: np.ndarray | float = 0.0,
    tilt_deg: np.ndarray | float = 0.0,
    list_deg: np.ndarray | float = 0.0,
    axial_deg: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Pelvis orientation in the ground frame.

    ``heading`` turns the body to the left about vertical, ``tilt`` pitches the pelvis
    forward (a hinge), ``list`` drops the pelvis to the right (left side up), ``axial``
    turns it to the left about its own long axis (what "hips opening" does at the bottom of
    a single-leg hinge).
    """
    return rot_z(heading_deg) @ rot_y(tilt_deg) @ rot_x(list_deg) @ rot_z(axial_deg)


# ---------------------------------------------------------------------------------- the body


@dataclass(frozen=True)
class Body:
    """Segment lengths and landmark offsets, metres. Build with :meth:`adult`."""

    height_m: float
    hip_half_width: float  # pelvis centre to each hip joint centre
    hip_landmark_out: float  # the hip landmark sits this far lateral of the joint centre
    thigh: float
    shank: float
    ankle_height: float
    heel_back: float  # heel landmark behind the ankle joint, on the floor
    toe_forward: float  # foot-index landmark ahead of the ankle joint, on the floor
    sacrum: float  # hip-joint midpoint up to the lumbosacral joint
    lumbar: float  # L5/S1 to T12/L1
    thoracic: float  # T12/L1 to C7/T1
    neck: float  # C7/T1 to the head's pivot (atlanto-occipital joint)
    shoulder_half_width: float  # midline to the shoulder landmark (glenohumeral centre)
    shoulder_drop: float  # shoulder landmark below C7/T1
    upper_arm: float
    forearm: float
    face: dict[str, tuple[float, float, float]] = field(repr=False)  # in the head frame, left
    hand: dict[str, tuple[float, float, float]] = field(repr=False)  # in the forearm frame

    @classmethod
    def adult(cls, height_m: float = 1.75) -> Body:
        """Winter's proportions of height H (hip joint 0.530 H, knee 0.285 H, ankle 0.039 H,
        shoulder 0.818 H, elbow 0.630 H, wrist 0.485 H, eye 0.936 H, foot 0.152 H)."""
        if not 1.0 <= height_m <= 2.3:
            raise ValueError(f"height_m={height_m} is not an adult height (1.0 to 2.3 m)")
        h = height_m
        k = h / 1.75  # face and hand offsets were measured on a 1.75 m adult
        face = {
            "nose": (0.110, 0.0, 0.030),
            "eye_inner": (0.088, 0.016, 0.060),
            "eye": (0.085, 0.032, 0.060),
            "eye_outer": (0.078, 0.047, 0.060),
            "ear": (0.0, 0.072, 0.025),
            "mouth": (0.092, 0.025, -0.005),
        }
        # A fist in a neutral grip (palm facing the thigh, thumb forward) around a handle.
        hand = {
            "index": (0.030, 0.0, -0.085),
            "pinky": (-0.020, 0.0, -0.080),
            "thumb": (0.035, -0.015, -0.050),
        }
        return cls(
            height_m=h,
            hip_half_width=0.050 * h,
            hip_landmark_out=0.015 * h,
            thigh=0.245 * h,
            shank=0.246 * h,
            ankle_height=0.039 * h,
            heel_back=0.025 * h,
            toe_forward=0.115 * h,
            sacrum=0.055 * h,
            lumbar=0.100 * h,
            thoracic=0.145 * h,
            neck=0.070 * h,
            shoulder_half_width=0.110 * h,
            shoulder_drop=0.015 * h,
            upper_arm=0.186 * h,
            forearm=0.146 * h,
            face={n: (x * k, y * k, z * k) for n, (x, y, z) in face.items()},
            hand={n: (x * k, y * k, z * k) for n, (x, y, z) in hand.items()},
        )

    def leg_chord(self, knee_flexion_deg: np.ndarray | float) -> np.ndarray:
        """Hip-joint-to-ankle distance for a knee flexion (law of cosines)."""
        interior = np.radians(180.0 - np.asarray(knee_flexion_deg, dtype=float))
        a, b = self.thigh, self.shank
        return np.sqrt(a * a + b * b - 2.0 * a * b * np.cos(interior))


@dataclass(frozen=True)
class Posed:
    """A posed body in the ground frame; arrays carry the batch shape of the inputs."""

    landmarks: np.ndarray  # (..., 33, 3)
    joints: dict[str, np.ndarray]  # joint centres, e.g. "sacrum", "c7", "left_hip" (..., 3)
    frames: dict[str, np.ndarray]  # segment orientations, columns forward/left/up (..., 3, 3)


def _apply(r: np.ndarray, v: np.ndarray | Sequence[float]) -> np.ndarray:
    """Rotate vectors: (..., 3, 3) x (..., 3) or (3,) -> (..., 3)."""
    return np.einsum("...ij,...j->...i", r, np.asarray(v, dtype=float))


def pose(
    body: Body,
    angles: Mapping[str, np.ndarray | Sequence[float]],
    pelvis_position: np.ndarray | Sequence[float],
    pelvis_rotation: np.ndarray,
) -> Posed:
    """Forward kinematics: joint angles (see module doc; missing joints are 0) -> landmarks.

    Vectorised: ``pelvis_position`` (..., 3) is the midpoint of the hip joint centres,
    ``pelvis_rotation`` (..., 3, 3), each joint's angles (..., 3) or a shorter tuple.
    """
    unknown = set(angles) - set(JOINTS)
    if unknown:
        raise ValueError(f"unknown joints {sorted(unknown)}; joints are {', '.join(JOINTS)}")
    o = np.asarray(pelvis_position, dtype=float)
    rp = np.broadcast_to(np.asarray(pelvis_rotation, dtype=float), o.shape[:-1] + (3, 3))
    batch = o.shape[:-1]

    def jr(name: str) -> np.ndarray:
        a = _triples(angles.get(name, (0.0, 0.0, 0.0)))
        return joint_rotation(name, np.broadcast_to(a, batch + (3,)))

    b = body
    lm = np.zeros(batch + (NUM_LANDMARKS, 3))
    joints: dict[str, np.ndarray] = {"pelvis": o}
    frames: dict[str, np.ndarray] = {"pelvis": rp}

    # Spine as three bending segments, so flexion makes a curve, not a kink.
    joints["sacrum"] = o + _apply(rp, (0.0, 0.0, b.sacrum))
    r_lumbar = rp @ jr("lumbar")
    joints["l1"] = joints["sacrum"] + _apply(r_lumbar, (0.0, 0.0, b.lumbar))
    r_thorax = r_lumbar @ jr("thoracic")
    joints["c7"] = joints["l1"] + _apply(r_thorax, (0.0, 0.0, b.thoracic))
    r_neck = r_thorax @ jr("neck")
    joints["head"] = joints["c7"] + _apply(r_neck, (0.0, 0.0, b.neck))
    r_head = r_neck @ jr("head")
    frames.update(lumbar=r_lumbar, thorax=r_thorax, neck=r_neck, head=r_head)

    head = joints["head"]
    lm[..., L.NOSE, :] = head + _apply(r_head, b.face["nose"])
    for side in SIDES:
        sy = _SIDE_SIGN[side]
        up = side.upper()
        for part in ("eye_inner", "eye", "eye_outer", "ear"):
            x, y, z = b.face[part]
            lm[..., L[f"{up}_{part.upper()}"], :] = head + _apply(r_head, (x, sy * y, z))
        x, y, z = b.face["mouth"]
        lm[..., L[f"MOUTH_{up}"], :] = head + _apply(r_head, (x, sy * y, z))

        # Legs hang from the pelvis.
        hip = o + _apply(rp, (0.0, sy * b.hip_half_width, 0.0))
        r_thigh = rp @ jr(f"{side}_hip")
        knee = hip + _apply(r_thigh, (0.0, 0.0, -b.thigh))
        r_shank = r_thigh @ jr(f"{side}_knee")
        ankle = knee + _apply(r_shank, (0.0, 0.0, -b.shank))
        r_foot = r_shank @ jr(f"{side}_ankle")
        joints.update({f"{side}_hip": hip, f"{side}_knee": knee, f"{side}_ankle": ankle})
        frames.update({f"{side}_thigh": r_thigh, f"{side}_shank": r_shank, f"{side}_foot": r_foot})
        lm[..., L[f"{up}_HIP"], :] = hip + _apply(rp, (0.0, sy * b.hip_landmark_out, 0.0))
        lm[..., L[f"{up}_KNEE"], :] = knee
        lm[..., L[f"{up}_ANKLE"], :] = ankle
        heel = (-b.heel_back, 0.0, -b.ankle_height)
        lm[..., L[f"{up}_HEEL"], :] = ankle + _apply(r_foot, heel)
        toe = (b.toe_forward, 0.0, -b.ankle_height)
        lm[..., L[f"{up}_FOOT_INDEX"], :] = ankle + _apply(r_foot, toe)

        # Arms hang from the upper thorax.
        acromion = (0.0, sy * b.shoulder_half_width, -b.shoulder_drop)
        shoulder = joints["c7"] + _apply(r_thorax, acromion)
        r_upper = r_thorax @ jr(f"{side}_shoulder")
        elbow = shoulder + _apply(r_upper, (0.0, 0.0, -b.upper_arm))
        r_fore = r_upper @ jr(f"{side}_elbow")
        wrist = elbow + _apply(r_fore, (0.0, 0.0, -b.forearm))
        joints.update(
            {f"{side}_shoulder": shoulder, f"{side}_elbow": elbow, f"{side}_wrist": wrist}
        )
        frames.update({f"{side}_upper_arm": r_upper, f"{side}_forearm": r_fore})
        lm[..., L[f"{up}_SHOULDER"], :] = shoulder
        lm[..., L[f"{up}_ELBOW"], :] = elbow
        lm[..., L[f"{up}_WRIST"], :] = wrist
        for part in ("index", "pinky", "thumb"):
            x, y, z = b.hand[part]
            lm[..., L[f"{up}_{part.upper()}"], :] = wrist + _apply(r_fore, (x, sy * y, z))
    return Posed(landmarks=lm, joints=joints, frames=frames)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=-1, keepdims=True)


def leg_ik(
    body: Body,
    hip: np.ndarray,
    ankle: np.ndarray,
    forward: np.ndarray | Sequence[float],
    medial: np.ndarray | Sequence[float],
    swivel_deg: np.ndarray | float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thigh and shank frames (ground frame) that join hip joints (..., 3) to ankles (..., 3).

    The knee points along ``forward``, turned by ``swivel_deg`` about the hip-ankle line
    toward ``medial`` (a knee caving in is hip adduction plus internal rotation with the foot
    fixed). Returns (thigh frames, shank frames, knee flexion in degrees).
    """
    hip, ankle = np.asarray(hip, dtype=float), np.asarray(ankle, dtype=float)
    fwd, med = np.asarray(forward, dtype=float), np.asarray(medial, dtype=float)
    chord = ankle - hip
    u = _unit(chord)
    a, b = body.thigh, body.shank
    d = np.minimum(np.linalg.norm(chord, axis=-1, keepdims=True), a + b - 1e-9)
    n0 = _unit(fwd - _dot(fwd, u) * u)
    m = _unit(med - _dot(med, u) * u - _dot(med, n0) * n0)
    sw = np.radians(np.asarray(swivel_deg, dtype=float))[..., None]
    n = np.cos(sw) * n0 + np.sin(sw) * m
    ang = np.arccos(np.clip((a * a + d * d - b * b) / (2.0 * a * d), -1.0, 1.0))
    knee = hip + a * (np.cos(ang) * u + np.sin(ang) * n)
    z_t = (hip - knee) / a
    z_s = _unit(knee - ankle)
    y_t = _unit(np.cross(z_t, z_s))
    thigh = np.stack([np.cross(y_t, z_t), y_t, z_t], axis=-1)
    flex = np.degrees(np.arctan2(_dot(np.cross(z_t, z_s), y_t), _dot(z_t, z_s)))[..., 0]
    return thigh, thigh @ rot_y(flex), flex


# ------------------------------------------------------------------------- motion and camera


@dataclass(frozen=True)
class Motion:
    """A posed body over time, noise free, in the ground frame."""

    t: np.ndarray  # (T,)
    landmarks: np.ndarray  # (T, 33, 3)
    joints: dict[str, np.ndarray]  # (T, 3) each
    frames: dict[str, np.ndarray]  # (T, 3, 3) each
    angles: dict[str, np.ndarray]  # (T, 3) each: the joint angles that produced the pose

    @classmethod
    def from_posed(
        cls, t: np.ndarray, posed: Posed, angles: Mapping[str, np.ndarray | Sequence[float]]
    ) -> Motion:
        n = len(t)
        return cls(
            t=np.asarray(t, dtype=float),
            landmarks=posed.landmarks,
            joints=posed.joints,
            frames=posed.frames,
            angles={k: np.broadcast_to(_triples(v), (n, 3)).copy() for k, v in angles.items()},
        )


# Camera azimuth about the person (degrees, counter-clockwise seen from above, 0 = in front of
# the person) for each view when the person faces right in the image; mirrored for "left".
_VIEW_YAW = {"side": -90.0, "front": 0.0, "back": 180.0, "oblique": -45.0}


@dataclass(frozen=True)
class Camera:
    """A level pinhole camera on a tripod, aimed horizontally at ``target_xy``.

    ``yaw_deg`` (default from ``view`` and ``facing``) is where the camera stands around the
    person: 0 in front, 90 at the person's left, 180 behind, -90 at the person's right. In a
    side view with ``facing="right"`` the camera is at the person's right, so the person faces
    image-right and the right side is the near side. ``fov_deg`` is the horizontal field of
    view; pixels are square.
    """

    view: str = "side"
    yaw_deg: float | None = None
    distance_m: float = 3.5
    height_m: float = 0.9  # lens height above the floor
    fov_deg: float = 60.0
    width: int = 640
    height: int = 480
    facing: str = "right"
    target_xy: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise ValueError(f"view={self.view!r}; choose one of {', '.join(VIEWS)}")
        if self.facing not in ("left", "right"):
            raise ValueError(f"facing={self.facing!r}; choose 'left' or 'right'")

    @property
    def yaw(self) -> float:
        if self.yaw_deg is not None:
            return float(self.yaw_deg)
        yaw = _VIEW_YAW[self.view]
        return -yaw if self.facing == "left" and self.view in ("side", "oblique") else yaw

    @property
    def position(self) -> np.ndarray:
        y = math.radians(self.yaw)
        tx, ty = self.target_xy
        return np.array(
            [tx + self.distance_m * math.cos(y), ty + self.distance_m * math.sin(y), self.height_m]
        )

    @property
    def rotation(self) -> np.ndarray:
        """Rows: the camera's right, down and forward (optical axis) in the ground frame."""
        y = math.radians(self.yaw)
        fwd = np.array([-math.cos(y), -math.sin(y), 0.0])
        right = np.cross(fwd, (0.0, 0.0, 1.0))
        down = np.cross(fwd, right)
        return np.stack([right, down, fwd])

    @property
    def focal_px(self) -> float:
        return (self.width / 2.0) / math.tan(math.radians(self.fov_deg) / 2.0)

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        return (np.asarray(points, dtype=float) - self.position) @ self.rotation.T

    def project(self, points: np.ndarray) -> np.ndarray:
        """(..., 3) ground-frame points -> (..., 2) normalised image coordinates."""
        c = self.to_camera(points)
        f = self.focal_px
        u = f * c[..., 0] / c[..., 2] + self.width / 2.0
        v = f * c[..., 1] / c[..., 2] + self.height / 2.0
        return np.stack([u / self.width, v / self.height], axis=-1)

    def world_landmarks(self, landmarks: np.ndarray) -> np.ndarray:
        """(..., 33, 3) ground frame -> MediaPipe world landmarks: origin midway between the
        hip landmarks, axes of the camera (x right, y down, z away from the camera)."""
        p = np.asarray(landmarks, dtype=float)
        mid = (p[..., L.LEFT_HIP, :] + p[..., L.RIGHT_HIP, :]) / 2.0
        return (p - mid[..., None, :]) @ self.rotation.T


# Which segment's lateral axis says whether a landmark faces the camera.
_ARM = ("SHOULDER", "ELBOW", "WRIST", "PINKY", "INDEX", "THUMB")
_LEG = ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX")


def visibility(motion: Motion, camera: Camera) -> np.ndarray:
    """(T, 33) in [0, 1]: ~1 where a landmark's surface faces the camera, ~0.5 where the body
    hides it (the far-side limbs in a side view, the face from behind), as MediaPipe reports.
    """
    head, thorax, pelvis = motion.frames["head"], motion.frames["thorax"], motion.frames["pelvis"]
    normals = np.zeros(motion.landmarks.shape)
    normals[:, L.NOSE] = head[:, :, 0]
    for side in SIDES:
        sy = _SIDE_SIGN[side]
        up = side.upper()
        out_head = sy * head[:, :, 1]
        for part, lateral in (("EYE_INNER", 0.3), ("EYE", 0.5), ("EYE_OUTER", 0.8)):
            normals[:, L[f"{up}_{part}"]] = head[:, :, 0] + lateral * out_head
        normals[:, L[f"MOUTH_{up}"]] = head[:, :, 0] + 0.4 * out_head
        normals[:, L[f"{up}_EAR"]] = out_head
        for part in _ARM:
            normals[:, L[f"{up}_{part}"]] = sy * thorax[:, :, 1]
        for part in _LEG:
            normals[:, L[f"{up}_{part}"]] = sy * pelvis[:, :, 1]
    normals /= np.linalg.norm(normals, axis=-1, keepdims=True)
    to_cam = camera.position - motion.landmarks
    to_cam /= np.linalg.norm(to_cam, axis=-1, keepdims=True)
    facing = np.sum(normals * to_cam, axis=-1)
    vis = 0.45 + 0.55 / (1.0 + np.exp(-5.0 * (facing + 0.6)))
    xy = camera.project(motion.landmarks)
    outside = np.any((xy < 0.0) | (xy > 1.0), axis=-1)
    return np.where(outside, 0.2 * vis, vis)


@dataclass(frozen=True)
class Noise:
    """Landmark noise as MediaPipe shows it on a still person (standard deviations)."""

    px: float = 1.5  # image points, pixels
    world_m: float = 0.01  # world x and y
    depth_m: float = 0.03  # world z: depth is the least certain
    visibility: float = 0.02  # jitter on the visibility score

    @classmethod
    def scaled(cls, px: float) -> Noise:
        """All noise in proportion to the pixel noise; ``scaled(0)`` is noise free."""
        k = px / 1.5
        return cls(px=px, world_m=0.01 * k, depth_m=0.03 * k, visibility=0.02 * min(k, 1.0))


def render(
    motion: Motion,
    camera: Camera,
    *,
    noise: Noise | None = None,
    seed: int = 0,
    drop_frames: float = 0.0,
) -> PoseSequence:
    """What MediaPipe would report for ``motion`` seen by ``camera``.

    Noise is white Gaussian, larger on hidden landmarks (x1 facing the camera, about x1.8
    hidden), as the estimator guesses those. ``drop_frames`` NaNs out that fraction of frames
    in short runs of 1 to 6 frames (missed detections).
    """
    if not 0.0 <= drop_frames < 1.0:
        raise ValueError(f"drop_frames={drop_frames} must be in [0, 1)")
    noise = Noise() if noise is None else noise
    rng = np.random.default_rng(seed)
    n = len(motion.t)
    vis = visibility(motion, camera)
    spread = 1.0 + 1.5 * (1.0 - np.clip(vis, 0.0, 1.0))[..., None]
    image_xy = camera.project(motion.landmarks)
    size = np.array([camera.width, camera.height], dtype=float)
    image_xy = image_xy + rng.normal(0.0, noise.px, image_xy.shape) * spread / size
    world = camera.world_landmarks(motion.landmarks)
    sigma = np.array([noise.world_m, noise.world_m, noise.depth_m])
    world = world + rng.normal(0.0, 1.0, world.shape) * sigma * spread
    vis = np.clip(vis + rng.normal(0.0, noise.visibility, vis.shape), 0.0, 1.0)

    dropped = np.zeros(n, dtype=bool)
    target = int(round(drop_frames * n))
    while dropped.sum() < target:
        start = int(rng.integers(0, n))
        run = int(rng.integers(1, 7))
        dropped[start : start + min(run, target - int(dropped.sum()))] = True
    # The back's outline, as the person mask would show it (builders.outline), read against
    # the reported hips and shoulders; its edge jitters by a third of the landmark noise.
    from .outline import back_curve, outline_of

    curve = camera.project(back_curve(motion.joints, motion.frames)) * size
    curve = curve + rng.normal(0.0, noise.px / 3.0, curve.shape)
    outline, sharpness = outline_of(curve, image_xy, (camera.width, camera.height))

    image_xy[dropped] = np.nan
    world[dropped] = np.nan
    vis[dropped] = 0.0
    outline[dropped] = np.nan
    sharpness[dropped] = np.nan
    return PoseSequence(
        t=motion.t.copy(),
        image_xy=image_xy,
        world_xyz=world,
        visibility=vis,
        frame_size=(camera.width, camera.height),
        outline=outline,
        outline_sharpness=sharpness,
    )
