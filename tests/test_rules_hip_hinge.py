"""Every hip-hinge drill rule fires on its fault, from each view it claims, in the faulty rep
only, with the stick or the band (whichever drill shows the fault), and clean reps stay clean.
Sequences come from the kinematic builder in tests/builders (hip_hinge.py)."""

from __future__ import annotations

import pytest

from builders import HIP_HINGE_VARIANT_FAULTS, hip_hinge_sequence
from builders.judging import (
    ALL_VIEWS,
    assert_fires_only_in_rep,
    assert_not_assessable_outside_views,
    fired,
    known,
)
from formcheck.analysis import analyze_sequence
from formcheck.exercises.registry import available, get_exercise

NAME = "hip_hinge"
if NAME not in available():
    pytest.skip(f"{NAME}.toml is not there yet", allow_module_level=True)
EXERCISE = get_exercise(NAME)
RULES = {rule.id: rule for rule in EXERCISE.rules}
DRILLS = tuple(HIP_HINGE_VARIANT_FAULTS)

# Misses of formcheck's measures on faults the builder shows, by (fault, view, drill), and
# false alarms on clean reps by (view, drill, variant); strict, so a fix shows.
MISSES = {
    ("heel_lift", "side", "stick"): (
        "heel_rise (heel_height change from standing, leg lengths) > 0.1 is above the "
        "renderer's 4 cm lift (0.047 leg lengths): the faulty rep reads 0.049-0.056, clean reps "
        "at most 0.010 (seeds 0-2); the threshold was raised for MediaPipe's heel jitter on "
        "rendered clips (docs/accuracy.md), so a 4 cm lift is never reported"
    ),
}
FALSE_ALARMS: dict[tuple[str, str, str], str] = {}
VARIANTS = {
    "default": {},
    "facing_left": {"facing": "left"},
    "gaps": {"drop_frames": 0.05},
    "short": {"height_m": 1.55, "seed": 7},
}


def _marks(table, *key):
    return [known(table[key])] if key in table else []


FAULT_CASES = [
    pytest.param(
        rid, view, drill, id=f"{rid}-{view}-{drill}", marks=_marks(MISSES, rid, view, drill)
    )
    for rid, rule in RULES.items()
    for drill in DRILLS
    if rid in HIP_HINGE_VARIANT_FAULTS[drill]
    for view in rule.views
    if view in ALL_VIEWS
]
CLEAN_CASES = [
    pytest.param(
        view,
        drill,
        kw,
        id=f"{view}-{drill}-{name}",
        marks=_marks(FALSE_ALARMS, view, drill, name),
    )
    for view in ALL_VIEWS
    for drill in DRILLS
    for name, kw in VARIANTS.items()
]


def test_every_rule_has_a_fault_in_one_of_the_drills():
    assert set(RULES) <= {f for faults in HIP_HINGE_VARIANT_FAULTS.values() for f in faults}


@pytest.mark.parametrize("fault, view, drill", FAULT_CASES)
def test_rule_fires_on_its_fault_only_in_the_faulty_rep(fault, view, drill):
    seq, _ = hip_hinge_sequence(
        variant=drill, reps=3, fault=fault, fault_reps=[1], view=view, seed=3
    )
    assert_fires_only_in_rep(analyze_sequence(seq, EXERCISE), fault, RULES[fault], view)


@pytest.mark.parametrize("view, drill, variant", CLEAN_CASES)
def test_clean_reps_stay_clean(view, drill, variant):
    seq, _ = hip_hinge_sequence(variant=drill, reps=3, view=view, **variant)
    analysis = analyze_sequence(seq, EXERCISE)
    assert len(analysis.reps) == 3
    assert fired(analysis) == [set(), set(), set()]


@pytest.mark.parametrize("view", ["side", "front"])
def test_rules_outside_their_views_are_not_assessable_never_passed(view):
    seq, _ = hip_hinge_sequence(reps=2, view=view)
    assert_not_assessable_outside_views(analyze_sequence(seq, EXERCISE), EXERCISE, view)


@pytest.mark.parametrize("drill", DRILLS)
def test_reps_are_counted_exactly(drill):
    seq, truth = hip_hinge_sequence(variant=drill, reps=4, lead_in_s=3.0)
    analysis = analyze_sequence(seq, EXERCISE)
    assert len(analysis.reps) == 4
    assert abs(analysis.reps[0].start_s - truth[0].start_s) < 0.6


def test_a_heel_lift_above_the_threshold_fires():
    seq, _ = hip_hinge_sequence(reps=3, fault="heel_lift", magnitude=0.12, fault_reps=[1])
    analysis = analyze_sequence(seq, EXERCISE)
    assert_fires_only_in_rep(analysis, "heel_lift", RULES["heel_lift"], "side")


def test_a_squatted_drill_still_counts_as_reps():
    """The squat fault tips the trunk only 35 deg: the reps must still be found to be judged."""
    seq, _ = hip_hinge_sequence(reps=3, fault="squat_not_hinge", seed=2)
    assert len(analyze_sequence(seq, EXERCISE).reps) == 3
