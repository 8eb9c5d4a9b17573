"""Decode a clip into upright RGB frames with true timestamps, one frame at a time (PyAV).

Phone clips are stored sideways with a display matrix saying how to turn them; they are often
variable frame rate; and users send truncated uploads. So frame times come from presentation
timestamps (never index / fps), frames are rotated as the metadata says, and a decode error
after some frames ends the clip with a warning instead of losing everything.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Generator, Iterator
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from formcheck.errors import ClipNotFoundError, VideoDecodeError
from formcheck.types import Frame, VideoInfo

# A repeated or backwards timestamp is moved this far past the previous frame, so that
# t is strictly increasing and velocities stay finite.
TIMESTAMP_NUDGE_S = 1e-3
# Frame rate assumed when the container states none, only to guess times of untimed frames.
FALLBACK_FPS = 30.0
# Decoding that ends this far before the stated duration means the file was cut short.
TRUNCATION_TOLERANCE_S = 0.5
TRUNCATION_TOLERANCE_FRACTION = 0.05

_DECODE_ADVICE = "Check the file plays in a video player, or re-export it as MP4 (H.264)."


def probe(path: str | os.PathLike[str]) -> VideoInfo:
    """Read a clip's facts from its container, decoding only its first frame (for rotation).

    Raises ClipNotFoundError if the path does not exist and VideoDecodeError if it is not a
    readable video.
    """
    return _read_info(_checked_path(path), max_side=None)


class VideoReader:
    """Iterate over a clip's frames: ``Frame(index, t, image)``, image upright RGB uint8.

    Frames are decoded lazily, so memory does not grow with clip length. Iterating again
    decodes the file again from the start. ``warnings`` lists problems met during the most
    recent iteration (a truncated file, repaired timestamps), in words for the user.
    """

    def __init__(self, path: str | os.PathLike[str], *, max_side: int | None = None) -> None:
        if max_side is not None and max_side < 1:
            raise ValueError(f"max_side must be a positive number of pixels, got {max_side}")
        self.path = _checked_path(path)
        self.max_side = max_side
        # ``info`` describes the frames as delivered (scaled to ``max_side``), ``source_info``
        # the clip as stored and shown (a 4K clip is 3840x2160 there, whatever max_side is).
        self.source_info = _read_info(self.path, None)
        self.info = _scaled_info(self.source_info, max_side)
        self.warnings: list[str] = []
        self._iterations: list[Generator[Frame, None, None]] = []

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()

    def frames(self, start: int = 0) -> Iterator[Frame]:
        """The frames from index ``start`` on. Earlier frames are decoded (their times come
        from the stream, in order) but not converted, which costs a small part of a frame."""
        iteration = self._frames(start)
        # Remember unfinished iterations only, so that close() can release their files.
        self._iterations = [it for it in self._iterations if it.gi_frame is not None]
        self._iterations.append(iteration)
        return iteration

    def close(self) -> None:
        """Stop any unfinished iteration and release its file."""
        for iteration in self._iterations:
            iteration.close()
        self._iterations.clear()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _frames(self, start: int = 0) -> Generator[Frame, None, None]:
        self.warnings = []
        info = self.info
        with _open_container(self.path) as container:
            stream = _video_stream(container, self.path)
            stated_end_s = _stated_end_s(container, stream)
            decoded = _DecodedFrames(container, stream)
            to_image = _ImageConverter(stream, info.rotation_deg, self.max_side)
            timeline = _Timeline(1.0 / info.fps if info.fps > 0 else 1.0 / FALLBACK_FPS)
            index = -1
            for index, av_frame in enumerate(decoded):
                t = timeline.time_of(av_frame)
                if index >= start:
                    yield Frame(index=index, t=t, image=to_image(av_frame))
        if index < 0:
            raise _unreadable(self.path, decoded.error or "no frame could be decoded")
        self.warnings.extend(self._problems(decoded, timeline, stated_end_s))

    def _problems(
        self, decoded: _DecodedFrames, timeline: _Timeline, stated_end_s: float | None
    ) -> list[str]:
        problems = []
        # Compared in stream time, since a stream may start after 0.
        end_s = timeline.origin_s + timeline.last_t + timeline.step_s  # last frame lasts a step
        cut_short = stated_end_s is not None and stated_end_s - end_s > max(
            TRUNCATION_TOLERANCE_S, TRUNCATION_TOLERANCE_FRACTION * stated_end_s
        )
        if decoded.error is not None or cut_short:
            expected_s = self.info.duration_s
            of_total = f" of {expected_s:.2f} s" if expected_s is not None else ""
            because = f" ({decoded.error})" if decoded.error is not None else ""
            problems.append(
                f"{self.path}: decoding stopped at {timeline.last_t:.2f} s{of_total}{because}: "
                "the file looks truncated or corrupt; the frames before that point were analysed."
            )
        if timeline.guessed:
            problems.append(
                f"{self.path}: {timeline.guessed} frame(s) had no timestamp; their times were "
                f"interpolated at {1 / timeline.step_s:.3g} frames per second."
            )
        if timeline.nudged:
            problems.append(
                f"{self.path}: {timeline.nudged} frame(s) had a repeated or out-of-order "
                f"timestamp; each was moved {TIMESTAMP_NUDGE_S * 1000:g} ms after the frame "
                "before it."
            )
        return problems


class _DecodedFrames:
    """Decoded PyAV frames of one stream; stops at the first error and keeps its reason.

    If nothing at all decodes, the error is raised by the caller as VideoDecodeError.
    """

    def __init__(self, container: av.container.InputContainer, stream: av.VideoStream) -> None:
        self._container = container
        self._stream = stream
        self.error: str | None = None

    def __iter__(self) -> Iterator[av.VideoFrame]:
        try:
            for packet in self._container.demux(self._stream):
                yield from packet.decode()
        except (av.FFmpegError, OSError) as error:
            self.error = _reason(error)
            # Frames already inside the decoder are intact: drain them so none is lost.
            with contextlib.suppress(av.FFmpegError, OSError):
                yield from self._stream.codec_context.decode(None)


class _ImageConverter:
    """PyAV frame -> RGB uint8 array, downscaled and rotated upright, C-contiguous."""

    def __init__(self, stream: av.VideoStream, rotation_cw: int, max_side: int | None) -> None:
        width, height = stream.codec_context.width, stream.codec_context.height
        self.size = _scaled_size(width, height, max_side)  # still in the stored orientation
        self._quarter_turns_cw = rotation_cw // 90
        # Kept for the whole clip: frame.reformat() would set up a new scaler for every frame,
        # which costs about as much as the conversion itself.
        self._scaler = VideoReformatter()
        self._to_rgb = VideoReformatter()

    def __call__(self, frame: av.VideoFrame) -> np.ndarray:
        if (frame.width, frame.height) != self.size:
            # Scale in the stored pixel format (YUV 4:2:0 is half the bytes of RGB) before
            # converting: about twice as fast as converting then scaling. AREA averages source
            # pixels, so downscaling does not alias. This also keeps one size if a stream
            # changes resolution midway.
            width, height = self.size
            frame = self._scaler.reformat(frame, width=width, height=height, interpolation="AREA")
        # The source's colour matrix and range tags are honoured (BT.709 for HD phone clips).
        image = self._to_rgb.reformat(frame, format="rgb24").to_ndarray()
        if self._quarter_turns_cw:
            image = np.rot90(image, k=-self._quarter_turns_cw)  # negative k turns clockwise
        # PyAV returns a strided view when a row is padded (width*3 not a multiple of the
        # alignment) and rot90 returns a view; MediaPipe silently finds nothing in those.
        return np.ascontiguousarray(image)


class _Timeline:
    """Seconds since the first frame, from presentation timestamps, strictly increasing."""

    def __init__(self, step_s: float) -> None:
        self.step_s = step_s
        self.last_t = 0.0
        self.nudged = 0
        self.guessed = 0
        self.origin_s = 0.0  # stream time of t = 0, known from the first timed frame
        self._timed = False
        self._count = 0

    def time_of(self, frame: av.VideoFrame) -> float:
        stamp = frame.pts if frame.pts is not None else frame.dts
        guessed = self.last_t + self.step_s if self._count else 0.0
        if stamp is None or frame.time_base is None:
            t = guessed  # untimed frame: one nominal step after the previous one
            self.guessed += 1
        else:
            stream_s = float(stamp * Fraction(frame.time_base))
            if not self._timed:
                # The first timed frame fixes the origin; untimed frames before it keep
                # their guessed times.
                self.origin_s = stream_s - guessed
                self._timed = True
            t = stream_s - self.origin_s
        if self._count and t <= self.last_t:
            t = self.last_t + TIMESTAMP_NUDGE_S
            self.nudged += 1
        self.last_t = t
        self._count += 1
        return t


def _scaled_info(info: VideoInfo, max_side: int | None) -> VideoInfo:
    """``info`` with the size frames have once scaled to fit ``max_side`` (rotation applied:
    the longest side is the same either way)."""
    width, height = _scaled_size(info.width, info.height, max_side)
    return replace(info, width=width, height=height)


def _read_info(path: Path, max_side: int | None) -> VideoInfo:
    with _open_container(path) as container:
        stream = _video_stream(container, path)
        decoded = _DecodedFrames(container, stream)
        frames = iter(decoded)
        first = next(frames, None)
        frames.close()  # type: ignore[attr-defined]  # before the container closes
        if first is None:
            raise _unreadable(path, decoded.error or "no frame could be decoded")
        rotation = _rotation_cw(first, stream)
        width, height = _scaled_size(
            stream.codec_context.width, stream.codec_context.height, max_side
        )
        if rotation in (90, 270):
            width, height = height, width
        duration_s = _duration_s(container, stream)
        frame_count = stream.frames if stream.frames > 0 else None
        return VideoInfo(
            path=str(path),
            width=width,
            height=height,
            fps=_average_fps(stream, frame_count, duration_s),
            frame_count=frame_count,
            duration_s=duration_s,
            rotation_deg=rotation,
            codec=stream.codec_context.name,
        )


def _checked_path(path: str | os.PathLike[str]) -> Path:
    clip = Path(path)
    if not clip.exists():
        raise ClipNotFoundError(f"{clip}: no such file. Check the path and the file name.")
    if clip.is_dir():
        raise VideoDecodeError(f"{clip} is a folder, not a video. Pass the path of a video file.")
    return clip


def _open_container(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path), mode="r")
    except PermissionError as error:
        raise VideoDecodeError(
            f"{path} cannot be read: {_reason(error)}. Check the file's permissions."
        ) from error
    except (av.FFmpegError, OSError) as error:
        raise _unreadable(path, _reason(error)) from error


def _video_stream(container: av.container.InputContainer, path: Path) -> av.VideoStream:
    for stream in container.streams.video:
        # An attached picture is a still (album art), not the video.
        if not stream.disposition & av.stream.Disposition.attached_pic:
            # PyAV's default is slice threads only, which do nothing for the usual one-slice
            # phone clips; frame threads decode ahead while the caller runs pose inference.
            stream.codec_context.thread_type = "AUTO"
            return stream
    raise VideoDecodeError(
        f"{path} has no video stream (is it an audio file or a still image?). "
        "Pass a video file, e.g. MP4 or MOV."
    )


def _rotation_cw(frame: av.VideoFrame, stream: av.VideoStream) -> int:
    """Clockwise quarter turns (0, 90, 180, 270) that show the stored frames upright."""
    # PyAV 14.1+ reads the frame's display matrix (rotation in degrees, counter-clockwise).
    counterclockwise = getattr(frame, "rotation", None)
    if counterclockwise is not None:
        clockwise = -float(counterclockwise)
    else:
        # Older FFmpeg exposed the matrix as a clockwise ``rotate`` tag.
        try:
            clockwise = float(stream.metadata.get("rotate", 0))
        except ValueError:
            clockwise = 0.0
    return int(round(clockwise / 90.0)) % 4 * 90


def _scaled_size(width: int, height: int, max_side: int | None) -> tuple[int, int]:
    if max_side is None or max(width, height) <= max_side:
        return width, height
    scale = max_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _duration_s(container: av.container.InputContainer, stream: av.VideoStream) -> float | None:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:  # microseconds, possibly including other streams
        return container.duration / av.time_base
    return None


def _stated_end_s(container: av.container.InputContainer, stream: av.VideoStream) -> float | None:
    """Stream time at which the container says the video ends (None if it does not say)."""
    if stream.duration and stream.time_base:
        return float(((stream.start_time or 0) + stream.duration) * stream.time_base)
    if container.duration:  # microseconds
        return ((container.start_time or 0) + container.duration) / av.time_base
    return None


def _average_fps(
    stream: av.VideoStream, frame_count: int | None, duration_s: float | None
) -> float:
    for rate in (stream.average_rate, stream.guessed_rate):
        if rate:
            return float(rate)
    if frame_count and duration_s:
        return frame_count / duration_s
    return FALLBACK_FPS


def _unreadable(path: Path, reason: str) -> VideoDecodeError:
    return VideoDecodeError(f"{path} is not a readable video: {reason}. {_DECODE_ADVICE}")


def _reason(error: BaseException) -> str:
    """A short one-line reason: FFmpeg's strerror without the errno and file name."""
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return " ".join(str(reason).split()).rstrip(".")
