"""The live analysis, frame by frame, on synthetic sequences with known faults: the same
verdicts as the clip analysis, faults called out during the rep, counts at lockout, set-up
help, and the user's pause and reset."""

from __future__ import annotations

import pytest

from builders import (
    FAULTS,
    kb_deadlift_sequence,
    kb_swing_sequence,
    romanian_deadlift_sequence,
    sldl_sequence,
)
from formcheck.analysis import analyze_sequence
from formcheck.exercises.registry import get_exercise
from formcheck.live.engine import LiveAnalyzer
from formcheck.pose.outline import Outline
from formcheck.pose.person import PersonLandmarks

SLDL = "kb_single_leg_deadlift"


def play(seq, exercise, analyzer=None, until=None):
    """Feed ``seq`` frame by frame; returns the analyzer and every event with its frame."""
    ex = get_exercise(exercise)
    analyzer = analyzer or LiveAnalyzer(ex, seq.frame_size)
    events = []
    for k in range(len(seq) if until is None else until):
        person = None
        if seq.has_pose[k]:
            outline = None
            if seq.outline is not None:  # the builder's trunk outline, as a mask would give it
                outline = Outline(seq.outline[k], seq.outline_sharpness[k])
            person = PersonLandmarks(
                seq.image_xy[k], seq.world_xyz[k], seq.visibility[k], outline=outline
            )
        update = analyzer.update(float(seq.t[k]), person)
        events += [(k, e) for e in update.events]
    return analyzer, events


def fired(reps):
    return [sorted(f.rule_id for f in rep.faults) for rep in reps]


def test_clean_set_counts_every_rep_at_lockout_and_judges_each_clean():
    seq, truth = sldl_sequence(reps=3)
    analyzer, events = play(seq, SLDL)
    analyzer.finish()
    ticks = [(k, e) for k, e in events if e.kind == "rep"]
    assert [e.text for _, e in ticks] == ["rep 1", "rep 2", "rep 3"]
    for (k, _), rep in zip(ticks, truth):
        # Counted on the way up, no later than the lifter is back at the top.
        assert rep.bottom_s < seq.t[k] <= rep.end_s + 0.1
    assert fired(analyzer.reps) == [[], [], []]
    assert [r.standing_leg for r in analyzer.reps] == ["left"] * 3


@pytest.mark.parametrize(
    "exercise, make, fault",
    [(SLDL, sldl_sequence, f) for f in FAULTS if f not in ("hips_open", "knee_valgus")]
    + [
        ("kb_deadlift", kb_deadlift_sequence, f)
        for f in ("spine_round", "bell_position", "arms_bent", "incomplete_lockout")
    ]
    + [("romanian_deadlift", romanian_deadlift_sequence, "knees_too_bent")]
    + [("kb_swing", kb_swing_sequence, f) for f in ("squat_swing", "top_not_plank")],
)
def test_live_verdicts_match_the_clip_analysis(exercise, make, fault):
    """Same measures, same rules: a rep judged live gets the clip analysis's verdict (side
    view; the front-view faults are below)."""
    seq, _ = make(fault=fault, fault_reps=[1])
    analyzer, _ = play(seq, exercise)
    analyzer.finish()
    offline = analyze_sequence(seq, get_exercise(exercise))
    assert fault in fired(offline.reps)[1]  # the posed fault is there to be found
    assert fired(analyzer.reps) == fired(offline.reps)


@pytest.mark.parametrize("fault", ["hips_open", "knee_valgus"])
def test_front_view_faults_are_judged_live_from_the_front(fault):
    seq, _ = sldl_sequence(fault=fault, fault_reps=[1], view="front")
    analyzer, _ = play(seq, SLDL)
    analyzer.finish()
    assert fault in fired(analyzer.reps)[1]
    assert analyzer.view.view == "front"


@pytest.mark.parametrize("fault, cue", [("bell_drift", "Bell close"), ("rear_leg_bent", None)])
def test_a_fault_at_the_bottom_is_called_out_before_the_rep_ends(fault, cue):
    seq, truth = sldl_sequence(fault=fault, fault_reps=[1])
    analyzer, events = play(seq, SLDL)
    calls = [(k, e) for k, e in events if e.kind == "fault"]
    assert calls, "no fault called during the rep"
    k, event = calls[0]
    assert truth[1].start_s < seq.t[k] < truth[1].end_s  # during the faulty rep
    rep_ticks = [kk for kk, e in events if e.kind == "rep"]
    assert k < rep_ticks[1]  # before its count, i.e. while it could still be corrected
    if cue:
        assert event.cue == cue


def test_clean_reps_call_nothing_out():
    seq, _ = sldl_sequence(reps=3, seed=4)
    _, events = play(seq, SLDL)
    assert not [e for _, e in events if e.kind == "fault"]


def test_faults_show_on_the_overlay_with_their_joints():
    seq, _ = sldl_sequence(fault="bell_drift", fault_reps=[1])
    ex = get_exercise(SLDL)
    analyzer = LiveAnalyzer(ex, seq.frame_size)
    states = []
    for k in range(len(seq)):
        person = PersonLandmarks(seq.image_xy[k], seq.world_xyz[k], seq.visibility[k])
        states.append(analyzer.update(float(seq.t[k]), person).state)
    banners = [s for s in states if s.banners]
    assert banners and "kettlebell close" in banners[0].banners[0]
    assert banners[0].highlight  # the bell wrist, knee, ankle in red
    assert {s.phase for s in states} >= {"setup", "descent", "bottom", "ascent", "top"}
    assert max(s.rep_count for s in states) == 3
    assert all(s.view == "side view" for s in states[60:])
    assert {label for s in states for label, _, _ in s.angles} == {"hip", "knee", "trunk"}


def test_set_up_help_names_the_view_and_what_it_cannot_judge():
    seq, _ = sldl_sequence(reps=1)
    _, events = play(seq, SLDL)
    setup = [e.text for _, e in events if e.kind == "setup"]
    assert setup and "side view suits" in setup[0]
    assert "knee out" in setup[0]  # knee caving needs a front view


def test_from_the_front_it_says_to_turn_side_on():
    seq, _ = kb_deadlift_sequence(view="front")
    _, events = play(seq, "kb_deadlift")
    setup = [e.text for _, e in events if e.kind == "setup"]
    assert setup and setup[0].startswith("turn side-on to the camera")


def test_a_hinge_on_both_feet_is_set_up_not_a_rep():
    seq, _ = sldl_sequence(reps=2)
    # The same clean reps, but as a two-footed lift: the free foot stays on the floor.
    two_footed, _ = kb_deadlift_sequence(reps=2)
    analyzer, events = play(two_footed, SLDL)
    assert analyzer.rep_count == 0
    assert sum(e.kind == "not_counted" for _, e in events) == 2
    assert len(analyzer.warnings) == 2 and "kept both feet down" in analyzer.warnings[0]
    analyzer, _ = play(seq, SLDL)
    assert analyzer.rep_count == 2


def test_parking_the_swing_bell_is_set_up_not_a_rep():
    seq, _ = kb_swing_sequence(reps=3, park=True)
    analyzer, events = play(seq, "kb_swing")
    analyzer.finish()
    assert analyzer.rep_count == 3
    assert [e.text for _, e in events if e.kind == "not_counted"] == [
        "never brought the bell above the hips (hiking or parking it): getting into position,"
        " not counted"
    ]


def test_reset_starts_a_new_set_and_keeps_the_session():
    seq, truth = sldl_sequence(reps=3)
    first_done = int(truth[0].end_s * 30) + 20
    analyzer, _ = play(seq, SLDL, until=first_done)
    assert analyzer.rep_count == 1
    assert [e.kind for e in analyzer.reset_count(float(seq.t[first_done]))] == ["reset"]
    assert analyzer.rep_count == 0
    ex = get_exercise(SLDL)
    events = []
    for k in range(first_done, len(seq)):
        person = PersonLandmarks(seq.image_xy[k], seq.world_xyz[k], seq.visibility[k])
        events += analyzer.update(float(seq.t[k]), person).events
    events += analyzer.finish()
    assert analyzer.rep_count == 2 and len(analyzer.reps) == 3
    assert [e.text for e in events if e.kind == "rep"] == ["set 2, rep 1", "set 2, rep 2"]
    assert ex.name == analyzer.exercise.name


def test_a_swing_awaiting_its_finish_at_a_reset_stays_in_the_old_set():
    seq, _ = kb_swing_sequence(reps=3)
    _, events = play(seq, "kb_swing")
    counted = next(k for k, e in events if e.kind == "rep")  # 0.4 s after the counter's
    reset_at = counted - 5  # the swing is over, its finish not yet seen in full
    analyzer, _ = play(seq, "kb_swing", until=reset_at)
    assert analyzer.rep_count == 0
    events = analyzer.reset_count(float(seq.t[reset_at]))
    assert [(e.kind, e.text) for e in events if e.kind in ("rep", "reset")] == [
        ("rep", "rep 1"),
        ("reset", "count reset: new set"),
    ]
    assert analyzer.rep_count == 0
    for k in range(reset_at, len(seq)):
        person = PersonLandmarks(seq.image_xy[k], seq.world_xyz[k], seq.visibility[k])
        events += analyzer.update(float(seq.t[k]), person).events
    events += analyzer.finish()
    assert [e.text for e in events if e.kind == "rep"] == [
        "rep 1",
        "set 2, rep 1",
        "set 2, rep 2",
    ]


def test_pausing_judges_counted_reps_now_and_drops_the_rep_in_progress():
    seq, truth = sldl_sequence(reps=3)
    analyzer, events = play(seq, SLDL)
    first_tick = next(k for k, e in events if e.kind == "rep")

    analyzer, _ = play(seq, SLDL, until=first_tick + 2)  # counted, verdict not yet due
    assert analyzer.reps == []
    assert [e.kind for e in analyzer.pause(float(seq.t[first_tick + 2]))] == ["verdict"]
    assert len(analyzer.reps) == 1

    mid_second = int(truth[1].bottom_s * 30)
    analyzer, _ = play(seq, SLDL, until=mid_second)
    analyzer.pause(float(seq.t[mid_second]))
    assert analyzer.counter.phase in ("top", "setup")
    for k in range(mid_second + 30, len(seq)):  # resumed a second later
        person = PersonLandmarks(seq.image_xy[k], seq.world_xyz[k], seq.visibility[k])
        analyzer.update(float(seq.t[k]), person)
    analyzer.finish()
    assert analyzer.rep_count == 2  # the first and the third; the paused one is not counted
    assert fired(analyzer.reps) == [[], []]
