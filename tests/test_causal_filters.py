"""The live session's causal filters: they never look ahead, follow the motion, drop glitches,
and restart a landmark that was lost instead of sliding it in from where it vanished."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.signals.causal import CausalLowpass, OneEuroFilter, OneEuroSettings

FPS = 30.0


def run(filter_, values, fps=FPS):
    out = []
    for k, v in enumerate(values):
        x = np.array([v], dtype=float)
        out.append(filter_(k / fps, x)[0] if isinstance(filter_, OneEuroFilter) else filter_(x)[0])
    return np.array(out)


@pytest.mark.parametrize("make", [lambda: OneEuroFilter(), lambda: CausalLowpass(FPS)])
def test_a_still_point_stays_exactly_where_it_is(make):
    assert np.allclose(run(make(), np.full(60, 0.37)), 0.37)


@pytest.mark.parametrize("make", [lambda: OneEuroFilter(), lambda: CausalLowpass(FPS)])
def test_no_look_ahead(make):
    """Two inputs equal up to frame 40 give equal outputs up to frame 40, whatever follows."""
    rng = np.random.default_rng(0)
    a = np.sin(np.linspace(0, 6, 80)) + 0.01 * rng.standard_normal(80)
    b = a.copy()
    b[41:] += 5.0
    assert np.array_equal(run(make(), a)[:41], run(make(), b)[:41])
    assert not np.allclose(run(make(), a)[41:], run(make(), b)[41:])


def test_one_euro_follows_fast_motion_with_less_lag_when_beta_is_higher():
    ramp = np.linspace(0.0, 1.0, 31)  # one frame width per second, a brisk hinge
    slow = run(OneEuroFilter(OneEuroSettings(min_cutoff=1.0, beta=0.0)), ramp)
    fast = run(OneEuroFilter(OneEuroSettings(min_cutoff=1.0, beta=10.0)), ramp)
    assert ramp[-1] - fast[-1] < 0.5 * (ramp[-1] - slow[-1])
    assert ramp[-1] - fast[-1] < 0.05


def test_one_euro_removes_jitter_of_a_point_at_rest():
    rng = np.random.default_rng(1)
    jitter = 0.5 + 0.003 * rng.standard_normal(300)
    smoothed = run(OneEuroFilter(OneEuroSettings(min_cutoff=1.0, beta=10.0)), jitter)
    assert np.std(smoothed[30:]) < 0.5 * np.std(jitter[30:])


def test_lowpass_drops_a_one_frame_glitch_that_a_plain_lowpass_would_spread():
    values = np.zeros(40)
    values[20] = 1.0  # the pose model put a foot on the other leg for one frame
    with_median = run(CausalLowpass(FPS, median_frames=3), values)
    without = run(CausalLowpass(FPS, median_frames=1), values)
    assert np.max(np.abs(with_median)) < 1e-9
    assert np.max(without) > 0.05


def test_lowpass_matches_the_clip_analysis_cutoff_after_its_short_delay():
    """A 1 Hz hinge-like motion passes with its amplitude and a delay near 0.1 s."""
    t = np.arange(0, 6, 1 / FPS)
    x = np.sin(2 * np.pi * 1.0 * t)
    y = run(CausalLowpass(FPS), x)
    steady = slice(60, None)
    assert np.max(y[steady]) == pytest.approx(1.0, abs=0.1)
    lags = np.arange(0, 10)
    err = [np.mean((y[steady] - np.roll(x, lag)[steady]) ** 2) for lag in lags]
    assert 1 <= lags[int(np.argmin(err))] <= 5  # frames: 33 to 170 ms


@pytest.mark.parametrize("make", [lambda: OneEuroFilter(), lambda: CausalLowpass(FPS)])
def test_a_lost_point_is_nan_and_restarts_where_it_is_found(make):
    values = np.r_[np.full(20, 0.2), np.full(5, np.nan), np.full(20, 0.8)]
    out = run(make(), values)
    assert np.isnan(out[20:25]).all()
    # No slide from 0.2: the first frames after the gap are already near 0.8 (the median
    # filter of the low-pass needs its window of frames to refill first).
    found = out[25:][np.isfinite(out[25:])]
    assert found.size >= 15
    assert np.allclose(found, 0.8, atol=1e-6)


def test_filters_work_elementwise_on_landmark_arrays():
    f = CausalLowpass(FPS)
    g = OneEuroFilter()
    x = np.random.default_rng(2).random((33, 3))
    x[5, 1] = np.nan
    for k in range(10):
        y, z = f(x), g(k / FPS, x)
    assert y.shape == z.shape == (33, 3)
    assert np.isnan(y[5, 1]) and np.isnan(z[5, 1])
    finite = np.isfinite(x)
    assert np.allclose(y[finite], x[finite]) and np.allclose(z[finite], x[finite])
