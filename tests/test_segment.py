"""Rep segmentation on rep signals with known reps."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.reps.segment import RepSettings, segment_reps, segment_shots

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


def test_a_noisy_lead_in_does_not_pull_the_start_back_into_it():
    """The top is where the signal rests, not its single lowest frame: a 3 s lead-in that
    wanders a few degrees (and dips once, 8 deg, at 1 s) does not start the rep at the dip."""
    t = np.arange(0, 8, 1 / FPS)
    x = 92 + 2.5 * np.sin(2 * np.pi * 0.7 * t) - 8 * np.exp(-(((t - 1.0) / 0.15) ** 2))
    rise = np.clip((t - 3.0) / 0.8, 0, 1) - np.clip((t - 4.3) / 0.8, 0, 1)  # up 3.0-3.8 s
    x += 70 * (0.5 - 0.5 * np.cos(np.pi * rise))
    (rep,) = segment_reps(t, x, RepSettings(min_depth=140, min_amplitude=35))
    # Within the lead-in's last wobble (the old lowest-frame top gave 1.1 s, the dip).
    assert 2.6 <= t[rep.start] <= 3.3
    assert 4.9 <= t[rep.end] <= 5.5


# --- edited clips: shots ----------------------------------------------------------------------


def test_a_splice_from_the_top_to_the_bottom_is_not_a_rep():
    # Shot 1 ends standing at lockout; shot 2 opens at the bottom of another pull and stands
    # up. Joined, the signal looks like a rep (top, bottom, top); the cut is not one.
    t = np.arange(0, 4, 1 / FPS)
    x = np.where(t < 2, 5.0, 80.0 - 75.0 * np.clip((t - 2.3) / 0.8, 0, 1))
    settings = RepSettings()
    assert len(segment_reps(t, x, settings)) == 1  # what the splice looks like unsplit
    assert segment_shots(t, x, settings, [slice(0, 60), slice(60, len(t))], 1.5) == []


def test_a_shot_that_opens_at_the_bottom_holds_a_lift_like_a_clip_does():
    t = np.arange(0, 4, 1 / FPS)
    x = np.where(t < 2, 5.0, 80.0 - 75.0 * np.clip((t - 2.3) / 0.8, 0, 1))
    settings = RepSettings(count_lift_from_start=True)
    reps = segment_shots(t, x, settings, [slice(0, 60), slice(60, len(t))], 1.5)
    assert len(reps) == 1
    assert reps[0].from_start and reps[0].start == 60  # frame numbers are the whole clip's
    assert t[reps[0].end] > 2.3


def test_a_pull_from_the_start_counts_only_when_it_finishes_standing():
    # Opens at the bottom of a deadlift (80 deg) and rises 35 deg: as far as a rep must
    # travel, but the bar only reaches the knees (45 deg, deeper than min_depth 30).
    t = np.arange(0, 3, 1 / FPS)
    settings = RepSettings(min_depth=30.0, count_lift_from_start=True)
    for finish, lifts in ((45.0, 0), (5.0, 1)):
        x = 80.0 - (80.0 - finish) * np.clip((t - 0.3) / 0.8, 0, 1)
        assert len(segment_reps(t, x, settings)) == lifts, finish


def test_reps_inside_shots_keep_the_clips_frame_numbers():
    t, x = signal_with_reps([2, 5, 8])
    shots = [slice(0, 105), slice(105, len(t))]  # a cut at 3.5 s, between reps 1 and 2
    whole = segment_reps(t, x, RepSettings())
    by_shot = segment_shots(t, x, RepSettings(), shots, 1.5)
    assert [r.bottom for r in by_shot] == [r.bottom for r in whole]


def test_gaps_are_bridged_within_a_shot_but_not_across_a_cut():
    t, x = signal_with_reps([2, 5])
    x[55:65] = np.nan  # a third of a second lost at the bottom of rep 1
    assert len(segment_shots(t, x, RepSettings(), [slice(0, len(t))], 1.5)) == 2
    assert len(segment_shots(t, x, RepSettings(), [slice(0, 60), slice(60, len(t))], 1.5)) == 1


def test_the_hold_is_timed_near_the_peak_and_unknown_when_the_peak_was_not_seen():
    from formcheck.reps.metrics import _hold

    t, x = signal_with_reps([3], seconds=6.0)
    (rep,) = segment_reps(t, x, RepSettings())
    hold, _ = _hold(rep, t, x)
    # Within 25% of the range of a Gaussian peak of width 0.6 s: 2 * 0.6 * sqrt(-ln 0.75).
    assert hold == pytest.approx(2 * 0.6 * np.sqrt(-np.log(0.75)), abs=2 / FPS)
    hidden = x.copy()
    hidden[(t > 2.5) & (t < 3.5)] = np.nan  # the peak fell in a bridged gap
    assert np.isnan(_hold(rep, t, hidden)[0])
