"""Film a builder's motion: a tripod camera aimed at where the person starts, then what
MediaPipe would report for it."""

from __future__ import annotations

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
