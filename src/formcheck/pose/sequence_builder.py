"""Landmarks gathered frame by frame into the arrays of a :class:`PoseSequence`.

Both the clip pipeline (pass 1) and the live session append one frame at a time and look at
the sequence so far; arrays that double when full make that cheap.
"""

from __future__ import annotations

import numpy as np

from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.outline import OUTLINE_K, Outline
from formcheck.types import PoseSequence


class Row:
    """One frame's landmarks as a builder holds them, read from its arrays when asked (the
    attributes of a :class:`~formcheck.pose.person.PersonLandmarks`). The lifter tracker
    keeps every frame's people for its choice on the whole clip; for the lifter, whom the
    builder holds already, it keeps this instead of a second copy (docs/performance.md,
    memory). Valid while the builder's row is not set to someone else, and until
    :meth:`SequenceBuilder.finish`."""

    __slots__ = ("_builder", "_index")

    def __init__(self, builder: SequenceBuilder, index: int) -> None:
        self._builder, self._index = builder, index

    @property
    def image_xy(self) -> np.ndarray:
        return self._builder._xy[self._index]

    @property
    def world_xyz(self) -> np.ndarray:
        return self._builder._xyz[self._index]

    @property
    def visibility(self) -> np.ndarray:
        return self._builder._vis[self._index]

    @property
    def outline(self) -> Outline | None:
        b = self._builder
        return (
            None if b._outline is None else Outline(b._outline[self._index], b._sharp[self._index])
        )


class SequenceBuilder:
    """Landmarks appended frame by frame into arrays that double when full, so a prefix
    ``PoseSequence`` can be taken at any time without copying lists."""

    def __init__(
        self, frame_size: tuple[int, int], capacity: int = 256, outlines: bool = False
    ) -> None:
        """``outlines``: the people appended carry trunk outlines (pose.outline), kept too."""
        self.frame_size = frame_size
        self.n = 0
        self._t = np.zeros(capacity)
        self._xy = np.full((capacity, NUM_LANDMARKS, 2), np.nan)
        self._xyz = np.full((capacity, NUM_LANDMARKS, 3), np.nan)
        self._vis = np.zeros((capacity, NUM_LANDMARKS))
        self._outline = np.full((capacity, 2, OUTLINE_K), np.nan) if outlines else None
        self._sharp = np.full((capacity, 2), np.nan) if outlines else None
        self._shot_starts: list[int] = []

    def append(self, t: float, person) -> None:
        if self._t is None:
            raise RuntimeError("this builder's sequence was finished: it takes no more frames")
        if self.n == len(self._t):
            grow = len(self._t)
            self._t = np.concatenate([self._t, np.zeros(grow)])
            self._xy = np.concatenate([self._xy, np.full_like(self._xy, np.nan)])
            self._xyz = np.concatenate([self._xyz, np.full_like(self._xyz, np.nan)])
            self._vis = np.concatenate([self._vis, np.zeros_like(self._vis)])
            if self._outline is not None:
                self._outline = np.concatenate([self._outline, np.full_like(self._outline, np.nan)])
                self._sharp = np.concatenate([self._sharp, np.full_like(self._sharp, np.nan)])
        self._t[self.n] = t
        self.n += 1
        if person is not None:
            self.set(self.n - 1, person)

    def set(self, index: int, person) -> None:
        """Replace frame ``index``'s landmarks (None: no lifter in that frame)."""
        if not 0 <= index < self.n:
            raise IndexError(f"frame {index} is not in the {self.n} frames so far")
        self._xy[index] = np.nan if person is None else person.image_xy
        self._xyz[index] = np.nan if person is None else person.world_xyz
        self._vis[index] = 0.0 if person is None else person.visibility
        if self._outline is not None:
            outline = None if person is None else person.outline
            self._outline[index] = np.nan if outline is None else outline.depth
            self._sharp[index] = np.nan if outline is None else outline.sharpness

    def row(self, index: int) -> Row:
        """Frame ``index``'s landmarks, read from the builder when asked (see :class:`Row`)."""
        if not 0 <= index < self.n:
            raise IndexError(f"frame {index} is not in the {self.n} frames so far")
        return Row(self, index)

    def start_shot(self) -> None:
        """The next frame appended begins a new shot (the clip was cut there)."""
        if self.n > 0 and (not self._shot_starts or self._shot_starts[-1] != self.n):
            self._shot_starts.append(self.n)

    @property
    def times(self) -> np.ndarray:
        """(n,) frame times so far (a view: do not modify)."""
        return self._t[: self.n]

    @property
    def frames_with_pose(self) -> int:
        """Frames so far in which a pose was found (counted without copying the arrays)."""
        return int((~np.isnan(self._xy[: self.n, 0, 0])).sum())

    def sequence(self) -> PoseSequence:
        return self.tail(0)

    def so_far(self) -> PoseSequence:
        """The frames so far as views of the builder's arrays, not a copy: for a look that
        is done before the next frame is appended or set (the pipeline's analysis of the
        clip so far, which would otherwise copy a long clip's landmarks every few seconds)."""
        return self._frames_from(0, copy=False)

    def finish(self) -> PoseSequence:
        """The whole sequence, handed over without a copy: the builder is done (a long
        clip's landmarks would otherwise be held twice; docs/performance.md, memory)."""
        seq = self.so_far()
        self.n = 0
        self._t = self._xy = self._xyz = self._vis = self._outline = self._sharp = None
        return seq

    def tail(self, start: int) -> PoseSequence:
        """Frames ``start`` to the newest, as a sequence (a copy)."""
        return self._frames_from(start, copy=True)

    def _frames_from(self, start: int, *, copy: bool) -> PoseSequence:
        start, n = max(0, min(start, self.n)), self.n

        def take(a: np.ndarray) -> np.ndarray:
            return a[start:n].copy() if copy else a[start:n]

        return PoseSequence(
            t=take(self._t),
            image_xy=take(self._xy),
            world_xyz=take(self._xyz),
            visibility=take(self._vis),
            frame_size=self.frame_size,
            shot_starts=tuple(i - start for i in self._shot_starts if start < i < n),
            outline=None if self._outline is None else take(self._outline),
            outline_sharpness=None if self._sharp is None else take(self._sharp),
        )
