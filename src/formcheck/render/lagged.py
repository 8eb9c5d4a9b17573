"""Draw the annotated video while the pose model is still running.

Pass 2 (decode again, draw, encode) would otherwise start only after the last frame's pose is
known, adding its whole cost to the wall time. Instead a background thread follows behind
pass 1: it draws a frame once everything shown on it is settled (the rep around it has
ended, the smoothing has seen enough frames after it). PyAV and OpenCV release the GIL, so
the thread runs on the core the pose model leaves idle.

Every drawn frame records the state it showed (rep count, phase, banners, highlighted joints,
view). At the end those are checked against the final analysis; if any differs, the video is
drawn again from the final analysis, so the video always tells what the report says.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.io.video_reader import VideoReader
from formcheck.io.video_writer import VideoWriter
from formcheck.render.overlay import OverlayState, draw_overlay


@dataclass(frozen=True)
class OverlaySnapshot:
    """What the drawing thread may use: frames ``< upto`` are settled."""

    upto: int
    state_at: Callable[[int], OverlayState]
    image_xy: np.ndarray  # (n, 33, 2) normalised: the video may be drawn smaller than analysed
    visibility: np.ndarray  # (n, 33)
    has_pose: np.ndarray  # (n,)
    # The traced back line (render.back_line): (n, K, 2) normalised, and (n,) +1 rounded /
    # -1 arched past the back rule's threshold; None where no outline was read.
    back_xy: np.ndarray | None = None
    back_flag: np.ndarray | None = None


def state_key(state: OverlayState) -> tuple:
    """The parts of a state that carry a verdict (angles are live numbers, not verdicts)."""
    return (state.rep_count, state.phase, state.banners, state.highlight, state.view)


def draw_frame(image: np.ndarray, index: int, snap: OverlaySnapshot) -> tuple[np.ndarray, tuple]:
    i = min(index, len(snap.has_pose) - 1)
    state = snap.state_at(i)
    found = bool(snap.has_pose[i])
    height, width = image.shape[:2]
    back = None
    if found and snap.back_xy is not None and i < len(snap.back_xy):
        back = snap.back_xy[i] * (width, height)
    drawn = draw_overlay(
        image,
        snap.image_xy[i] * (width, height) if found else None,
        snap.visibility[i] if found else None,
        state,
        back=back,
        back_flag=int(snap.back_flag[i]) if back is not None and snap.back_flag is not None else 0,
    )
    return drawn, state_key(state)


def render_all(
    clip: Path, target: Path, snap: OverlaySnapshot, max_side: int, progress=lambda n: None
) -> None:
    """Plain pass 2: draw every frame from one (final) snapshot."""
    with (
        VideoReader(clip, max_side=max_side) as reader,
        VideoWriter(
            target, width=reader.info.width, height=reader.info.height, fps=reader.info.fps
        ) as writer,
    ):
        for frame in reader:
            writer.write(draw_frame(frame.image, frame.index, snap)[0], frame.t)
            progress(1)


class _Cancelled(Exception):
    """Raised inside the drawing thread to abandon the video (the writer then keeps nothing)."""


class LaggedAnnotator:
    """Draws frames in a background thread as snapshots settle them."""

    def __init__(self, clip: Path, target: Path, *, max_side: int) -> None:
        self.clip, self.target, self.max_side = clip, target, max_side
        self._snap: OverlaySnapshot | None = None
        self._final = False
        self._cancelled = False
        self._cond = threading.Condition()
        self._keys: list[tuple] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="formcheck-draw", daemon=True)
        self._thread.start()

    def update(self, snap: OverlaySnapshot) -> None:
        with self._cond:
            self._snap = snap
            self._cond.notify()

    def _wait_for(self, index: int) -> OverlaySnapshot:
        with self._cond:
            while not self._final and (self._snap is None or self._snap.upto <= index):
                self._cond.wait()
            if self._cancelled:
                raise _Cancelled
            return self._snap

    def _run(self) -> None:
        try:
            with (
                VideoReader(self.clip, max_side=self.max_side) as reader,
                VideoWriter(
                    self.target,
                    width=reader.info.width,
                    height=reader.info.height,
                    fps=reader.info.fps,
                ) as writer,
            ):
                for frame in reader:
                    snap = self._wait_for(frame.index)
                    image, key = draw_frame(frame.image, frame.index, snap)
                    writer.write(image, frame.t)
                    self._keys.append(key)
        except _Cancelled:
            pass
        except BaseException as exc:  # handed to the caller in finish()
            self._error = exc

    def cancel(self) -> None:
        """Stop drawing and leave no video (the analysis failed or was interrupted)."""
        with self._cond:
            self._final = self._cancelled = True
            self._cond.notify()
        self._thread.join()

    def finish(
        self,
        final: OverlaySnapshot,
        progress=lambda n: None,
        moved_skeleton: Collection[int] = (),
    ) -> bool:
        """Draw the rest from the final snapshot and wait. Returns True when every frame drawn
        early agrees with the final analysis; otherwise the video is drawn again. Frames in
        ``moved_skeleton`` were drawn with another person's skeleton (the lifter was chosen
        again at the end of the clip)."""
        with self._cond:
            self._snap, self._final = final, True
            self._cond.notify()
        self._thread.join()
        if self._error is not None:
            raise self._error
        n = len(final.has_pose)
        agrees = all(
            key == state_key(final.state_at(min(i, n - 1))) for i, key in enumerate(self._keys)
        ) and not any(i < len(self._keys) for i in moved_skeleton)
        progress(len(self._keys))
        if not agrees:
            render_all(self.clip, self.target, final, self.max_side)
        return agrees
