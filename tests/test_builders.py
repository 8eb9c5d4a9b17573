"""Tests of the synthetic-pose builders themselves (not of formcheck's rules).

Fault checks measure the posed quantity straight from the noise-free 3D landmarks in the
builder's ground frame (x the person's forward, y their left, z up), with measures written
here independently of formcheck's.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from builders import FAULT_DEFAULTS, FAULTS, Camera, sldl_motion, sldl_sequence
from builders.skeleton import Body, Motion, joint_angles, joint_rotation, pose, root_rotation
from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.landmarks import Landmark as L
from formcheck.types import PoseSequence

FPS = 30.0


@cache
def motion(fault: str | None = None, magnitude: float | None = None, **kw):
    """Cached noise-free motions: (Motion, truths). Default: one rep, left leg standing."""
    kw.setdefault("reps", 1)
    return sldl_motion(fault=fault, magnitude=magnitude, **kw)


# ------------------------------------------------------------------- measures (ground frame)


def mid(lm: np.ndarray, a: L, b: L) -> np.ndarray:
    return (lm[..., a, :] + lm[..., b, :]) / 2.0


def angle_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    cos = np.sum(u * v, -1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def joint_angle(lm: np.ndarray, a: L, b: L, c: L) -> np.ndarray:
    """Flexion at b: 0 when a-b-c is straight."""
    return 180.0 - angle_between(lm[..., a, :] - lm[..., b, :], lm[..., c, :] - lm[..., b, :])


def trunk_angle(lm: np.ndarray) -> np.ndarray:
    """Hip-to-shoulder line from vertical, degrees, forward positive (sagittal plane)."""
    v = mid(lm, L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - mid(lm, L.LEFT_HIP, L.RIGHT_HIP)
    return np.degrees(np.arctan2(v[..., 0], v[..., 2]))


def sagittal_dir(v: np.ndarray) -> np.ndarray:
    """Direction of a vector in the sagittal (x-z) plane, degrees from +x (forward), up +."""
    return np.degrees(np.arctan2(v[..., 2], v[..., 0]))


def hip_line_tilt(lm: np.ndarray, free: str = "RIGHT", stand: str = "LEFT") -> np.ndarray:
    """Angle of the hip line against the floor, positive when the free-leg hip is higher."""
    v = lm[..., L[f"{free}_HIP"], :] - lm[..., L[f"{stand}_HIP"], :]
    return np.degrees(np.arctan2(v[..., 2], np.linalg.norm(v[..., :2], axis=-1)))


def ear_shoulder_hip(lm: np.ndarray) -> np.ndarray:
    """How far ear, shoulder and hip are from collinear (degrees, 0 = a straight line)."""
    ear, sh = mid(lm, L.LEFT_EAR, L.RIGHT_EAR), mid(lm, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    return angle_between(sh - mid(lm, L.LEFT_HIP, L.RIGHT_HIP), ear - sh)


def fppa(lm: np.ndarray, side: str = "LEFT") -> np.ndarray:
    """Frontal-plane projection angle of hip-knee-ankle (landmarks), seen from the front;
    positive with the knee inside (toward the midline of) the hip-ankle line."""
    hip, knee, ankle = (lm[..., L[f"{side}_{p}"], 1:] for p in ("HIP", "KNEE", "ANKLE"))
    a, b = knee - hip, ankle - knee
    turn = np.degrees(np.arctan2(a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0], np.sum(a * b, -1)))
    return turn if side == "LEFT" else -turn


def frame_at(m: Motion, t: float) -> int:
    return int(round(t * FPS))


def at_bottom(m: Motion, truth) -> np.ndarray:
    return m.landmarks[frame_at(m, truth.bottom_s)]


FREE_FOOT = [L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]
STAND_FOOT = [L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX]


def free_thigh_above_trunk(lm: np.ndarray) -> np.ndarray:
    """Free thigh (hip->knee) elevation above the trunk line's backward extension, degrees."""

    def elevation(v: np.ndarray) -> np.ndarray:  # of a backward-pointing vector, up positive
        return np.degrees(np.arctan2(v[..., 2], -v[..., 0]))

    thigh = lm[..., L.RIGHT_KNEE, :] - lm[..., L.RIGHT_HIP, :]
    trunk = mid(lm, L.LEFT_HIP, L.RIGHT_HIP) - mid(lm, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    return elevation(thigh) - elevation(trunk)


def head_vs_trunk(lm: np.ndarray) -> np.ndarray:
    """Ear->nose direction against the hip->shoulder line (sagittal, degrees): grows when the
    head extends (looks up), shrinks when the chin tucks."""
    face = lm[..., L.NOSE, :] - mid(lm, L.LEFT_EAR, L.RIGHT_EAR)
    trunk = mid(lm, L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - mid(lm, L.LEFT_HIP, L.RIGHT_HIP)
    return sagittal_dir(face) - sagittal_dir(trunk)


def bell_arm_from_vertical(lm: np.ndarray) -> np.ndarray:
    """Shoulder->wrist of the (left) bell arm from hanging straight down, forward positive."""
    v = lm[..., L.LEFT_WRIST, :] - lm[..., L.LEFT_SHOULDER, :]
    return np.degrees(np.arctan2(v[..., 0], -v[..., 2]))


def hip_travel_back(m: Motion, truth) -> float:
    hips = mid(m.landmarks, L.LEFT_HIP, L.RIGHT_HIP)[:, 0]
    return float(hips[frame_at(m, truth.start_s)] - hips[frame_at(m, truth.bottom_s)])


def spine_bend_at_bottom(m: Motion, truth) -> float:
    """Total spine flexion at the bottom: pelvis long axis against the neck's (the builder's
    joint centres; MediaPipe has no spine points, see the landmark test below)."""
    j = {k: v[frame_at(m, truth.bottom_s)] for k, v in m.joints.items()}
    return float(angle_between(j["sacrum"] - j["pelvis"], j["head"] - j["c7"]))


def max_bell_elbow(m: Motion, truth) -> float:
    return float(joint_angle(m.landmarks, L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST).max())


def bottom(fn):
    return lambda m, truth: float(fn(at_bottom(m, truth)))


def standing_knee(lm: np.ndarray) -> np.ndarray:
    return joint_angle(lm, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE)


def free_knee(lm: np.ndarray) -> np.ndarray:
    return joint_angle(lm, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)


# ----------------------------------------------------------------------------- shape, frames


def test_sequence_shapes_dtypes_and_timing():
    seq, truth = sldl_sequence(reps=2)
    assert isinstance(seq, PoseSequence)
    n = len(seq)
    assert seq.image_xy.shape == (n, NUM_LANDMARKS, 2)
    assert seq.world_xyz.shape == (n, NUM_LANDMARKS, 3)
    assert seq.visibility.shape == (n, NUM_LANDMARKS)
    for a in (seq.t, seq.image_xy, seq.world_xyz, seq.visibility):
        assert a.dtype == np.float64
    assert seq.frame_size == (640, 480)
    assert np.allclose(np.diff(seq.t), 1 / FPS)
    assert np.all((seq.visibility >= 0) & (seq.visibility <= 1))
    assert np.all((seq.image_xy > 0.05) & (seq.image_xy < 0.95)), "the body stays in frame"
    assert len(truth) == 2 and all(t.fault is None and t.magnitude is None for t in truth)
    assert truth[0].start_s == pytest.approx(1.0)  # lead-in, standing still
    assert seq.t[-1] > truth[-1].end_s


def test_world_landmarks_are_hip_centred_and_camera_aligned():
    seq, _ = sldl_sequence(noise_px=0.0, view="side")
    hips = (seq.world_xyz[:, L.LEFT_HIP] + seq.world_xyz[:, L.RIGHT_HIP]) / 2
    assert np.abs(hips).max() < 1e-9
    # Camera axes: y down (the head is above the hips), z away from the camera (the far,
    # left, side is deeper in a side view from the person's right).
    assert np.all(seq.world_xyz[:, L.NOSE, 1] < seq.world_xyz[:, L.LEFT_ANKLE, 1])
    assert np.all(seq.world_xyz[:, L.LEFT_HIP, 2] > seq.world_xyz[:, L.RIGHT_HIP, 2])
    # Same metric body as the ground frame: segment lengths survive the change of axes.
    m, _ = motion(reps=3)
    for a, b in ((L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_SHOULDER, L.RIGHT_ELBOW)):
        w = np.linalg.norm(seq.world_xyz[:, a] - seq.world_xyz[:, b], axis=-1)
        g = np.linalg.norm(m.landmarks[:, a] - m.landmarks[:, b], axis=-1)
        assert np.allclose(w, g)
    # World axes agree with the image's (x right, y down) in every view.
    for view in ("side", "front", "oblique"):
        seq, (rep,) = sldl_sequence(reps=1, noise_px=0.0, view=view)
        for i in (0, frame_at(m, rep.bottom_s)):
            for k in (0, 1):
                r = np.corrcoef(seq.world_xyz[i, :, k], seq.image_xy[i, :, k])[0, 1]
                assert r > 0.97, (view, i, k)
    noisy, _ = sldl_sequence(seed=3)
    hips = (noisy.world_xyz[:, L.LEFT_HIP] + noisy.world_xyz[:, L.RIGHT_HIP]) / 2
    assert np.abs(hips).mean() < 0.03


def test_body_proportions_follow_height():
    for h in (1.55, 1.75, 1.95):
        m, _ = motion(height_m=h)
        lm = m.landmarks[0]
        # standing, soft knee: shoulders ~0.8 H, eyes ~0.93 H, wrists ~0.48 H
        assert lm[L.LEFT_SHOULDER, 2] / h == pytest.approx(0.81, abs=0.02)
        assert lm[L.LEFT_EYE, 2] / h == pytest.approx(0.93, abs=0.02)
        assert lm[L.RIGHT_WRIST, 2] / h == pytest.approx(0.48, abs=0.02)
    with pytest.raises(ValueError, match="height_m"):
        Body.adult(0.5)


def test_joint_angle_round_trip_and_signs():
    rng = np.random.default_rng(1)
    for joint in ("lumbar", "left_hip", "right_hip", "left_shoulder", "right_ankle"):
        a = rng.uniform(-40, 40, size=(5, 3))
        assert np.allclose(joint_angles(joint, joint_rotation(joint, a)), a)
    body = Body.adult()
    pelvis = np.array([0.0, 0.0, 1.0])
    base = pose(body, {}, pelvis, root_rotation()).landmarks
    assert base[L.LEFT_HIP, 1] > base[L.RIGHT_HIP, 1], "left is +y"
    assert base[L.NOSE, 0] > base[L.LEFT_EAR, 0], "the person faces +x"
    flexed = pose(body, {"left_hip": (90,), "right_shoulder": (0, 90)}, pelvis, root_rotation())
    lm = flexed.landmarks
    assert lm[L.LEFT_KNEE, 0] - lm[L.LEFT_HIP, 0] == pytest.approx(body.thigh), "hip flexion"
    assert lm[L.RIGHT_ELBOW, 1] < lm[L.RIGHT_SHOULDER, 1] - 0.15, "right abduction goes right"
    with pytest.raises(ValueError, match="unknown joint"):
        pose(body, {"left_tail": (1,)}, pelvis, root_rotation())


# --------------------------------------------------------------------------- the clean rep


def test_standing_foot_stays_flat_and_put():
    m, _ = motion(reps=3)
    foot = m.landmarks[:, STAND_FOOT]
    assert np.abs(foot - foot[0]).max() < 1e-9
    assert np.abs(m.landmarks[:, [L.LEFT_HEEL, L.LEFT_FOOT_INDEX], 2]).max() < 1e-9  # floor


def test_free_foot_hovers_and_never_touches_during_a_clean_rep():
    m, truth = motion(reps=3)
    low = m.landmarks[:, FREE_FOOT, 2].min(axis=1)
    assert low.min() > 0.01
    assert low[: frame_at(m, truth[0].start_s)].max() < 0.05, "just off the floor at rest"


@pytest.mark.parametrize("fault", [f for f in FAULTS if f != "balance_loss"])
def test_free_foot_clears_the_floor_in_every_faulty_rep(fault):
    m, (rep,) = motion(fault)
    inside = (m.t >= rep.start_s) & (m.t <= rep.end_s)
    assert m.landmarks[inside][:, FREE_FOOT, 2].min() > 0.01


def test_lead_in_is_still():
    m, truth = motion(reps=2)
    lead = m.landmarks[: frame_at(m, truth[0].start_s) + 1]
    assert np.abs(lead - lead[0]).max() < 1e-9


def test_rep_truth_matches_the_motion():
    m, truth = motion(reps=3)
    trunk = trunk_angle(m.landmarks)
    for rep in truth:
        i0, ib, ie = (frame_at(m, t) for t in (rep.start_s, rep.bottom_s, rep.end_s))
        window = trunk[i0 : ie + 1]
        assert trunk[ib] >= window.max() - 0.01, "most inclined at bottom_s"
        assert trunk[ib - 6] < trunk[ib] - 1.0, "still descending just before bottom_s"
        assert i0 + int(np.argmax(window)) == ib, "the pause follows the arrival"
        assert abs(trunk[i0]) < 0.01 and abs(trunk[ie]) < 0.01
        assert trunk[i0 + 3] > 0.05, "moving right after start_s"
        assert rep.bottom_s - rep.start_s == pytest.approx(1.5)
        assert rep.end_s - rep.bottom_s == pytest.approx(0.3 + 1.2)


def test_clean_bottom_position():
    m, (rep,) = motion()
    lm = at_bottom(m, rep)
    assert trunk_angle(lm) == pytest.approx(80, abs=1)
    assert 0.10 <= hip_travel_back(m, rep) <= 0.15
    assert 15 <= standing_knee(lm) <= 25
    assert 5 <= free_knee(lm) <= 10
    assert abs(free_thigh_above_trunk(lm)) < 2, "free leg in line with the trunk"
    assert abs(hip_line_tilt(lm)) < 1, "pelvis square"
    assert ear_shoulder_hip(lm) < 2, "spine long, head in line"
    assert -30 < bell_arm_from_vertical(lm) < -15, "bell arm drawn back toward the shin"
    # The bell stays outside the standing leg, close in front of the standing shin.
    assert lm[L.LEFT_WRIST, 1] > lm[L.LEFT_KNEE, 1]
    assert 0.05 < lm[L.LEFT_WRIST, 0] - lm[L.LEFT_ANKLE, 0] < 0.2
    assert abs(fppa(lm)) < 5


def test_clean_rep_is_balanced_over_the_standing_foot():
    """Centre of mass (Winter's segment masses, a 12 kg bell) over the foot at the bottom."""
    m, (rep,) = motion()
    i = frame_at(m, rep.bottom_s)
    j = {k: v[i] for k, v in m.joints.items()}
    lm = m.landmarks[i]
    shoulders = (j["left_shoulder"] + j["right_shoulder"]) / 2
    parts = [(0.497, (j["pelvis"] + shoulders) / 2), (0.081, mid(lm, L.LEFT_EAR, L.RIGHT_EAR))]
    for s in ("left", "right"):
        parts += [
            (0.100, j[f"{s}_hip"] + 0.433 * (j[f"{s}_knee"] - j[f"{s}_hip"])),
            (0.061, j[f"{s}_knee"] + 0.5 * (j[f"{s}_ankle"] - j[f"{s}_knee"])),
            (0.050, (j[f"{s}_shoulder"] + j[f"{s}_wrist"]) / 2),
        ]
    parts.append((12 / 75, j["left_wrist"]))
    com = sum(w * p for w, p in parts) / sum(w for w, _ in parts)
    assert lm[L.LEFT_HEEL, 0] < com[0] < lm[L.LEFT_FOOT_INDEX, 0]


# ---------------------------------------------------------------------------------- faults

# fault -> (measure(motion, truth), expected fault-minus-clean, tolerance)
FAULT_CHECKS = {
    "hips_open": (bottom(hip_line_tilt), 30.0, 2.0),
    "spine_round": (spine_bend_at_bottom, 40.0, 0.5),
    "bell_drift": (bottom(bell_arm_from_vertical), 35.0, 1.0),
    "knee_valgus": (bottom(fppa), 15.0, 2.0),
    "lean_back": (lambda m, t: float(trunk_angle(m.landmarks[frame_at(m, t.end_s)])), -15, 0.5),
    "squat_not_hinge": (bottom(standing_knee), 70.0 - 22.0, 1.0),
    "rear_leg_high": (bottom(free_thigh_above_trunk), 25.0, 1.0),
    "rear_leg_bent": (bottom(free_knee), 70.0 - 8.0, 1.5),
    "chest_drop": (hip_travel_back, -0.15, 0.01),
    "arm_pull": (max_bell_elbow, 70.0 - 5.0, 0.5),
    "neck_not_neutral": (bottom(head_vs_trunk), 35.0, 0.5),
}


@pytest.mark.parametrize("fault", sorted(FAULT_CHECKS))
def test_fault_moves_its_quantity_by_its_magnitude(fault):
    measure, expected, tol = FAULT_CHECKS[fault]
    clean = measure(*first(motion()))
    faulty = measure(*first(motion(fault)))
    assert faulty - clean == pytest.approx(expected, abs=tol)


def first(pair):
    m, truth = pair
    return m, truth[0]


def test_every_fault_is_checked_and_has_truth():
    checked = set(FAULT_CHECKS) | {"fast_descent", "bounce_at_bottom", "balance_loss"}
    assert checked == set(FAULTS)
    for fault in FAULTS:
        _, (rep,) = motion(fault)
        assert rep.fault == fault and rep.magnitude == FAULT_DEFAULTS[fault]


def test_spine_round_is_visible_in_the_landmarks():
    clean, faulty = first(motion()), first(motion("spine_round"))
    # Ear, shoulder and hip stop being collinear, and the head follows the upper back.
    assert bottom(ear_shoulder_hip)(*faulty) > bottom(ear_shoulder_hip)(*clean) + 12
    assert abs(bottom(head_vs_trunk)(*faulty) - bottom(head_vs_trunk)(*clean)) < 25


def test_hips_open_raises_the_free_hip_and_turns_the_leg_out():
    (m, rep), (c, crep) = first(motion("hips_open")), first(motion())
    lm, cl = at_bottom(m, rep), at_bottom(c, crep)
    assert lm[L.RIGHT_HIP, 2] > cl[L.RIGHT_HIP, 2] + 0.08
    assert lm[L.RIGHT_FOOT_INDEX, 1] < cl[L.RIGHT_FOOT_INDEX, 1] - 0.03, "toes turn out"


def test_squat_not_hinge_keeps_the_trunk_up():
    assert bottom(trunk_angle)(*first(motion("squat_not_hinge"))) == pytest.approx(45, abs=1)


def test_knee_valgus_holds_through_the_rep_with_the_foot_planted():
    m, (rep,) = motion("knee_valgus")
    c, _ = motion()
    early = frame_at(m, rep.start_s + 0.5)
    assert fppa(m.landmarks[early]) - fppa(c.landmarks[early]) == pytest.approx(15, abs=2)
    assert np.abs(m.landmarks[:, STAND_FOOT] - c.landmarks[:, STAND_FOOT]).max() < 1e-9


def test_fault_magnitude_scales_and_sign():
    neck = bottom(head_vs_trunk)
    base = neck(*first(motion()))
    assert neck(*first(motion("neck_not_neutral", -20.0))) - base == pytest.approx(-20, abs=0.5)
    assert bottom(free_knee)(*first(motion("rear_leg_bent", 40.0))) == pytest.approx(40, abs=1.5)
    assert bottom(hip_line_tilt)(*first(motion("hips_open", 15.0))) == pytest.approx(15, abs=1)


def test_fast_descent_and_bounce_change_the_timing():
    _, (rep,) = motion("fast_descent")
    assert rep.bottom_s - rep.start_s == pytest.approx(0.5)
    m, (rep,) = motion("bounce_at_bottom")
    trunk = trunk_angle(m.landmarks)
    ib = frame_at(m, rep.bottom_s)
    rebound = trunk[ib : ib + int(0.3 * FPS) + 1]
    assert trunk[ib] == pytest.approx(80, abs=0.1)
    assert rebound.min() == pytest.approx(80 - 12, abs=0.5)
    assert rebound[-1] == pytest.approx(80, abs=0.1)
    assert rep.end_s - rep.bottom_s == pytest.approx(0.3 + 1.2)


def test_balance_loss_touches_the_free_foot_down_mid_rep():
    m, (rep,) = motion("balance_loss")
    low = m.landmarks[:, FREE_FOOT, 2].min(axis=1)
    down = m.t[low < 0.005]
    assert 0.35 <= down[-1] - down[0] <= 0.5
    assert rep.bottom_s <= down.mean() <= rep.end_s
    assert low.min() > -0.002, "touches, does not sink into the floor"


def test_balance_loss_with_magnitude_slides_the_standing_foot():
    m, (rep,) = motion("balance_loss", 0.1)
    ankle = m.landmarks[:, L.LEFT_ANKLE]
    moved = np.linalg.norm(ankle - ankle[0], axis=-1)
    assert moved[-1] == pytest.approx(0.1, abs=1e-6)
    assert moved[frame_at(m, rep.start_s)] < 1e-9


def test_tap_between_reps_touches_only_between_reps():
    m, truth = motion(reps=3, tap_between=True)
    low = m.landmarks[:, FREE_FOOT, 2].min(axis=1)
    down = m.t[low < 0.005]
    assert len(down) > 3
    for rep in truth:
        assert not np.any((down >= rep.start_s) & (down <= rep.end_s))


def test_fault_only_in_fault_reps():
    m, truth = motion("rear_leg_bent", reps=3, fault_reps=(1,))
    c, _ = motion(reps=3)
    assert [t.fault for t in truth] == [None, "rear_leg_bent", None]
    assert truth[1].magnitude == 70.0 and truth[0].magnitude is None
    for i, rep in enumerate(truth):
        knee = bottom(free_knee)(m, rep)
        assert knee == pytest.approx(70 if i == 1 else bottom(free_knee)(c, rep), abs=1.5)
    clean_part = slice(0, frame_at(m, truth[1].start_s))
    assert np.allclose(m.landmarks[clean_part], c.landmarks[clean_part])


def test_right_leg_and_hand_mirror_the_left():
    left, _ = motion()
    right, _ = motion(standing_leg="right")
    mirror = np.array([1.0, -1.0, 1.0])
    swap = [
        int(L[n.replace("LEFT", "TMP").replace("RIGHT", "LEFT").replace("TMP", "RIGHT")])
        for n in L.__members__
    ]
    assert np.allclose(right.landmarks[:, swap] * mirror, left.landmarks, atol=1e-9)


def test_bell_hand_can_be_the_free_side():
    m, (rep,) = motion(bell_hand="right")
    lm = at_bottom(m, rep)
    v = lm[L.RIGHT_WRIST] - lm[L.RIGHT_SHOULDER]
    assert -30 < np.degrees(np.arctan2(v[0], -v[2])) < -15, "the right arm holds the bell back"


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="unknown fault 'wobble'.*hips_open"):
        sldl_sequence(fault="wobble")
    with pytest.raises(ValueError, match="fault_reps"):
        sldl_sequence(fault="hips_open", reps=2, fault_reps=[2])
    with pytest.raises(ValueError, match="view"):
        sldl_sequence(view="top")
    with pytest.raises(ValueError, match="standing_leg"):
        sldl_sequence(standing_leg="middle")


# ----------------------------------------------------------------------- camera and noise


def pixel(seq: PoseSequence, frame: int, lm: L) -> np.ndarray:
    return seq.pixel_xy[frame, lm]


def test_side_view_overlaps_the_shoulders_and_faces_the_chosen_way():
    for facing, sign in (("right", 1), ("left", -1)):
        seq, _ = sldl_sequence(reps=1, noise_px=0.0, view="side", facing=facing)
        gap = pixel(seq, 0, L.LEFT_SHOULDER) - pixel(seq, 0, L.RIGHT_SHOULDER)
        assert abs(gap[0]) < 8
        nose, ear = pixel(seq, 0, L.NOSE), pixel(seq, 0, L.RIGHT_EAR)
        assert sign * (nose[0] - ear[0]) > 5
        # The near side (the person's right when they face right) is the visible one.
        near, far = ("RIGHT", "LEFT") if facing == "right" else ("LEFT", "RIGHT")
        for part in ("SHOULDER", "KNEE", "WRIST", "EAR"):
            assert seq.visibility[0, L[f"{near}_{part}"]] > 0.9
            assert 0.3 < seq.visibility[0, L[f"{far}_{part}"]] < 0.6


def test_front_and_back_views_keep_the_persons_own_left():
    front, _ = sldl_sequence(reps=1, noise_px=0.0, view="front")
    back, _ = sldl_sequence(reps=1, noise_px=0.0, view="back")
    gap = pixel(front, 0, L.LEFT_SHOULDER)[0] - pixel(front, 0, L.RIGHT_SHOULDER)[0]
    assert gap > 40, "seen from the front, the person's left shoulder is on the image's right"
    assert pixel(back, 0, L.LEFT_SHOULDER)[0] < pixel(back, 0, L.RIGHT_SHOULDER)[0] - 40
    assert front.visibility[0, L.NOSE] > 0.9 > 0.6 > back.visibility[0, L.NOSE]
    assert front.visibility[0, L.LEFT_SHOULDER] > 0.9 and back.visibility[0, L.LEFT_SHOULDER] > 0.9
    # Image y is down: the head is above the feet.
    assert pixel(front, 0, L.NOSE)[1] < pixel(front, 0, L.LEFT_ANKLE)[1]


def test_oblique_view_sits_between_front_and_side():
    seq, _ = sldl_sequence(reps=1, noise_px=0.0, view="oblique")
    gap = abs(pixel(seq, 0, L.LEFT_SHOULDER)[0] - pixel(seq, 0, L.RIGHT_SHOULDER)[0])
    assert 20 < gap < 55


def test_camera_projection_is_a_pinhole():
    cam = Camera(view="front", distance_m=4.0, height_m=1.0, fov_deg=60)
    # A point at lens height on the optical axis lands in the image centre; one metre to the
    # person's left, 4 m away, lands f * 1 / 4 pixels right of it.
    xy = cam.project(np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 1.0]]))
    assert np.allclose(xy[0], [0.5, 0.5])
    assert (xy[1, 0] - 0.5) * 640 == pytest.approx(cam.focal_px / 4.0)
    assert cam.focal_px == pytest.approx(320 / np.tan(np.radians(30)))


def test_noise_is_seeded_and_about_the_asked_size():
    a, _ = sldl_sequence(reps=1, seed=5)
    b, _ = sldl_sequence(reps=1, seed=5)
    c, _ = sldl_sequence(reps=1, seed=6)
    exact, _ = sldl_sequence(reps=1, noise_px=0.0)
    assert np.array_equal(a.image_xy, b.image_xy) and np.array_equal(a.world_xyz, b.world_xyz)
    assert not np.allclose(a.image_xy, c.image_xy)
    near = [L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE, L.NOSE]  # facing the camera
    px = (a.pixel_xy - exact.pixel_xy)[:, near]
    assert np.std(px) == pytest.approx(1.5, rel=0.2)
    dw = (a.world_xyz - exact.world_xyz)[:, near]
    assert np.std(dw[..., :2]) == pytest.approx(0.01, rel=0.25)
    assert np.std(dw[..., 2]) == pytest.approx(0.03, rel=0.25)


def test_drop_frames_makes_nan_gaps():
    seq, _ = sldl_sequence(reps=2, drop_frames=0.1, seed=2)
    missing = ~seq.has_pose
    assert missing.mean() == pytest.approx(0.1, abs=0.01)
    assert np.isnan(seq.world_xyz[missing]).all() and (seq.visibility[missing] == 0).all()
    assert not np.isnan(seq.image_xy[~missing]).any()
