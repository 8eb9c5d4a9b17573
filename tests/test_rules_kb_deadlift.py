"""Every kettlebell deadlift rule fires on its fault, from each view it claims, in the faulty
rep only, and clean reps stay clean. Sequences come from the kinematic builder in
tests/builders (kb_deadlift.py), which poses the fault at the renderer's magnitude."""

from __future__ import annotations

import numpy as np
import pytest

from builders import EXERCISE_FAULTS, kb_deadlift_motion, kb_deadlift_sequence
from builders.filming import film
from builders.judging import (
    ALL_VIEWS,
    assert_fires_only_in_rep,
    assert_not_assessable_outside_views,
    clean_cases,
    fault_cases,
    fired,
)
from formcheck.analysis import analyze_sequence
from formcheck.exercises.registry import available, get_exercise
from formcheck.pose.landmarks import Landmark as L

NAME = "kb_deadlift"
if NAME not in available():
    pytest.skip(f"{NAME}.toml is not there yet", allow_module_level=True)
EXERCISE = get_exercise(NAME)
RULES = {rule.id: rule for rule in EXERCISE.rules}

# Misses of formcheck's measures on faults the builder shows (see test_builders_hinge.py for
# the posed magnitudes). Strict: a fix in src/ makes these pass, and the mark must go.
MISSES = {
    ("heel_lift", "side"): (
        "heel_rise (heel_height change from standing, leg lengths) > 0.1 is above the "
        "renderer's 4 cm lift (0.047 leg lengths): the faulty rep reads 0.046-0.051, clean reps "
        "at most 0.010 (seeds 0-2); the threshold was raised for MediaPipe's heel jitter on "
        "rendered clips (docs/accuracy.md), so a 4 cm lift is never reported"
    ),
}
VARIANTS = {
    "default": {},
    "facing_left": {"facing": "left"},
    "gaps": {"drop_frames": 0.05},
    "short": {"height_m": 1.55, "seed": 7},
}


def test_every_rule_has_a_fault_in_the_builder():
    assert set(RULES) <= set(EXERCISE_FAULTS[NAME])


@pytest.mark.parametrize("fault, view", fault_cases(RULES, EXERCISE_FAULTS[NAME], MISSES))
def test_rule_fires_on_its_fault_only_in_the_faulty_rep(fault, view):
    seq, _ = kb_deadlift_sequence(reps=3, fault=fault, fault_reps=[1], view=view, seed=3)
    assert_fires_only_in_rep(analyze_sequence(seq, EXERCISE), fault, RULES[fault], view)


@pytest.mark.parametrize("view, variant", clean_cases(VARIANTS))
def test_clean_reps_stay_clean(view, variant):
    seq, _ = kb_deadlift_sequence(reps=3, view=view, **variant)
    analysis = analyze_sequence(seq, EXERCISE)
    assert len(analysis.reps) == 3
    assert fired(analysis) == [set(), set(), set()]


@pytest.mark.parametrize("view", ["side", "front"])
def test_rules_outside_their_views_are_not_assessable_never_passed(view):
    seq, _ = kb_deadlift_sequence(reps=2, view=view)
    assert_not_assessable_outside_views(analyze_sequence(seq, EXERCISE), EXERCISE, view)


@pytest.mark.parametrize("view", ALL_VIEWS)
def test_getting_into_position_is_not_a_rep(view):
    seq, truth = kb_deadlift_sequence(reps=4, lead_in_s=3.0, view=view)
    analysis = analyze_sequence(seq, EXERCISE)
    assert len(analysis.reps) == 4
    # The first rep starts where the lifter first bends, not in the lead-in (from behind the
    # trunk angle is read from the back's shortening, which blurs the start by ~0.5 s).
    assert abs(analysis.reps[0].start_s - truth[0].start_s) < 0.6


def test_a_heel_lift_above_the_threshold_fires():
    """The heel rule does catch a lift as large as its threshold says (12 cm, 0.14 legs)."""
    seq, _ = kb_deadlift_sequence(reps=3, fault="heel_lift", magnitude=0.12, fault_reps=[1])
    analysis = analyze_sequence(seq, EXERCISE)
    assert_fires_only_in_rep(analysis, "heel_lift", RULES["heel_lift"], "side")


def test_per_rep_depth_and_tempo_match_the_motion():
    motion, truth = kb_deadlift_motion(reps=2)
    seq = film(motion, view="side", seed=1)
    analysis = analyze_sequence(seq, EXERCISE)
    lm = motion.landmarks
    trunk = lm[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]].mean(1) - lm[
        :, [L.LEFT_HIP, L.RIGHT_HIP]
    ].mean(1)
    incline = np.degrees(np.arccos(trunk[:, 2] / np.linalg.norm(trunk, axis=1)))
    assert len(analysis.reps) == 2
    for rep, true in zip(analysis.reps, truth):
        deepest = incline[round(true.bottom_s * 30)]
        assert rep.metrics["depth_deg"] == pytest.approx(deepest, abs=3.0)
        descent = true.bottom_s - true.start_s
        assert 0.4 * descent <= rep.metrics["descent_s"] <= descent
        assert 0 <= rep.start_s - true.start_s < 0.5
        assert 0 <= true.end_s - rep.end_s < 1.0


def test_feet_the_pose_model_cannot_follow_are_not_assessable():
    # Plates hiding the feet: MediaPipe's toes wander a fifth of a leg length and more while
    # the lifter's feet stay planted. Heel and mid-foot then cannot be placed: no verdict,
    # never a pass.
    seq, _ = kb_deadlift_sequence(reps=2, fault="bell_position", fault_reps=[1], seed=3)
    wander = 0.1 * np.sin(np.linspace(0, 12 * np.pi, len(seq)))[:, None]
    for toe in (L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX):
        seq.image_xy[:, toe, 1] += wander[:, 0]
    analysis = analyze_sequence(seq, EXERCISE)
    assert len(analysis.reps) == 2
    for rep in analysis.reps:
        for rule_id in ("bell_position", "heel_lift"):
            assert rule_id in rep.not_assessable and rule_id not in rep.passed
            assert not any(f.rule_id == rule_id for f in rep.faults)
    reasons = [v for k, v in analysis.not_assessable.items() if k.startswith("bell_position@")]
    assert reasons and all("feet could not be followed" in r for r in reasons)
