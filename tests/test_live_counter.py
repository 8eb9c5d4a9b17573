"""The live rep counter: one frame at a time, hysteresis, the same settings as the clip's
segmentation, and the rep counted as the lifter stands back up."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.reps.live_counter import LiveRepCounter
from formcheck.reps.segment import RepSettings, segment_reps

FPS = 30.0
SETTINGS = RepSettings(min_depth=35.0, min_amplitude=25.0, min_duration_s=0.8)


def hinge_signal(reps, *, top=5.0, depth=70.0, down=1.2, hold=0.3, up=1.0, rest=1.0, lead=1.0):
    """Trunk inclination (deg) over ``reps`` smooth reps; returns (t, x, bottoms, ends)."""
    parts, bottoms, ends = [np.full(int(lead * FPS), top)], [], []
    for _ in range(reps):
        n0 = sum(map(len, parts))
        d = top + (depth - top) * 0.5 * (1 - np.cos(np.linspace(0, np.pi, int(down * FPS))))
        u = top + (depth - top) * 0.5 * (1 + np.cos(np.linspace(0, np.pi, int(up * FPS))))
        parts += [d, np.full(int(hold * FPS), depth), u, np.full(int(rest * FPS), top)]
        bottoms.append(n0 + len(d))
        ends.append(n0 + len(d) + int(hold * FPS) + len(u))
    x = np.concatenate(parts)
    return np.arange(len(x)) / FPS, x, bottoms, ends


def feed(counter, t, x):
    events = []
    for i, (ti, xi) in enumerate(zip(t, x)):
        events += counter.update(i, float(ti), float(xi))
    return events


def reps_of(events):
    return [e for e in events if e.kind == "rep"]


def test_counts_each_rep_once_as_the_lifter_stands_up():
    t, x, bottoms, ends = hinge_signal(4)
    counter = LiveRepCounter(SETTINGS)
    reps = reps_of(feed(counter, t, x))
    assert counter.count == len(reps) == 4
    for rep, bottom, end in zip(reps, bottoms, ends):
        assert bottom < rep.frame <= end  # ticked on the way up, by the time the top is back
        assert t[end] - t[rep.frame] < 0.4  # near the lockout, not seconds later
        assert rep.window.bottom == pytest.approx(bottom, abs=10)


def test_agrees_with_the_clip_segmentation_on_the_same_signal():
    rng = np.random.default_rng(0)
    t, x, _, _ = hinge_signal(5)
    x = x + rng.normal(0, 0.8, x.size)
    live = reps_of(feed(LiveRepCounter(SETTINGS), t, x))
    offline = segment_reps(t, x, SETTINGS)
    assert len(live) == len(offline) == 5
    for a, b in zip(live, offline):
        assert abs(a.window.start - b.start) <= 8  # frames (0.27 s)
        assert abs(a.window.bottom - b.bottom) <= 8


def test_wobble_at_the_bottom_does_not_count_twice():
    t, x, bottoms, _ = hinge_signal(2, hold=1.5)
    for b in bottoms:  # +-10 deg oscillation while holding the bottom
        x[b : b + 40] += 10 * np.sin(np.linspace(0, 4 * np.pi, 40))
    counter = LiveRepCounter(SETTINGS)
    feed(counter, t, x)
    assert counter.count == 2


@pytest.mark.parametrize(
    "kwargs, why",
    [
        ({"depth": 25.0}, "too shallow: below min_depth and min_amplitude"),
        ({"down": 0.2, "hold": 0.0, "up": 0.2}, "too short: a twitch, not a rep"),
    ],
)
def test_small_or_brief_moves_are_not_reps(kwargs, why):
    t, x, _, _ = hinge_signal(3, **kwargs)
    counter = LiveRepCounter(SETTINGS)
    events = feed(counter, t, x)
    assert counter.count == 0, why
    assert not reps_of(events)


def test_phases_follow_the_rep():
    t, x, bottoms, ends = hinge_signal(1)
    counter = LiveRepCounter(SETTINGS)
    phases = []
    for i, (ti, xi) in enumerate(zip(t, x)):
        counter.update(i, float(ti), float(xi))
        phases.append(counter.phase)
    assert phases[0] == "setup"
    assert phases[bottoms[0] - 15] == "descent"
    assert phases[bottoms[0] + 5] == "bottom"
    assert phases[ends[0] - 12] == "ascent"
    assert phases[-1] == "top"


def test_a_fast_swing_is_counted_though_it_barely_pauses():
    swing = RepSettings(min_depth=25.0, min_amplitude=20.0, min_duration_s=0.5, max_duration_s=6)
    t, x, _, _ = hinge_signal(5, depth=62.0, down=0.4, hold=0.0, up=0.4, rest=0.5)
    counter = LiveRepCounter(swing)
    feed(counter, t, x)
    assert counter.count == 5


def test_a_long_gap_abandons_the_rep_in_progress():
    t, x, bottoms, _ = hinge_signal(2)
    x = x.copy()
    x[bottoms[0] - 5 : bottoms[0] + 60] = np.nan  # 2 s without the lifter
    counter = LiveRepCounter(SETTINGS)
    events = feed(counter, t, x)
    assert counter.count == 1
    assert any(e.kind == "abandon" for e in events)


def test_session_opening_at_the_bottom_counts_the_lift_only_for_deadlifts():
    t, x, _, _ = hinge_signal(2, lead=0.0)
    first_up = np.argmax(x)  # open at the first bottom: the pull from the floor
    t, x = t[: len(x) - first_up], x[first_up:]
    lifting = RepSettings(min_depth=30.0, min_amplitude=25.0, count_lift_from_start=True)
    deadlift, other = LiveRepCounter(lifting), LiveRepCounter(SETTINGS)
    reps = reps_of(feed(deadlift, t, x))
    feed(other, t, x)
    assert deadlift.count == 2 and reps[0].window.from_start
    assert other.count == 1


def test_reset_and_abandon():
    t, x, bottoms, _ = hinge_signal(3)
    counter = LiveRepCounter(SETTINGS)
    feed(counter, t[: bottoms[1]], x[: bottoms[1]])  # one rep done, in the second
    assert counter.count == 1 and counter.partial_window() is not None
    counter.reset_count()
    assert counter.count == 0 and counter.phase == "setup"
    assert counter.partial_window() is None


def test_partial_window_grows_with_the_rep():
    t, x, bottoms, _ = hinge_signal(1)
    counter = LiveRepCounter(SETTINGS)
    for i in range(bottoms[0] + 10):
        counter.update(i, float(t[i]), float(x[i]))
    w = counter.partial_window()
    assert w is not None and w.end == bottoms[0] + 9
    assert w.start < w.reach <= w.bottom <= w.end
    assert w.depth == pytest.approx(70.0, abs=0.5)
