"""`formcheck live` as a user runs it, headless: a clip stands in for the camera (played at its
real pace through the same code), and fakes stand in for the camera's failures."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from builders import sldl_sequence
from formcheck.cli import main
from formcheck.exercises.registry import get_exercise
from formcheck.io.video_reader import probe
from formcheck.live import voice as voice_module
from formcheck.live.engine import LiveAnalyzer
from formcheck.live.recorder import SessionRecorder
from formcheck.live.session import LiveSession
from formcheck.live.sources import CameraLostError, LiveFrame
from formcheck.pose.person import PersonLandmarks

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_videos" / "sldl_side_demo.mp4"
SLDL = "kb_single_leg_deadlift"


class FakeSpeaker:
    name = "fake"

    def __init__(self):
        self.said: list[tuple[float, str]] = []

    def say(self, text):
        self.said.append((time.monotonic(), text))

    def busy(self):
        return False

    def close(self):
        pass


@pytest.mark.skipif(not DEMO.exists(), reason="the bundled demo clip is missing")
def test_a_clip_as_the_camera_headless_with_voice_and_recording(capsys, tmp_path, monkeypatch):
    """The demo clip (4 reps; the bell drifts in rep 2, the rear knee bends in rep 4), as a
    camera at real pace: reps counted, faults called and spoken, the session saved."""
    speaker = FakeSpeaker()
    monkeypatch.setattr(voice_module, "find_speaker", lambda: speaker)
    code = main(
        [
            "live",
            "--exercise",
            SLDL,
            "--camera",
            str(DEMO),
            "--no-window",
            "--voice",
            "--record",
            str(tmp_path / "sessions"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    assert [line.split("] ")[1] for line in lines if line.endswith("] rep 4")] == ["rep 4"]
    verdicts = [line for line in lines if "leg standing)" in line]
    assert len(verdicts) == 4
    assert "Bell close" in verdicts[1] and "Reach back long" in verdicts[3]
    assert verdicts[0].endswith("clean")
    assert "session over: 4 reps" in out

    # Spoken: fault cues first, counts as words when no cue was just said, never a pile-up.
    said = [text for _, text in speaker.said]
    assert "Bell close" in said and "Reach back long" in said
    assert {"one", "three"} <= set(said)
    gaps = np.diff([at for at, _ in speaker.said])
    assert gaps.size and gaps.min() >= voice_module.VoiceSettings().cooldown_s - 0.05

    (folder,) = (tmp_path / "sessions").iterdir()
    report = json.loads((folder / "report.json").read_text())
    assert [sorted(f["rule_id"] for f in rep["faults"]) for rep in report["reps"]][1] == [
        "bell_drift"
    ]
    assert len(report["reps"]) == 4 and report["view"] == "side"
    assert "hips_open" in report["not_assessable"]  # from the side: honest, not passed
    video = probe(folder / "session_annotated.mp4")
    # One video frame per frame analysed (a busy machine drops camera frames, by design:
    # the newest is taken), over the whole 15 s session.
    assert video.codec == "h264" and video.frame_count == report["frames_total"] > 100
    assert video.duration_s == pytest.approx(15.1, abs=0.5)
    assert (folder / "measures.csv").read_text().count("\n") == report["frames_total"] + 1


# --- failures, with fakes (fast) ------------------------------------------------------------


class FakeSource:
    """Frames of a synthetic sequence, as fast as asked; can fail after ``fail_at`` frames."""

    def __init__(self, n, fail_at=None, error=None, size=(640, 480)):
        self.description, self.fps, self.frame_size = "fake camera", 30.0, size
        self.n, self.fail_at, self.error = n, fail_at, error
        self.offered = 0
        self.closed = False

    def next_frame(self, timeout=2.0):
        if self.fail_at is not None and self.offered == self.fail_at:
            raise self.error
        if self.offered >= self.n:
            return None
        k = self.offered
        self.offered += 1
        image = np.zeros((self.frame_size[1], self.frame_size[0], 3), np.uint8)
        return LiveFrame(k, k / 30.0, image, time.perf_counter())

    def close(self):
        self.closed = True


class FakeEstimator:
    """Returns the landmarks of ``seq`` for the frame at time t."""

    model_name = "fake"

    def __init__(self, seq):
        self.seq = seq

    def detect(self, image, t_ms):
        k = int(round(t_ms * 30 / 1000))
        s = self.seq
        if k >= len(s) or not s.has_pose[k]:
            return []
        return [PersonLandmarks(s.image_xy[k], s.world_xyz[k], s.visibility[k])]


class ScriptedDisplay:
    def __init__(self, actions):
        self.actions, self.shown = dict(actions), 0

    def show(self, image):
        self.shown += 1
        return self.actions.get(self.shown)

    def close(self):
        pass


def session(seq, source, tmp_path, display=None):
    ex = get_exercise(SLDL)
    recorder = SessionRecorder(tmp_path / "rec", source.frame_size, source.fps)
    return LiveSession(
        source,
        FakeEstimator(seq),
        LiveAnalyzer(ex, source.frame_size),
        recorder=recorder,
        display=display,
    )


@pytest.mark.parametrize(
    "error, reason",
    [(CameraLostError("camera 0 stopped"), "camera_lost"), (KeyboardInterrupt(), "interrupted")],
)
def test_camera_lost_or_ctrl_c_mid_session_keeps_everything_so_far(tmp_path, error, reason):
    seq, truth = sldl_sequence(reps=3)
    stop = int(truth[1].end_s * 30) + 30  # two reps done, then the camera goes away
    result = session(seq, FakeSource(len(seq), fail_at=stop, error=error), tmp_path).run()
    assert result.reason == reason
    folder = tmp_path / "rec"
    report = json.loads((folder / "report.json").read_text())
    assert len(report["reps"]) == 2
    video = probe(folder / "session_annotated.mp4")
    assert video.frame_count == stop  # every processed frame is in the video


def test_keys_reset_pause_and_quit(tmp_path):
    seq, truth = sldl_sequence(reps=3)
    after_first = int(truth[0].end_s * 30) + 25
    display = ScriptedDisplay(
        {after_first: "reset", after_first + 5: "pause", after_first + 20: "pause", 300: "quit"}
    )
    s = session(seq, FakeSource(len(seq)), tmp_path, display)
    result = s.run()
    assert result.reason == "quit"
    assert s.stats.processed == 300 - 15  # paused frames are not analysed
    assert s.analyzer.set_starts == [1, 2]
    report = json.loads((tmp_path / "rec" / "report.json").read_text())
    assert any("count was reset" in w for w in report["warnings"])


def test_a_slow_consumer_takes_the_newest_frame(tmp_path):
    """Through the real FileSource: pose slower than the camera means frames are dropped,
    never queued, so the latency stays about one frame's work."""
    from formcheck.io.video_writer import VideoWriter
    from formcheck.live.sources import FileSource

    clip = tmp_path / "clip.mp4"
    with VideoWriter(clip, width=64, height=48, fps=30) as writer:
        for k in range(45):
            writer.write(np.full((48, 64, 3), k * 5, np.uint8), k / 30)
    seq, _ = sldl_sequence(reps=1)

    class SlowEstimator(FakeEstimator):
        def detect(self, image, t_ms):
            threading.Event().wait(0.07)  # two frames' time
            return super().detect(image, t_ms)

    with FileSource(clip) as source:
        s = LiveSession(source, SlowEstimator(seq), LiveAnalyzer(get_exercise(SLDL), (64, 48)))
        result = s.run()
    stats = result.stats.summary()
    assert stats["frames_processed"] < 0.7 * stats["frames_offered"]
    assert stats["latency_p95_ms"] < 150  # not growing: ~ one estimate, not a queue


# --- the command line's clear errors ---------------------------------------------------------


def run_cli(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_no_camera_there(capsys):
    code, err = run_cli(capsys, "live", "--exercise", SLDL, "--camera", "7", "--no-window")
    assert code == 2 and "could not open camera 7" in err and "Traceback" not in err


def test_unknown_exercise_is_refused_before_the_camera(capsys):
    code, err = run_cli(capsys, "live", "--exercise", "bench_press", "--no-window")
    assert code == 2 and "unknown exercise 'bench_press'" in err


def test_missing_clip_as_camera(capsys, tmp_path):
    code, err = run_cli(
        capsys, "live", "--exercise", SLDL, "--camera", str(tmp_path / "nope.mp4"), "--no-window"
    )
    assert code == 2 and "nope.mp4" in err


def test_no_display_says_to_use_no_window(capsys, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    code, err = run_cli(capsys, "live", "--exercise", SLDL, "--camera", str(DEMO))
    assert code == 2 and "no display available" in err and "--no-window" in err


def test_record_folder_that_cannot_be_made_is_refused_first(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, err = run_cli(
        capsys,
        "live",
        "--exercise",
        SLDL,
        "--camera",
        "7",
        "--no-window",
        "--record",
        str(blocker / "rec"),
    )
    assert code == 2 and "cannot create the recording folder" in err


def test_camera_lost_exit_status_and_message(capsys, tmp_path, monkeypatch):
    seq, _ = sldl_sequence(reps=1)
    lost = CameraLostError("camera 0 stopped sending frames: the session so far is kept")
    monkeypatch.setattr(
        "formcheck.live.app.open_source",
        lambda spec, max_side: _Managed(FakeSource(len(seq), fail_at=60, error=lost)),
    )
    monkeypatch.setattr(
        "formcheck.live.app.PoseEstimator",
        lambda model, num_poses, **options: _Managed(FakeEstimator(seq)),
    )
    code = main(["live", "--exercise", SLDL, "--no-window", "--record", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 3
    assert "camera 0 stopped sending frames" in captured.err
    assert "saved in" in captured.out


def test_voice_without_a_speech_engine_warns_once_and_goes_on(capsys, monkeypatch):
    seq, _ = sldl_sequence(reps=1)
    monkeypatch.setattr(voice_module, "find_speaker", lambda: None)
    monkeypatch.setattr(
        "formcheck.live.app.open_source",
        lambda spec, max_side: _Managed(FakeSource(len(seq))),
    )
    monkeypatch.setattr(
        "formcheck.live.app.PoseEstimator",
        lambda model, num_poses, **options: _Managed(FakeEstimator(seq)),
    )
    code = main(["live", "--exercise", SLDL, "--no-window", "--voice"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.err.count("no offline speech engine") == 1
    assert "session over: 1 reps" in captured.out


class _Managed:
    """Wraps a fake so it can be used in a ``with`` block like the real thing."""

    def __init__(self, inner):
        self.inner = inner

    def __enter__(self):
        return self.inner

    def __exit__(self, *exc):
        return False


def test_window_closed_with_its_button_ends_the_session(monkeypatch):
    """Qt destroys a window closed by its button, and asking about it then raises: that is a
    quit, not an internal error (seen under Xvfb with a window manager)."""
    import cv2

    from formcheck.live import display as display_module

    def gone(*args):
        raise cv2.error("NULL guiReceiver (please create a window)")

    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setattr(display_module.cv2, "namedWindow", lambda *a: None)
    monkeypatch.setattr(display_module.cv2, "imshow", lambda *a: None)
    monkeypatch.setattr(display_module.cv2, "waitKey", lambda *a: -1)
    monkeypatch.setattr(display_module.cv2, "getWindowProperty", lambda *a: 1.0)
    window = display_module.WindowDisplay("formcheck test")
    image = np.zeros((4, 4, 3), np.uint8)
    assert window.show(image) is None and window.show(image) is None
    monkeypatch.setattr(display_module.cv2, "getWindowProperty", gone)
    assert window.show(image) == "quit"
    monkeypatch.setattr(display_module.cv2, "getWindowProperty", lambda *a: 0.0)
    assert window.show(image) == "quit"
