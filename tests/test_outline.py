"""The back's outline: traced from a person mask, told from the belly side, trusted only where
it can be, and read as a shape (rounding and bend) that tracks a posed rounding."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from builders.kb_deadlift import kb_deadlift_sequence
from formcheck.analysis import analyze_sequence
from formcheck.exercises.registry import get_exercise
from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.landmarks import Landmark as L
from formcheck.pose.outline import OUTLINE_K, OUTLINE_S, trunk_outline
from formcheck.pose.sequence_builder import SequenceBuilder
from formcheck.signals import back
from formcheck.types import PoseSequence

W, H = 640, 480


def _landmarks(hip: tuple[float, float], shoulder: tuple[float, float]) -> np.ndarray:
    """(33, 2) normalised: hips and shoulders where asked, everything else far off the trunk."""
    xy = np.full((NUM_LANDMARKS, 2), 0.01)
    for name, (x, y) in (("HIP", hip), ("SHOULDER", shoulder)):
        for side in ("LEFT", "RIGHT"):
            xy[L[f"{side}_{name}"]] = (x / W, y / H)
    return xy


def _folded_trunk(bulge_px: float) -> tuple[np.ndarray, np.ndarray]:
    """A mask of a trunk folded to horizontal, facing right (head at the right), its back on
    top, the back's edge bulging ``bulge_px`` in the middle; and its landmarks."""
    hip, shoulder = (200.0, 300.0), (440.0, 300.0)
    mask = np.zeros((H, W), np.float32)
    xs = np.arange(180, 461)
    s = (xs - hip[0]) / (shoulder[0] - hip[0])
    top = 300.0 - 60.0 - bulge_px * 4.0 * s * (1.0 - s)  # the back's edge (y up is smaller)
    for x, y in zip(xs, top):
        mask[int(round(y)) : 340, x] = 1.0
    return mask, _landmarks(hip, shoulder)


def test_the_outline_is_traced_where_the_mask_ends():
    mask, xy = _folded_trunk(bulge_px=0.0)
    outline = trunk_outline(mask, xy)
    # The line runs right (hip to shoulder); its left in the image is up: the back, 60 px.
    assert outline.depth[0] == pytest.approx(np.full(OUTLINE_K, 60.0 / 240.0), abs=2.0 / 240)
    assert outline.depth[1] == pytest.approx(np.full(OUTLINE_K, 40.0 / 240.0), abs=2.0 / 240)
    assert outline.sharpness[0] == pytest.approx(1.0)


def test_nothing_is_traced_without_a_trunk():
    outline = trunk_outline(np.zeros((H, W)), _landmarks((320, 300), (320, 299)))
    assert np.isnan(outline.depth).all()


def _one_frame(mask: np.ndarray, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    o = trunk_outline(mask, xy)
    return o.depth[None], o.sharpness[None], (xy * (W, H))[None]


@pytest.mark.parametrize(
    ("hip", "shoulder", "facing", "side"),
    [
        ((320, 300), (320, 180), 1, 0),  # standing, facing right: the back is image-left
        ((320, 300), (320, 180), -1, 1),  # facing left: image-right
        ((200, 300), (440, 300), 1, 0),  # folded over, head right: the back is on top
        ((440, 300), (200, 300), -1, 1),  # folded over, head left: on top again
    ],
)
def test_the_back_is_away_from_where_the_lifter_faces_and_up(hip, shoulder, facing, side):
    px = (_landmarks(hip, shoulder) * (W, H))[None]
    assert back.back_side(px, facing)[0] == side


def test_rounding_and_bend_read_the_curve_not_the_distance():
    flat = np.full((1, OUTLINE_K), 0.25)
    convex = 0.25 + 0.08 * 4 * ((OUTLINE_S - 0.15) / 0.8) * (1 - (OUTLINE_S - 0.15) / 0.8)
    assert back.rounding(flat)[0] == pytest.approx(0.0, abs=1e-9)
    assert back.bend_deg(flat + 0.1)[0] == pytest.approx(0.0, abs=1e-9)
    assert back.rounding(convex[None])[0] == pytest.approx(0.08, abs=1e-3)
    assert back.bend_deg(convex[None])[0] > 10.0
    assert back.rounding(-convex[None] + 0.5)[0] < 0 and back.bend_deg(-convex[None] + 0.5)[0] < 0
    with_gaps = convex.copy()
    with_gaps[::3] = np.nan  # a few points lost change little
    assert back.rounding(with_gaps[None])[0] == pytest.approx(0.08, abs=5e-3)


def test_a_bulging_back_reads_rounder_from_a_mask():
    readings = []
    for bulge in (0.0, 10.0, 20.0):
        depth, sharp, px = _one_frame(*_folded_trunk(bulge))
        profile, trusted = back.back_profile(depth, sharp, px, facing=1)
        assert trusted[0]
        readings.append(back.rounding(profile)[0])
    assert readings[0] == pytest.approx(0.0, abs=0.01)
    assert readings[0] < readings[1] < readings[2]
    # The sagitta over the traced span (0.15-0.95 of the line) of a bulge 20 px high at its
    # middle: 0.64 of it.
    assert readings[2] == pytest.approx(0.64 * 20.0 / 240.0, abs=0.005)


def test_an_outline_is_not_trusted_when_it_cannot_be_read():
    mask, xy = _folded_trunk(0.0)
    depth, sharp, px = _one_frame(mask, xy)
    assert back.back_profile(depth, sharp, px, 1)[1][0]
    # A soft mask, unsure where the body ends.
    assert not back.back_profile(depth, sharp * 0.3, px, 1)[1][0]
    # A lifter too small to read: 30 px from hip to shoulder.
    small = _landmarks((300, 300), (330, 300))
    tiny = np.zeros((H, W), np.float32)
    tiny[285:310, 295:335] = 1.0
    d2, s2, p2 = _one_frame(tiny, small)
    assert not back.back_profile(d2, s2, p2, 1)[1][0]
    # An arm lying along the back: its points are left out, and with most gone, the frame.
    arm = xy.copy()
    for joint, x in ((L.LEFT_ELBOW, 260), (L.RIGHT_ELBOW, 300), (L.LEFT_WRIST, 340)):
        arm[joint] = (x / W, 240 / H)
    arm[L.RIGHT_WRIST] = (380 / W, 240 / H)
    d3, s3, p3 = _one_frame(mask, arm)
    profile, trusted = back.back_profile(d3, s3, p3, 1)
    assert not trusted[0]


def test_no_outline_means_nothing_is_read():
    px = (_landmarks((200, 300), (440, 300)) * (W, H))[None]
    profile, trusted = back.back_profile(None, None, px, 1)
    assert np.isnan(profile).all() and not trusted.any()


def test_sequences_carry_outlines_through_the_builder():
    builder = SequenceBuilder((W, H), outlines=True)

    class Person:
        image_xy = _landmarks((200, 300), (440, 300))
        world_xyz = np.zeros((NUM_LANDMARKS, 3))
        visibility = np.ones(NUM_LANDMARKS)
        outline = trunk_outline(*_folded_trunk(10.0))

    builder.append(0.0, Person())
    builder.append(0.033, None)
    seq = builder.sequence()
    assert seq.outline.shape == (2, 2, OUTLINE_K) and np.isnan(seq.outline[1]).all()
    with pytest.raises(ValueError, match="outline"):
        PoseSequence(
            seq.t, seq.image_xy, seq.world_xyz, seq.visibility, (W, H), outline=seq.outline
        )


@pytest.mark.parametrize("magnitude", [10.0, 20.0, 35.0])
def test_a_posed_rounding_bends_the_traced_back_in_proportion(magnitude):
    seq, truth = kb_deadlift_sequence(
        fault="spine_round", magnitude=magnitude, fault_reps=[1], seed=0
    )
    analysis = analyze_sequence(seq, get_exercise("kb_deadlift"))
    bends = [
        np.nanmax(analysis.measures["back_bend_deg"][w.start : w.end + 1]) for w in analysis.windows
    ]
    assert len(bends) == 3
    # About half the posed spine flexion shows in the surface's bend, the clean reps near 0.
    assert bends[1] == pytest.approx(0.57 * magnitude, abs=3.0)
    assert abs(bends[0]) < 3.0 and abs(bends[2]) < 3.0


def test_a_drawn_mask_edge_is_sharp():
    mask = np.zeros((H, W), np.float32)
    cv2.rectangle(mask, (200, 200), (440, 340), 1.0, -1)
    soft = cv2.GaussianBlur(mask, (0, 0), 6.0)
    xy = _landmarks((200, 300), (440, 300))
    assert trunk_outline(mask, xy).sharpness[0] > 0.9
    assert trunk_outline(soft, xy).sharpness[0] < trunk_outline(mask, xy).sharpness[0]
