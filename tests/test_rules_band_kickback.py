"""Every band kickback rule fires on its fault, from each view it claims, in the faulty rep
only, and clean reps stay clean on either leg; reps are counted per working leg and a switch
of legs is noticed. Sequences come from the kinematic builder in tests/builders
(kickback.py), filmed from the working leg's side as the rendered clips are."""

from __future__ import annotations

from collections import Counter

import pytest

from builders import EXERCISE_FAULTS, band_kickback_sequence
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

NAME = "band_kickback"
if NAME not in available():
    pytest.skip(f"{NAME}.toml is not there yet", allow_module_level=True)
EXERCISE = get_exercise(NAME)
RULES = {rule.id: rule for rule in EXERCISE.rules}
OTHER = {"left": "right", "right": "left"}

# Misses of formcheck's measures on faults the builder shows, and false alarms on clean reps;
# strict, so a fix shows.
HIPS = (
    "hip_line_tilt_deg > 25 is above the renderer's 20 deg rotation (the hip line rises "
    "asin(sin 20 sin 75) = 19.3 deg): the faulty rep reads {faulty}, clean reps at most "
    "{clean} (seeds 0-2); docs/accuracy.md set 25 over MediaPipe's 15-16 deg on clean clips "
    "from behind"
)
MISSES = {
    ("hips_rotate", "front"): HIPS.format(faulty="19.7-24.2", clean="4.9"),
    ("hips_rotate", "back"): HIPS.format(faulty="21.2-23.0", clean="4.6"),
    ("standing_knee_locked", "side"): (
        "standing_knee_flexion_deg < 6 for 0.4 s: the locked knee (0 deg; 3.5 noise-free, the "
        "hip landmark sits outside the joint) reads 0.1-2.2 at best but noise on the far leg "
        "lifts it over 6 within the 0.4 s (fires for seed 0 only of 0-3); clean reps read "
        "7.6-26 (15.3 noise-free)"
    ),
}
FALSE_ALARMS: dict[tuple[str, str], str] = {}
VARIANTS = {
    "default": {},
    # The working leg away from the camera: its landmarks are the pose model's guesses.
    "facing_left": {"facing": "left"},
    "gaps": {"drop_frames": 0.05},
    "short": {"height_m": 1.55, "seed": 7},
    "right_leg": {"standing_leg": "right", "facing": "left"},
}


def test_every_rule_has_a_fault_in_the_builder():
    assert set(RULES) <= set(EXERCISE_FAULTS[NAME])


@pytest.mark.parametrize("fault, view", fault_cases(RULES, EXERCISE_FAULTS[NAME], MISSES))
def test_rule_fires_on_its_fault_only_in_the_faulty_rep(fault, view):
    seq, _ = band_kickback_sequence(reps=3, fault=fault, fault_reps=[1], view=view, seed=3)
    assert_fires_only_in_rep(analyze_sequence(seq, EXERCISE), fault, RULES[fault], view)


@pytest.mark.parametrize("view, variant", clean_cases(VARIANTS, FALSE_ALARMS))
def test_clean_reps_stay_clean(view, variant):
    seq, _ = band_kickback_sequence(reps=3, view=view, **variant)
    analysis = analyze_sequence(seq, EXERCISE)
    assert len(analysis.reps) == 3
    assert fired(analysis) == [set(), set(), set()]


@pytest.mark.parametrize("view", ["side", "front"])
def test_rules_outside_their_views_are_not_assessable_never_passed(view):
    seq, _ = band_kickback_sequence(reps=2, view=view)
    assert_not_assessable_outside_views(analyze_sequence(seq, EXERCISE), EXERCISE, view)


def _lead_in(view):
    seq, truth = band_kickback_sequence(reps=4, lead_in_s=3.0, view=view)
    return analyze_sequence(seq, EXERCISE), truth


@pytest.mark.parametrize("view", ALL_VIEWS)
def test_reps_are_counted_exactly(view):
    analysis, _ = _lead_in(view)
    assert len(analysis.reps) == 4


@pytest.mark.parametrize("view", ALL_VIEWS)
def test_the_first_rep_starts_when_the_leg_moves(view):
    analysis, truth = _lead_in(view)
    assert abs(analysis.reps[0].start_s - truth[0].start_s) < 0.6
    assert analysis.reps[0].metrics["descent_s"] < 0.8 + 0.5


@pytest.mark.parametrize("view", ["front", "back"])
def test_hips_rotated_past_the_threshold_fire(view):
    """The hip rule does catch a rotation as large as its threshold says (35 deg)."""
    seq, _ = band_kickback_sequence(
        reps=3, fault="hips_rotate", magnitude=35.0, fault_reps=[1], view=view, seed=3
    )
    analysis = analyze_sequence(seq, EXERCISE)
    assert_fires_only_in_rep(analysis, "hips_rotate", RULES["hips_rotate"], view)


@pytest.mark.parametrize("view", ["side", "front", "oblique"])
@pytest.mark.parametrize(
    "legs",
    [["left", "left", "right", "right"], ["right", "left", "left"]],
    ids=["left-then-right", "right-then-left"],
)
def test_reps_are_counted_per_working_leg_and_the_switch_noticed(view, legs):
    seq, truth = band_kickback_sequence(legs=legs, view=view, seed=2)
    analysis = analyze_sequence(seq, EXERCISE)
    assert len(analysis.reps) == len(legs)
    assert [rep.standing_leg for rep in analysis.reps] == [t.standing_leg for t in truth]
    assert [rep.working_leg for rep in analysis.reps] == [OTHER[t.standing_leg] for t in truth]
    assert analysis.reps_per_leg == dict(Counter(OTHER[leg] for leg in legs))
    switches = [k for k in range(1, len(legs)) if legs[k] != legs[k - 1]]
    said = [w for w in analysis.warnings if "switched" in w]
    assert len(said) == len(switches)
    for k, warning in zip(switches, said):
        assert f"rep {k + 1}" in warning and OTHER[legs[k]] in warning


def test_one_leg_throughout_is_no_switch():
    seq, _ = band_kickback_sequence(reps=4, standing_leg="right", facing="left")
    analysis = analyze_sequence(seq, EXERCISE)
    assert analysis.reps_per_leg == {"left": 4}
    assert not [w for w in analysis.warnings if "switched" in w]


@pytest.mark.parametrize("view", ["side", "oblique"])
@pytest.mark.parametrize("seed", [0, 3])
def test_no_hold_is_found_with_the_working_leg_away_from_the_camera(view, seed):
    """The hold is timed wide enough (25% of the range) that the far leg's wander in depth
    neither hides a rushed rep nor invents one in a held rep."""
    seq, _ = band_kickback_sequence(
        reps=3, fault="no_hold", fault_reps=[1], view=view, facing="left", seed=seed
    )
    assert_fires_only_in_rep(analyze_sequence(seq, EXERCISE), "no_hold", RULES["no_hold"], view)
