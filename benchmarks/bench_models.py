"""Speed of the pose models (lite, full, heavy) alone, on one clip, for choosing the default.

All models are timed in this one run on the same frames, alternating round-robin (each round
starts with the next model, so none always runs first), best round of each kept: the ratios
hold on a noisy shared machine even when absolute numbers do not. Usage:

    python benchmarks/bench_models.py [CLIP] [--repeat 3] [--model-dir DIR] [--models lite full]

The clip is decoded once, before any timing, into memory at the analysis size
(formcheck.pipeline.MAX_SIDE); only ``PoseEstimator.detect`` calls are timed, with one pose and
the segmentation mask, as the analysis runs them. Heavy is not bundled: build it with
tools/build_models.py and point FORMCHECK_MODEL_DIR (or --model-dir, which sets it) at its
folder. Prints frames per second per model, each model's time per frame relative to lite's,
the frames in which it found a person, and the size of each model file; a model that cannot
be found is reported as missing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT / "sample_videos" / "sldl_side_demo.mp4"
MODELS = ("lite", "full", "heavy")


def decode_all(clip: Path) -> list[tuple[int, np.ndarray]]:
    """Every frame of the clip as (time in ms, RGB image), at the analysis size."""
    from formcheck.io.video_reader import VideoReader
    from formcheck.pipeline import MAX_SIDE

    with VideoReader(clip, max_side=MAX_SIDE) as reader:
        return [(int(round(frame.t * 1000)), frame.image) for frame in reader]


def detect_all(model: str, frames: list[tuple[int, np.ndarray]]) -> tuple[float, int]:
    """(seconds inside detect over all frames, frames with a person), with a fresh estimator."""
    from formcheck.pose.estimator import PoseEstimator

    in_detect, found = 0.0, 0
    with PoseEstimator(model, num_poses=1, segmentation=True) as estimator:
        for t_ms, image in frames:
            start = time.perf_counter()
            people = estimator.detect(image, t_ms)
            in_detect += time.perf_counter() - start
            found += bool(people)
    return in_detect, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", default=str(DEFAULT_CLIP))
    parser.add_argument("--repeat", type=int, default=3, help="rounds over all models; best kept")
    parser.add_argument(
        "--model-dir", help="folder holding pose_landmarker_heavy.task (sets FORMCHECK_MODEL_DIR)"
    )
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    clip = Path(args.clip)

    from formcheck.errors import FormcheckError
    from formcheck.pose.models import MODEL_DIR_ENV, resolve_model

    if args.model_dir:
        os.environ[MODEL_DIR_ENV] = args.model_dir

    paths: dict[str, Path] = {}
    missing: dict[str, str] = {}
    for model in args.models:
        try:
            paths[model] = resolve_model(model)[1]
        except FormcheckError as error:
            missing[model] = str(error)

    try:
        frames = decode_all(clip)
    except FormcheckError as error:
        print(f"bench_models: {error}", file=sys.stderr)
        return 2
    if not frames:
        print(f"bench_models: {clip} has no frames", file=sys.stderr)
        return 2
    height, width = frames[0][1].shape[:2]

    times: dict[str, list[float]] = {model: [] for model in paths}
    found: dict[str, int] = {}
    order = list(paths)
    for round_ in range(args.repeat):
        shift = round_ % len(order) if order else 0
        for model in order[shift:] + order[:shift]:  # round-robin, a new first model each round
            seconds, found[model] = detect_all(model, frames)
            times[model].append(seconds)

    print(
        f"clip: {clip.name}  frames: {len(frames)} at {width}x{height}  "
        f"rounds: {args.repeat}  (num_poses=1, segmentation=True)"
    )
    lite_s = min(times["lite"]) if "lite" in times else None
    for model in args.models:
        if model in missing:
            print(f"  {model:<6} missing: {missing[model]}")
            continue
        best = min(times[model])
        fps = len(frames) / best
        ratio = f"{best / lite_s:4.2f}x lite's time" if lite_s else "lite not timed"
        rounds = ", ".join(f"{len(frames) / s:.1f}" for s in times[model])
        size_mb = paths[model].stat().st_size / 1e6
        print(
            f"  {model:<6} {fps:6.1f} frames/s  {1000 * best / len(frames):6.1f} ms/frame  "
            f"{ratio}  person in {found[model]}/{len(frames)}  "
            f"{size_mb:5.1f} MB  (rounds: {rounds} frames/s)"
        )
    for model in paths:
        print(f"  {model} model: {paths[model]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
