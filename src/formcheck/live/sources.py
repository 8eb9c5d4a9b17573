"""Frame sources for live feedback: a camera, a stream URL, or a video file played at real pace.

Pose inference on a 2-core machine is slower than a camera's 30 frames per second. So a
background thread keeps reading and only the newest frame waits for the consumer: when the
consumer falls behind, older frames are overwritten (dropped) instead of queued, and latency
stays about one frame however long the session lasts. A video file goes through the same
hand-off, each frame published at its presentation time, so a clip can stand in for the camera
in tests and benchmarks.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

import cv2
import numpy as np

from formcheck.errors import CameraError
from formcheck.io.video_reader import VideoReader

DEFAULT_MAX_SIDE = 640
# Asked of cameras; most webcams give 30 at their default 640x480.
REQUESTED_FPS = 30.0
# Assumed when a camera does not say (OpenCV gives 0), or says something absurd.
FALLBACK_FPS = 30.0
MAX_PLAUSIBLE_FPS = 240.0
# A busy camera on Linux opens fine and then never delivers: give up on it after this long.
FIRST_FRAME_TIMEOUT_S = 3.0
# Network streams take longer to connect and to send their first key frame.
STREAM_FIRST_FRAME_TIMEOUT_S = 10.0
STREAM_OPEN_TIMEOUT_MS = 10_000
STREAM_READ_TIMEOUT_MS = 5_000
# read() failing for this long after frames have come means the camera is gone.
LOST_AFTER_S = 2.0
# Pause between failed reads, so an unplugged camera does not spin a core.
RETRY_PAUSE_S = 0.01
# close() waits this long for the thread; one stuck inside a driver call is left to finish.
JOIN_TIMEOUT_S = 2.0
# After a camera sent nothing at all its thread is likely stuck in the driver: wait less.
FAILED_START_JOIN_TIMEOUT_S = 0.2


class CameraLostError(CameraError):
    """A camera or stream that had been sending frames stopped sending them."""


@dataclass(frozen=True, eq=False)  # eq=False: comparing images element-wise is never meant
class LiveFrame:
    """One frame handed to the consumer.

    ``index`` counts the frames the source has offered, from 0, so a gap between two
    consecutive frames a consumer receives is the number of frames dropped. ``t`` is seconds
    since the first frame (camera: wall time; file: presentation time). ``image`` is upright
    RGB uint8, C-contiguous, longest side at most the source's ``max_side``. ``captured_at``
    is the ``time.perf_counter()`` instant the frame became available, to measure latency.
    """

    index: int
    t: float
    image: np.ndarray
    captured_at: float


@dataclass(frozen=True)
class _Offer:
    """The newest frame waiting for the consumer, its image still in the source's format."""

    index: int
    t: float
    captured_at: float
    payload: np.ndarray


class FrameSource(ABC):
    """A background thread produces frames; ``next_frame`` hands over the newest one.

    Use as a context manager (``__enter__`` starts, ``__exit__`` closes) or call ``start``
    and ``close``. ``offered`` counts the frames produced, ``returned`` those handed over and
    ``dropped`` the rest (including, mid-session, one still waiting to be taken).
    """

    description: str  # for messages: "camera 0", "clip.mp4 (played at real pace)", a URL
    fps: float  # nominal frames per second
    frame_size: tuple[int, int]  # (width, height) of the delivered images

    def __init__(self, description: str, fps: float, frame_size: tuple[int, int]) -> None:
        self.description = description
        self.fps = fps
        self.frame_size = frame_size
        self.offered = 0
        self.returned = 0
        self._cond = threading.Condition()
        self._offer: _Offer | None = None
        self._last_returned = -1
        self._ended = False  # no frame will come after the one on offer
        self._error: BaseException | None = None  # from the thread, raised by next_frame
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._released = False

    @property
    def dropped(self) -> int:
        """Frames offered but never handed to the consumer."""
        return self.offered - self.returned

    @property
    def running(self) -> bool:
        """The capture thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the capture thread. Does nothing if it was already started."""
        if self._closed:
            raise RuntimeError(f"{self.description}: the source is closed and cannot restart")
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._run_guarded, name=f"FrameSource({self.description})", daemon=True
        )
        self._thread.start()
        self._after_start()

    def next_frame(self, timeout: float = 2.0) -> LiveFrame | None:
        """Wait for a frame newer than the last one returned, and return the newest.

        Returns None once the source has ended (end of file, or closed). Raises what stopped
        the thread, e.g. ``CameraLostError`` when a camera stops sending frames: nothing for
        about ``timeout`` seconds, or reads that keep failing. A file is never late: its
        thread may wait longer than ``timeout`` between frames when its pacing says so.
        """
        if self._thread is None and not self._closed:
            self.start()
        offer = self._take(timeout)
        if offer is None:
            return None
        return LiveFrame(
            index=offer.index,
            t=offer.t,
            image=self._to_image(offer.payload),  # here, so dropped frames cost no conversion
            captured_at=offer.captured_at,
        )

    def close(self) -> None:
        """Stop the thread and release the device or file. Safe to call more than once."""
        self._shutdown(JOIN_TIMEOUT_S)

    def __enter__(self) -> FrameSource:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.description}>"

    # ------------------------------------------------------------------ for subclasses

    @abstractmethod
    def _run(self) -> None:
        """Produce frames with ``_publish`` until done or ``self._stop`` is set."""

    @abstractmethod
    def _release(self) -> None:
        """Release the device or file. Called once, from the thread if it was started."""

    def _after_start(self) -> None:
        """Called by ``start`` once the thread runs (a camera waits for its first frame)."""
        return None

    def _to_image(self, payload: np.ndarray) -> np.ndarray:
        """The published payload as upright RGB uint8, C-contiguous, within max_side."""
        return payload

    def _stalled(self, timeout: float) -> BaseException | None:
        """No frame came within ``timeout``: the error to raise, or None to keep waiting."""
        return None

    def _publish(self, t: float, captured_at: float, payload: np.ndarray) -> None:
        """Offer a frame, replacing (dropping) one the consumer has not taken yet."""
        with self._cond:
            self._offer = _Offer(self.offered, t, captured_at, payload)
            self.offered += 1
            self._cond.notify_all()

    # ------------------------------------------------------------------ internals

    def _run_guarded(self) -> None:
        try:
            self._run()
        except BaseException as error:  # handed to the consumer's thread by next_frame
            with self._cond:
                self._error = error
        finally:
            self._release_once()
            with self._cond:
                self._ended = True
                self._cond.notify_all()

    def _release_once(self) -> None:
        if not self._released:
            self._released = True
            self._release()

    def _shutdown(self, join_timeout: float) -> None:
        """close(), waiting at most ``join_timeout`` seconds for the thread."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        with self._cond:
            self._ended = True
            self._cond.notify_all()  # wakes a consumer waiting in next_frame
        thread = self._thread
        if thread is None:
            self._release_once()
        elif thread is not threading.current_thread():
            # The thread releases what it owns on its way out; one stuck inside a driver
            # call is a daemon and does so when the call returns.
            thread.join(join_timeout)

    def _take(self, timeout: float) -> _Offer | None:
        deadline = time.perf_counter() + timeout
        with self._cond:
            while True:
                offer = self._offer
                # Frames already delivered are handed over before an error or the end.
                if offer is not None and offer.index > self._last_returned:
                    self._last_returned = offer.index
                    self.returned += 1
                    return offer
                if self._error is not None:
                    raise self._error
                if self._ended:
                    return None
                remaining = deadline - time.perf_counter()
                if remaining > 0:
                    self._cond.wait(remaining)
                    continue
                error = self._stalled(timeout)
                if error is not None:
                    self._error = error  # sticky: the source is unusable from now on
                    raise error
                deadline = time.perf_counter() + timeout


class CameraSource(FrameSource):
    """A webcam (OpenCV device index) or a network stream (URL), read by a thread nonstop.

    Opening happens here, so a missing camera fails at once with ``CameraError``; ``start``
    waits up to ``first_frame_timeout`` seconds for a first frame, since a camera held by
    another program often opens and then sends nothing.
    """

    def __init__(
        self,
        device: int | str,
        *,
        max_side: int = DEFAULT_MAX_SIDE,
        first_frame_timeout: float | None = None,
        lost_after: float | None = None,
    ) -> None:
        if max_side < 1:
            raise ValueError(f"max_side must be a positive number of pixels, got {max_side}")
        self.device = device
        self.max_side = max_side
        self._is_stream = isinstance(device, str)
        description = _redacted(device) if isinstance(device, str) else f"camera {device}"
        if first_frame_timeout is None:
            first_frame_timeout = (
                STREAM_FIRST_FRAME_TIMEOUT_S if self._is_stream else FIRST_FRAME_TIMEOUT_S
            )
        self.first_frame_timeout = first_frame_timeout
        self.lost_after = LOST_AFTER_S if lost_after is None else lost_after
        self._cap = _open_capture(device, description)
        fps, size = _negotiate(self._cap, configure=not self._is_stream)
        super().__init__(description, fps, _scaled_size(*size, max_side))

    def _run(self) -> None:
        cap = self._cap
        first_at: float | None = None
        last_t = -math.inf
        last_good = time.perf_counter()
        while not self._stop.is_set():
            try:
                ok, bgr = cap.read()
            except cv2.error as error:
                raise self._read_error(_one_line(error)) from error
            now = time.perf_counter()
            if self._stop.is_set():
                break
            if ok and bgr is not None and bgr.size:
                first_at = now if first_at is None else first_at
                # perf_counter never goes back; the nudge only guards against equal readings.
                last_t = max(now - first_at, last_t + 1e-6)
                self._publish(last_t, now, bgr)
                last_good = now
            elif self.offered and now - last_good > self.lost_after:
                raise self._lost_error()
            else:
                self._stop.wait(RETRY_PAUSE_S)

    def _after_start(self) -> None:
        deadline = time.perf_counter() + self.first_frame_timeout
        with self._cond:
            while self.offered == 0 and not self._ended:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            offer, error = self._offer, self._error
        if offer is not None:
            height, width = offer.payload.shape[:2]
            self.frame_size = _scaled_size(width, height, self.max_side)
            return
        self._shutdown(FAILED_START_JOIN_TIMEOUT_S)
        if error is not None and not isinstance(error, CameraError):
            raise error  # a bug, not the camera: keep its traceback
        raise CameraError(self._no_frames_message()) from error

    def _release(self) -> None:
        self._cap.release()

    def _to_image(self, payload: np.ndarray) -> np.ndarray:
        return _bgr_to_rgb(payload, self.max_side)

    def _stalled(self, timeout: float) -> BaseException | None:
        return self._lost_error()

    def _lost_error(self) -> CameraLostError:
        if self._is_stream:
            why = "network down or stream ended?"
        else:
            why = "unplugged or taken by another program?"
        return CameraLostError(
            f"{self.description} stopped sending frames ({why}): the session so far is kept"
        )

    def _read_error(self, reason: str) -> CameraError:
        if self.offered:
            return CameraLostError(f"{self._lost_error()} (OpenCV: {reason})")
        return CameraError(f"{self._no_frames_message()} (OpenCV: {reason})")

    def _no_frames_message(self) -> str:
        if self._is_stream:
            return (
                f"{self.description} opened but sends no frames: check the address and that "
                "the stream plays in a video player such as VLC"
            )
        return (
            f"{self.description} opened but sends no frames: it is probably in use by another "
            "program (close other video apps such as a browser tab, Zoom or Teams, and try "
            f"again), or pick another with --camera {_other_index(self.device)}"
        )


class FileSource(FrameSource):
    """A video file played at its real pace, standing in for a camera.

    The thread decodes with ``VideoReader`` and publishes each frame when ``perf_counter``
    reaches its presentation time (divided by ``speed``), so a slow consumer drops frames as
    it would with a camera. ``loop`` replays the file with ``index`` and ``t`` still rising.
    ``warnings`` receives the reader's warnings (a truncated file...) once a pass ends.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        max_side: int = DEFAULT_MAX_SIDE,
        speed: float = 1.0,
        loop: bool = False,
    ) -> None:
        if not speed > 0:
            raise ValueError(f"speed must be positive, got {speed}")
        # Raises ClipNotFoundError or VideoDecodeError, with the reader's one-line messages.
        self._reader = VideoReader(path, max_side=max_side)
        self.path = self._reader.path
        self.speed = speed
        self.loop = loop
        self.warnings: list[str] = []
        info = self._reader.info
        pace = "real pace" if speed == 1 else f"{speed:g}x real pace"
        super().__init__(
            f"{self.path.name} (played at {pace})", info.fps, (info.width, info.height)
        )

    def _run(self) -> None:
        clock_zero: float | None = None  # the perf_counter instant of t = 0
        offset = 0.0  # added to t on each replay, so t keeps rising
        while True:
            last_t = None
            for frame in self._reader:
                t = offset + frame.t
                if clock_zero is None:
                    # From the first decoded frame, so opening the file does not make frames late.
                    clock_zero = time.perf_counter() - t / self.speed
                due = clock_zero + t / self.speed
                if self._stop.wait(max(0.0, due - time.perf_counter())):
                    return
                self._publish(t, due, frame.image)
                last_t = t
            if not self.warnings:
                self.warnings.extend(self._reader.warnings)
            if not self.loop or last_t is None:
                return
            offset = last_t + 1.0 / self.fps  # the last frame lasts one nominal step

    def _release(self) -> None:
        self._reader.close()


def open_source(
    spec: str | int | os.PathLike[str], *, max_side: int = DEFAULT_MAX_SIDE
) -> FrameSource:
    """The source ``--camera`` names: a camera number, a stream URL, or a video file.

    "0", "1" or 0 open a camera; text with "://" a stream; an existing path (or one that looks
    like a file name, so a typo gets the reader's "no such file") a file played at real pace.
    The source is opened but not started: use it in a ``with`` block.
    """
    if isinstance(spec, int) and not isinstance(spec, bool):
        return CameraSource(spec, max_side=max_side)
    if isinstance(spec, os.PathLike):
        return FileSource(spec, max_side=max_side)
    text = str(spec).strip()
    if text.isascii() and text.isdigit():  # a camera number wins over a file called "0"
        return CameraSource(int(text), max_side=max_side)
    if "://" in text:
        return CameraSource(text, max_side=max_side)
    path = Path(text).expanduser()
    if text and (path.exists() or path.suffix or "/" in text or os.sep in text):
        return FileSource(path, max_side=max_side)
    raise CameraError(
        f"no camera or file called {text!r}: give a camera number (0 is the usual webcam), "
        "a video file, or a stream URL"
    )


# ---------------------------------------------------------------------- OpenCV helpers


def _open_capture(device: int | str, description: str) -> cv2.VideoCapture:
    """An opened ``cv2.VideoCapture``, or ``CameraError`` saying what to do."""
    if isinstance(device, str):
        # FFmpeg's own defaults can wait for minutes on an unreachable host.
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            STREAM_OPEN_TIMEOUT_MS,
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            STREAM_READ_TIMEOUT_MS,
        ]
    else:
        params = []
    cap = None
    # A backend that throws is reported below like any device that does not open.
    with _quiet_opencv(), contextlib.suppress(cv2.error):
        cap = cv2.VideoCapture(device, cv2.CAP_ANY, params)
    if cap is not None and cap.isOpened():
        return cap
    if cap is not None:
        cap.release()
    if isinstance(device, str):
        raise CameraError(
            f"could not open the stream {description}: check the address, that the stream is "
            "running, and that it plays in a video player such as VLC"
        )
    raise CameraError(
        f"could not open camera {device}: no camera there, or another program is using it "
        f"(close other video apps, or pick another with --camera {_other_index(device)})"
    )


@contextlib.contextmanager
def _quiet_opencv() -> Iterator[None]:
    """Silence OpenCV's log while probing backends: our one-line error says it better.

    Without this, a missing camera prints a dozen WARN/ERROR lines (V4L2, FFmpeg, Orbbec)
    above the message.
    """
    logging = getattr(getattr(cv2, "utils", None), "logging", None)
    if logging is None:
        yield
        return
    previous = logging.getLogLevel()
    logging.setLogLevel(logging.LOG_LEVEL_SILENT)
    try:
        yield
    finally:
        logging.setLogLevel(previous)


def _negotiate(cap: cv2.VideoCapture, *, configure: bool) -> tuple[float, tuple[int, int]]:
    """Ask a camera for 30 fps and a one-frame buffer; return its fps and (width, height)."""
    if configure:
        # Requests only: backends that cannot honour them return False. The buffer of one
        # frame helps where supported; the thread reading nonstop is what keeps frames fresh.
        cap.set(cv2.CAP_PROP_FPS, REQUESTED_FPS)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
    fps = cap.get(cv2.CAP_PROP_FPS)
    if not (math.isfinite(fps) and 0 < fps <= MAX_PLAUSIBLE_FPS):
        fps = FALLBACK_FPS
    width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH) or 0)
    height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0)
    return float(fps), (max(width, 0), max(height, 0))  # 0x0 until the first frame says


def _bgr_to_rgb(image: np.ndarray, max_side: int) -> np.ndarray:
    """OpenCV's BGR (or grey, or BGRA) frame as RGB uint8, downscaled to fit ``max_side``."""
    height, width = image.shape[:2]
    size = _scaled_size(width, height, max_side)
    if size != (width, height):
        # Scale first, so the colour conversion works on fewer pixels; AREA does not alias.
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    if image.ndim == 2 or image.shape[2] == 1:
        code = cv2.COLOR_GRAY2RGB
    elif image.shape[2] == 4:
        code = cv2.COLOR_BGRA2RGB
    else:
        code = cv2.COLOR_BGR2RGB
    return np.ascontiguousarray(cv2.cvtColor(image, code))


def _scaled_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """(width, height) shrunk to fit ``max_side``, aspect kept; unchanged if it fits."""
    if max(width, height) <= max_side:
        return width, height
    scale = max_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _other_index(index: int | str) -> int:
    """Another camera number to suggest: 1 after 0, else 0."""
    return 1 if index == 0 else 0


def _redacted(url: str) -> str:
    """The URL without its password, so messages and logs do not show it."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.hostname or ""
        if ":" in host:  # IPv6 literals keep their brackets
            host = f"[{host}]"
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
    except ValueError:  # a malformed port, say: show it as given
        return url


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
