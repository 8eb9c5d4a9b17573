"""Video reading and writing, on small clips made with PyAV in tmp_path."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import av
import numpy as np
import pytest

from formcheck.errors import ClipNotFoundError, OutputError, VideoDecodeError
from formcheck.io import video_writer
from formcheck.io.atomic import atomic_path, atomic_write_text, create_temp_beside
from formcheck.io.video_reader import TIMESTAMP_NUDGE_S, VideoReader, _Timeline, probe
from formcheck.io.video_writer import VideoWriter

MS = Fraction(1, 1000)


def encode_clip(
    path: Path,
    images: list[np.ndarray],
    times: list[float] | None = None,
    *,
    fps: int = 30,
    container_format: str | None = None,
    rotation_ccw: int | None = None,
    faststart: bool = False,
) -> Path:
    """Encode RGB images with libx264 at the given times (seconds) in a millisecond time base."""
    height, width = images[0].shape[:2]
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), mode="w", format=container_format, options=options) as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if times is not None:
            stream.codec_context.time_base = MS
        if rotation_ccw is not None:
            stream.set_display_rotation(rotation_ccw)
        for index, image in enumerate(images):
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            if times is not None:
                frame.pts, frame.time_base = round(times[index] * 1000), MS
            else:
                frame.pts, frame.time_base = index, Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def grey_frames(n: int, width: int = 64, height: int = 48) -> list[np.ndarray]:
    return [np.full((height, width, 3), (7 * i) % 256, np.uint8) for i in range(n)]


def noise_frames(n: int, width: int = 96, height: int = 64) -> list[np.ndarray]:
    """Incompressible frames, so a file's bytes are spread evenly over its duration."""
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, (height, width, 3), dtype=np.uint8) for _ in range(n)]


def read_all(path: Path, **kwargs: int) -> tuple[list, list[str], VideoReader]:
    with VideoReader(path, **kwargs) as reader:
        frames = list(reader)
    return frames, reader.warnings, reader


def assert_one_line_naming(error: BaseException, path: Path) -> None:
    message = str(error)
    assert "\n" not in message
    assert str(path) in message


# ----------------------------------------------------------------------------- reading


def test_probe_reports_container_facts(tmp_path: Path) -> None:
    clip = encode_clip(tmp_path / "cfr.mp4", grey_frames(30))
    info = probe(clip)
    assert (info.width, info.height) == (64, 48)
    assert info.fps == pytest.approx(30.0)
    assert info.frame_count == 30
    assert info.duration_s == pytest.approx(1.0, abs=0.02)
    assert info.rotation_deg == 0
    assert info.codec == "h264"
    assert info.path == str(clip)


def test_variable_frame_rate_gives_the_true_timestamps_from_the_first_frame(
    tmp_path: Path,
) -> None:
    # Starts at 0.5 s on purpose: t counts from the first frame, not from the stream origin.
    times = [0.5, 0.533, 0.6, 0.75, 0.76, 1.2, 1.25, 2.0]
    clip = encode_clip(tmp_path / "vfr.mkv", grey_frames(len(times)), times)
    frames, warnings, _ = read_all(clip)
    assert [f.index for f in frames] == list(range(len(times)))
    np.testing.assert_allclose([f.t for f in frames], np.array(times) - 0.5, atol=1e-9)
    assert warnings == []


def test_frames_without_timestamps_get_interpolated_strictly_increasing_times(
    tmp_path: Path,
) -> None:
    # A raw H.264 stream has no container, so its frames carry no timestamps at all.
    clip = encode_clip(tmp_path / "raw.h264", grey_frames(10), fps=25, container_format="h264")
    frames, warnings, reader = read_all(clip)
    assert reader.info.fps == pytest.approx(25.0)
    np.testing.assert_allclose([f.t for f in frames], np.arange(10) / 25, atol=1e-9)
    assert len(warnings) == 1
    assert "10 frame(s) had no timestamp" in warnings[0]
    assert "interpolated at 25 frames per second" in warnings[0]


def test_repeated_and_backwards_timestamps_are_nudged_forward() -> None:
    timeline = _Timeline(step_s=0.1)

    def frame(ms: int | None) -> SimpleNamespace:
        return SimpleNamespace(pts=ms, dts=None, time_base=MS)

    times = [timeline.time_of(frame(ms)) for ms in (1000, 1100, 1100, 1050, None, 1500)]
    nudge = TIMESTAMP_NUDGE_S
    expected = [0.0, 0.1, 0.1 + nudge, 0.1 + 2 * nudge, 0.2 + 2 * nudge, 0.5]
    np.testing.assert_allclose(times, expected)
    assert timeline.nudged == 2
    assert timeline.guessed == 1


@pytest.mark.parametrize(
    ("rotation_cw", "marker_corner"),
    [(0, "top-left"), (90, "top-right"), (180, "bottom-right"), (270, "bottom-left")],
)
def test_rotation_metadata_turns_frames_upright(
    tmp_path: Path, rotation_cw: int, marker_corner: str
) -> None:
    stored = np.zeros((48, 64, 3), np.uint8)
    stored[:16, :16] = 255  # marker in the stored frame's top-left corner
    # Phones write a display matrix; FFmpeg (and PyAV) express it counter-clockwise.
    clip = encode_clip(tmp_path / "phone.mp4", [stored] * 3, rotation_ccw=-rotation_cw)

    frames, _, reader = read_all(clip)

    quarter = rotation_cw in (90, 270)
    expected_size = (48, 64) if quarter else (64, 48)  # (width, height) as displayed
    assert reader.info.rotation_deg == rotation_cw
    assert (reader.info.width, reader.info.height) == expected_size
    image = frames[0].image
    assert image.shape == (expected_size[1], expected_size[0], 3)
    assert image.flags["C_CONTIGUOUS"]
    corners = {
        "top-left": image[:8, :8],
        "top-right": image[:8, -8:],
        "bottom-left": image[-8:, :8],
        "bottom-right": image[-8:, -8:],
    }
    brightest = max(corners, key=lambda name: corners[name].mean())
    assert brightest == marker_corner


def test_odd_widths_give_contiguous_correct_images(tmp_path: Path) -> None:
    # 642 * 3 bytes per row is not a multiple of 32: PyAV hands back a padded, strided view.
    ramp = np.tile(np.linspace(0, 255, 642).astype(np.uint8)[None, :, None], (480, 1, 3))
    clip = encode_clip(tmp_path / "odd.mp4", [ramp] * 2)
    frames, _, _ = read_all(clip)
    image = frames[0].image
    assert image.shape == (480, 642, 3)
    assert image.dtype == np.uint8
    assert image.flags["C_CONTIGUOUS"]
    assert np.abs(image.astype(int) - ramp.astype(int)).mean() < 3


def test_max_side_downscales_keeping_the_aspect_ratio(tmp_path: Path) -> None:
    clip = encode_clip(tmp_path / "big.mp4", grey_frames(2, width=642, height=480))
    frames, _, reader = read_all(clip, max_side=321)
    assert (reader.info.width, reader.info.height) == (321, 240)
    assert frames[0].image.shape == (240, 321, 3)
    assert frames[0].image.flags["C_CONTIGUOUS"]


def test_a_reader_can_be_iterated_twice(tmp_path: Path) -> None:
    clip = encode_clip(tmp_path / "twice.mp4", grey_frames(5))
    with VideoReader(clip) as reader:
        first = [(f.index, f.t) for f in reader]
        second = [(f.index, f.t) for f in reader]
    assert first == second
    assert len(first) == 5


def test_leaving_the_with_block_stops_an_unfinished_iteration(tmp_path: Path) -> None:
    clip = encode_clip(tmp_path / "long.mp4", grey_frames(10))
    with VideoReader(clip) as reader:
        frames = iter(reader)
        assert next(frames).index == 0
    assert next(frames, None) is None


def test_gif_is_read_like_a_video(tmp_path: Path) -> None:
    path = tmp_path / "anim.gif"
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("gif", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "rgb8"
        for image in grey_frames(6, 64, 48):
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    frames, warnings, reader = read_all(path)
    assert reader.info.codec == "gif"
    assert len(frames) == 6
    np.testing.assert_allclose([f.t for f in frames], np.arange(6) / 10, atol=1e-9)
    assert frames[0].image.shape == (48, 64, 3)
    assert warnings == []


def test_truncated_mp4_with_index_first_keeps_the_decodable_frames_and_warns(
    tmp_path: Path,
) -> None:
    clip = encode_clip(tmp_path / "upload.mp4", noise_frames(60), faststart=True)
    data = clip.read_bytes()
    clip.write_bytes(data[: len(data) // 2])

    frames, warnings, _ = read_all(clip)

    assert 10 < len(frames) < 60
    assert np.all(np.diff([f.t for f in frames]) > 0)
    assert len(warnings) == 1
    assert "decoding stopped at" in warnings[0]
    assert "of 2.00 s" in warnings[0]
    assert str(clip) in warnings[0]


def test_truncated_mkv_that_ends_silently_still_warns(tmp_path: Path) -> None:
    # Matroska just ends early without a decode error; the stated duration gives it away.
    clip = encode_clip(tmp_path / "upload.mkv", noise_frames(60))
    data = clip.read_bytes()
    clip.write_bytes(data[: len(data) // 2])

    frames, warnings, _ = read_all(clip)

    assert 10 < len(frames) < 60
    assert len(warnings) == 1
    assert "truncated" in warnings[0]


def test_truncated_mp4_with_index_last_is_a_clean_decode_error(tmp_path: Path) -> None:
    # Without +faststart the index (moov) is at the end, so half a file has no index at all.
    clip = encode_clip(tmp_path / "upload.mp4", noise_frames(60))
    data = clip.read_bytes()
    clip.write_bytes(data[: len(data) // 2])

    with pytest.raises(VideoDecodeError) as caught:
        probe(clip)
    assert_one_line_naming(caught.value, clip)
    assert "not a readable video" in str(caught.value)
    with pytest.raises(VideoDecodeError):
        VideoReader(clip)


def test_a_text_file_named_mp4_is_a_decode_error_naming_the_file(tmp_path: Path) -> None:
    clip = tmp_path / "notes.mp4"
    clip.write_text("these are my squat notes\n")
    for open_clip in (probe, VideoReader):
        with pytest.raises(VideoDecodeError) as caught:
            open_clip(clip)
        assert_one_line_naming(caught.value, clip)
        assert "re-export it as MP4" in str(caught.value)


def test_an_audio_file_has_no_video_stream(tmp_path: Path) -> None:
    path = tmp_path / "voice.m4a"
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("aac", rate=44100, layout="mono")
        for i in range(5):
            samples = np.zeros((1, 1024), np.float32)
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.sample_rate, frame.pts = 44100, i * 1024
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    with pytest.raises(VideoDecodeError, match="no video stream") as caught:
        probe(path)
    assert_one_line_naming(caught.value, path)


def test_a_missing_clip_is_clip_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nope.mp4"
    with pytest.raises(ClipNotFoundError) as caught:
        probe(missing)
    assert isinstance(caught.value, FileNotFoundError)
    assert_one_line_naming(caught.value, missing)
    with pytest.raises(ClipNotFoundError):
        VideoReader(missing)


def test_a_folder_is_a_decode_error(tmp_path: Path) -> None:
    with pytest.raises(VideoDecodeError, match="folder") as caught:
        probe(tmp_path)
    assert_one_line_naming(caught.value, tmp_path)


# ----------------------------------------------------------------------------- writing


@pytest.mark.parametrize("threaded", [False, True])
def test_writer_makes_browser_friendly_h264_with_the_source_timing(
    tmp_path: Path, threaded: bool
) -> None:
    out = tmp_path / "annotated.mp4"
    times = [0.0, 0.033, 0.05, 0.1, 0.2, 0.21, 0.5, 0.52, 0.6, 1.0]
    with VideoWriter(out, width=643, height=481, fps=30, threaded=threaded) as writer:
        for i, t in enumerate(times):
            writer.write(np.full((481, 643, 3), 20 * i, np.uint8), t)

    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.format.name == "yuv420p"
        # 4:2:0 needs even sizes: the odd row and column were dropped.
        assert (stream.codec_context.width, stream.codec_context.height) == (642, 480)
        decoded = [float(frame.pts * frame.time_base) for frame in container.decode(stream)]
        # The track lasts until the last frame (B-frames with VFR would cut it short).
        assert float(stream.duration * stream.time_base) > times[-1]
    np.testing.assert_allclose(decoded, times, atol=1e-4)
    head = out.read_bytes()
    assert head.index(b"moov") < head.index(b"mdat")  # +faststart: playable while loading
    assert sorted(os.listdir(tmp_path)) == ["annotated.mp4"]  # no temporary file left


def test_writer_without_times_uses_index_over_fps(tmp_path: Path) -> None:
    out = tmp_path / "cfr.mp4"
    with VideoWriter(out, width=64, height=48, fps=25) as writer:
        for image in grey_frames(5):
            writer.write(image)
    frames, _, reader = read_all(out)
    np.testing.assert_allclose([f.t for f in frames], np.arange(5) / 25, atol=1e-4)
    assert reader.info.frame_count == 5


def test_writer_keeps_colours(tmp_path: Path) -> None:
    out = tmp_path / "colour.mp4"
    rgb = (200, 50, 30)
    with VideoWriter(out, width=64, height=48, fps=30) as writer:
        writer.write(np.full((48, 64, 3), rgb, np.uint8))
    frames, _, _ = read_all(out)
    np.testing.assert_allclose(frames[0].image[24, 32], rgb, atol=4)


def test_writer_rejects_a_frame_of_the_wrong_size(tmp_path: Path) -> None:
    with (
        pytest.raises(ValueError, match="shape"),
        VideoWriter(tmp_path / "x.mp4", width=64, height=48, fps=30) as writer,
    ):
        writer.write(np.zeros((64, 48, 3), np.uint8))


def test_writer_to_an_unwritable_folder_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "results"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(OutputError) as caught:
        VideoWriter(blocker / "out.mp4", width=64, height=48, fps=30)
    assert_one_line_naming(caught.value, blocker)


@pytest.mark.parametrize("threaded", [False, True])
def test_an_error_while_writing_leaves_no_file_and_keeps_the_old_one(
    tmp_path: Path, threaded: bool
) -> None:
    out = tmp_path / "annotated.mp4"
    out.write_bytes(b"previous run")
    with (
        pytest.raises(RuntimeError, match="pose failed"),
        VideoWriter(out, width=64, height=48, fps=30, threaded=threaded) as writer,
    ):
        for image in grey_frames(3):
            writer.write(image)
        raise RuntimeError("pose failed")
    assert sorted(os.listdir(tmp_path)) == ["annotated.mp4"]
    assert out.read_bytes() == b"previous run"


@pytest.mark.parametrize("threaded", [False, True])
def test_a_full_disk_while_writing_is_an_output_error_and_leaves_no_file(
    tmp_path: Path, threaded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    out = tmp_path / "annotated.mp4"
    writer = VideoWriter(out, width=64, height=48, fps=30, threaded=threaded)
    monkeypatch.setattr(video_writer.cv2, "cvtColor", disk_full)
    with pytest.raises(OutputError, match="No space left on device") as caught, writer:
        # Threaded, the error surfaces at a later write or at close.
        for image in grey_frames(20):
            writer.write(image)
    assert_one_line_naming(caught.value, out)
    assert os.listdir(tmp_path) == []


# ----------------------------------------------------------------------------- atomic files


def test_atomic_write_text_writes_with_normal_permissions(tmp_path: Path) -> None:
    out = tmp_path / "new" / "report.json"
    atomic_write_text(out, '{"reps": 3}')
    assert out.read_text() == '{"reps": 3}'
    assert os.listdir(out.parent) == ["report.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_atomic_path_failure_keeps_the_old_file_and_removes_the_temp(tmp_path: Path) -> None:
    out = tmp_path / "reps.csv"
    out.write_text("old")
    with pytest.raises(KeyError), atomic_path(out) as temp:
        assert temp.parent == tmp_path and temp.suffix == ".csv"
        temp.write_text("half")
        raise KeyError("boom")
    assert out.read_text() == "old"
    assert os.listdir(tmp_path) == ["reps.csv"]


def test_a_stop_signal_while_the_temp_file_is_made_leaves_no_file(tmp_path, monkeypatch):
    # A batch stopped with `kill` while writing its summary left a hidden .tmp file: the
    # signal (raised as an exception) arrived after the temporary file was created.
    real_close = os.close

    def interrupted_close(fd: int) -> None:
        real_close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "close", interrupted_close)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(tmp_path / "summary.json", "{}")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_a_stop_signal_as_the_temp_file_is_created_leaves_no_file(tmp_path, monkeypatch):
    # The same, one step earlier: the file exists but its name had not yet been handed back
    # (CI: `kill` left .summary.*.tmp.csv with the fix above in place).
    real_open = os.open

    def interrupted_open(*args, **kwargs) -> int:
        os.close(real_open(*args, **kwargs))
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "open", interrupted_open)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(tmp_path / "summary.csv", "a,b\n")
    with pytest.raises(KeyboardInterrupt):
        create_temp_beside(tmp_path / "clip_annotated.mp4")  # the video writer's way in
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_atomic_write_into_a_file_instead_of_a_folder_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("")
    with pytest.raises(OutputError) as caught:
        atomic_write_text(blocker / "report.json", "{}")
    assert_one_line_naming(caught.value, blocker)
