"""A long live session keeps only recent history, so its memory stays flat; what it judges and
records is what it would with every frame kept. (The two-hour soak with the real pose model is
benchmarks/soak_live.py; docs/reliability.md has its figures.)"""

from __future__ import annotations

import csv
from dataclasses import replace

import numpy as np

from builders import sldl_sequence
from formcheck.exercises.registry import get_exercise
from formcheck.live.engine import LiveAnalyzer, LiveSettings
from formcheck.live.recorder import SessionRecorder
from formcheck.live.session import LiveSession, Timings
from formcheck.pose.person import PersonLandmarks
from test_live_engine import fired
from test_live_session import FakeEstimator, FakeSource

SLDL = "kb_single_leg_deadlift"
# Short enough that a test session forgets many times over; the default is 60 s every 30 s.
SHORT = replace(LiveSettings(), keep_s=6.0, forget_every_s=3.0)
EVERYTHING = replace(LiveSettings(), keep_s=1e9, forget_every_s=1e9)


def long_set(reps: int = 30):
    """A set of ``reps`` single-leg deadlifts (about 4 s each), a fault in every third."""
    return sldl_sequence(reps=reps, fault="bell_drift", fault_reps=list(range(1, reps, 3)))


def feed(seq, settings):
    analyzer = LiveAnalyzer(get_exercise(SLDL), seq.frame_size, settings)
    held = []
    for k in range(len(seq)):
        person = None
        if seq.has_pose[k]:
            person = PersonLandmarks(seq.image_xy[k], seq.world_xyz[k], seq.visibility[k])
        analyzer.update(float(seq.t[k]), person)
        held.append(analyzer.buffer.n - analyzer.buffer.first)
    analyzer.finish()
    return analyzer, held


def test_history_is_bounded_and_the_verdicts_are_those_with_every_frame_kept():
    seq, truth = long_set()
    bounded, held = feed(seq, SHORT)
    kept_all, _ = feed(seq, EVERYTHING)
    # Held: about keep_s (or a rep waiting for its verdict, with its context), plus
    # forget_every_s and the longest rep with its context: flat once past the first minute.
    half = len(held) // 2
    assert max(held[half:]) <= max(held[:half]) + 30 < half
    # Judged the same: reps, their frames (session-wide numbers) and faults.
    assert len(bounded.reps) == len(kept_all.reps) == len(truth)
    assert fired(bounded.reps) == fired(kept_all.reps)
    assert sum(1 for f in fired(bounded.reps) if f) >= 6
    frames = [(r.start_frame, r.bottom_frame, r.end_frame) for r in bounded.reps]
    assert frames == [(r.start_frame, r.bottom_frame, r.end_frame) for r in kept_all.reps]
    assert bounded.buffer.frames_with_pose == kept_all.buffer.frames_with_pose


def test_measures_csv_of_a_long_session_has_every_frame_once_in_order(tmp_path):
    seq, _ = long_set(reps=12)
    ex = get_exercise(SLDL)
    source = FakeSource(len(seq))
    analyzer = LiveAnalyzer(ex, source.frame_size, SHORT)
    recorder = SessionRecorder(tmp_path / "rec", source.frame_size, source.fps)
    session = LiveSession(source, FakeEstimator(seq), analyzer, recorder=recorder)
    result = session.run()
    assert analyzer.buffer.first > 0  # it did forget, several times
    with (tmp_path / "rec" / "measures.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["frame"]) for r in rows] == list(range(len(seq)))
    reps_in_csv = sorted({int(r["rep"]) for r in rows} - {0})
    assert reps_in_csv == list(range(1, len(result.report.reps) + 1))
    assert {r["phase"] for r in rows} >= {"setup", "descent", "bottom", "ascent", "top"}
    first_rep = next(k for k, r in enumerate(rows) if r["rep"] == "1")
    assert all(r["phase"] != "setup" for r in rows[first_rep:])  # "setup" only before it
    assert not [p for p in (tmp_path / "rec").iterdir() if p.name.startswith(".")]
    assert result.report.frames_total == len(seq)


def test_timings_take_no_more_memory_as_a_session_goes_on():
    timings = Timings()
    rng = np.random.default_rng(0)
    values = rng.gamma(4.0, 6.0, 20_000)
    for v in values:
        timings.append(float(v))
    assert len(timings) == 20_000
    for q in (50, 95):
        assert abs(timings.percentile(q) - np.percentile(values, q)) < 0.2
    assert np.isnan(Timings().percentile(50))
