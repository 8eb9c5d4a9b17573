"""A variable-frame-rate phone clip: a third of the frames dropped, gaps of up to a third of a
second among frames 1/30 s apart. The smoothing and the measures that span a stretch of time
must go by the frames' times, not count frames as if evenly spaced; an evenly spaced clip is
analysed exactly as before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from formcheck.analysis import analyze_sequence
from formcheck.exercises.registry import get_exercise
from formcheck.signals.filters import uneven_frames, zero_phase_lowpass
from formcheck.types import PoseSequence

DEMO = Path(__file__).resolve().parents[1] / "sample_videos" / "sldl_side_demo.mp4"
FPS = 30.0


def dropped(n: int, seed: int) -> np.ndarray:
    """Indices of the frames a phone kept: a third dropped, in runs of 1-9 frames (gaps of
    up to a third of a second), runs never touching."""
    rng = np.random.default_rng(seed)
    keep = np.ones(n, bool)
    while (~keep).sum() < n // 3:
        start, run = int(rng.integers(2, n - 12)), int(rng.integers(1, 10))
        if keep[start - 1 : start + run + 1].all():
            keep[start : start + run] = False
    return np.flatnonzero(keep)


def test_lowpass_of_uneven_frames_matches_the_evenly_filtered_signal():
    t_even = np.arange(600) / FPS
    signal = np.sin(2 * np.pi * 0.5 * t_even) + 0.3 * np.sin(2 * np.pi * 1.5 * t_even)
    sos = butter(2, 4.0, btype="low", fs=FPS, output="sos")
    expected = sosfiltfilt(sos, signal)
    kept = dropped(len(t_even), seed=1)
    t = t_even[kept]
    assert uneven_frames(t) and not uneven_frames(t_even)
    got = zero_phase_lowpass(t, signal[kept], cutoff_hz=4.0)
    inner = slice(30, -30)  # away from the ends, where any filter pads
    # Within 0.1 (the frames bridged straight across a gap), where treating the frames as
    # evenly spaced was out by 0.54: a gap read as 1/30 s is a jump the filter rings at.
    assert np.max(np.abs(got - expected[kept])[inner]) < 0.1


def test_evenly_spaced_frames_are_filtered_exactly_as_before():
    rng = np.random.default_rng(0)
    t = np.arange(300) / FPS
    x = rng.normal(size=(300, 4))
    sos = butter(2, 4.0, btype="low", fs=1 / np.median(np.diff(t)), output="sos")
    assert np.array_equal(zero_phase_lowpass(t, x, 4.0), sosfiltfilt(sos, x, axis=0))


@pytest.fixture(scope="module")
def demo_poses() -> PoseSequence:
    from formcheck.pipeline import extract_poses

    seq, _, _ = extract_poses(DEMO)
    return seq


def keep_frames(seq: PoseSequence, kept: np.ndarray) -> PoseSequence:
    return PoseSequence(
        seq.t[kept], seq.image_xy[kept], seq.world_xyz[kept], seq.visibility[kept], seq.frame_size
    )


@pytest.mark.skipif(not DEMO.exists(), reason="the bundled demo clip is missing")
@pytest.mark.parametrize("seed", [2, 4])
def test_a_variable_frame_rate_set_gets_no_false_balance_loss(demo_poses, seed):
    """The demo (bell drift in rep 2, rear knee bent in rep 4) as a phone dropping frames: the
    same two faults, and no balance lost (the standing foot was judged over 0.3 s of frames
    that, with frames dropped, spanned the legs passing each other)."""
    ex = get_exercise("kb_single_leg_deadlift")
    even = analyze_sequence(demo_poses, ex)
    phone = analyze_sequence(keep_frames(demo_poses, dropped(len(demo_poses), seed)), ex)
    faults = [sorted(f.rule_id for f in rep.faults) for rep in phone.reps]
    assert faults == [[], ["bell_drift"], [], ["rear_leg_bent"]]
    assert faults == [sorted(f.rule_id for f in rep.faults) for rep in even.reps]
