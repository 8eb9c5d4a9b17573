"""Live frame sources: newest-frame hand-off, real-pace file playback, camera errors.

There is no camera on the test machine: real OpenCV is exercised through a ``file://`` URL
(which goes through CameraSource exactly as a stream would) and through a camera number that
does not exist; everything else a camera does is played by a fake ``cv2.VideoCapture``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.errors import CameraError, ClipNotFoundError, VideoDecodeError
from formcheck.io.video_reader import VideoReader
from formcheck.io.video_writer import VideoWriter
from formcheck.live import sources
from formcheck.live.sources import (
    CameraLostError,
    CameraSource,
    FileSource,
    LiveFrame,
    open_source,
)

CLIP_FPS = 30
CLIP_FRAMES = 30  # one second
# Generous: a loaded 2-core CI machine can be late by tens of milliseconds.
FRESH_S = 0.25


def write_clip(path: Path, frames: int, *, width: int = 64, height: int = 48) -> Path:
    """A clip whose frames differ (a grey ramp) at CLIP_FPS."""
    with VideoWriter(path, width=width, height=height, fps=CLIP_FPS) as writer:
        for i in range(frames):
            writer.write(np.full((height, width, 3), (8 * i) % 256, np.uint8))
    return path


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_clip(tmp_path_factory.mktemp("live") / "clip.mp4", CLIP_FRAMES)


@pytest.fixture(scope="module")
def red_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """160x120 pure red frames: tells RGB from BGR and shows the downscaling."""
    path = tmp_path_factory.mktemp("live") / "red.mp4"
    with VideoWriter(path, width=160, height=120, fps=CLIP_FPS) as writer:
        for _ in range(20):
            image = np.zeros((120, 160, 3), np.uint8)
            image[..., 0] = 255
            writer.write(image)
    return path


def consume(source, *, pause_s: float = 0.0, limit: int | None = None) -> list[tuple]:
    """(frame, latency in seconds) for each frame until the end, sleeping pause_s after each."""
    got = []
    while (frame := source.next_frame(timeout=2.0)) is not None:
        now = time.perf_counter()
        got.append((frame, now - frame.captured_at, now))
        if limit is not None and len(got) >= limit:
            break
        time.sleep(pause_s)
    return got


# ------------------------------------------------------------------ file played at real pace


def test_file_source_plays_at_real_pace_and_a_fast_consumer_gets_every_frame(clip: Path) -> None:
    reader_times = [frame.t for frame in VideoReader(clip)]
    with open_source(str(clip)) as source:
        assert isinstance(source, FileSource)
        assert source.description == "clip.mp4 (played at real pace)"
        assert source.fps == pytest.approx(CLIP_FPS)
        assert source.frame_size == (64, 48)
        started = time.perf_counter()
        got = consume(source)
        elapsed = time.perf_counter() - started
        assert source.next_frame() is None  # stays ended

    frames = [frame for frame, _, _ in got]
    assert [f.index for f in frames] == list(range(CLIP_FRAMES))
    assert source.offered == source.returned == CLIP_FRAMES
    assert source.dropped == 0
    assert [f.t for f in frames] == pytest.approx(reader_times)
    assert np.all(np.diff([f.t for f in frames]) > 0)
    # Played at its own pace, not as fast as it decodes (which takes milliseconds).
    duration = reader_times[-1]
    assert 0.8 * duration <= elapsed <= duration + 1.5
    for frame, latency, received in got:
        assert frame.captured_at <= received  # never from the future
        assert latency < FRESH_S
        assert frame.image.shape == (48, 64, 3)
        assert frame.image.dtype == np.uint8 and frame.image.flags["C_CONTIGUOUS"]
    # Different frames really are different images (the grey ramp).
    assert frames[5].image.mean() > frames[0].image.mean() + 20


def test_file_source_speed_scales_the_pace(clip: Path) -> None:
    with FileSource(clip, speed=4.0) as source:
        assert source.description == "clip.mp4 (played at 4x real pace)"
        started = time.perf_counter()
        frames = [frame for frame, _, _ in consume(source)]
        elapsed = time.perf_counter() - started
    duration = frames[-1].t
    assert len(frames) == CLIP_FRAMES
    assert 0.8 * duration / 4 <= elapsed < duration * 0.8  # faster than real time, still paced
    # captured_at is each frame's scheduled instant: t apart, divided by the speed.
    scheduled = np.diff([f.captured_at for f in frames])
    assert scheduled == pytest.approx(np.diff([f.t for f in frames]) / 4, abs=1e-6)


def test_slow_consumer_gets_the_newest_frame_and_the_rest_are_dropped(clip: Path) -> None:
    with FileSource(clip) as source:
        got = consume(source, pause_s=0.1)  # three frame times per frame taken
    frames = [frame for frame, _, _ in got]
    indices = [f.index for f in frames]
    assert source.offered == CLIP_FRAMES
    assert source.returned == len(frames) < CLIP_FRAMES
    assert source.dropped == CLIP_FRAMES - len(frames) > 0
    assert np.all(np.diff(indices) >= 1) and max(np.diff(indices)) >= 2  # gaps = drops
    assert sum(np.diff(indices) - 1) + indices[0] == source.dropped
    assert np.all(np.diff([f.t for f in frames]) > 0)
    # Latency does not build up: a queue would hand over frames ~2x the clip late by now.
    assert max(latency for _, latency, _ in got) < FRESH_S


def test_file_source_loop_keeps_index_and_t_rising(clip: Path) -> None:
    with FileSource(clip, speed=4.0, loop=True) as source:
        frames = [f for f, _, _ in consume(source, limit=CLIP_FRAMES + 10)]
    assert [f.index for f in frames] == list(range(CLIP_FRAMES + 10))
    t = np.array([f.t for f in frames])
    assert np.all(np.diff(t) > 0)
    assert t[CLIP_FRAMES] - t[CLIP_FRAMES - 1] == pytest.approx(1 / CLIP_FPS, abs=1e-3)


def test_file_source_downscales_to_max_side(red_clip: Path) -> None:
    with open_source(red_clip, max_side=80) as source:
        assert source.frame_size == (80, 60)
        frame = source.next_frame()
    assert frame is not None and frame.image.shape == (60, 80, 3)


def test_close_is_idempotent_joins_the_thread_and_ends_the_source(clip: Path) -> None:
    source = FileSource(clip)
    source.close()  # before start: releases the file, no thread
    source.close()
    assert not source.running
    with pytest.raises(RuntimeError, match="closed"):
        source.start()

    source = FileSource(clip)
    source.start()
    assert source.running
    assert source.next_frame() is not None
    source.close()
    assert not source.running
    source.close()
    assert source.next_frame() is None  # closed: ended, not an error


def test_close_wakes_a_consumer_waiting_for_a_frame(clip: Path) -> None:
    source = FileSource(clip, speed=0.05)  # 0.67 s between frames
    source.start()
    assert source.next_frame() is not None
    closer = threading.Timer(0.1, source.close)
    closer.start()
    started = time.perf_counter()
    assert source.next_frame(timeout=5.0) is None
    assert time.perf_counter() - started < 0.5
    closer.join()
    assert not source.running


# ------------------------------------------------------------------ open_source errors


def test_missing_file_raises_the_readers_clip_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "no_such_clip.mp4"
    with pytest.raises(ClipNotFoundError, match="no such file") as caught:
        open_source(str(missing))
    assert str(missing) in str(caught.value) and "\n" not in str(caught.value)


def test_a_file_that_is_not_a_video_raises_video_decode_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a video\n")
    with pytest.raises(VideoDecodeError, match="not a readable video"):
        open_source(str(notes))


@pytest.mark.parametrize("spec", ["webcam", "not a camera", "", "-1"])
def test_garbage_raises_camera_error_saying_what_to_give(spec: str) -> None:
    with pytest.raises(CameraError) as caught:
        open_source(spec)
    message = str(caught.value)
    assert message.startswith("no camera or file called ")
    assert "give a camera number (0 is the usual webcam), a video file, or a stream URL" in message
    assert isinstance(caught.value, OSError)


@pytest.mark.skipif(Path("/dev/video7").exists(), reason="this machine has a camera 7")
@pytest.mark.parametrize("spec", ["7", 7])
def test_missing_camera_fails_fast_with_advice(spec: str | int) -> None:
    started = time.perf_counter()
    with pytest.raises(CameraError) as caught:
        open_source(spec)
    assert time.perf_counter() - started < 5.0
    assert str(caught.value) == (
        "could not open camera 7: no camera there, or another program is using it "
        "(close other video apps, or pick another with --camera 0)"
    )


def test_unreachable_stream_names_the_url() -> None:
    url = "rtsp://user:secret@127.0.0.1:9/live"  # nothing listens on the discard port
    started = time.perf_counter()
    with pytest.raises(CameraError) as caught:
        open_source(url)
    assert time.perf_counter() - started < 12.0
    message = str(caught.value)
    assert message.startswith("could not open the stream rtsp://user:***@127.0.0.1:9/live")
    assert "secret" not in message


# ------------------------------------------------------------------ real OpenCV, via a URL


def test_stream_through_opencv_is_rgb_downscaled_and_reports_its_end(red_clip: Path) -> None:
    source = CameraSource(red_clip.resolve().as_uri(), max_side=80, lost_after=0.2)
    with source:
        assert source.frame_size == (80, 60)
        assert source.fps == pytest.approx(CLIP_FPS)
        frame = source.next_frame()
        assert frame is not None
        assert frame.image.shape == (60, 80, 3) and frame.image.flags["C_CONTIGUOUS"]
        red, green, blue = frame.image.reshape(-1, 3).mean(axis=0)
        assert red > 200 and green < 40 and blue < 40  # RGB, not OpenCV's BGR
        # The file ends: for a stream that is a lost connection, reported in one line.
        with pytest.raises(CameraLostError, match="stopped sending frames") as caught:
            while source.next_frame(timeout=2.0) is not None:
                pass
    assert "the session so far is kept" in str(caught.value)
    assert not source.running


# ------------------------------------------------------------------ a fake camera


class FakeCapture:
    """Stands in for cv2.VideoCapture: ``script`` says what each read does.

    Each item is "frame", "fail" (read returns False), "hang" (blocks until ``unblock`` is
    set) or an exception to raise; after the script, the last item repeats.
    """

    def __init__(
        self,
        script: list,
        *,
        opened: bool = True,
        fps: float = 0.0,
        size: tuple[int, int] = (64, 48),
        interval_s: float = 0.005,
    ) -> None:
        self.script = script
        self.opened = opened
        self.fps = fps
        self.size = size
        self.interval_s = interval_s
        self.reads = 0
        self.released = False
        self.settings: dict[int, float] = {}
        self.unblock = threading.Event()

    def isOpened(self) -> bool:  # noqa: N802 (OpenCV's name)
        return self.opened

    def set(self, prop: int, value: float) -> bool:
        self.settings[prop] = value
        return True

    def get(self, prop: int) -> float:
        width, height = self.size
        return {cv2.CAP_PROP_FPS: self.fps, cv2.CAP_PROP_FRAME_WIDTH: width}.get(
            prop, height if prop == cv2.CAP_PROP_FRAME_HEIGHT else 0.0
        )

    def read(self):
        step = self.script[min(self.reads, len(self.script) - 1)]
        self.reads += 1
        time.sleep(self.interval_s)
        if isinstance(step, BaseException):
            raise step
        if step == "hang":
            self.unblock.wait(10)
            return False, None
        if step == "fail":
            return False, None
        width, height = self.size
        image = np.zeros((height, width, 3), np.uint8)
        image[..., 0] = 255  # blue, in OpenCV's BGR order
        return True, image

    def release(self) -> None:
        self.released = True


@pytest.fixture
def fake_camera(monkeypatch: pytest.MonkeyPatch):
    """Install a FakeCapture for cv2.VideoCapture; returns a function that configures it."""
    made: list[FakeCapture] = []

    def install(*args, **kwargs) -> list[FakeCapture]:
        def factory(device, *rest):
            capture = FakeCapture(*args, **kwargs)
            capture.device = device
            made.append(capture)
            return capture

        monkeypatch.setattr(cv2, "VideoCapture", factory)
        return made

    yield install
    for capture in made:
        capture.unblock.set()  # let a hung fake read return, so no thread outlives the test


def test_camera_frames_are_rgb_fresh_and_timed_from_the_first(fake_camera) -> None:
    made = fake_camera(["frame"], size=(1280, 720))
    with open_source("0") as source:
        assert isinstance(source, CameraSource) and source.description == "camera 0"
        assert made[0].device == 0
        assert made[0].settings == {cv2.CAP_PROP_FPS: 30.0, cv2.CAP_PROP_BUFFERSIZE: 1}
        assert source.fps == 30.0  # the fake says 0: unknown
        assert source.frame_size == (640, 360)
        frames = []
        for _ in range(5):
            frame = source.next_frame()
            assert isinstance(frame, LiveFrame)
            frames.append((frame, time.perf_counter()))
    first = frames[0][0]
    assert first.image.shape == (360, 640, 3) and first.image.dtype == np.uint8
    assert first.image.flags["C_CONTIGUOUS"]
    assert (first.image[..., 2] == 255).all() and (first.image[..., 0] == 0).all()
    assert first.t < 0.5  # the clock starts at the first frame
    assert np.all(np.diff([f.t for f, _ in frames]) > 0)
    assert np.all(np.diff([f.index for f, _ in frames]) >= 1)
    for frame, received in frames:
        assert frame.captured_at <= received and received - frame.captured_at < FRESH_S
    assert made[0].released and not source.running


def test_camera_reports_its_own_fps(fake_camera) -> None:
    fake_camera(["frame"], fps=15.0)
    with CameraSource(1) as source:
        assert source.fps == 15.0


def test_slow_consumer_of_a_camera_drops_frames(fake_camera) -> None:
    fake_camera(["frame"], interval_s=0.005)
    with CameraSource(0) as source:
        frames = []
        for _ in range(5):
            frames.append(source.next_frame())
            time.sleep(0.05)
    assert max(np.diff([f.index for f in frames])) >= 2
    assert source.dropped > 0 and source.dropped == source.offered - source.returned


def test_camera_that_opens_but_sends_nothing_fails_fast(fake_camera, monkeypatch) -> None:
    made = fake_camera(["fail"])
    monkeypatch.setattr(sources, "FIRST_FRAME_TIMEOUT_S", 0.3)
    source = open_source("0")
    started = time.perf_counter()
    with pytest.raises(CameraError) as caught:
        source.start()
    assert time.perf_counter() - started < 2.0
    message = str(caught.value)
    assert message.startswith("camera 0 opened but sends no frames: it is probably in use")
    assert "--camera 1" in message and "\n" not in message
    assert not isinstance(caught.value, CameraLostError)
    assert made[0].released and not source.running


def test_camera_whose_read_blocks_from_the_start_fails_fast(fake_camera) -> None:
    made = fake_camera(["hang"])
    started = time.perf_counter()
    source = CameraSource(0, first_frame_timeout=0.3)
    with pytest.raises(CameraError, match="opened but sends no frames"):
        source.start()
    # The thread stuck in the driver is not waited for; it releases the device when freed.
    assert time.perf_counter() - started < 1.0
    assert not made[0].released
    made[0].unblock.set()
    source._thread.join(2.0)
    assert made[0].released and not source.running


def test_default_first_frame_wait_is_a_few_seconds() -> None:
    assert 2.0 <= sources.FIRST_FRAME_TIMEOUT_S <= 3.0


def test_camera_unopenable_says_so(fake_camera) -> None:
    made = fake_camera(["frame"], opened=False)
    with pytest.raises(CameraError, match=r"^could not open camera 0: .*--camera 1\)$"):
        open_source(0)
    assert made[0].released


def test_camera_whose_reads_start_failing_is_lost(fake_camera) -> None:
    fake_camera(["frame"] * 5 + ["fail"])
    with CameraSource(0, lost_after=0.2) as source:
        frames = []
        with pytest.raises(CameraLostError) as caught:
            while True:
                frames.append(source.next_frame(timeout=2.0))
                assert frames[-1] is not None  # a camera never ends normally
    assert frames  # what came before the loss was handed over
    assert str(caught.value) == (
        "camera 0 stopped sending frames (unplugged or taken by another program?): "
        "the session so far is kept"
    )
    assert not source.running


def test_camera_that_goes_silent_is_lost_after_the_timeout(fake_camera) -> None:
    made = fake_camera(["frame"] * 3 + ["hang"])
    source = CameraSource(0)
    source.start()
    while source.offered < 3:
        time.sleep(0.01)
    assert source.next_frame().index == 2  # the newest; 0 and 1 were dropped
    started = time.perf_counter()
    with pytest.raises(CameraLostError, match="camera 0 stopped sending frames"):
        source.next_frame(timeout=0.3)
    assert 0.25 <= time.perf_counter() - started < 1.5
    with pytest.raises(CameraLostError):  # and stays lost
        source.next_frame(timeout=0.0)
    made[0].unblock.set()
    source.close()
    assert not source.running and made[0].released


def test_opencv_error_mid_session_becomes_camera_lost(fake_camera) -> None:
    fake_camera(["frame", "frame", cv2.error("driver said no\nsecond line")])
    with CameraSource(0) as source, pytest.raises(CameraLostError) as caught:
        while True:
            source.next_frame()
    message = str(caught.value)
    assert "stopped sending frames" in message and "driver said no" in message
    assert "\n" not in message


def test_a_bug_in_the_thread_reaches_the_caller(fake_camera) -> None:
    fake_camera(["frame", "frame", RuntimeError("boom")])
    with CameraSource(0) as source, pytest.raises(RuntimeError, match="boom"):
        while True:
            source.next_frame()


def test_stream_description_hides_the_password(fake_camera) -> None:
    made = fake_camera(["frame"])
    with open_source("rtsp://me:hunter2@cam.local:554/stream") as source:
        assert source.description == "rtsp://me:***@cam.local:554/stream"
        assert source.next_frame() is not None
    assert made[0].device == "rtsp://me:hunter2@cam.local:554/stream"  # the real one is used
    assert made[0].settings == {}  # fps and buffer requests are for cameras
