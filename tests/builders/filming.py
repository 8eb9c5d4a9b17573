"""Film a builder's motion: a tripod camera aimed at where the person starts, then what
MediaPipe would report for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from formcheck.types import PoseSequence

from .skeleton import Camera, Motion, Noise, render


def film(
    motion: Motion,
    *,
    view: str = "side",
    facing: str = "right",
    noise_px: float = 1.5,
    seed: int = 0,
    drop_frames: float = 0.0,
    camera_height_m: float = 0.9,
) -> PoseSequence:
    target = motion.joints["pelvis"][0]
    camera = Camera(
        view=view,
        facing=facing,
        height_m=camera_height_m,
        target_xy=(float(target[0]), float(target[1])),
    )
    return render(motion, camera, noise=Noise.scaled(noise_px), seed=seed, drop_frames=drop_frames)


def filmed(
    make_motion: Callable[..., tuple[Motion, list]],
    *,
    view: str = "side",
    facing: str = "right",
    noise_px: float = 1.5,
    seed: int = 0,
    drop_frames: float = 0.0,
    camera_height_m: float = 0.9,
    **motion_options: Any,
) -> tuple[PoseSequence, list]:
    """``make_motion(**motion_options)`` filmed as :func:`film` does: what each exercise's
    ``*_sequence`` builder returns (the sequence and the motion's per-rep truth)."""
    motion, truth = make_motion(**motion_options)
    seq = film(
        motion,
        view=view,
        facing=facing,
        noise_px=noise_px,
        seed=seed,
        drop_frames=drop_frames,
        camera_height_m=camera_height_m,
    )
    return seq, truth
