"""Every kettlebell single-leg deadlift rule fires on its fault, from each view it claims, and
stays quiet on clean reps. Sequences come from the kinematic builders in tests/builders: the
body is posed by joint angles, so the rules meet the fault as a camera would show it."""

from __future__ import annotations

import pytest

from builders import FAULTS, sldl_sequence
from formcheck.analysis import analyze_sequence
from formcheck.exercises.registry import get_exercise

EXERCISE = get_exercise("kb_single_leg_deadlift")
RULES = {rule.id: rule for rule in EXERCISE.rules}
ALL_VIEWS = ("side", "front", "back", "oblique")

CASES = [(fault, view) for fault in FAULTS for view in RULES[fault].views if view in ALL_VIEWS]


def fired(analysis) -> list[set[str]]:
    return [{f.rule_id for f in rep.faults} for rep in analysis.reps]


@pytest.mark.parametrize("fault, view", CASES)
def test_rule_fires_on_its_fault_only_in_the_faulty_rep(fault, view):
    seq, truth = sldl_sequence(reps=3, fault=fault, fault_reps=[1], view=view, seed=3)
    analysis = analyze_sequence(seq, EXERCISE)
    assert len(analysis.reps) == 3
    assert analysis.view.view == view
    per_rep = fired(analysis)
    assert fault in per_rep[1], per_rep
    assert fault not in per_rep[0] | per_rep[2], per_rep
    found = next(f for f in analysis.reps[1].faults if f.rule_id == fault)
    # The fault is reported inside the rep that had it, with its seed sentence and joints.
    assert analysis.reps[1].start_s - 0.5 <= found.time_s <= analysis.reps[1].end_s + 0.7
    assert found.seed == RULES[fault].seed and found.joints


@pytest.mark.parametrize("view", ALL_VIEWS)
@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"standing_leg": "right"},
        {"facing": "left"},
        {"drop_frames": 0.05},
        {"tap_between": True},
        {"height_m": 1.55, "seed": 7},
    ],
    ids=["default", "right_leg", "facing_left", "gaps", "tap_between", "short"],
)
def test_clean_reps_stay_clean(view, variant):
    seq, truth = sldl_sequence(reps=3, view=view, **variant)
    analysis = analyze_sequence(seq, EXERCISE)
    assert len(analysis.reps) == 3
    assert fired(analysis) == [set(), set(), set()]


def test_standing_foot_sliding_is_balance_loss():
    seq, _ = sldl_sequence(reps=3, fault="balance_loss", magnitude=0.10, fault_reps=[1])
    assert fired(analyze_sequence(seq, EXERCISE))[1] >= {"balance_loss"}


@pytest.mark.parametrize("view", ["side", "front"])
def test_rules_outside_their_views_are_not_assessable_never_passed(view):
    seq, _ = sldl_sequence(reps=2, view=view)
    analysis = analyze_sequence(seq, EXERCISE)
    for rule in EXERCISE.rules:
        if view in rule.views:
            continue
        assert rule.id in analysis.not_assessable
        assert "not assessable from this view" in analysis.not_assessable[rule.id]
        for rep in analysis.reps:
            assert rule.id not in rep.passed


def test_per_rep_tempo_depth_and_standing_leg():
    seq, truth = sldl_sequence(reps=2, standing_leg="right", descent_s=2.0, ascent_s=1.0)
    analysis = analyze_sequence(seq, EXERCISE)
    for rep, true in zip(analysis.reps, truth):
        assert rep.standing_leg == "right"
        assert 70 <= rep.metrics["depth_deg"] <= 95
        # Descent is timed from leaving the top to reaching the bottom zone (5% to 90%).
        assert 0.5 * 2.0 <= rep.metrics["descent_s"] <= 2.0
        assert rep.metrics["descent_s"] > rep.metrics["ascent_s"]
        # Start and end are where 5% of the depth is crossed: a little inside the true ends.
        assert 0 <= rep.start_s - true.start_s < 0.5
        assert 0 <= true.end_s - rep.end_s < 0.5


def test_getting_into_position_is_not_a_rep():
    """Lead-in standing still and reps are counted exactly; no rep in the lead-in."""
    seq, truth = sldl_sequence(reps=4, lead_in_s=3.0)
    analysis = analyze_sequence(seq, EXERCISE)
    assert len(analysis.reps) == 4
    assert analysis.reps[0].start_s > 2.5
