"""A single-leg rep is told from getting into position by the free foot held up somewhere in
the rep, and its standing leg by the ankle that stays low then (signals.sides): a fast
descent whose free leg rises late is still a rep on the right leg, a set-up on two feet or a
quick step is not."""

from __future__ import annotations

import numpy as np

from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.landmarks import Landmark as L
from formcheck.signals.sides import FOOT_LIFT_HOLD_S, held_ankle_gap, held_foot_lift
from formcheck.types import PoseSequence

FPS = 30


def feet(left_up: np.ndarray, right_up: np.ndarray, jitter: float = 0.005) -> PoseSequence:
    """Ankles ``*_up`` metres above the floor frame by frame (world y points down)."""
    n = len(left_up)
    world = np.zeros((n, NUM_LANDMARKS, 3))
    noise = np.random.default_rng(0).normal(0, jitter, (n, 2))
    world[:, L.LEFT_ANKLE, 1] = 0.8 - left_up + noise[:, 0]
    world[:, L.RIGHT_ANKLE, 1] = 0.8 - right_up + noise[:, 1]
    return PoseSequence(
        t=np.arange(n) / FPS,
        image_xy=np.full((n, NUM_LANDMARKS, 2), 0.5),
        world_xyz=world,
        visibility=np.ones((n, NUM_LANDMARKS)),
        frame_size=(640, 480),
    )


def test_a_free_leg_that_rises_late_still_makes_a_rep_on_the_other_leg():
    n = 3 * FPS  # a 3 s rep: the free (left) foot lifts only in its second half
    left = np.where(np.arange(n) > 1.5 * FPS, 0.3, 0.0)
    seq = feet(left, np.zeros(n))
    rep = slice(0, n)
    assert held_foot_lift(seq, rep, leg_m=0.9) > 0.3
    assert held_ankle_gap(seq, rep) < 0  # the right ankle is the lower one: right stands


def test_two_feet_down_or_a_quick_step_is_not_a_lift():
    n = 3 * FPS
    assert held_foot_lift(feet(np.zeros(n), np.zeros(n)), slice(0, n), 0.9) < 0.03
    step = np.zeros(n)
    step[FPS : FPS + int(0.4 * FOOT_LIFT_HOLD_S * FPS)] = 0.15  # up for under half the hold
    assert held_foot_lift(feet(np.zeros(n), step), slice(0, n), 0.9) < 0.03


def test_unseen_ankles_say_nothing():
    n = 2 * FPS
    seq = feet(np.zeros(n), np.zeros(n))
    seq.world_xyz[:, L.LEFT_ANKLE] = np.nan
    assert np.isnan(held_foot_lift(seq, slice(0, n), 0.9))
