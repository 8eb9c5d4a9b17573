"""Encode RGB frames to an H.264 MP4 that plays in browsers and on phones (PyAV, libx264).

Frames keep the source's timing (variable frame rate safe). The file is written under a
temporary name in the destination folder and renamed only when complete, so a crash never
leaves a half-written video under the final name.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import cv2
import numpy as np

from formcheck.errors import OutputError
from formcheck.io.atomic import commit_temp, create_temp_beside, discard_temp

# Fine enough for any real frame rate: 30000/1001 fps is exactly 3003 ticks per frame.
TIME_BASE = Fraction(1, 90000)
# CPU per frame measured on 2 cores (640x480 / 1280x720): ultrafast 2-3 / 7-8 ms, veryfast
# 5-7 / 14-15 ms, faster 7-9 / 21 ms. Pose inference takes 15-30 ms, so ultrafast keeps the
# video cheap; veryfast gives files about half the size for twice the CPU.
DEFAULT_PRESET = "ultrafast"
DEFAULT_CRF = 23

# FFmpeg's colour tag values (libavutil/pixfmt.h).
_AVCOL_SPC_BT470BG = 5  # the BT.601 matrix
_AVCOL_RANGE_MPEG = 1  # limited ("TV") range, 16-235
_AVCOL_PRI_BT709 = 1
_AVCOL_TRC_BT709 = 1


class VideoWriter:
    """Write frames to ``path`` as H.264 (yuv420p, no B-frames) in MP4 with ``+faststart``.

    ``write(image, t)`` takes RGB uint8 of shape (height, width, 3) and the frame's time in
    seconds from the start (None: index / fps). Odd sizes lose their last row or column,
    since 4:2:0 video needs even sizes.

    With ``threaded=True`` the colour conversion and encoding run in a background thread fed
    by a queue of at most ``queue_size`` frames, so memory stays bounded; errors from the
    thread are raised by the next ``write`` or by ``close``. It only pays off when the caller
    waits without using the CPU (720p veryfast: 38 -> 24 ms per frame beside a 20 ms sleep);
    beside CPU-bound work on two cores it gains nothing, and beside pure-Python work it is
    slower, so it is off by default.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        width: int,
        height: int,
        fps: float,
        crf: int = DEFAULT_CRF,
        preset: str = DEFAULT_PRESET,
        threaded: bool = False,
        queue_size: int = 8,
    ) -> None:
        if width < 2 or height < 2:
            raise ValueError(f"video size must be at least 2x2 pixels, got {width}x{height}")
        if not fps > 0:
            raise ValueError(f"fps must be positive, got {fps}")
        self.path = Path(path)
        self.width, self.height = width, height
        self.fps = fps
        self.frames_written = 0
        self._even_size = (width - width % 2, height - height % 2)
        self._last_pts: int | None = None
        self._closed = False
        self._temp = create_temp_beside(self.path)
        try:
            self._container = av.open(
                str(self._temp), mode="w", format="mp4", options={"movflags": "+faststart"}
            )
            self._stream = self._add_h264_stream(crf, preset)
        except BaseException as error:
            discard_temp(self._temp)
            if isinstance(error, (av.FFmpegError, OSError)):
                raise self._output_error(error) from error
            raise
        self._encoder: _EncoderThread | None = None
        if threaded:
            self._encoder = _EncoderThread(self._encode_and_mux, queue_size)

    def write(self, image_rgb: np.ndarray, t: float | None = None) -> None:
        """Append one frame shown at ``t`` seconds (None: frame index / fps)."""
        if self._closed:
            raise ValueError(f"{self.path}: cannot write to a closed VideoWriter")
        expected = (self.height, self.width, 3)
        if image_rgb.shape != expected or image_rgb.dtype != np.uint8:
            raise ValueError(
                f"frame must be RGB uint8 of shape {expected}, "
                f"got {image_rgb.dtype} {image_rgb.shape}"
            )
        even_width, even_height = self._even_size
        rgb = image_rgb[:even_height, :even_width]
        pts = self._next_pts(t)
        self.frames_written += 1
        try:
            if self._encoder is not None:
                # A copy: the caller may reuse its buffer while the frame waits in the queue.
                self._encoder.put(np.array(rgb), pts)
            else:
                self._encode_and_mux(rgb, pts)
        except (av.FFmpegError, OSError) as error:  # e.g. the disk is full
            if isinstance(error, OutputError):
                raise
            raise self._output_error(error) from error

    def close(self) -> None:
        """Flush the encoder, finish the MP4 and rename it onto ``path``. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._encoder is not None:
                self._encoder.finish()
            self._mux(self._stream.encode(None))  # flush the frames x264 still holds
            self._container.close()
        except BaseException as error:
            self._abandon()
            if isinstance(error, (av.FFmpegError, OSError)):
                raise self._output_error(error) from error
            raise
        commit_temp(self._temp, self.path)

    def abort(self) -> None:
        """Stop without saving: the temporary file is deleted and ``path`` is left untouched."""
        if not self._closed:
            self._closed = True
            self._abandon()

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def _add_h264_stream(self, crf: int, preset: str) -> av.VideoStream:
        rate = Fraction(self.fps).limit_denominator(1001)
        stream = self._container.add_stream(
            "libx264", rate=rate, options={"crf": str(crf), "preset": preset}
        )
        stream.width, stream.height = self._even_size
        stream.pix_fmt = "yuv420p"  # 4:2:0 8-bit: the only H.264 flavour every browser plays
        stream.time_base = TIME_BASE
        codec = stream.codec_context
        codec.time_base = TIME_BASE  # so variable frame times are not rounded to 1/fps
        # No B-frames: with variable frame times, B-frame reordering makes the MP4 muxer
        # compute a track duration shorter than the last frame's time, and players then cut
        # the end of the video.
        codec.max_b_frames = 0
        # Tag what _encode_and_mux produces (BT.601 matrix, limited range) so that players
        # convert back to the same colours; primaries and transfer are sRGB's (BT.709).
        codec.colorspace = _AVCOL_SPC_BT470BG
        codec.color_range = _AVCOL_RANGE_MPEG
        codec.color_primaries = _AVCOL_PRI_BT709
        codec.color_trc = _AVCOL_TRC_BT709
        return stream

    def _next_pts(self, t: float | None) -> int:
        seconds = self.frames_written / self.fps if t is None else t
        pts = round(seconds / TIME_BASE)
        if self._last_pts is not None and pts <= self._last_pts:
            pts = self._last_pts + 1  # the encoder rejects repeated or backwards times
        self._last_pts = pts
        return pts

    def _encode_and_mux(self, rgb: np.ndarray, pts: int) -> None:
        # OpenCV converts about 3x faster than swscale (1.2 vs 4.5 ms at 720p) and gives
        # BT.601 limited range, as tagged in _add_h264_stream.
        yuv = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
        frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        frame.pts = pts
        frame.time_base = TIME_BASE
        self._mux(self._stream.encode(frame))

    def _mux(self, packets: list[av.Packet]) -> None:
        for packet in packets:
            self._container.mux(packet)

    def _abandon(self) -> None:
        if self._encoder is not None:
            self._encoder.cancel()
        with contextlib.suppress(av.FFmpegError, OSError):  # the file is thrown away anyway
            self._container.close()
        discard_temp(self._temp)

    def _output_error(self, error: BaseException) -> OutputError:
        reason = " ".join(str(getattr(error, "strerror", None) or error).split())
        return OutputError(
            f"Could not write the video {self.path}: {reason}. Check there is free disk space "
            f"and that {self.path.parent} is writable."
        )


class _EncoderThread:
    """Runs ``encode`` on queued frames in a background thread; the queue bounds memory."""

    _STOP = object()

    def __init__(self, encode: Callable[[np.ndarray, int], None], queue_size: int) -> None:
        self._encode = encode
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max(1, queue_size))
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="VideoWriter", daemon=True)
        self._thread.start()

    def put(self, rgb: np.ndarray, pts: int) -> None:
        self._raise_if_failed()
        self._queue.put((rgb, pts))

    def finish(self) -> None:
        """Wait until every queued frame is encoded; re-raise the thread's error if any."""
        self._queue.put(self._STOP)
        self._thread.join()
        self._raise_if_failed()

    def cancel(self) -> None:
        """Drop queued frames and stop the thread without raising."""
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._queue.put(self._STOP)
        self._thread.join()

    def _run(self) -> None:
        while (item := self._queue.get()) is not self._STOP:
            if self._error is None:  # after an error keep draining so put() never blocks
                try:
                    self._encode(*item)  # type: ignore[misc]
                except BaseException as error:  # handed to the caller's thread
                    self._error = error

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error
