"""Per-frame measures: functions of landmark arrays, vectorised over time, (T, 33, D) -> (T,).

Each measure is registered with its unit and a one-line meaning, so the rules, the CSV and the
overlay all speak of the same named quantity. Angles in the sagittal plane are taken in the
image (pixels, aspect-true) because a side view shows them directly and MediaPipe's depth is
the noisiest coordinate; joint flexions are taken from the 3D world landmarks, which do not
depend on the view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from formcheck.pose.landmarks import Landmark as L
from formcheck.pose.landmarks import side_landmark
from formcheck.signals import back as back_shape
from formcheck.signals import geometry as g
from formcheck.signals.back import back_profile
from formcheck.types import PoseSequence


@dataclass(frozen=True)
class MeasureInfo:
    unit: str
    meaning: str


@dataclass(frozen=True)
class BodySides:
    """Which leg stands and which hand holds the weight, per frame: (T,) bool arrays."""

    left_stands: np.ndarray
    left_hand_loaded: np.ndarray


class Body:
    """Landmark accessors for one smoothed sequence, with the standing/free leg resolved per
    frame so measures can ask for "the standing knee" directly."""

    def __init__(self, seq: PoseSequence, sides: BodySides, facing: int, view: str = "side"):
        self.seq = seq
        self.px = seq.pixel_xy
        self.w = seq.world_xyz
        self.sides = sides
        self.view = view
        self.side_on = view == "side"  # the image shows the profile undistorted
        self.facing = facing if facing != 0 else 1

    def _pick(self, arr: np.ndarray, name: str, left_mask: np.ndarray) -> np.ndarray:
        left = arr[:, side_landmark(name, "left")]
        right = arr[:, side_landmark(name, "right")]
        return np.where(left_mask[:, None], left, right)

    def stand(self, arr: np.ndarray, name: str) -> np.ndarray:
        return self._pick(arr, name, self.sides.left_stands)

    def free(self, arr: np.ndarray, name: str) -> np.ndarray:
        return self._pick(arr, name, ~self.sides.left_stands)

    def bell(self, arr: np.ndarray, name: str) -> np.ndarray:
        return self._pick(arr, name, self.sides.left_hand_loaded)

    def other_hand(self, arr: np.ndarray, name: str) -> np.ndarray:
        return self._pick(arr, name, ~self.sides.left_hand_loaded)

    @staticmethod
    def mid(arr: np.ndarray, name: str) -> np.ndarray:
        return 0.5 * (arr[:, side_landmark(name, "left")] + arr[:, side_landmark(name, "right")])

    def back(self) -> tuple[np.ndarray, np.ndarray]:
        """The back's edge (T, K) and where it can be trusted (T,) (signals.back), read once."""
        if not hasattr(self, "_back"):
            self._back = back_profile(
                self.seq.outline, self.seq.outline_sharpness, self.px, self.facing
            )
        return self._back

    def leg_length_px(self) -> float:
        """Median standing-leg length (hip-knee-ankle) in pixels: a per-clip scale."""
        thigh = g.norm(self.stand(self.px, "hip") - self.stand(self.px, "knee"))
        shin = g.norm(self.stand(self.px, "knee") - self.stand(self.px, "ankle"))
        return g.robust_median(thigh + shin)

    def leg_length_m(self) -> float:
        thigh = g.norm(self.stand(self.w, "hip") - self.stand(self.w, "knee"))
        shin = g.norm(self.stand(self.w, "knee") - self.stand(self.w, "ankle"))
        return g.robust_median(thigh + shin)


MeasureFn = Callable[[Body], np.ndarray]
MEASURES: dict[str, tuple[MeasureFn, MeasureInfo]] = {}


def measure(name: str, unit: str, meaning: str):
    def register(fn: MeasureFn) -> MeasureFn:
        MEASURES[name] = (fn, MeasureInfo(unit, meaning))
        return fn

    return register


# --- trunk -------------------------------------------------------------------------------


@measure("trunk_inclination_deg", "deg", "trunk (hips to shoulders) away from vertical")
def trunk_inclination(b: Body) -> np.ndarray:
    if b.view == "back":
        # From behind, MediaPipe's world landmarks of a hinging lifter went past 90 deg on
        # rendered clips; the image shows the tilt as the back shortening toward the camera.
        length = g.norm(b.mid(b.px, "shoulder") - b.mid(b.px, "hip"))
        upright = np.nanpercentile(length, 95) if np.isfinite(length).any() else np.nan
        return np.degrees(np.arccos(np.clip(length / upright, 0.0, 1.0)))
    return g.inclination_from_vertical(b.mid(b.w, "shoulder") - b.mid(b.w, "hip"))


@measure("trunk_lean_deg", "deg", "trunk ahead of vertical in the image (negative = leaning back)")
def trunk_lean(b: Body) -> np.ndarray:
    trunk = b.mid(b.px, "shoulder") - b.mid(b.px, "hip")
    return np.degrees(np.arctan2(b.facing * trunk[:, 0], -trunk[:, 1]))


@measure(
    "spine_flexion_deg",
    "deg",
    "ear-shoulder-hip bend at the shoulder, toward the chest (the stick test's straight line)",
)
def spine_flexion(b: Body) -> np.ndarray:
    hip, shoulder, ear = b.mid(b.px, "hip"), b.mid(b.px, "shoulder"), b.mid(b.px, "ear")
    return b.facing * g.signed_angle_2d(shoulder - hip, ear - shoulder)


@measure(
    "head_pitch_deg",
    "deg",
    "head turned up (positive) or tucked down (negative) against the trunk line",
)
def head_pitch(b: Body) -> np.ndarray:
    # The ear-to-nose direction is square to the trunk in a neutral head; looking up turns the
    # nose away from the chest (counter-clockwise on screen for someone facing right).
    trunk = b.mid(b.px, "shoulder") - b.mid(b.px, "hip")
    gaze = b.px[:, L.NOSE] - b.mid(b.px, "ear")
    return -(b.facing * g.signed_angle_2d(trunk, gaze) - 90.0)


@measure(
    "trunk_above_horizontal_deg",
    "deg",
    "trunk raised above horizontal (bent-over work: 0 = parallel to the floor)",
)
def trunk_above_horizontal(b: Body) -> np.ndarray:
    return 90.0 - trunk_inclination(b)


# --- the whole body ----------------------------------------------------------------------


def _foot_height(b: Body) -> np.ndarray:
    """World y (down) of the lower ankle: the standing foot (a single-leg deadlift lifts the
    other)."""
    return np.fmax(b.w[:, L.LEFT_ANKLE, 1], b.w[:, L.RIGHT_ANKLE, 1])


def _leg_length_w(b: Body) -> float:
    """Median foot-knee-hip length of both legs, metres."""
    w = b.w
    legs = [
        g.norm(w[:, side_landmark("hip", s)] - w[:, side_landmark("knee", s)])
        + g.norm(w[:, side_landmark("knee", s)] - w[:, side_landmark("ankle", s)])
        for s in ("left", "right")
    ]
    return g.robust_median(0.5 * (legs[0] + legs[1]))


@measure(
    "body_lowering",
    "fraction",
    "how far the shoulders came down toward the standing foot, as a fraction of the "
    "foot-knee-hip-shoulder chain (0 standing tall, about 0.2-0.6 at the bottom of a rep)",
)
def body_lowering(b: Body) -> np.ndarray:
    # Heights are the world landmarks' (metres, y down), which a front view shows as well as
    # a side one (the image foreshortens a trunk tipping toward the camera), over the body's
    # own chain length, so neither the lifter's size nor the distance to the camera matters.
    trunk = g.robust_median(g.norm(b.mid(b.w, "shoulder") - b.mid(b.w, "hip")))
    chain = _leg_length_w(b) + trunk
    return 1.0 - (_foot_height(b) - b.mid(b.w, "shoulder")[:, 1]) / chain


@measure(
    "hip_lowering",
    "fraction",
    "how far the hips came down toward the standing foot, as a fraction of their standing "
    "height (0 standing, under 0.1 in a hinge on soft knees, 0.3-0.5 in a squat)",
)
def hip_lowering(b: Body) -> np.ndarray:
    # In the image: any camera held level shows the hips' drop, whatever side it films from,
    # and the image's heights do not wobble as the world landmarks' do at the bottom of a
    # deep hinge. Against the clip's own standing height (a high percentile of the hips'
    # height above the lower ankle), so the lifter's size and distance do not matter.
    px = b.px
    height = np.fmax(px[:, L.LEFT_ANKLE, 1], px[:, L.RIGHT_ANKLE, 1]) - b.mid(px, "hip")[:, 1]
    finite = height[np.isfinite(height)]
    standing = np.percentile(finite, STANDING_PERCENTILE) if finite.size else np.nan
    return 1.0 - height / standing


# The standing height of the hips: most frames of a set are near standing, and the highest
# few may be a jump or a glitch.
STANDING_PERCENTILE = 90.0
# One degree of trunk tilt counts as this much depth in ``hinge_depth``: 250 makes a pure
# hinge read as its trunk angle / 250 (30 deg -> 0.12), so the trunk's thresholds carry over.
TRUNK_DEG_PER_DEPTH = 250.0
# A leg length of hip lowering counts as this much depth: a squatted pull (trunk ~35 deg,
# hips down 0.3-0.5 leg lengths) reads 0.25-0.35, as deep as a hinge to 60-90 deg.
HIP_LOWERING_WEIGHT = 0.5


@measure(
    "hinge_depth",
    "fraction",
    "how far into a hinge or a squat: the trunk's tilt (/250 deg) plus half the hips' "
    "lowering in leg lengths (0 standing tall, 0.2-0.4 at a bottom)",
)
def hinge_depth(b: Body) -> np.ndarray:
    # The rep signal of the two-footed and single-leg hinges. A rep lowers the lifter
    # whatever the form: a hinge tips the trunk, a squat drops the hips, a short rep stops
    # early. The trunk alone misses a rep lifted by squatting (its trunk stays near 35 deg);
    # the hips' drop adds what the knees did. The trunk keeps the signal's shape (the pose
    # model's heights wobble at the bottom of a deep hinge).
    drop = np.clip(hip_lowering(b), 0.0, None)
    tilt = trunk_inclination(b)
    if b.side_on:  # leaning back at the top is not going down (the angle itself is unsigned)
        tilt = np.where(trunk_lean(b) < 0.0, 0.0, tilt)
    return tilt / TRUNK_DEG_PER_DEPTH + HIP_LOWERING_WEIGHT * drop


# --- the back's outline ------------------------------------------------------------------


@measure(
    "back_rounding",
    "line lengths",
    "how far the middle of the back's outline stands out from the line joining its ends, "
    "in hip-shoulder lengths (> 0 rounded, < 0 arched; from the person mask)",
)
def back_rounding(b: Body) -> np.ndarray:
    return back_shape.rounding(b.back()[0])


@measure(
    "back_bend_deg",
    "deg",
    "angle between the lower and upper halves of the back's outline (> 0 flexed, < 0 "
    "arched; from the person mask)",
)
def back_bend(b: Body) -> np.ndarray:
    return back_shape.bend_deg(b.back()[0])


@measure(
    "back_outline_seen",
    "fraction",
    "1 where the back's outline could be traced and trusted in the frame, else 0",
)
def back_outline_seen(b: Body) -> np.ndarray:
    return b.back()[1].astype(float)


# --- standing leg ------------------------------------------------------------------------


@measure("standing_knee_flexion_deg", "deg", "standing knee bend, 3D (0 = straight)")
def standing_knee_flexion(b: Body) -> np.ndarray:
    return g.flexion(b.stand(b.w, "hip"), b.stand(b.w, "knee"), b.stand(b.w, "ankle"))


@measure("standing_hip_flexion_deg", "deg", "standing hip bend between trunk and thigh, 3D")
def standing_hip_flexion(b: Body) -> np.ndarray:
    return g.flexion(b.mid(b.w, "shoulder"), b.stand(b.w, "hip"), b.stand(b.w, "knee"))


@measure(
    "knee_to_hip_flexion",
    "ratio",
    "standing knee bend divided by hip bend: a squat bends the knee as much as the hip",
)
def knee_to_hip_flexion(b: Body) -> np.ndarray:
    hip = standing_hip_flexion(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(hip > 10.0, standing_knee_flexion(b) / hip, np.nan)


@measure(
    "knee_valgus_deg",
    "deg",
    "standing knee inside the hip-ankle line in the image (front or back view)",
)
def knee_valgus(b: Body) -> np.ndarray:
    hip, knee, ankle = b.stand(b.px, "hip"), b.stand(b.px, "knee"), b.stand(b.px, "ankle")
    medial = np.sign(b.free(b.px, "hip")[:, 0] - hip[:, 0])  # toward the body's midline
    expected_x = hip[:, 0] + (ankle[:, 0] - hip[:, 0]) * (knee[:, 1] - hip[:, 1]) / (
        ankle[:, 1] - hip[:, 1]
    )
    inward = np.sign((knee[:, 0] - expected_x) * medial)
    return inward * (180.0 - g.joint_angle(hip, knee, ankle))


# --- free leg ----------------------------------------------------------------------------


@measure("free_knee_flexion_deg", "deg", "free (rear) knee bend, 3D")
def free_knee_flexion(b: Body) -> np.ndarray:
    return g.flexion(b.free(b.w, "hip"), b.free(b.w, "knee"), b.free(b.w, "ankle"))


@measure(
    "free_leg_above_trunk_deg",
    "deg",
    "free thigh (hip to knee) raised above the trunk line continued backward (image)",
)
def free_leg_above_trunk(b: Body) -> np.ndarray:
    # The thigh, not the ankle: bending the knee lifts the foot without lifting the leg.
    backward = b.mid(b.px, "hip") - b.mid(b.px, "shoulder")
    thigh = b.free(b.px, "knee") - b.free(b.px, "hip")
    return b.facing * g.signed_angle_2d(backward, thigh)


@measure(
    "leg_extension_deg",
    "deg",
    "the more extended of the two hips: trunk-to-thigh angle, 180 = thigh in line with the "
    "trunk (3D)",
)
def leg_extension(b: Body) -> np.ndarray:
    # Either leg: the kickback's rep signal must not depend on knowing which leg works, which
    # is decided from the reps it finds.
    shoulder = b.mid(b.w, "shoulder")
    angles = [
        g.joint_angle(shoulder, b.w[:, side_landmark("hip", s)], b.w[:, side_landmark("knee", s)])
        for s in ("left", "right")
    ]
    return np.fmax(*angles)


FOOT_POINTS = ("ankle", "heel", "foot_index")


@measure(
    "heel_height",
    "leg lengths",
    "mean height of the two heels in the image, in leg lengths (judged as a change from "
    "standing: heel_rise)",
)
def heel_height(b: Body) -> np.ndarray:
    heels = 0.5 * (b.px[:, L.LEFT_HEEL, 1] + b.px[:, L.RIGHT_HEEL, 1])
    return -heels / b.leg_length_px()


@measure(
    "free_foot_height",
    "leg lengths",
    "lowest point of the free foot above the standing sole, in leg lengths",
)
def free_foot_height(b: Body) -> np.ndarray:
    # Side-on both feet are at about the same distance from the camera, so the image shows
    # their heights directly; MediaPipe's depth-bound world y put a foot resting on the floor
    # 9 cm up on rendered clips. From other views the free foot goes back into depth, and
    # only the world coordinates can compare the two. y points down in both.
    if b.side_on:
        points, scale = b.px, b.leg_length_px()
    else:
        points, scale = b.w, b.leg_length_m()
    sole = np.max([b.stand(points, p)[:, 1] for p in FOOT_POINTS], axis=0)
    free_low = np.max([b.free(points, p)[:, 1] for p in FOOT_POINTS], axis=0)
    return (sole - free_low) / scale


@measure(
    "hip_line_tilt_deg",
    "deg",
    "hip line tilted against the floor, free-leg hip up (pelvis opening), 3D",
)
def hip_line_tilt(b: Body) -> np.ndarray:
    across = b.free(b.w, "hip") - b.stand(b.w, "hip")
    return np.degrees(np.arcsin(np.clip(-across[:, 1] / g.norm(across), -1.0, 1.0)))


# --- arms and the bell -------------------------------------------------------------------


@measure("bell_elbow_flexion_deg", "deg", "bend of the elbow of the hand holding the bell, 3D")
def bell_elbow_flexion(b: Body) -> np.ndarray:
    return g.flexion(b.bell(b.w, "shoulder"), b.bell(b.w, "elbow"), b.bell(b.w, "wrist"))


@measure(
    "bell_ahead_of_shin",
    "shin lengths",
    "bell hand ahead of the standing shin line at the hand's height (side view, image)",
)
def bell_ahead_of_shin(b: Body) -> np.ndarray:
    knee, ankle, wrist = b.stand(b.px, "knee"), b.stand(b.px, "ankle"), b.bell(b.px, "wrist")
    shin = ankle - knee
    along = (wrist[:, 1] - knee[:, 1]) / shin[:, 1]
    line_x = knee[:, 0] + shin[:, 0] * along
    return b.facing * (wrist[:, 0] - line_x) / g.norm(shin)


@measure(
    "bell_arm_forward_deg",
    "deg",
    "bell upper arm (shoulder to elbow) swung forward of hanging straight down (image)",
)
def bell_arm_forward(b: Body) -> np.ndarray:
    # A bell that hangs quietly keeps the arm vertical (or drawn back toward the shin); a bell
    # drifting away swings the arm forward like a pendulum. The upper arm, because bending the
    # elbow (a different fault, arm_pull) moves the wrist without swinging the arm.
    arm = b.bell(b.px, "elbow") - b.bell(b.px, "shoulder")
    return np.degrees(np.arctan2(b.facing * arm[:, 0], arm[:, 1]))


@measure(
    "foot_pitch_deg",
    "deg",
    "near foot's heel raised above its toes (image; judged as a change from standing: "
    "heel_pitch_change_deg)",
)
def foot_pitch(b: Body) -> np.ndarray:
    # A heel lifting 4 cm tips a 20 cm foot by ~11 deg: more visible to the pose model than
    # the heel's height alone, which is a few pixels in a full-body shot.
    heel, toe = b.stand(b.px, "heel"), b.stand(b.px, "foot_index")
    along = toe - heel
    return np.degrees(np.arctan2(along[:, 1], b.facing * along[:, 0]))


@measure(
    "hands_ahead_of_midfoot",
    "leg lengths",
    "hands (the bell's handle) ahead of the middle of the foot, side view (image)",
)
def hands_ahead_of_midfoot(b: Body) -> np.ndarray:
    midfoot = 0.5 * (b.stand(b.px, "heel") + b.stand(b.px, "foot_index"))
    hands = b.mid(b.px, "wrist")
    return b.facing * (hands[:, 0] - midfoot[:, 0]) / b.leg_length_px()


@measure(
    "bell_height",
    "shoulder heights",
    "hands above the hips as a fraction of the shoulders' height above the hips (1 = at "
    "shoulder height; image)",
)
def bell_height(b: Body) -> np.ndarray:
    hip, shoulder, hands = b.mid(b.px, "hip"), b.mid(b.px, "shoulder"), b.mid(b.px, "wrist")
    torso = g.norm(shoulder - hip)
    return (hip[:, 1] - hands[:, 1]) / torso


def compute_measures(body: Body, names: list[str] | None = None) -> dict[str, np.ndarray]:
    """The named measures (all by default), each (T,)."""
    selected = names if names is not None else list(MEASURES)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {name: np.asarray(MEASURES[name][0](body), dtype=float) for name in selected}
