"""The rule engine's judgement on hand-built evidence: how long a condition must hold, the
firing level the threshold evidence is built on, joints the pose model marks hidden, and
per-rep preconditions."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.config import parse_rule
from formcheck.errors import ConfigError
from formcheck.reps.segment import RepWindow
from formcheck.rules.engine import RepEvidence, firing_level, judge

FPS = 30.0
N = 90  # a 3 s rep, all of it "rep" phase


def rule(**extra):
    raw = {
        "measure": "knee_deg",
        "compare": ">",
        "threshold": 40.0,
        "phases": ["rep"],
        "views": ["side"],
        "min_duration_s": 0.2,  # 6 frames at 30 fps
        "joints": ["standing_knee"],
        "cue": "Soft knees",
        "message": "Keep the knees soft.",
        "seed": "knees soft",
    }
    return parse_rule("knees", raw | extra, "test")


def evidence(series, visibility=None, rep_measures=None):
    window = RepWindow(
        start=0, reach=30, bottom=45, leave=60, end=N - 1, lockout_end=N - 1, top_level=0, depth=60
    )
    return RepEvidence(
        window=window,
        t=np.arange(N) / FPS,
        frame_measures={"knee_deg": np.asarray(series, float)},
        rep_measures=rep_measures or {},
        joint_names={"standing_knee": ("left_knee",)},
        units={"knee_deg": "deg"},
        visibility=visibility or {},
    )


def plateau(height: float, frames: int, base: float = 10.0) -> np.ndarray:
    x = np.full(N, base)
    x[40 : 40 + frames] = height
    return x


@pytest.mark.parametrize("frames, fires", [(5, False), (6, True), (20, True)])
def test_a_fault_must_hold_for_the_minimum_duration(frames, fires):
    outcome = judge(rule(), evidence(plateau(55.0, frames)), "side")
    assert (outcome.status == "fault") is fires


@pytest.mark.parametrize(
    "series, compare",
    [
        (plateau(55.0, 20), ">"),
        (plateau(55.0, 5), ">"),  # too short: the level is what was held for 6 frames
        (np.linspace(0, 80, N), ">"),
        (np.sin(np.arange(N) / 7) * 50, "|>|"),
        (plateau(-30.0, 12, base=5.0), "<"),
    ],
)
def test_firing_level_is_exactly_where_the_threshold_flips(series, compare):
    ev = evidence(series)
    level = firing_level(rule(compare=compare), rule(compare=compare).conditions[0], ev)
    step = 1e-6 if compare != "<" else -1e-6
    just_inside = judge(rule(compare=compare, threshold=level - step), ev, "side")
    just_past = judge(rule(compare=compare, threshold=level + step), ev, "side")
    assert just_inside.status == "fault" and just_past.status == "pass"


def test_hidden_joints_make_the_rule_not_assessable_with_the_reason():
    hidden = {"standing_knee": np.where(np.arange(N) < 70, 0.2, 0.9)}  # hidden most of the rep
    outcome = judge(
        rule(needs_visible=["standing_knee"]), evidence(plateau(55.0, 20), hidden), "side"
    )
    assert outcome.status == "not_assessable"
    assert "knee" in outcome.reason and "hidden" in outcome.reason


def test_frames_with_the_joint_hidden_are_not_judged():
    # The fault happens only while the knee is hidden: nothing seen, nothing called.
    seen = {"standing_knee": np.where((np.arange(N) >= 40) & (np.arange(N) < 60), 0.1, 0.95)}
    outcome = judge(
        rule(needs_visible=["standing_knee"]), evidence(plateau(55.0, 20), seen), "side"
    )
    assert outcome.status == "pass"
    assert judge(rule(), evidence(plateau(55.0, 20), seen), "side").status == "fault"


def test_a_failed_precondition_is_not_assessable_never_a_pass():
    r = rule(
        assessable_if=[{"measure": "toe_wander", "compare": "<", "threshold": 0.1}],
        unassessable_reason="the feet could not be followed",
    )
    steady = evidence(plateau(55.0, 20), rep_measures={"toe_wander": (0.03, 10)})
    wandering = evidence(plateau(55.0, 20), rep_measures={"toe_wander": (0.4, 10)})
    unmeasured = evidence(plateau(55.0, 20), rep_measures={"toe_wander": (np.nan, 10)})
    assert judge(r, steady, "side").status == "fault"
    for ev in (wandering, unmeasured):
        outcome = judge(r, ev, "side")
        assert outcome.status == "not_assessable"
        assert outcome.reason == "not assessable: the feet could not be followed"
        assert np.isnan(firing_level(r, r.conditions[0], ev))


def test_rule_config_checks_confidence_and_precondition_words():
    assert rule(confidence="low", confidence_note="rough").confidence == "low"
    with pytest.raises(ConfigError, match="confidence"):
        rule(confidence="medium")
    with pytest.raises(ConfigError, match="unassessable_reason"):
        rule(assessable_if=[{"measure": "toe_wander", "compare": "<", "threshold": 0.1}])


def test_low_confidence_rule_marks_its_faults():
    r = rule(confidence="low", confidence_note="read roughly on real clips")
    fault = judge(r, evidence(plateau(55.0, 20)), "side").fault
    assert fault.confidence == "low" and fault.confidence_note == "read roughly on real clips"
    assert judge(rule(), evidence(plateau(55.0, 20)), "side").fault.confidence == "high"
