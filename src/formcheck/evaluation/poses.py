"""Pose landmarks of a clip, cached on disk: the pose model is the slow part of an evaluation.

The cache file is keyed by the clip's content (not its name or place) and the model, so a
moved clip is found again and an edited one is not.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from formcheck.types import PoseSequence

DEFAULT_CACHE = Path.home() / ".cache/formcheck-eval"
# Raised whenever pass 1 changes what it returns for the same clip (2: shots of edited clips
# and the lifter chosen on the whole clip), so stale landmarks are never read back.
POSES_VERSION = 2


def cache_path(clip: Path, model: str, cache: Path) -> Path:
    key = hashlib.sha1(clip.read_bytes()).hexdigest()[:16]
    return cache / f"{clip.stem}-{key}-{model}-v{POSES_VERSION}.npz"


def cached_poses(clip: Path, model: str, cache: Path = DEFAULT_CACHE) -> PoseSequence:
    """The lifter's landmarks in ``clip`` from ``model``, read from ``cache`` when there."""
    path = cache_path(clip, model, cache)
    if path.exists():
        d = np.load(path)
        return PoseSequence(
            d["t"],
            d["image_xy"],
            d["world_xyz"],
            d["visibility"],
            tuple(int(v) for v in d["frame_size"]),
            tuple(int(v) for v in d["shot_starts"]),
        )
    from formcheck.pipeline import extract_poses  # imports MediaPipe: only when needed

    seq, _, _ = extract_poses(clip, model)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp,
        t=seq.t,
        image_xy=seq.image_xy,
        world_xyz=seq.world_xyz,
        visibility=seq.visibility,
        frame_size=np.array(seq.frame_size),
        shot_starts=np.array(seq.shot_starts, dtype=int),
    )
    tmp.replace(path)  # atomic: a run stopped half-way leaves no broken cache file
    return seq
