"""The sequence builder: a prefix is a copy while frames keep coming; the finished sequence
is handed over without one."""

import numpy as np
import pytest

from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.sequence_builder import SequenceBuilder


class _Person:
    def __init__(self, value: float) -> None:
        self.image_xy = np.full((NUM_LANDMARKS, 2), value)
        self.world_xyz = np.full((NUM_LANDMARKS, 3), value)
        self.visibility = np.full(NUM_LANDMARKS, 0.9)
        self.outline = None


def _built(frames: int, capacity: int = 4) -> SequenceBuilder:
    builder = SequenceBuilder((640, 480), capacity=capacity)
    for i in range(frames):
        if i == 3:
            builder.start_shot()
        builder.append(i / 30, _Person(i / 10) if i != 2 else None)
    return builder


def test_finish_gives_what_sequence_gives_without_copying():
    builder = _built(6)
    copied = builder.sequence()
    buffer = builder._xy
    finished = builder.finish()
    assert len(finished) == 6 and finished.shot_starts == (3,) == copied.shot_starts
    for name in ("t", "image_xy", "world_xyz", "visibility"):
        np.testing.assert_array_equal(getattr(finished, name), getattr(copied, name))
    assert np.isnan(finished.image_xy[2]).all() and finished.image_xy[5, 0, 0] == 0.5
    assert np.shares_memory(finished.image_xy, buffer)  # handed over, not copied
    assert not np.shares_memory(copied.image_xy, buffer)


def test_a_finished_builder_takes_no_more_frames():
    builder = _built(3)
    builder.finish()
    with pytest.raises(IndexError):
        builder.set(0, _Person(1.0))
    with pytest.raises(RuntimeError, match="finished"):
        builder.append(1.0, _Person(1.0))


def test_so_far_is_a_view_of_the_frames_so_far():
    builder = _built(5, capacity=16)
    view = builder.so_far()
    assert len(view) == 5 and view.shot_starts == (3,)
    np.testing.assert_array_equal(view.image_xy, builder.sequence().image_xy)
    assert np.shares_memory(view.image_xy, builder._xy)
    builder.append(5 / 30, _Person(0.5))  # later frames do not change the frames it shows
    assert len(view) == 5 and len(builder.so_far()) == 6
