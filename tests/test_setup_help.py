"""Camera set-up help: whole body in frame, and a view that suits the exercise's rules."""

from __future__ import annotations

import numpy as np
import pytest

from builders import sldl_sequence
from formcheck.exercises.registry import available, get_exercise
from formcheck.live.setup_help import framing_problem, view_advice
from formcheck.pose.landmarks import Landmark as L


@pytest.fixture(scope="module")
def standing():
    seq, _ = sldl_sequence(reps=1, noise_px=0.0)
    return seq.image_xy[0].copy(), np.ones(33)


def test_whole_body_in_frame_is_fine(standing):
    xy, vis = standing
    assert framing_problem(xy, vis) is None


def test_nobody(standing):
    assert "no one in view" in framing_problem(None, None)
    assert "no one in view" in framing_problem(np.full((33, 2), np.nan), np.zeros(33))


def test_feet_cut_off_by_the_bottom_of_the_frame(standing):
    xy, vis = standing
    xy = xy.copy()
    for p in (L.LEFT_ANKLE, L.RIGHT_ANKLE):
        xy[p, 1] = 1.05
    assert framing_problem(xy, vis) == "step back or move the camera: your feet are out of frame"


def test_head_not_seen(standing):
    xy, vis = standing
    vis = vis.copy()
    vis[L.NOSE] = 0.1
    assert "your head is out of frame" in framing_problem(xy, vis)


def test_too_far_away(standing):
    xy, vis = standing
    small = 0.5 + (xy - xy.mean(axis=0)) * 0.3
    assert "come closer" in framing_problem(small, vis)


@pytest.mark.parametrize("name", available())
def test_every_exercise_has_a_best_view_and_says_what_others_miss(name):
    ex = get_exercise(name)
    advice = {view: view_advice(ex, view) for view in ("side", "front", "back", "oblique")}
    assert any(a.suits for a in advice.values())
    for view, a in advice.items():
        missed = {r.cue for r in ex.active_rules if view not in r.views}
        assert set(a.not_assessable) == missed
        if not a.suits:
            assert a.message.startswith(("turn", "face"))


def test_sldl_side_suits_and_names_the_front_view_faults():
    a = view_advice(get_exercise("kb_single_leg_deadlift"), "side")
    assert a.suits
    assert "knee out" in a.message and "front" in a.message


def test_deadlift_from_the_front_is_told_to_turn_side_on():
    a = view_advice(get_exercise("kb_deadlift"), "front")
    assert not a.suits
    assert a.message.startswith("turn side-on to the camera: ")
    assert "neutral spine" in a.message
