"""Rep segmentation on rep signals with known reps."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.reps.segment import RepSettings, segment_reps

FPS = 30.0


def signal_with_reps(centres, depth=80.0, width=0.6, top=5.0, seconds=12.0, noise=0.0, seed=0):
    t = np.arange(0, seconds, 1 / FPS)
    x = np.full_like(t, top)
    for c in centres:
        x += (depth - top) * np.exp(-(((t - c) / width) ** 2))
    x += np.random.default_rng(seed).normal(0, noise, t.shape)
    return t, x


def test_counts_each_rep_once_and_orders_its_frames():
    t, x = signal_with_reps([2, 5, 8], noise=1.0)
    reps = segment_reps(t, x, RepSettings())
    assert len(reps) == 3
    for rep, centre in zip(reps, [2, 5, 8]):
        assert rep.start < rep.reach <= rep.bottom <= rep.leave < rep.end
        assert abs(t[rep.bottom] - centre) < 0.15


def test_wobble_at_the_bottom_is_not_a_second_rep():
    t, x = signal_with_reps([3])
    x += 8 * np.exp(-(((t - 3.0) / 0.12) ** 2)) * np.sin(2 * np.pi * 4 * (t - 3))
    assert len(segment_reps(t, x, RepSettings())) == 1


def test_shallow_movements_and_an_unfinished_rep_are_not_counted():
    t, x = signal_with_reps([2, 5], seconds=9.0)
    x += 15 * np.exp(-(((t - 3.5) / 0.3) ** 2))  # a small bob, not a rep
    x[t > 7.5] = 80.0  # the clip ends at the bottom of a third rep
    assert len(segment_reps(t, x, RepSettings())) == 2


@pytest.mark.parametrize("gap", [slice(40, 45), slice(100, 160)])
def test_gaps_do_not_create_or_merge_reps(gap):
    t, x = signal_with_reps([2, 5, 8])
    x[gap] = np.nan
    reps = segment_reps(t, x, RepSettings())
    assert 2 <= len(reps) <= 3
    assert all(np.isfinite(x[r.bottom]) for r in reps)


def test_too_quick_dips_are_rejected_by_minimum_duration():
    t, x = signal_with_reps([2, 5], width=0.1)
    assert segment_reps(t, x, RepSettings(min_duration_s=0.8)) == []
