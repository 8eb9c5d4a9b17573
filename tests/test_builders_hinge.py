"""Tests of the two-footed hinge and kickback builders themselves (not of formcheck's rules).

Each fault is checked where the builder put it: the posed quantity, measured here from the
noise-free landmarks (and, for the spine, the joint centres: MediaPipe has no spine points),
moves by the fault's magnitude in the faulty rep and not in the clean ones. The measures are
written here, independently of formcheck's, and take an ``up`` axis and the person's forward
direction from the feet, so the same code reads the ground frame and the camera-aligned world
landmarks of any view.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial

import numpy as np
import pytest

from builders import (
    EXERCISE_FAULTS,
    HIP_HINGE_VARIANT_FAULTS,
    band_kickback_motion,
    band_kickback_sequence,
    hip_hinge_motion,
    hip_hinge_sequence,
    kb_deadlift_motion,
    kb_deadlift_sequence,
    kb_swing_motion,
    kb_swing_sequence,
    romanian_deadlift_motion,
    romanian_deadlift_sequence,
)
from builders import hip_hinge as hh
from builders import kb_deadlift as kbdl
from builders.filming import film
from builders.hip_hinge import head_gap
from builders.skeleton import Body, Posed
from formcheck.pose.landmarks import Landmark as L
from formcheck.types import PoseSequence

FPS = 30.0
GROUND_UP = np.array([0.0, 0.0, 1.0])
CAMERA_UP = np.array([0.0, -1.0, 0.0])  # world landmarks: y points down

MOTIONS = {
    "kb_deadlift": kb_deadlift_motion,
    "romanian_deadlift": romanian_deadlift_motion,
    "hip_hinge/stick": partial(hip_hinge_motion, variant="stick"),
    "hip_hinge/band": partial(hip_hinge_motion, variant="band"),
    "kb_swing": kb_swing_motion,
    "band_kickback": band_kickback_motion,
}
SEQUENCES = {
    "kb_deadlift": kb_deadlift_sequence,
    "romanian_deadlift": romanian_deadlift_sequence,
    "hip_hinge/stick": partial(hip_hinge_sequence, variant="stick"),
    "hip_hinge/band": partial(hip_hinge_sequence, variant="band"),
    "kb_swing": kb_swing_sequence,
    "band_kickback": band_kickback_sequence,
}


def faults_of(name: str) -> tuple[str, ...]:
    if name.startswith("hip_hinge/"):
        return HIP_HINGE_VARIANT_FAULTS[name.split("/")[1]]
    return tuple(EXERCISE_FAULTS[name])


@cache
def motion(name: str, fault: str | None = None, magnitude: float | None = None, **kw):
    """Cached noise-free motions, three reps, the fault (if any) in the middle one."""
    kw.setdefault("reps", 3)
    if fault is not None:
        kw.setdefault("fault_reps", (1,))
    return MOTIONS[name](fault=fault, magnitude=magnitude, **kw)


# ------------------------------------------------------------- measures (any upright frame)


@dataclass(frozen=True)
class Body3:
    """Landmarks (T, 33, 3) with the up axis and the person's forward direction (3,)."""

    lm: np.ndarray
    up: np.ndarray
    fwd: np.ndarray
    joints: dict[str, np.ndarray] | None = None  # ground frame only

    @classmethod
    def of(cls, lm: np.ndarray, up: np.ndarray, joints=None) -> Body3:
        # Forward: where the toes point, from the still first frame.
        v = sum(lm[0, L[f"{s}_FOOT_INDEX"]] - lm[0, L[f"{s}_HEEL"]] for s in ("LEFT", "RIGHT"))
        v = v - np.dot(v, up) * up
        return cls(lm, up, v / np.linalg.norm(v), joints)

    def p(self, name: str) -> np.ndarray:
        return self.lm[:, L[name]]

    def mid(self, part: str) -> np.ndarray:
        return (self.p(f"LEFT_{part}") + self.p(f"RIGHT_{part}")) / 2

    def height(self, v: np.ndarray) -> np.ndarray:
        return v @ self.up

    def ahead(self, v: np.ndarray) -> np.ndarray:
        return v @ self.fwd

    def sagittal(self, v: np.ndarray) -> np.ndarray:
        """Direction of v in the sagittal plane, degrees from forward, up positive."""
        return np.degrees(np.arctan2(self.height(v), self.ahead(v)))


def angle_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    cos = np.sum(u * v, -1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def flexion(b: Body3, a: str, c: str, d: str) -> np.ndarray:
    """Flexion at c: 0 when a-c-d is straight."""
    return 180.0 - angle_between(b.p(a) - b.p(c), b.p(d) - b.p(c))


def trunk(b: Body3) -> np.ndarray:
    """Hip-centre to shoulder-centre line from vertical, degrees, forward positive."""
    return 90.0 - b.sagittal(b.mid("SHOULDER") - b.mid("HIP"))


def ear_shoulder_hip(b: Body3) -> np.ndarray:
    sh = b.mid("SHOULDER")
    return angle_between(sh - b.mid("HIP"), b.mid("EAR") - sh)


def head_vs_trunk(b: Body3) -> np.ndarray:
    """Ear-to-nose direction against the hip-to-shoulder line: grows as the head extends."""
    return b.sagittal(b.p("NOSE") - b.mid("EAR")) - b.sagittal(b.mid("SHOULDER") - b.mid("HIP"))


def spine_bend(b: Body3) -> np.ndarray:
    """Total spine flexion from the joint centres: pelvis long axis against the neck's."""
    j = b.joints
    return angle_between(j["sacrum"] - j["pelvis"], j["head"] - j["c7"])


def knee(b: Body3, side: str = "LEFT") -> np.ndarray:
    """Knee flexion from the landmarks (the hip landmark sits a little outside the joint)."""
    return flexion(b, f"{side}_HIP", f"{side}_KNEE", f"{side}_ANKLE")


def knee_joint(b: Body3, side: str = "LEFT") -> np.ndarray:
    """Knee flexion from the joint centres (ground frame only): the posed angle itself."""
    s = side.lower()
    j = b.joints
    return 180.0 - angle_between(j[f"{s}_hip"] - j[f"{s}_knee"], j[f"{s}_ankle"] - j[f"{s}_knee"])


def elbow(b: Body3) -> np.ndarray:
    return flexion(b, "LEFT_SHOULDER", "LEFT_ELBOW", "LEFT_WRIST")


def heel_height(b: Body3) -> np.ndarray:
    """Mean heel height above the toes (the toes stay on the floor)."""
    return b.height(b.mid("HEEL") - b.mid("FOOT_INDEX"))


def hands_ahead_of_ankles(b: Body3) -> np.ndarray:
    return b.ahead(b.mid("WRIST") - b.mid("ANKLE"))


def frame(t: float) -> int:
    return int(round(t * FPS))


def at(fn, when: str):
    """A rep's value of a per-frame measure at one of its truth times."""
    return lambda b, rep: float(fn(b)[frame(getattr(rep, when))])


def extreme(fn, pick=np.max):
    """A rep's most extreme value of a per-frame measure, from its start to its end."""
    return lambda b, rep: float(pick(fn(b)[frame(rep.start_s) : frame(rep.end_s) + 1]))


# ------------------------------------------------------------------ two-footed hinge faults

SPINE = at(spine_bend, "bottom_s")
GAZE = at(head_vs_trunk, "bottom_s")
ELBOW = extreme(elbow)
LOCKOUT = at(trunk, "end_s")
HEEL = at(heel_height, "bottom_s")
KNEE_AT_BOTTOM = at(knee_joint, "bottom_s")
# Lifting with the arms is judged while the bell rises and floats (the elbows straighten again
# as it falls into the next backswing).
FLOAT_ELBOW = lambda b, rep: float(elbow(b)[frame(rep.bottom_s) : frame(rep.end_s) + 1].max())  # noqa: E731

# (exercise, fault) -> (measure(body, rep), expected fault-minus-clean, tolerance)
HINGE_CHECKS = {
    ("kb_deadlift", "spine_round"): (SPINE, 35.0, 0.1),
    ("kb_deadlift", "gaze_not_neutral"): (GAZE, 70.0, 0.1),
    ("kb_deadlift", "bell_position"): (at(hands_ahead_of_ankles, "bottom_s"), 0.15, 0.002),
    ("kb_deadlift", "arms_bent"): (ELBOW, 70.0, 0.1),
    # The clean lockout stands to 1 deg of trunk lean: stopping at 25 is 24 short.
    ("kb_deadlift", "incomplete_lockout"): (LOCKOUT, 24.0, 0.1),
    ("kb_deadlift", "heel_lift"): (HEEL, 0.04, 1e-6),
    ("kb_deadlift", "squat_not_hinge"): (KNEE_AT_BOTTOM, 130.0 - 95.0, 0.5),
    ("romanian_deadlift", "knees_too_bent"): (KNEE_AT_BOTTOM, 60.0 - 18.0, 0.5),
    ("romanian_deadlift", "spine_round"): (SPINE, 35.0, 0.1),
    ("romanian_deadlift", "gaze_not_neutral"): (GAZE, 70.0, 0.1),
    ("romanian_deadlift", "arms_bent"): (ELBOW, 45.0, 0.1),
    ("romanian_deadlift", "incomplete_lockout"): (LOCKOUT, 24.0, 0.1),
    ("romanian_deadlift", "heel_lift"): (HEEL, 0.04, 1e-6),
    ("hip_hinge/stick", "spine_not_neutral"): (SPINE, 30.0, 0.1),
    ("hip_hinge/stick", "gaze_not_neutral"): (GAZE, 30.0, 0.1),
    ("hip_hinge/stick", "squat_not_hinge"): (KNEE_AT_BOTTOM, 70.0 - 20.0, 0.5),
    ("hip_hinge/stick", "heel_lift"): (HEEL, 0.04, 1e-6),
    ("hip_hinge/band", "spine_not_neutral"): (SPINE, 30.0, 0.1),
    ("hip_hinge/band", "squat_not_hinge"): (KNEE_AT_BOTTOM, 70.0 - 20.0, 0.5),
    ("kb_swing", "arm_lift"): (FLOAT_ELBOW, 60.0, 0.1),
    ("kb_swing", "top_not_plank"): (extreme(trunk, np.min), -15.0, 0.1),
    ("kb_swing", "squat_swing"): (KNEE_AT_BOTTOM, 85.0 - 30.0, 0.5),
    ("kb_swing", "spine_round"): (SPINE, 35.0, 0.1),
}
# Timing faults, checked on their own below.
TIMING = {("kb_deadlift", "hips_rise_first"), ("hip_hinge/band", "hips_rise_first")}


def ground(m) -> Body3:
    return Body3.of(m.landmarks, GROUND_UP, m.joints)


@pytest.mark.parametrize("name, fault", sorted(HINGE_CHECKS))
def test_fault_moves_its_quantity_by_its_magnitude_in_the_faulty_rep_only(name, fault):
    measure, expected, tol = HINGE_CHECKS[(name, fault)]
    (m, truth), (c, clean) = motion(name, fault), motion(name)
    assert [r.fault for r in truth] == [None, fault, None]
    assert truth[1].magnitude == EXERCISE_FAULTS[name.split("/")[0]][fault][0]
    b, cb = ground(m), ground(c)
    got = [measure(b, rep) - measure(cb, ref) for rep, ref in zip(truth, clean)]
    assert got[1] == pytest.approx(expected, abs=tol)
    assert got[0] == pytest.approx(0.0, abs=tol) and got[2] == pytest.approx(0.0, abs=tol)


def test_every_fault_is_checked():
    checked = set(HINGE_CHECKS) | TIMING
    for name in MOTIONS:
        if name != "band_kickback":
            assert {f for n, f in checked if n == name} == set(faults_of(name)), name


@pytest.mark.parametrize("name", [n for n in MOTIONS if n != "band_kickback"])
def test_clean_hinge_posture(name):
    m, truth = motion(name)
    b = ground(m)
    tr, kn = trunk(b), knee(b)
    feet = m.landmarks[:, [L.LEFT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]]
    assert np.abs(feet - feet[0]).max() < 1e-9 and np.abs(feet[..., 2]).max() < 1e-9, "planted"
    assert np.abs(spine_bend(b)).max() < 1e-4 and ear_shoulder_hip(b).max() < 1.0, "long spine"
    assert np.abs(head_vs_trunk(b) - head_vs_trunk(b)[0]).max() < 1e-6, "neutral gaze"
    hips = b.ahead(b.mid("HIP"))
    for rep in truth:
        i0, ib, ie = frame(rep.start_s), frame(rep.bottom_s), frame(rep.end_s)
        assert tr[ib] == pytest.approx(tr[i0 : ie + 1].max(), abs=0.01), "deepest at bottom_s"
        assert tr[ib - 6] < tr[ib] - 0.3, "still descending just before bottom_s"
        assert tr[i0] < 2.0 and tr[ie] < 2.0 and tr[ib] > 45.0
        assert hips[i0] - hips[ib] > 0.12, "the hips travel back"
        assert kn[ib] > kn[i0]


def test_clean_keyframes_match_the_renderer():
    """Bottom positions as tools/synth poses them (trunk and knees, degrees)."""
    for name, trunk_deg, knee_deg in (
        ("romanian_deadlift", 75.0, 18.0),
        ("hip_hinge/stick", 60.0, 20.0),
        ("hip_hinge/band", 60.0, 20.0),
        ("kb_swing", 65.0, 30.0),
    ):
        m, (rep, *_) = motion(name)
        b = ground(m)
        assert at(trunk, "bottom_s")(b, rep) == pytest.approx(trunk_deg, abs=0.05), name
        assert at(knee, "bottom_s")(b, rep) == pytest.approx(knee_deg, abs=0.5), name


def test_kb_deadlift_hands_reach_the_bell_on_the_floor_over_mid_foot():
    m, truth = motion("kb_deadlift")
    b = ground(m)
    for rep in truth:
        i = frame(rep.bottom_s)
        wrists = b.mid("WRIST")[i]
        assert wrists[2] == pytest.approx(0.215 + 0.045, abs=1e-3)  # handle + wrist above grip
        assert hands_ahead_of_ankles(b)[i] == pytest.approx(0.05, abs=2e-3)
        assert knee_joint(b)[i] == pytest.approx(95.0, abs=0.1)
        assert 50.0 < trunk(b)[i] < 85.0
    # The straight arms hang from the shoulders: elbows at 4 deg all through.
    assert np.allclose(elbow(b), 4.0, atol=0.01)


def test_kb_deadlift_goes_deeper_when_the_hands_must_reach_further():
    """Depth is solved per rep: bent arms must take the trunk lower to reach the handle."""
    (m, truth), (c, clean) = motion("kb_deadlift", "arms_bent"), motion("kb_deadlift")
    deep, base = (
        at(trunk, "bottom_s")(ground(m), truth[1]),
        at(trunk, "bottom_s")(ground(c), clean[1]),
    )
    assert deep > base + 5.0


@pytest.mark.parametrize("name, tempo", [("kb_deadlift", kbdl.TEMPO), ("hip_hinge/band", hh.TEMPO)])
def test_hips_rise_first_straightens_the_knees_before_the_trunk_rises(name, tempo):
    (m, truth), (c, _) = motion(name, "hips_rise_first"), motion(name)
    rep = truth[1]
    up = frame(rep.bottom_s + tempo["pause"])  # the ascent starts
    i = up + round(rep.magnitude * tempo["ascent"] * FPS)  # that fraction of it later
    for mo, early in ((m, True), (c, False)):
        b = ground(mo)
        tr, kn = trunk(b), knee(b)
        k_done = (kn[up] - kn[i]) / (kn[up] - kn[frame(rep.end_s)])
        t_done = (tr[up] - tr[i]) / (tr[up] - tr[frame(rep.end_s)])
        if early:  # knees straight by that fraction of the ascent, the trunk barely risen
            assert k_done == pytest.approx(1.0, abs=0.01) and t_done < 0.05
        else:
            assert abs(k_done - t_done) < 0.1


def test_heel_lift_raises_heels_and_ankles_with_the_toes_down():
    (m, truth), (c, _) = motion("kb_deadlift", "heel_lift"), motion("kb_deadlift")
    i = frame(truth[1].bottom_s)
    lm, cl = m.landmarks[i], c.landmarks[i]
    for side in ("LEFT", "RIGHT"):
        assert lm[L[f"{side}_HEEL"], 2] == pytest.approx(0.04, abs=1e-6)
        assert lm[L[f"{side}_FOOT_INDEX"], 2] == pytest.approx(0.0, abs=1e-6)
        assert lm[L[f"{side}_ANKLE"], 2] > cl[L[f"{side}_ANKLE"], 2] + 0.02


def test_spine_round_shows_in_the_landmarks():
    """No spine points: rounding shows as ear, shoulder and hip leaving one line."""
    for name, fault in (("kb_deadlift", "spine_round"), ("hip_hinge/stick", "spine_not_neutral")):
        (m, truth), (c, clean) = motion(name, fault), motion(name)
        bent = at(ear_shoulder_hip, "bottom_s")
        assert bent(ground(m), truth[1]) > bent(ground(c), clean[1]) + 10.0, name


def test_incomplete_lockout_goes_down_again_from_where_it_stopped():
    m, truth = motion("romanian_deadlift", "incomplete_lockout")
    b = ground(m)
    tr, kn = trunk(b), knee_joint(b)
    top, nxt = frame(truth[1].end_s), frame(truth[2].start_s)
    assert kn[top] == pytest.approx(15.0, abs=0.1), "knees still bent at the top"
    assert np.allclose(tr[top : nxt + 1], 25.0, atol=0.01), "never stands before the next rep"
    assert np.abs(np.diff(tr)).max() < 5.0, "no jump back to standing"
    # After the last rep the lifter does stand up, over the closing rest.
    m, truth = motion("romanian_deadlift", "incomplete_lockout", fault_reps=(2,))
    tr = trunk(ground(m))
    assert tr[frame(truth[2].end_s)] == pytest.approx(25.0, abs=0.01) and tr[-1] < 2.0


def test_stick_drill_keeps_three_contacts_and_holds_the_stick():
    m, truth = motion("hip_hinge/stick")
    body = Body.adult(1.75)
    assert head_gap(Posed(m.landmarks, m.joints, m.frames), body).max() < 0.005, "head on it"
    lm = m.landmarks
    top, low = lm[:, L.RIGHT_WRIST], lm[:, L.LEFT_WRIST]
    assert top[0, 2] > lm[0, L.NOSE, 2] + 0.1, "the top hand above the head"
    assert abs(low[0, 2] - m.joints["sacrum"][0, 2]) < 0.1, "the other at the low back"
    # Both hands behind the back (against the trunk's forward axis), all the way down.
    fwd = m.frames["thorax"][:, :, 0]
    for hand in (top, low):
        assert np.all(np.sum((hand - m.joints["c7"]) * fwd, -1) < -0.05)
    g, gt = motion("hip_hinge/stick", "gaze_not_neutral")
    gap = head_gap(Posed(g.landmarks, g.joints, g.frames), body)
    assert gap[frame(gt[1].bottom_s)] > 0.01, "looking up takes the head out of line"


def test_swing_floats_the_bell_to_chest_height_on_straight_arms():
    m, truth = motion("kb_swing")
    b = ground(m)
    wrist_z = b.mid("WRIST")[:, 2]
    shoulder_z = b.mid("SHOULDER")[:, 2]
    for rep in truth:
        ib, ie = frame(rep.bottom_s), frame(rep.end_s)
        top = ib + int(np.argmax(wrist_z[ib : ie + 1]))
        assert top > frame(rep.bottom_s + 0.45), "the bell peaks in the float"
        assert 0.8 < wrist_z[top] / shoulder_z[top] < 1.0, "chest to shoulder height"
        assert b.ahead(b.mid("WRIST")[ib] - b.mid("KNEE")[ib]) < 0, "back between the legs"
        # The hip snap (ascent) is faster than the backswing: same trunk range, 0.45 s vs 0.6 s.
        assert rep.bottom_s - rep.start_s == pytest.approx(0.6)
    assert elbow(b).max() < 4.5, "straight arms"
    # A standing plank at the end of the snap: shoulders, hips and knees in line.
    lock = frame(truth[1].bottom_s + 0.45)
    line = angle_between(b.mid("SHOULDER") - b.mid("HIP"), b.mid("HIP") - b.mid("KNEE"))
    assert line[lock] < 8.0


def test_arm_lift_bends_the_elbows_and_comes_back_smoothly():
    m, truth = motion("kb_swing", "arm_lift")
    b = ground(m)
    # As fast as the fault bends them (60 deg over the 0.45 s snap), never a jump.
    assert np.abs(np.diff(elbow(b))).max() < 10.0, "no jumps"
    assert elbow(b)[frame(truth[2].bottom_s)] < 4.5, "straight again by the next backswing"


# --------------------------------------------------------------------------------- kickback


def working(rep) -> str:
    return "RIGHT" if rep.standing_leg == "left" else "LEFT"


def standing(rep) -> str:
    return rep.standing_leg.upper()


def trunk_above_horizontal(b: Body3) -> np.ndarray:
    return 90.0 - trunk(b)


def thigh_above_trunk(b: Body3, rep) -> float:
    """Working thigh (hip to knee) raised above the trunk line continued backward, degrees."""
    i = frame(rep.bottom_s)
    w = working(rep)
    thigh = b.p(f"{w}_KNEE")[i] - b.p(f"{w}_HIP")[i]
    back = (b.mid("HIP") - b.mid("SHOULDER"))[i]
    return _elev(b, thigh) - _elev(b, back)


def _elev(b: Body3, v: np.ndarray) -> float:
    """Elevation above horizontal of a backward-pointing vector, degrees."""
    return float(np.degrees(np.arctan2(b.height(v), -b.ahead(v))))


def hip_tilt(b: Body3, rep) -> float:
    i = frame(rep.bottom_s)
    v = b.p(f"{working(rep)}_HIP")[i] - b.p(f"{standing(rep)}_HIP")[i]
    return float(np.degrees(np.arcsin(b.height(v) / np.linalg.norm(v))))


def working_knee(b: Body3, rep) -> float:
    return float(knee_joint(b, working(rep))[frame(rep.bottom_s)])


def standing_knee(b: Body3, rep) -> float:
    return float(knee_joint(b, standing(rep))[frame(rep.bottom_s)])


def mid_rep(fn):
    return lambda b, rep: float(fn(b)[frame((rep.start_s + rep.end_s) / 2)])


def sind(deg: float) -> float:
    return float(np.sin(np.radians(deg)))


KICK_CHECKS = {
    # 50 deg above horizontal against the clean 15.
    "torso_too_upright": (at(trunk_above_horizontal, "bottom_s"), 50.0 - 15.0, 0.1),
    "back_arch": (thigh_above_trunk, 20.0, 0.1),
    # The pelvis turns 20 deg about the trunk's long axis, which is tipped 75 deg: the hip
    # line rises asin(sin 20 sin 75) = 19.3 deg.
    "hips_rotate": (hip_tilt, float(np.degrees(np.arcsin(sind(20.0) * sind(75.0)))), 0.3),
    "working_leg_bent": (working_knee, 45.0 - 4.0, 0.5),
    "standing_knee_locked": (standing_knee, 0.0 - 15.0, 0.5),
    "head_up": (at(head_vs_trunk, "bottom_s"), 35.0, 0.1),
    "torso_moves": (mid_rep(trunk), -20.0, 0.1),
}


@pytest.mark.parametrize("leg", ["left", "right"])
@pytest.mark.parametrize("fault", sorted(KICK_CHECKS))
def test_kickback_fault_moves_its_quantity_by_its_magnitude(fault, leg):
    measure, expected, tol = KICK_CHECKS[fault]
    (m, truth), (c, clean) = (
        motion("band_kickback", fault, standing_leg=leg),
        motion("band_kickback", standing_leg=leg),
    )
    b, cb = ground(m), ground(c)
    got = [measure(b, rep) - measure(cb, ref) for rep, ref in zip(truth, clean)]
    assert got[1] == pytest.approx(expected, abs=tol)
    assert got[0] == pytest.approx(0.0, abs=tol) and got[2] == pytest.approx(0.0, abs=tol)


def test_kickback_faults_are_all_checked():
    assert set(KICK_CHECKS) | {"no_hold"} == set(EXERCISE_FAULTS["band_kickback"])


def test_no_hold_skips_the_pause_and_rushes_the_return():
    (m, truth), (_, clean) = motion("band_kickback", "no_hold"), motion("band_kickback")
    assert truth[1].end_s - truth[1].bottom_s == pytest.approx(0.4)
    assert clean[1].end_s - clean[1].bottom_s == pytest.approx(0.5 + 1.2)
    wk = knee(ground(m), "RIGHT")
    ib = frame(truth[1].bottom_s)
    assert wk[ib + 3] > wk[ib] + 3.0, "the knee bends again straight away"


def test_clean_kickback_posture():
    m, truth = motion("band_kickback")
    b = ground(m)
    foot = m.landmarks[:, [L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX]]
    assert np.abs(foot - foot[0]).max() < 1e-9, "standing foot planted"
    assert m.landmarks[:, [L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX], 2].min() > 0.0, "working foot up"
    assert np.allclose(trunk(b), 75.0, atol=0.01)
    for rep in truth:
        assert standing_knee(b, rep) == pytest.approx(15.0, abs=0.5)
        assert working_knee(b, rep) == pytest.approx(4.0, abs=0.5), "straight at full extension"
        # The working leg reaches the trunk line (less 2 deg) and no higher.
        assert thigh_above_trunk(b, rep) == pytest.approx(-2.0, abs=0.5)
        assert abs(hip_tilt(b, rep)) < 0.5, "pelvis level"
        i0, ib = frame(rep.start_s), frame(rep.bottom_s)
        assert b.p("RIGHT_ANKLE")[ib, 2] > b.p("RIGHT_ANKLE")[i0, 2] + 0.3, "the foot goes up"


def test_kickback_legs_switch_mid_set():
    legs = ["left", "left", "right", "right"]
    m, truth = band_kickback_motion(legs=legs)
    assert [r.standing_leg for r in truth] == legs
    lm = m.landmarks
    for rep in truth:
        i = frame(rep.bottom_s)
        st, wk = standing(rep), working(rep)
        assert lm[i, L[f"{st}_HEEL"], 2] == pytest.approx(0.0, abs=1e-9)
        assert lm[i, L[f"{wk}_ANKLE"], 2] > 0.5, "the working foot is up behind"
    # Between the sides both feet come down; nothing goes through the floor or jumps.
    feet = lm[:, [L.LEFT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX], 2]
    assert feet.min() > -1e-6
    gap = (m.t > truth[1].end_s) & (m.t < truth[2].start_s)
    assert (feet[gap].max(axis=1) < 0.005).any(), "both feet down at some point"
    assert np.abs(np.diff(lm, axis=0)).max() < 0.06, "continuous (metres per frame)"
    assert truth[2].start_s - truth[1].end_s == pytest.approx(2.0)


def test_kickback_bad_arguments_raise():
    with pytest.raises(ValueError, match="legs"):
        band_kickback_motion(legs=["left", "middle"])
    with pytest.raises(ValueError, match="reps=2"):
        band_kickback_motion(reps=2, legs=["left"] * 3)
    with pytest.raises(ValueError, match="unknown fault"):
        band_kickback_motion(fault="wobble")


# ------------------------------------------------------------------------ camera and views

VIEW_CASES = [
    ("kb_deadlift", "heel_lift", HEEL, 0.04, 1e-5),
    ("kb_deadlift", "arms_bent", ELBOW, 70.0, 0.01),
    ("romanian_deadlift", "knees_too_bent", at(knee, "bottom_s"), 42.0, 0.5),
    ("hip_hinge/stick", "gaze_not_neutral", GAZE, 30.0, 0.01),
    # The lean peaks between two frames: the nearest shows 14.9 of 15 deg.
    ("kb_swing", "top_not_plank", extreme(trunk, np.min), -15.0, 0.1),
]


def world_body(seq: PoseSequence) -> Body3:
    return Body3.of(seq.world_xyz, CAMERA_UP)


@pytest.mark.parametrize("view", ["side", "front", "oblique"])
@pytest.mark.parametrize("name, fault, measure, expected, tol", VIEW_CASES)
def test_faults_show_in_the_world_landmarks_of_every_view(
    name, fault, measure, expected, tol, view
):
    (m, truth), (c, clean) = motion(name, fault), motion(name)
    b, cb = (world_body(film(x, view=view, noise_px=0.0)) for x in (m, c))
    got = [measure(b, rep) - measure(cb, ref) for rep, ref in zip(truth, clean)]
    assert got[1] == pytest.approx(expected, abs=tol)
    assert got[0] == pytest.approx(0.0, abs=tol)


@pytest.mark.parametrize("facing", ["right", "left"])
def test_side_view_image_shows_the_trunk_and_the_heels(facing):
    """The image, not just the 3D: side on, the trunk angle and a heel rise read true."""
    seq, truth = kb_deadlift_sequence(fault="heel_lift", fault_reps=[1], noise_px=0, facing=facing)
    px = seq.pixel_xy
    sign = 1.0 if facing == "right" else -1.0
    v = px[:, L.LEFT_SHOULDER] + px[:, L.RIGHT_SHOULDER] - px[:, L.LEFT_HIP] - px[:, L.RIGHT_HIP]
    image_trunk = np.degrees(np.arctan2(sign * v[:, 0], -v[:, 1]))
    m, _ = motion("kb_deadlift", "heel_lift")
    assert np.abs(image_trunk - trunk(ground(m))).max() < 3.0
    heel_up = px[:, L.RIGHT_FOOT_INDEX, 1] - px[:, L.RIGHT_HEEL, 1]  # image y is down
    leg_px = np.linalg.norm(px[0, L.RIGHT_HIP] - px[0, L.RIGHT_ANKLE])
    ib, ic = frame(truth[1].bottom_s), frame(truth[0].bottom_s)
    assert heel_up[ib] / leg_px == pytest.approx(0.04 / 0.86, abs=0.01)
    assert abs(heel_up[ic]) / leg_px < 0.005


@pytest.mark.parametrize("name", list(SEQUENCES))
@pytest.mark.parametrize("view", ["side", "front", "oblique"])
def test_sequences_stay_in_frame_and_are_seeded(name, view):
    seq, truth = SEQUENCES[name](reps=2, view=view, seed=4)
    again, _ = SEQUENCES[name](reps=2, view=view, seed=4)
    assert isinstance(seq, PoseSequence) and len(truth) == 2
    assert np.array_equal(seq.image_xy, again.image_xy)
    assert np.all((seq.image_xy > 0.02) & (seq.image_xy < 0.98)), "the body stays in frame"
    assert np.allclose(np.diff(seq.t), 1 / FPS)
    assert seq.t[-1] > truth[-1].end_s


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_bad_arguments_raise(name):
    with pytest.raises(ValueError, match="unknown fault 'wobble'"):
        SEQUENCES[name](fault="wobble")
    with pytest.raises(ValueError, match="fault_reps"):
        SEQUENCES[name](fault=faults_of(name)[0], reps=2, fault_reps=[2])
    with pytest.raises(ValueError, match="view"):
        SEQUENCES[name](view="top")


def test_hip_hinge_variants_keep_their_own_faults():
    with pytest.raises(ValueError, match="unknown fault 'heel_lift'"):
        hip_hinge_motion(variant="band", fault="heel_lift")
    with pytest.raises(ValueError, match="variant"):
        hip_hinge_motion(variant="rope")


def test_short_person_scales():
    m, truth = kb_deadlift_motion(reps=1, height_m=1.55)
    b = ground(m)
    i = frame(truth[0].bottom_s)
    assert b.mid("WRIST")[i, 2] == pytest.approx(0.26, abs=1e-3), "the bell is the same size"
    assert b.mid("SHOULDER")[0, 2] / 1.55 == pytest.approx(0.81, abs=0.02)
