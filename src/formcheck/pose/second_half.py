"""Both cores on one clip: a helper process reads the poses of the clip's second half.

The pose model is nearly all of an analysis's cost, and a clip's frames depend on each other
only through the model's frame-to-frame tracking, which settles within a second. So while
the analysing process reads the clip from its start, a helper process loads the model at the
same time and reads from a point past the middle to the end. The point depends on the clip
alone (never on how soon the helper is ready), so an analysis gives the same result every
time; the analysing process, ready first, takes a few more frames (``HEAD_START_FRAMES``).
The helper starts ``OVERLAP_S`` early, so its tracking has settled where the halves meet;
they are joined at the frame of that overlap where they agree best. If the helper fails,
the analysing process reads on to the end itself: the helper can only save time.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.pose.person import PersonLandmarks
from formcheck.pose.tracking import body_box

OVERLAP_S = 1.0  # the helper's tracking settles well within this
MIN_SECOND_HALF_S = 3.0  # a shorter remainder is not worth the helper's start-up
SEND_EVERY = 16  # frames per message: few pickles, yet the pipe never holds much
# Frames the analysing process reads before the helper has loaded the model (it starts
# first, already imported): 45-56 measured here with lite (docs/performance.md). A constant,
# not a measurement at run time: the split, and so the result, must not depend on timing.
HEAD_START_FRAMES = 48


@dataclass
class FrameResult:
    """One frame as the helper read it: what the lifter tracker needs, without the image."""

    index: int
    t: float
    new_shot: bool
    people: list[PersonLandmarks]
    colours: list[np.ndarray]  # each person's clothes colour (pose.tracking.trunk_colour)


def _helper(conn, clip: str, start: int, model: str, max_side: int, outlines: bool) -> None:
    """The helper process: load the model, read from frame ``start`` to the end."""
    # Ctrl-C reaches the whole process group; the analysing process decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from formcheck.io.shot_cuts import ShotCutDetector
        from formcheck.io.video_reader import VideoReader
        from formcheck.pose.finder import PeopleFinder, read_shot_again
        from formcheck.pose.tracking import trunk_colour

        finder = PeopleFinder.create(model, segmentation=outlines)
        reader = VideoReader(clip, max_side=max_side)
        cuts = ShotCutDetector()
        batch: list[FrameResult] = []
        shot_start = start  # the first frame of the shot being read, as far as this half goes

        def result(frame, new_shot: bool, people) -> FrameResult:
            colours = [trunk_colour(frame.image, person) for person in people]
            return FrameResult(frame.index, frame.t, new_shot, people, colours)

        with reader, finder:
            for frame in reader.frames(start):
                new_shot = cuts.is_cut(frame.image) and frame.index > start
                if new_shot:
                    shot_start = frame.index
                people = finder.detect(frame.image, int(round(frame.t * 1000)), new_shot=new_shot)
                if finder.became_crowded and finder.can_reread:
                    # As the analysing process does (pipeline.track_poses): the shot so far
                    # is read again with everyone in view, and the frames sent are replaced.
                    conn.send(("frames", batch))
                    batch = []
                    with contextlib.closing(reader.frames(shot_start)) as frames:
                        for earlier, found in read_shot_again(finder, frames, frame.index):
                            if earlier.index >= frame.index:
                                people = found
                                break
                            cut = earlier.index == shot_start and earlier.index > start
                            batch.append(result(earlier, cut, found))
                    conn.send(("replace", batch))
                    batch = []
                batch.append(result(frame, new_shot, people))
                if len(batch) >= SEND_EVERY:
                    conn.send(("frames", batch))
                    batch = []
        conn.send(("frames", batch))
        conn.send(("done", reader.warnings))
    except BaseException as error:  # told to the analysing process, which reads on alone
        with contextlib.suppress(OSError, ValueError):
            conn.send(("failed", f"{type(error).__name__}: {error}"))


class SecondHalf:
    """The helper process, seen from the analysing one."""

    def __init__(
        self, clip: Path, start: int, model: str, *, max_side: int, outlines: bool
    ) -> None:
        # spawn, not fork: this process may already hold MediaPipe's threads.
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_helper,
            args=(child, str(clip), start, model, max_side, outlines),
            daemon=True,
            name="formcheck-second-half",
        )
        self._child = child
        self.start_frame = start
        self.failed: str | None = None
        self.frames: list[FrameResult] = []
        self.warnings: list[str] = []  # the helper's decoding problems (a truncated end)
        self._done = threading.Event()
        self._reader: threading.Thread | None = None

    def start(self) -> None:
        """Start the helper process; its frames arrive in :attr:`frames` as it reads them."""
        self._process.start()
        self._child.close()  # the helper's end of the pipe now lives in the helper
        self._reader = threading.Thread(target=self._receive, daemon=True)
        self._reader.start()

    def _receive(self) -> None:
        # Drained as it comes, so the helper never waits on a full pipe.
        try:
            while True:
                kind, detail = self._conn.recv()
                if kind == "frames":
                    self.frames.extend(detail)
                elif kind == "replace":  # a shot read again once it showed someone else
                    first = self.frames[0].index
                    for frame in detail:
                        self.frames[frame.index - first] = frame
                elif kind == "failed":
                    self.failed = detail
                    break
                else:
                    self.warnings = list(detail or [])
                    break
        except (EOFError, OSError) as error:
            self.failed = f"the helper process ended ({error or 'no reason given'})"
        finally:
            self._done.set()

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for the helper to finish; True when it has."""
        return self._done.wait(timeout)

    def close(self) -> None:
        """Stop the helper (a no-op once it has finished)."""
        if self._process.pid is None:  # never started
            self._conn.close()
            self._child.close()
            return
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=2)
        # A helper stopped while MediaPipe loads can hang in a native signal handler; it
        # would then hold the interpreter's exit (which joins its children): SIGKILL cannot
        # be caught.
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5)
        self._conn.close()


def split_point(frame_count: int | None, fps: float) -> int | None:
    """Where the analysing process stops and the helper's frames take over (the helper
    starts ``overlap_frames(fps)`` earlier); None when the clip is too short to share."""
    if not frame_count or fps <= 0:
        return None
    overlap = overlap_frames(fps)
    # Both read the same number of frames once the helper is ready (the analysing process
    # has read HEAD_START_FRAMES by then): split - HEAD_START = frame_count - (split - overlap).
    split = (frame_count + overlap + HEAD_START_FRAMES) // 2
    if frame_count - (split - overlap) < split_min_frames(fps):
        return None
    return split


def split_min_frames(fps: float) -> int:
    """The fewest frames the helper is given: the overlap and ``MIN_SECOND_HALF_S``."""
    return int(MIN_SECOND_HALF_S * fps) + overlap_frames(fps)


def overlap_frames(fps: float) -> int:
    return max(1, int(round(OVERLAP_S * fps)))


def join_index(ours: list[tuple[int, list[PersonLandmarks]]], theirs: list[FrameResult]) -> int:
    """The frame index at which the helper's frames take over: in the later half of the
    overlap, where the largest person of the two readings lies closest (relative to their
    size). ``ours``: (index, people) of the analysing process's overlap frames."""
    their_people = {result.index: result.people for result in theirs}
    later = ours[len(ours) // 2 :] or ours
    best, best_gap = later[-1][0] + 1, np.inf
    for index, people in later:
        other = their_people.get(index)
        if not people or not other:
            continue
        a, b = (max(group, key=lambda p: body_box(p).area) for group in (people, other))
        gap = float(np.nanmean(np.linalg.norm(a.image_xy - b.image_xy, axis=1)))
        gap /= body_box(a).size
        if gap < best_gap:
            best, best_gap = index, gap
    return best
