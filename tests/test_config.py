"""Exercise definitions load as data, and user overrides are applied and validated."""

from __future__ import annotations

import pytest

from formcheck.analysis import FROM_STANDING, SET_MEASURES
from formcheck.errors import ConfigError, UnknownExerciseError
from formcheck.exercises.registry import available, get_exercise
from formcheck.reps.metrics import REP_MEASURE_UNITS
from formcheck.signals.measures import MEASURES

SLDL_FAULTS = {
    "hips_open",
    "spine_round",
    "bell_drift",
    "knee_valgus",
    "lean_back",
    "squat_not_hinge",
    "rear_leg_high",
    "rear_leg_bent",
    "chest_drop",
    "arm_pull",
    "fast_descent",
    "bounce_at_bottom",
    "balance_loss",
    "neck_not_neutral",
}


# The fault ids of each exercise's table in shared/FAULTS.md ("fast_descent / bounce_at_bottom"
# is two rules for the single-leg deadlift; the kickback's "no_hold / rushed_return" is one rule
# with two conditions).
FAULT_TABLES = {
    "kb_single_leg_deadlift": SLDL_FAULTS,
    "band_kickback": {
        "torso_too_upright",
        "back_arch",
        "hips_rotate",
        "working_leg_bent",
        "standing_knee_locked",
        "head_up",
        "no_hold",
        "torso_moves",
    },
    "hip_hinge": {
        "spine_not_neutral",
        "gaze_not_neutral",
        "squat_not_hinge",
        "hips_rise_first",
        "heel_lift",
    },
    "kb_deadlift": {
        "spine_round",
        "gaze_not_neutral",
        "bell_position",
        "arms_bent",
        "incomplete_lockout",
        "hips_rise_first",
        "heel_lift",
    },
    "romanian_deadlift": {
        "knees_too_bent",
        "spine_round",
        "gaze_not_neutral",
        "arms_bent",
        "incomplete_lockout",
        "heel_lift",
    },
    "kb_swing": {"arm_lift", "top_not_plank", "squat_swing", "spine_round"},
}


def test_every_exercise_of_the_sources_is_supported():
    assert set(available()) == set(FAULT_TABLES)


# Rules beyond an exercise's table, each quoting its own seed sentence: a kettlebell deadlift
# lifted by squatting is called out as the hinge drill's fault is ("the deadlift, which is
# just a weighted hinge"; "Your knees and hips will bend as your chest comes forward while
# letting your hips move back").
EXTRA_RULES = {"kb_deadlift": {"squat_not_hinge"}}


@pytest.mark.parametrize("name", sorted(FAULT_TABLES))
def test_exercise_has_every_fault_of_its_table(name):
    expected = FAULT_TABLES[name] | EXTRA_RULES.get(name, set())
    assert {r.id for r in get_exercise(name).rules} == expected


@pytest.mark.parametrize("name", available())
def test_every_rule_is_traceable_and_measurable(name):
    ex = get_exercise(name)
    for rule in ex.rules:
        assert rule.seed and rule.message and rule.cue and rule.views
        for cond in rule.conditions:
            known = (
                set(MEASURES)
                | set(REP_MEASURE_UNITS)
                | set(FROM_STANDING.values())
                | set(SET_MEASURES)
            )
            assert cond.measure in known, cond.measure
    assert set(ex.rep_metrics) <= set(REP_MEASURE_UNITS)


def test_seed_sentences_are_quoted_from_the_sources():
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds not present")
    text = " ".join(p.read_text() for p in seeds.glob("*.txt"))
    for name in available():
        for rule in get_exercise(name).rules:
            assert rule.seed in text, f"{name}.{rule.id}: seed sentence not found in the sources"


def test_override_threshold_and_disable(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        "[kb_single_leg_deadlift.rules.hips_open]\nthreshold = 20.5\n"
        "[kb_single_leg_deadlift.rules.arm_pull]\nenabled = false\n"
        "[kb_single_leg_deadlift.rules.balance_loss]\nfree_foot_down_s = 0.5\n"
        "[kb_single_leg_deadlift.reps]\nmin_depth = 0.2\n"
    )
    ex = get_exercise("kb_single_leg_deadlift", cfg)
    rules = {r.id: r for r in ex.rules}
    assert rules["hips_open"].conditions[0].threshold == 20.5
    assert "arm_pull" not in {r.id for r in ex.active_rules}
    thresholds = {c.measure: c.threshold for c in rules["balance_loss"].conditions}
    assert thresholds["free_foot_down_s"] == 0.5
    assert thresholds["standing_foot_travel"] == 0.03  # untouched
    assert ex.rep_settings.min_depth == 0.2


@pytest.mark.parametrize(
    ("exercise", "value", "ok"),
    [
        ("kb_single_leg_deadlift", "30.0", False),  # degrees, for a signal in body fractions
        ("kb_single_leg_deadlift", "0.2", True),
        ("band_kickback", "150.0", True),  # the kickback's signal is the leg's angle
    ],
)
def test_rep_depths_must_be_in_the_rep_signals_unit(tmp_path, exercise, value, ok):
    cfg = tmp_path / "c.toml"
    cfg.write_text(f"[{exercise}.reps]\nmin_depth = {value}\n")
    if ok:
        assert get_exercise(exercise, cfg).rep_settings.min_depth == float(value)
    else:
        with pytest.raises(ConfigError, match="min_depth = 30 .* cannot be right: reps are found"):
            get_exercise(exercise, cfg)


@pytest.mark.parametrize(
    "toml, needle",
    [
        ("[kb_single_leg_deadlift.rules.hips_open]\nthreshhold = 3\n", "'threshhold'"),
        ("[kb_single_leg_deadlift.rules.balance_loss]\nthreshold = 3\n", "'threshold'"),
        ("[kb_single_leg_deadlift.rules.nope]\n", "'nope'"),
        ("[kb_single_leg_deadlift.rules.hips_open]\nviews = ['top']\n", "views"),
        ("[kb_single_leg_deadlift.rules.hips_open]\nenabled = 'yes'\n", "enabled"),
        ("[kb_single_leg_deadlift.exercise]\nbell_hand = 'both'\n", "bell_hand"),
    ],
)
def test_bad_overrides_name_the_problem(tmp_path, toml, needle):
    cfg = tmp_path / "c.toml"
    cfg.write_text(toml)
    with pytest.raises(ConfigError, match=needle):
        get_exercise("kb_single_leg_deadlift", cfg)


def test_unknown_exercise_lists_the_valid_ones():
    with pytest.raises(UnknownExerciseError) as info:
        get_exercise("squat")
    assert "kb_single_leg_deadlift" in str(info.value)
