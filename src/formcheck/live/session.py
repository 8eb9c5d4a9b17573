"""The live loop: newest frame -> pose -> analysis -> overlay -> window, recording, voice.

One thread does the work frame by frame; the frame source reads the camera in its own thread
and keeps only the newest frame, so when a frame takes too long the next one processed is
the freshest, never a queue of stale ones. Latency is measured from the moment a frame was
captured to the moment its overlay is drawn.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from formcheck.live.display import NoDisplay, WindowDisplay
from formcheck.live.engine import LiveAnalyzer, LiveEvent
from formcheck.live.recorder import SessionRecorder, session_report
from formcheck.live.sources import CameraLostError, FrameSource, LiveFrame
from formcheck.live.voice import CueScheduler
from formcheck.pose.estimator import PoseEstimator
from formcheck.render.overlay import draw_note, draw_overlay
from formcheck.types import Report, VideoInfo

# How long to wait for a frame before asking the source whether it is lost.
FRAME_TIMEOUT_S = 2.0
# Timings are counted in 0.1 ms bins up to 10 s (the last bin holds anything slower): the
# percentiles to a tenth of a millisecond, in the same 800 KB for a minute or a day.
TIMING_BIN_MS = 0.1
TIMING_BINS = 100_000


class Timings:
    """A histogram of durations in milliseconds: memory does not grow with the session."""

    def __init__(self) -> None:
        self._counts = np.zeros(TIMING_BINS, dtype=np.int64)
        self.count = 0

    def append(self, ms: float) -> None:
        self._counts[min(int(max(ms, 0.0) / TIMING_BIN_MS), TIMING_BINS - 1)] += 1
        self.count += 1

    def __len__(self) -> int:
        return self.count

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile (the middle of its bin); NaN before any timing."""
        if not self.count:
            return float("nan")
        rank = int(np.ceil(q / 100 * self.count))
        k = int(np.searchsorted(np.cumsum(self._counts), max(rank, 1)))
        return (k + 0.5) * TIMING_BIN_MS


@dataclass
class SessionStats:
    offered: int = 0  # frames the source produced
    processed: int = 0  # frames that went through pose, analysis and drawing
    latency_ms: Timings = field(default_factory=Timings)  # capture -> overlay drawn
    work_ms: Timings = field(default_factory=Timings)  # pose + analysis + drawing
    started: float = field(default_factory=time.perf_counter)
    ended: float | None = None

    @property
    def duration_s(self) -> float:
        return (self.ended or time.perf_counter()) - self.started

    def summary(self) -> dict[str, float]:
        return {
            "frames_offered": self.offered,
            "frames_processed": self.processed,
            "processed_fraction": self.processed / self.offered if self.offered else 0.0,
            "latency_p50_ms": self.latency_ms.percentile(50),
            "latency_p95_ms": self.latency_ms.percentile(95),
            "work_p50_ms": self.work_ms.percentile(50),
            "work_p95_ms": self.work_ms.percentile(95),
        }


@dataclass
class SessionResult:
    reason: str  # "quit" | "ended" (the file ran out) | "interrupted" | "camera_lost"
    report: Report
    stats: SessionStats
    message: str = ""  # for "camera_lost": what happened, in words


class LiveSession:
    """Runs one session; ``run()`` returns when the user quits, the source ends, Ctrl-C is
    pressed or the camera is lost, and always finishes the recording first."""

    def __init__(
        self,
        source: FrameSource,
        estimator: PoseEstimator,
        analyzer: LiveAnalyzer,
        *,
        display: WindowDisplay | NoDisplay | None = None,
        recorder: SessionRecorder | None = None,
        voice: CueScheduler | None = None,
        on_event: Callable[[LiveEvent], None] = lambda event: None,
        model_name: str = "",
    ) -> None:
        self.source = source
        self.estimator = estimator
        self.analyzer = analyzer
        self.display = display or NoDisplay()
        self.recorder = recorder
        if recorder is not None:
            recorder.follow(analyzer)
        self.voice = voice
        self.on_event = on_event
        self.model_name = model_name or estimator.model_name
        self.stats = SessionStats()
        self.paused = False
        self._last_image: np.ndarray | None = None

    def run(self) -> SessionResult:
        reason, message = "ended", ""
        try:
            reason = self._loop()
        except KeyboardInterrupt:
            reason = "interrupted"
        except CameraLostError as lost:
            reason, message = "camera_lost", str(lost)
        finally:
            self.stats.ended = time.perf_counter()
            self.stats.offered = self.source.offered
            report = self._finish()
            self.display.close()
            if self.voice is not None:
                self.voice.close()
        return SessionResult(reason, report, self.stats, message)

    # --- the loop -------------------------------------------------------------------------

    def _loop(self) -> str:
        while True:
            frame = self.source.next_frame(timeout=FRAME_TIMEOUT_S)
            if frame is None:
                return "ended"
            image = self._paused_image() if self.paused else self._process(frame)
            action = self.display.show(image)
            if self.voice is not None:
                self.voice.tick()
            if action == "quit":
                return "quit"
            if action == "pause":
                self.paused = not self.paused
                if self.paused:
                    for event in self.analyzer.pause(frame.t):
                        self._emit(event)
            elif action == "reset":
                for event in self.analyzer.reset_count(frame.t):
                    self._emit(event)

    def _process(self, frame: LiveFrame) -> np.ndarray:
        began = time.perf_counter()
        people = self.estimator.detect(frame.image, int(round(frame.t * 1000)))
        update = self.analyzer.update(frame.t, people[0] if people else None)
        image = frame.image
        height, width = image.shape[:2]
        pixels = update.image_xy * (width, height) if update.image_xy is not None else None
        back = update.back_xy * (width, height) if update.back_xy is not None else None
        draw_overlay(
            image, pixels, update.visibility, update.state, back=back, back_flag=update.back_flag
        )
        done = time.perf_counter()
        self.stats.processed += 1
        self.stats.latency_ms.append(1000 * (done - frame.captured_at))
        self.stats.work_ms.append(1000 * (done - began))
        if self.recorder is not None:
            self.recorder.write(image, frame.t)
        for event in update.events:
            self._emit(event)
        self._last_image = image
        return image

    def _paused_image(self) -> np.ndarray:
        """The last processed frame, dimmed, with a note: nothing is analysed or recorded."""
        if self._last_image is None:
            return np.zeros((*self.source.frame_size[::-1], 3), np.uint8)
        image = (self._last_image // 2).astype(np.uint8)
        return draw_note(image, "PAUSED: press p or space to go on")

    def _emit(self, event: LiveEvent) -> None:
        self.on_event(event)
        if self.voice is not None:
            if event.kind == "rep":
                self.voice.rep(int(event.cue))
            elif event.kind == "fault":
                self.voice.fault(event.cue)
            elif event.kind == "verdict" and event.rep is not None:
                for fault in event.rep.faults:
                    self.voice.fault(fault.cue)
            elif event.kind == "setup":
                self.voice.say(event.cue)
        if event.kind == "verdict" and self.recorder is not None:
            self.recorder.save_report(self._report())

    # --- the end --------------------------------------------------------------------------

    def _report(self) -> Report:
        stats = self.stats.summary()
        dropped = stats["frames_offered"] - stats["frames_processed"]
        warnings = []
        if dropped > 0:
            warnings.append(
                f"{dropped} of {stats['frames_offered']} camera frames were skipped to keep "
                "up (the newest frame is always the one analysed)"
            )
        return session_report(self.analyzer, self._info(), self.model_name, warnings=warnings)

    def _info(self) -> VideoInfo:
        width, height = self.source.frame_size
        history = self.analyzer.buffer  # frames of the whole session, recent ones held
        n = history.n
        duration = float(history.times[-1] - history.start_time) if n > 1 else 0.0
        return VideoInfo(
            path=self.source.description,
            width=width,
            height=height,
            fps=round((n - 1) / duration, 2) if duration > 0 else self.source.fps,
            frame_count=n,
            duration_s=round(duration, 3),
            rotation_deg=0,
            codec="live",
        )

    def _finish(self) -> Report:
        for event in self.analyzer.finish():
            self._emit(event)
        report = self._report()
        if self.recorder is not None:
            report = self.recorder.finish(report, self.analyzer)
        return report


def record_folder(root: Path) -> Path:
    """A new folder per session under ``root``, so no session overwrites another."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = Path(root) / f"session-{stamp}"
    k = 2
    while folder.exists():
        folder = Path(root) / f"session-{stamp}-{k}"
        k += 1
    return folder
