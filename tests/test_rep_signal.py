"""Every rep counted whatever the form, and verdicts weighed against what the clip can show:
the hinge-or-squat rep signal, reps the clip or a set-up cuts short, faults within a clip's
noise or short of the level clean real lifts reach."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from builders.kb_deadlift import kb_deadlift_sequence
from formcheck.analysis import analyze_sequence
from formcheck.exercises.registry import get_exercise
from formcheck.reps.segment import RepSettings, segment_reps
from formcheck.rules.engine import RepEvidence, judge
from formcheck.rules.model import Condition, Rule
from formcheck.signals.noise import robust_sigma

# --- a rep is a rep whatever the form ---------------------------------------------------------


def test_a_squatted_pull_is_counted_and_told_it_squatted():
    seq, _ = kb_deadlift_sequence(fault="squat_not_hinge", fault_reps=[0, 1, 2], seed=0)
    deadlift = get_exercise("kb_deadlift")
    analysis = analyze_sequence(seq, deadlift)
    # The trunk alone never reaches the 30 deg a hinge rep needed: the old rep signal counted
    # nothing here ("no complete rep found").
    assert np.nanmax(analysis.measures["trunk_inclination_deg"]) < 30.0
    trunk_only = replace(
        deadlift,
        rep_signal="trunk_inclination_deg",
        rep_settings=replace(deadlift.rep_settings, min_depth=30.0, min_amplitude=25.0),
    )
    assert analyze_sequence(seq, trunk_only).reps == []
    assert len(analysis.reps) == 3
    for rep in analysis.reps:
        assert [f.rule_id for f in rep.faults] == ["squat_not_hinge"], rep.faults


def test_a_hinged_pull_is_not_told_it_squatted():
    seq, _ = kb_deadlift_sequence(seed=1)
    analysis = analyze_sequence(seq, get_exercise("kb_deadlift"))
    assert len(analysis.reps) == 3
    assert not any(f.rule_id == "squat_not_hinge" for r in analysis.reps for f in r.faults)


# --- what is not a rep -------------------------------------------------------------------------

SETTINGS = RepSettings(min_depth=0.12, min_amplitude=0.10, min_duration_s=0.8)


def _signal(points: list[tuple[float, float]], fps: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    """A signal through (time, value) points, linearly between them."""
    times, values = zip(*points)
    t = np.arange(0.0, times[-1] + 1e-9, 1.0 / fps)
    return t, np.interp(t, times, values)


def test_a_clip_that_opens_on_the_way_down_holds_a_partial_rep():
    t, x = _signal(
        [(0.0, 0.05), (0.8, 0.40), (1.6, 0.0), (2.5, 0.0), (3.5, 0.4), (4.5, 0.0), (5.5, 0.0)]
    )
    reps = segment_reps(t, x, SETTINGS)
    assert [round(float(t[w.bottom]), 1) for w in reps] == [3.5]


def test_a_clip_that_opens_standing_still_counts_its_first_rep():
    t, x = _signal([(0.0, 0.0), (0.5, 0.0), (1.3, 0.40), (2.1, 0.0), (3.0, 0.0)])
    assert len(segment_reps(t, x, SETTINGS)) == 1


def test_shifting_at_the_bottom_without_standing_up_is_not_a_rep():
    # Setting up over the bar: the hips rise and sink twice before the one pull.
    t, x = _signal(
        [(0.0, 0.0), (0.5, 0.0), (1.5, 0.5), (2.0, 0.35), (2.5, 0.55), (3.0, 0.38), (3.5, 0.5)]
        + [(4.5, 0.0), (5.5, 0.0)]
    )
    assert len(segment_reps(t, x, SETTINGS)) == 1


def test_a_pull_from_the_floor_that_opens_mid_descent_is_not_a_lift():
    lift = replace(SETTINGS, count_lift_from_start=True)
    t, x = _signal([(0.0, 0.20), (0.5, 0.5), (1.5, 0.5), (2.5, 0.0), (3.5, 0.0)])
    assert segment_reps(t, x, lift) == []
    t, x = _signal([(0.0, 0.5), (1.5, 0.5), (2.5, 0.0), (3.5, 0.0)])  # resting on the floor
    assert len(segment_reps(t, x, lift)) == 1


# --- a fault must stand out ---------------------------------------------------------------------


def test_robust_sigma_reads_the_spread_not_the_outliers():
    rng = np.random.default_rng(0)
    noise = rng.normal(0.0, 2.0, 2000)
    noise[::50] = 40.0  # glitches
    assert robust_sigma(noise) == pytest.approx(2.0, rel=0.1)
    assert np.isnan(robust_sigma(np.array([1.0, np.nan])))


def _rule(cond: Condition) -> Rule:
    return Rule(
        id="x",
        conditions=(cond,),
        phases=("rep",),
        views=("side",),
        min_duration_s=0.0,
        joints=(),
        message="m",
        cue="c",
        seed="s",
        source="test",
    )


def _evidence(value: float, noise: float | None) -> RepEvidence:
    from formcheck.reps.segment import RepWindow

    t = np.arange(30) / 30.0
    window = RepWindow(start=0, reach=10, bottom=15, leave=20, end=29, lockout_end=29,
                       top_level=0.0, depth=1.0)  # fmt: skip
    return RepEvidence(
        window=window,
        t=t,
        frame_measures={"m": np.full(30, value)},
        rep_measures={},
        joint_names={},
        units={"m": "deg"},
        noise={} if noise is None else {"m": noise},
    )


@pytest.mark.parametrize(
    ("value", "noise", "confident_threshold", "told"),
    [
        (30.0, None, None, "high"),  # nothing says it is doubtful
        (22.0, 2.0, None, "low"),  # 2 past the limit, in a clip that reads +-2 frame to frame
        (30.0, 2.0, None, "high"),  # 10 past it: stands out
        (30.0, None, 35.0, "low"),  # clean real lifts read up to 35
        (40.0, None, 35.0, "high"),
    ],
)
def test_a_fault_is_told_firmly_only_when_it_stands_out(value, noise, confident_threshold, told):
    rule = _rule(Condition("m", ">", 20.0, confident_threshold))
    outcome = judge(rule, _evidence(value, noise), "side")
    assert outcome.status == "fault"
    assert outcome.fault.confidence == told
    if told == "low":
        assert outcome.fault.confidence_note  # says why: noise, or the real-footage spread


def test_confident_threshold_is_never_short_of_a_raised_threshold():
    cond = Condition("m", ">", 50.0, confident_threshold=35.0)  # a user raised the threshold
    assert cond.firmly_holds(51.0)
    low = Condition("m", "<", -10.0, confident_threshold=-25.0)
    assert not low.firmly_holds(-20.0) and low.firmly_holds(-26.0)
    both = Condition("m", "|>|", 0.13, confident_threshold=0.3)
    assert both.firmly_holds(-0.31) and not both.firmly_holds(0.2)
