"""Smoothing, gap filling and left/right swap repair on synthetic tracks."""

from __future__ import annotations

import numpy as np
import pytest

from builders import sldl_sequence
from formcheck.pose.landmarks import Landmark as L
from formcheck.signals.filters import fill_short_gaps, smooth_sequence, zero_phase_lowpass
from formcheck.types import PoseSequence


def test_zero_phase_lowpass_keeps_timing_and_removes_noise():
    t = np.arange(0, 6, 1 / 30)
    clean = 40 * (1 - np.cos(2 * np.pi * t / 3))
    noisy = clean + np.random.default_rng(0).normal(0, 2, t.shape)
    smooth = zero_phase_lowpass(t, noisy, cutoff_hz=4.0)
    assert np.std(smooth - clean) < 0.6 * np.std(noisy - clean)
    # Zero phase: the peak stays where it was (a causal filter would move it later).
    assert abs(t[np.argmax(smooth)] - t[np.argmax(clean)]) <= 2 / 30 + 1e-9


def test_short_gaps_are_bridged_long_ones_kept():
    t = np.arange(0, 3, 1 / 30)
    x = t.copy()
    x[10:13] = np.nan  # 0.1 s
    x[40:70] = np.nan  # 1 s
    filled = fill_short_gaps(t, x, max_gap_s=0.3)
    assert np.allclose(filled[10:13], t[10:13])
    assert np.isnan(filled[40:70]).all()


def test_glitches_of_a_few_frames_are_removed_before_smoothing():
    seq, _ = sldl_sequence(reps=2, view="side", noise_px=0.0)
    broken = seq.image_xy.copy()
    rows = slice(80, 83)  # three frames: the standing foot put on the free leg
    a, b = L.LEFT_ANKLE, L.RIGHT_ANKLE
    broken[rows, [a, b]] = broken[rows, [b, a]]
    glitched = PoseSequence(seq.t, broken, seq.world_xyz, seq.visibility, seq.frame_size)
    smooth = smooth_sequence(glitched).image_xy
    reference = smooth_sequence(seq).image_xy
    assert np.abs(smooth[75:90, a] - reference[75:90, a]).max() < 0.01


def _kb_deadlift_filmed_from(camera_yaw_deg: float) -> PoseSequence:
    from builders import kb_deadlift_motion
    from builders.skeleton import Camera, Noise, render

    motion, _ = kb_deadlift_motion(reps=2)
    target = motion.joints["pelvis"][0]
    camera = Camera(yaw_deg=camera_yaw_deg, target_xy=(float(target[0]), float(target[1])))
    return render(motion, camera, noise=Noise.scaled(1.5), seed=0)


def test_view_side_needs_within_20_degrees_of_side_on():
    from formcheck.signals.view import estimate_view

    # The camera at the person's right (-90) is side-on; 45 deg round toward the front is
    # the classic oblique; 30 deg off side was read as side before the boundary moved to 70.
    views = {yaw: estimate_view(_kb_deadlift_filmed_from(yaw)).view for yaw in (-90, -80, -60, -45)}
    assert views == {-90: "side", -80: "side", -60: "oblique", -45: "oblique"}, views


def test_changes_from_standing_take_the_short_way_round():
    from formcheck.analysis import FROM_STANDING, changes_from_standing

    n = 20
    measures = {name: np.zeros(n) for name in FROM_STANDING}
    measures["head_pitch_deg"] = np.r_[np.full(10, 170.0), np.full(10, -170.0)]
    trunk = np.r_[np.zeros(10), np.full(10, 60.0)]  # stands, then hinges
    change = changes_from_standing(measures, trunk, [])["head_pitch_change_deg"]
    np.testing.assert_allclose(change[10:], 20.0)  # past +-180, not -340


# --- edited clips: smoothing stops at cuts -----------------------------------------------------


def _two_shots(cut: int = 45) -> PoseSequence:
    """A still body that jumps to another place at a cut (the next shot's framing), with a
    short gap in the frames just before the cut."""
    seq, _ = sldl_sequence(reps=1, view="side", noise_px=0.0)
    n = 90
    image_xy = np.repeat(seq.image_xy[:1], n, axis=0)
    image_xy[cut:] += 0.2
    image_xy[cut - 3 : cut] = np.nan
    return PoseSequence(
        seq.t[:n],
        image_xy,
        np.repeat(seq.world_xyz[:1], n, axis=0),
        np.repeat(seq.visibility[:1], n, axis=0),
        seq.frame_size,
        shot_starts=(cut,),
    )


def test_smoothing_neither_bridges_nor_blurs_across_a_cut():
    seq = _two_shots()
    smooth = smooth_sequence(seq).image_xy
    assert np.isnan(smooth[42:45]).all()  # the gap ends its shot: nothing to bridge to
    assert np.allclose(smooth[:42], seq.image_xy[:42])  # no pull toward the next shot
    assert np.allclose(smooth[45:], seq.image_xy[45:])
    assert smooth_sequence(seq).shot_starts == (45,)


def test_the_same_frames_unedited_are_bridged_and_blurred():
    seq = _two_shots()
    joined = PoseSequence(seq.t, seq.image_xy, seq.world_xyz, seq.visibility, seq.frame_size)
    smooth = smooth_sequence(joined).image_xy
    assert np.isfinite(smooth[42:45]).all()
    assert not np.allclose(smooth[:42], seq.image_xy[:42])


def test_shots_are_the_frames_between_cuts():
    assert _two_shots().shots() == [slice(0, 45), slice(45, 90)]


@pytest.mark.parametrize("bad", [(0,), (90,), (50, 40), (40, 40)])
def test_shot_starts_outside_the_clip_or_out_of_order_are_refused(bad):
    seq = _two_shots()
    with pytest.raises(ValueError, match="shot_starts"):
        PoseSequence(seq.t, seq.image_xy, seq.world_xyz, seq.visibility, (1, 1), bad)
