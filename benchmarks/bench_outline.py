"""What reading the back's outline costs: the whole `analyze` with the person mask and the
outline (pose.outline) against the same analysis without, on one clip, in one run.

    python benchmarks/bench_outline.py [CLIP] [--model lite] [--repeat 2] [--no-video]

Runs alternate (with, without, with, ...) so the machine's load falls on both alike; the best
of each is compared. Prints the seconds of each and the added share: the issue's budget is
at most 15% more on the bundled sample clip. Also the pose model alone, with and without the
mask, to show where the cost lies.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT / "sample_videos" / "sldl_side_demo.mp4"


def pose_alone(clip: Path, model: str, masks: bool) -> float:
    """Seconds inside the pose model's detect calls over the clip (decoding excluded)."""
    from formcheck.io.video_reader import VideoReader
    from formcheck.pipeline import MAX_SIDE
    from formcheck.pose.estimator import PoseEstimator

    spent = 0.0
    with (
        VideoReader(clip, max_side=MAX_SIDE) as reader,
        PoseEstimator(model, segmentation=masks) as estimator,
    ):
        for frame in reader:
            start = time.perf_counter()
            estimator.detect(frame.image, int(round(frame.t * 1000)))
            spent += time.perf_counter() - start
    return spent


def analysis(clip: Path, model: str, masks: bool, out: Path, video: bool) -> float:
    """Seconds of the whole analysis, with or without the outline."""
    import formcheck.pipeline as pipeline

    pipeline.OUTLINES = masks  # the switch the clip pipeline reads
    start = time.perf_counter()
    pipeline.analyze(clip, out=out, model=model, video=video)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", default=str(DEFAULT_CLIP))
    parser.add_argument("--model", default="lite")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-video", action="store_true")
    args = parser.parse_args()
    clip = Path(args.clip)
    runs: dict[str, list[float]] = {
        k: [] for k in ("pose", "pose+mask", "analyze", "analyze+outline")
    }
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            runs["pose+mask"].append(pose_alone(clip, args.model, True))
            runs["pose"].append(pose_alone(clip, args.model, False))
            runs["analyze+outline"].append(
                analysis(clip, args.model, True, Path(tmp) / f"on{i}", not args.no_video)
            )
            runs["analyze"].append(
                analysis(clip, args.model, False, Path(tmp) / f"off{i}", not args.no_video)
            )
    best = {k: min(v) for k, v in runs.items()}
    print(f"clip: {clip.name}  model: {args.model}  runs: {args.repeat} (best of each)")
    for name, seconds in best.items():
        print(f"  {name:<18} {seconds:7.2f} s")
    print(f"  pose model: the mask adds {best['pose+mask'] / best['pose'] - 1:+.1%}")
    added = best["analyze+outline"] / best["analyze"] - 1
    print(f"  whole analysis: the mask and the outline add {added:+.1%} (budget +15%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
