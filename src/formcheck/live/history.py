"""The live session's landmark history: appended frame by frame, and only the recent part
kept, so a session's memory stays flat however long it runs.

A live session looks back a few seconds for its measures, and at most a rep plus some
context to judge a rep; a two-hour session keeping every frame's landmarks would hold some
340 MB. Frames keep their session-wide index (frame 0 is the session's first), so reps and
faults are numbered through the whole session; only frames from ``first`` on can be read.
"""

from __future__ import annotations

import numpy as np

from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.outline import OUTLINE_K
from formcheck.types import PoseSequence


class RollingSequence:
    """Landmarks appended frame by frame into arrays that double when full; frames before
    ``first`` have been forgotten (:meth:`forget_before`)."""

    def __init__(self, frame_size: tuple[int, int], capacity: int = 256) -> None:
        self.frame_size = frame_size
        self.n = 0  # frames appended since the session began
        self.first = 0  # session index of the oldest frame still held
        self.frames_with_pose = 0  # over the whole session
        self.start_time: float | None = None  # time of the session's first frame
        self._kept = 0
        self._t = np.zeros(capacity)
        self._xy = np.full((capacity, NUM_LANDMARKS, 2), np.nan)
        self._xyz = np.full((capacity, NUM_LANDMARKS, 3), np.nan)
        self._vis = np.zeros((capacity, NUM_LANDMARKS))
        # The trunk's outline (pose.outline), once a person arrives with one.
        self._outline: np.ndarray | None = None
        self._sharp: np.ndarray | None = None

    def append(self, t: float, person) -> None:
        if self._kept == len(self._t):
            self._resize(2 * len(self._t))
        k = self._kept
        self._t[k] = t
        self._xy[k], self._xyz[k], self._vis[k] = np.nan, np.nan, 0.0
        if self._outline is not None:
            self._outline[k], self._sharp[k] = np.nan, np.nan
        if person is not None:
            self._xy[k] = person.image_xy
            self._xyz[k] = person.world_xyz
            self._vis[k] = person.visibility
            self.frames_with_pose += 1
            if getattr(person, "outline", None) is not None:
                if self._outline is None:
                    self._outline = np.full((len(self._t), 2, OUTLINE_K), np.nan)
                    self._sharp = np.full((len(self._t), 2), np.nan)
                self._outline[k] = person.outline.depth
                self._sharp[k] = person.outline.sharpness
        if self.start_time is None:
            self.start_time = float(t)
        self._kept += 1
        self.n += 1

    @property
    def times(self) -> np.ndarray:
        """(n - first,) times of the frames held, oldest first (a view: do not modify)."""
        return self._t[: self._kept]

    def time_at(self, index: int) -> float:
        """The time of session frame ``index`` (one still held)."""
        if not self.first <= index < self.n:
            raise IndexError(f"frame {index} is not held (frames {self.first} to {self.n - 1})")
        return float(self._t[index - self.first])

    def index_after(self, t: float) -> int:
        """The session index of the first frame held at ``t`` or later (``n`` if none)."""
        return self.first + int(np.searchsorted(self.times, t, side="left"))

    def tail(self, start: int) -> PoseSequence:
        """Frames ``start`` (a session index, clamped to those held) to the newest (a copy);
        its row 0 is session frame ``max(start, first)``."""
        k = max(0, min(start, self.n) - self.first)
        end = self._kept
        return PoseSequence(
            t=self._t[k:end].copy(),
            image_xy=self._xy[k:end].copy(),
            world_xyz=self._xyz[k:end].copy(),
            visibility=self._vis[k:end].copy(),
            frame_size=self.frame_size,
            outline=None if self._outline is None else self._outline[k:end].copy(),
            outline_sharpness=None if self._sharp is None else self._sharp[k:end].copy(),
        )

    def sequence(self) -> PoseSequence:
        """Every frame still held."""
        return self.tail(self.first)

    def forget_before(self, index: int) -> None:
        """Drop frames before session index ``index``."""
        drop = min(max(0, index - self.first), self._kept)
        if not drop:
            return
        keep = self._kept - drop
        for array in (self._t, self._xy, self._xyz, self._vis, self._outline, self._sharp):
            if array is not None:
                array[:keep] = array[drop : self._kept]
        self._kept = keep
        self.first += drop
        if len(self._t) > 256 and self._kept < len(self._t) // 4:
            self._resize(max(256, len(self._t) // 2))  # give back what a long gap grew

    def _resize(self, capacity: int) -> None:
        k = self._kept
        t = np.zeros(capacity)
        xy = np.full((capacity, NUM_LANDMARKS, 2), np.nan)
        xyz = np.full((capacity, NUM_LANDMARKS, 3), np.nan)
        vis = np.zeros((capacity, NUM_LANDMARKS))
        t[:k], xy[:k], xyz[:k], vis[:k] = self._t[:k], self._xy[:k], self._xyz[:k], self._vis[:k]
        self._t, self._xy, self._xyz, self._vis = t, xy, xyz, vis
        if self._outline is not None:
            outline = np.full((capacity, 2, OUTLINE_K), np.nan)
            sharp = np.full((capacity, 2), np.nan)
            outline[:k], sharp[:k] = self._outline[:k], self._sharp[:k]
            self._outline, self._sharp = outline, sharp
