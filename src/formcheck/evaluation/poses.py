"""Pose landmarks of a clip, cached on disk: the pose model is the slow part of an evaluation.

The cache file is keyed by the clip's content (not its name or place) and the model, so a
moved clip is found again and an edited one is not.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from formcheck.evaluation.options import DEFAULT_CACHE
from formcheck.types import PoseSequence

# Raised whenever pass 1 changes what it returns for the same clip (2: shots of edited clips
# and the lifter chosen on the whole clip; 3: two people who swapped tracks as they crossed
# told apart by their clothes' colour; 4: the trunk's outline from the person mask; 5: a
# one-person landmarker follows a lone lifter, the many-person one only where others are;
# 6: a shot stays read by the many-person one once it showed a second body; 7: and is read
# again from its start by it),
# so stale landmarks are never read back.
POSES_VERSION = 7


def cache_path(
    clip: Path, model: str, cache: Path, crop: tuple[int, int, int, int] | None = None
) -> Path:
    key = hashlib.sha1(clip.read_bytes()).hexdigest()[:16]
    panel = "-crop" + "_".join(str(v) for v in crop) if crop else ""
    return cache / f"{clip.stem}-{key}{panel}-{model}-v{POSES_VERSION}.npz"


def cached_poses(
    clip: Path,
    model: str,
    cache: Path = DEFAULT_CACHE,
    crop: tuple[int, int, int, int] | None = None,
) -> PoseSequence:
    """The lifter's landmarks in ``clip`` (or the ``crop`` of it holding one panel of a split
    screen) from ``model``, read from ``cache`` when there."""
    path = cache_path(clip, model, cache, crop)
    if path.exists():
        d = np.load(path)
        return PoseSequence(
            d["t"],
            d["image_xy"],
            d["world_xyz"],
            d["visibility"],
            tuple(int(v) for v in d["frame_size"]),
            tuple(int(v) for v in d["shot_starts"]),
            outline=d["outline"] if "outline" in d.files else None,
            outline_sharpness=d["outline_sharpness"] if "outline" in d.files else None,
        )
    from formcheck.pipeline import extract_poses  # imports MediaPipe: only when needed

    seq, _, _ = extract_poses(clip, model, crop)
    cache.mkdir(parents=True, exist_ok=True)
    # The same name each time: a run killed while writing it leaves a file the next run
    # overwrites when it reaches this clip again.
    tmp = path.with_suffix(".tmp.npz")
    try:
        np.savez_compressed(
            tmp,
            t=seq.t,
            image_xy=seq.image_xy,
            world_xyz=seq.world_xyz,
            visibility=seq.visibility,
            frame_size=np.array(seq.frame_size),
            shot_starts=np.array(seq.shot_starts, dtype=int),
            **(
                {}
                if seq.outline is None
                else {"outline": seq.outline, "outline_sharpness": seq.outline_sharpness}
            ),
        )
        tmp.replace(path)  # atomic: a run stopped half-way leaves no broken cache file
    except BaseException:  # stopped (Ctrl-C, SIGTERM) or failed while writing: no leftover
        tmp.unlink(missing_ok=True)
        raise
    return seq
