"""Finding the cuts of an edited clip from its frames (io/shot_cuts.py)."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.io.shot_cuts import ShotCutDetector

H, W = 360, 640


def scene(seed: int) -> np.ndarray:
    """A frame of some place: coloured blocks of different brightness (a gym, a park)."""
    rng = np.random.default_rng(seed)
    blocks = rng.integers(30, 250, size=(9, 16, 3), dtype=np.uint8)
    return np.kron(blocks, np.ones((H // 9, W // 16, 1), dtype=np.uint8))


def pillarboxed(image: np.ndarray) -> np.ndarray:
    """A vertical video in a landscape frame: two thirds of the frame is black bars."""
    out = np.zeros_like(image)
    out[:, W // 3 : 2 * W // 3] = image[:, W // 3 : 2 * W // 3]
    return out


def cuts_in(frames: list[np.ndarray]) -> list[int]:
    detector = ShotCutDetector()
    return [i for i, frame in enumerate(frames) if detector.is_cut(frame)]


def test_a_change_of_scene_is_a_cut_and_the_first_frame_is_not():
    frames = [scene(1)] * 5 + [scene(2)] * 5
    assert cuts_in(frames) == [5]


def test_black_bars_do_not_hide_a_cut():
    frames = [pillarboxed(scene(1))] * 3 + [pillarboxed(scene(2))] * 3
    assert cuts_in(frames) == [3]


def moving_person(step: int) -> np.ndarray:
    """The same scene with a dark figure walking across it."""
    frame = scene(1).copy()
    x = 100 + 12 * step
    frame[80:300, x : x + 60] = 20
    return frame


@pytest.mark.parametrize(
    "name, change",
    [
        ("a person moving", lambda frame, k: moving_person(k)),
        ("the phone re-exposing", lambda frame, k: np.clip(frame * (1 + 0.15 * k), 0, 255)),
        (
            "a lamp flaring into the lens",
            lambda frame, k: np.clip(frame + 90 * (k % 2), 0, 255),
        ),
        ("a caption popping in", lambda frame, k: caption(frame) if k > 2 else frame),
    ],
)
def test_changes_within_a_shot_are_not_cuts(name, change):
    frames = [change(scene(1).astype(float), k).astype(np.uint8) for k in range(6)]
    assert cuts_in(frames) == [], name


def caption(frame: np.ndarray) -> np.ndarray:
    out = frame.copy()
    out[250:310, 120:520] = 255  # a white banner across a sixth of the picture
    return out


def test_a_cut_to_black_is_a_cut_and_black_frames_are_not_more_cuts():
    frames = [scene(1)] * 3 + [np.zeros((H, W, 3), np.uint8)] * 3
    assert cuts_in(frames) == [3]
