"""Every Romanian deadlift rule fires on its fault, from each view it claims, in the faulty rep
only, and clean reps stay clean. Sequences come from the kinematic builder in tests/builders
(romanian_deadlift.py), which poses the fault at the renderer's magnitude."""

from __future__ import annotations

import pytest

from builders import EXERCISE_FAULTS, romanian_deadlift_sequence
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

NAME = "romanian_deadlift"
if NAME not in available():
    pytest.skip(f"{NAME}.toml is not there yet", allow_module_level=True)
EXERCISE = get_exercise(NAME)
RULES = {rule.id: rule for rule in EXERCISE.rules}

# Misses of formcheck's measures on faults the builder shows; strict, so a fix shows.
MISSES = {
    ("heel_lift", "side"): (
        "heel_rise (heel_height change from standing, leg lengths) > 0.1 is above the "
        "renderer's 4 cm lift (0.047 leg lengths): the faulty rep reads 0.050-0.057, clean reps "
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
    seq, _ = romanian_deadlift_sequence(reps=3, fault=fault, fault_reps=[1], view=view, seed=3)
    assert_fires_only_in_rep(analyze_sequence(seq, EXERCISE), fault, RULES[fault], view)


@pytest.mark.parametrize("view, variant", clean_cases(VARIANTS))
def test_clean_reps_stay_clean(view, variant):
    seq, _ = romanian_deadlift_sequence(reps=3, view=view, **variant)
    analysis = analyze_sequence(seq, EXERCISE)
    assert len(analysis.reps) == 3
    assert fired(analysis) == [set(), set(), set()]


@pytest.mark.parametrize("view", ["side", "front"])
def test_rules_outside_their_views_are_not_assessable_never_passed(view):
    seq, _ = romanian_deadlift_sequence(reps=2, view=view)
    assert_not_assessable_outside_views(analyze_sequence(seq, EXERCISE), EXERCISE, view)


@pytest.mark.parametrize("view", ALL_VIEWS)
def test_reps_are_counted_exactly(view):
    seq, truth = romanian_deadlift_sequence(reps=4, lead_in_s=3.0, view=view)
    analysis = analyze_sequence(seq, EXERCISE)
    assert len(analysis.reps) == 4
    assert abs(analysis.reps[0].start_s - truth[0].start_s) < 0.6


def test_a_heel_lift_above_the_threshold_fires():
    seq, _ = romanian_deadlift_sequence(reps=3, fault="heel_lift", magnitude=0.12, fault_reps=[1])
    analysis = analyze_sequence(seq, EXERCISE)
    assert_fires_only_in_rep(analysis, "heel_lift", RULES["heel_lift"], "side")


def test_soft_knees_are_not_too_bent_but_a_squat_is():
    """The knee rule reads the knee, not the depth: the clean Romanian deadlift bends the
    knees 18 deg, the faulty rep 60."""
    seq, _ = romanian_deadlift_sequence(reps=3, fault="knees_too_bent", fault_reps=[1], seed=5)
    analysis = analyze_sequence(seq, EXERCISE)
    knee = analysis.measures["standing_knee_flexion_deg"]
    at_bottom = [knee[rep.bottom_frame] for rep in analysis.reps]
    assert at_bottom[1] > RULES["knees_too_bent"].conditions[0].threshold > max(at_bottom[::2])
    assert at_bottom[1] - max(at_bottom[::2]) == pytest.approx(60 - 18, abs=8)
