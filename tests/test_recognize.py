"""Recognition asks rather than guesses: the features that tell the exercises apart, and the
clips on which formcheck should not be sure (issue 16: sure but wrong on real footage)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from builders import band_kickback_sequence, kb_deadlift_sequence
from formcheck.pose.landmarks import Landmark as L
from formcheck.recognize import (
    BOUNDARIES,
    MAX_SHOTS_TO_BE_SURE,
    MIN_CONFIDENCE,
    OFF_SIDE_KNEE_WIDTH,
    _soft,
    describe,
    recognize,
)

LEG = ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX")


def test_a_kickback_kicks_one_thigh_back_from_the_standing_one():
    seq, _ = band_kickback_sequence(seed=0)
    rec = recognize(seq)
    assert rec.exercise == "band_kickback" and rec.sure, rec
    assert rec.features["kick_spread_deg"] > BOUNDARIES["kick_spread_deg"][0] + 20


def test_bent_over_with_both_legs_straightening_together_is_not_a_sure_kickback():
    """A barbell deadlift that opens and ends bent over the bar read as a sure kickback: the
    trunk is low most of the clip and the legs straighten, but together."""
    seq, _ = band_kickback_sequence(seed=0)
    travel = {
        side: np.nanstd(seq.world_xyz[:, L[f"{side}_KNEE"]], axis=0).sum()
        for side in ("LEFT", "RIGHT")
    }
    kicking = max(travel, key=travel.get)
    other = "RIGHT" if kicking == "LEFT" else "LEFT"
    world, image = seq.world_xyz.copy(), seq.image_xy.copy()
    for joint in LEG:  # the standing leg does what the kicking leg does
        world[:, L[f"{other}_{joint}"]] = world[:, L[f"{kicking}_{joint}"]]
        image[:, L[f"{other}_{joint}"]] = image[:, L[f"{kicking}_{joint}"]]
    together = replace(seq, world_xyz=world, image_xy=image)
    rec = recognize(together)
    assert rec.features["kick_reps"] >= 2  # the kicks are still there...
    assert rec.features["kick_spread_deg"] < 10  # ...with the thighs together
    assert not (rec.sure and rec.exercise == "band_kickback"), rec


def test_an_edited_film_is_not_recognised_for_sure():
    seq, _ = kb_deadlift_sequence(seed=0, reps=8)
    assert recognize(seq).sure  # one shot: a clear deadlift
    n = len(seq.t)
    cuts = tuple(
        int(n * k / (MAX_SHOTS_TO_BE_SURE + 1)) for k in range(1, MAX_SHOTS_TO_BE_SURE + 1)
    )
    film = replace(seq, shot_starts=cuts)  # four shots
    rec = recognize(film)
    assert rec.exercise is not None and rec.confidence < MIN_CONFIDENCE, rec
    assert "edited film of 4 shots" in rec.reason
    # What the user reads: the movement's own scores, then why that is not enough; never a
    # capped "sure" beside an uncapped score.
    said = describe(rec)
    assert said.startswith("best guess kb_deadlift (the movement alone says kb_deadlift"), said
    assert "; but an edited film of 4 shots" in said and "sure" not in said, said


def test_the_knee_bend_is_sure_from_the_side_only_well_past_its_boundary():
    """Tuning-part Romanian deadlifts read 71 and 87 deg of knee bend from the front and at
    an angle; side on, 71 deg is a clear deadlift's bend, off the side it is not."""
    assert _soft("knee_at_bottom_deg", 71.0) > 0.85
    assert 0.5 < _soft("knee_at_bottom_deg", 71.0, widen=OFF_SIDE_KNEE_WIDTH) < 0.75
    assert _soft("knee_at_bottom_deg", 108.0, widen=OFF_SIDE_KNEE_WIDTH) > 0.95
