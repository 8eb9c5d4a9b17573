"""The pose pass pays for everyone only where someone else is in view (pose.finder), and
shares a clip between two processes (pose.second_half) without changing its verdicts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.pose.finder import LOOK_EVERY_S, PeopleFinder
from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.person import PersonLandmarks
from formcheck.pose.second_half import (
    HEAD_START_FRAMES,
    FrameResult,
    join_index,
    overlap_frames,
    split_min_frames,
    split_point,
)

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_videos" / "sldl_side_demo.mp4"
FPS = 30


def person(cx: float, shift: float = 0.0) -> PersonLandmarks:
    y = np.linspace(0.2, 0.8, NUM_LANDMARKS)
    xy = np.stack([np.full(NUM_LANDMARKS, cx) + np.linspace(-0.05, 0.05, NUM_LANDMARKS), y], 1)
    return PersonLandmarks(xy + shift, np.zeros((NUM_LANDMARKS, 3)), np.ones(NUM_LANDMARKS))


class Scripted:
    """A detector that returns what ``people(t_ms)`` says and remembers when it ran."""

    model_name = "scripted"

    def __init__(self, people) -> None:
        self.people = people
        self.calls: list[int] = []

    def detect(self, image, t_ms):
        self.calls.append(t_ms)
        return self.people(t_ms)

    def close(self) -> None:
        pass


IMAGE = np.zeros((8, 8, 3), np.uint8)


def run(finder: PeopleFinder, seconds: float, cuts=()) -> list[list[PersonLandmarks]]:
    times = [round(i * 1000 / FPS) for i in range(int(seconds * FPS))]
    return [finder.detect(IMAGE, t, new_shot=t in cuts) for t in times]


def test_a_lone_lifter_is_followed_and_the_whole_frame_looked_at_now_and_then():
    lifter = person(0.5)
    follower = Scripted(lambda t: [lifter])
    look = Scripted(lambda t: [person(0.5, 0.001)])
    finder = PeopleFinder(follower, look)
    seen = run(finder, 10.0, cuts={5000})
    assert len(follower.calls) == 10 * FPS  # every frame
    # The first frame, then every LOOK_EVERY_S, and at the cut (which resets the clock).
    assert look.calls[0] == 0 and 5000 in look.calls
    gaps = np.diff([t for t in look.calls if t < 5000])
    assert gaps.min() >= LOOK_EVERY_S * 1000 - 1 and gaps.max() <= LOOK_EVERY_S * 1000 + 34
    assert len(look.calls) <= 10 / LOOK_EVERY_S + 2
    # Every frame's lifter comes from the follower, looks included: one landmarker's reading.
    assert all(people == [lifter] for people in seen)
    assert finder.stats.crowded == 0 and finder.stats.followed > 0.9 * 10 * FPS


def test_the_follower_jumping_or_losing_its_person_makes_it_look_at_once():
    def followed(t):
        if 2000 <= t < 2100:
            return []  # lost for three frames
        return [person(0.2 if t < 6000 else 0.7)]  # and at 6 s on someone else

    look = Scripted(lambda t: [person(0.2)])
    finder = PeopleFinder(Scripted(followed), look)
    run(finder, 8.0)
    ms_per_frame = 1000 / FPS
    # Looks off the half-second grid: where it was lost, and where it jumped.
    assert any(abs(t - 2000) < ms_per_frame for t in look.calls)
    assert any(abs(t - 6000) < ms_per_frame for t in look.calls)


def test_someone_else_makes_the_whole_frame_read_for_the_rest_of_the_shot():
    # A coach walks in at 2 s and out at 4 s; the clip cuts to another shot at 8 s.
    def everyone(t):
        return [person(0.3), person(0.75)] if 2000 <= t < 4000 else [person(0.3)]

    follower = Scripted(lambda t: [person(0.3)])
    look = Scripted(everyone)
    finder = PeopleFinder(follower, look)
    seen = run(finder, 12.0, cuts={8000})
    # Seen by the first look after they came, then every frame is read by the look.
    first_two = next(i for i, people in enumerate(seen) if len(people) == 2) / FPS
    assert 2.0 <= first_two <= 2.0 + LOOK_EVERY_S + 1 / FPS
    assert all(len(people) == 2 for people in seen[round(first_two * FPS) : 4 * FPS])
    # The shot stays read as before (the look on every frame) until the cut...
    frames = [round(i * 1000 / FPS) for i in range(12 * FPS)]
    assert {t for t in frames if 4000 <= t < 8000} <= set(look.calls)
    # ...and the new shot is followed again, the look only now and then.
    after_cut = [t for t in look.calls if t >= 8000]
    assert 0 < len(after_cut) <= 4 / LOOK_EVERY_S + 1
    assert finder.stats.crowded > 0 and finder.stats.followed > 0


def test_the_split_depends_on_the_clip_alone_and_evens_out_the_helpers_start():
    overlap = overlap_frames(FPS)
    split = split_point(frame_count=1000, fps=FPS)
    # Once the helper is ready (the analysing process has read HEAD_START_FRAMES by then),
    # both read the same number of frames.
    assert split - HEAD_START_FRAMES == 1000 - (split - overlap)
    assert split_point(frame_count=1000, fps=FPS) == split  # no timing in it
    assert split_point(frame_count=2 * split_min_frames(FPS) - 1, fps=FPS) is None
    assert split_point(frame_count=None, fps=FPS) is None


def test_the_halves_are_joined_where_they_agree():
    ours = [(i, [person(0.5, 0.02 if i != 57 else 0.0)]) for i in range(50, 60)]
    theirs = [FrameResult(i, i / FPS, False, [person(0.5)], []) for i in range(50, 200)]
    assert join_index(ours, theirs) == 57
    # Nobody in our frames: the helper takes over after the overlap.
    assert join_index([(i, []) for i in range(50, 60)], theirs) == 60


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory):
    from formcheck.pipeline import analyze

    out = tmp_path_factory.mktemp("pose-pass")
    return {jobs: analyze(DEMO, out=out / f"jobs{jobs}", video=False, jobs=jobs) for jobs in (1, 2)}


def _verdicts(report):
    return [(rep.index, sorted(f.rule_id for f in rep.faults)) for rep in report.reps]


def test_two_processes_give_the_verdicts_of_one(both_ways, monkeypatch, tmp_path):
    import formcheck.pipeline as pipeline

    one, two = both_ways[1], both_ways[2]
    assert two.frames_total == one.frames_total == 453
    assert abs(two.frames_with_pose - one.frames_with_pose) <= 2
    assert _verdicts(two) == _verdicts(one)
    for a, b in zip(one.reps, two.reps):
        assert b.start_s == pytest.approx(a.start_s, abs=0.1)
        assert b.end_s == pytest.approx(a.end_s, abs=0.1)

    # And the helper really read part of the clip.
    used = []
    real = pipeline.SecondHalf

    class Spy(real):
        def __init__(self, clip, start, *args, **kwargs):
            used.append(start)
            super().__init__(clip, start, *args, **kwargs)

    monkeypatch.setattr(pipeline, "SecondHalf", Spy)
    spied = pipeline.analyze(DEMO, out=tmp_path / "spied", video=False, jobs=2)
    assert used == [split_point(453, 30.0) - overlap_frames(30.0)]
    assert _verdicts(spied) == _verdicts(one)


def test_a_failed_helper_costs_nothing_but_time(both_ways, monkeypatch, tmp_path):
    import formcheck.pipeline as pipeline

    class Broken:
        """Fails before sending a frame."""

        def __init__(self, clip, start, *args, **kwargs):
            self.start_frame = start
            self.failed = None
            self.frames: list = []
            self.warnings: list = []

        def start(self):
            self.failed = "RuntimeError: the helper crashed"

        def wait(self, timeout):
            return True

        def close(self):
            pass

    monkeypatch.setattr(pipeline, "SecondHalf", Broken)
    report = pipeline.analyze(DEMO, out=tmp_path / "broken", video=True, jobs=2)
    assert report.frames_total == 453
    assert _verdicts(report) == _verdicts(both_ways[1])
    assert Path(report.outputs["video"]).stat().st_size > 0


# --- a shot found crowded part-way through is read again from its start -----------------------


def test_a_look_that_finds_someone_else_mid_shot_says_so_once_and_a_fresh_look_rereads():
    everyone = [person(0.3), person(0.75)]
    look = Scripted(lambda t: everyone if t >= 2000 else [person(0.3)])
    fresh = Scripted(lambda t: everyone)  # reading every frame, it sees the coach at once
    finder = PeopleFinder(Scripted(lambda t: [person(0.3)]), look, make_look=lambda: fresh)
    said = []
    for i in range(4 * FPS):
        finder.detect(IMAGE, round(i * 1000 / FPS))
        said.append(finder.became_crowded)
    assert said.count(True) == 1  # the first look past 2 s; later frames are read crowded
    assert 2 * FPS <= said.index(True) <= (2 + LOOK_EVERY_S) * FPS + 1
    times = [round(i * 1000 / FPS) for i in range(10)]
    finder.start_again()
    again = [finder.detect_again(IMAGE, t) for t in times]
    assert again == [everyone] * 10 and fresh.calls == times
    assert finder.stats.reread == 10
    assert finder.detect(IMAGE, 4000) == everyone and fresh.calls[-1] == 4000  # reads on
    # A shot crowded from its first frame needs no second reading.
    finder.detect(IMAGE, 5000, new_shot=True)
    assert not finder.became_crowded


def test_the_tracker_goes_back_to_a_shots_start_and_is_fed_it_again():
    from formcheck.pose.tracking import LifterTracker

    def feed(tracker, frames):
        return [tracker.update(people, new_shot=cut) for people, cut in frames]

    first_shot = [([person(0.5)], i == 0) for i in range(40)]
    lone = [([person(0.3)], i == 0) for i in range(30)]  # the second shot as first read
    crowded = [([person(0.3), person(0.75, 0.01 * (i % 3))], i == 0) for i in range(30)]
    once = LifterTracker()
    expected = feed(once, first_shot + crowded)
    once.revise()

    detour = LifterTracker()
    feed(detour, first_shot)
    mark = detour.checkpoint()
    feed(detour, lone)
    detour.restore(mark)
    again = feed(detour, crowded)
    detour.revise()
    assert [p is q for p, q in zip(again, expected[40:])] == [True] * 30
    assert detour.describe() == once.describe()
    assert "several in 30 frames; 2 shots" in detour.describe()


def _as_batch_reuses_it(finder: PeopleFinder):
    """The finder wrapped as a batch worker keeps it between clips."""
    from formcheck.batch.models import ReusedEstimator

    reused = object.__new__(ReusedEstimator)  # without loading a model
    reused._inner, reused.model_name, reused._broken = finder, finder.model_name, False
    return reused


@pytest.mark.parametrize("wrap", [lambda finder: finder, _as_batch_reuses_it])
def test_a_shot_found_crowded_mid_way_is_read_again_from_its_start(wrap):
    """On a real clip's frames: the look sees the coach only at 2 s, but he was there from
    the start; the shot is read again, and the tracker saw two people in every frame."""
    from formcheck.io.video_reader import VideoReader
    from formcheck.pipeline import track_poses
    from formcheck.pose.sequence_builder import SequenceBuilder
    from formcheck.pose.tracking import LifterTracker

    lifter, coach = person(0.3), person(0.75)
    look = Scripted(lambda t: [lifter, coach] if t >= 2000 else [lifter])
    fresh = Scripted(lambda t: [lifter, coach])
    inner = PeopleFinder(Scripted(lambda t: [lifter]), look, make_look=lambda: fresh)
    finder = wrap(inner)
    tracker, reread = LifterTracker(), set()
    with VideoReader(DEMO, max_side=160) as reader:
        builder = SequenceBuilder((reader.info.width, reader.info.height))
        for _ in track_poses(reader, finder, tracker, builder, reread=reread):
            pass
    n = builder.n
    assert n == 453
    first_seen = min(fresh.calls)  # the fresh look read the shot from its first frame on
    assert first_seen == 0 and len(fresh.calls) == n
    assert reread == set(range(inner.stats.reread - 1))
    assert 2 * FPS <= len(reread) <= (2 + LOOK_EVERY_S) * FPS + 1
    assert f"several in {n} frames" in tracker.describe()


def test_the_helper_replaces_the_frames_it_read_again(tmp_path):
    from formcheck.pose.second_half import SecondHalf

    helper = SecondHalf(DEMO, 100, "lite", max_side=160, outlines=False)
    try:
        first = [FrameResult(i, i / FPS, False, [person(0.3)], []) for i in range(100, 120)]
        again = [FrameResult(i, i / FPS, False, [person(0.3), person(0.7)], []) for i in (100, 101)]
        for message in (("frames", first), ("replace", again), ("done", [])):
            helper._child.send(message)
        helper._receive()
        assert [len(r.people) for r in helper.frames] == [2, 2] + [1] * 18
        assert helper.failed is None and helper.wait(0)
    finally:
        helper.close()
