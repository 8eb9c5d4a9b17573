"""The people in each frame of a clip, paying for everyone only where someone else is there.

A pose landmarker asked for two people runs its person detector on every frame, which halves
its speed; asked for one, it follows that person from frame to frame and looks for a person
again only when it loses them. Most clips show the lifter alone, so a one-person landmarker
(the *follower*) reads every frame, and a many-person landmarker (the *look*) checks the
whole frame now and then: on a shot's first frame, every ``LOOK_EVERY_S``, and whenever the
follower loses its person or jumps (a sign it moved to someone else). Once a look finds a
second body (even a fragment of the lifter: the old reading then decides), the many-person
landmarker reads every frame for the rest of the shot, as it always did, so that
:class:`~formcheck.pose.tracking.LifterTracker` sees everyone and keeps the lifter apart.

A shot that a look finds crowded part-way through is read again from its start by a fresh
many-person landmarker (:func:`read_shot_again`, given the shot's frames by the caller, which
holds the video): until that look, the lifter tracker had seen only the follower's person, who
may be the other one, and the other person's track would begin only at the look. So a crowded
shot is read exactly as before one-person following. A shot never found crowded is read by the
follower alone, whose landmarks differ from a fresh detection's by the model's own jitter and
smoothing (docs/performance.md measures what that changes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

import numpy as np

from formcheck.pose.person import PersonLandmarks
from formcheck.pose.tracking import Box, body_box
from formcheck.types import Frame

LOOK_EVERY_S = 0.5  # how long a newcomer may go unseen in a lone stretch
MANY = 2  # people the look asks for: enough to know the lifter is not alone
# The follower's box moving this far (in its size) in a frame, or its size changing by more
# than this factor, means it may have moved to someone else: look at once.
JUMP = 0.25
SIZE_JUMP = 1.5


class Detector(Protocol):
    model_name: str

    def detect(self, image_rgb: np.ndarray, t_ms: int) -> list[PersonLandmarks]: ...

    def close(self) -> None: ...


@dataclass
class FinderStats:
    """How a clip's frames were read, for benchmarks and the tests."""

    followed: int = 0  # frames read by the one-person landmarker alone
    looked: int = 0  # frames also checked by the many-person landmarker
    crowded: int = 0  # frames read by the many-person landmarker (someone else in view)
    reread: int = 0  # frames read again from a shot's start once it was found crowded


def _jumped(before: Box | None, now: Box | None) -> bool:
    """The follower lost its person, or its person moved or changed size too fast to be
    the same one."""
    if before is None or now is None:
        return before is not None  # lost now (found again is judged by the next look)
    moved = float(np.linalg.norm(now.center - before.center)) / before.size
    grown = max(now.area, 1e-9) / max(before.area, 1e-9)
    return moved > JUMP or not 1 / SIZE_JUMP <= grown <= SIZE_JUMP


class PeopleFinder:
    """``detect(image, t_ms, new_shot=...)`` -> the people in the frame, like
    :meth:`PoseEstimator.detect`. Use as a context manager, or call :meth:`close`."""

    def __init__(
        self,
        follower: Detector,
        look: Detector,
        remake: Callable[[], tuple[Detector, Detector]] | None = None,
        make_look: Callable[[], Detector] | None = None,
    ) -> None:
        self.follower = follower
        self.look = look
        self._remake = remake  # fresh landmarkers for the next clip (new_clip)
        self._make_look = make_look  # a fresh many-person landmarker to read a shot again
        self.model_name = follower.model_name
        self.stats = FinderStats()
        self._next_look_ms: float | None = None  # None: look at the next frame
        self._last_box: Box | None = None  # the follower's person in the frame before
        self._crowded = False  # this shot has shown someone else
        self._shot_frames = 0  # frames read in this shot so far
        self.became_crowded = False  # the last frame read was the first to show someone else

    @classmethod
    def create(cls, model: str, *, segmentation: bool = False) -> PeopleFinder:
        from formcheck.pose.estimator import PoseEstimator  # imports MediaPipe

        def make_look() -> Detector:
            return PoseEstimator(model, num_poses=MANY, segmentation=segmentation)

        def make() -> tuple[Detector, Detector]:
            follower = PoseEstimator(model, num_poses=1, segmentation=segmentation)
            try:
                return follower, make_look()
            except BaseException:
                follower.close()
                raise

        return cls(*make(), remake=make, make_look=make_look)

    def detect(
        self, image_rgb: np.ndarray, t_ms: int, *, new_shot: bool = False
    ) -> list[PersonLandmarks]:
        if new_shot:
            self._start_shot()
        self.became_crowded = False
        self._shot_frames += 1
        if self._crowded:
            self.stats.crowded += 1
            return self.look.detect(image_rgb, t_ms)
        # The follower reads every frame of a lone shot, looks included, so the lifter's
        # landmarks all come from one landmarker.
        followed = self.follower.detect(image_rgb, t_ms)
        box = body_box(followed[0]) if followed else None
        due = self._next_look_ms is None or t_ms >= self._next_look_ms
        jumped = _jumped(self._last_box, box)
        self._last_box = box
        if not (due or jumped):
            self.stats.followed += 1
            return followed
        everyone = self.look.detect(image_rgb, t_ms)
        self.stats.looked += 1
        self._next_look_ms = t_ms + LOOK_EVERY_S * 1000
        if len(everyone) > 1:
            self._crowded = True
            self.became_crowded = self._shot_frames > 1  # earlier frames were read alone
            return everyone
        return followed or everyone  # the follower lost them where the look did not

    @property
    def can_reread(self) -> bool:
        return self._make_look is not None

    def start_again(self) -> None:
        """Read this shot again from its first frame: a fresh many-person landmarker (one
        only goes forward in time) reads the frames then given to :meth:`detect_again`, from
        the shot's first to the one just read, and then the rest of the shot, as reading the
        shot crowded from its start would have."""
        if self._make_look is None:
            raise RuntimeError("this finder cannot make a fresh landmarker to read a shot again")
        fresh = self._make_look()
        self.look.close()
        self.look = fresh

    def detect_again(self, image_rgb: np.ndarray, t_ms: int) -> list[PersonLandmarks]:
        """Everyone in a frame read again (after :meth:`start_again`)."""
        self.stats.reread += 1
        return self.look.detect(image_rgb, t_ms)

    def _start_shot(self) -> None:
        self._next_look_ms = None
        self._last_box = None
        self._crowded = False
        self._shot_frames = 0
        self.became_crowded = False

    def new_clip(self) -> None:
        """Forget the last clip (a batch worker reuses one finder for many clips). A
        landmarker that follows someone carries its tracking and smoothing into the next clip
        whatever the gap in time, so the landmarkers are made afresh (a few tenths of a
        second; importing MediaPipe, which the worker keeps, is the cost worth saving)."""
        self._start_shot()
        self.stats = FinderStats()
        if self._remake is not None:
            self.close()
            self.follower, self.look = self._remake()

    def close(self) -> None:
        self.follower.close()
        self.look.close()

    def __enter__(self) -> PeopleFinder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def read_shot_again(
    finder: PeopleFinder, frames: Iterable[Frame], upto: int
) -> Iterator[tuple[Frame, list[PersonLandmarks]]]:
    """After a look found someone else at frame ``upto``, part-way through a shot read as a
    lone one (``finder.became_crowded``): everyone in each of the shot's ``frames`` (from its
    first) read again by a fresh many-person landmarker, up to and including frame ``upto``.
    The finder then reads on as if the shot had been crowded from its start. The analysing
    process and the ``--jobs 2`` helper (pose.second_half) both read a shot again this way."""
    finder.start_again()
    for frame in frames:
        yield frame, finder.detect_again(frame.image, int(round(frame.t * 1000)))
        if frame.index >= upto:
            return
    raise RuntimeError(f"frame {upto} could not be read again")  # the clip changed meanwhile
